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
        self._entries: dict[str, tuple[tuple[int, int], StoryEntry]] = {}
        self._lock = threading.Lock()

    def refresh(self) -> list[StoryEntry]:
        """Bring the cache up to date with the disk and return every entry, by path."""
        root = self.stories_dir.resolve()
        seen: dict[str, tuple[tuple[int, int], StoryEntry]] = {}
        with self._lock:
            for name, stamp in _scan(str(root)).items():
                cached = self._entries.get(name)
                if cached and cached[0] == stamp:
                    seen[name] = cached
                    continue
                path = Path(name)
                source = read_source(path)
                entry = StoryEntry(path=path, relpath=path.relative_to(root).as_posix(),
                                   meta=dict(source.meta), readable=source.readable)
                seen[name] = (stamp, entry)
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


def _scan(root: str) -> dict[str, tuple[int, int]]:
    """``*.md`` files under ``root`` with (mtime, size): no symlinks, no hidden files or
    folders (the writer's temporary files start with a dot). One ``stat`` per file, done
    by ``scandir``: this runs for every submission, so it must stay cheap."""
    found: dict[str, tuple[int, int]] = {}
    folders = [root]
    while folders:
        try:
            entries = list(os.scandir(folders.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(".md") and entry.is_file(follow_symlinks=False):
                    stat = entry.stat(follow_symlinks=False)
                    found[entry.path] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
    return found
