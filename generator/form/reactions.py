"""The moderation queue for residents' reactions, and the limit on how fast one address posts.

Nothing a resident types goes into git or onto the site before a coordinator approved it: a
reaction waits in ``.rijk/reacties/`` (the form's private folder, never committed, see
:func:`generator.form.settings.private_dir`), one JSON file each. Approving writes the
de-identified text to ``reactions/`` as a commit (:mod:`generator.reactions`) and deletes the
queue file; rejecting deletes it. The resident's name (optional) is only ever in the queue file.
No IP address is stored: the rate limit keeps counts in memory only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

QUEUE_ID = re.compile(r"^[a-f0-9]{16}$")
MAX_NAME = 80


@dataclass(frozen=True)
class QueuedReaction:
    """One reaction waiting for a coordinator."""

    id: str
    kind: str
    """``story`` or ``wijk``."""
    about: str
    text: str
    name: str
    received: float
    """Seconds since the epoch."""

    @property
    def received_text(self) -> str:
        return time.strftime("%d-%m-%Y %H:%M", time.localtime(self.received))


class ReactionQueue:
    """A folder of JSON files, written atomically; safe for one server process."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()

    def add(self, *, kind: str, about: str, text: str, name: str) -> QueuedReaction:
        entry = QueuedReaction(id=secrets.token_hex(8), kind=kind, about=about, text=text,
                               name=name, received=time.time())
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            temp = self.folder / f".{entry.id}.tmp"
            temp.write_text(json.dumps(asdict(entry), ensure_ascii=False), encoding="utf-8")
            os.chmod(temp, 0o600)
            temp.replace(self.folder / f"{entry.id}.json")
        return entry

    def all(self) -> list[QueuedReaction]:
        """Oldest first; a file that cannot be read is skipped (and left for the admin)."""
        found = []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            entry = self._read(path)
            if entry is not None:
                found.append(entry)
        return sorted(found, key=lambda e: (e.received, e.id))

    def get(self, queue_id: str) -> QueuedReaction | None:
        if not QUEUE_ID.match(queue_id):
            return None
        return self._read(self.folder / f"{queue_id}.json")

    def delete(self, queue_id: str) -> bool:
        if not QUEUE_ID.match(queue_id):
            return False
        with self._lock:
            try:
                (self.folder / f"{queue_id}.json").unlink()
            except FileNotFoundError:
                return False
        return True

    @staticmethod
    def _read(path: Path) -> QueuedReaction | None:
        try:
            return QueuedReaction(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None


class PostThrottle:
    """At most ``per_minute`` posts per address in any 60 s, and ``per_hour`` in an hour.

    Counts live in memory (an address is never written to disk) and are forgotten an hour
    after the last post."""

    def __init__(self, per_minute: int = 5, per_hour: int = 30,
                 clock=time.monotonic) -> None:
        self.per_minute = per_minute
        self.per_hour = per_hour
        self.clock = clock
        self._posts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """Count this post and say whether it is within the limits."""
        now = self.clock()
        with self._lock:
            posts = self._posts.setdefault(address, deque())
            while posts and now - posts[0] > 3600:
                posts.popleft()
            last_minute = sum(1 for t in posts if now - t <= 60)
            if last_minute >= self.per_minute or len(posts) >= self.per_hour:
                return False
            posts.append(now)
            if len(self._posts) > 10_000:  # forget quiet addresses
                for key in [k for k, v in self._posts.items() if not v or now - v[-1] > 3600]:
                    del self._posts[key]
            return True
