"""Logging in and out.

The login form is the only page without a session. It still has a CSRF token (from a signed
pre-session cookie), so another site cannot log a browser in under someone else's account.
Failed attempts go through :class:`~generator.form.throttle.LoginThrottle`; argon2 runs in a
worker thread so a slow hash never blocks other requests.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from generator.form.context import check_csrf, ctx_of, current, render
from generator.form.sessions import LOGIN_COOKIE, SESSION_COOKIE
from generator.form.storyform import one_line

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only a path on this server: never ``//evil.example`` or ``https://…`` (open redirect)."""
    target = one_line(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:500]


@router.get("/inloggen", summary="Inlogpagina")
async def login_page(request: Request, volgende: str = "/") -> Response:
    ctx = ctx_of(request)
    token, cookie = ctx.sessions.login_token(request.cookies.get(LOGIN_COOKIE))
    response = render(request, "login.html", csrf=token, volgende=safe_next(volgende),
                      username="", error="")
    _set_cookie(request, response, LOGIN_COOKIE, cookie)
    return response


@router.post("/inloggen", summary="Inloggen")
async def login(request: Request, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "",
                volgende: Annotated[str, Form()] = "/") -> Response:
    ctx = ctx_of(request)
    username = one_line(username)[:64].lower()
    address = request.client.host if request.client else "?"
    token, cookie = ctx.sessions.login_token(request.cookies.get(LOGIN_COOKIE))

    def again(status: int, error: str) -> Response:
        response = render(request, "login.html", status, csrf=token, volgende=safe_next(volgende),
                          username=username, error=error)
        _set_cookie(request, response, LOGIN_COOKIE, cookie)
        return response

    if not ctx.sessions.check_login_token(request.cookies.get(LOGIN_COOKIE), csrf):
        return again(403, "Het inlogformulier was verlopen. Probeer het nog een keer.")
    wait = ctx.throttle.wait_seconds(username, address)
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        when = "1 minuut" if minutes == 1 else f"{minutes} minuten"
        return again(429, f"Te veel mislukte pogingen. Probeer het over {when} opnieuw, of "
                          "vraag de beheerder je wachtwoord opnieuw in te stellen.")
    user = await run_in_threadpool(ctx.users.verify, username, password[:1024])
    if user is None:
        ctx.throttle.failed(username, address)
        return again(401, "Gebruikersnaam of wachtwoord klopt niet.")
    ctx.throttle.succeeded(username)
    _session, value = ctx.sessions.create(user.username)
    response = RedirectResponse(safe_next(volgende), status_code=303)
    _set_cookie(request, response, SESSION_COOKIE, value)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/uitloggen", summary="Uitloggen")
async def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    session, _user = current(request)
    check_csrf(request, session, csrf)
    ctx_of(request).sessions.end(session)
    response = RedirectResponse("/inloggen", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    settings = ctx_of(request).settings
    response.set_cookie(name, value, max_age=int(settings.session_hours * 3600), path="/",
                        httponly=True, samesite="lax", secure=settings.secure_cookies)
