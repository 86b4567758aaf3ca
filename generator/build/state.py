""""Nothing changed": skip a build whose every input is byte-identical to the last good one.

The key covers the contents of every source file (stories, taxonomy, figures, docs,
selections, reactions, ``rijk.yml``, ``mkdocs.yml``), the generator's own code and data, the
versions of the engines and of deduce, the engine, ``--strict`` and the output folder. The
output that build produced passed the privacy scan; when ``site/`` still holds exactly that
output (same files, sizes and times), building again would give the same bytes, so the build
stops early. Any difference, or ``--force``, builds as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

import generator
from generator.project import Project

PACKAGES = ("mkdocs", "mkdocs-material", "zensical", "deduce", "pymdown-extensions",
            "markdown")


def _hash_tree(digest: hashlib._Hash, folder: Path, root: Path) -> None:
    if not folder.is_dir():
        digest.update(f"{folder}:-\n".encode())
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".pyc"):
                continue
            path = Path(dirpath) / name
            try:
                content = path.read_bytes()
            except OSError:
                continue
            digest.update(f"{path.relative_to(root)}\0{len(content)}\0".encode())
            digest.update(hashlib.sha256(content).digest())


def input_key(project: Project, *, engine: str, strict: bool, site_dir: Path,
              pdf: bool | None = None) -> str:
    digest = hashlib.sha256(f"{engine}\0{strict}\0{site_dir}\0{pdf}\n".encode())
    for folder in (project.stories_dir, project.taxonomy_dir, project.figures_dir,
                   project.docs_dir, project.selections_dir, project.reactions_dir):
        _hash_tree(digest, folder, project.root)
    for path in (project.config_file, project.mkdocs_yml):
        digest.update(path.read_bytes() if path.exists() else b"-")
    code = Path(generator.__file__).parent
    _hash_tree(digest, code, code)
    for package in PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-\n".encode())
    return digest.hexdigest()


def site_manifest(site_dir: Path) -> str | None:
    """Names, sizes and modification times of every file in ``site/`` (None if absent)."""
    if not site_dir.is_dir():
        return None
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames.sort()
        for name in sorted(filenames):
            stat = os.stat(os.path.join(dirpath, name))
            rel = os.path.relpath(os.path.join(dirpath, name), site_dir)
            digest.update(f"{rel}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _state_file(project: Project, engine: str) -> Path:
    return project.cache_dir / f"last-build-{engine}.json"


def unchanged(project: Project, key: str, engine: str, site_dir: Path) -> bool:
    try:
        state = json.loads(_state_file(project, engine).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return state.get("key") == key and state.get("site") == site_manifest(site_dir)


def remember(project: Project, key: str, engine: str, site_dir: Path) -> None:
    path = _state_file(project, engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(f".{os.getpid()}.tmp")
    temp.write_text(json.dumps({"key": key, "site": site_manifest(site_dir)}), encoding="utf-8")
    os.replace(temp, path)


def forget(project: Project, engine: str) -> None:
    _state_file(project, engine).unlink(missing_ok=True)
