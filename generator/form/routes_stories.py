"""The professional's pages: own stories, write a new one, edit a draft, live preview.

Whatever goes wrong after the user pressed a button — a validation error, a conflict, a git
problem — the form comes back with everything they typed and the reason beside the field or
at the top. Text is never lost by the server.
"""

from __future__ import annotations

import asyncio
import subprocess
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from generator.form import actions
from generator.form.context import (
    FormContext,
    NotLoggedIn,
    check_csrf,
    csrf_ok,
    ctx_of,
    current,
    may_read,
    render,
)
from generator.form.gitstore import RepositoryBusy, StoreError, StoryConflict
from generator.form.index import StoryEntry
from generator.form.sessions import Session
from generator.form.storyform import BODY_MAX, SIGNAL_ROWS, StoryInput, check_input
from generator.form.users import User
from generator.loader import read_source
from generator.story import STATUS_LABELS as STORY_STATUS_LABELS
from generator.story import STORY_ID
from generator.storybody import render_body
from generator.storyfile import content_hash

router = APIRouter()
ACTIONS = {"insturen": "review", "concept": "draft"}
CSRF_AGAIN = ("Dit formulier was verlopen of kwam niet van deze site (CSRF-controle), bijvoorbeeld "
              "omdat je intussen opnieuw hebt ingelogd. Er is niets opgeslagen. Je tekst staat "
              "hieronder: controleer hem en druk nog een keer op de knop.")
STATUS_LABELS = dict(STORY_STATUS_LABELS)  # draft, review, published, withdrawn ("ingetrokken")


class StoryFields(BaseModel):
    """The story form as posted (all optional: the server explains what is missing)."""

    title: str = ""
    date: str = ""
    neighbourhood: str = ""
    team: str = ""
    themes: list[str] = []
    values: list[str] = []
    domains: list[str] = []
    consent: str = ""
    summary: str = ""
    body: str = ""
    signal_kind: list[str] = []
    signal_domain: list[str] = []
    signal_text: list[str] = []
    actie: str = "insturen"
    versie: str = ""
    csrf: str = ""


@router.get("/", summary="Mijn verhalen")
async def home(request: Request) -> Response:
    session, user = current(request)
    ctx = ctx_of(request)
    mine = [e for e in ctx.index.refresh() if e.author == user.name]
    mine.sort(key=lambda e: (e.date, e.id), reverse=True)
    groups = {status: [e for e in mine if e.status == status] for status in STATUS_LABELS}
    from generator.form.routes_panel import chosen_for_author

    return render(request, "home.html", session=session, user=user, groups=groups,
                  labels=STATUS_LABELS, chosen=chosen_for_author(ctx, user.name))


@router.get("/verhalen/nieuw", summary="Nieuw verhaal")
async def new_form(request: Request) -> Response:
    session, user = current(request)
    story = StoryInput(team=user.team, date=date.today().isoformat())
    return form_page(request, session, user, story)


@router.post("/verhalen/nieuw", summary="Nieuw verhaal opslaan of insturen")
async def new_submit(request: Request, data: Annotated[StoryFields, Form()]) -> Response:
    story = StoryInput.from_form(data.model_dump())
    session, user = _poster(request, story)
    if not csrf_ok(request, session, data.csrf):
        return form_page(request, session, user, story, errors={"general": CSRF_AGAIN},
                         status_code=403)
    return await _save(request, session, user, story, data.actie)


@router.get("/verhalen/{story_id}", summary="Een verhaal bekijken")
async def view(request: Request, story_id: str) -> Response:
    session, user = current(request)
    ctx = ctx_of(request)
    entry = _readable(ctx, user, story_id)
    source = read_source(entry.path)
    history = await run_in_threadpool(_history, ctx, entry)
    return render(request, "story_view.html", session=session, user=user, entry=entry,
                  body_html=render_body(source.body), labels=STATUS_LABELS, history=history,
                  editable=entry.author == user.name and entry.status in actions.EDITABLE,
                  hood=ctx.taxonomy.neighbourhoods.get(entry.meta.get("neighbourhood", "")))


@router.get("/verhalen/{story_id}/bewerken", summary="Een eigen verhaal bewerken")
async def edit_form(request: Request, story_id: str) -> Response:
    session, user = current(request)
    ctx = ctx_of(request)
    entry = _own_editable(ctx, user, story_id)
    data = entry.path.read_bytes()
    source = read_source(entry.path)
    story = StoryInput.from_story(source.meta, source.body)
    return form_page(request, session, user, story, story_id=story_id,
                     version=content_hash(data), feedback=entry.feedback)


@router.post("/verhalen/{story_id}/bewerken", summary="Een eigen verhaal bijwerken")
async def edit_submit(request: Request, story_id: str,
                      data: Annotated[StoryFields, Form()]) -> Response:
    story = StoryInput.from_form(data.model_dump())
    session, user = _poster(request, story)
    ctx = ctx_of(request)
    if not csrf_ok(request, session, data.csrf):
        entry = _own_editable(ctx, user, story_id)
        return form_page(request, session, user, story, errors={"general": CSRF_AGAIN},
                         story_id=story_id, version=data.versie or "?",
                         feedback=entry.feedback, status_code=403)
    entry = _own_editable(ctx, user, story_id)
    return await _save(request, session, user, story, data.actie, story_id=story_id,
                       version=data.versie or "?", feedback=entry.feedback)


@router.post("/voorbeeld", summary="Voorbeeld en privacybevindingen (JSON)")
async def preview(request: Request, data: Annotated[StoryFields, Form()]) -> JSONResponse:
    try:
        session, _user = current(request)
    except NotLoggedIn as exc:
        raise HTTPException(401, "Je bent niet meer ingelogd. Log opnieuw in in een ander "
                                 "tabblad; je tekst blijft hier staan.") from exc
    check_csrf(request, session, data.csrf)
    story = StoryInput.from_form(data.model_dump())
    ctx = ctx_of(request)
    findings = await run_in_threadpool(ctx.privacy.findings, _privacy_fields(story))
    return JSONResponse({
        "html": render_body(story.body[:BODY_MAX]),
        "privacy": ctx.privacy.state,
        "privacy_message": ctx.privacy.message(),
        "findings": None if findings is None else [f.as_dict() for f in findings],
        "suggestions": await run_in_threadpool(_suggestions, ctx, story),
    })


def _suggestions(ctx: Any, story: StoryInput) -> dict[str, Any] | None:
    """What the analysis reads in the draft that the author has not chosen (or None)."""
    text = "\n\n".join(p for p in (story.title, story.summary, story.body[:BODY_MAX]) if p)
    return ctx.suggestions.suggest(text, story.themes, story.values)


def form_page(request: Request, session: Session, user: User, story: StoryInput, *,
              errors: dict[str, str] | None = None, story_id: str | None = None,
              version: str | None = None, feedback: str = "", preview_html: str | None = None,
              findings: list[Any] | None = None, suggestions: dict[str, Any] | None = None,
              status_code: int = 200) -> Response:
    """The story form, new or edit, with the user's values and any errors beside the fields."""
    ctx = ctx_of(request)
    return render(request, "story_form.html", status_code, session=session, user=user,
                  story=story, errors=errors or {}, story_id=story_id, version=version,
                  feedback=feedback, preview_html=preview_html, findings=findings,
                  suggestions=suggestions,
                  taxonomy=ctx.taxonomy, stadsdelen=ctx.taxonomy.by_stadsdeel(),
                  teams=ctx.taxonomy.teams, today=date.today().isoformat(), body_max=BODY_MAX,
                  signal_rows=max(SIGNAL_ROWS, len(story.signals)))


async def _save(request: Request, session: Session, user: User, story: StoryInput, action: str,
                *, story_id: str | None = None, version: str | None = None,
                feedback: str = "") -> Response:
    """Preview, or validate and commit; on any problem the form comes back filled in."""
    ctx = ctx_of(request)

    def again(status: int, errors: dict[str, str], **extra: Any) -> Response:
        return form_page(request, session, user, story, errors=errors, story_id=story_id,
                         version=version, feedback=feedback, status_code=status, **extra)

    if action not in ACTIONS:  # "voorbeeld" and anything unknown: show, never save
        findings = await run_in_threadpool(ctx.privacy.findings, _privacy_fields(story))
        return again(200, {}, preview_html=render_body(story.body[:BODY_MAX]), findings=findings,
                     suggestions=await run_in_threadpool(_suggestions, ctx, story))
    status = ACTIONS[action]
    errors = check_input(story, ctx.taxonomy, author=user.name, status=status)
    if errors:
        return again(422, errors)
    outcome = actions.Outcome()
    if story_id is None:
        plan = actions.new_story(ctx, user, story, status, outcome)
    else:
        plan = actions.edit_story(ctx, user, story_id, version or "?", story, status, outcome)
    try:
        await asyncio.wrap_future(ctx.store.submit(plan))
    except (StoreError, ValueError) as exc:
        return again(store_status(exc), {"general": _sentence(str(exc))})
    if status == "review":
        session.flash(f"Ingestuurd: '{story.title}' ({outcome.story_id}) staat nu ter "
                      "beoordeling bij een coördinator.")
    else:
        session.flash(f"Opgeslagen als concept: '{story.title}' ({outcome.story_id}).")
    return RedirectResponse(f"/verhalen/{outcome.story_id}", status_code=303)


def store_status(exc: Exception) -> int:
    """The HTTP status for a refused write: the page text says the rest."""
    if isinstance(exc, actions.NotAllowed):
        return 403
    if isinstance(exc, actions.NoSuchStory):
        return 404
    if isinstance(exc, StoryConflict):
        return 409
    if isinstance(exc, RepositoryBusy | StoreError):
        return 503
    return 422


def _poster(request: Request, story: StoryInput) -> tuple[Session, User]:
    """The logged-in user of a POST; when the session ended, the text goes back to them."""
    try:
        return current(request)
    except NotLoggedIn as exc:
        raise NotLoggedIn(kept={"title": story.title, "summary": story.summary,
                                "body": story.body}) from exc


def _readable(ctx: FormContext, user: User, story_id: str) -> StoryEntry:
    entry = find_entry(ctx, story_id)
    if not may_read(user, entry):
        raise HTTPException(403, "Dit is niet jouw verhaal. Je ziet alleen je eigen verhalen; "
                                 "coördinatoren zien alle verhalen.")
    return entry


def _own_editable(ctx: FormContext, user: User, story_id: str) -> StoryEntry:
    entry = find_entry(ctx, story_id)
    if entry.author != user.name:
        raise HTTPException(403, "Je kunt alleen je eigen verhalen bewerken.")
    if entry.status not in actions.EDITABLE:
        raise HTTPException(409, "Dit verhaal is al gepubliceerd en kan niet meer via het "
                                 "formulier worden bewerkt. Vraag een coördinator.")
    return entry


def find_entry(ctx: FormContext, story_id: str) -> StoryEntry:
    """The story with this id; 404 for anything that is not a well-formed, known id."""
    if not STORY_ID.match(story_id):
        raise HTTPException(404, "Onbekend verhaal: een id ziet eruit als 'zo-2025-007'.")
    entry = ctx.index.find(story_id)
    if entry is None:
        raise HTTPException(404, f"Verhaal '{story_id}' bestaat niet.")
    return entry


def _privacy_fields(story: StoryInput) -> dict[str, str]:
    fields = {"title": story.title, "summary": story.summary, "body": story.body[:BODY_MAX]}
    fields.update({f"signal_{i}": signal["text"] for i, signal in enumerate(story.signals)})
    return fields


def _history(ctx: FormContext, entry: StoryEntry) -> list[dict[str, str]]:
    """The story's commits (newest first): the audit trail, straight from git."""
    result = subprocess.run(
        ["git", "log", "-n", "20", "--format=%h%x1f%an%x1f%ad%x1f%s",
         "--date=format:%d-%m-%Y %H:%M", "--", str(entry.path)],
        cwd=ctx.store.top, capture_output=True, text=True, check=False)
    rows = []
    for line in result.stdout.splitlines():
        parts = line.split("\x1f")
        if len(parts) == 4:
            rows.append(dict(zip(("commit", "author", "date", "subject"), parts, strict=True)))
    return rows


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] if message else message
