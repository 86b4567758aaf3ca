"""``rijk init``: a complete, buildable project for any Dutch municipality, from CBS's files.

Everything Amsterdam-specific in the demo comes from data, so a new project is that data for
another gemeente: its wijken and their figures from CBS "Kerncijfers wijken en buurten" (either
published layout, see :mod:`generator.figures.tables`), the shipped default taxonomy
(:data:`generator.taxonomy.DEFAULTS_DIR`) to edit, a config, a README for the municipality's own
team and one made-up example story per area (``example: true``).

CBS has stadsdelen for few gemeenten, so each wijk starts as its own **area** (``stadsdeel:``),
with an id **prefix** derived from its name and unique in the project (``West`` → ``we``,
``Overvecht`` → ``ov``). Both are written into ``taxonomy/neighbourhoods.yml``, so they are
stable and the municipality can merge wijken into areas. Nothing is overwritten: a folder that
exists and is not empty is refused.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.build.config import ENGINES
from generator.figures.cbs import (
    CbsError,
    CbsImport,
    gemeente_code,
    import_cbs,
    load_indicator_columns,
)
from generator.problems import Problem, ProblemsError
from generator.storyfile import compose
from generator.taxonomy import DEFAULT_FILES, DEFAULTS_DIR, slug, taxonomy_file, without_brackets

TEMPLATES = DEFAULTS_DIR.parent / "project"
_WIJK_NUMBER = re.compile(r"^wijk\s+\d+\s+", re.IGNORECASE)
_COMPASS = re.compile(r"\b(noord|zuid)(oost|west)\b")
"""Compass compounds count as two words for a prefix: "Noordwest" → "nw", like "Noord-West"."""


class InitError(ProblemsError):
    """The project cannot be created; ``problems`` name the file (or option) and the line."""


@dataclass
class Wijk:
    """One wijk as it will be written to ``taxonomy/neighbourhoods.yml``."""

    key: str
    name: str
    code: str
    area: str
    city: str
    prefix: str = ""


@dataclass
class InitResult:
    """What ``rijk init`` made, for its summary."""

    root: Path
    municipalities: dict[str, str]
    wijken: list[Wijk]
    imports: list[CbsImport]
    stories: list[Path] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({result.year for result in self.imports})

    def summary(self) -> str:
        lines = [f"Project gemaakt in {self.root}: {', '.join(self.municipalities.values())}, "
                 f"{len(self.wijken)} wijken, cijfers voor {', '.join(map(str, self.years))}, "
                 f"{len(self.stories)} voorbeeldverhalen (example: true)."]
        for result in self.imports:
            lines.append(result.summary())
        lines.append("Volgende stap: lees README.md, pas taxonomy/neighbourhoods.yml aan "
                     "(gebieden en voorvoegsels) en bouw met `rijk build`.")
        return "\n".join(lines)


def init_project(target: Path, municipalities: Sequence[str], figures: Sequence[Path], *,
                 site_name: str | None = None, engine: str = "mkdocs",
                 today: date | None = None) -> InitResult:
    """Create a project for ``municipalities`` (GM codes) in ``target`` from CBS ``figures``.

    Raises :class:`InitError` when ``target`` exists and is not empty (nothing is written),
    when no file is given, or when a file cannot be read (its ``file:line`` problems). The
    project is written to a temporary sibling folder first and moved into place at the end,
    so a failure never leaves half a project behind.
    """
    target = Path(target)
    today = today or date.today()
    _refuse_existing(target)
    if not figures:
        raise InitError([Problem("--figures", 1, (
            "geef minstens één CBS-bestand met --figures, bijvoorbeeld --figures "
            "kwb-2024.xlsx (CBS Kerncijfers wijken en buurten)."))])
    if engine not in ENGINES:
        raise InitError([Problem("--engine", 1, f"onbekende engine '{engine}'; kies uit "
                                                f"{', '.join(ENGINES)}.")])
    codes = [_gemeente_code(code) for code in municipalities]
    if not codes:
        raise InitError([Problem("--municipality", 1, (
            "geef de gemeente met --municipality, bijvoorbeeld --municipality GM0344 "
            "(Utrecht); de codes staan in elk CBS-bestand."))])
    indicators = load_indicator_columns(taxonomy_file(None, "indicators.yml"))
    staging = target.with_name(f".{target.name}.init")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        imports = _import_figures(figures, staging / "figures", indicators, codes)
        names = _municipality_names(imports, codes)
        wijken = wijken_from(imports, names)
        name = site_name or f"Rijke Verantwoording {' en '.join(names.values())}"
        result = InitResult(root=target, municipalities=names, wijken=wijken, imports=imports)
        _write_project(staging, result, name, engine, today)
        result.stories = [target / p.relative_to(staging) for p in
                          sorted((staging / "stories").rglob("*.md"))]
        _refuse_existing(target)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except CbsError as exc:
        raise InitError(exc.problems) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return result


def wijken_from(imports: Sequence[CbsImport], names: dict[str, str]) -> list[Wijk]:
    """Every wijk of the files (the newest file's name wins), with a unique key and prefix."""
    found: dict[str, Wijk] = {}
    for result in sorted(imports, key=lambda r: r.year):
        for code, kind in result.kinds.items():
            if kind != "Wijk":
                continue
            city = names.get(f"GM{code[2:6]}", f"GM{code[2:6]}")
            cbs_name = result.names.get(code) or code
            area = without_brackets(_WIJK_NUMBER.sub("", cbs_name)) or cbs_name
            found[code] = Wijk(key="", name=cbs_name, code=code, area=area, city=city)
    wijken = sorted(found.values(), key=lambda w: w.code)
    several = len({w.city for w in wijken}) > 1
    keys: set[str] = set()
    for wijk in wijken:
        base = slug(wijk.area)
        if several or base in keys:
            base = f"{slug(wijk.city)}-{base}"
        wijk.key = _unique(base, keys)
        keys.add(wijk.key)
    prefixes: dict[tuple[str, str], str] = {}
    for wijk in wijken:
        area = (wijk.city, wijk.area)
        if area not in prefixes:
            prefixes[area] = area_prefix(wijk.area, set(prefixes.values()))
        wijk.prefix = prefixes[area]
    return wijken


def area_prefix(area: str, taken: set[str]) -> str:
    """A short id prefix for an area, not in ``taken``: the initials of its words when it has
    several ("Noord-Oost" → "no"), else its first two letters ("West" → "we"); then other
    letters of the name, then a digit. Always matches ``STORY_ID``'s ``[a-z][a-z0-9]{1,9}``."""
    spaced = _COMPASS.sub(r"\1 \2", slug(area).replace("-", " "))
    letters = spaced.split() or ["wijk"]
    if letters[0][0].isdigit():
        letters[0] = "w" + letters[0]
    word = "".join(letters)
    candidates = []
    if len(letters) > 1:
        candidates.append("".join(part[0] for part in letters)[:4])
    candidates.append(word[:2])
    candidates += [word[0] + c for c in word[1:]]
    candidates.append(word[:3])
    for candidate in candidates:
        if len(candidate) >= 2 and candidate not in taken:
            return candidate
    number = 2
    while f"{word[:2]}{number}" in taken:
        number += 1
    return f"{word[:2]}{number}"


def _unique(base: str, taken: set[str]) -> str:
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def _refuse_existing(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitError([Problem(str(target), 1, (
            "deze map bestaat al en is niet leeg; rijk init overschrijft niets. Kies een nieuwe "
            "(of lege) map, bijvoorbeeld rijke-verantwoording-utrecht."))])


def _gemeente_code(code: str) -> str:
    try:
        return gemeente_code(code)
    except CbsError as exc:
        raise InitError(exc.problems) from exc


def _import_figures(files: Sequence[Path], out_dir: Path, indicators: dict[str, tuple[str, ...]],
                    codes: list[str]) -> list[CbsImport]:
    imports: list[CbsImport] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, str], Path] = {}
    for file in files:
        try:
            result, written = import_cbs(Path(file), out_dir, indicators, municipalities=codes)
        except CbsError as exc:
            problems += exc.problems
            continue
        gemeenten = {f"GM{code[2:6]}" for code in result.kinds}
        twice = [g for g in sorted(gemeenten) if (result.year, g) in seen]
        if twice:
            problems.append(Problem(str(file), 1, (
                f"{seen[result.year, twice[0]]} heeft ook {result.year} voor {twice[0]}; geef "
                "elk jaar van een gemeente één keer.")))
            continue
        seen.update({(result.year, g): Path(file) for g in gemeenten})
        source_copy = out_dir / "bron" / Path(file).name
        source_copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, source_copy)
        result.path = Path("figures") / written.name  # where it is in the new project
        imports.append(result)
    covered = {g for _, g in seen}
    for code in codes:
        if code not in covered and not problems:
            problems.append(Problem("--municipality", 1, (
                f"geen wijken van {code} in de CBS-bestanden; staat de gemeente erin, en is "
                "de code goed?")))
    if problems:
        raise InitError(problems)
    return imports


def _municipality_names(imports: Sequence[CbsImport], codes: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for result in sorted(imports, key=lambda r: r.year):
        names.update(result.municipalities)
    return {code: names.get(code, code) for code in codes}


def _write_project(root: Path, result: InitResult, site_name: str, engine: str,
                   today: date) -> None:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    areas = list(dict.fromkeys((w.city, w.area) for w in result.wijken))
    teams = [f"Buurtteam {area}" for _, area in areas]
    several = len(result.municipalities) > 1
    if several:
        teams = [f"Buurtteam {area} ({city})" for city, area in areas]
    taxonomy = root / "taxonomy"
    taxonomy.mkdir(parents=True)
    for name in DEFAULT_FILES:
        shutil.copyfile(DEFAULTS_DIR / name, taxonomy / name)
    (taxonomy / "neighbourhoods.yml").write_text(_neighbourhoods_yml(result), encoding="utf-8")
    (taxonomy / "organisations.yml").write_text(
        env.get_template("organisations.yml.j2").render(teams=teams), encoding="utf-8")
    shutil.copyfile(TEMPLATES / "privacy.yml", taxonomy / "privacy.yml")
    context = {
        "site_name": site_name, "engine": engine, "codes": list(result.municipalities),
        "municipality_names": " en ".join(result.municipalities.values()),
        "wijken": len(result.wijken), "years": result.years, "today": today.isoformat(),
        "first_key": result.wijken[0].key if result.wijken else "", "first_team": teams[0],
    }
    for template, name in (("rijk.yml.j2", "rijk.yml"), ("mkdocs.yml.j2", "mkdocs.yml"),
                           ("README.md.j2", "README.md")):
        (root / name).write_text(env.get_template(template).render(**context), encoding="utf-8")
    shutil.copyfile(TEMPLATES / "gitignore", root / ".gitignore")
    (root / "docs").mkdir()
    (root / "docs" / ".gitkeep").touch()
    _write_examples(root / "stories", result, dict(zip(areas, teams, strict=True)))


def _neighbourhoods_yml(result: InitResult) -> str:
    header = [
        f"# Wijken van {', '.join(result.municipalities.values())} (CBS Kerncijfers wijken en "
        f"buurten {', '.join(map(str, result.years))}). Bron: CBS, CC BY 4.0.",
        "# Gemaakt met `rijk init`. Sleutel: gebruik deze in `neighbourhood:` van een verhaal "
        "(of de CBS-code).",
        "# stadsdeel: het gebied van de wijk. CBS kent geen gebieden voor deze gemeente, dus elke",
        "#   wijk begint als eigen gebied; geef wijken hetzelfde gebied om ze samen te nemen.",
        "# prefix: het begin van de id van nieuwe verhalen (prefix-jaar-nummer). Verander het niet",
        "#   meer als er verhalen met die id zijn: ids zijn citeerbaar en blijven altijd gelijk.",
        "",
    ]
    entries = {w.key: {"name": w.name, "code": w.code, "stadsdeel": w.area, "city": w.city,
                       "prefix": w.prefix} for w in result.wijken}
    body = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=100)
    return "\n".join(header) + body


def _write_examples(folder: Path, result: InitResult,
                    teams: dict[tuple[str, str], str]) -> None:
    examples = yaml.safe_load((TEMPLATES / "examples.yml").read_text(encoding="utf-8"))
    year = max(result.years)
    first: dict[tuple[str, str], Wijk] = {}
    for wijk in result.wijken:
        first.setdefault((wijk.city, wijk.area), wijk)
    folder = folder / str(year)
    folder.mkdir(parents=True)
    for number, (area, wijk) in enumerate(first.items()):
        example = examples[number % len(examples)]
        story_id = f"{wijk.prefix}-{year}-001"
        fields = {
            "id": story_id, "title": example["title"], "date": date(year, 7, 1),
            "author": "Anne Voorbeeld", "team": teams[area], "neighbourhood": wijk.key,
            "themes": example["themes"], "values": example["values"],
            "domains": example["domains"], "consent": True, "status": "published",
            "summary": example["summary"], "example": True,
        }
        body = example["body"].replace("{wijk}", without_brackets(wijk.area))
        (folder / f"{story_id}.md").write_text(compose(fields, body), encoding="utf-8")
