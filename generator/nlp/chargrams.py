"""Character n-grams of the words of a text: what lets the label models see that a word they
never met (``energieleverancier``, ``schoolverzuimde``) shares parts with words they know.

The features are scikit-learn's ``char_wb`` n-grams (each whitespace-separated, lower-case word
padded with a space, n-grams of ``n_min``–``n_max`` characters), but computed per distinct word
and summed through a sparse product (texts × words) · (words × n-grams). At 10,000 stories that
is a few seconds instead of the minute the per-text analyser takes; the result is the same.
Measured on the tuning split (``tests/data/nlp/dev``, 40 unseen stories): theme macro-F1 0.81
with character n-grams against 0.74 with lemmas alone, values 0.66 against 0.60.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

IN_PLACE_SLICE = 1 << 20
ROW_SLICE = 2000


class CharNgrams:
    """Sublinear TF-IDF of character n-grams (texts × n-grams, L2-normalised rows).

    Fitted attributes: ``ngrams_`` (n-gram → column), ``idf_`` (per column).
    """

    def __init__(self, n_min: int = 3, n_max: int = 5, min_df: int = 2) -> None:
        self.n_min = n_min
        self.n_max = n_max
        self.min_df = min_df

    def _grams(self, word: str) -> list[str]:
        padded = f" {word} "
        out = []
        for n in range(self.n_min, self.n_max + 1):
            if len(padded) < n:
                break
            out += [padded[i:i + n] for i in range(len(padded) - n + 1)]
        return out

    @staticmethod
    def _text_words(texts: Sequence[str]) -> tuple[sp.csr_matrix, dict[str, int]]:
        """Texts × distinct lower-case words (counts), and the words' columns."""
        words: dict[str, int] = {}
        chunks: list[np.ndarray] = []
        lengths = np.zeros(len(texts) + 1, dtype=np.int64)
        for i, text in enumerate(texts):
            split = text.lower().split()
            lengths[i + 1] = len(split)
            for word in dict.fromkeys(split):
                if word not in words:
                    words[word] = len(words)
            # per text, so only the distinct words stay in memory, not every token
            chunks.append(np.fromiter(map(words.__getitem__, split), dtype=np.int32,
                                      count=len(split)))
        columns = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int32)
        text_words = sp.csr_matrix((np.ones(len(columns), dtype=np.float32), columns,
                                    np.cumsum(lengths)), shape=(len(texts), len(words)))
        text_words.sum_duplicates()
        return text_words, words

    def _word_grams(self, words: dict[str, int], grams: dict[str, int], grow: bool
                    ) -> sp.csr_matrix:
        """Words × n-grams (counts); with ``grow``, unseen n-grams get new columns."""
        w_rows, g_cols = [], []
        for word, j in words.items():
            for gram in self._grams(word):
                g = grams.get(gram)
                if g is None:
                    if not grow:
                        continue
                    g = grams[gram] = len(grams)
                w_rows.append(j)
                g_cols.append(g)
        return sp.csr_matrix((np.ones(len(w_rows), dtype=np.float32), (w_rows, g_cols)),
                             shape=(len(words), len(grams)))

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        text_words, words = self._text_words(texts)
        grams: dict[str, int] = {}
        word_grams = self._word_grams(words, grams, grow=True)
        # the document frequencies from the product in slices of rows, then the product with
        # the kept n-grams only, rather than one product and a copy without the rare columns:
        # at 10,000 stories the product has 25 million entries, and only one is in memory
        df = np.zeros(len(grams), dtype=np.int64)
        for start in range(0, text_words.shape[0], ROW_SLICE):
            block = text_words[start:start + ROW_SLICE] @ word_grams
            df += np.bincount(block.indices, minlength=len(grams))
        floor = min(self.min_df, max(len(texts), 1))
        keep = np.flatnonzero(df >= floor)
        names = sorted((g for g, j in grams.items() if df[j] >= floor), key=lambda g: grams[g])
        self.ngrams_ = {g: k for k, g in enumerate(names)}
        # sklearn's smooth IDF (TfidfTransformer), computed here from ``df`` because its
        # ``fit`` copies the matrix
        n = len(texts) + 1
        self.idf_ = (np.log(n / (df[keep] + 1.0)) + 1.0).astype(np.float32)
        if not len(keep):
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return self._weighted((text_words @ word_grams[:, keep]).tocsr())

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear TF × IDF, rows L2-normalised, in place and in slices (a vectorised
        ``data *= idf[indices]`` makes a temporary copy of every entry)."""
        counts = counts.astype(np.float32, copy=False)
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        for start in range(0, counts.nnz, IN_PLACE_SLICE):
            stop = start + IN_PLACE_SLICE
            counts.data[start:stop] *= self.idf_[counts.indices[start:stop]]
        return normalize(counts, copy=False).tocsr()

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not self.ngrams_:
            return sp.csr_matrix((len(texts), 0), dtype=np.float32)
        text_words, words = self._text_words(texts)
        counts = text_words @ self._word_grams(words, self.ngrams_, grow=False)
        return self._weighted(counts.tocsr())
