"""``evaluate``: how well the inferred labels match what authors declared, without leaking.

Labels: k-fold cross-validation over the stories with declared labels of a kind. In every fold
the label model (supervised part *and* the seed reference) is fitted on the training stories
only and scores the held-out ones, so a story's own declared labels never help infer them. The
vocabulary and IDF are fitted once on all texts, exactly as the site does: they use no labels.
Precision, recall and F1 are pooled over the folds per label; macro-F1 is their mean over the
labels that at least one author chose.

Clusters: the clustering never sees labels, so it is fitted once on everything and compared
with each story's main declared theme (the first one) by NMI and ARI; silhouette measures how
well separated the groups are on their own terms.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.model_selection import KFold, StratifiedKFold

from generator.nlp.analysis import FIT_STORIES, SETTINGS, declared, fit_labels, fitting_rows
from generator.nlp.clusters import ClusterModel, ClusterSettings
from generator.nlp.corpus import PreparedCorpus, prepare_corpus
from generator.nlp.labels import LabelModel, declared_matrix, main_labels
from generator.nlp.schema import Document, LabelTerm

KIND_NAMES = {"themes": ("Thema", "thema's"), "values": ("Waarde", "waarden")}


@dataclass(frozen=True)
class LabelMetrics:
    """Cross-validated quality of one label; ``support`` = stories whose author chose it."""

    key: str
    label: str
    support: int
    predicted: int
    precision: float
    recall: float
    f1: float


@dataclass
class Evaluation:
    """All numbers of one evaluation run, rounded to 3 decimals (stable across runs)."""

    themes: list[LabelMetrics]
    values: list[LabelMetrics]
    themes_macro_f1: float
    values_macro_f1: float
    themes_micro_f1: float
    values_micro_f1: float
    nmi: float
    ari: float
    silhouette: float
    clusters: int
    stability: float
    folds: int
    stories: int
    labelled: dict[str, int] = field(default_factory=dict)
    random_state: int = 0

    def per_label(self, kind: str) -> list[LabelMetrics]:
        return self.themes if kind == "themes" else self.values

    def macro_f1(self, kind: str) -> float:
        return self.themes_macro_f1 if kind == "themes" else self.values_macro_f1

    def micro_f1(self, kind: str) -> float:
        return self.themes_micro_f1 if kind == "themes" else self.values_micro_f1

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def as_markdown(self) -> str:
        """Tables for the method page (Dutch, decimal comma)."""
        lines = [
            f"Kruisvalidatie in {self.folds} delen over {self.labelled.get('themes', 0)} "
            f"verhalen met thema's en {self.labelled.get('values', 0)} met waarden van de "
            "auteur. Het model leert steeds zonder de verhalen waarop het getoetst wordt.",
            "",
        ]
        for kind in ("themes", "values"):
            name = KIND_NAMES[kind][0]
            lines += [f"| {name} | Gekozen door auteurs | Precisie | Recall | F1 |",
                      "| --- | ---: | ---: | ---: | ---: |"]
            for m in self.per_label(kind):
                if m.support:
                    lines.append(f"| {m.label} | {m.support} | {_nl(m.precision)} | "
                                 f"{_nl(m.recall)} | {_nl(m.f1)} |")
                else:
                    lines.append(f"| {m.label} | 0 | – | – | – (nog door geen auteur gekozen) |")
            lines += [f"| **Gemiddeld (macro-F1)** | | | | **{_nl(self.macro_f1(kind))}** |", ""]
        lines += [
            "| Groepen (*Wat valt op*) | Waarde | Betekenis |",
            "| --- | ---: | --- |",
            f"| Aantal groepen | {self.clusters} | gekozen op stabiliteit "
            f"({_nl(self.stability)}) |",
            f"| NMI | {_nl(self.nmi)} | overeenkomst met het eerste thema van de auteur "
            "(0 = geen, 1 = gelijk) |",
            f"| ARI | {_nl(self.ari)} | idem, gecorrigeerd voor toeval (0 = toeval, 1 = gelijk) |",
            f"| Silhouette | {_nl(self.silhouette)} | hoe duidelijk de groepen gescheiden zijn "
            "(−1 tot 1) |",
            "",
            "De groepen hoeven niet met de thema's samen te vallen: ze zijn juist bedoeld om te "
            "laten zien wat de thema's missen.",
        ]
        return "\n".join(lines) + "\n"

    def as_table(self) -> str:
        """Plain text for the terminal."""
        out = [f"Kruisvalidatie: {self.folds} delen, {self.stories} verhalen "
               f"(random_state={self.random_state})", ""]
        for kind in ("themes", "values"):
            out.append(f"{KIND_NAMES[kind][0]:<20} {'n':>4} {'P':>6} {'R':>6} {'F1':>6}")
            for m in self.per_label(kind):
                if m.support:
                    out.append(f"{m.key:<20} {m.support:>4} {m.precision:>6.3f} "
                               f"{m.recall:>6.3f} {m.f1:>6.3f}")
                else:
                    out.append(f"{m.key:<20} {0:>4} {'-':>6} {'-':>6} {'-':>6}")
            out += [f"{'macro-F1':<20} {'':>4} {'':>6} {'':>6} {self.macro_f1(kind):>6.3f}",
                    f"{'micro-F1':<20} {'':>4} {'':>6} {'':>6} {self.micro_f1(kind):>6.3f}", ""]
        out += [f"Groepen: {self.clusters} (stabiliteit {self.stability:.3f})",
                f"NMI {self.nmi:.3f}  ARI {self.ari:.3f}  silhouette {self.silhouette:.3f}"]
        return "\n".join(out)


def _nl(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _r(value: float) -> float:
    return round(float(value), 3)


def make_folds(strata: Sequence[str], folds: int, random_state: int) -> list[np.ndarray]:
    """Test indices of each fold: stratified on the main label where every stratum is big
    enough, shuffled plain k-fold otherwise."""
    n = len(strata)
    k = min(folds, n)
    if k < 2:
        return []
    counts: dict[str, int] = {}
    for s in strata:
        counts[s] = counts.get(s, 0) + 1
    grouped = [s if counts[s] >= k else "_rest" for s in strata]
    rest = grouped.count("_rest")
    splitter: StratifiedKFold | KFold
    if len(set(grouped)) > 1 and (rest == 0 or rest >= k):
        splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=random_state)
    else:
        splitter = KFold(n_splits=k, shuffle=True, random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [test for _, test in splitter.split(np.zeros(n), grouped)]


def cross_validate(corpus: PreparedCorpus, kind: str, folds: int, random_state: int
                   ) -> tuple[list[LabelMetrics], float, float, int]:
    """Per-label metrics, macro-F1, micro-F1 and the number of stories evaluated."""
    labels = corpus.labels[kind]
    keys = [label.key for label in labels]
    Y_all = declared_matrix(declared(corpus.documents, kind), keys)
    rows = np.flatnonzero(fitting_rows(corpus.documents, kind))  # a large corpus: the sample
    X, Y = corpus.L[rows], Y_all[rows]
    Y_training = declared_matrix(declared(corpus.training, kind), keys)
    main = main_labels(declared([corpus.documents[r] for r in rows], kind), keys)
    main_training = main_labels(declared(corpus.training, kind), keys)
    predicted = np.zeros_like(Y, dtype=bool)
    strata = [_main(corpus.documents[r], kind) for r in rows]
    tests = make_folds(strata, folds, random_state)
    for test in tests:
        train = np.setdiff1d(np.arange(len(rows)), test)
        model = LabelModel(labels, SETTINGS[kind], random_state).fit(
            X[train], Y[train], corpus.padded(corpus.seeds[kind]),
            X_training=corpus.L_training, Y_training=Y_training, main=main[train],
            main_training=main_training)
        predicted[test] = model.predict(X[test])[1]
    metrics: list[LabelMetrics] = []
    for j, label in enumerate(labels):
        truth, guess = Y[:, j].astype(bool), predicted[:, j]
        tp = int((truth & guess).sum())
        p = tp / guess.sum() if guess.sum() else 0.0
        r = tp / truth.sum() if truth.sum() else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        metrics.append(LabelMetrics(key=label.key, label=label.label, support=int(truth.sum()),
                                    predicted=int(guess.sum()), precision=_r(p), recall=_r(r),
                                    f1=_r(f1)))
    supported = [m.f1 for m in metrics if m.support]
    macro = float(np.mean(supported)) if supported else 0.0
    tp = int((Y.astype(bool) & predicted).sum())
    micro = 2 * tp / (Y.sum() + predicted.sum()) if (Y.sum() + predicted.sum()) else 0.0
    return metrics, _r(macro), _r(micro), len(rows) if tests else 0


def _main(document: Document, kind: str) -> str:
    labels = declared([document], kind)[0]
    return labels[0] if labels else "_none"


def evaluation_sample(documents: Sequence[Document]) -> list[Document]:
    """The documents :func:`evaluate` measures, sorted by id: all of them, or for a corpus
    larger than :data:`~generator.nlp.analysis.FIT_STORIES` the ones the models train on.
    Nothing else of the corpus reaches the evaluation, so a cache keyed on this sample stays
    valid when a story outside it changes."""
    documents = sorted(documents, key=lambda d: d.id)
    if len(documents) > FIT_STORIES:
        sample = fitting_rows(documents, "themes") | fitting_rows(documents, "values")
        documents = [d for d, chosen in zip(documents, sample, strict=True) if chosen]
    return documents


def evaluate(documents: Sequence[Document], themes: Sequence[LabelTerm],
             values: Sequence[LabelTerm], cache_dir: Path | None = None, random_state: int = 0,
             folds: int = 5, *, stopwords: Sequence[str] = (),
             training: Sequence[Document] = ()) -> Evaluation:
    """Cross-validated label quality and cluster quality against the authors' declarations;
    ``training`` text trains every fold and is never tested.

    A corpus larger than :data:`~generator.nlp.analysis.FIT_STORIES` is evaluated on the
    stories the build's models train on (:func:`~generator.nlp.analysis.fitting_rows`, both
    kinds): the same rows, at a fraction of the time and memory of the whole corpus."""
    documents = evaluation_sample(documents)
    corpus = prepare_corpus(documents, themes, values, cache_dir, stopwords, training=training)
    results = {kind: cross_validate(corpus, kind, folds, random_state)
               for kind in ("themes", "values")}
    clusterer = ClusterModel(ClusterSettings(), random_state).fit(corpus.X)
    with_theme = [i for i, d in enumerate(documents) if d.declared_themes]
    nmi = ari = 0.0
    if clusterer.k_ and with_theme:
        truth = [documents[i].declared_themes[0] for i in with_theme]
        found = clusterer.labels_[with_theme]
        nmi = normalized_mutual_info_score(truth, found)
        ari = adjusted_rand_score(truth, found)
    return Evaluation(
        themes=results["themes"][0], values=results["values"][0],
        themes_macro_f1=results["themes"][1], values_macro_f1=results["values"][1],
        themes_micro_f1=results["themes"][2], values_micro_f1=results["values"][2],
        nmi=_r(nmi), ari=_r(ari), silhouette=_r(clusterer.silhouette_), clusters=clusterer.k_,
        stability=_r(clusterer.stability_), folds=min(folds, len(documents)),
        stories=len(documents),
        labelled={kind: results[kind][3] for kind in results}, random_state=random_state,
    )


@dataclass
class HeldOutEvaluation:
    """Label quality on stories the model never trained on (``rijk evaluate --against``).

    The held-out stories join the corpus without their labels, exactly as new stories join a
    build (their words count for the vocabulary, their labels for nothing); the models train on
    the corpus's declared labels and the training text, and the held-out labels are only
    compared with what the build would publish. ``main_theme_accuracy``: the share of stories
    whose best-scoring theme is the first theme in their front-matter; ``abstained``: stories
    that got "geen duidelijk thema"."""

    themes: list[LabelMetrics]
    values: list[LabelMetrics]
    themes_macro_f1: float
    values_macro_f1: float
    main_theme_accuracy: float
    abstained: int
    stories: int
    trained_on: int
    training_texts: int
    source: str = ""

    per_label = Evaluation.per_label
    macro_f1 = Evaluation.macro_f1
    as_dict = Evaluation.as_dict

    def as_table(self) -> str:
        out = [f"Niet eerder geziene verhalen: {self.stories} ({self.source}); getraind op "
               f"{self.trained_on} verhalen en {self.training_texts} trainingsteksten", ""]
        for kind in ("themes", "values"):
            out.append(f"{KIND_NAMES[kind][0]:<20} {'n':>4} {'P':>6} {'R':>6} {'F1':>6}")
            for m in self.per_label(kind):
                if m.support:
                    out.append(f"{m.key:<20} {m.support:>4} {m.precision:>6.3f} "
                               f"{m.recall:>6.3f} {m.f1:>6.3f}")
            out += [f"{'macro-F1':<20} {'':>4} {'':>6} {'':>6} {self.macro_f1(kind):>6.3f}", ""]
        out += [f"Hoofdthema goed: {self.main_theme_accuracy:.3f}",
                f"Geen duidelijk thema: {self.abstained} van {self.stories}"]
        return "\n".join(out)

    def as_markdown(self) -> str:
        lines = [f"Toets op {self.stories} verhalen die het model nooit zag ({self.source}), "
                 "in andere woorden geschreven dan de verhalen en de taxonomie. Het model "
                 f"leerde van {self.trained_on} verhalen en {self.training_texts} "
                 "trainingsteksten.", ""]
        for kind in ("themes", "values"):
            name = KIND_NAMES[kind][0]
            lines += [f"| {name} | In de toetsset | Precisie | Recall | F1 |",
                      "| --- | ---: | ---: | ---: | ---: |"]
            for m in self.per_label(kind):
                if m.support:
                    lines.append(f"| {m.label} | {m.support} | {_nl(m.precision)} | "
                                 f"{_nl(m.recall)} | {_nl(m.f1)} |")
            lines += [f"| **Gemiddeld (macro-F1)** | | | | **{_nl(self.macro_f1(kind))}** |", ""]
        lines += [f"Het hoofdthema (het eerste thema van de schrijver) was in "
                  f"{round(100 * self.main_theme_accuracy)} % van de verhalen het thema met de "
                  f"hoogste score. {self.abstained} van de {self.stories} verhalen kregen "
                  "'geen duidelijk thema'.", ""]
        return "\n".join(lines)


def label_metrics(truth: np.ndarray, predicted: np.ndarray, labels: Sequence[LabelTerm]
                  ) -> tuple[list[LabelMetrics], float]:
    """Per-label precision, recall and F1 (stories × labels boolean matrices) and the macro-F1
    over the labels that occur in ``truth``."""
    metrics: list[LabelMetrics] = []
    for j, label in enumerate(labels):
        t, g = truth[:, j].astype(bool), predicted[:, j].astype(bool)
        tp = int((t & g).sum())
        p = tp / g.sum() if g.sum() else 0.0
        r = tp / t.sum() if t.sum() else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        metrics.append(LabelMetrics(key=label.key, label=label.label, support=int(t.sum()),
                                    predicted=int(g.sum()), precision=_r(p), recall=_r(r),
                                    f1=_r(f1)))
    supported = [m.f1 for m in metrics if m.support]
    return metrics, _r(np.mean(supported)) if supported else 0.0


def evaluate_against(documents: Sequence[Document], held_out: Sequence[Document],
                     themes: Sequence[LabelTerm], values: Sequence[LabelTerm],
                     cache_dir: Path | None = None, random_state: int = 0, *,
                     stopwords: Sequence[str] = (), training: Sequence[Document] = (),
                     source: str = "") -> HeldOutEvaluation:
    """Train on ``documents`` (and ``training``), score ``held_out`` as the build would.

    Raises ``ValueError`` when a held-out story has the id of a corpus story (it would be
    both trained on and tested) or when no held-out story declares a theme."""
    ids = {d.id for d in documents}
    clash = sorted(d.id for d in held_out if d.id in ids)
    if clash:
        raise ValueError(f"deze toetsverhalen staan ook in het corpus: {', '.join(clash[:5])}")
    if not any(d.declared_themes for d in held_out):
        raise ValueError("geen van de toetsverhalen heeft thema's in de front-matter")
    blind = [Document(id=d.id, text=d.text) for d in held_out]
    corpus_docs = sorted([*documents, *blind], key=lambda d: d.id)
    corpus = prepare_corpus(corpus_docs, themes, values, cache_dir, stopwords,
                            training=training)
    row = {d.id: i for i, d in enumerate(corpus.documents)}
    rows = [row[d.id] for d in held_out]
    results: dict[str, tuple[list[LabelMetrics], float]] = {}
    abstained = 0
    main_right = 0
    for kind in ("themes", "values"):
        keys = [label.key for label in corpus.labels[kind]]
        model = fit_labels(corpus, kind, random_state)
        scores, inferred = model.predict(corpus.L[rows])
        truth = declared_matrix(declared(held_out, kind), keys)
        results[kind] = label_metrics(truth, inferred, corpus.labels[kind])
        if kind == "themes":
            abstained = int((~inferred.any(axis=1)).sum())
            for i, doc in enumerate(held_out):
                if doc.declared_themes and inferred[i].any() and \
                        keys[int(np.argmax(scores[i]))] == doc.declared_themes[0]:
                    main_right += 1
    with_theme = sum(1 for d in held_out if d.declared_themes)
    return HeldOutEvaluation(
        themes=results["themes"][0], values=results["values"][0],
        themes_macro_f1=results["themes"][1], values_macro_f1=results["values"][1],
        main_theme_accuracy=_r(main_right / with_theme), abstained=abstained,
        stories=len(held_out), trained_on=sum(1 for d in documents if d.declared_themes),
        training_texts=len(corpus.training), source=source)
