"""Emergent groups of stories, found without the taxonomy, to surface what it misses.

Stories are reduced to a few latent dimensions (LSA: truncated SVD of the TF-IDF matrix, rows
L2-normalised, so Euclidean k-means behaves like cosine k-means) and grouped with k-means for every
``k`` in a range. The number of groups comes from the data by *stability*: for each ``k`` a few
seeded runs are compared (mean pairwise adjusted Rand index) and the ``k`` whose grouping comes
back most consistently wins. Silhouette, the usual alternative, only grows with ``k`` on short
texts (measured on the demo corpus), so it would always pick the largest ``k``; it is reported
as a quality number instead. Each group is then described in the readable TF-IDF space: its most
distinctive terms (centroid minus corpus mean) name it, the members closest to the centroid
represent it, and their best-matching sentences are quoted. A story far from its group's centre
(TF-IDF cosine below ``min_fit`` × the median) fits no group and is shown as such; a group's
name uses only terms its quotes show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from generator.nlp.features import CorpusFeatures
from generator.nlp.schema import Cluster, Document, LabelTerm


@dataclass(frozen=True)
class ClusterSettings:
    """Search range and effort; shown on the method page."""

    k_min: int = 3
    k_max: int = 12
    min_size: int = 5
    """``k`` is at most ``n / min_size``: a group of one or two stories says little."""
    components: int = 10
    """LSA dimensions: few, so that the groups follow the big contrasts, not single words."""
    runs: int = 4
    """Seeded k-means runs per ``k`` whose agreement measures stability."""
    n_init: int = 2
    silhouette_sample: int = 2000
    stability_sample: int = 2000
    """Above this many stories, ``k`` is chosen on a seeded sample of this size and only the
    chosen ``k`` is fitted on all of them: the choice needs the broad contrasts, not every
    story, and it keeps 10,000 stories to seconds."""
    terms: int = 10
    representatives: int = 3
    quotes: int = 3
    min_fit: float = 0.55
    """A story whose TF-IDF cosine to its group's centre is below this × the median of all
    stories fits no group: it is listed as such, not forced into the nearest one. (Demo
    corpus plus the tuning split: off-topic texts at 0.41–0.53 × the median, 2 % of the
    stories below 0.57.)"""


class ClusterModel:
    """k-means on LSA with ``k`` chosen by stability. After :meth:`fit`: ``labels_`` (group of
    every row, 0-based in k-means order), ``k_``, ``stability_`` and ``stabilities_`` (k → mean
    pairwise ARI), and ``silhouette_`` of the chosen grouping.
    """

    def __init__(self, settings: ClusterSettings | None = None, random_state: int = 0) -> None:
        self.settings = settings or ClusterSettings()
        self.random_state = random_state

    def candidates(self, n: int) -> list[int]:
        top = min(self.settings.k_max, n // self.settings.min_size, n - 1)
        return list(range(min(self.settings.k_min, top), top + 1)) if top >= 2 else []

    def embed(self, X: sp.csr_matrix) -> np.ndarray:
        n_components = min(self.settings.components, X.shape[0] - 1, X.shape[1] - 1)
        if n_components < 2:
            return normalize(X.toarray())
        svd = TruncatedSVD(n_components=n_components, random_state=self.random_state)
        return normalize(svd.fit_transform(X)).astype(np.float64)

    def fit(self, X: sp.csr_matrix) -> ClusterModel:
        # k-means on a few dense dimensions is faster on one thread than on OpenMP threads
        # that spin while other processes (a parallel build, the tests) hold the cores
        with threadpool_limits(limits=1):
            return self._fit(X)

    def _fit(self, X: sp.csr_matrix) -> ClusterModel:
        n = X.shape[0]
        self.k_ = 0
        self.silhouette_ = 0.0
        self.stability_ = 0.0
        self.stabilities_: dict[int, float] = {}
        self.labels_ = np.zeros(n, dtype=np.int64)
        ks = self.candidates(n)
        if not ks or X.shape[1] < 2:
            return self
        Z = self.embed(X)
        sample = None
        if n > self.settings.stability_sample:
            rng = np.random.RandomState(self.random_state)
            sample = np.sort(rng.choice(n, self.settings.stability_sample, replace=False))
        Zs = Z if sample is None else Z[sample]
        best: tuple[float, int, np.ndarray] | None = None
        for k in ks:
            runs = [KMeans(n_clusters=k, n_init=self.settings.n_init,
                           random_state=self.random_state * 1000 + r).fit(Zs)
                    for r in range(self.settings.runs)]
            agreement = [adjusted_rand_score(a.labels_, b.labels_)
                         for i, a in enumerate(runs) for b in runs[i + 1:]]
            stability = round(float(np.mean(agreement)), 3) if agreement else 0.0
            self.stabilities_[k] = stability
            chosen = min(runs, key=lambda run: (round(float(run.inertia_), 6), runs.index(run)))
            if best is None or stability > best[0]:
                best = (stability, k, chosen.labels_.astype(np.int64))
        assert best is not None
        self.stability_, self.k_, self.labels_ = best
        if sample is not None:
            self.labels_ = KMeans(n_clusters=self.k_, n_init=self.settings.n_init,
                                  random_state=self.random_state * 1000).fit(Z).labels_.astype(
                                      np.int64)
        if len(set(self.labels_.tolist())) > 1:
            self.silhouette_ = float(silhouette_score(
                Z, self.labels_, sample_size=min(self.settings.silhouette_sample, n),
                random_state=self.random_state))
        self.fit_ = np.zeros(n)
        for group in range(self.k_):  # in the TF-IDF space: LSA's few dimensions fit anything
            rows = np.flatnonzero(self.labels_ == group)
            centre = normalize(np.asarray(X[rows].mean(axis=0)))[0]
            self.fit_[rows] = np.round(np.asarray(X[rows] @ centre).ravel(), 6)
        floor = self.settings.min_fit * float(np.median(self.fit_))
        self.labels_ = np.where(self.fit_ >= floor, self.labels_, -1)
        return self


_MARKUP = re.compile(r"[*_`#>]+")


def sentence_text(text: str, span: tuple[int, int]) -> str:
    """A sentence as plain text for a quote: one line, Markdown emphasis removed."""
    return " ".join(_MARKUP.sub("", text[span[0]:span[1]]).split())


def make_label(terms: Sequence[str], quotes: Sequence[tuple[str, str]] = ()) -> str:
    """A readable name from the top terms: "Schuld, deurwaarder en brief". With quotes, the
    name only uses terms a quote shows (checked against what a reader sees), as long as at
    least two are left."""
    shown = [t for t in terms if any(t.split()[0][:5] in q.lower() for _, q in quotes)]
    top = list((shown if len(shown) >= 2 else terms)[:3])
    if not top:
        return "Overig"
    text = top[0] if len(top) == 1 else ", ".join(top[:-1]) + " en " + top[-1]
    return text[:1].upper() + text[1:]


def describe_clusters(model: ClusterModel, features: CorpusFeatures,
                      documents: Sequence[Document], themes: Sequence[LabelTerm],
                      theme_seeds: np.ndarray) -> list[Cluster]:
    """Name, representatives and quotes of every group; ids 1… by size, then name."""
    settings = model.settings
    if model.k_ < 2:
        return []
    X = features.X[: len(documents)]  # training rows (if any) follow the documents
    mean = np.asarray(X.mean(axis=0)).ravel()
    sentences = features.sentence_tfidf()
    drafts = []
    for group in range(model.k_):
        rows = np.flatnonzero(model.labels_ == group)
        if not len(rows):
            continue
        centroid = np.asarray(X[rows].mean(axis=0)).ravel()
        distinct = np.clip(centroid - mean, 0, None)
        order = np.lexsort((np.array(features.terms, dtype=object), -np.round(distinct, 6)))
        terms = [features.terms[j] for j in order[: settings.terms] if distinct[j] > 0]
        closeness = np.asarray(X[rows] @ centroid).ravel()
        ranked = [int(r) for r in rows[np.lexsort((rows, -np.round(closeness, 6)))]]
        representatives = ranked[: settings.representatives]
        quotes = _quotes(ranked, distinct, features, sentences, documents, settings.quotes)
        profile = normalize(centroid[None, :])[0]
        overlap = theme_seeds @ profile if len(theme_seeds) else np.zeros(0)
        closest = int(np.argmax(overlap)) if len(overlap) else -1
        drafts.append((
            -len(rows), make_label(terms, quotes), terms,
            sorted(documents[r].id for r in rows),
            [documents[r].id for r in representatives], quotes,
            themes[closest].key if closest >= 0 and overlap[closest] > 0 else None,
            round(float(overlap[closest]), 3) if closest >= 0 else 0.0,
        ))
    drafts.sort(key=lambda d: (d[0], d[1], d[3]))
    return [Cluster(id=i, label=label, terms=terms, members=members,
                    representatives=reps, quotes=quotes, closest_theme=theme,
                    theme_overlap=overlap)
            for i, (_, label, terms, members, reps, quotes, theme, overlap)
            in enumerate(drafts, start=1)]


def _quotes(ranked: list[int], profile: np.ndarray, features: CorpusFeatures,
            sentences: sp.csr_matrix, documents: Sequence[Document], limit: int
            ) -> list[tuple[str, str]]:
    """The best sentence (closest to the group's distinctive terms, 40–300 characters) of each
    of the most representative stories, one per story."""
    quotes: list[tuple[str, str]] = []
    for doc in ranked:
        if len(quotes) >= limit:
            break
        rows = features.sentences_of(doc)
        if not len(rows):
            continue
        scores = np.asarray(sentences[rows.start:rows.stop] @ profile).ravel()
        for offset in np.lexsort((np.arange(len(scores)), -np.round(scores, 6))):
            if scores[offset] <= 0:
                break
            text = sentence_text(documents[doc].text, features.sentence_span[rows.start + offset])
            if 40 <= len(text) <= 300:
                quotes.append((documents[doc].id, text))
                break
    return quotes
