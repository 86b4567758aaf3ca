"""Login sessions and CSRF tokens.

The cookie holds only a random session id, signed with itsdangerous so a forged or altered
cookie is rejected before any lookup. The session itself lives in server memory: logout really
ends it, and a restart logs everybody out (acceptable for a small internal tool, and safer than
sessions that cannot be revoked). Every session has its own CSRF token; the login form, used
before a session exists, gets one from a separate signed "pre-session" cookie.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "rijk_sessie"
LOGIN_COOKIE = "rijk_login"


@dataclass
class Session:
    """One logged-in browser."""

    sid: str
    username: str
    csrf: str
    expires: float
    flashes: list[str] = field(default_factory=list)

    def flash(self, message: str) -> None:
        """A one-time message for the next page (after a redirect)."""
        self.flashes.append(message)

    def pop_flashes(self) -> list[str]:
        messages, self.flashes = self.flashes, []
        return messages


class SessionStore:
    """Create, find and end sessions; thread-safe."""

    def __init__(self, secret: str, lifetime_seconds: float) -> None:
        self.lifetime = lifetime_seconds
        self._signer = URLSafeTimedSerializer(secret, salt="rijk-form-session")
        self._login_signer = URLSafeTimedSerializer(secret, salt="rijk-form-login")
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def create(self, username: str) -> tuple[Session, str]:
        """A fresh session (never reuse an id from before the login) and its cookie value."""
        session = Session(sid=secrets.token_urlsafe(32), username=username,
                          csrf=secrets.token_urlsafe(32), expires=time.time() + self.lifetime)
        with self._lock:
            self._expire()
            self._sessions[session.sid] = session
        return session, self._signer.dumps(session.sid)

    def find(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            sid = self._signer.loads(cookie, max_age=int(self.lifetime))
        except (BadSignature, ValueError, TypeError):
            return None
        with self._lock:
            session = self._sessions.get(str(sid))
            if session is None or session.expires < time.time():
                self._sessions.pop(str(sid), None)
                return None
            return session

    def end(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.sid, None)

    def end_user(self, username: str) -> None:
        """End every session of a user (e.g. after the account was removed)."""
        with self._lock:
            for sid in [s.sid for s in self._sessions.values() if s.username == username]:
                del self._sessions[sid]

    def login_token(self, cookie: str | None) -> tuple[str, str]:
        """The CSRF token for the login form and the cookie value that carries it."""
        if cookie:
            try:
                token = self._login_signer.loads(cookie, max_age=int(self.lifetime))
                return str(token), cookie
            except (BadSignature, ValueError, TypeError):
                pass
        token = secrets.token_urlsafe(32)
        return token, self._login_signer.dumps(token)

    def check_login_token(self, cookie: str | None, submitted: str | None) -> bool:
        if not cookie or not submitted:
            return False
        try:
            token = self._login_signer.loads(cookie, max_age=int(self.lifetime))
        except (BadSignature, ValueError, TypeError):
            return False
        return tokens_equal(str(token), submitted)

    def _expire(self) -> None:
        now = time.time()
        for sid in [s.sid for s in self._sessions.values() if s.expires < now]:
            del self._sessions[sid]


def tokens_equal(expected: str, submitted: str | None) -> bool:
    """Constant-time comparison, so the token cannot be guessed byte by byte from timings."""
    if not submitted:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), submitted.encode("utf-8", "replace"))
