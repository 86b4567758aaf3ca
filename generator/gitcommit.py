"""One file, one commit: how ``rijk select`` records a decision in the project's git history.

The web form has its own writer (:mod:`generator.form.gitstore`, batched and serialised for
many users); a coordinator at the command line needs only this: write the file, then commit
exactly that path with their own git identity, so the history says who decided what, when.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class CommitError(RuntimeError):
    """git refused; the message says why in Dutch (and git's own words)."""


def repository_root(path: Path) -> Path | None:
    """The top of the git work tree holding ``path``, or None when it is not in one."""
    folder = Path(path).resolve()
    folder = folder if folder.is_dir() else folder.parent
    while not folder.exists():
        folder = folder.parent
    result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                            capture_output=True, text=True, check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def commit_file(path: Path, message: str, author: str | None = None) -> str:
    """Stage and commit only ``path``; returns the new commit's hash. ``author`` is
    ``"Naam <email>"`` (default: git's ``user.name``/``user.email``)."""
    root = repository_root(path)
    if root is None:
        raise CommitError(f"{path} ligt niet in een git-repository; de keuze is opgeslagen maar "
                          "niet vastgelegd. Maak de projectmap een repository (git init).")
    rel = str(Path(path).resolve().relative_to(root))

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              check=False)
        if done.returncode != 0:
            said = done.stderr.strip() or done.stdout.strip()
            raise CommitError(f"git {args[0]} mislukte: {said}")
        return done.stdout

    git("add", "--", rel)
    extra = ["--author", author] if author else []
    git("commit", "--quiet", "-m", message, *extra, "--", rel)
    return git("rev-parse", "HEAD").strip()
