"""NLP for Rijke Verantwoording: themes and values per story, explained, and emergent clusters.

Public API (used by :mod:`generator.pipeline`, ``rijk evaluate`` and ``rijk bench``):
:func:`analyse`, :func:`evaluate`, :func:`label_terms` / :func:`load_label_terms`,
and the data classes in :mod:`generator.nlp.schema`. Heavy imports (spaCy,
scikit-learn) happen here, so the pipeline imports this package only when NLP is switched on.
"""

from generator.nlp.analysis import analyse
from generator.nlp.evaluation import Evaluation, evaluate
from generator.nlp.labelterms import label_terms, load_label_terms
from generator.nlp.schema import Analysis, Cluster, Document, LabelScore, LabelTerm, StoryLabels
from generator.nlp.text import load_domain_stopwords

__all__ = [
    "Analysis",
    "Cluster",
    "Document",
    "Evaluation",
    "LabelScore",
    "LabelTerm",
    "StoryLabels",
    "analyse",
    "evaluate",
    "label_terms",
    "load_domain_stopwords",
    "load_label_terms",
]
