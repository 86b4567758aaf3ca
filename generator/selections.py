"""Waardenkring and Most Significant Change choices: which story a panel chose, and why.

A panel (a waardenkring, an MSC panel) meets once a period and chooses, per value, theme or
domain of change, the story that matters most, and writes down why in full sentences (Davies &
Dart, *The 'Most Significant Change' Technique*, 2005, ch. 2: "document the reasons for the
choice"). The choices live in git, one YAML file per year, so every decision is a reviewed
commit and the history shows who changed what::

    # selections/2019.yml
    panels:
      waardenkring-gaasperdam-2019:
        name: Waardenkring Gaasperdam 2019
        roles: [bewoner, bewoner, jongerenwerker, wijkverpleegkundige, beleidsmedewerker]
    choices:
      - panel: waardenkring-gaasperdam-2019
        value: solidariteit          # or theme: … or domain: … (exactly one)
        story: zo-2019-003
        reason: >-
          Full sentences: why this story, and what the panel wants to see more of.
        considered: [zo-2019-001, zo-2019-007]
        date: 2019-11-14

Roles, never names: a panel of residents is published as "bewoner", not as a person. The panel
name, roles and reason are de-identified in the build like story text.

Reading is ruamel.yaml's round-trip loader (YAML 1.2: ``no`` stays text, a key written twice
is an error), so every problem names the file and the line; :func:`add_choice` writes a new
choice into the same text and keeps the file's comments.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.problems import Problem
from generator.story import Story
from generator.taxonomy import Taxonomy, slug, suggest

KINDS: dict[str, str] = {"value": "values", "theme": "themes", "domain": "domains"}
"""The key a choice is made for (``value: solidariteit``) → the taxonomy part it names."""
KIND_LABELS: dict[str, str] = {"values": "waarde", "themes": "thema", "domains": "domein"}
CHOICE_FIELDS = ("panel", *KINDS, "story", "reason", "considered", "date")
PANEL_FIELDS = ("name", "roles")
MIN_REASON_WORDS = 12
MAX_REASON = 2000
"""Characters in a reason (an error beyond: it is printed on every page that shows it)."""
"""Shorter than this, a reason is not yet "in full sentences" (a warning, never an error)."""
EARLIEST_YEAR = 1990
FILE_NAME = re.compile(r"^(\d{4})\.ya?ml$")


@dataclass(frozen=True)
class Panel:
    """A group that chooses: its name as published and its members' roles (never names)."""

    key: str
    name: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """One decision: for ``year``, panel ``panel`` chose ``story`` for the ``kind``/``key``
    (e.g. ``values``/``solidariteit``) because of ``reason``; ``considered`` are the other
    stories on the table. ``path``/``line`` point at the choice in its file."""

    year: int
    panel: Panel
    kind: str
    key: str
    story: str
    reason: str
    considered: tuple[str, ...] = ()
    day: date | None = None
    path: str = ""
    line: int = 1

    @property
    def target(self) -> tuple[str, str, str]:
        """What was chosen for: one panel chooses one story per value, theme or domain."""
        return (self.panel.key, self.kind, self.key)


@dataclass
class Selections:
    """Every valid choice of a project, with every problem found (file:line)."""

    choices: list[Choice] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def selection_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.y*ml") if p.is_file()) \
        if Path(folder).is_dir() else []


def load_selections(folder: Path, taxonomy: Taxonomy, stories: Iterable[Story]) -> Selections:
    """Read and validate every ``<year>.yml`` in ``folder`` against the taxonomy and the
    stories (all of them, public or not, so a choice of a draft gets a clear error instead of
    "unknown"). Invalid choices are left out with an error; the rest stand."""
    known = {s.id: s for s in stories}
    result = Selections()
    for path in selection_files(folder):
        result.files += 1
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.problems.append(Problem(str(path), 1, f"kan het bestand niet lezen ({exc}); "
                                           "sla het op als UTF-8-tekst."))
            continue
        choices, problems = parse_selections(text, path, taxonomy, known)
        result.choices += choices
        result.problems += problems
    seen: dict[tuple[int, str, str, str], Choice] = {}
    for choice in result.choices:
        first = seen.setdefault((choice.year, *choice.target), choice)
        if first is not choice:
            result.problems.append(Problem(choice.path, choice.line, (
                f"{choice.panel.name} koos in {choice.year} al een verhaal voor "
                f"{KIND_LABELS[choice.kind]} '{choice.key}' (regel {first.line}). Eén keuze "
                "per panel, jaar en waarde/thema/domein: haal er één weg."), field="story"))
    bad = {(p.path, p.line) for p in result.errors}
    result.choices = [c for c in result.choices if (c.path, c.line) not in bad
                      and seen.get((c.year, *c.target)) is c]
    return result


def parse_selections(text: str, path: Path, taxonomy: Taxonomy,
                     stories: dict[str, Story]) -> tuple[list[Choice], list[Problem]]:
    """The choices of one file's text, and its problems; ``path`` names the file (its name
    gives the year: ``2019.yml``)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    where = str(path)
    problems: list[Problem] = []

    def problem(line: int, message: str, level: str = "error", fld: str | None = None) -> None:
        problems.append(Problem(where, line, message, level, fld))  # type: ignore[arg-type]

    named = FILE_NAME.match(Path(path).name)
    if not named:
        problem(1, f"de bestandsnaam '{Path(path).name}' moet het jaar zijn, zoals 2019.yml.")
        return [], problems
    year = int(named.group(1))
    if not EARLIEST_YEAR <= year <= date.today().year + 1:
        problem(1, f"het jaar {year} in de bestandsnaam kan niet kloppen; gebruik het jaar "
                f"waarover het panel koos (tussen {EARLIEST_YEAR} en {date.today().year + 1}).")
        return [], problems
    try:
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(exc.problem or exc).split())
        if "duplicate key" in detail:
            detail = "een sleutel staat twee keer in dezelfde lijst of tabel; haal er één weg"
        problem((mark.line + 1) if mark else 1, f"geen geldige YAML: {detail}.")
        return [], problems
    except YAMLError as exc:
        problem(1, f"geen geldige YAML: {' '.join(str(exc).split())}.")
        return [], problems
    except ValueError as exc:  # ruamel builds dates while loading: 2019-13-45 raises here
        line, typed = impossible_date(text)
        problem(line, f"'{typed}' is geen bestaande datum; schrijf JJJJ-MM-DD, zoals "
                "2019-11-14." if typed else f"geen geldige YAML: {exc}.")
        return [], problems
    if data is None:
        return [], problems
    if not isinstance(data, dict):
        problem(1, "verwacht 'panels:' en 'choices:' (zie 'Waardenkring en Most Significant "
                "Change' in de README).")
        return [], problems
    for key in data:
        if key not in ("panels", "choices"):
            problem(_line(data, key), f"onbekende sleutel '{key}'; toegestaan: panels, choices.")
    panels = _panels(data.get("panels") or {}, _line(data, "panels"), problem)
    raw_choices = data.get("choices") or []
    if not isinstance(raw_choices, list):
        problem(_line(data, "choices"), "'choices:' moet een lijst zijn: elke keuze begint met "
                "'- panel: …'.")
        return [], problems
    choices: list[Choice] = []
    for index, raw in enumerate(raw_choices):
        line = _item_line(raw_choices, index)
        before = len([p for p in problems if p.is_error])
        choice = _choice(raw, line, year, where, panels, taxonomy, stories, problem)
        if choice is not None and len([p for p in problems if p.is_error]) == before:
            choices.append(choice)
    return choices, problems


def impossible_date(text: str) -> tuple[int, str]:
    """The line and text of the first date-like value that is no real date (``2019-13-45``)."""
    for number, line in enumerate(text.splitlines(), start=1):
        for found in re.findall(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", line):
            try:
                date(*(int(part) for part in found))
            except ValueError:
                return number, "-".join(found)
    return 1, ""


def _panels(raw: Any, line: int, problem) -> dict[str, Panel]:
    if not isinstance(raw, dict):
        problem(line, "'panels:' moet per panel een sleutel hebben met 'name:' en 'roles:'.")
        return {}
    panels: dict[str, Panel] = {}
    for key, entry in raw.items():
        at = _line(raw, key)
        if not isinstance(entry, dict):
            problem(at, f"panel '{key}' heeft geen gegevens; geef 'name:' en 'roles:'.")
            continue
        for unknown in (k for k in entry if k not in PANEL_FIELDS):
            problem(_line(entry, unknown), f"onbekende sleutel '{unknown}' bij panel '{key}'; "
                    "toegestaan: name, roles.")
        name = _text(entry.get("name"))
        if not name:
            problem(at, f"panel '{key}' heeft geen naam: 'name: Waardenkring Gaasperdam 2019'.")
            continue
        roles = entry.get("roles") or []
        if not isinstance(roles, list) or not all(_text(r) for r in roles):
            problem(_line(entry, "roles"), f"'roles' van panel '{key}' moet een lijst van rollen "
                    "zijn, zoals [bewoner, jongerenwerker]: rollen, geen namen.")
            roles = []
        panels[str(key)] = Panel(str(key), name, tuple(_text(r) for r in roles))
    return panels


def _choice(raw: Any, line: int, year: int, where: str, panels: dict[str, Panel],
            taxonomy: Taxonomy, stories: dict[str, Story], problem) -> Choice | None:
    if not isinstance(raw, dict):
        problem(line, "een keuze is een tabel: '- panel: …', 'value: …', 'story: …', "
                "'reason: …'.")
        return None
    for unknown in (k for k in raw if k not in CHOICE_FIELDS):
        problem(_line(raw, unknown), f"onbekende sleutel '{unknown}'; toegestaan: "
                f"{', '.join(CHOICE_FIELDS)}.")
    panel_key = _text(raw.get("panel"))
    panel = panels.get(panel_key)
    if panel is None:
        hint = suggest(panel_key, list(panels)) if panel_key else ""
        problem(_line(raw, "panel", line), (f"onbekend panel '{panel_key}'.{hint} Zet het onder "
                "'panels:' met 'name:' en 'roles:'." if panel_key else
                "de keuze noemt geen panel: 'panel: <sleutel uit panels>'."), fld="panel")
    given = [k for k in KINDS if k in raw]
    kind = key = ""
    if len(given) != 1:
        problem(line, "geef precies één van value, theme of domain: waarvoor koos het panel dit "
                f"verhaal?{' Nu: ' + ', '.join(given) + '.' if given else ''}")
    else:
        kind, key = KINDS[given[0]], _text(raw.get(given[0]))
        terms = getattr(taxonomy, kind)
        if key not in terms:
            problem(_line(raw, given[0], line), f"onbekende {KIND_LABELS[kind]} '{key}'."
                    f"{suggest(key, list(terms))} Kies uit: {', '.join(terms)}.", fld=given[0])
    story_id = _text(raw.get("story"))
    story_line = _line(raw, "story", line)
    if not story_id:
        problem(line, "de keuze noemt geen verhaal: 'story: <id>', zoals zo-2019-003.",
                fld="story")
    else:
        _check_story(story_id, stories, story_line, year, problem, "story")
    raw_reason = raw.get("reason")
    reason_line = _line(raw, "reason", line)
    wrong_type = raw_reason is not None and not isinstance(raw_reason, str)
    reason = "" if wrong_type else _text(raw_reason)
    if wrong_type:
        problem(reason_line, "de reden moet gewone tekst zijn, geen lijst of tabel. Schrijf haar "
                "na 'reason: >-' op de volgende regels, ingesprongen.", fld="reason")
    elif not reason:
        problem(reason_line, "de reden is leeg. Schrijf in hele zinnen waarom het panel dit "
                "verhaal koos: dat is wat de wijk terugleest.", fld="reason")
    elif len(reason) > MAX_REASON:
        problem(reason_line, f"de reden heeft {len(reason)} tekens; hooguit {MAX_REASON}. Kort "
                "haar in: de wijk leest haar op een prikbord en een telefoon.", fld="reason")
    elif len(reason.split()) < MIN_REASON_WORDS or not re.search(r"[.!?]", reason):
        problem(reason_line, f"de reden is kort ({len(reason.split())} woorden). Schrijf in hele "
                "zinnen waarom juist dit verhaal: wat veranderde er, en waarom vindt het panel "
                "dat belangrijk?", "warning", "reason")
    considered_raw = raw.get("considered") or []
    if not isinstance(considered_raw, list):
        problem(_line(raw, "considered", line), "'considered' moet een lijst van ids zijn, zoals "
                "[zo-2019-001, zo-2019-004].", fld="considered")
        considered_raw = []
    considered = tuple(dict.fromkeys(_text(c) for c in considered_raw if _text(c)))
    for other in considered:
        _check_story(other, stories, _line(raw, "considered", line), year, problem,
                     "considered")
    day = raw.get("date")
    if day is not None and not isinstance(day, date):
        problem(_line(raw, "date", line), f"'{day}' is geen datum; schrijf JJJJ-MM-DD.",
                fld="date")
        day = None
    elif day is not None and day > date.today():
        problem(_line(raw, "date", line), f"de datum {day.isoformat()} ligt in de toekomst; "
                "geef de dag van het gesprek.", fld="date")
    if panel is None or not kind or not story_id or not reason:
        return None
    if story_id not in considered:
        considered = (story_id, *considered)
    return Choice(year=year, panel=panel, kind=kind, key=key, story=story_id, reason=reason,
                  considered=considered, day=day, path=where, line=line)


def _check_story(story_id: str, stories: dict[str, Story], line: int, year: int, problem,
                 fld: str) -> None:
    story = stories.get(story_id)
    if story is None:
        problem(line, f"onbekend verhaal '{story_id}'.{suggest(story_id, list(stories))} "
                "Gebruik de id uit de front-matter van het verhaal.", fld=fld)
    elif story.status == "withdrawn":
        problem(line, f"verhaal '{story_id}' is ingetrokken (status: withdrawn): de keuze staat "
                "niet meer op de site. Laat haar staan als geschiedenis, of haal haar weg.",
                "warning", fld)
    elif not story.is_public:
        why = ("consent: false" if story.status == "published"
               else f"status: {story.status}")
        problem(line, f"verhaal '{story_id}' is niet gepubliceerd ({why}). Een panel kiest "
                "alleen uit gepubliceerde verhalen met toestemming: wat niet op de site staat, "
                "kan de wijk niet teruglezen.", fld=fld)
    elif story.year != year and fld == "story":
        problem(line, f"verhaal '{story_id}' is uit {story.year}; dit bestand gaat over {year}. "
                "Klopt dat, of hoort de keuze in een ander jaar?", "warning", fld)


_INVISIBLE = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200b-\u200f"
                        "\u202a-\u202e\u2066-\u2069\ufeff]")


def _text(value: Any) -> str:
    """One line of text, without control and direction characters (U+202E turns text around
    on the screen: what a reader sees would not be what the file says)."""
    return " ".join(_INVISIBLE.sub("", str(value)).split()) if value is not None else ""


def _line(mapping: Any, key: str, default: int = 1) -> int:
    """The 1-based line of ``key`` in a ruamel mapping (``default`` when unknown)."""
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return default


def _item_line(sequence: Any, index: int) -> int:
    try:
        return int(sequence.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return 1


class SelectionError(ValueError):
    """The choice cannot be recorded; the message says why in Dutch."""


def add_choice(text: str, *, panel: str, roles: Iterable[str] = (), kind: str, key: str,
               story: str, reason: str, considered: Iterable[str] = (),
               day: date | None = None, replace: bool = False) -> str:
    """``text`` (a ``<year>.yml``, or "") with one more choice, comments kept.

    ``panel`` is a panel key or name; an unknown one is added with ``roles``. ``kind`` is
    ``values``, ``themes`` or ``domains``. A choice by the same panel for the same key is an
    error unless ``replace``. The caller validates the result with :func:`parse_selections`
    before writing it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import FoldedScalarString

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 96
    data = yaml.load(text) if text.strip() else None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise SelectionError("het bestand heeft niet de vorm 'panels:' en 'choices:'.")
    panels = data.setdefault("panels", CommentedMap())
    choices = data.setdefault("choices", CommentedSeq())
    panel_key = _panel_key(panels, panel)
    if panel_key is None:
        panel_key = slug(panel)
        if not panel_key:
            raise SelectionError("de naam van het panel is leeg.")
        entry = CommentedMap()
        entry["name"] = " ".join(panel.split())
        entry["roles"] = CommentedSeq([" ".join(r.split()) for r in roles if r.strip()])
        entry["roles"].fa.set_flow_style()
        panels[panel_key] = entry
    singular = {v: k for k, v in KINDS.items()}[kind]
    for index, old in enumerate(list(choices)):
        if isinstance(old, dict) and old.get("panel") == panel_key and old.get(singular) == key:
            if not replace:
                raise SelectionError(f"{panels[panel_key].get('name', panel_key)} koos al "
                                     f"verhaal {old.get('story')} voor {KIND_LABELS[kind]} "
                                     f"'{key}'. Gebruik --replace om die keuze te vervangen.")
            del choices[index]
    choice = CommentedMap()
    choice["panel"] = panel_key
    choice[singular] = key
    choice["story"] = story
    choice["reason"] = FoldedScalarString(" ".join(reason.split()))
    others = [c for c in dict.fromkeys(considered) if c and c != story]
    if others:
        choice["considered"] = CommentedSeq(others)
        choice["considered"].fa.set_flow_style()
    choice["date"] = day or date.today()
    choices.append(choice)
    out = io.StringIO()
    if not text.strip():
        out.write("# Keuzes van waardenkringen en MSC-panels (rijk select, of het webformulier).\n"
                  "# Rollen, geen namen: een bewoner in het panel heet hier 'bewoner'.\n")
    yaml.dump(data, out)
    return out.getvalue()


def _panel_key(panels: Any, wanted: str) -> str | None:
    wanted_text = " ".join(wanted.split())
    for key, entry in panels.items():
        name = entry.get("name") if isinstance(entry, dict) else None
        if wanted_text in (str(key), str(name or "")) or slug(wanted_text) == str(key):
            return str(key)
    return None


def selection_path(folder: Path, year: int) -> Path:
    """``folder/<year>.yml`` (an existing ``.yaml`` of that year is used instead)."""
    for suffix in (".yml", ".yaml"):
        if (Path(folder) / f"{year}{suffix}").exists():
            return Path(folder) / f"{year}{suffix}"
    return Path(folder) / f"{year}.yml"


def record_choice(folder: Path, taxonomy: Taxonomy, stories: Iterable[Story], *, year: int,
                  panel: str, roles: Iterable[str] = (), kind: str, key: str, story: str,
                  reason: str, considered: Iterable[str] = (), day: date | None = None,
                  replace: bool = False) -> tuple[Path, str, list[Problem]]:
    """The file, its new text with this choice added, and the warnings the new choice brings
    (a short reason, a story of another year), validated like ``rijk check`` does (the caller
    writes and commits it: ``rijk select``, the web form). Raises :class:`SelectionError` with
    every error of the new choice (file:line: message)."""
    path = selection_path(folder, year)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    known = {s.id: s for s in stories}
    _before, old_problems = parse_selections(text, path, taxonomy, known) if text else ([], [])
    old_errors = {(p.line, p.message) for p in old_problems if p.is_error}
    unreadable = [p for p in old_problems if p.is_error and p.field is None
                  and ("YAML" in p.message or "datum" in p.message or "bestandsnaam" in p.message)]
    if unreadable:
        raise SelectionError(f"{path} is niet te lezen; herstel het eerst:\n"
                             + "\n".join(p.format() for p in unreadable))
    new = add_choice(text, panel=panel, roles=roles, kind=kind, key=key, story=story,
                     reason=reason, considered=considered, day=day, replace=replace)
    _choices, problems = parse_selections(new, path, taxonomy, known)
    # only what this choice brings counts: an older choice that broke later (its story was
    # withdrawn) must not block the next decision; `rijk check` reports it on its own
    old_all = {(p.line, p.message) for p in old_problems}
    fresh = [p for p in problems if (p.line, p.message) not in old_all]
    errors = [p for p in fresh if p.is_error and (p.line, p.message) not in old_errors]
    if errors:
        raise SelectionError("\n".join(p.format() for p in errors))
    return path, new, [p for p in fresh if not p.is_error]
