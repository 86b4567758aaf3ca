"""Shared test helpers: temp projects made of the real taxonomy, figures, mkdocs.yml and
rijk.yml, real ``rijk build`` runs, and a headless Chromium launcher."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def make_project(target: Path, stories: dict[str, str] | None = None,
                 copy_stories: bool = False, pdf: bool = False) -> Path:
    """A project folder with the real configuration; ``stories`` maps relative path → text.
    The PDF annual reports (2–3 s each) are made only with ``pdf``: the demo build has them,
    the many small test projects do not need them."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("taxonomy", "figures", "docs"):
        shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    if (ROOT / "rijk.yml").exists():
        shutil.copy(ROOT / "rijk.yml", target / "rijk.yml")
        if not pdf:
            with (target / "rijk.yml").open("a", encoding="utf-8") as config:
                config.write("pdf: false\n")
    if copy_stories:  # the demo as shipped, with its held-out test set for the method page
        shutil.copytree(ROOT / "stories", target / "stories", dirs_exist_ok=True)
        shutil.copytree(ROOT / "tests/data/nlp/test", target / "tests/data/nlp/test",
                        dirs_exist_ok=True)
        for name in ("selections", "reactions"):  # the demo's panel choices and reactions
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)
    (target / "stories").mkdir(exist_ok=True)
    for rel, text in (stories or {}).items():
        path = target / "stories" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return target


def story_text(story_id: str, body: str, *, title: str = "Een verhaal", date: str = "2019-05-01",
               neighbourhood: str = "holendrecht-reigersbos", themes: str = "[wonen]",
               values: str = "[compassie]", consent: str = "true", status: str = "published",
               author: str = "Samira Bakker", team: str = "Buurtteam Gaasperdam") -> str:
    """A valid story file; override any field to make it invalid or unpublished."""
    return (f"---\nid: {story_id}\ntitle: {title}\ndate: {date}\nauthor: {author}\n"
            f"team: {team}\nneighbourhood: {neighbourhood}\nthemes: {themes}\n"
            f"values: {values}\nconsent: {consent}\nstatus: {status}\n---\n\n{body}\n")


def mkdocs_build(project: Path, site: Path, *, strict: bool = False,
                 env: dict[str, str] | None = None,
                 engine: str | None = None) -> subprocess.CompletedProcess[str]:
    """A real ``rijk build`` in a subprocess, as a user runs it (the name stays from when the
    build was ``mkdocs build``; the engine is MkDocs unless ``engine`` says otherwise)."""
    args = ["build", "--force", "--site-dir", str(site)]
    if strict:
        args.append("--strict")
    if engine:
        args += ["--engine", engine]
    return rijk(project, *args, env=env)


def rijk(project: Path, *args: str, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """``rijk ARGS`` in a subprocess with the project as working folder."""
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=project,
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=timeout)


def write_config(project: Path, text: str) -> Path:
    """Replace the project's ``rijk.yml``."""
    path = project / "rijk.yml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def tree_hashes(folder: Path) -> dict[str, str]:
    """Relative path → sha256 of every file below ``folder`` (to prove it did not change)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_text(site: Path) -> dict[Path, str]:
    """Every text file of a built site (HTML, JSON, CSV, XML, JS, search index …)."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".xml", ".js", ".txt",
                                              ".css", ".svg"}:
            texts[path] = path.read_text(encoding="utf-8", errors="replace")
    return texts


def require_chromium() -> None:
    """Browser tests need Debian's Chromium; in CI its absence is a failure, not a skip."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} ontbreekt: `make test` installeert het (apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} not installed")
