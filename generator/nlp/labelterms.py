"""Taxonomy entries as the NLP step sees them: key, label, description, example terms.

Built from the taxonomy's own validated entries (:class:`generator.taxonomy.Term`), in file
order, so a municipality that adds an entry (even with only a description) gets it scored
without code changes, and a broken entry gets the taxonomy's error with file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from generator.nlp.schema import LabelTerm
from generator.taxonomy import Term, load_entries, taxonomy_file

Kind = Literal["themes", "values"]
KINDS: tuple[Kind, ...] = ("themes", "values")


def label_terms(entries: Mapping[str, Term]) -> list[LabelTerm]:
    """Taxonomy terms (``Taxonomy.themes`` / ``.values``) as :class:`LabelTerm`, in order."""
    return [LabelTerm(key=term.key, label=term.label,
                      description=" ".join(term.description.split()),
                      examples=tuple(e for e in term.examples if e.strip()),
                      situations=tuple(" ".join(t.split()) for t in term.situations
                                       if t.strip()))
            for term in entries.values()]


def load_label_terms(taxonomy_dir: Path, kind: Kind) -> list[LabelTerm]:
    """The entries of ``<taxonomy_dir>/<kind>.yml`` as :class:`LabelTerm`, in file order."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return label_terms(load_entries(taxonomy_file(taxonomy_dir, f"{kind}.yml"), Term))
