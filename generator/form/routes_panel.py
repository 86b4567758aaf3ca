"""Waardenkring and MSC choices in the form: a screen for coordinators to record a panel's
choice (one commit each, by the coordinator), and what a professional sees of their own
stories that were chosen.

The choice goes through :func:`generator.selections.record_choice`, the same code as
``rijk select``, inside the git writer thread (so it sees the file as it is then).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from generator.form.actions import identity
from generator.form.context import (
    FormContext,
    coordinator_post,
    ctx_of,
    current,
    render,
    require_coordinator,
)
from generator.form.gitstore import Change, FileChange, StoreError
from generator.form.routes_stories import store_status
from generator.selections import KIND_LABELS, KINDS, SelectionError, load_selections, record_choice
from generator.storyfile import content_hash

router = APIRouter()


@dataclass(frozen=True)
class IndexedStory:
    """What the selection checks need of a story, from the form's index (no full parse)."""

    id: str
    status: str
    consent: Any
    year: int
    title: str = ""
    author: str = ""

    @property
    def is_public(self) -> bool:
        return self.status == "published" and self.consent is True


def indexed_stories(ctx: FormContext) -> list[IndexedStory]:
    found = []
    for entry in ctx.index.refresh():
        try:
            year = int(entry.date[:4])
        except ValueError:
            year = 0
        found.append(IndexedStory(entry.id, entry.status, entry.meta.get("consent"), year,
                                  entry.title, entry.author))
    return found


def current_choices(ctx: FormContext) -> tuple[list[Any], dict[str, IndexedStory]]:
    stories = indexed_stories(ctx)
    result = load_selections(ctx.project.selections_dir, ctx.taxonomy, stories)
    return result.choices, {s.id: s for s in stories}


@router.get("/keuzes", summary="Keuzes van waardenkringen en panels")
async def choices_page(request: Request) -> Response:
    session, user = current(request)
    require_coordinator(user)
    return _page(request, session, user)


def _page(request: Request, session, user, status_code: int = 200, error: str = "",
          form: dict[str, str] | None = None) -> Response:
    ctx = ctx_of(request)
    choices, stories = current_choices(ctx)
    public = sorted((s for s in stories.values() if s.is_public), key=lambda s: s.id)
    return render(request, "choices.html", status_code=status_code, session=session, user=user,
                  choices=sorted(choices, key=lambda c: (-c.year, c.panel.name, c.kind, c.key)),
                  stories=stories, public=public, tax=ctx.taxonomy, error=error,
                  form=form or {"jaar": str(date.today().year)}, kind_labels=KIND_LABELS,
                  label_of=lambda c: getattr(ctx.taxonomy, c.kind)[c.key].label)


@router.post("/keuzes", summary="Een keuze vastleggen")
async def record(request: Request, jaar: Annotated[str, Form()] = "",
                 panel: Annotated[str, Form()] = "", rollen: Annotated[str, Form()] = "",
                 soort: Annotated[str, Form()] = "value", sleutel: Annotated[str, Form()] = "",
                 verhaal: Annotated[str, Form()] = "", reden: Annotated[str, Form()] = "",
                 besproken: Annotated[str, Form()] = "", datum: Annotated[str, Form()] = "",
                 vervang: Annotated[str, Form()] = "",
                 csrf: Annotated[str, Form()] = "") -> Response:
    session, user, ctx = coordinator_post(request, csrf)
    form = {"jaar": jaar, "panel": panel, "rollen": rollen, "soort": soort, "sleutel": sleutel,
            "verhaal": verhaal, "reden": reden, "besproken": besproken, "datum": datum}
    try:
        year = int(jaar)
        day = date.fromisoformat(datum) if datum.strip() else date.today()
    except ValueError:
        return _page(request, session, user, 422, "Vul het jaar in als getal (2019) en de "
                     "datum als JJJJ-MM-DD.", form)
    if ":" in sleutel:  # the select sends "value:solidariteit"
        soort, sleutel = sleutel.split(":", 1)
    if soort not in KINDS:
        return _page(request, session, user, 422, "Kies waarde, thema of domein.", form)
    kind = KINDS[soort]
    key = sleutel.strip()
    roles = [r.strip() for r in rollen.split(",") if r.strip()]
    considered = [c.strip() for c in besproken.replace(";", ",").split(",") if c.strip()]

    def plan() -> Change:
        path, text, _warnings = record_choice(ctx.project.selections_dir, ctx.taxonomy,
                                   indexed_stories(ctx), year=year, panel=panel, roles=roles,
                                   kind=kind, key=key, story=verhaal.strip(), reason=reden,
                                   considered=considered, day=day, replace=bool(vervang))
        expect = content_hash(path.read_bytes()) if path.exists() else None
        label = getattr(ctx.taxonomy, kind)[key].label.lower()
        message = (f"Keuze {panel}: {verhaal.strip()} voor {KIND_LABELS[kind]} {label} ({year})"
                   f"\n\n{' '.join(reden.split())}\n\nVastgelegd via het webformulier door "
                   f"{user.name} (coördinator).")
        return Change(files=(FileChange(path, text, expect=expect),), message=message,
                      author=identity(user))

    try:
        await asyncio.wrap_future(ctx.store.submit(plan))
    except SelectionError as exc:
        message = _without_paths(str(exc)).replace(
            "Gebruik --replace om die keuze te vervangen.",
            "Vink 'Vervang een eerdere keuze' aan om die keuze te vervangen.")
        return _page(request, session, user, 422, message, form)
    except (StoreError, ValueError, KeyError) as exc:
        return _page(request, session, user, store_status(exc) if isinstance(exc, StoreError)
                     else 422, str(exc), form)
    generation = ctx.rebuilder.request() if ctx.rebuilder.enabled else 0
    session.flash(f"Vastgelegd: {panel} koos {verhaal.strip()}."
                  + (" De site wordt nu opnieuw gebouwd." if generation else ""))
    return RedirectResponse("/keuzes", status_code=303)


def _without_paths(message: str) -> str:
    """``selections/2019.yml:14: melding`` → ``melding`` (regel 14) for a form page."""
    lines = []
    for line in message.splitlines():
        parts = line.split(": ", 1)
        lines.append(parts[1] if len(parts) == 2 and ".yml:" in parts[0] else line)
    return " ".join(lines)


def chosen_for_author(ctx: FormContext, author: str) -> list[dict[str, Any]]:
    """The choices of this author's stories, newest year first, for their home page."""
    choices, stories = current_choices(ctx)
    mine = []
    for choice in choices:
        story = stories.get(choice.story)
        if story is None or story.author != author:
            continue
        term = getattr(ctx.taxonomy, choice.kind)[choice.key]
        mine.append({"choice": choice, "story": story, "term": term,
                     "what": KIND_LABELS[choice.kind]})
    return sorted(mine, key=lambda m: (-m["choice"].year, m["story"].id))
