"""The data the NLP step takes and gives: plain dataclasses, no behaviour worth testing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One published, de-identified story as the NLP step sees it."""

    id: str
    text: str
    declared_themes: tuple[str, ...] = ()
    declared_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelTerm:
    """A taxonomy entry (theme or value) the models learn: its words are the prior knowledge."""

    key: str
    label: str = ""
    description: str = ""
    examples: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    """Short texts that show the label without naming it: labelled training text."""


@dataclass
class LabelScore:
    """One label for one story: how strongly it applies and why."""

    key: str
    score: float
    inferred: bool
    declared: bool
    terms: list[str] = field(default_factory=list)
    sentence: str | None = None
    certainty: str = ""
    """For an inferred label: "waarschijnlijk" (counted on report pages) or "mogelijk"."""


@dataclass
class StoryLabels:
    """All theme and value scores of one story, each list sorted by score, highest first."""

    story_id: str
    themes: list[LabelScore]
    values: list[LabelScore]

    def inferred(self, kind: str) -> list[str]:
        return [s.key for s in getattr(self, kind) if s.inferred]


@dataclass
class Cluster:
    """An emergent group of stories, found without the taxonomy."""

    id: int
    label: str
    terms: list[str]
    members: list[str]
    representatives: list[str]
    quotes: list[tuple[str, str]]
    closest_theme: str | None = None
    """The taxonomy theme whose words overlap most with the cluster's top terms."""
    theme_overlap: float = 0.0
    """Cosine between the cluster's term profile and that theme's words: low means the
    cluster talks about something the taxonomy does not name."""


@dataclass
class Analysis:
    """Everything the pages and exports need from the NLP step."""

    labels: dict[str, StoryLabels]
    clusters: list[Cluster]
    cluster_of: dict[str, int]
    method: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)
    """How much work this run did (texts processed, cache hits, seconds): for logs, tests and
    ``rijk bench`` only, never for pages, since it differs between a cold and a warm build."""
