"""The parts one form server shares between requests, and the helpers every route uses:
who is logged in, the CSRF check, and rendering a Dutch page.

Routes get the context from ``request.app.state.ctx``; nothing here is global, so tests can
run several servers (each on its own repository) in one process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from generator.form.gitstore import GitStore
from generator.form.index import StoryEntry, StoryIndex
from generator.form.privacy import PrivacyService
from generator.form.reactions import PostThrottle, ReactionQueue
from generator.form.rebuild import Rebuilder
from generator.form.sessions import SESSION_COOKIE, Session, SessionStore, tokens_equal
from generator.form.settings import FormSettings
from generator.form.suggestions import SuggestionService
from generator.form.throttle import LoginThrottle
from generator.form.users import User, UserStore
from generator.project import Project
from generator.taxonomy import Taxonomy

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
JSON_PATHS = ("/voorbeeld", "/status.json")


@dataclass
class FormContext:
    """Everything a request may need; created once per server by :func:`.app.create_app`."""

    project: Project
    settings: FormSettings
    taxonomy: Taxonomy
    users: UserStore
    sessions: SessionStore
    throttle: LoginThrottle
    store: GitStore
    index: StoryIndex
    privacy: PrivacyService
    rebuilder: Rebuilder
    suggestions: SuggestionService
    templates: Jinja2Templates
    site_dir: Path
    reactions: ReactionQueue
    """Residents' reactions waiting for a coordinator (private, never in git)."""
    post_throttle: PostThrottle
    allocated: set[str] = field(default_factory=set)
    """Ids handed out by this server (only touched in the git writer thread)."""


class NotLoggedIn(Exception):
    """No valid session. ``kept`` holds text from a POST so the page can give it back."""

    def __init__(self, kept: dict[str, str] | None = None) -> None:
        super().__init__("niet ingelogd")
        self.kept = kept or {}


def ctx_of(request: Request) -> FormContext:
    return request.app.state.ctx


def current(request: Request) -> tuple[Session, User]:
    """The session and user, or :class:`NotLoggedIn` (handled by a redirect to the login)."""
    ctx = ctx_of(request)
    session = ctx.sessions.find(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotLoggedIn()
    user = ctx.users.get(session.username)
    if user is None:  # the account was removed while logged in
        ctx.sessions.end(session)
        raise NotLoggedIn()
    return session, user


def csrf_ok(request: Request, session: Session, submitted: str | None) -> bool:
    """Does the POST carry the session's token (form field ``csrf`` or ``X-CSRF-Token``)?"""
    return tokens_equal(session.csrf, submitted or request.headers.get("x-csrf-token"))


def check_csrf(request: Request, session: Session, submitted: str | None) -> None:
    """Every POST carries the session's token (form field ``csrf`` or header ``X-CSRF-Token``)."""
    if not csrf_ok(request, session, submitted):
        raise HTTPException(403, "Dit formulier is verlopen of komt niet van deze site "
                                 "(CSRF-controle). Laad de pagina opnieuw en probeer het nog eens.")


def require_coordinator(user: User) -> None:
    if not user.is_coordinator:
        raise HTTPException(403, "Alleen coördinatoren kunnen verhalen beoordelen en publiceren.")


def coordinator_post(request: Request, csrf: str | None) -> tuple[Session, User, FormContext]:
    """The start of every coordinator's POST: logged in, a valid CSRF token, the role."""
    session, user = current(request)
    check_csrf(request, session, csrf)
    require_coordinator(user)
    return session, user, ctx_of(request)


def may_read(user: User, entry: StoryEntry) -> bool:
    return user.is_coordinator or entry.author == user.name


def render(request: Request, template: str, status_code: int = 200,
           session: Session | None = None, user: User | None = None,
           **values: Any) -> HTMLResponse:
    """A Dutch page with the layout's shared values (user, CSRF token, one-time messages)."""
    ctx = ctx_of(request)
    values.update(
        user=user, csrf=session.csrf if session else values.get("csrf", ""),
        flashes=session.pop_flashes() if session else [], privacy=ctx.privacy,
        review_count=_review_count(ctx) if user and user.is_coordinator else 0,
    )
    return ctx.templates.TemplateResponse(request, template, values, status_code=status_code)


def wants_json(request: Request) -> bool:
    return (request.url.path in JSON_PATHS
            or "application/json" in request.headers.get("accept", ""))


def error_response(request: Request, status_code: int, message: str) -> HTMLResponse | JSONResponse:
    """A 4xx/5xx with a Dutch message, as JSON for scripts and as a page for people."""
    if wants_json(request):
        return JSONResponse({"fout": message}, status_code=status_code)
    ctx = ctx_of(request)
    session = ctx.sessions.find(request.cookies.get(SESSION_COOKIE))
    user = ctx.users.get(session.username) if session else None
    return render(request, "error.html", status_code, session=session, user=user,
                  status=status_code, message=message)


def _review_count(ctx: FormContext) -> int:
    return sum(1 for e in ctx.index.refresh() if e.status == "review")
