"""Labelled training text besides the corpus: taxonomy situations and example stories.

A model trained only on one corpus learns that corpus's words: on the demo it scores 0.95, on
stories written in other words 0.5 (issue 10). Two kinds of labelled text widen what it has
seen, both kept in ``taxonomy/`` so a municipality can read, extend and audit them:

* ``situations`` of a theme or value (``themes.yml`` / ``values.yml``): a sentence or two each
  that shows the label without naming it;
* ``examples.yml``: short example stories, each with its main theme first, an optional second
  theme and one or two values.

They train the label models only: they are never published, never counted and never clustered.
Their labels must be keys of the taxonomy; a wrong key is an error that names the file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from generator.nlp.schema import Document, LabelTerm
from generator.taxonomy import taxonomy_file

EXAMPLES_FILE = "examples.yml"


class TrainingDataError(ValueError):
    """``taxonomy/examples.yml`` cannot be read; the message names the file and line."""


def situation_documents(themes: Sequence[LabelTerm], values: Sequence[LabelTerm]
                        ) -> list[Document]:
    """One labelled document per situation of every theme and value, in taxonomy order."""
    out: list[Document] = []
    for kind, labels in (("themes", themes), ("values", values)):
        for label in labels:
            for n, text in enumerate(label.situations, start=1):
                out.append(Document(
                    id=f"~situatie/{kind}/{label.key}/{n}", text=text,
                    declared_themes=(label.key,) if kind == "themes" else (),
                    declared_values=(label.key,) if kind == "values" else ()))
    return out


def load_examples(taxonomy_dir: Path | None, themes: Sequence[LabelTerm],
                  values: Sequence[LabelTerm]) -> list[Document]:
    """The example stories of ``<taxonomy_dir>/examples.yml`` (absent: the shipped default).

    Shape: a YAML list of ``{themes: [key, ...], values: [key, ...], text: str}``.
    Raises :class:`TrainingDataError` with ``file:line`` for anything else.
    """
    if taxonomy_dir is None:
        return []
    path = taxonomy_file(taxonomy_dir, EXAMPLES_FILE)
    if not path.is_file():
        return []
    source = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(source)
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise TrainingDataError(f"{path}:{line}: geen geldige YAML ({exc})") from exc
    if data is None:
        return []
    if not isinstance(data, list) or root is None:
        raise TrainingDataError(f"{path}:1: verwacht een lijst van voorbeeldverhalen "
                                "(- themes: [...], values: [...], text: ...)")
    known = {"themes": {t.key for t in themes}, "values": {v.key for v in values}}
    out: list[Document] = []
    for n, (item, node) in enumerate(zip(data, root.value, strict=True), start=1):
        line = node.start_mark.line + 1
        if not isinstance(item, dict) or not isinstance(item.get("text"), str) \
                or not item["text"].strip():
            raise TrainingDataError(f"{path}:{line}: voorbeeld {n} heeft geen tekst "
                                    "(text: | gevolgd door het verhaal)")
        labels: dict[str, tuple[str, ...]] = {}
        for kind in ("themes", "values"):
            raw = item.get(kind) or []
            if isinstance(raw, str):
                raw = [raw]
            unknown = [str(k) for k in raw if str(k) not in known[kind]]
            if unknown:
                raise TrainingDataError(
                    f"{path}:{line}: voorbeeld {n}: onbekende {kind} {', '.join(unknown)}; "
                    f"kies uit {', '.join(sorted(known[kind]))}")
            labels[kind] = tuple(str(k) for k in raw)
        out.append(Document(id=f"~voorbeeld/{n}", text=item["text"].strip(),
                            declared_themes=labels["themes"], declared_values=labels["values"]))
    return out


def training_documents(taxonomy_dir: Path | None, themes: Sequence[LabelTerm],
                       values: Sequence[LabelTerm]) -> list[Document]:
    """Everything the label models learn from besides the corpus: situations, then examples."""
    return [*situation_documents(themes, values), *load_examples(taxonomy_dir, themes, values)]
