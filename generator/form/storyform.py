"""What a professional typed in the story form, cleaned and checked like ``rijk check`` does.

The form has its own, friendlier messages for the obvious cases (empty title, no consent), but
the final word is :func:`generator.checks.validate` on the exact file text that would be
written: what the form accepts, ``rijk check`` accepts, and the other way round. Every message
is tied to the form field it belongs to, so the page can show it beside that field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.checks import validate
from generator.loader import parse_source
from generator.story import Story
from generator.storyfile import compose
from generator.taxonomy import Taxonomy

TITLE_MAX = 160
TEAM_MAX = 100
SUMMARY_MAX = 300
BODY_MAX = 50_000
FEEDBACK_MAX = 2_000
SIGNAL_MAX = 300
SIGNAL_ROWS = 3
"""Signal rows the form offers (a story with more is written in git by hand)."""
EARLIEST_YEAR = 1990
FIELDS: tuple[str, ...] = (
    "title", "date", "neighbourhood", "team", "themes", "values", "domains", "consent",
    "summary", "body", "signals",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")


@dataclass
class StoryInput:
    """The form fields as text and lists, exactly what is re-shown after an error."""

    title: str = ""
    date: str = ""
    neighbourhood: str = ""
    team: str = ""
    themes: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    consent: bool = False
    summary: str = ""
    body: str = ""
    signals: list[dict[str, str]] = field(default_factory=list)
    """Signals for policy: ``{"kind", "domain", "text"}`` (rows left empty are dropped)."""

    @classmethod
    def from_form(cls, data: Mapping[str, Any]) -> StoryInput:
        """Normalise raw form values: one-line fields lose line breaks, control characters go,
        list fields keep each key once. Nothing the user wrote is dropped otherwise."""
        return cls(
            title=one_line(data.get("title")),
            date=one_line(data.get("date")),
            neighbourhood=one_line(data.get("neighbourhood")),
            team=one_line(data.get("team")),
            themes=_keys(data.get("themes")),
            values=_keys(data.get("values")),
            domains=_keys(data.get("domains")),
            consent=str(data.get("consent") or "").lower() in ("on", "true", "1", "ja"),
            summary=one_line(data.get("summary")),
            body=multi_line(data.get("body")),
            signals=_signal_rows(data),
        )

    @classmethod
    def from_story(cls, meta: Mapping[str, Any], body: str) -> StoryInput:
        """Pre-fill the edit form from a story file's front-matter."""
        return cls.from_form({
            **{k: meta.get(k) for k in ("title", "date", "neighbourhood", "team", "summary")},
            **{k: meta.get(k) or [] for k in ("themes", "values", "domains")},
            "consent": "on" if meta.get("consent") is True else "",
            "body": body,
            **_signal_fields(meta.get("signals")),
        })

    def fields(self, *, story_id: str, author: str, status: str) -> dict[str, Any]:
        """Front-matter for :func:`generator.storyfile.compose`."""
        return {
            "id": story_id, "title": self.title, "date": date.fromisoformat(self.date),
            "author": author, "team": self.team, "neighbourhood": self.neighbourhood,
            "themes": self.themes, "values": self.values, "domains": self.domains,
            "consent": self.consent, "status": status, "summary": self.summary or None,
            "signals": [{k: v for k, v in signal.items() if v} for signal in self.signals]
            or None,
        }

    def file_text(self, *, story_id: str, author: str, status: str) -> str:
        return compose(self.fields(story_id=story_id, author=author, status=status), self.body)

    @property
    def year(self) -> int:
        return date.fromisoformat(self.date).year


def check_input(story: StoryInput, taxonomy: Taxonomy, *, author: str, status: str,
                story_id: str = "xx-2000-001") -> dict[str, str]:
    """Dutch messages per field (``general`` for the rest); empty when the story can be saved.

    ``status`` is the status it will get: sending for review needs the residents' consent, a
    draft does not yet.
    """
    errors: dict[str, str] = {}
    if not story.title:
        errors["title"] = "Geef het verhaal een titel."
    elif len(story.title) > TITLE_MAX:
        errors["title"] = f"De titel is te lang ({len(story.title)} tekens); hoogstens {TITLE_MAX}."
    _check_date(story.date, errors)
    if not story.neighbourhood:
        errors["neighbourhood"] = "Kies de wijk waar het verhaal speelt."
    elif story.neighbourhood not in taxonomy.neighbourhoods:
        errors["neighbourhood"] = "Kies een wijk uit de lijst."
    if not story.team:
        errors["team"] = "Vul de naam van je team in, bijvoorbeeld 'Buurtteam Gaasperdam'."
    elif len(story.team) > TEAM_MAX:
        errors["team"] = f"De teamnaam is te lang; hoogstens {TEAM_MAX} tekens."
    for kind, what in (("themes", "thema"), ("values", "waarde"), ("domains", "domein")):
        unknown = [k for k in getattr(story, kind) if k not in getattr(taxonomy, kind)]
        if unknown:
            errors[kind] = f"Onbekend {what}: {', '.join(unknown)}. Kies uit de lijst."
    for number, signal in enumerate(story.signals, start=1):
        if not signal["kind"] or not signal["text"]:
            errors["signals"] = (f"Signaal {number}: kies de soort én beschrijf in één zin wat "
                                 "er in de weg zat (of maak de hele rij leeg).")
        elif signal["kind"] not in taxonomy.signal_kinds:
            errors["signals"] = f"Signaal {number}: kies een soort uit de lijst."
        elif signal["domain"] and signal["domain"] not in taxonomy.domains:
            errors["signals"] = f"Signaal {number}: kies een domein uit de lijst of laat het leeg."
        elif len(signal["text"]) > SIGNAL_MAX:
            errors["signals"] = (f"Signaal {number} is te lang ({len(signal['text'])} tekens); "
                                 f"hoogstens {SIGNAL_MAX}: één zin is genoeg.")
    if len(story.summary) > SUMMARY_MAX:
        errors["summary"] = (f"De samenvatting is te lang ({len(story.summary)} tekens); "
                             f"hoogstens {SUMMARY_MAX}: één zin is genoeg.")
    if not story.body.strip():
        errors["body"] = ("Schrijf het verhaal zelf: wat gebeurde er, wat deden jullie, wat "
                          "leverde het op?")
    elif len(story.body) > BODY_MAX:
        errors["body"] = (f"Het verhaal is te lang ({len(story.body)} tekens); hoogstens "
                          f"{BODY_MAX}. Kort het in of splits het in twee verhalen.")
    if status != "draft" and not story.consent:
        errors["consent"] = ("Zonder toestemming van de betrokken bewoners kan het verhaal niet "
                             "worden gepubliceerd. Vraag die eerst, of bewaar het als concept.")
    if errors:
        return errors
    _, problems = check_text(story.file_text(story_id=story_id, author=author, status=status),
                             taxonomy)
    for problem in problems:
        key = problem.field if problem.field in FIELDS else "general"
        errors.setdefault(key, _sentence(problem.message))
    return errors


def check_text(text: str, taxonomy: Taxonomy,
               path: str = "stories/nieuw.md") -> tuple[Story | None, list[Any]]:
    """Validate a complete file text exactly as ``rijk check`` would (errors only)."""
    story, problems = validate(parse_source(Path(path), text.encode("utf-8")), taxonomy)
    return story, [p for p in problems if p.is_error]


def one_line(value: Any) -> str:
    """A single-line field: whitespace runs (also line breaks) become one space."""
    return " ".join(multi_line(value).split())


def multi_line(value: Any) -> str:
    """Text with Unix line ends, NFC-normalised, without control characters; never None."""
    if value is None or isinstance(value, list | tuple | dict):
        return ""
    text = unicodedata.normalize("NFC", str(value).replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text.replace("\t", "    "))


def _keys(value: Any) -> list[str]:
    items: Iterable[Any] = value if isinstance(value, list | tuple) else (
        [] if value in (None, "") else [value])
    keys: list[str] = []
    for item in items:
        key = one_line(item)[:60]
        if key and key not in keys:
            keys.append(key)
    return keys[:30]


def _signal_rows(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """The signal rows of a posted form (``signal_kind``/``signal_domain``/``signal_text``,
    one value per row); a row with nothing in it is no signal."""
    def column(name: str) -> list[Any]:
        value = data.get(name)
        return list(value) if isinstance(value, list | tuple) else ([value] if value else [])

    kinds, domains, texts = (column(f"signal_{n}") for n in ("kind", "domain", "text"))
    rows = []
    for i in range(max(len(kinds), len(domains), len(texts), 0)):
        row = {"kind": one_line(kinds[i] if i < len(kinds) else "")[:60],
               "domain": one_line(domains[i] if i < len(domains) else "")[:60],
               "text": one_line(texts[i] if i < len(texts) else "")}
        if row["kind"] or row["text"]:
            rows.append(row)
    return rows[:10]


def _signal_fields(signals: Any) -> dict[str, list[str]]:
    """A story's ``signals:`` as the form's columns (for the edit form)."""
    rows = [s for s in signals if isinstance(s, dict)] if isinstance(signals, list) else []
    return {f"signal_{name}": [str(s.get(name) or "") for s in rows]
            for name in ("kind", "domain", "text")}


def _check_date(text: str, errors: dict[str, str]) -> None:
    if not text:
        errors["date"] = "Vul de datum in (JJJJ-MM-DD)."
        return
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        errors["date"] = "Schrijf de datum als JJJJ-MM-DD, bijvoorbeeld 2025-03-14."
        return
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["date"] = "Deze datum bestaat niet; controleer dag en maand."
        return
    if day > date.today():
        errors["date"] = "De datum ligt in de toekomst; kies de dag waarop het gebeurde."
    elif day.year < EARLIEST_YEAR:
        errors["date"] = f"De datum ligt vóór {EARLIEST_YEAR}; controleer het jaartal."


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] if message else message
