"""Why a label was given: the terms that pulled hardest and the sentence that scores best.

A term's contribution to a label in a story is its TF-IDF weight in that story times the
label's term weight (:attr:`generator.nlp.labels.LabelModel.explain_weights`): the same words
that raise the score are the ones shown, so a reader can check the reasoning.
"""

from __future__ import annotations

import numpy as np

from generator.nlp.clusters import sentence_text
from generator.nlp.features import CorpusFeatures

TOP_TERMS = 5


def top_terms(features: CorpusFeatures, doc: int, weights: np.ndarray,
              limit: int = TOP_TERMS) -> list[str]:
    """The terms of story ``doc`` with the largest positive contribution, largest first."""
    return top_terms_of(features, np.array([doc]), weights, limit)[doc]


def top_terms_of(features: CorpusFeatures, docs: np.ndarray, weights: np.ndarray,
                 limit: int = TOP_TERMS) -> dict[int, list[str]]:
    """:func:`top_terms` for many stories at once (story index → terms), one sort for all.

    The same order as :func:`top_terms`: contribution rounded to 6 decimals, largest first,
    ties by term; the terms are in alphabetical column order, so the column breaks ties."""
    docs = np.asarray(docs, dtype=np.int64)
    if not len(docs):
        return {}
    X = features.X[docs]
    contribution = np.round(X.data * weights[X.indices], 6)
    row = np.repeat(np.arange(len(docs)), np.diff(X.indptr))
    positive = contribution > 0
    row, column, contribution = row[positive], X.indices[positive], contribution[positive]
    order = np.lexsort((column, -contribution, row))
    row, column = row[order], column[order]
    first = np.searchsorted(row, np.arange(len(docs)))
    wanted = (np.arange(len(row)) - first[row]) < 2 * limit
    row, column = row[wanted], column[wanted]
    bounds = np.searchsorted(row, np.arange(len(docs) + 1))
    names = features.term_array
    return {int(doc): without_parts([str(t) for t in names[column[bounds[k]:bounds[k + 1]]]]
                                    )[:limit]
            for k, doc in enumerate(docs)}


def without_parts(terms: list[str]) -> list[str]:
    """Drop single words that are part of a phrase in the list ("voet" beside "gelijke voet"):
    the phrase already says it, and five slots are few."""
    parts = {word for term in terms if " " in term for word in term.split()}
    return [t for t in terms if " " in t or t not in parts]


class SentenceScorer:
    """Every sentence scored against every label at once (sentences × labels), so picking the
    best sentence of a story is a slice and an argmax."""

    def __init__(self, features: CorpusFeatures, weights: np.ndarray) -> None:
        self.features = features
        self.scores = np.asarray(features.sentence_tfidf() @ weights.T, dtype=np.float32) if (
            weights.size) else np.zeros((len(features.sentence_span), 0), dtype=np.float32)

    def best(self, doc: int, label: int, text: str) -> str | None:
        """The story's highest-scoring sentence for ``label`` (first one on a tie), or None."""
        rows = self.features.sentences_of(doc)
        if not len(rows):
            return None
        column = np.round(self.scores[rows.start:rows.stop, label], 6)
        best = int(np.argmax(column))
        if column[best] <= 0:
            return None
        return shorten(sentence_text(text, self.features.sentence_span[rows.start + best]))


def shorten(sentence: str, limit: int = 320) -> str:
    """Cut a very long sentence at a word boundary, marked with an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + " …"
