"""Validate stories against the taxonomy.

Each check is a small function that appends :class:`Problem` objects; :func:`validate`
runs them all on one file so the author sees every mistake at once, and :func:`check_corpus`
adds the checks that need all files (duplicate ids). A file with errors yields no
:class:`Story`; the others are unaffected.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.loader import SourceFile, read_source
from generator.problems import Level, Problem
from generator.story import (
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    STATUSES,
    STORY_ID,
    Story,
)
from generator.taxonomy import Taxonomy, suggest

FIELD_HINTS = {
    "id": "een vaste citeer-id zoals 'zo-2025-007' (`rijk new` kiest een vrije)",
    "title": "een korte titel",
    "date": "de datum als JJJJ-MM-DD, bijvoorbeeld 2025-03-14",
    "author": "je eigen naam (de professional)",
    "team": "de naam van je team, bijvoorbeeld 'Buurtteam Gaasperdam'",
    "neighbourhood": "de wijk: een sleutel uit taxonomy/neighbourhoods.yml of een CBS-code",
    "consent": "true als de betrokken bewoners toestemming gaven voor publicatie, anders false",
    "status": "draft, review, published of withdrawn",
}


@dataclass
class CheckResult:
    """Valid stories and every problem found, in file order."""

    stories: list[Story] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]

    @property
    def suggestions(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "suggestion"]

    def summary(self) -> str:
        """One Dutch line: how many files, stories, errors and warnings."""
        bad = len({p.path for p in self.errors})
        return (
            f"{self.files} bestand(en) gecontroleerd: {len(self.stories)} in orde, "
            f"{bad} met fouten; {len(self.errors)} fout(en), "
            f"{len(self.warnings)} waarschuwing(en)"
            + (f", {len(self.suggestions)} suggestie(s)." if self.suggestions else ".")
        )


def story_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their ``*.md`` files, sorted for a stable order."""
    files: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.update(p for p in path.rglob("*.md") if p.is_file())
        else:
            files.add(path)
    return sorted(files)


def check_corpus(paths: Iterable[Path], taxonomy: Taxonomy) -> CheckResult:
    """Check every story file under ``paths``; one bad file never stops the others."""
    result = CheckResult()
    for path in story_files(paths):
        result.files += 1
        story, problems = validate(read_source(path), taxonomy)
        result.problems.extend(problems)
        if story is not None:
            result.stories.append(story)
    _check_duplicate_ids(result)
    return result


def validate(source: SourceFile, taxonomy: Taxonomy) -> tuple[Story | None, list[Problem]]:
    """Validate one read file; returns the story (or None if it has errors) and problems."""
    problems = list(source.problems)
    if not source.readable:
        return None, problems
    checker = _StoryChecker(source, taxonomy)
    story = checker.run()
    problems.extend(checker.problems)
    problems.sort(key=lambda p: p.line)
    return story, problems


class _StoryChecker:
    """Collects every problem of one story; keeps each check a small method."""

    def __init__(self, source: SourceFile, taxonomy: Taxonomy) -> None:
        self.source = source
        self.taxonomy = taxonomy
        self.meta: dict[str, Any] = dict(source.meta)
        self.problems: list[Problem] = []
        self.clean: dict[str, Any] = {}

    def error(
        self, fld: str | None, message: str, level: Level = "error", line: int | None = None
    ) -> None:
        if line is None:
            line = self.source.lines.get(fld, 1) if fld else 1
        self.problems.append(Problem(str(self.source.path), line, message, level, fld))

    def run(self) -> Story | None:
        self.check_unknown_fields()
        self.check_required()
        self.check_id()
        self.check_date()
        self.check_neighbourhood()
        self.check_consent()
        self.check_status()
        self.check_withdrawn()
        self.check_example()
        for kind in ("themes", "values", "domains", "effects"):
            self.check_keys(kind)
        self.check_signals()
        self.check_text_fields()
        self.check_body()
        if any(p.is_error for p in self.problems):
            return None
        return Story(
            **self.clean,
            body=self.source.body,
            path=str(self.source.path),
            lines=dict(self.source.lines),
            body_line=self.source.body_line,
        )

    def check_unknown_fields(self) -> None:
        known = list(REQUIRED_FIELDS + OPTIONAL_FIELDS)
        for key in self.meta:
            if key not in known:
                self.error(key, f"onbekend veld '{key}' wordt genegeerd.{suggest(key, known)}",
                           "warning")

    def check_required(self) -> None:
        for key in REQUIRED_FIELDS:
            value = self.meta.get(key)
            if key not in self.meta:
                self.error(None, f"verplicht veld '{key}' ontbreekt. Vul in: {FIELD_HINTS[key]}.")
            elif value is None or (isinstance(value, str) and not value.strip()):
                self.error(key, f"veld '{key}' is leeg. Vul in: {FIELD_HINTS[key]}.")

    def _present(self, key: str) -> Any:
        value = self.meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return value

    def check_id(self) -> None:
        value = self._present("id")
        if value is None:
            return
        text = str(value).strip()
        if not STORY_ID.match(text):
            self.error("id", f"id '{text}' heeft niet de vorm 'voorvoegsel-jaar-volgnummer' in "
                       "kleine letters, bijvoorbeeld 'zo-2025-007'.")
            return
        self.clean["id"] = text

    def check_date(self) -> None:
        value = self._present("date")
        if value is None:
            return
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.error("date", f"datum '{text}' is niet in de vorm JJJJ-MM-DD, bijvoorbeeld "
                       "2025-03-14.")
            return
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            self.error("date", f"datum '{text}' bestaat niet. Controleer dag en maand "
                       "(JJJJ-MM-DD).")
            return
        if parsed > date.today():
            self.error("date", f"datum '{text}' ligt in de toekomst. Gebruik de datum waarop "
                       "het gebeurde of is opgeschreven.")
            return
        self.clean["date"] = parsed

    def check_neighbourhood(self) -> None:
        value = self._present("neighbourhood")
        if value is None:
            return
        key = self.taxonomy.resolve_neighbourhood(str(value))
        if key is None:
            hint = suggest(str(value), list(self.taxonomy.neighbourhoods))
            example = next(iter(self.taxonomy.neighbourhoods.values()), None)
            code = example.code if example else "WK036396"
            self.error("neighbourhood", f"onbekende wijk '{value}'.{hint} Gebruik een sleutel "
                       f"uit taxonomy/neighbourhoods.yml of een CBS-code zoals {code}.")
            return
        self.clean["neighbourhood"] = key

    def check_consent(self) -> None:
        """Only the plain, lower-case ``true``/``false`` count (the loader makes those a bool):
        ``yes``, ``on``, ``1``, ``"true"`` and also ``True`` are refused, never guessed."""
        if "consent" not in self.meta or self.meta["consent"] is None:
            return
        value = self.meta["consent"]
        if not isinstance(value, bool):
            typed = self.source.raw.get("consent", str(value))
            self.error("consent", f"consent moet true of false zijn, niet '{typed}'. Schrijf "
                       "consent: true of consent: false (kleine letters, zonder "
                       "aanhalingstekens); true alleen als de betrokken bewoners toestemming "
                       "gaven.")
            return
        self.clean["consent"] = value

    def check_status(self) -> None:
        value = self._present("status")
        if value is None:
            return
        text = value if isinstance(value, str) else self.source.raw.get("status", str(value))
        if text not in STATUSES:
            self.error("status", f"onbekende status '{text}'.{suggest(text, list(STATUSES))} "
                       "Kies precies één van draft, review, published of withdrawn (kleine "
                       "letters).")
            return
        self.clean["status"] = text

    def check_example(self) -> None:
        """``example: true`` marks a made-up story of ``rijk init``: valid, with a warning."""
        if "example" not in self.meta or self.meta["example"] is None:
            return
        value = self.meta["example"]
        if not isinstance(value, bool):
            typed = self.source.raw.get("example", str(value))
            self.error("example", f"example moet true of false zijn, niet '{typed}'.")
            return
        self.clean["example"] = value
        if value:
            self.error("example", "voorbeeldverhaal (example: true): verzonnen om te laten zien "
                       "hoe de site werkt. Vervang het door een echt verhaal of verwijder het "
                       "bestand voordat de site live gaat.", "warning")

    def check_withdrawn(self) -> None:
        if self.clean.get("status") == "published" and self.clean.get("consent") is False:
            self.error("consent", "status: published, maar consent: false — dit verhaal komt "
                       "niet op de site. Hebben de bewoners toestemming gegeven? Zet dan "
                       "consent: true; anders status: draft.", "warning")
        if self.clean.get("status") == "withdrawn":
            self.error("status", "status: withdrawn — dit verhaal is ingetrokken en verdwijnt "
                       "bij de volgende bouw uit de site, de zoekindex en de downloads.",
                       "warning")

    def check_keys(self, kind: str) -> None:
        value = self.meta.get(kind)
        if value is None:
            self.clean[kind] = []
            return
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            self.error(kind, f"'{kind}' moet een lijst zijn, bijvoorbeeld [wonen, werk].")
            return
        known: dict[str, Any] = getattr(self.taxonomy, kind)
        keys: list[str] = []
        for item in items:
            if item is None:  # an empty list item ("- " or "[wonen, ~]") says nothing
                continue
            if not isinstance(item, str):
                self.error(kind, f"'{kind}' moet een lijst van sleutels zijn, bijvoorbeeld "
                           "[wonen, werk], zonder lijsten of tabellen erin.")
                return
            key = item.strip()
            if key not in known:
                self.error(kind, f"onbekende sleutel '{key}' in {kind}.{suggest(key, list(known))}"
                           f" Kies uit: {', '.join(known)}.")
            elif key not in keys:
                keys.append(key)
        self.clean[kind] = keys

    def check_signals(self) -> None:
        """``signals:`` is a list of ``{kind, text, domain?}``; every problem at its line."""
        value = self.meta.get("signals")
        if value is None:
            self.clean["signals"] = []
            return
        example = ("signals:\n  - kind: wachtlijst\n    domain: wmo\n    text: \"Zes "
                   "maanden wachten op een traplift.\"")
        if not isinstance(value, list):
            self.error("signals", f"'signals' moet een lijst zijn, bijvoorbeeld:\n{example}")
            return
        kinds, domains = self.taxonomy.signal_kinds, self.taxonomy.domains
        signals: list[dict[str, str]] = []
        for number, item in enumerate(value, start=1):
            where = f"signaal {number}"
            if not isinstance(item, dict):
                self.error("signals", f"{where}: verwacht kind en text, bijvoorbeeld:\n{example}")
                continue
            unknown = sorted(set(item) - {"kind", "text", "domain"})
            if unknown:
                self.error("signals", f"{where}: onbekend veld '{unknown[0]}'; gebruik kind, "
                           "text en (optioneel) domain.")
                continue
            kind = item.get("kind")
            text = item.get("text")
            domain = item.get("domain") or ""
            if not isinstance(kind, str) or kind.strip() not in kinds:
                typed = kind if isinstance(kind, str) else ""
                self.error("signals", f"{where}: onbekende soort '{typed}'."
                           f"{suggest(typed, list(kinds))} Kies uit: {', '.join(kinds)}.")
                continue
            if not isinstance(text, str) or not text.strip():
                self.error("signals", f"{where}: 'text' ontbreekt; schrijf in één regel wat "
                           "er in de weg zat.")
                continue
            if "\n" in text.strip() or len(text.strip()) > 300:
                self.error("signals", f"{where}: houd de tekst op één regel (hoogstens 300 "
                           "tekens); het verhaal zelf vertelt de rest.")
                continue
            if domain and (not isinstance(domain, str) or domain.strip() not in domains):
                self.error("signals", f"{where}: onbekend domein '{domain}'."
                           f"{suggest(str(domain), list(domains))} Kies uit: "
                           f"{', '.join(domains)}.")
                continue
            signals.append({"kind": kind.strip(), "text": " ".join(text.split()),
                            "domain": domain.strip() if isinstance(domain, str) else ""})
        self.clean["signals"] = signals

    def check_text_fields(self) -> None:
        for key in ("title", "author", "team", "summary", "feedback"):
            value = self._present(key)
            if value is None:
                continue
            if not isinstance(value, str):  # the loader keeps every scalar as typed text
                self.error(key, f"'{key}' moet tekst zijn. Zet de tekst tussen aanhalingstekens.")
                continue
            self.clean[key] = value.strip()

    def check_body(self) -> None:
        if not self.source.body.strip():
            self.error(None, "het verhaal heeft geen tekst. Schrijf de tekst onder de "
                       "afsluitende '---'.", line=self.source.body_line)


def _check_duplicate_ids(result: CheckResult) -> None:
    """Ids are citations: two files with one id would make a citation ambiguous."""
    seen: dict[str, Story] = {}
    keep: list[Story] = []
    for story in result.stories:
        first = seen.get(story.id)
        if first is None:
            seen[story.id] = story
            keep.append(story)
            continue
        result.problems.append(
            Problem(story.path, story.line_of("id"), f"id '{story.id}' wordt al gebruikt door "
                    f"{first.path}:{first.line_of('id')}. Ids zijn vast en uniek: kies een "
                    "nieuw volgnummer (`rijk new` kiest een vrije id).", "error", "id")
        )
    result.stories = keep


def next_id(
    stories: Iterable[Story | str], prefix: str, year: int, taken: Iterable[str] = ()
) -> str:
    """A fresh id ``prefix-year-nnn``: one above the highest ever used for that prefix and year.

    Never fills gaps: a deleted story's id must not be reused by a new one.
    """
    used = {s if isinstance(s, str) else s.id for s in stories} | set(taken)
    pattern = re.compile(rf"^{re.escape(prefix)}-{year}-(\d+)$")
    numbers = [int(m.group(1)) for u in used if (m := pattern.match(u))]
    return f"{prefix}-{year}-{max(numbers, default=0) + 1:03d}"


def ids_in_git_history(stories_dir: Path) -> set[str]:
    """Ids of story files deleted in the git history of ``stories_dir`` (file name = id).

    A withdrawn story's id may still be cited somewhere, so :func:`next_id` must never hand it
    out again. Outside a git repository (or without git) there is no history: empty set."""
    return deleted_story_ids(stories_dir) or set()


def deleted_story_ids(stories_dir: Path, revisions: str = "HEAD") -> set[str] | None:
    """Ids of story files deleted under ``stories_dir`` in ``revisions`` (a commit or a range
    ``old..new``, so the web form can read only new commits); None if git cannot tell."""
    base = Path(stories_dir).resolve()
    while not base.is_dir() and base != base.parent:  # stories/ itself may be gone from disk
        base = base.parent
    pathspec = Path(stories_dir).resolve().relative_to(base).as_posix() or "."
    try:
        result = subprocess.run(
            ["git", "log", "--diff-filter=D", "--no-renames", "--name-only", "--format=",
             revisions, "--", pathspec], cwd=base, capture_output=True, text=True,
            check=False)
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return {Path(line).stem for line in result.stdout.splitlines() if line.endswith(".md")}


def ids_in_files(paths: Iterable[Path]) -> set[str]:
    """Every id written in any story file, also invalid or unpublished ones.

    :func:`next_id` uses these so that a draft's id is never handed out twice.
    """
    ids: set[str] = set()
    for path in story_files(paths):
        source = read_source(path)
        if "id" in source.meta:
            ids.add(str(source.meta["id"]).strip())
    return ids
