"""Taxonomy entries as the NLP step sees them: key, label, description, example terms.

Read straight from ``taxonomy/themes.yml`` / ``values.yml`` in file order, so a municipality that
adds an entry (even with only a description) gets it scored without code changes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml

from generator.nlp.schema import LabelTerm

Kind = Literal["themes", "values"]
KINDS: tuple[Kind, ...] = ("themes", "values")


def load_label_terms(taxonomy_dir: Path, kind: Kind) -> list[LabelTerm]:
    """The entries of ``<taxonomy_dir>/<kind>.yml`` as :class:`LabelTerm`, in file order."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    path = Path(taxonomy_dir) / f"{kind}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of key → entry")
    terms: list[LabelTerm] = []
    for key, entry in data.items():
        entry = entry if isinstance(entry, dict) else {}
        examples = entry.get("examples") or []
        terms.append(LabelTerm(
            key=str(key),
            label=str(entry.get("label") or key),
            description=" ".join(str(entry.get("description") or "").split()),
            examples=tuple(str(e) for e in examples if str(e).strip()),
        ))
    return terms
