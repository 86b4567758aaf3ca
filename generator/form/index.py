"""A cached view of ``stories/``: which ids exist, who wrote what, what waits for review.

Every story file is parsed with the project's own loader, but only again when its size or
modification time changed, so listing a thousand stories costs a directory walk and a stat per
file. The index also reads files it cannot validate (broken YAML, drafts), because ids must
never be reused and a professional must still see their unfinished story.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.loader import read_source
from generator.story import STORY_ID


@dataclass(frozen=True)
class StoryEntry:
    """What the form needs to list and find one story file."""

    path: Path
    relpath: str
    meta: dict[str, Any] = field(default_factory=dict)
    readable: bool = True

    @property
    def id(self) -> str:
        return str(self.meta.get("id", "")).strip()

    @property
    def status(self) -> str:
        return str(self.meta.get("status", "")).strip()

    @property
    def author(self) -> str:
        return str(self.meta.get("author", "")).strip()

    @property
    def team(self) -> str:
        return str(self.meta.get("team", "")).strip()

    @property
    def title(self) -> str:
        return str(self.meta.get("title", "") or "(zonder titel)").strip()

    @property
    def date(self) -> str:
        return str(self.meta.get("date", "")).strip()

    @property
    def feedback(self) -> str:
        return str(self.meta.get("feedback") or "").strip()


class StoryIndex:
    """Thread-safe cache of every story file under one ``stories/`` folder."""

    def __init__(self, stories_dir: Path) -> None:
        self.stories_dir = Path(stories_dir)
        self._entries: dict[Path, tuple[tuple[int, int], StoryEntry]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> list[StoryEntry]:
        """Bring the cache up to date with the disk and return every entry, by path."""
        root = self.stories_dir.resolve()
        seen: dict[Path, tuple[tuple[int, int], StoryEntry]] = {}
        with self._lock:
            for path in _story_paths(root):
                try:
                    stat = path.stat()
                except OSError:
                    continue
                stamp = (stat.st_mtime_ns, stat.st_size)
                cached = self._entries.get(path)
                if cached and cached[0] == stamp:
                    seen[path] = cached
                    continue
                source = read_source(path)
                entry = StoryEntry(path=path, relpath=path.relative_to(root).as_posix(),
                                   meta=dict(source.meta), readable=source.readable)
                seen[path] = (stamp, entry)
            self._entries = seen
            return [entry for _stamp, entry in sorted(seen.values(), key=lambda e: e[1].relpath)]

    def ids(self) -> set[str]:
        return {e.id for e in self.refresh() if e.id}

    def find(self, story_id: str) -> StoryEntry | None:
        """The one file with this id; None for a malformed, unknown or ambiguous id."""
        if not STORY_ID.match(story_id):
            return None
        matches = [e for e in self.refresh() if e.id == story_id]
        return matches[0] if len(matches) == 1 else None


def _story_paths(root: Path) -> list[Path]:
    """``*.md`` files under ``root``, not following symlinks and skipping hidden temp files."""
    found: list[Path] = []
    if not root.is_dir():
        return found
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".md") and not name.startswith("."):
                path = Path(folder) / name
                if not path.is_symlink():
                    found.append(path)
    return found
