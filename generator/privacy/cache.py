"""A per-story cache of analyses, so an unchanged corpus costs ~0 on the next build.

The key is a sha256 of the story's fields, the keep list and the code version (our sources,
word lists and the deduce version), so changing any rule invalidates every entry. Entries
hold offsets and kinds only, never the personal data itself.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.privacy.model import Span

Analysis = dict[str, list[Span]]


@functools.cache
def code_version() -> str:
    """Hash of this package's code and word lists plus the installed deduce version."""
    from generator.privacy.engine import deduce_version

    digest = hashlib.sha256(deduce_version().encode())
    root = Path(__file__).parent
    for path in sorted([*root.glob("*.py"), *root.glob("data/*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(fields: Mapping[str, str], keep: list[str]) -> str:
    payload = json.dumps([code_version(), keep, sorted(fields.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class AnalysisCache:
    """JSON files under ``directory/ab/abcdef….json``; unreadable entries are misses."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Analysis | None:
        try:
            raw = json.loads(self._path(key).read_text(encoding="utf-8"))
            return {name: [Span(int(s), int(e), str(k)) for s, e, k in spans]
                    for name, spans in raw.items()}
        except (OSError, ValueError, TypeError):
            return None

    def put(self, key: str, analysis: Analysis) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            data = {name: [[s.start, s.end, s.kind] for s in spans]
                    for name, spans in analysis.items()}
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                             suffix=".tmp", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(handle.name, path)
        except OSError:  # a cache that cannot be written only costs time
            pass
