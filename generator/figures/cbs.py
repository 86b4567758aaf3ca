"""Import a CBS "Kerncijfers wijken en buurten" file, exactly as published, into figures.

Two layouts are read (see :mod:`generator.figures.tables`): the StatLine export and CBS's
national kwb download (``kwb-2023.xlsx``), filtered to the project's gemeente(n). The files in
``figures/bron/`` come from CBS StatLine via R: a quoted header with dotted
column names, a first column with row numbers, codes padded with spaces (``"WK036300  "``),
numbers either bare (``18300``), space-padded with a decimal point (``"    16.5"``, 2017) or
quoted with a decimal comma (``"1,4"``, 2019), and ``.``, ``NA`` or an empty cell where CBS
publishes nothing. Counts are rounded by CBS (to 5 for inhabitants); we keep them as they are.

Columns are found by NAME, never by position: the 2017 and 2019 tables have different column
sets (2017 has no Zorg columns at all), and ``taxonomy/indicators.yml`` says which column(s)
feed which indicator (``kwb_variables`` gives the kwb names, such as ``a_inw``). CBS fills a
kwb year in stages: a variable that is ``.`` for every wijk is reported as "nog niet
gepubliceerd", never as 0.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.figures.store import Figure, write_figures
from generator.figures.tables import Cell, TableError, read_table
from generator.problems import Problem, ProblemsError

CBS_CODE = re.compile(r"^(NL\d{2}|GM\d{4}|WK\d{4}[0-9A-Z]{2}|BU\d{4}[0-9A-Z]{4})$")
"""Region codes; wijk and buurt codes come in the old numeric (``WK036396``) and the new
alphanumeric (``WK0363AA``, ``BU0363AA01``) style."""

KIND_PREFIX = {"Land": "NL", "Gemeente": "GM", "Wijk": "WK", "Buurt": "BU"}
MISSING_MARKS = {"", ".", "NA"}
NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
"""CBS writes no thousands separators in these files, so a single ``.`` or ``,`` is always
the decimal mark (``"    16.5"`` in 2017, ``"16,5"`` in 2019)."""

KNOWN_TABLES = {
    2016: "83487NED",
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}
"""StatLine table id of each yearly Kerncijfers table, for the ``source`` of each figure."""

_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class CbsError(ProblemsError):
    """The file cannot be imported; every problem names the file and the line."""


@dataclass
class CbsImport:
    """The figures read from one CBS file, plus what the summary needs."""

    path: Path
    year: int
    figures: list[Figure]
    columns: dict[str, str]
    """indicator key → the CBS column it was read from."""
    absent: list[str]
    """indicators that have no column in this file (e.g. Wmo in 2017): no rows, not 0."""
    layout: str = ""
    """Which published layout the file had (StatLine-export or CBS kwb-bestand)."""
    kinds: dict[str, str] = field(default_factory=dict)
    """code → "Gemeente", "Wijk" or "Buurt"."""
    names: dict[str, str] = field(default_factory=dict)
    """code → the name CBS gives it."""
    municipalities: dict[str, str] = field(default_factory=dict)
    """GM code → gemeente name, for every Gemeente row read."""

    def wijken_with_value(self) -> dict[str, int]:
        """indicator → how many wijken have a value (not missing) in this file."""
        counts = dict.fromkeys(self.columns, 0)
        for figure in self.figures:
            if figure.value is not None and self.kinds.get(figure.neighbourhood) == "Wijk":
                counts[figure.indicator] += 1
        return counts

    @property
    def unpublished(self) -> list[str]:
        """Indicators whose column is in the file but empty for every wijk: CBS fills a kwb
        year in stages, so these are "nog niet gepubliceerd", not zero."""
        return [k for k, n in self.wijken_with_value().items() if n == 0 and self.count("Wijk")]

    def count(self, kind: str) -> int:
        return sum(1 for k in self.kinds.values() if k == kind)

    @property
    def missing(self) -> int:
        return sum(1 for f in self.figures if f.value is None)

    def summary(self, written: Path | None = None) -> str:
        """A Dutch summary for the command line."""
        regions = [f"{self.count('Wijk')} wijken"]
        if self.count("Buurt"):
            regions.append(f"{self.count('Buurt')} buurten")
        if self.count("Gemeente"):
            regions.append(f"{self.count('Gemeente')} gemeente")
        lines = [
            f"{written or self.path}: {len(self.figures)} cijfers voor {self.year} "
            f"({', '.join(regions)}; {len(self.columns)} indicatoren).",
            f"Ontbrekend bij CBS: {self.missing} cijfers (leeg gelaten, niet 0).",
        ]
        if self.absent:
            lines.append(f"Niet in dit bestand: {', '.join(self.absent)}.")
        wijken = self.count("Wijk")
        counts = self.wijken_with_value()
        lines.append("Per indicator, wijken met een cijfer:")
        for key in self.columns:
            note = (" (nog niet gepubliceerd door CBS: leeg, niet 0)"
                    if key in self.unpublished else "")
            lines.append(f"  {key}: {counts[key]} van {wijken}{note}")
        return "\n".join(lines)


def load_indicator_columns(path: Path) -> dict[str, tuple[str, ...]]:
    """Read ``cbs_columns`` per indicator from ``taxonomy/indicators.yml``.

    Indicators without ``cbs_columns`` (a municipality's own figures) are skipped: they do
    not come from CBS. ``kwb_variables`` lists the same figure's names in CBS's kwb files
    (``a_inw``); they are tried after the StatLine names. The first listed column present in a
    file wins, so one indicator can follow CBS when it renames a column between years.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CbsError([Problem(str(path), 1, f"kan de indicatoren niet lezen: {exc}")]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise CbsError([Problem(str(path), line, f"ongeldige YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise CbsError([Problem(str(path), 1, "verwacht per indicator een sleutel met gegevens")])
    result: dict[str, tuple[str, ...]] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict) or entry.get("cbs_columns") is None:
            continue
        names: list[str] = []
        for field_name in ("cbs_columns", "kwb_variables"):
            columns = entry.get(field_name) or []
            if isinstance(columns, str):
                columns = [columns]
            if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
                raise CbsError([Problem(str(path), _line_of(path, str(key)), (
                    f"'{key}': {field_name} moet een lijst met CBS-kolomnamen zijn"))])
            names += columns
        result[str(key)] = tuple(names)
    return result


def _year_from_sheet(path: Path) -> int | None:
    """The year in the first sheet's name of a kwb workbook ("kwb-2023"), if any."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        name = book.sheetnames[0] if book.sheetnames else ""
        book.close()
    except Exception:  # unreadable: read_table reports it properly
        return None
    years = set(_YEAR_IN_NAME.findall(name))
    return int(years.pop()) if len(years) == 1 else None


def year_from_filename(path: Path) -> int | None:
    """The year in a name like ``kerncijfers_..._2019.csv``; ``None`` if absent or ambiguous."""
    years = set(_YEAR_IN_NAME.findall(Path(path).name))
    return int(years.pop()) if len(years) == 1 else None


def default_source(year: int) -> str:
    table = KNOWN_TABLES.get(year)
    suffix = f" (StatLine {table})" if table else ""
    return f"CBS Kerncijfers wijken en buurten {year}{suffix}"


def read_cbs(path: Path, indicators: Mapping[str, Sequence[str]], year: int | None = None, *,
             include_buurten: bool = False, source: str | None = None,
             municipalities: Sequence[str] = ()) -> CbsImport:
    """Read one CBS Kerncijfers file (StatLine CSV, or CBS's kwb ``.xlsx``/``.csv``) into
    long-format figures.

    Keeps the Gemeente row (under its GM code, for comparison) and the Wijk rows; Buurt rows
    only with ``include_buurten``. ``.``, ``NA`` and empty cells become ``None``, never 0.
    ``municipalities`` (GM codes) keeps only their regions; without it a file that covers more
    than one gemeente (CBS's national kwb file) is an error that says how to choose.
    ``year`` defaults to the year in the file name; a different explicit year is an error,
    because importing 2017 figures as 2019 would silently mislabel every report.
    """
    path = Path(path)
    year = _check_year(path, year)
    source = source or default_source(year)
    try:
        table = read_table(path)
    except TableError as exc:
        raise CbsError(exc.problems) from exc
    columns = _indicator_columns(path, table.header, indicators)
    result = CbsImport(path=path, year=year, figures=[], columns=columns,
                       absent=[k for k in indicators if k not in columns],
                       layout=table.layout.name)
    wanted = {_gemeente_digits(code) for code in municipalities}
    problems: list[Problem] = []
    width = len(table.header)
    for line, row in table.rows:
        if len(row) != width:
            problems.append(Problem(str(path), line, (
                f"{len(row)} cellen, verwacht {width} zoals in de kopregel; is het "
                "bestand afgekapt of bewerkt?")))
            continue
        code = table.text(row, table.layout.code).upper()
        kind = table.text(row, table.layout.kind)
        message = _region_problem(code, kind)
        if message:
            problems.append(Problem(str(path), line, message))
            continue
        if kind == "Land" or (kind == "Buurt" and not include_buurten):
            continue
        if wanted and code[2:6] not in wanted:
            continue
        result.kinds[code] = kind
        result.names[code] = table.text(row, table.layout.region)
        if kind == "Gemeente":
            result.municipalities[code] = result.names[code]
        for key, column in columns.items():
            value, bad = _number(row[table.index[column]])
            if bad is not None:
                problems.append(Problem(str(path), line, (
                    f"kolom '{column}' ({key}) bevat '{bad}', geen getal en geen CBS-teken "
                    "voor ontbrekend ('.', 'NA' of leeg).")))
                continue
            result.figures.append(Figure(year=year, neighbourhood=code, indicator=key,
                                         value=value, source=source))
    if problems:
        raise CbsError(problems)
    gemeenten = sorted({code[2:6] for code in result.kinds})
    if not wanted and len(gemeenten) > 1:
        raise CbsError([Problem(str(path), 1, (
            f"dit bestand bevat {len(gemeenten)} gemeenten; kies er een (of meer) met "
            f"--municipality, bijvoorbeeld --municipality GM{gemeenten[0]}."))])
    if wanted and not result.kinds:
        raise CbsError([Problem(str(path), 1, (
            f"geen wijken van {', '.join('GM' + g for g in sorted(wanted))} in dit bestand; "
            "controleer de gemeentecode (zoals GM0344 voor Utrecht) of het bestand."))])
    return result


def gemeente_code(code: str) -> str:
    """``GM0344``, ``gm344`` or ``0344`` → ``GM0344``; :class:`CbsError` for anything else."""
    return f"GM{_gemeente_digits(code)}"


def _gemeente_digits(code: str) -> str:
    """``GM0344``, ``gm344`` or ``0344`` → ``0344`` (CBS pads gemeente numbers to 4)."""
    digits = str(code).strip().upper().removeprefix("GM")
    if not digits.isdigit() or len(digits) > 4:
        raise CbsError([Problem("--municipality", 1, (
            f"'{code}' is geen CBS-gemeentecode; gebruik GM gevolgd door vier cijfers, zoals "
            "GM0344 (Utrecht) of GM0080 (Leeuwarden)."))])
    return digits.zfill(4)


def _number(cell: Cell) -> tuple[float | None, str | None]:
    """A cell as ``(value, None)``, or ``(None, text)`` when it is no number and no CBS mark
    for missing. Spreadsheet cells may already be numbers."""
    if cell is None:
        return None, None
    if isinstance(cell, bool):
        return None, str(cell)
    if isinstance(cell, int | float):
        return float(cell), None
    text = str(cell).strip()
    if text in MISSING_MARKS:
        return None, None
    if NUMBER.match(text):
        return float(text.replace(",", ".")), None
    return None, text


def import_cbs(path: Path, out_dir: Path, indicators: Mapping[str, Sequence[str]],
               year: int | None = None, *, include_buurten: bool = False,
               source: str | None = None,
               municipalities: Sequence[str] = ()) -> tuple[CbsImport, Path]:
    """Read ``path`` and write ``out_dir/cbs-<year>.csv``; return the import and the file.

    When ``municipalities`` names more than one gemeente and the file holds only some of them
    (one CBS file per gemeente), the file is ``cbs-<year>-gm0344.csv``, so two gemeenten'
    files of one year never overwrite each other."""
    result = read_cbs(path, indicators, year, include_buurten=include_buurten, source=source,
                      municipalities=municipalities)
    found = sorted(result.municipalities) or sorted({f"GM{c[2:6]}" for c in result.kinds})
    wanted = sorted({f"GM{_gemeente_digits(c)}" for c in municipalities})
    suffix = "".join(f"-{code.lower()}" for code in found) if len(wanted) > 1 and \
        found != wanted else ""
    target = Path(out_dir) / f"cbs-{result.year}{suffix}.csv"
    write_figures(target, result.figures)
    return result, target


def _check_year(path: Path, year: int | None) -> int:
    named = year_from_filename(path) or _year_from_sheet(path)
    if year is None:
        if named is None:
            raise CbsError([Problem(str(path), 1, (
                "geen jaartal in de bestandsnaam; hernoem het bestand zoals CBS het noemt "
                "(bijvoorbeeld kwb-2024.xlsx), of geef bij rijk figures import het jaar op met "
                "--year 2024."))])
        return named
    if named is not None and named != year:
        raise CbsError([Problem(str(path), 1, (
            f"--year {year} past niet bij het jaartal {named} in de bestandsnaam. Controleer "
            "welk jaar dit bestand is; hernoem het bestand als de naam niet klopt."))])
    if not 1900 <= year <= 2100:
        raise CbsError([Problem(str(path), 1, f"--year {year} is geen geldig jaartal.")])
    return year


def _indicator_columns(path: Path, header: list[str],
                       indicators: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """indicator → first of its columns present in the header."""
    present = set(header)
    columns = {key: next(c for c in cols if c in present)
               for key, cols in indicators.items() if any(c in present for c in cols)}
    if not columns:
        raise CbsError([Problem(str(path), 1, (
            "geen enkele kolom uit taxonomy/indicators.yml (cbs_columns, kwb_variables) staat in "
            "dit bestand; "
            "is dit een Kerncijfers wijken en buurten-tabel?"))])
    return columns


def _region_problem(code: str, kind: str) -> str | None:
    if kind not in KIND_PREFIX:
        return (f"soort regio '{kind}' is onbekend; verwacht Land, Gemeente, Wijk of Buurt in "
                "de kolom met de soort regio.")
    if not CBS_CODE.match(code):
        return (f"'{code}' is geen CBS-regiocode (zoals GM0363, WK036396, WK0363AA of "
                "BU03639600).")
    if not code.startswith(KIND_PREFIX[kind]):
        return f"code {code} past niet bij soort regio '{kind}' (verwacht {KIND_PREFIX[kind]}…)."
    return None


def _line_of(path: Path, key: str) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if re.match(rf"^['\"]?{re.escape(key)}['\"]?\s*:", text):
            return number
    return 1
