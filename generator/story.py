"""The story model: one Markdown file with YAML front-matter, validated.

A :class:`Story` only exists once its front-matter has passed every check in
:mod:`generator.checks`; code downstream (privacy, NLP, pages) can rely on its fields.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, StrictBool

STORY_ID = re.compile(r"^[a-z][a-z0-9]{1,9}-\d{4}-\d{3,4}$")
"""Stable citation ids such as ``zo-2025-007``: prefix, year, sequence number."""

Status = Literal["draft", "review", "published", "withdrawn"]
STATUSES: tuple[str, ...] = ("draft", "review", "published", "withdrawn")
"""``withdrawn``: the residents took their consent back. Valid, never public (see
:attr:`Story.is_public`); the next build drops it from pages, search index and downloads."""
STATUS_LABELS: dict[str, str] = {
    "draft": "concept", "review": "ter beoordeling", "published": "gepubliceerd",
    "withdrawn": "ingetrokken",
}
REQUIRED_FIELDS: tuple[str, ...] = (
    "id", "title", "date", "author", "team", "neighbourhood", "consent", "status",
)
OPTIONAL_FIELDS: tuple[str, ...] = ("themes", "values", "domains", "effects", "signals",
                                     "summary", "feedback", "example")


class Signal(BaseModel):
    """A signal for policy (frontlijnsturing): what stood in the way, in one line.

    ``kind`` is a key of ``taxonomy/signals.yml``, ``domain`` one of ``domains.yml`` (or
    empty); ``text`` is published de-identified, like the story."""

    kind: str
    text: str
    domain: str = ""


class Story(BaseModel):
    """A validated story. ``path`` and the line numbers point back into the source file."""

    id: str
    title: str
    date: date
    author: str
    team: str
    neighbourhood: str
    themes: list[str] = Field(default_factory=list)
    values: list[str] = Field(default_factory=list)
    domains: list[str] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    effects: list[str] = Field(default_factory=list)
    """Keys of ``taxonomy/effects.yml``: the social effects the author says this story
    speaks to (optional; the themes also tie a story to effects)."""
    consent: StrictBool  # never coerced: only a real True opens the gate
    status: Status
    summary: str | None = None
    feedback: str | None = None
    example: StrictBool = False
    """A made-up story written by ``rijk init`` to show how the site works; its page says so
    and ``rijk check`` warns until it is replaced or removed."""
    body: str = ""
    path: str = ""
    lines: dict[str, int] = Field(default_factory=dict)
    body_line: int = 1

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def is_public(self) -> bool:
        """The publication gate: only published stories whose residents consented."""
        return self.status == "published" and self.consent is True

    def line_of(self, field: str) -> int:
        """The source line of a front-matter field; a signal's text (``signal_0``) is at the
        ``signals:`` line."""
        if field.startswith("signal_"):
            field = "signals"
        return self.lines.get(field, 1)

    def text_for_analysis(self) -> str:
        """Title, summary and body: what the NLP step reads."""
        parts = [self.title, self.summary or "", self.body]
        return "\n\n".join(p for p in parts if p)
