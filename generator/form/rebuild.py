"""Rebuild the public site in the background after a publication, and say when it is live.

Publishing must not wait for ``rijk build`` (seconds to minutes), and ten publications in a
row need one or two builds, not ten: requests are numbered and coalesced, and a build started
after request *n* contains everything up to *n*. The build goes into a fresh folder that
replaces the site folder only when the build succeeded, so a failed build never leaves a broken
or half-empty site behind.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("rijk.form.rebuild")
PLACEHOLDER = "{site_dir}"
"""Replaced by a fresh temporary folder; the runner swaps it into place after success."""
TARGET = "{site}"
"""Replaced by the site folder itself, for a command that swaps on its own (``rijk build``)."""


@dataclass(frozen=True)
class RebuildStatus:
    """A snapshot for the status page: what is requested, running and live."""

    requested: int
    live: int
    running: bool
    last_ok: float | None
    last_error: str | None
    last_duration: float | None
    enabled: bool

    @property
    def pending(self) -> bool:
        return self.live < self.requested

    def is_live(self, generation: int) -> bool:
        return self.enabled and generation <= self.live


class Rebuilder:
    """Runs the build command in a worker thread, one build at a time."""

    def __init__(self, command: list[str], cwd: Path, site_dir: Path, enabled: bool = True,
                 timeout: float = 900.0) -> None:
        self.command = list(command)
        self.cwd = Path(cwd)
        self.site_dir = Path(site_dir)
        self.enabled = enabled and bool(command)
        self.timeout = timeout
        self._cond = threading.Condition()
        self._requested = 0
        self._live = 0
        self._running = False
        self._last_ok: float | None = None
        self._last_error: str | None = None
        self._last_duration: float | None = None
        self._stopping = False
        self._attempted = 0
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.enabled and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rijk-rebuild", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout)
            self._thread = None

    def request(self) -> int:
        """Ask for a build containing everything committed so far; returns its number."""
        with self._cond:
            self._requested += 1
            self._cond.notify_all()
            return self._requested

    def status(self) -> RebuildStatus:
        with self._cond:
            return RebuildStatus(self._requested, self._live, self._running, self._last_ok,
                                 self._last_error, self._last_duration, self.enabled)

    def wait_live(self, generation: int, timeout: float) -> bool:
        """Block until build ``generation`` is live (for tests and scripts); False when it
        failed or the time ran out."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._live < generation:
                failed = self._attempted >= generation and not self._running and self._last_error
                left = deadline - time.monotonic()
                if failed or left <= 0:
                    return False
                self._cond.wait(min(left, 0.5))
            return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._requested <= self._attempted and not self._stopping:
                    self._cond.wait()
                if self._stopping:
                    return
                generation = self._requested
                self._attempted = generation
                self._running = True
            started = time.monotonic()
            error = self._build()
            with self._cond:
                self._running = False
                self._last_duration = time.monotonic() - started
                if error is None:
                    self._live = generation
                    self._last_ok = time.time()
                    self._last_error = None
                else:
                    self._last_error = error
                self._cond.notify_all()

    def _build(self) -> str | None:
        """Run the command once; None on success, else a short Dutch error with the log tail."""
        swap = any(PLACEHOLDER in part for part in self.command)
        target: Path | None = None
        if swap:
            self.site_dir.parent.mkdir(parents=True, exist_ok=True)
            target = Path(tempfile.mkdtemp(prefix=f".{self.site_dir.name}.bouw-",
                                           dir=self.site_dir.parent))
        args = [part.replace(PLACEHOLDER, str(target)) if target else part
                for part in self.command]
        args = [part.replace(TARGET, str(self.site_dir)) for part in args]
        if shutil.which("nice"):  # leave the CPU to the form while the site builds
            args = ["nice", "-n", "10", *args]
        try:
            result = subprocess.run(args, cwd=self.cwd, capture_output=True, text=True,
                                    timeout=self.timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            if target:
                shutil.rmtree(target, ignore_errors=True)
            log.error("site bouwen mislukt: %s", exc)
            return f"de site kon niet worden gebouwd: {exc}"
        if result.returncode != 0:
            if target:
                shutil.rmtree(target, ignore_errors=True)
            tail = (result.stderr or result.stdout).strip()[-2000:]
            log.error("site bouwen mislukt (%s): %s", result.returncode, tail)
            return f"de site kon niet worden gebouwd (code {result.returncode}): {tail}"
        if target:
            self._swap(target)
        return None

    def _swap(self, built: Path) -> None:
        """Put the new build in place of the old site with two renames."""
        old: Path | None = None
        if self.site_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.site_dir.name}.oud-",
                                        dir=self.site_dir.parent))
            old.rmdir()
            self.site_dir.rename(old)
        built.rename(self.site_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
