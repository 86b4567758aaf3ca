"""The coordinator's pages: the review queue, the de-identified preview, publish or send back.

The preview shows what the public site will show: de-identified by the same package the
build uses. When de-identification is not available the page says so and offers no publish
button, and the publish action refuses too (fail closed): a coordinator never approves raw
text believing it was de-identified.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from generator.form import actions
from generator.form.context import (
    check_csrf,
    csrf_ok,
    ctx_of,
    current,
    render,
    require_coordinator,
)
from generator.form.gitstore import StoreError
from generator.form.privacy import PrivacyUnavailable
from generator.form.routes_stories import CSRF_AGAIN, STATUS_LABELS, find_entry, store_status
from generator.form.sessions import Session
from generator.form.storyform import FEEDBACK_MAX, multi_line
from generator.form.users import User
from generator.loader import read_source
from generator.storybody import render_body
from generator.storyfile import content_hash

router = APIRouter()


@router.get("/beoordelen", summary="Verhalen ter beoordeling")
async def queue(request: Request) -> Response:
    session, user = current(request)
    require_coordinator(user)
    ctx = ctx_of(request)
    waiting = sorted((e for e in ctx.index.refresh() if e.status == "review"),
                     key=lambda e: (e.date, e.id))
    return render(request, "review_list.html", session=session, user=user, entries=waiting,
                  hoods=ctx.taxonomy.neighbourhoods)


@router.get("/beoordelen/{story_id}", summary="Een verhaal beoordelen")
async def review(request: Request, story_id: str) -> Response:
    session, user = current(request)
    require_coordinator(user)
    return await review_page(request, session, user, story_id)


@router.post("/beoordelen/{story_id}/publiceren", summary="Publiceren")
async def publish(request: Request, story_id: str, csrf: Annotated[str, Form()] = "",
                  versie: Annotated[str, Form()] = "") -> Response:
    session, user = current(request)
    check_csrf(request, session, csrf)
    require_coordinator(user)
    ctx = ctx_of(request)
    find_entry(ctx, story_id)
    if not ctx.privacy.ready:
        return await review_page(request, session, user, story_id, status_code=503, error=(
            "Publiceren kan pas als de privacycheck beschikbaar is en je de geanonimiseerde "
            f"versie hebt gelezen. {ctx.privacy.message()}"))
    outcome = actions.Outcome()
    try:
        await asyncio.wrap_future(ctx.store.submit(
            actions.publish(ctx, user, story_id, versie or "?", outcome)))
    except (StoreError, ValueError) as exc:
        return await review_page(request, session, user, story_id,
                                 status_code=store_status(exc), error=_sentence(str(exc)))
    generation = ctx.rebuilder.request() if ctx.rebuilder.enabled else 0
    session.flash(f"Gepubliceerd: '{outcome.title}' ({story_id})."
                  + (" De site wordt nu opnieuw gebouwd." if generation else ""))
    target = f"/site-status?bouw={generation}" if generation else f"/verhalen/{story_id}"
    return RedirectResponse(target, status_code=303)


@router.post("/beoordelen/{story_id}/terugsturen", summary="Terugsturen met een opmerking")
async def send_back(request: Request, story_id: str, csrf: Annotated[str, Form()] = "",
                    versie: Annotated[str, Form()] = "",
                    opmerking: Annotated[str, Form()] = "") -> Response:
    session, user = current(request)
    comment = multi_line(opmerking).strip()
    if not csrf_ok(request, session, csrf):
        require_coordinator(user)
        return await review_page(request, session, user, story_id, status_code=403,
                                 comment=comment, error=CSRF_AGAIN)
    require_coordinator(user)
    ctx = ctx_of(request)
    find_entry(ctx, story_id)
    error = ""
    if not comment:
        error = "Schrijf kort op wat de auteur moet aanpassen."
    elif len(comment) > FEEDBACK_MAX:
        error = f"De opmerking is te lang ({len(comment)} tekens); hoogstens {FEEDBACK_MAX}."
    if error:
        return await review_page(request, session, user, story_id, status_code=422,
                                 comment=comment, comment_error=error)
    outcome = actions.Outcome()
    try:
        await asyncio.wrap_future(ctx.store.submit(
            actions.send_back(ctx, user, story_id, versie or "?", comment, outcome)))
    except (StoreError, ValueError) as exc:
        return await review_page(request, session, user, story_id, comment=comment,
                                 status_code=store_status(exc), error=_sentence(str(exc)))
    session.flash(f"Teruggestuurd naar {outcome.extra.get('author') or 'de auteur'}: "
                  f"'{outcome.title}' ({story_id}).")
    return RedirectResponse("/beoordelen", status_code=303)


async def review_page(request: Request, session: Session, user: User, story_id: str, *,
                      status_code: int = 200, error: str = "", comment: str = "",
                      comment_error: str = "") -> Response:
    """The story as the public will read it (de-identified), with the two decisions."""
    ctx = ctx_of(request)
    entry = find_entry(ctx, story_id)
    data = entry.path.read_bytes()
    source = read_source(entry.path)
    raw = {"title": str(source.meta.get("title") or ""),
           "summary": str(source.meta.get("summary") or ""), "body": source.body}
    public: dict[str, str] | None = None
    privacy_error = ""
    try:
        public = await run_in_threadpool(ctx.privacy.deidentify_fields, raw)
    except PrivacyUnavailable as exc:
        privacy_error = str(exc)
    return render(request, "review_detail.html", status_code, session=session, user=user,
                  entry=entry, version=content_hash(data), raw=raw,
                  raw_html=render_body(raw["body"]),
                  public=public, public_html=render_body(public["body"]) if public else "",
                  privacy_error=privacy_error, error=error, comment=comment,
                  comment_error=comment_error, labels=STATUS_LABELS,
                  own=entry.author == user.name, hood=ctx.taxonomy.neighbourhoods.get(
                      str(entry.meta.get("neighbourhood", ""))), taxonomy=ctx.taxonomy)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] if message else message
