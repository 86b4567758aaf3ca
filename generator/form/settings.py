"""Settings of one form server, and where its private files live.

Private state (users with password hashes, the session secret) lives in ``.rijk/`` in the
project root. That folder is never committed: :func:`private_dir` puts a ``.gitignore`` with
``*`` in it, so it stays out of git even when the project's own ``.gitignore`` forgets it.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

SECRET_ENV = "RIJK_FORM_SECRET"
PRIVATE_DIR = ".rijk"


def default_rebuild_command() -> list[str]:
    """``rijk build`` into the site folder (``{site}``): it builds into a temporary folder,
    scans it and swaps it into place itself, so the runner does not swap again."""
    return [sys.executable, "-m", "generator.cli", "build", "--quiet", "--site-dir", "{site}"]


@dataclass
class FormSettings:
    """Everything :func:`generator.form.app.create_app` needs besides the project root.

    Defaults are safe for a server on loopback; ``secure_cookies`` must be switched on when the
    form is served over HTTPS behind a proxy.
    """

    users_file: Path | None = None
    secret: str | None = None
    max_body_bytes: int = 256 * 1024
    session_hours: float = 10.0
    secure_cookies: bool = False
    rebuild: bool = True
    rebuild_command: list[str] = field(default_factory=default_rebuild_command)
    site_dir: Path | None = None
    site_url: str | None = None
    privacy: bool = True
    suggestions: bool = True
    """Offer the themes and values the analysis reads in a draft (SenseMaker's
    self-signification: the author confirms)."""
    behind_proxy: bool = False
    """Behind a reverse proxy: a resident's address is the last one the proxy appended to
    ``X-Forwarded-For`` (without a proxy the header is the client's own word: ignored)."""
    reactions_per_minute: int = 10
    """Residents' reactions one address may post in a minute (refused ones count too)."""
    reactions_per_hour: int = 60
    max_failures: int = 5
    lockout_seconds: float = 60.0
    max_lockout_seconds: float = 15 * 60.0

    def resolved_users_file(self, root: Path) -> Path:
        return Path(self.users_file) if self.users_file else private_dir(root) / "users.yml"

    def resolved_site_dir(self, root: Path) -> Path:
        """Explicit, else ``folders.site`` of the project's ``rijk.yml``."""
        from generator.project import Project

        return Path(self.site_dir) if self.site_dir else Project(Path(root)).site_dir

    def resolved_secret(self, root: Path) -> str:
        """The signing key: explicit, from ``RIJK_FORM_SECRET``, or a generated 0600 file."""
        if self.secret:
            return self.secret
        if os.environ.get(SECRET_ENV):
            return os.environ[SECRET_ENV]
        return _secret_file(private_dir(root) / "secret")


def private_dir(root: Path) -> Path:
    """``.rijk/`` in the project, created with a self-ignoring ``.gitignore``."""
    folder = Path(root) / PRIVATE_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Privé: wachtwoord-hashes en sleutels van het webformulier.\n*\n",
                          encoding="utf-8")
    return folder


def _secret_file(path: Path) -> str:
    """Read the secret, or create it with mode 0600 (never world-readable).

    The new file is written under a temporary name and hard-linked into place, so a second
    process starting at the same moment reads either nothing or the complete secret.
    """
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    value = secrets.token_urlsafe(48)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(value + "\n")
        try:
            os.link(temp, path)
        except FileExistsError:  # another process was first: use its secret
            return path.read_text(encoding="utf-8").strip()
    finally:
        temp.unlink(missing_ok=True)
    return value
