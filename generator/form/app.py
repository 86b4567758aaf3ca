"""Assemble the form server: context, middleware, routes and Dutch error pages.

No interactive API docs are served (Swagger UI would load scripts from a CDN) and no OpenAPI
URL is public (every page needs a login); :meth:`FastAPI.openapi` still gives the schema to
tests and tools in-process.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from generator.form import (
    routes_auth,
    routes_panel,
    routes_reactions,
    routes_review,
    routes_site,
    routes_stories,
)
from generator.form.context import STATIC, TEMPLATES, FormContext, NotLoggedIn, error_response
from generator.form.context import render as render_page
from generator.form.gitstore import GitStore
from generator.form.index import StoryIndex
from generator.form.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from generator.form.privacy import PrivacyService
from generator.form.reactions import PostThrottle, ReactionQueue
from generator.form.rebuild import Rebuilder
from generator.form.sessions import SESSION_COOKIE, SessionStore
from generator.form.settings import FormSettings, private_dir
from generator.form.suggestions import SuggestionService
from generator.form.throttle import LoginThrottle
from generator.form.users import UserError, UserStore
from generator.privacy.keep import keep_phrases
from generator.project import Project

log = logging.getLogger("rijk.form")

STATUS_TEXT = {
    400: "Dit verzoek is niet goed opgebouwd.",
    404: "Deze pagina bestaat niet.",
    405: "Dit kan op deze pagina niet (verkeerde methode).",
    413: "Wat je verstuurde is te groot.",
    422: "Er ontbreekt iets of iets is ongeldig.",
}


def create_app(root: Path, settings: FormSettings | None = None) -> FastAPI:
    """The FastAPI app for the project in ``root`` (a git repository with ``stories/``)."""
    settings = settings or FormSettings()
    ctx = build_context(Project(Path(root).resolve()), settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ctx.store.start()
        ctx.privacy.start()
        ctx.suggestions.start()
        ctx.rebuilder.start()
        try:
            yield
        finally:
            ctx.rebuilder.stop()
            ctx.store.stop()

    app = FastAPI(title="Rijke Verantwoording — webformulier", version="1",
                  docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (routes_auth, routes_stories, routes_review, routes_panel, routes_reactions,
                   routes_site):
        app.include_router(module.router)
    _error_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    return app


def build_context(project: Project, settings: FormSettings) -> FormContext:
    """Load taxonomy and users, and prepare (not start) the writer, privacy and rebuild."""
    taxonomy = project.taxonomy()
    users = UserStore(settings.resolved_users_file(project.root))
    index = StoryIndex(project.stories_dir)
    project.stories_dir.mkdir(exist_ok=True)
    try:
        people = list(users.all().values())
    except UserError as exc:
        log.error("%s", exc)
        people = []
    keep = [*keep_phrases(taxonomy, index.refresh()), *(u.name for u in people),
            *(u.team for u in people)]
    site_dir = settings.resolved_site_dir(project.root)
    return FormContext(
        project=project, settings=settings, taxonomy=taxonomy, users=users,
        sessions=SessionStore(settings.resolved_secret(project.root),
                              settings.session_hours * 3600),
        throttle=LoginThrottle(settings.max_failures, settings.lockout_seconds,
                               settings.max_lockout_seconds),
        store=GitStore(project.root, area=_relative(project, project.stories_dir),
                       also=(_relative(project, project.selections_dir),
                             _relative(project, project.reactions_dir))),
        index=index,
        privacy=PrivacyService(keep, cache_dir=project.cache_dir / "privacy",
                               enabled=settings.privacy,
                               taxonomy_dir=project.taxonomy_dir),
        rebuilder=Rebuilder(settings.rebuild_command, project.root, site_dir,
                            enabled=settings.rebuild),
        suggestions=SuggestionService(project, enabled=settings.suggestions),
        templates=Jinja2Templates(directory=TEMPLATES),
        site_dir=site_dir,
        reactions=ReactionQueue(private_dir(project.root) / "reacties"),
        post_throttle=PostThrottle(settings.reactions_per_minute, settings.reactions_per_hour),
    )


def _relative(project: Project, folder: Path) -> str:
    return str(folder.resolve().relative_to(project.root.resolve()))


def _error_handlers(app: FastAPI) -> None:
    """Every error is a Dutch page (or JSON for scripts) with a 4xx/5xx, never a traceback."""

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn) -> Response:
        if request.method == "GET" and not request.url.path.endswith(".json"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response: Response = RedirectResponse(
                f"/inloggen?volgende={_quote(target)}", status_code=303)
        elif exc.kept.get("body") or exc.kept.get("title"):
            response = render_page(request, "expired.html", 401, kept=exc.kept)
        else:
            response = error_response(request, 401, "Je bent niet (meer) ingelogd. Log opnieuw "
                                                    "in; daarna kun je verder.")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail and (
            exc.detail[:1].isupper()) else STATUS_TEXT.get(exc.status_code, "Dat ging mis.")
        return error_response(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        where = ", ".join(sorted({str(e.get("loc", ["?"])[-1]) for e in exc.errors()}))[:200]
        return error_response(request, 422, f"Ongeldige invoer ({where}). Controleer het "
                                            "formulier en probeer het opnieuw.")

    @app.exception_handler(UserError)
    async def users_broken(request: Request, exc: UserError) -> Response:
        log.error("%s", exc)
        return error_response(request, 503, "Het gebruikersbestand is niet te lezen; vraag de "
                                            "beheerder het te herstellen.")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("onverwachte fout bij %s %s", request.method, request.url.path)
        return error_response(request, 500, "Er ging iets onverwachts mis. Er is niets "
                                            "opgeslagen dat niet klopt; probeer het opnieuw.")


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


__all__ = ["HTTPException", "create_app"]
