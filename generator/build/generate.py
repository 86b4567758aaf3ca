"""The generated docs folder: every page (Markdown) and data file the engine turns into a site.

The folder is rebuilt from the pipeline's data on every build, but a file is written only when
its bytes changed and files no longer produced are deleted, so the engine's change detection
(``mkdocs serve``, Zensical's cache) sees exactly what changed. The project's own ``docs/``
(``assets/extra.css``, extra pages) is copied in first, over the package's defaults
(:data:`DEFAULT_DOCS`, the site's stylesheet); a generated page with the same path wins.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.pages.exports import all_exports
from generator.pages.render import Renderer
from generator.pages.structure import SiteStructure, build_structure
from generator.pipeline import SiteData

DEFAULT_DOCS = Path(__file__).resolve().parent.parent / "defaults" / "docs"
"""Files every site gets unless the project's ``docs/`` has its own (``assets/extra.css``)."""

MARKER = ".rijk-generated"
"""A file in the generated folder that says it may be emptied (never a user's folder)."""


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    deleted: int = 0

    def summary(self) -> str:
        return (f"{self.written} geschreven, {self.unchanged} ongewijzigd, "
                f"{self.deleted} verwijderd")


@dataclass
class Generated:
    """What the engine needs: the files (path → bytes) and the navigation."""

    files: dict[str, bytes]
    nav: list[dict[str, Any]]
    structure: SiteStructure
    pages: int
    stats: WriteStats | None = None
    page_srcs: frozenset[str] = frozenset()
    """The source paths of the rendered pages (not the project's own docs files)."""


def generate(data: SiteData, *, site_url: str, site_name: str, docs_dir: Path | None,
             reactions: Any = None, pdf: bool = True) -> Generated:
    """Render every page once, plus the downloads, plus the project's own docs files.
    ``reactions`` is ``rijk.yml``'s reactions block; ``pdf`` whether the PDFs are made (the
    pages link them only then)."""
    structure = build_structure(data)
    renderer = Renderer(structure, site_url=site_url, site_name=site_name, reactions=reactions,
                        pdf=pdf)
    files = project_docs(DEFAULT_DOCS)
    if docs_dir:
        files.update(project_docs(docs_dir))
    pages = renderer.all_pages()
    for page in pages:
        files[page.src] = page.content.encode("utf-8")
    for src, content in all_exports(structure, site_url, site_name).items():
        files[src] = content.encode("utf-8")
    return Generated(files=files, nav=renderer.nav(), structure=structure, pages=len(pages),
                     page_srcs=frozenset(page.src for page in pages))


def project_docs(docs_dir: Path) -> dict[str, bytes]:
    """The project's own ``docs/`` files (assets, hand-written pages), by relative path."""
    found: dict[str, bytes] = {}
    if not docs_dir.is_dir():
        return found
    for path in sorted(docs_dir.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in
                                      path.relative_to(docs_dir).parts):
            found[path.relative_to(docs_dir).as_posix()] = path.read_bytes()
    return found


def write_tree(target: Path, files: dict[str, bytes]) -> WriteStats:
    """Make ``target`` hold exactly ``files``: write only what changed, delete the rest."""
    stats = WriteStats()
    target.mkdir(parents=True, exist_ok=True)
    (target / MARKER).touch()
    for rel, content in files.items():
        path = target / rel
        if _same(path, content):
            stats.unchanged += 1
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(content)
        os.replace(temp, path)  # the engine's watcher never sees half a file
        stats.written += 1
    wanted = {target / rel for rel in files}
    for path in sorted(target.rglob("*"), reverse=True):
        if path.name == MARKER and path.parent == target:
            continue
        if path.is_file() or path.is_symlink():
            if path not in wanted:
                path.unlink()
                stats.deleted += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return stats


def _same(path: Path, content: bytes) -> bool:
    try:
        return path.stat().st_size == len(content) and path.read_bytes() == content
    except OSError:
        return False
