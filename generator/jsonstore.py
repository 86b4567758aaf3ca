"""Content-addressed JSON files: the on-disk cache shared by de-identification and NLP.

One small file per key under ``directory/ab/abcdef….json`` (two-letter shards keep folders
small at 10,000 stories), written to a temporary file and renamed, so an interrupted build
never leaves half an entry. A cache only saves time: an entry that cannot be read is a miss
and one that cannot be written is skipped, never an error.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class JsonStore:
    """``get``/``put`` of JSON values by key (a hex digest) under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> Any | None:
        """The stored value, or None when absent or unreadable."""
        try:
            return json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: Any) -> None:
        path = self.path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False,
                                             suffix=".tmp", encoding="utf-8") as handle:
                json.dump(value, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(handle.name, path)
        except OSError:
            pass
