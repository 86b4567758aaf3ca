"""Corpus features: term counts per sentence and per story, TF-IDF, and taxonomy seed vectors.

Counting per sentence and summing to stories gives both views from one pass: stories are what
the models score, sentences are what the explanations quote. The vocabulary keeps terms found in
at least ``min_df`` stories plus every taxonomy term found at all, so a new theme whose words
occur in a single story is still visible.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from generator.nlp.schema import LabelTerm
from generator.nlp.text import DutchProcessor, ProcessedText, TermExtractor

EXAMPLE_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.5
"""Examples are chosen words; a description also carries filler, so it counts half."""


def sentence_term_counts(processed: Sequence[ProcessedText], extractor: TermExtractor
                         ) -> tuple[sp.csr_matrix, np.ndarray, list[int], list[tuple[int, int]]]:
    """Sentences × terms counts (columns in alphabetical order of ``names``), the story of
    every sentence and its character span: the counts of
    :meth:`~generator.nlp.text.TermExtractor.sentence_terms`, computed as (sentences × distinct
    lemmas) · (lemmas × the terms each lemma brings) plus the phrases. At 10,000 stories that is
    a few seconds instead of the ten a term list per sentence costs."""
    tokens: list[str] = []
    lengths: list[int] = []
    sentence_doc: list[int] = []
    spans: list[tuple[int, int]] = []
    phrase_rows: list[int] = []
    phrase_terms: list[str] = []
    for i, text in enumerate(processed):
        for span, lemmas in zip(text.spans, text.lemmas, strict=True):
            row = len(lengths)
            tokens += lemmas
            lengths.append(len(lemmas))
            sentence_doc.append(i)
            spans.append(span)
            for term in extractor.sentence_phrases(lemmas):
                phrase_rows.append(row)
                phrase_terms.append(term)
    lemma_ids = {word: j for j, word in enumerate(dict.fromkeys(tokens))}
    cols = list(map(lemma_ids.__getitem__, tokens))
    term_ids: dict[str, int] = {}
    e_rows: list[int] = []
    e_cols: list[int] = []
    for word, j in lemma_ids.items():
        for term in extractor.word_terms(word):
            e_rows.append(j)
            e_cols.append(term_ids.setdefault(term, len(term_ids)))
    p_cols = [term_ids.setdefault(term, len(term_ids)) for term in phrase_terms]
    n_sentences, n_terms = len(lengths), len(term_ids)
    rows = np.repeat(np.arange(n_sentences), lengths)
    words = sp.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)),
                          shape=(n_sentences, len(lemma_ids)))
    expand = sp.csr_matrix((np.ones(len(e_rows), dtype=np.float32), (e_rows, e_cols)),
                           shape=(len(lemma_ids), n_terms))
    phrases = sp.csr_matrix((np.ones(len(p_cols), dtype=np.float32), (phrase_rows, p_cols)),
                            shape=(n_sentences, n_terms))
    counts = (words @ expand + phrases).tocsr()
    names = np.array(list(term_ids), dtype=object)
    order = np.argsort(names, kind="stable") if n_terms else np.zeros(0, dtype=np.int64)
    counts = counts[:, order].tocsr()
    counts.sort_indices()
    return counts, names[order], sentence_doc, spans


class CorpusFeatures:
    """TF-IDF features of a corpus of processed texts.

    Attributes after :meth:`fit`: ``vocabulary`` (term → column), ``terms`` (column → term),
    ``term_array`` (the same as an array), ``idf``, ``counts`` (stories × terms), ``X``
    (L2-normalised sublinear TF-IDF),
    ``sentence_counts`` (sentences × terms), ``sentence_doc`` (story index of every sentence)
    and ``sentence_span`` (character offsets of every sentence in its story).
    """

    def __init__(self, extractor: TermExtractor, min_df: int = 2) -> None:
        self.extractor = extractor
        self.min_df = min_df

    def fit(self, processed: Sequence[ProcessedText], keep: set[str] | None = None
            ) -> CorpusFeatures:
        sent, names, sentence_doc, spans = sentence_term_counts(processed, self.extractor)
        n_docs = len(processed)
        doc_of = np.asarray(sentence_doc, dtype=np.int64)
        to_doc = sp.csr_matrix(
            (np.ones(len(doc_of), dtype=np.float32), (doc_of, np.arange(len(doc_of)))),
            shape=(n_docs, len(doc_of)),
        )
        counts = (to_doc @ sent).tocsr()
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        keep = keep or set()
        mask = (df >= min(self.min_df, max(n_docs, 1))) | np.array(
            [t in keep for t in names], dtype=bool)
        columns = np.flatnonzero(mask)
        self.terms = [str(t) for t in names[columns]]
        self.term_array = np.array(self.terms, dtype=object)
        self.vocabulary = {t: j for j, t in enumerate(self.terms)}
        self.counts = counts[:, columns].tocsr()
        self.sentence_counts = sent[:, columns].tocsr()
        self.sentence_doc = doc_of
        self.sentence_span = spans
        self.sentence_start = np.searchsorted(doc_of, np.arange(n_docs + 1)).astype(np.int64)
        self._sentence_X: sp.csr_matrix | None = None
        self.tfidf = TfidfTransformer(sublinear_tf=True)
        if self.terms:
            self.X = self.tfidf.fit_transform(self.counts).astype(np.float32).tocsr()
            self.idf = self.tfidf.idf_.astype(np.float32)
        else:
            self.X = sp.csr_matrix((n_docs, 0), dtype=np.float32)
            self.idf = np.zeros(0, dtype=np.float32)
        return self

    def transform(self, processed: Sequence[ProcessedText]) -> sp.csr_matrix:
        """New texts in the fitted TF-IDF space (texts × terms, L2-normalised); words the
        corpus never had are ignored. For a draft in the form or ``rijk check``."""
        rows, cols, data = [], [], []
        for i, text in enumerate(processed):
            counts: dict[int, int] = {}
            for terms in self.extractor.document_terms(text):
                for term in terms:
                    j = self.vocabulary.get(term)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
            for j, c in counts.items():
                rows.append(i)
                cols.append(j)
                data.append(c)
        counts_matrix = sp.csr_matrix((np.asarray(data, dtype=np.float32), (rows, cols)),
                                      shape=(len(processed), len(self.terms)))
        if not self.terms:
            return counts_matrix
        return self.tfidf.transform(counts_matrix).astype(np.float32).tocsr()

    def sentences_of(self, doc: int) -> range:
        """Row numbers of the sentences of one story (sentences are stored story by story)."""
        return range(int(self.sentence_start[doc]), int(self.sentence_start[doc + 1]))

    def sentence_tfidf(self) -> sp.csr_matrix:
        """Sentences in the stories' TF-IDF space (same sublinear TF and IDF, L2-normalised):
        what the explanations and quotes compare with a label's or a cluster's terms."""
        if self._sentence_X is None:
            counts = self.sentence_counts.copy().astype(np.float32)
            counts.data = 1.0 + np.log(counts.data)
            weighted = counts @ sp.diags(self.idf) if self.terms else counts
            self._sentence_X = normalize(sp.csr_matrix(weighted, dtype=np.float32))
        return self._sentence_X


def seed_terms(label: LabelTerm, extractor: TermExtractor, processor: DutchProcessor
               ) -> dict[str, float]:
    """The weighted terms a taxonomy entry brings: label and examples, then its description."""
    weights: dict[str, float] = {}
    for phrase in (label.label or label.key, *label.examples):
        for term in extractor.phrase_terms(phrase, processor):
            weights[term] = max(weights.get(term, 0.0), EXAMPLE_WEIGHT)
    for term in extractor.phrase_terms(label.description, processor):
        weights[term] = max(weights.get(term, 0.0), DESCRIPTION_WEIGHT)
    return weights


def seed_matrix(seeds: Sequence[dict[str, float]], features: CorpusFeatures) -> np.ndarray:
    """Seed vectors in the corpus's TF-IDF space (labels × terms), L2-normalised.

    Weighting by IDF means a seed word found in every story ("hulp") counts little and a
    specific one ("deurwaarder") counts much, exactly as in the stories' own vectors.
    """
    matrix = np.zeros((len(seeds), len(features.terms)), dtype=np.float32)
    for i, weights in enumerate(seeds):
        for term, weight in weights.items():
            j = features.vocabulary.get(term)
            if j is not None:
                matrix[i, j] = weight * features.idf[j]
    return normalize(matrix) if matrix.size else matrix
