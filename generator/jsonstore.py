"""Content-addressed JSON values: the on-disk cache shared by de-identification and NLP.

One SQLite file per cache folder (``directory/entries.sqlite``, a table of key → JSON text).
Before, every entry was its own small file; at 10,000 stories opening and renaming 20,000 files
cost more than the work they saved (about 0.7 ms per file on these machines), where one SQLite
transaction writes them all in milliseconds. SQLite's transactions keep the promise the files
kept: an interrupted build never leaves half an entry. A cache only saves time: an entry that
cannot be read is a miss and one that cannot be written is skipped, never an error.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

FILENAME = "entries.sqlite"
BUSY_TIMEOUT_SECONDS = 30.0
"""How long a writer waits for another process (a build beside the form server) to finish."""


class JsonStore:
    """``get``/``put`` (and ``get_many``/``put_many``) of JSON values by key (a hex digest)
    under ``directory``. Safe to share between the threads of one process."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self.directory / FILENAME

    def _connect(self) -> sqlite3.Connection | None:
        if self._connection is None:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS,
                                             check_same_thread=False)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("CREATE TABLE IF NOT EXISTS entries "
                                   "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                connection.commit()
            except (OSError, sqlite3.Error):
                return None
            self._connection = connection
        return self._connection

    def get(self, key: str) -> Any | None:
        """The stored value, or None when absent or unreadable."""
        return self.get_many([key])[0]

    def get_many(self, keys: Sequence[str]) -> list[Any | None]:
        """The stored values in the order of ``keys`` (None where absent or unreadable)."""
        found: dict[str, str] = {}
        with self._lock:
            connection = self._connect()
            if connection is not None:
                try:
                    for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit
                        batch = list(keys[start:start + 500])
                        marks = ",".join("?" * len(batch))
                        found.update(connection.execute(
                            f"SELECT key, value FROM entries WHERE key IN ({marks})", batch))
                except sqlite3.Error:
                    found = {}
        out: list[Any | None] = []
        for key in keys:
            try:
                out.append(json.loads(found[key]) if key in found else None)
            except ValueError:
                out.append(None)
        return out

    def put(self, key: str, value: Any) -> None:
        self.put_many([(key, value)])

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        """Store every ``(key, value)`` in one transaction (all or none)."""
        rows = [(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")))
                for key, value in items]
        if not rows:
            return
        with self._lock:
            connection = self._connect()
            if connection is None:
                return
            try:
                with connection:
                    connection.executemany(
                        "INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", rows)
            except sqlite3.Error:
                pass

    def __len__(self) -> int:
        with self._lock:
            connection = self._connect()
            if connection is None:
                return 0
            try:
                return int(connection.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
            except sqlite3.Error:
                return 0
