"""Residents respond: the public reaction endpoint and the coordinator's moderation queue.

``POST /reacties`` is the one page of the form server without a login: the reaction form
under every story and wijk page of the static site posts here (``reactions.url`` in
``rijk.yml``). It refuses with a 4xx, and stores nothing, when the honeypot field is filled,
one address posts too often (:class:`~generator.form.reactions.PostThrottle`), a field is too
long, consent is not given, or the story is not published. What passes waits in the private
queue; only a coordinator's approval writes it (de-identified) to ``reactions/`` as a commit.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from generator.form.actions import identity
from generator.form.context import (
    coordinator_post,
    ctx_of,
    current,
    render,
    require_coordinator,
)
from generator.form.gitstore import Change, FileChange, StoreError
from generator.form.privacy import PrivacyUnavailable
from generator.form.reactions import MAX_NAME
from generator.reactions import MAX_TEXT, reaction_file

router = APIRouter()


def _public_page(request: Request, status_code: int, title: str, message: str,
                 back: str = "", text: str = "") -> Response:
    return render(request, "reaction_result.html", status_code=status_code, title=title,
                  message=message, back=_safe_back(request, back), text=text, public=True)


def _safe_back(request: Request, back: str) -> str:
    """The page the resident came from, offered as a link back only when it is on the
    project's own site (``site_url`` of ``mkdocs.yml``, or the form server itself): the
    form never links to an address a stranger put in the post."""
    from generator.build.config import ConfigError, read_mkdocs_yml

    back = back.strip()
    parts = urlsplit(back)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    allowed = {request.url.netloc}
    try:
        site_url = str(read_mkdocs_yml(ctx_of(request).project.mkdocs_yml).get("site_url") or "")
    except ConfigError:
        site_url = ""
    if site_url:
        allowed.add(urlsplit(site_url).netloc)
    return back if parts.netloc in allowed else ""


def client_address(request: Request, behind_proxy: bool) -> str:
    """Who posts, for the rate limit: the connecting address, or behind a proxy the address
    the proxy saw (the last entry of ``X-Forwarded-For``: entries before it are whatever the
    client sent and cannot be trusted)."""
    if behind_proxy:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")
                     if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.client.host if request.client else "?"


@router.post("/reacties", summary="Een reactie van een bewoner (openbaar)")
async def post_reaction(request: Request, about_kind: Annotated[str, Form()] = "",
                        about: Annotated[str, Form()] = "", text: Annotated[str, Form()] = "",
                        name: Annotated[str, Form()] = "", website: Annotated[str, Form()] = "",
                        consent: Annotated[str, Form()] = "",
                        back: Annotated[str, Form()] = "") -> Response:
    ctx = ctx_of(request)
    if not ctx.post_throttle.allow(client_address(request, ctx.settings.behind_proxy)):
        return _public_page(request, 429, "Even wachten", "Er kwamen heel veel reacties "
                            "tegelijk van dit adres. Probeer het over een paar minuten opnieuw.",
                            back, text)
    if website.strip():
        return _public_page(request, 400, "Niet verstuurd", "Deze reactie is niet verstuurd.",
                            back)
    text = " ".join(text.split())
    name = " ".join(name.split())
    problem = ""
    if about_kind == "story":
        if not _published(ctx, about):
            problem = "Dit verhaal staat niet (meer) op de site; reageren kan daarom niet."
    elif about_kind == "wijk":
        if about not in ctx.taxonomy.neighbourhoods:
            problem = "Deze wijk kennen we niet."
    else:
        problem = "Het is niet duidelijk waarop u reageert."
    if not problem and not text:
        problem = "Uw reactie is leeg. Schrijf een paar woorden."
    if not problem and len(text) > MAX_TEXT:
        problem = f"Uw reactie is te lang ({len(text)} tekens). Het mogen er {MAX_TEXT} zijn."
    if not problem and len(name) > MAX_NAME:
        problem = f"Uw naam is te lang; hooguit {MAX_NAME} tekens (of laat hem leeg)."
    if not problem and consent != "ja":
        problem = ("Zet een vinkje bij 'Ik vind het goed dat mijn reactie op deze site komt'. "
                   "Zonder dat vinkje kunnen we uw reactie niet plaatsen.")
    if problem:
        return _public_page(request, 422, "Niet verstuurd", problem, back, text)
    ctx.reactions.add(kind=about_kind, about=about, text=text, name=name)
    return _public_page(request, 202, "Dank u wel", "Uw reactie is binnen. Een coördinator "
                        "leest hem eerst. Namen en adressen halen we eruit. Daarna komt hij op "
                        "de site, zonder uw naam.", back)


def _published(ctx, story_id: str) -> bool:
    entry = next((e for e in ctx.index.refresh() if e.id == story_id), None)
    return entry is not None and entry.status == "published" and \
        entry.meta.get("consent") is True


@router.get("/moderatie", summary="Reacties van bewoners beoordelen")
async def moderation(request: Request) -> Response:
    session, user = current(request)
    require_coordinator(user)
    ctx = ctx_of(request)
    waiting = ctx.reactions.all()
    previews: dict[str, str] = {}
    error = ""
    try:
        for entry in waiting:
            fields = await run_in_threadpool(ctx.privacy.deidentify_fields, {"text": entry.text})
            previews[entry.id] = fields["text"]
    except PrivacyUnavailable as exc:
        error = f"De privacycheck is nu niet beschikbaar: {exc}. Goedkeuren kan pas daarna."
    titles = {e.id: e.title for e in ctx.index.refresh()}
    return render(request, "moderation.html", session=session, user=user, waiting=waiting,
                  previews=previews, error=error, titles=titles, tax=ctx.taxonomy)


@router.post("/moderatie/{queue_id}/goedkeuren", summary="Een reactie goedkeuren")
async def approve(request: Request, queue_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    session, user, ctx = coordinator_post(request, csrf)
    entry = ctx.reactions.get(queue_id)
    if entry is None:
        session.flash("Deze reactie is er niet meer (al goedgekeurd of afgewezen).")
        return RedirectResponse("/moderatie", status_code=303)
    if entry.kind == "story" and not _published(ctx, entry.about):
        ctx.reactions.delete(queue_id)
        session.flash(f"Niet goedgekeurd: verhaal {entry.about} staat niet meer op de site "
                      "(ingetrokken of teruggezet). De reactie is verwijderd.")
        return RedirectResponse("/moderatie", status_code=303)
    try:
        public = (await run_in_threadpool(ctx.privacy.deidentify_fields,
                                          {"text": entry.text}))["text"]
    except PrivacyUnavailable as exc:
        session.flash(f"Niet goedgekeurd: de privacycheck is niet beschikbaar ({exc}).")
        return RedirectResponse("/moderatie", status_code=303)
    rel, content = reaction_file(kind=entry.kind, about=entry.about,
                                 day=date.fromtimestamp(entry.received), text=public)
    path = ctx.project.reactions_dir / rel

    def plan() -> Change:
        what = "verhaal" if entry.kind == "story" else "wijk"
        message = (f"Reactie op {what} {entry.about} goedgekeurd\n\n"
                   f"Gede-identificeerd en goedgekeurd door {user.name} (coördinator).")
        return Change(files=(FileChange(path, content),), message=message,
                      author=identity(user))

    try:
        await asyncio.wrap_future(ctx.store.submit(plan))
    except StoreError as exc:
        session.flash(f"Niet goedgekeurd: {exc}")
        return RedirectResponse("/moderatie", status_code=303)
    ctx.reactions.delete(queue_id)
    generation = ctx.rebuilder.request() if ctx.rebuilder.enabled else 0
    session.flash("Goedgekeurd: de reactie staat na de volgende bouw onder "
                  f"{'het verhaal' if entry.kind == 'story' else 'de wijkpagina'}."
                  + (" De site wordt nu opnieuw gebouwd." if generation else ""))
    return RedirectResponse("/moderatie", status_code=303)


@router.post("/moderatie/{queue_id}/afwijzen", summary="Een reactie afwijzen (verwijderen)")
async def reject(request: Request, queue_id: str, csrf: Annotated[str, Form()] = "") -> Response:
    session, _user, ctx = coordinator_post(request, csrf)
    gone = ctx.reactions.delete(queue_id)
    session.flash("Afgewezen: de reactie is verwijderd." if gone else
                  "Deze reactie is er niet meer.")
    return RedirectResponse("/moderatie", status_code=303)

