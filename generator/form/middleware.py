"""ASGI middleware: a hard limit on request bodies and safe default response headers.

The body limit sits below FastAPI, so no form parser ever sees more than the limit: a body
announced too large is refused before it is read, and a chunked body is cut off as soon as it
passes the limit. Both end in a 413 with a Dutch explanation.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOO_LARGE = ("Wat je verstuurde is te groot (meer dan {kb} kB) en is niet opgeslagen. Ga terug "
             "met de terugknop van je browser: je tekst staat daar nog. Kort het verhaal in of "
             "splits het in twee.")

TOO_LARGE_RESIDENT = ("Uw reactie is te lang (meer dan {kb} kB) en is niet verstuurd. Ga terug "
                      "met de terugknop van uw browser: uw tekst staat daar nog. Maak de "
                      "reactie korter en verstuur hem opnieuw.")
"""For the public reaction form (``/reacties``): residents are addressed with "u" (B1)."""

RESIDENT_PATHS = ("/reacties",)


def too_large(scope: Scope, max_bytes: int) -> str:
    """The 413 text: for a resident on the reaction form, or for a professional."""
    text = TOO_LARGE_RESIDENT if str(scope.get("path", "")).startswith(RESIDENT_PATHS) \
        else TOO_LARGE
    return text.format(kb=max_bytes // 1024)


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


class BodyLimitMiddleware:
    """Buffer at most ``max_bytes`` of a request body, then hand it on; 413 beyond that."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        announced = headers.get(b"content-length")
        if announced is not None:
            try:
                length = int(announced)
            except ValueError:
                await _plain(send, 400, "Ongeldige Content-Length.", scope)
                return
            if length > self.max_bytes:
                await _plain(send, 413, too_large(scope, self.max_bytes), scope)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _plain(send, 413, too_large(scope, self.max_bytes), scope)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SecurityHeadersMiddleware:
    """No framing, no sniffing, no referrer leaks, no caching of private pages; a strict CSP
    for the form's own pages (the built site under ``/site/`` brings its own scripts)."""

    def __init__(self, app: ASGIApp, site_prefix: str = "/site/") -> None:
        self.app = app
        self.site_prefix = site_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_site = str(scope.get("path", "")).startswith(self.site_prefix)
        is_static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"),
                         (b"x-frame-options", b"DENY")]
                if not is_site:
                    extra.append((b"content-security-policy", CSP.encode()))
                if not is_static:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain(send: Send, status: int, text: str, scope: Scope) -> None:
    """A small response without touching the app: JSON for scripts, HTML for browsers."""
    headers = dict(scope.get("headers") or [])
    wants_json = b"application/json" in headers.get(b"accept", b"")
    if wants_json:
        body = json.dumps({"fout": text}, ensure_ascii=False).encode("utf-8")
        kind = b"application/json"
    else:
        body = ("<!doctype html><html lang=\"nl\"><meta charset=\"utf-8\"><meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\"><title>Niet verstuurd</title>"
                f"<main><h1>Niet verstuurd</h1><p>{text}</p></main></html>").encode()
        kind = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
