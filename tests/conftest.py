"""Session fixtures: one real build of the demo corpus, shared by the site tests."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import make_project, mkdocs_build


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output readable."""


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The shipped demo corpus built with a real ``rijk build``: (project, site, log), the
    log being everything the build printed (stderr, then stdout)."""
    project = make_project(tmp_path_factory.mktemp("demo"), copy_stories=True, pdf=True)
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]
    return project, site, result.stderr + result.stdout


@pytest.fixture(scope="session")
def demo_site(demo_build: tuple[Path, Path, str]) -> Path:
    return demo_build[1]


def serve_folder(folder: Path) -> Iterator[str]:
    """``folder`` on a loopback HTTP server, as a resident's browser sees it."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def served_demo(demo_site: Path) -> Iterator[str]:
    """The built demo site (MkDocs) on a loopback HTTP server."""
    yield from serve_folder(demo_site)


@pytest.fixture(scope="session")
def zensical_demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped demo built with a real ``rijk build --engine zensical``."""
    project = make_project(tmp_path_factory.mktemp("demo-zensical"), copy_stories=True)
    site = project / "site"
    result = mkdocs_build(project, site, engine="zensical")
    assert result.returncode == 0, result.stderr[-4000:]
    return site


@pytest.fixture(scope="session")
def served_zensical_demo(zensical_demo_site: Path) -> Iterator[str]:
    yield from serve_folder(zensical_demo_site)
