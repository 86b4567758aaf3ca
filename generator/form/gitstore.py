"""Atomic, serialised writes to the project's git repository: every change is one commit.

Requests hand a *plan* to :meth:`GitStore.submit`; one writer thread runs the plans one after
another (so two submissions never pick the same id or write the same file), writes each file
atomically (temporary file + ``os.replace``) and then records the whole batch with a single
``git fast-import`` run that creates **one commit per plan**, with the user as author. Batching
the git work is what keeps 50 simultaneous submissions fast; one commit per story keeps the
audit trail exact. fast-import only moves the branch forward if nobody committed in between
(it refuses non-fast-forward updates), so a concurrent ``git commit`` outside the form leads to
a retry, never to a lost commit.

Before writing, the repository state is checked: a merge or rebase in progress, a detached
HEAD, or uncommitted changes in a file the plan wants to write are reported as
:class:`RepositoryBusy` / :class:`StoryConflict` with a Dutch explanation, and nothing is
written. If committing fails, every file of the batch is put back as it was.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from generator.checks import deleted_story_ids
from generator.locks import exclusive_lock
from generator.storyfile import content_hash

log = logging.getLogger("rijk.form.git")

MAX_BATCH = 100
GC_EVERY = 200


class StoreError(RuntimeError):
    """A write was refused or failed; the message is Dutch and safe to show to the user."""


class RepositoryBusy(StoreError):
    """The repository is in a state where the form must not write (merge, rebase, …)."""


class StoryConflict(StoreError):
    """The file changed outside the form, or since the user opened it."""


@dataclass(frozen=True)
class Identity:
    """Who made a change: becomes the commit's author and committer."""

    name: str
    email: str

    def line(self, when: float) -> str:
        offset = time.localtime(when).tm_gmtoff
        sign = "+" if offset >= 0 else "-"
        hours, minutes = divmod(abs(offset) // 60, 60)
        name = " ".join(self.name.replace("<", "").replace(">", "").split())
        email = "".join(self.email.replace("<", "").replace(">", "").split())
        return f"{name} <{email}> {int(when)} {sign}{hours:02d}{minutes:02d}"


@dataclass(frozen=True)
class FileChange:
    """New content for one file. ``expect`` is None for a new file (it must not exist yet) or
    the :func:`content_hash` the file must still have (no lost updates)."""

    path: Path
    content: str
    expect: str | None = None


@dataclass(frozen=True)
class Change:
    """One commit: files, message and author."""

    files: tuple[FileChange, ...]
    message: str
    author: Identity


@dataclass(frozen=True)
class CommitResult:
    commit: str
    paths: tuple[str, ...]


Plan = Callable[[], Change]
"""Runs in the writer thread, after all earlier plans were written: safe to pick ids there."""


@dataclass
class _Job:
    plan: Plan
    future: Future = field(default_factory=Future)
    change: Change | None = None
    backups: list[tuple[Path, bytes | None]] = field(default_factory=list)
    mark: int = 0


class GitStore:
    """The only writer of ``stories/`` (and of ``selections/`` and ``reactions/``, the
    panels' choices and the approved reactions) for one server process."""

    def __init__(self, root: Path, area: str = "stories",
                 also: tuple[str, ...] = ("selections", "reactions")) -> None:
        self.root = Path(root).resolve()
        self.area = (self.root / area).resolve()
        self.areas = (self.area, *((self.root / a).resolve() for a in also))
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._commits = 0
        self._gc: subprocess.Popen | None = None
        self._head: str | None = None
        self._retired: set[str] = set()
        self._retired_upto: str | None = None
        self.git_dir = Path(self._git("rev-parse", "--absolute-git-dir").strip())
        self.top = Path(self._git("rev-parse", "--show-toplevel").strip()).resolve()
        if not self.area.is_relative_to(self.top):
            raise StoreError(f"{self.area} ligt niet in de git-repository {self.top}.")

    # -- public -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rijk-gitstore", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None
        if self._gc is not None:
            self._gc.wait(timeout=60)

    def submit(self, plan: Plan) -> Future:
        """Queue a plan; the future gives a :class:`CommitResult` or raises a StoreError."""
        if self._thread is None:
            self.start()
        job = _Job(plan)
        self._queue.put(job)
        return job.future

    def inside(self, path: Path) -> Path:
        """The resolved path if it lies inside the writable area, else a StoreError."""
        resolved = Path(path).resolve()
        if not any(resolved.is_relative_to(a) and resolved != a for a in self.areas):
            raise StoreError("ongeldig pad: het formulier schrijft alleen onder stories/, "
                             "selections/ en reactions/.")
        return resolved

    def retired_ids(self) -> set[str]:
        """Ids of story files that were deleted in the branch's history: never hand them out
        again (a citation of a withdrawn story must not lead to a new one). Only for plans, in
        the writer thread; the history is read once and then only the new commits."""
        head = self._head
        if head is None or head == self._retired_upto:
            return self._retired
        span = f"{self._retired_upto}..{head}" if self._retired_upto else head
        deleted = deleted_story_ids(self.area, span)
        if deleted is None:  # e.g. the old tip is gone after a rewrite: read it all
            deleted = deleted_story_ids(self.area, head)
        if deleted is not None:
            self._retired |= deleted
            self._retired_upto = head
        return self._retired

    def state_problem(self) -> str | None:
        """Why the form cannot write right now, in Dutch; None when all is well."""
        try:
            self._check_repository()
        except StoreError as exc:
            return str(exc)
        return None

    # -- writer thread ------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs = [first]
            while len(jobs) < MAX_BATCH:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._queue.put(None)
                    break
                jobs.append(job)
            try:
                self._process(jobs)
            except Exception as exc:  # never let the writer thread die
                log.exception("onverwachte fout bij schrijven")
                for job in jobs:
                    if not job.future.done():
                        job.future.set_exception(StoreError(
                            f"het verhaal kon niet worden opgeslagen ({exc}). Er is niets "
                            "veranderd; probeer het opnieuw."))

    def _process(self, jobs: list[_Job]) -> None:
        error = ""
        with exclusive_lock(self.git_dir / "rijk-form.lock"):  # also a 2nd form server
            for attempt in range(3):
                pending = [j for j in jobs if not j.future.done()]
                if not pending:
                    return
                try:
                    head, branch, dirty = self._check_repository()
                except StoreError as exc:
                    for job in pending:
                        job.future.set_exception(exc)
                    return
                self._head = head
                written = [j for j in pending if self._write(j, dirty)]
                if not written:
                    return
                error = self._commit(written, head, branch)
                if error is None:
                    return
                for job in reversed(written):
                    self._restore(job)
                log.warning("commit mislukt (poging %d): %s", attempt + 1, error)
                time.sleep(0.05 * (attempt + 1))
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(StoreError(
                        "het vastleggen in git is mislukt, ook na opnieuw proberen. Er is niets "
                        "veranderd; probeer het zo opnieuw of vraag de beheerder naar "
                        f"de git-repository ({error})."))

    def _write(self, job: _Job, dirty: set[str]) -> bool:
        """Run the plan and write its files; False (with the future failed) on any refusal."""
        job.backups = []
        try:
            job.change = change = job.plan()
            for item in change.files:
                path = self.inside(item.path)
                rel = self._rel(path)
                if rel in dirty:
                    raise StoryConflict(
                        f"{rel} heeft wijzigingen die nog niet in git zijn vastgelegd. Vraag de "
                        "beheerder die eerst vast te leggen of terug te draaien; je tekst is "
                        "niet opgeslagen maar staat nog in het formulier.")
                old = path.read_bytes() if path.exists() else None
                if item.expect is None and old is not None:
                    raise StoryConflict(f"{rel} bestaat al; er wordt niets overschreven.")
                if item.expect is not None and (old is None or content_hash(old) != item.expect):
                    raise StoryConflict(
                        "het verhaal is intussen gewijzigd (in een ander venster of door een "
                        "ander). Je tekst staat hieronder: kopieer hem, open het verhaal opnieuw "
                        "en breng je wijziging opnieuw aan.")
                job.backups.append((path, old))
                _atomic_write(path, item.content.encode("utf-8"))
        except Exception as exc:
            self._restore(job)
            error = exc if isinstance(exc, StoreError | ValueError) else StoreError(
                f"het verhaal kon niet worden opgeslagen ({exc}).")
            job.future.set_exception(error)
            return False
        return True

    def _restore(self, job: _Job) -> None:
        for path, old in reversed(job.backups):
            try:
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    _atomic_write(path, old)
            except OSError:
                log.exception("kon %s niet herstellen", path)
        job.backups = []

    def _commit(self, jobs: list[_Job], head: str | None, branch: str) -> str | None:
        """One fast-import run, one commit per job; None on success, else the git error."""
        stream: list[bytes] = []
        now = time.time()
        for number, job in enumerate(jobs, start=1):
            assert job.change is not None
            job.mark = number
            who = job.change.author.line(now).encode("utf-8")
            message = job.change.message.strip().encode("utf-8") + b"\n"
            stream += [f"commit {branch}\nmark :{number}\n".encode(), b"author " + who + b"\n",
                       b"committer " + who + b"\n", b"data %d\n" % len(message), message]
            if number == 1 and head:
                stream.append(f"from {head}\n".encode())
            for item in job.change.files:
                rel = self._rel(item.path)
                data = item.content.encode("utf-8")
                stream += [f'M 100644 inline "{_quote(rel)}"\n'.encode(),
                           b"data %d\n" % len(data), data, b"\n"]
        stream.append(b"done\n")
        with tempfile.TemporaryDirectory(prefix="rijk-marks-") as folder:
            marks = Path(folder) / "marks"
            result = subprocess.run(
                ["git", "fast-import", "--quiet", "--done", f"--export-marks={marks}"],
                cwd=self.top, input=b"".join(stream), capture_output=True, check=False)
            if result.returncode != 0:
                return result.stderr.decode("utf-8", "replace").strip()[-500:]
            shas = dict(line.split() for line in marks.read_text().splitlines() if line)
        paths = sorted({self._rel(i.path) for j in jobs
                        for i in j.change.files})  # type: ignore[union-attr]
        self._update_index(paths)
        for job in jobs:
            files = tuple(self._rel(i.path) for i in job.change.files)  # type: ignore[union-attr]
            job.future.set_result(CommitResult(commit=shas.get(f":{job.mark}", ""), paths=files))
        self._commits += len(jobs)
        self._maybe_gc()
        return None

    def _update_index(self, paths: list[str]) -> None:
        """Stage the committed files so ``git status`` stays clean; retried while a user's own
        git command holds the index lock."""
        for attempt in range(20):
            result = subprocess.run(["git", "update-index", "--add", "--", *paths],
                                    cwd=self.top, capture_output=True, check=False)
            if result.returncode == 0:
                return
            time.sleep(0.05 * (attempt + 1))
        log.error("git update-index mislukt: %s", result.stderr.decode("utf-8", "replace"))

    def _maybe_gc(self) -> None:
        """Let git pack loose objects now and then, as ``git commit`` would (in the background)."""
        if self._commits < GC_EVERY:
            return
        self._commits = 0
        if self._gc is not None and self._gc.poll() is None:
            return
        self._gc = subprocess.Popen(["git", "gc", "--auto", "--quiet"], cwd=self.root,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _check_repository(self) -> tuple[str | None, str, set[str]]:
        """HEAD, the branch ref and the paths under the area with uncommitted changes."""
        for marker, what in (("MERGE_HEAD", "een merge"), ("rebase-merge", "een rebase"),
                             ("rebase-apply", "een rebase"),
                             ("CHERRY_PICK_HEAD", "een cherry-pick"),
                             ("REVERT_HEAD", "een revert")):
            if (self.git_dir / marker).exists():
                raise RepositoryBusy(
                    f"de git-repository is midden in {what}. Rond die eerst af (of breek hem af); "
                    "tot dan kan het formulier niets opslaan. Je tekst staat nog in het formulier.")
        result = subprocess.run(
            ["git", "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all",
             "--", *(self._rel(a) for a in self.areas)], cwd=self.top, capture_output=True,
            check=False)
        if result.returncode != 0:
            raise RepositoryBusy("git status mislukte: "
                                 + result.stderr.decode("utf-8", "replace").strip()[-300:])
        head: str | None = None
        branch = ""
        dirty: set[str] = set()
        records = result.stdout.decode("utf-8", "surrogateescape").split("\0")
        skip = False
        for record in records:
            if skip:  # the original path of a rename record
                skip = False
                continue
            if record.startswith("# branch.oid "):
                oid = record.split()[2]
                head = None if oid == "(initial)" else oid
            elif record.startswith("# branch.head "):
                branch = record.split(" ", 2)[2]
            elif record.startswith("u "):
                raise RepositoryBusy("er zijn onopgeloste git-conflicten in stories/. Los ze "
                                     "eerst op; tot dan kan het formulier niets opslaan.")
            elif record[:2] in ("1 ", "2 "):
                parts = record.split(" ", 8 if record[0] == "1" else 9)
                dirty.add(parts[-1])
                skip = record[0] == "2"
            elif record.startswith("? "):
                dirty.add(record[2:])
        if branch in ("", "(detached)"):
            raise RepositoryBusy("de git-repository staat niet op een branch (detached HEAD). "
                                 "Zet een branch uit (git switch main) en probeer het opnieuw.")
        return head, f"refs/heads/{branch}", dirty

    def _rel(self, path: Path) -> str:
        """A path as git names it: relative to the top of the repository, with slashes."""
        return Path(path).resolve().relative_to(self.top).as_posix()

    def _git(self, *args: str) -> str:
        result = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True,
                                check=False)
        if result.returncode != 0:
            raise StoreError(f"{self.root} is geen bruikbare git-repository: "
                             f"{result.stderr.strip()}. Maak er een met 'git init'.")
        return result.stdout


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename: never half a story.

    No fsync per file: at 3-4 ms each it would dominate a batch of 50, and durability then
    follows git's own setting (``core.fsync``) for the objects that hold the same content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _quote(path: str) -> str:
    """A fast-import quoted path (C-style escapes for quote, backslash and newline)."""
    return path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
