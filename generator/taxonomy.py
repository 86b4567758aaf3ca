"""The taxonomy: values, themes, domains, neighbourhoods, indicators and organisations.

All of it lives in YAML under ``taxonomy/`` so that a municipality can add a theme or a wijk
without touching code. Loading validates every entry with pydantic and reports problems as
``path:line: message`` like the story checks do.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, Field, ValidationError

CBS_WIJK_CODE = re.compile(r"^WK\d{4}[0-9A-Z]{2}$")
"""CBS wijk codes: old numeric style ``WK036396`` and new alphanumeric style ``WK0363AA``."""


T = TypeVar("T", bound=BaseModel)


class TaxonomyError(ValueError):
    """A taxonomy file cannot be used; the message names the file and the line."""


DEFAULTS_DIR = Path(__file__).parent / "defaults" / "taxonomy"
"""The default taxonomy shipped with the package: the six values of the Gaasperdam/Driemond
waardenkringen, the themes and domains of the social domain, the CBS indicators, the NLP
training examples and stop words. ``rijk init`` copies them into a new project to edit."""

DEFAULT_FILES = ("values.yml", "themes.yml", "domains.yml", "indicators.yml", "examples.yml",
                 "stopwords.yml", "effects.yml", "signals.yml")


def taxonomy_file(directory: Path | None, name: str) -> Path:
    """``directory/name`` when the project has it, else the shipped default of that name.

    A project's own file always wins (a municipality edits its copy); only the files in
    :data:`DEFAULT_FILES` have a default. Raises ``ValueError`` for any other name.
    """
    if name not in DEFAULT_FILES:
        raise ValueError(f"{name} has no default; expected one of {DEFAULT_FILES}")
    own = Path(directory) / name if directory is not None else None
    return own if own is not None and own.exists() else DEFAULTS_DIR / name


class Term(BaseModel):
    """A value, theme or domain: what authors pick and what the NLP step learns from."""

    key: str
    label: str
    description: str = ""
    examples: list[str] = Field(default_factory=list)
    situations: list[str] = Field(default_factory=list)
    """What this looks like in a story, in a sentence or two each, without naming it: what the
    NLP step learns the label from when no author has chosen it yet (see ``generator.nlp``)."""
    questions: list[str] = Field(default_factory=list)
    """Questions for the yearly waardenkring about this value (the preparation kit,
    ``/waardenkring/<year>/``); a municipality writes its own."""


class Effect(BaseModel):
    """A social effect the municipality aims at (maatschappelijk effect): what it means, the
    indicators that measure it and the themes that bear on it (``taxonomy/effects.yml``)."""

    key: str
    label: str
    description: str = ""
    indicators: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)


class Neighbourhood(BaseModel):
    """A wijk: display name, CBS code and the stadsdeel it belongs to."""

    key: str
    name: str
    code: str = Field(pattern=CBS_WIJK_CODE.pattern)
    stadsdeel: str
    """The area the wijk belongs to: a stadsdeel where CBS's municipality has them, otherwise a
    grouping the municipality chooses (``rijk init`` starts with one area per wijk)."""
    city: str = "Amsterdam"
    """The gemeente's name, as CBS writes it."""
    prefix: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9]{1,9}$")
    """The id prefix of new stories here (``ut`` → ``ut-2024-001``); without it the stadsdeel's
    Amsterdam prefix (see :mod:`generator.scaffold`)."""

    @property
    def own_area(self) -> bool:
        """True when the wijk is its own area ("Wijk 01 West" in area "West"): pages then
        do not name the area beside the wijk."""
        bare = re.sub(r"^wijk\s+\d+\s+", "", self.short_name, flags=re.IGNORECASE)
        return self.stadsdeel in (self.short_name, bare)

    @property
    def municipality_code(self) -> str:
        """The gemeente's CBS code: digits 3–6 of the wijk code (``WK034401`` → ``GM0344``)."""
        return f"GM{self.code[2:6]}"

    @property
    def short_name(self) -> str:
        """Name without CBS's block letters: "Bijlmer Centrum (D,F,H)" → "Bijlmer Centrum"."""
        return without_brackets(self.name)


class Indicator(BaseModel):
    """A numeric indicator shown beside the stories (see ``figures/``)."""

    key: str
    label: str
    short: str = ""
    unit: str = ""
    source: str = ""
    description: str = ""
    decimals: int = 0

    @property
    def column(self) -> str:
        """A short column heading for wide report tables."""
        return self.short or self.label


@dataclass
class Taxonomy:
    """Everything a story can refer to, keyed by the stable keys authors write."""

    values: dict[str, Term] = field(default_factory=dict)
    themes: dict[str, Term] = field(default_factory=dict)
    domains: dict[str, Term] = field(default_factory=dict)
    effects: dict[str, Effect] = field(default_factory=dict)
    signal_kinds: dict[str, Term] = field(default_factory=dict)
    """``taxonomy/signals.yml``: the kinds of signal for policy ("wachtlijst", "regel")."""
    neighbourhoods: dict[str, Neighbourhood] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    teams: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    """Well-known places that are no CBS wijk (the Wallen, the Gaasperplas): kept readable."""
    directory: Path | None = None

    @classmethod
    def load(cls, directory: Path) -> Taxonomy:
        """Read ``taxonomy/*.yml``; missing optional files give empty sections, and a missing
        file of :data:`DEFAULT_FILES` is read from the shipped defaults."""
        directory = Path(directory)
        if not directory.is_dir():
            raise TaxonomyError(f"{directory}: taxonomiemap niet gevonden")
        orgs = _read_yaml(directory / "organisations.yml") or {}
        return cls(
            values=load_entries(taxonomy_file(directory, "values.yml"), Term),
            themes=load_entries(taxonomy_file(directory, "themes.yml"), Term),
            domains=load_entries(taxonomy_file(directory, "domains.yml"), Term),
            neighbourhoods=load_entries(directory / "neighbourhoods.yml", Neighbourhood),
            indicators=load_entries(taxonomy_file(directory, "indicators.yml"), Indicator),
            effects=load_entries(taxonomy_file(directory, "effects.yml"), Effect),
            signal_kinds=load_entries(taxonomy_file(directory, "signals.yml"), Term),
            teams=[str(t) for t in orgs.get("teams", [])],
            organisations=[str(o) for o in orgs.get("organisations", [])],
            places=[str(p) for p in orgs.get("places", [])],
            directory=directory,
        )._checked()

    def _checked(self) -> Taxonomy:
        """Every effect names indicators and themes that exist; the error names the file."""
        path = taxonomy_file(self.directory, "effects.yml")
        for key, effect in self.effects.items():
            for kind, word, known in (("indicators", "indicator", self.indicators),
                                      ("themes", "thema", self.themes)):
                for ref in getattr(effect, kind):
                    if ref not in known:
                        line = _key_lines(path).get(key, 1)
                        raise TaxonomyError(
                            f"{path}:{line}: effect '{key}' noemt een onbekend {word} '{ref}'."
                            f"{suggest(ref, list(known))} Kies uit: {', '.join(known)}.")
        return self

    def resolve_neighbourhood(self, value: str) -> str | None:
        """Accept a taxonomy key or a CBS code (either style, any case); return the key."""
        text = str(value).strip()
        if text in self.neighbourhoods:
            return text
        upper = text.upper()
        for key, hood in self.neighbourhoods.items():
            if hood.code == upper:
                return key
        return None

    def municipalities(self) -> dict[str, str]:
        """GM code → gemeente name for every gemeente that has a wijk here, in code order."""
        found = {hood.municipality_code: hood.city for hood in self.neighbourhoods.values()}
        return dict(sorted(found.items()))

    def municipality_names(self) -> str:
        """The gemeenten in Dutch prose: "Utrecht", "Utrecht en Zeist", "A, B en C"."""
        names = list(dict.fromkeys(self.municipalities().values()))
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]

    def by_municipality(self) -> dict[str, dict[str, list[Neighbourhood]]]:
        """gemeente name → area (stadsdeel) → wijken, for pages that group by gemeente first."""
        groups: dict[str, dict[str, list[Neighbourhood]]] = {}
        for hood in self.neighbourhoods.values():
            groups.setdefault(hood.city, {}).setdefault(hood.stadsdeel, []).append(hood)
        return groups

    def by_stadsdeel(self) -> dict[str, list[Neighbourhood]]:
        groups: dict[str, list[Neighbourhood]] = {}
        for hood in self.neighbourhoods.values():
            groups.setdefault(hood.stadsdeel, []).append(hood)
        return groups

    def readable_names(self) -> list[str]:
        """Names that must stay readable in published text (places, teams, organisations)."""
        names: set[str] = set()
        for hood in self.neighbourhoods.values():
            names.update({hood.name, hood.short_name, hood.stadsdeel, hood.city})
            names.update(part.strip() for part in hood.short_name.split("/") if part.strip())
        names.update(self.teams)
        names.update(self.organisations)
        names.update(self.places)
        return sorted(n for n in names if n)


def without_brackets(name: str) -> str:
    """A CBS name without its bracketed part: "Bijlmer Centrum (D,F,H)" → "Bijlmer Centrum"."""
    return re.sub(r"\s*\(.*?\)\s*", " ", name).strip()


def slug(text: str) -> str:
    """A key or file name: lower-case ASCII, words joined by ``-`` ("Noord-Oost" → "noord-oost",
    "Zuidoost" → "zuidoost"); "wijk" for text with no letters or digits."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "wijk"


def suggest(word: str, choices: list[str]) -> str:
    """A Dutch "did you mean" hint for an unknown key, or "" when nothing is close.

    Keys that contain what was typed come first ("holendrecht" → "holendrecht-reigersbos"),
    then spelling neighbours from difflib ("woonen" → "wonen").
    """
    typed = re.sub(r"[^a-z0-9]+", "-", str(word).lower()).strip("-")
    close = [c for c in choices if typed and typed in c][:2]
    if not close:
        close = difflib.get_close_matches(typed, choices, n=2, cutoff=0.6)
    if not close:
        return ""
    return " Bedoelde je " + " of ".join(f"'{c}'" for c in close) + "?"


def _read_yaml(path: Path) -> object:
    if not path.exists():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise TaxonomyError(f"{path}:{line}: ongeldige YAML: {exc}") from exc


def _key_lines(path: Path) -> dict[str, int]:
    """Line of each top-level key, so that errors point at the entry."""
    lines: dict[str, int] = {}
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"^([^\s#:][^:]*):", text)
        if match:
            lines.setdefault(match.group(1).strip().strip("'\""), number)
    return lines


def load_entries(path: Path, model: type[T]) -> dict[str, T]:
    """The entries of one taxonomy file as ``model``s, in file order; errors name file and line."""
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise TaxonomyError(f"{path}:1: verwacht een lijst van sleutels met hun gegevens")
    lines = _key_lines(path)
    entries: dict[str, T] = {}
    for key, raw in data.items():
        line = lines.get(str(key), 1)
        if not isinstance(raw, dict):
            raise TaxonomyError(
                f"{path}:{line}: '{key}' heeft geen gegevens (label, beschrijving …)")
        try:
            entries[str(key)] = model(key=str(key), **raw)
        except ValidationError as exc:
            detail = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise TaxonomyError(f"{path}:{line}: '{key}' is ongeldig: {detail}") from exc
    return entries
