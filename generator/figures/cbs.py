"""Import a CBS "Kerncijfers wijken en buurten" CSV, exactly as published, into figures.

The files in ``figures/bron/`` come from CBS StatLine via R: a quoted header with dotted
column names, a first column with row numbers, codes padded with spaces (``"WK036300  "``),
numbers either bare (``18300``), space-padded with a decimal point (``"    16.5"``, 2017) or
quoted with a decimal comma (``"1,4"``, 2019), and ``.``, ``NA`` or an empty cell where CBS
publishes nothing. Counts are rounded by CBS (to 5 for inhabitants); we keep them as they are.

Columns are found by NAME, never by position: the 2017 and 2019 tables have different column
sets (2017 has no Zorg columns at all), and ``taxonomy/indicators.yml`` says which column(s)
feed which indicator.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.figures.store import Figure, write_figures
from generator.problems import Problem

CODE_COLUMN = "Regioaanduiding.Codering..code."
KIND_COLUMN = "Regioaanduiding.Soort.regio..omschrijving."
NAME_COLUMN = "Wijken.en.buurten"

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
}
"""StatLine table id of each yearly Kerncijfers table, for the ``source`` of each figure."""

_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class CbsError(ValueError):
    """The file cannot be imported; every problem names the file and the line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


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
    kinds: dict[str, str] = field(default_factory=dict)
    """code → "Gemeente", "Wijk" or "Buurt"."""
    names: dict[str, str] = field(default_factory=dict)
    """code → the name CBS gives it."""

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
        return "\n".join(lines)


def load_indicator_columns(path: Path) -> dict[str, tuple[str, ...]]:
    """Read ``cbs_columns`` per indicator from ``taxonomy/indicators.yml``.

    Indicators without ``cbs_columns`` (a municipality's own figures) are skipped: they do
    not come from CBS. The first listed column present in a file wins, so one indicator can
    follow CBS when it renames a column between years.
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
        columns = entry.get("cbs_columns") if isinstance(entry, dict) else None
        if columns is None:
            continue
        if isinstance(columns, str):
            columns = [columns]
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise CbsError([Problem(str(path), _line_of(path, str(key)), (
                f"'{key}': cbs_columns moet een lijst met CBS-kolomnamen zijn"))])
        result[str(key)] = tuple(columns)
    return result


def year_from_filename(path: Path) -> int | None:
    """The year in a name like ``kerncijfers_..._2019.csv``; ``None`` if absent or ambiguous."""
    years = set(_YEAR_IN_NAME.findall(Path(path).name))
    return int(years.pop()) if len(years) == 1 else None


def default_source(year: int) -> str:
    table = KNOWN_TABLES.get(year)
    suffix = f" (StatLine {table})" if table else ""
    return f"CBS Kerncijfers wijken en buurten {year}{suffix}"


def read_cbs(path: Path, indicators: Mapping[str, Sequence[str]], year: int | None = None, *,
             include_buurten: bool = False, source: str | None = None) -> CbsImport:
    """Read one CBS Kerncijfers CSV into long-format figures.

    Keeps the Gemeente row (under its GM code, for comparison) and the Wijk rows; Buurt rows
    only with ``include_buurten``. ``.``, ``NA`` and empty cells become ``None``, never 0.
    ``year`` defaults to the year in the file name; a different explicit year is an error,
    because importing 2017 figures as 2019 would silently mislabel every report.
    """
    path = Path(path)
    year = _check_year(path, year)
    source = source or default_source(year)
    rows = _read_rows(path)
    header = rows[0][1]
    columns = _indicator_columns(path, header, indicators)
    index = {name: i for i, name in enumerate(header)}
    result = CbsImport(path=path, year=year, figures=[], columns=columns,
                       absent=[k for k in indicators if k not in columns])
    problems: list[Problem] = []
    for line, row in rows[1:]:
        if len(row) != len(header):
            problems.append(Problem(str(path), line, (
                f"{len(row)} cellen, verwacht {len(header)} zoals in de kopregel; is het "
                "bestand afgekapt of bewerkt?")))
            continue
        code = row[index[CODE_COLUMN]].strip()
        kind = row[index[KIND_COLUMN]].strip()
        message = _region_problem(code, kind)
        if message:
            problems.append(Problem(str(path), line, message))
            continue
        if kind == "Land" or (kind == "Buurt" and not include_buurten):
            continue
        result.kinds[code] = kind
        if NAME_COLUMN in index:
            result.names[code] = row[index[NAME_COLUMN]].strip()
        for key, column in columns.items():
            cell = row[index[column]]
            text = cell.strip()
            if text in MISSING_MARKS:
                value = None
            elif NUMBER.match(text):
                value = float(text.replace(",", "."))
            else:
                problems.append(Problem(str(path), line, (
                    f"kolom '{column}' ({key}) bevat '{text}', geen getal en geen CBS-teken "
                    "voor ontbrekend ('.', 'NA' of leeg).")))
                continue
            result.figures.append(Figure(year=year, neighbourhood=code, indicator=key,
                                         value=value, source=source))
    if problems:
        raise CbsError(problems)
    return result


def import_cbs(path: Path, out_dir: Path, indicators: Mapping[str, Sequence[str]],
               year: int | None = None, *, include_buurten: bool = False,
               source: str | None = None) -> tuple[CbsImport, Path]:
    """Read ``path`` and write ``out_dir/cbs-<year>.csv``; return the import and the file."""
    result = read_cbs(path, indicators, year, include_buurten=include_buurten, source=source)
    target = Path(out_dir) / f"cbs-{result.year}.csv"
    write_figures(target, result.figures)
    return result, target


def _check_year(path: Path, year: int | None) -> int:
    named = year_from_filename(path)
    if year is None:
        if named is None:
            raise CbsError([Problem(str(path), 1, (
                "geen jaartal in de bestandsnaam; geef het jaar op met --year, bijvoorbeeld "
                "--year 2019."))])
        return named
    if named is not None and named != year:
        raise CbsError([Problem(str(path), 1, (
            f"--year {year} past niet bij het jaartal {named} in de bestandsnaam. Controleer "
            "welk jaar dit bestand is; hernoem het bestand als de naam niet klopt."))])
    if not 1900 <= year <= 2100:
        raise CbsError([Problem(str(path), 1, f"--year {year} is geen geldig jaartal.")])
    return year


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Every record with the line it ends on; the first is the header, checked to be CBS."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CbsError([Problem(str(path), 1, f"kan het bestand niet lezen: {exc}")]) from exc
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise CbsError([Problem(str(path), line, (
            "dit is geen UTF-8-tekst; download de CSV opnieuw bij CBS of sla hem op als "
            "UTF-8."))]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CbsError([Problem(str(path), reader.line_num, f"onleesbare CSV: {exc}")]) from exc
    if not rows:
        raise CbsError([Problem(str(path), 1, "leeg bestand; verwacht een CBS Kerncijfers-CSV.")])
    header = rows[0][1]
    missing = [c for c in (CODE_COLUMN, KIND_COLUMN) if c not in header]
    if missing:
        hint = (" Het lijkt een StatLine-download met puntkomma's; gebruik het CSV-formaat van "
                "figures/bron/." if ";" in ",".join(header) else "")
        raise CbsError([Problem(str(path), 1, (
            "dit is geen CBS Kerncijfers wijken en buurten-CSV: de kopregel mist "
            f"{', '.join(repr(c) for c in missing)}.{hint}"))])
    return [(rows[0][0], header), *((n, r) for n, r in rows[1:] if any(c.strip() for c in r))]


def _indicator_columns(path: Path, header: list[str],
                       indicators: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """indicator → first of its columns present in the header."""
    present = set(header)
    columns = {key: next(c for c in cols if c in present)
               for key, cols in indicators.items() if any(c in present for c in cols)}
    if not columns:
        raise CbsError([Problem(str(path), 1, (
            "geen enkele kolom uit taxonomy/indicators.yml (cbs_columns) staat in dit bestand; "
            "is dit een Kerncijfers wijken en buurten-tabel?"))])
    return columns


def _region_problem(code: str, kind: str) -> str | None:
    if kind not in KIND_PREFIX:
        return (f"soort regio '{kind}' is onbekend; verwacht Land, Gemeente, Wijk of Buurt in "
                f"kolom '{KIND_COLUMN}'.")
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
