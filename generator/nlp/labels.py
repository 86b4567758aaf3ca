"""Theme and value scores per story: taxonomy words as a prior, authors' choices as evidence.

Two signals, combined per label:

* **seed** — cosine between a story's TF-IDF vector and the label's taxonomy words (label,
  examples, description; see :func:`generator.nlp.features.seed_matrix`), divided by a reference
  cosine taken from the corpus itself so that it reads as 0–1. It needs no labelled story, so a
  theme a municipality just added is scored from its description alone.
* **supervised** — a one-vs-rest logistic regression (``class_weight="balanced"``) trained on the
  labels authors declared in their front-matter.

The combined score is ``w·supervised + (1−w)·seed`` with ``w = n / (n + prior_strength)`` for a
label with ``n`` declared stories: the taxonomy words lead while there are few examples and the
authors' practice takes over as examples accumulate. A label with no examples (or no counter
examples) uses the seed only. A label is *inferred* above the kind's threshold, and the best
theme of every story is always inferred (every story is about something).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from generator.nlp.schema import LabelTerm

SEED_REFERENCE_QUANTILE = 0.75
"""The seed cosine that counts as a full match: this quantile of every story's best cosine."""


@dataclass(frozen=True)
class LabelSettings:
    """The knobs of one kind (themes or values); shown on the method page.

    A label is *inferred* (published beside the author's choice) when its score reaches
    ``threshold`` and ``relative`` × the story's best score; the best label is always inferred,
    unless the story holds too little *evidence* for any label: the positive pull of its words
    towards the best label is below ``min_evidence`` × the median pull in the texts the model
    learned from. Such a story gets "geen duidelijk thema". (Measured on the tuning split: a
    high best score does not separate an off-topic text, since scores are relative between
    labels; the evidence does: on-topic stories ≥ 0.56, off-topic texts ≤ 0.53 and mostly
    ≤ 0.4.) An inferred label from ``confident`` up reads "waarschijnlijk" and counts on the
    report pages; below it reads "mogelijk" and is shown, not counted.
    """

    threshold: float
    confident: float
    min_evidence: float = 0.45
    relative: float = 0.0
    prior_strength: float = 8.0
    C: float = 4.0
    class_weight: str | None = "balanced"
    main_weight: float = 0.0
    """Share of a multinomial model of the *main* label (the first one an author lists) in the
    score: one-vs-rest scores say which labels apply, the multinomial one which applies most
    (tuning split: main theme right 78 % → 82 %)."""
    main_C: float = 4.0
    training_weight: float = 1.0
    """Sample weight of a row of labelled training text (taxonomy situations, examples)
    against 1 for a story whose author chose its labels."""


THEME_SETTINGS = LabelSettings(threshold=0.3, confident=0.6, relative=0.0, min_evidence=0.45,
                               C=4.0, prior_strength=2.0, training_weight=1.0,
                               main_weight=0.5)
VALUE_SETTINGS = LabelSettings(threshold=0.5, confident=0.6, relative=0.85, min_evidence=0.3,
                               C=16.0, prior_strength=2.0, training_weight=2.0)
"""Chosen on the documented tuning split ``tests/data/nlp/dev`` (40 stories) only, by a grid
over C, training weight, prior strength, threshold and relative threshold; the test split (80
stories) measures them and never tunes them. A story shows one or two values, hence the high
relative threshold for values."""

CERTAINTY_WORDS = ("waarschijnlijk", "mogelijk")

LIBLINEAR_LOCK = threading.Lock()
"""Held while liblinear fits (see :meth:`LabelModel.fit`), in every thread of the process."""
EXPLAIN_PRIOR = 8.0
"""The explanations lean on the taxonomy words longer than the scores do (a learned weight on
"dag" or "vrouw" may score well but explains nothing to a reader)."""


def main_labels(declared: Sequence[Sequence[str]], keys: Sequence[str]) -> np.ndarray:
    """Per story the column of its first known declared label, -1 for none."""
    column = {k: j for j, k in enumerate(keys)}
    return np.array([next((column[k] for k in labels if k in column), -1)
                     for labels in declared], dtype=np.int64)


def declared_matrix(declared: Sequence[Sequence[str]], keys: Sequence[str]) -> np.ndarray:
    """Stories × labels, 1 where the author declared the label (unknown keys are ignored)."""
    column = {k: j for j, k in enumerate(keys)}
    Y = np.zeros((len(declared), len(keys)), dtype=np.int8)
    for i, labels in enumerate(declared):
        for key in labels:
            if key in column:
                Y[i, column[key]] = 1
    return Y


class LabelModel:
    """Scores every story for every label of one kind; sklearn-like ``fit`` / ``score``.

    ``seeds`` is the labels × terms seed matrix in the same TF-IDF space as ``X``. After
    :meth:`fit`: ``support`` (declared stories per label), ``weight`` (the supervised share per
    label), ``reference`` (the seed cosine that maps to 1.0) and ``explain_weights`` (labels ×
    terms: how much each term speaks for each label, for explanations).
    """

    def __init__(self, labels: Sequence[LabelTerm], settings: LabelSettings,
                 random_state: int = 0) -> None:
        self.labels = list(labels)
        self.keys = [label.key for label in self.labels]
        self.settings = settings
        self.random_state = random_state

    def fit(self, X: sp.csr_matrix, Y: np.ndarray, seeds: np.ndarray,
            labelled: np.ndarray | None = None, X_training: sp.csr_matrix | None = None,
            Y_training: np.ndarray | None = None, main: np.ndarray | None = None,
            main_training: np.ndarray | None = None) -> LabelModel:
        """Learn from the rows of ``X`` whose ``labelled`` flag is set (default: rows with at
        least one declared label) and from the labelled training rows (weighted
        ``training_weight``); the seed reference uses every row of ``X`` (it needs no
        labels)."""
        n_labels = len(self.keys)
        self.seeds = np.asarray(seeds, dtype=np.float32)
        raw = np.asarray(X @ self.seeds.T) if X.shape[0] else np.zeros((0, n_labels))
        best = raw.max(axis=1) if raw.size else np.zeros(0)
        positive = best[best > 0]
        self.reference = float(np.quantile(positive, SEED_REFERENCE_QUANTILE)) if len(
            positive) else 1.0
        if labelled is None:
            labelled = Y.sum(axis=1) > 0
        Xl, Yl = X[labelled], Y[labelled]
        main_l = (main[labelled] if main is not None else np.full(Xl.shape[0], -1))
        weights = np.ones(Xl.shape[0])
        if X_training is not None and Y_training is not None and X_training.shape[0]:
            useful = Y_training.sum(axis=1) > 0  # an example without labels of this kind
            Xl = sp.vstack([Xl, X_training[useful]], format="csr")
            Yl = np.vstack([Yl, Y_training[useful]])
            main_l = np.concatenate([main_l, main_training[useful] if main_training is not None
                                     else np.full(int(useful.sum()), -1)])
            weights = np.concatenate([weights, np.full(int(useful.sum()),
                                                       self.settings.training_weight)])
        self.support = Yl.sum(axis=0).astype(int)
        self.coef = np.zeros((n_labels, X.shape[1]), dtype=np.float32)
        self.intercept = np.zeros(n_labels, dtype=np.float64)
        self.weight = np.zeros(n_labels, dtype=np.float64)
        # Nothing to contrast for a label without examples or without counter-examples: the
        # taxonomy words decide alone.
        learnable = [j for j in range(n_labels) if 0 < int(self.support[j]) < Xl.shape[0]]
        has_main = main_l >= 0
        fit_main = self.settings.main_weight > 0 and len(set(main_l[has_main].tolist())) > 1

        def fit_label(j: int) -> LogisticRegression:
            # dual: the same optimum, found faster when there are more columns than rows
            return LogisticRegression(
                C=self.settings.C, class_weight=self.settings.class_weight, solver="liblinear",
                dual=True, max_iter=1000, random_state=self.random_state,
            ).fit(Xl, Yl[:, j], sample_weight=weights)

        def fit_main_model() -> LogisticRegression:
            # newton-cg: the same optimum as lbfgs in half the time (6 Newton steps against
            # 60 lbfgs steps on 2,850 rows)
            return LogisticRegression(C=self.settings.main_C, solver="newton-cg", max_iter=2000,
                                      random_state=self.random_state
                                      ).fit(Xl[has_main], main_l[has_main])

        # One fit after another: liblinear's dual solver draws from C's process-wide rand(),
        # so its fits must never overlap (LIBLINEAR_LOCK, also against another thread such as
        # the form's suggestions); fitting the main model beside it in a thread made one
        # build in many differ in the last digit, so nothing runs beside it.
        with LIBLINEAR_LOCK:
            for j in learnable:
                model = fit_label(j)
                self.coef[j] = model.coef_[0]
                self.intercept[j] = model.intercept_[0]
                n_pos = int(self.support[j])
                self.weight[j] = n_pos / (n_pos + self.settings.prior_strength)
        self.main_model = fit_main_model() if fit_main else None
        self.explain_weights = self._explain_weights()
        self.evidence_weights = self._explain_weights(prior=None)  # mixed as the scores are
        self.evidence_reference = 1.0
        reference_rows = Xl if Xl.shape[0] else X  # no labelled text: the corpus itself
        pull = self.evidence(reference_rows)
        positive = pull[pull > 0]
        self.evidence_reference = float(np.median(positive)) if len(positive) else 1.0
        return self

    def _explain_weights(self, prior: float | None = EXPLAIN_PRIOR) -> np.ndarray:
        """Per label, each term's pull towards it: the positive supervised coefficients and the
        seed words, each scaled to a maximum of 1 and mixed with the label's weight."""
        out = np.zeros_like(self.coef)
        for j in range(len(self.keys)):
            coef = np.clip(self.coef[j], 0, None)
            seed = self.seeds[j]
            part_c = coef / coef.max() if coef.max() > 0 else coef
            part_s = seed / seed.max() if seed.max() > 0 else seed
            n = float(self.support[j]) if len(self.support) else 0.0
            mix = self.weight[j] if prior is None else (
                n / (n + prior) if self.weight[j] > 0 else 0.0)
            out[j] = mix * part_c + (1 - mix) * part_s
        return out

    def seed_scores(self, X: sp.csr_matrix) -> np.ndarray:
        raw = np.asarray(X @ self.seeds.T, dtype=np.float64)
        return np.clip(raw / self.reference, 0.0, 1.0)

    def supervised_scores(self, X: sp.csr_matrix) -> np.ndarray:
        logits = np.asarray(X @ self.coef.T, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))

    def main_scores(self, X: sp.csr_matrix) -> np.ndarray | None:
        """Stories × labels: the multinomial probability of each label being the main one."""
        if self.main_model is None:
            return None
        out = np.zeros((X.shape[0], len(self.keys)))
        out[:, self.main_model.classes_] = self.main_model.predict_proba(X)
        return out

    def score(self, X: sp.csr_matrix) -> np.ndarray:
        """Stories × labels, 0–1."""
        w = self.weight[None, :]
        scores = w * self.supervised_scores(X) + (1 - w) * self.seed_scores(X)
        main = self.main_scores(X)
        if main is not None:
            share = self.settings.main_weight
            scores = (1 - share) * scores + share * main
        return scores

    def evidence(self, X: sp.csr_matrix) -> np.ndarray:
        """Per story, the pull of its words towards its best-supported label (``X`` times
        :attr:`explain_weights`: the positive learned coefficients and the taxonomy words),
        divided by the median over the texts the model learned from: about 1 for a typical
        story, near 0 for a text about nothing the model knows."""
        pull = np.asarray(X @ self.evidence_weights.T, dtype=np.float64)
        best = pull.max(axis=1) if pull.size else np.zeros(X.shape[0])
        return best / self.evidence_reference

    def infer(self, scores: np.ndarray, evidence: np.ndarray | None = None) -> np.ndarray:
        """Stories × labels, True where the label is inferred (see :class:`LabelSettings`):
        at or above the threshold and near the story's best, plus the best label, unless the
        story's ``evidence`` (:meth:`evidence`; None: enough) is too low, then nothing.
        Ties are broken by taxonomy order."""
        s = self.settings
        if not scores.size:
            return np.zeros(scores.shape, dtype=bool)
        best = scores.max(axis=1, keepdims=True)
        inferred = (scores >= s.threshold) & (scores >= s.relative * best)
        rows = np.arange(scores.shape[0])
        inferred[rows, np.argmax(scores, axis=1)] = True
        if evidence is not None:
            inferred[np.asarray(evidence) < s.min_evidence] = False
        return inferred

    def predict(self, X: sp.csr_matrix, decimals: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, inferred)`` for the rows of ``X``: scores rounded, so that what is
        published and what is inferred from it agree to the digit."""
        scores = np.round(self.score(X), decimals)
        return scores, self.infer(scores, self.evidence(X))

    def certainty(self, score: float) -> str:
        """How sure the analysis is of an inferred label, in the word the page shows."""
        return CERTAINTY_WORDS[0] if score >= self.settings.confident else CERTAINTY_WORDS[1]
