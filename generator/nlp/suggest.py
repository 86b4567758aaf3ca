"""Suggestions while writing: which themes and values a draft seems to be about.

Self-signification at the source (SenseMaker's idea): the storyteller's own reading comes
first, the pattern the analysis sees is offered beside it, and what the author confirms is what
the story declares. ``rijk check`` and the web form show the suggestion as a question ("Dit
verhaal lijkt te gaan over schulden en werk. Klopt dat?"); nothing is ever written into a story
without the author choosing it.

The :class:`LabelSuggester` is fitted like the build's label models (corpus stories with their
declared labels plus the taxonomy's training text) and then scores one draft at a time. Fitting
uses no disk cache: drafts and unpublished stories are read in memory only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.nlp.analysis import fit_labels
from generator.nlp.corpus import PreparedCorpus, prepare_corpus
from generator.nlp.schema import Document, LabelTerm


@dataclass(frozen=True)
class SuggestedLabel:
    key: str
    label: str
    score: float
    certainty: str
    """"waarschijnlijk" or "mogelijk" (see :class:`generator.nlp.labels.LabelSettings`)."""


@dataclass(frozen=True)
class Suggestion:
    """The labels the analysis would infer for one draft, best first."""

    themes: list[SuggestedLabel] = field(default_factory=list)
    values: list[SuggestedLabel] = field(default_factory=list)

    def new(self, declared_themes: Sequence[str], declared_values: Sequence[str]
            ) -> Suggestion:
        """Only the labels the author has not chosen yet."""
        return Suggestion(themes=[s for s in self.themes if s.key not in declared_themes],
                          values=[s for s in self.values if s.key not in declared_values])

    @property
    def empty(self) -> bool:
        return not self.themes and not self.values

    def sentence(self) -> str:
        """The question for the author, in Dutch (B1)."""
        said = " ".join(p for p in (_theme_phrase(self.themes), _value_phrase(self.values))
                        if p)
        if not said:
            return "De analyse ziet geen duidelijk thema in deze tekst."
        return said + " Klopt dat? Kies het dan zelf bij het verhaal."

    def as_dict(self) -> dict[str, object]:
        return {"themes": [s.__dict__ for s in self.themes],
                "values": [s.__dict__ for s in self.values], "sentence": self.sentence()}


def _names(labels: Sequence[SuggestedLabel]) -> str:
    names = [s.label.lower() for s in labels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _split(labels: Sequence[SuggestedLabel]) -> tuple[list[SuggestedLabel], list[SuggestedLabel]]:
    sure = [s for s in labels if s.certainty == "waarschijnlijk"]
    return sure, [s for s in labels if s not in sure]


def _theme_phrase(labels: Sequence[SuggestedLabel]) -> str:
    sure, maybe = _split(labels)
    if sure and maybe:
        return f"Dit verhaal lijkt te gaan over {_names(sure)}, en misschien ook over " \
               f"{_names(maybe)}."
    if sure:
        return f"Dit verhaal lijkt te gaan over {_names(sure)}."
    return f"Dit verhaal gaat misschien over {_names(maybe)}." if maybe else ""


def _value_phrase(labels: Sequence[SuggestedLabel]) -> str:
    sure, maybe = _split(labels)
    if sure and maybe:
        return f"Je ziet er vooral {_names(sure)} in, en misschien ook {_names(maybe)}."
    if sure:
        return f"Je ziet er vooral {_names(sure)} in."
    return f"Misschien zie je er {_names(maybe)} in." if maybe else ""


class LabelSuggester:
    """Theme and value suggestions for single texts; sklearn-like ``fit`` / ``suggest``.

    Fitted attributes: ``corpus_`` (the prepared corpus) and ``models_`` (one
    :class:`LabelModel` per kind)."""

    def __init__(self, themes: Sequence[LabelTerm], values: Sequence[LabelTerm], *,
                 stopwords: Sequence[str] = (), random_state: int = 0) -> None:
        self.themes = list(themes)
        self.values = list(values)
        self.stopwords = list(stopwords)
        self.random_state = random_state

    def fit(self, documents: Sequence[Document], training: Sequence[Document] = ()
            ) -> LabelSuggester:
        corpus: PreparedCorpus = prepare_corpus(
            sorted(documents, key=lambda d: d.id), self.themes, self.values, None,
            self.stopwords, training=training)
        self.corpus_ = corpus
        self.models_ = {kind: fit_labels(corpus, kind, self.random_state)
                        for kind in ("themes", "values")}
        return self

    def suggest(self, text: str) -> Suggestion:
        """The labels the build would infer for ``text``, best first (empty for no text)."""
        if not text.strip():
            return Suggestion()
        processed = self.corpus_.processor.process([text])
        X = self.corpus_.label_features([text], processed)
        out: dict[str, list[SuggestedLabel]] = {}
        for kind, model in self.models_.items():
            scores, inferred_all = model.predict(X)
            inferred = inferred_all[0]
            names = {label.key: label.label or label.key for label in model.labels}
            found = [SuggestedLabel(key=key, label=names[key], score=round(float(scores[0, j]), 3),
                                    certainty=model.certainty(float(scores[0, j])))
                     for j, key in enumerate(model.keys) if inferred[j]]
            out[kind] = sorted(found, key=lambda s: (-s.score, s.key))
        return Suggestion(themes=out["themes"], values=out["values"])
