"""Slow down password guessing: lock a username or an address after repeated failures.

After ``max_failures`` failed logins for one username (or five times as many from one network
address) further attempts are refused for a while, and the lock-out doubles with every new
failure up to a ceiling. A successful login clears the username's count. Counts live in memory:
a restart resets them, which is acceptable because argon2 already makes every guess slow.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


class LoginThrottle:
    """Thread-safe failure counts per key (``user:<name>`` and ``ip:<address>``)."""

    def __init__(self, max_failures: int = 5, lockout_seconds: float = 60.0,
                 max_lockout_seconds: float = 900.0, address_factor: int = 5) -> None:
        self.max_failures = max_failures
        self.lockout = lockout_seconds
        self.max_lockout = max_lockout_seconds
        self.address_factor = address_factor
        self._records: dict[str, _Record] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, username: str, address: str) -> float:
        """How long this username/address must still wait; 0 when a try is allowed."""
        now = time.monotonic()
        with self._lock:
            waits = [r.locked_until - now for k in self._keys(username, address)
                     if (r := self._records.get(k))]
        return max([0.0, *waits])

    def failed(self, username: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._records) > 100_000:  # bound memory under a flood of made-up names
                self._records.clear()
            for key in self._keys(username, address):
                record = self._records.setdefault(key, _Record())
                record.failures += 1
                limit = self.max_failures * (self.address_factor if key.startswith("ip:") else 1)
                if record.failures >= limit:
                    extra = record.failures - limit
                    seconds = min(self.lockout * (2 ** min(extra, 20)), self.max_lockout)
                    record.locked_until = now + seconds

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._records.pop(f"user:{username}", None)

    @staticmethod
    def _keys(username: str, address: str) -> tuple[str, str]:
        return f"user:{username.strip().lower()[:64]}", f"ip:{address}"
