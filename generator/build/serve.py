"""``rijk serve``: build once, then regenerate what changed while the engine live-reloads.

The engine's own server (``mkdocs serve --dirty`` or ``zensical serve``) runs on the generated
configuration and reloads the browser when a generated file changes. This process watches the
project's sources (stories, taxonomy, figures, docs, ``rijk.yml``, ``mkdocs.yml``), reruns the
same pipeline (so de-identification applies; the caches make it quick) and rewrites only the
generated files whose bytes changed. Before anything is written, the generated files are
searched for the personal data of all sources; with a hit nothing is written. Loopback only.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import os
import signal
import subprocess
import sys
import time

from generator.build.run import (
    ENGINE_ENV,
    BuildError,
    Progress,
    Workspace,
    run_pipeline,
    workspace,
    write_generated,
)
from generator.pipeline import SiteData
from generator.project import Project

POLL_SECONDS = 0.3
LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def check_loopback(dev_addr: str) -> tuple[str, int]:
    """``host:port`` on loopback only: a preview shows unpublished work in progress."""
    host, sep, port = dev_addr.rpartition(":")
    if not sep or not port.isdigit():
        raise BuildError(f"--dev-addr '{dev_addr}' moet de vorm adres:poort hebben, "
                         "bijvoorbeeld 127.0.0.1:8000.")
    host = host.strip("[]")
    if host not in LOOPBACK_NAMES:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise BuildError(f"rijk serve luistert alleen op deze computer (127.0.0.1, "
                             f"localhost of ::1), niet op '{host}'. Publiceer met rijk build.")
    return host, int(port)


def fingerprint(project: Project) -> str:
    """Changes in any source: path, size and modification time of every file."""
    digest = hashlib.sha256()
    for folder in (project.stories_dir, project.taxonomy_dir, project.figures_dir,
                   project.docs_dir, project.selections_dir, project.reactions_dir):
        if not folder.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    for path in (project.config_file, project.root / project.config.mkdocs_config):
        try:
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}\0-\n".encode())
    return digest.hexdigest()


def privacy_guard(data: SiteData):
    """Refuse to write generated files that hold personal data of any source."""
    from generator.privacy.scan import needle_pattern

    pattern = needle_pattern(data.personal_data)

    def check(files: dict[str, bytes]) -> None:
        if pattern is None:
            return
        hits = []
        for rel, content in sorted(files.items()):
            if not rel.endswith((".md", ".json", ".csv", ".txt", ".svg", ".html", ".js")):
                continue
            text = content.decode("utf-8", errors="replace")
            for match in pattern.finditer(text):
                hits.append(f"  {rel}:{text.count(chr(10), 0, match.start()) + 1}: "
                            f"{' '.join(match.group(0).split())}")
        if hits:
            raise BuildError("Rijke Verantwoording: persoonsgegevens gevonden in de gemaakte "
                             f"pagina's ({len(hits)} keer); er is niets bijgewerkt:\n"
                             + "\n".join(hits[:20]))

    return check


def regenerate(ws: Workspace, progress: Progress, previous: SiteData | None) -> SiteData:
    """The pipeline again (cached), then only the changed generated files. The evaluation
    for the method page is kept from the start (it reruns on the next ``rijk build``)."""
    data = run_pipeline(ws.project, progress, evaluate=previous is None)
    if previous is not None:
        data.evaluation = previous.evaluation
        data.evaluation_markdown = previous.evaluation_markdown
        data.held_out = previous.held_out
        data.held_out_markdown = previous.held_out_markdown
    write_generated(ws, data, progress, serving=True, check=privacy_guard(data))
    return data


def serve(project: Project, *, dev_addr: str = "127.0.0.1:8000", engine: str | None = None,
          progress: Progress | None = None, max_seconds: float | None = None) -> int:
    """Serve until interrupted (or ``max_seconds``); returns the engine's exit code."""
    progress = progress or Progress()
    check_loopback(dev_addr)
    ws = workspace(project, engine)
    ws.cache.mkdir(parents=True, exist_ok=True)
    data = regenerate(ws, progress, None)
    seen = fingerprint(project)
    command = ws.engine.serve_command(ws.serve_config, dev_addr)
    if ws.engine.name == "mkdocs":
        command.append("--dirty")  # rebuild the pages whose generated file changed
    progress.line(f"{ws.engine.label} serveert op http://{dev_addr}/ (Ctrl-C stopt)")
    child = subprocess.Popen(command, cwd=ws.serve_config.parent,
                             env={**os.environ, **ENGINE_ENV}, start_new_session=True)
    _exit_on_sigterm()  # so that `finally` stops the engine's server (its own session)
    started = time.monotonic()
    try:
        while child.poll() is None:
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
            time.sleep(POLL_SECONDS)
            now = fingerprint(project)
            if now == seen:
                continue
            time.sleep(POLL_SECONDS)  # let an editor finish saving
            seen = fingerprint(project)
            begin = time.perf_counter()
            try:
                project.__dict__.pop("config", None)  # rijk.yml may have changed
                data = regenerate(ws, progress, data)
            except BuildError as exc:
                print(f"ERROR   -  {exc}", file=sys.stderr, flush=True)
                continue
            except Exception as exc:
                print(f"ERROR   -  bijwerken mislukt: {type(exc).__name__}: {exc}",
                      file=sys.stderr, flush=True)
                continue
            progress.line(f"bijgewerkt in {time.perf_counter() - begin:.2f} s")
    except KeyboardInterrupt:
        pass
    finally:
        _stop(child)
    return child.returncode or 0


def _exit_on_sigterm() -> None:
    """SIGTERM (a service manager, a test) ends serve like Ctrl-C does: through ``finally``,
    which stops the engine's server; Python's default would leave it running."""
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is not None:
        return
    try:
        os.killpg(child.pid, signal.SIGTERM)
        child.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
