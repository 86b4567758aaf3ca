"""From documents to the shared feature space: lemmas (cached), terms, TF-IDF, seed vectors.

Both :func:`generator.nlp.analysis.analyse` and :func:`generator.nlp.evaluation.evaluate` start
here, so the evaluation measures exactly the features the site uses. Nothing in this step looks
at declared labels: the vocabulary and IDF are fitted on the whole corpus, as in production.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from generator.nlp.cache import LemmaCache
from generator.nlp.chargrams import CharNgrams
from generator.nlp.features import CorpusFeatures, seed_matrix, seed_terms
from generator.nlp.schema import Document, LabelTerm
from generator.nlp.text import DutchProcessor, ProcessedText, TermExtractor

MIN_DF = 2
"""A term must occur in two stories to count (plus every taxonomy term): one-offs are noise."""


@functools.lru_cache(maxsize=2)
def get_processor(prefer_trained: bool = True) -> DutchProcessor:
    """The spaCy pipeline, loaded once per process (loading costs about a second).

    Only a load cache: the processor is deterministic, so sharing it changes no result.
    """
    return DutchProcessor(prefer_trained=prefer_trained)


@dataclass
class PreparedCorpus:
    """Documents in feature space, with the seed matrix of each kind (labels × terms)."""

    documents: list[Document]
    processor: DutchProcessor
    processed: list[ProcessedText]
    extractor: TermExtractor
    features: CorpusFeatures
    labels: dict[str, list[LabelTerm]]
    seeds: dict[str, np.ndarray]
    stats: dict[str, float] = field(default_factory=dict)
    training: list[Document] = field(default_factory=list)
    """Labelled text that only trains (:mod:`generator.nlp.training`): its rows of
    ``features.X`` follow the documents' rows."""

    L: sp.csr_matrix | None = None
    """What the label models read, for the documents: the word TF-IDF weighted
    ``WORD_WEIGHT`` beside the character n-grams (:mod:`generator.nlp.chargrams`), rows
    L2-normalised; word columns first, so label weights over it start with the terms."""
    L_training: sp.csr_matrix | None = None
    """The same for the training rows. Kept apart from :attr:`L` (not sliced from one matrix
    on every use: at 10,000 stories each slice copies 25 million entries)."""
    chars: CharNgrams | None = None

    @property
    def X(self) -> sp.csr_matrix:
        """The documents' TF-IDF rows (stories × terms), without the training rows."""
        return self.features.X[: len(self.documents)]

    @property
    def X_training(self) -> sp.csr_matrix:
        return self.features.X[len(self.documents):]

    def label_features(self, texts: Sequence[str], processed: Sequence[ProcessedText]
                       ) -> sp.csr_matrix:
        """New texts in the label models' space (a draft in the form, ``rijk check``)."""
        assert self.chars is not None
        return combine(self.features.transform(processed), self.chars.transform(texts))

    def padded(self, weights: np.ndarray) -> np.ndarray:
        """Labels × terms weights (seeds) widened with zeros to the label space."""
        assert self.L is not None
        out = np.zeros((weights.shape[0], self.L.shape[1]), dtype=np.float32)
        out[:, : weights.shape[1]] = weights
        return out


WORD_WEIGHT = 0.5
"""The word block's weight beside the character n-grams (tuning split: 0.5 or less is best)."""


def combine(words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
    """``[WORD_WEIGHT · words | chars]`` per row, L2-normalised, float32 (rows × (w + c)).

    Written into arrays allocated once: ``scipy.sparse.hstack`` made float32 copies of both
    blocks and intermediate index arrays, +570 MB at 10,000 stories (measured), the NLP
    step's peak. The result is the same matrix, entry for entry."""
    words, chars = words.tocsr(), chars.tocsr()
    if words.shape[0] != chars.shape[0]:
        raise ValueError(f"{words.shape[0]} rows beside {chars.shape[0]}")
    n = words.shape[0]
    indptr = words.indptr.astype(np.int64) + chars.indptr.astype(np.int64)
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    index_type = np.int32 if words.shape[1] + chars.shape[1] < 2**31 else np.int64
    indices = np.empty(int(indptr[-1]), dtype=index_type)
    offset = words.shape[1]
    w_ptr, c_ptr = words.indptr, chars.indptr
    weight = np.float32(WORD_WEIGHT)
    for i in range(n):
        start, w0, w1, c0, c1 = int(indptr[i]), w_ptr[i], w_ptr[i + 1], c_ptr[i], c_ptr[i + 1]
        middle = start + (w1 - w0)
        np.multiply(words.data[w0:w1], weight, out=data[start:middle], casting="unsafe")
        indices[start:middle] = words.indices[w0:w1]
        data[middle:int(indptr[i + 1])] = chars.data[c0:c1]
        np.add(chars.indices[c0:c1], offset, out=indices[middle:int(indptr[i + 1])],
               casting="unsafe")
    stacked = sp.csr_matrix((data, indices, indptr.astype(index_type)),
                            shape=(n, words.shape[1] + chars.shape[1]), copy=False)
    return normalize(stacked, copy=False)


def split_rows(matrix: sp.csr_matrix, n: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The first ``n`` rows and the rest, as views on the same arrays (a CSR row slice
    copies; this matrix is hundreds of megabytes at 10,000 stories)."""
    cut = int(matrix.indptr[n])
    head = sp.csr_matrix((matrix.data[:cut], matrix.indices[:cut], matrix.indptr[: n + 1]),
                         shape=(n, matrix.shape[1]), copy=False)
    tail = sp.csr_matrix((matrix.data[cut:], matrix.indices[cut:], matrix.indptr[n:] - cut),
                         shape=(matrix.shape[0] - n, matrix.shape[1]), copy=False)
    return head, tail


def prepare_corpus(documents: Sequence[Document], themes: Sequence[LabelTerm],
                   values: Sequence[LabelTerm], cache_dir: Path | None = None,
                   stopwords: Sequence[str] = (), processor: DutchProcessor | None = None,
                   training: Sequence[Document] = ()) -> PreparedCorpus:
    """Lemmatise (through the cache), extract terms and build TF-IDF and seed vectors.

    ``training`` documents share the vocabulary and IDF (their words are what lets the models
    recognise a label in words the corpus has not used before) but are not part of
    ``documents``."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    processor = processor or get_processor()
    timings["load_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    cache = LemmaCache(processor, cache_dir)
    training = list(training)
    processed = cache.process([d.text for d in documents])
    counted = {"processed": cache.processed, "cached": cache.hits}  # the stories alone
    processed += cache.process([d.text for d in training])
    timings["text_seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    labels = {"themes": list(themes), "values": list(values)}
    phrases = sorted({p for kind in labels.values() for lab in kind
                      for p in (lab.label, *lab.examples) if p})
    extractor = TermExtractor(processor, stopwords=stopwords, phrases=phrases)
    term_weights = {kind: [seed_terms(lab, extractor, processor) for lab in entries]
                    for kind, entries in labels.items()}
    keep = {t for kind in term_weights.values() for weights in kind for t in weights}
    features = CorpusFeatures(extractor, min_df=MIN_DF).fit(processed, keep=keep)
    seeds = {kind: seed_matrix(weights, features) for kind, weights in term_weights.items()}
    chars = CharNgrams()
    label_X = combine(features.X, chars.fit_transform([d.text for d in (*documents, *training)]))
    L, L_training = split_rows(label_X, len(documents))
    timings["features_seconds"] = time.perf_counter() - start
    stats = {**timings, **counted, "training_texts": len(training)}
    return PreparedCorpus(documents=list(documents), processor=processor, processed=processed,
                          extractor=extractor, features=features, labels=labels, seeds=seeds,
                          stats=stats, training=training, L=L, L_training=L_training,
                          chars=chars)
