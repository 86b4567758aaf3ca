"""A per-story cache of analyses, so an unchanged corpus costs ~0 on the next build.

The key is a sha256 of the story's fields, the keep list and the code version (our sources,
word lists and the deduce version), so changing any rule invalidates every entry. Entries
hold offsets and kinds only, never the personal data itself.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from generator.jsonstore import JsonStore
from generator.privacy.model import Span

Analysis = dict[str, list[Span]]


NOT_IN_ANALYSIS = frozenset({"scan.py", "report.py", "evaluation.py"})
"""Modules that read analyses but never change one (the post-build scan, the report, the
evaluation): editing them must not make a 10,000-story corpus run through deduce again."""


@functools.cache
def code_version() -> str:
    """Hash of this package's code and word lists plus the installed deduce version."""
    from generator.privacy.engine import deduce_version

    digest = hashlib.sha256(deduce_version().encode())
    root = Path(__file__).parent
    for path in sorted([*root.glob("*.py"), *root.glob("data/*")]):
        if path.name in NOT_IN_ANALYSIS:
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(fields: Mapping[str, str], keep: list[str]) -> str:
    payload = json.dumps([code_version(), keep, sorted(fields.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


class AnalysisCache:
    """Analyses as JSON (offsets and kinds per field) in a :class:`JsonStore`."""

    def __init__(self, directory: Path) -> None:
        self.store = JsonStore(directory)

    def get(self, key: str) -> Analysis | None:
        raw = self.store.get(key)
        try:
            return {name: [Span(int(s), int(e), str(k)) for s, e, k in spans]
                    for name, spans in raw.items()} if raw is not None else None
        except (AttributeError, ValueError, TypeError):
            return None

    def put(self, key: str, analysis: Analysis) -> None:
        self.store.put(key, {name: [[s.start, s.end, s.kind] for s in spans]
                             for name, spans in analysis.items()})
