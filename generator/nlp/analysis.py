"""``analyse``: themes and values per story with their explanation, and emergent clusters.

The only entry point the pipeline needs. Steps: :mod:`~generator.nlp.corpus` (cached lemmas →
TF-IDF), one :class:`~generator.nlp.labels.LabelModel` per kind, explanations
(:mod:`~generator.nlp.explain`), clusters (:mod:`~generator.nlp.clusters`). Documents are sorted
by id first and every float in the output is rounded, so the same stories give the same result
whatever order they arrive in.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from generator.nlp.clusters import ClusterModel, ClusterSettings, describe_clusters
from generator.nlp.corpus import MIN_DF, WORD_WEIGHT, PreparedCorpus, prepare_corpus
from generator.nlp.explain import SentenceScorer, top_terms_of
from generator.nlp.labels import (
    THEME_SETTINGS,
    VALUE_SETTINGS,
    LabelModel,
    LabelSettings,
    declared_matrix,
    main_labels,
)
from generator.nlp.schema import Analysis, Document, LabelScore, LabelTerm, StoryLabels

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording.nlp")

SETTINGS: dict[str, LabelSettings] = {"themes": THEME_SETTINGS, "values": VALUE_SETTINGS}
DECIMALS = 3


def declared(documents: Sequence[Document], kind: str) -> list[tuple[str, ...]]:
    return [d.declared_themes if kind == "themes" else d.declared_values for d in documents]


FIT_STORIES = 1000
"""At most this many stories with declared labels train the label models (beside the
taxonomy's training text). Fitting costs grow with the rows; past a few thousand stories more
examples of the same practice add little (the held-out scores above are reached with 61
stories), so a large corpus trains on a fixed sample. The sample is chosen by a hash of the
story id, so one changed or added story leaves the rest of the sample as it was."""


def fitting_rows(documents: Sequence[Document], kind: str, limit: int = FIT_STORIES
                 ) -> np.ndarray:
    """Per document, True if it trains the models of ``kind``: declared labels of that kind,
    and among those the ``limit`` with the lowest ``sha256(id)``."""
    labelled = np.array([bool(labels) for labels in declared(documents, kind)], dtype=bool)
    if int(labelled.sum()) <= limit:
        return labelled
    rank = sorted(np.flatnonzero(labelled),
                  key=lambda i: hashlib.sha256(documents[i].id.encode()).hexdigest())
    chosen = np.zeros(len(documents), dtype=bool)
    chosen[rank[:limit]] = True
    return chosen


def fit_labels(corpus: PreparedCorpus, kind: str, random_state: int = 0) -> LabelModel:
    """The label model of one kind, trained on the declared labels of the stories
    (:func:`fitting_rows`) and on the taxonomy's training text. The build, the held-out
    evaluation and the suggestions all fit through here."""
    keys = [label.key for label in corpus.labels[kind]]
    Y = declared_matrix(declared(corpus.documents, kind), keys)
    return LabelModel(corpus.labels[kind], SETTINGS[kind], random_state).fit(
        corpus.L, Y, corpus.padded(corpus.seeds[kind]),
        labelled=fitting_rows(corpus.documents, kind), X_training=corpus.L_training,
        Y_training=declared_matrix(declared(corpus.training, kind), keys),
        main=main_labels(declared(corpus.documents, kind), keys),
        main_training=main_labels(declared(corpus.training, kind), keys))


def story_labels(corpus: PreparedCorpus, models: dict[str, LabelModel]) -> dict[str, StoryLabels]:
    """Every label of every story, scored; terms for labels that are inferred or declared and
    the best sentence for inferred ones."""
    out: dict[str, StoryLabels] = {}
    per_kind: dict[str, tuple[np.ndarray, np.ndarray, SentenceScorer,
                              list[dict[int, list[str]]]]] = {}
    for kind, model in models.items():
        scores, inferred = model.predict(corpus.L, DECIMALS)
        words = model.explain_weights[:, : len(corpus.features.terms)]
        chosen = declared_matrix(declared(corpus.documents, kind), model.keys).astype(bool)
        # terms for the labels that are inferred or declared, one label at a time
        terms = [top_terms_of(corpus.features, np.flatnonzero(inferred[:, j] | chosen[:, j]),
                              words[j]) for j in range(len(model.keys))]
        per_kind[kind] = (scores, inferred, SentenceScorer(corpus.features, words), terms)
    for i, doc in enumerate(corpus.documents):
        lists: dict[str, list[LabelScore]] = {}
        for kind, model in models.items():
            scores, inferred, sentences, terms = per_kind[kind]
            chosen_keys = set(declared([doc], kind)[0])
            items = []
            for j, key in enumerate(model.keys):
                is_inferred = bool(inferred[i, j])
                items.append(LabelScore(
                    key=key, score=float(scores[i, j]), inferred=is_inferred,
                    declared=key in chosen_keys, terms=terms[j].get(i, []),
                    certainty=model.certainty(float(scores[i, j])) if is_inferred else "",
                    sentence=sentences.best(i, j, doc.text) if is_inferred else None))
            items.sort(key=lambda s: (-s.score, s.key))
            lists[kind] = items
        out[doc.id] = StoryLabels(story_id=doc.id, themes=lists["themes"],
                                  values=lists["values"])
    return out


def analyse(documents: Sequence[Document], themes: Sequence[LabelTerm],
            values: Sequence[LabelTerm], cache_dir: Path | None = None, random_state: int = 0,
            *, stopwords: Sequence[str] = (), training: Sequence[Document] = ()) -> Analysis:
    """Scores, inferred labels with explanations, clusters, and a description of the method.

    ``training``: labelled text that only trains (:mod:`generator.nlp.training`)."""
    documents = sorted(documents, key=lambda d: d.id)
    if not documents:
        return Analysis(labels={}, clusters=[], cluster_of={}, method={}, stats={})
    corpus = prepare_corpus(documents, themes, values, cache_dir, stopwords, training=training)
    start = time.perf_counter()
    models = {kind: fit_labels(corpus, kind, random_state) for kind in ("themes", "values")}
    labels = story_labels(corpus, models)
    clusterer = ClusterModel(ClusterSettings(), random_state).fit(corpus.X)
    clusters = describe_clusters(clusterer, corpus.features, documents, corpus.labels["themes"],
                                 corpus.seeds["themes"])
    cluster_of = {sid: c.id for c in clusters for sid in c.members}
    stats = {**corpus.stats, "models_seconds": time.perf_counter() - start,
             "documents": len(documents)}
    log.info("NLP: %d verhalen, %d opnieuw verwerkt, %d uit de cache", len(documents),
             corpus.stats["processed"], corpus.stats["cached"])
    return Analysis(labels=labels, clusters=clusters, cluster_of=cluster_of,
                    method=describe_method(corpus, models, clusterer, len(stopwords)),
                    stats=stats)


def _count(n: int) -> str:
    return {1: "één", 2: "twee", 3: "drie"}.get(n, str(n))


def _num(value: float, decimals: int = 2) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def describe_method(corpus: PreparedCorpus, models: dict[str, LabelModel],
                    clusterer: ClusterModel, n_stopwords: int) -> dict[str, Any]:
    """The settings and sizes of this run, in Dutch, for the method page (no timings: the page
    must be identical between builds)."""
    processor = corpus.processor
    if processor.trained:
        language = f"spaCy, getraind model ({processor.name.split('/')[1]})"
    else:
        language = ("spaCy blank('nl') met de lemma-opzoektabellen van spacy-lookups-data "
                    "(geen download nodig)")
    method: dict[str, Any] = {
        "Taalverwerking": language,
        "Pijplijn (versie)": f"`{processor.name}`",
        "Woorden": (f"{len(corpus.features.terms)} termen: basisvormen die in minstens {MIN_DF} "
                    f"verhalen staan, plus alle woorden uit de taxonomie; Nederlandse "
                    f"stopwoorden en {n_stopwords} eigen stopwoorden (taxonomy/stopwords.yml) "
                    "tellen niet mee"),
        "Gewicht per woord": "TF-IDF (sublineair, genormaliseerd per verhaal)",
    }
    names = {"themes": "Thema's", "values": "Waarden"}
    singular = {"themes": "thema", "values": "waarde"}
    for kind, model in models.items():
        s = model.settings
        learned = int((model.weight > 0).sum())
        method[names[kind]] = (
            f"score = w × leermodel + (1 − w) × taxonomiewoorden, met w = n / (n + "
            f"{s.prior_strength:g}) voor n voorbeelden van het label (verhalen waarin de "
            f"auteur het koos, situaties en voorbeeldverhalen uit de taxonomie); {learned} van "
            f"de {len(model.keys)} labels hebben een leermodel; gevonden vanaf score "
            f"{_num(s.threshold)} (en minstens {_num(s.relative)} × de beste score van het "
            f"verhaal); het beste {singular[kind]} altijd, behalve als de woorden van het "
            f"verhaal minder dan {_num(s.min_evidence)} × zo sterk naar een label wijzen als in "
            f"een gewoon voorbeeld: dan 'geen duidelijk {singular[kind]}'; 'waarschijnlijk' "
            f"vanaf {_num(s.confident)}, daaronder 'mogelijk' (telt niet mee in aantallen)")
    method["Leermodel"] = ("logistische regressie per label (one-vs-rest, gebalanceerde "
                           f"klassen, C = {THEME_SETTINGS.C:g} voor thema's en "
                           f"{VALUE_SETTINGS.C:g} voor waarden) op de woorden (basisvormen en "
                           "delen van samenstellingen, gewicht "
                           f"{_num(WORD_WEIGHT, 1)}) en de lettergroepen van 3 tot 5 tekens "
                           "van de tekst, zodat ook een nooit geziene woordvorm iets zegt")
    c = clusterer.settings
    if clusterer.k_:
        method["Groepen"] = (
            f"k-means op {c.components} LSA-dimensies; {clusterer.k_} groepen, gekozen uit "
            f"{c.k_min}–{max(clusterer.stabilities_)} op stabiliteit "
            f"({_num(clusterer.stability_)}); silhouette {_num(clusterer.silhouette_)}")
    else:
        method["Groepen"] = "te weinig verhalen om groepen te vormen"
    method["Trainingsteksten"] = (
        f"{len(corpus.training)} uit de taxonomie (situaties bij thema's en waarden, "
        "voorbeeldverhalen): ze leren het model herkennen wat er gebeurt, ook in woorden die "
        "de eigen verhalen niet gebruiken; ze worden nooit gepubliceerd of meegeteld")
    method["Verhalen"] = (f"{len(corpus.documents)} geanalyseerd; "
                          f"{sum(1 for d in corpus.documents if d.declared_themes)} met thema's "
                          f"en {sum(1 for d in corpus.documents if d.declared_values)} met "
                          "waarden van de auteur")
    method["Toeval"] = f"vast zaad (random_state = {clusterer.random_state}): elke bouw is gelijk"
    return method
