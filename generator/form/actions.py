"""Every change the form makes, as a plan for :class:`~generator.form.gitstore.GitStore`.

A plan runs in the single git writer thread, after all earlier plans were written, so it sees
the repository as it really is at that moment: the new id is picked there (never twice), and
the rights and the status are checked again there (not only when the page was shown). Every
file passes the rules of ``rijk check`` before it is written: a new story in the request (with
a placeholder id, the only part the plan adds), every other change here, on its final text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.checks import next_id
from generator.form.context import FormContext
from generator.form.gitstore import (
    Change,
    FileChange,
    Identity,
    Plan,
    StoreError,
    StoryConflict,
)
from generator.form.index import StoryEntry
from generator.form.storyform import StoryInput, check_text
from generator.form.users import User
from generator.scaffold import prefix_for_neighbourhood
from generator.story import STORY_ID
from generator.storyfile import content_hash, set_fields

EDITABLE = ("draft", "review")


class NotAllowed(StoreError):
    """The user may not make this change (checked again in the writer thread)."""


class NoSuchStory(StoreError):
    """The story id is unknown, or no longer unique."""


@dataclass
class Outcome:
    """Filled in by the plan in the writer thread: which story it touched."""

    story_id: str = ""
    title: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def identity(user: User) -> Identity:
    return Identity(user.name, user.email)


def new_story(ctx: FormContext, user: User, story: StoryInput, status: str,
              outcome: Outcome) -> Plan:
    """A new file ``stories/<year>/<id>.md`` with a fresh id, as one commit by the author."""

    def plan() -> Change:
        hood = ctx.taxonomy.neighbourhoods[story.neighbourhood]
        prefix = prefix_for_neighbourhood(hood)
        taken = ctx.allocated | ctx.store.retired_ids()
        while True:  # also skip a file name that is taken by a story with another id
            story_id = next_id(ctx.index.ids(), prefix, story.year, taken=taken)
            if not STORY_ID.match(story_id):
                raise ValueError(f"de nieuwe id '{story_id}' is ongeldig.")
            path = ctx.project.stories_dir / str(story.year) / f"{story_id}.md"
            if not path.exists():
                break
            taken.add(story_id)
        ctx.allocated.add(story_id)
        # the request already ran check_input on these fields; only the id is new here
        text = story.file_text(story_id=story_id, author=user.name, status=status)
        outcome.story_id, outcome.title = story_id, story.title
        what = ("ingestuurd ter beoordeling" if status == "review" else "opgeslagen als concept")
        message = (f"Verhaal {story_id} {what}\n\n{story.title}\n\n"
                   f"Via het webformulier, door {user.name} ({story.team}).")
        return Change(files=(FileChange(path, text),), message=message, author=identity(user))

    return plan


def edit_story(ctx: FormContext, user: User, story_id: str, version: str, story: StoryInput,
               status: str, outcome: Outcome) -> Plan:
    """The author's new version of their own draft or story in review (same id and file)."""

    def plan() -> Change:
        entry = _entry(ctx, story_id)
        if entry.author != user.name:
            raise NotAllowed("je kunt alleen je eigen verhalen bewerken.")
        if entry.status not in EDITABLE:
            raise StoryConflict("dit verhaal is al gepubliceerd en kan niet meer via het "
                                "formulier worden bewerkt. Vraag een coördinator.")
        text = story.file_text(story_id=story_id, author=user.name, status=status)
        _must_pass(ctx, text)
        outcome.story_id, outcome.title = story_id, story.title
        what = "ingestuurd ter beoordeling" if status == "review" else "bijgewerkt (concept)"
        message = (f"Verhaal {story_id} {what}\n\n{story.title}\n\n"
                   f"Via het webformulier, door {user.name}.")
        return Change(files=(FileChange(entry.path, text, expect=version),), message=message,
                      author=identity(user))

    return plan


def publish(ctx: FormContext, user: User, story_id: str, version: str,
            outcome: Outcome) -> Plan:
    """``status: published`` for exactly the version the coordinator read."""

    def plan() -> Change:
        entry, text = _in_review(ctx, user, story_id, version)
        new = set_fields(text, {"status": "published", "feedback": None})
        story = _must_pass(ctx, new)
        if not story.consent:
            raise StoryConflict("zonder toestemming (consent) kan het verhaal niet worden "
                                "gepubliceerd; stuur het terug naar de auteur.")
        outcome.story_id, outcome.title = story_id, entry.title
        message = (f"Verhaal {story_id} gepubliceerd\n\n{entry.title}\n\n"
                   f"Beoordeeld en gepubliceerd door {user.name} (coördinator). "
                   f"Auteur: {entry.author}.")
        return Change(files=(FileChange(entry.path, new, expect=version),), message=message,
                      author=identity(user))

    return plan


def send_back(ctx: FormContext, user: User, story_id: str, version: str, comment: str,
              outcome: Outcome) -> Plan:
    """Back to ``draft`` with the coordinator's comment in ``feedback``."""

    def plan() -> Change:
        entry, text = _in_review(ctx, user, story_id, version)
        new = set_fields(text, {"status": "draft", "feedback": comment})
        _must_pass(ctx, new)
        outcome.story_id, outcome.title = story_id, entry.title
        outcome.extra["author"] = entry.author
        message = (f"Verhaal {story_id} teruggestuurd naar {entry.author}\n\n"
                   f"Opmerking van {user.name} (coördinator):\n{comment}")
        return Change(files=(FileChange(entry.path, new, expect=version),), message=message,
                      author=identity(user))

    return plan


def _entry(ctx: FormContext, story_id: str) -> StoryEntry:
    entry = ctx.index.find(story_id)
    if entry is None:
        raise NoSuchStory(f"verhaal '{story_id}' bestaat niet (meer).")
    return entry


def _in_review(ctx: FormContext, user: User, story_id: str, version: str) -> tuple[StoryEntry, str]:
    entry = _entry(ctx, story_id)
    if not user.is_coordinator:
        raise NotAllowed("alleen coördinatoren kunnen verhalen beoordelen.")
    if entry.author == user.name:
        raise NotAllowed("je kunt je eigen verhaal niet zelf beoordelen; vraag een andere "
                              "coördinator.")
    text = entry.path.read_text(encoding="utf-8")
    if content_hash(text) != version:
        raise StoryConflict("het verhaal is gewijzigd sinds je het opende. Lees de nieuwe versie "
                            "en beslis opnieuw.")
    if entry.status != "review":
        raise StoryConflict(f"dit verhaal staat niet (meer) ter beoordeling (status: "
                            f"{entry.status or 'onbekend'}).")
    return entry, text


def _must_pass(ctx: FormContext, text: str):  # -> Story
    """Refuse to write a file that ``rijk check`` would reject."""
    story, problems = check_text(text, ctx.taxonomy)
    if story is None:
        detail = "; ".join(p.message for p in problems[:3])
        raise ValueError(f"het verhaal voldoet niet aan de controles: {detail}")
    return story
