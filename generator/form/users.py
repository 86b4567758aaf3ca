"""The users file: who may log in, with which role, team and git identity.

The file (default ``.rijk/users.yml``) holds argon2 hashes only, is written atomically with mode
0600 and is re-read when it changes on disk, so ``rijk users add`` works while the server runs.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Role = Literal["professional", "coordinator"]
ROLES: tuple[str, ...] = ("professional", "coordinator")
ROLE_LABELS = {"professional": "professional", "coordinator": "coördinator"}
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")
MIN_PASSWORD = 8
HEADER = ("# Gebruikers van het webformulier (rijk users add). NIET committen: dit bestand bevat\n"
          "# wachtwoord-hashes (argon2). Rollen: professional, coordinator.\n")


class UserError(ValueError):
    """A user cannot be added or changed; the message says why, in Dutch."""


@dataclass(frozen=True)
class User:
    """One account. ``name`` is the display name: it becomes the story's ``author``."""

    username: str
    name: str
    email: str
    role: Role
    team: str = ""
    password: str = ""  # the argon2 hash, never the password

    @property
    def is_coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def git_identity(self) -> str:
        """``Name <email>`` for git; the checks below keep both free of ``<``, ``>``, newlines."""
        return f"{self.name} <{self.email}>"


class UserStore:
    """Read and change the users file; safe to share between request threads."""

    def __init__(self, path: Path, hasher: PasswordHasher | None = None) -> None:
        self.path = Path(path)
        self.hasher = hasher or PasswordHasher()
        self._lock = threading.Lock()
        self._cache: tuple[tuple[int, int], dict[str, User]] | None = None
        self._dummy: str | None = None

    def all(self) -> dict[str, User]:
        """Every user by username; re-read only when the file changed."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if self._cache and self._cache[0] == stamp:
                return self._cache[1]
            users = _parse(self.path)
            self._cache = (stamp, users)
            return users

    def get(self, username: str) -> User | None:
        return self.all().get(username)

    def verify(self, username: str, password: str) -> User | None:
        """The user if the password matches; the same work is done for unknown names, so the
        response time does not tell which usernames exist."""
        user = self.get(username.strip().lower())
        if user is None:
            with contextlib.suppress(VerificationError):
                self.hasher.verify(self._dummy_hash(), password)
            return None
        try:
            self.hasher.verify(user.password, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return user

    def add(self, username: str, *, name: str, email: str, role: str, team: str = "",
            password: str) -> User:
        """Add a new user (never overwrites one: use :meth:`set_password` for that)."""
        user = _checked(User(username=username.strip().lower(), name=name.strip(),
                             email=email.strip(), role=role, team=team.strip()))  # type: ignore[arg-type]
        _check_password(password)
        with self._lock:
            users = dict(_parse(self.path)) if self.path.exists() else {}
            if user.username in users:
                raise UserError(f"gebruiker '{user.username}' bestaat al; kies een andere naam "
                                "of gebruik 'rijk users passwd'.")
            if any(u.name == user.name for u in users.values()):
                raise UserError(f"de weergavenaam '{user.name}' is al in gebruik; verhalen worden "
                                "op naam aan hun auteur gekoppeld, dus maak hem uniek.")
            users[user.username] = User(**{**asdict(user), "password": self.hasher.hash(password)})
            self._write(users)
            return users[user.username]

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        with self._lock:
            users = dict(_parse(self.path)) if self.path.exists() else {}
            if username not in users:
                raise UserError(f"gebruiker '{username}' bestaat niet.")
            users[username] = User(**{**asdict(users[username]),
                                      "password": self.hasher.hash(password)})
            self._write(users)

    def remove(self, username: str) -> None:
        with self._lock:
            users = dict(_parse(self.path)) if self.path.exists() else {}
            if users.pop(username, None) is None:
                raise UserError(f"gebruiker '{username}' bestaat niet.")
            self._write(users)

    def _dummy_hash(self) -> str:
        if self._dummy is None:
            self._dummy = self.hasher.hash("geen-echte-gebruiker")
        return self._dummy

    def _write(self, users: dict[str, User]) -> None:
        """Atomic replace with mode 0600: a crash leaves the old file, never half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"users": {u.username: {k: v for k, v in asdict(u).items() if k != "username"}
                          for u in users.values()}}
        text = HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".users-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        self._cache = None


def _parse(path: Path) -> dict[str, User]:
    """Parse the users file; a broken file is an error with the path, not an empty user list."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: gebruikersbestand niet te lezen: {exc}") from exc
    raw = data.get("users") if isinstance(data, dict) else None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise UserError(f"{path}: verwacht 'users:' met per gebruikersnaam de gegevens.")
    users: dict[str, User] = {}
    for username, fields in raw.items():
        if not isinstance(fields, dict):
            raise UserError(f"{path}: gebruiker '{username}' heeft geen gegevens.")
        try:
            user = User(username=str(username), name=str(fields.get("name", "")),
                        email=str(fields.get("email", "")), role=fields.get("role", ""),
                        team=str(fields.get("team") or ""),
                        password=str(fields.get("password", "")))
            users[user.username] = _checked(user)
        except UserError as exc:
            raise UserError(f"{path}: {exc}") from exc
    return users


def _checked(user: User) -> User:
    """Reject what would break a git author line or a login: the messages say how to fix it."""
    if not USERNAME.match(user.username):
        raise UserError(f"gebruikersnaam '{user.username}' is ongeldig: gebruik 2-32 kleine "
                        "letters, cijfers, punt, streepje of liggend streepje.")
    if not user.name or len(user.name) > 100 or re.search(r"[<>\n\r\t]", user.name):
        raise UserError(f"weergavenaam '{user.name}' is ongeldig: 1-100 tekens, zonder < > of "
                        "regeleinden.")
    if not EMAIL.match(user.email):
        raise UserError(f"e-mailadres '{user.email}' is ongeldig.")
    if user.role not in ROLES:
        raise UserError(f"onbekende rol '{user.role}': kies professional of coordinator.")
    if "\n" in user.team or len(user.team) > 100:
        raise UserError("teamnaam is ongeldig: één regel, hoogstens 100 tekens.")
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"het wachtwoord is te kort: gebruik minstens {MIN_PASSWORD} tekens.")
