"""Read a CBS "Kerncijfers wijken en buurten" file, in either published layout, into rows.

CBS publishes the same figures in two layouts, and a municipality gets whichever it finds:

* the **StatLine export** (CSV via StatLine or R, as in ``figures/bron/``): a header of dotted
  Dutch names (``Regioaanduiding.Codering..code.``), one municipality;
* CBS's national **kwb download** (``kwb-2023.xlsx`` / ``kwb-2023.csv``, "Kerncijfers wijken en
  buurten"): one row per region of the whole country, with short variable names (``gwb_code_10``,
  ``regio``, ``gm_naam``, ``recs``, ``a_inw``, ``p_ink_li``). The CSV variant uses ``;`` and a
  decimal comma.

Both are read **by column name, never by position**; the result is a :class:`RegionTable` whose
cells are the text CBS wrote (numbers from xlsx come back as numbers). Deciding what a cell means
is :mod:`generator.figures.cbs`'s work. Every problem is a :class:`~generator.problems.Problem`
with the file and the line (the spreadsheet row for xlsx).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from generator.problems import Problem, ProblemsError

Cell = str | int | float | None


@dataclass(frozen=True)
class Layout:
    """Which columns hold a region's code, kind (Gemeente/Wijk/Buurt), name and gemeente."""

    name: str
    code: tuple[str, ...]
    kind: tuple[str, ...]
    region: tuple[str, ...]
    municipality: tuple[str, ...] = ()


STATLINE = Layout(
    name="StatLine-export",
    code=("Regioaanduiding.Codering..code.",),
    kind=("Regioaanduiding.Soort.regio..omschrijving.",),
    region=("Wijken.en.buurten",),
    municipality=("Regioaanduiding.Gemeentenaam..naam.",),
)
KWB = Layout(
    name="CBS kwb-bestand",
    code=("gwb_code_10", "gwb_code"),
    kind=("recs",),
    region=("regio",),
    municipality=("gm_naam",),
)
LAYOUTS = (STATLINE, KWB)


class TableError(ProblemsError):
    """The file cannot be read as a CBS table; ``problems`` name the file and the line."""


@dataclass
class RegionTable:
    """The rows of one CBS file: ``header`` names, and per row its line and cells."""

    path: Path
    layout: Layout
    header: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index = {name.strip(): i for i, name in enumerate(self.header)}

    def column(self, names: tuple[str, ...]) -> int | None:
        """Position of the first of ``names`` in the header, or ``None``."""
        return next((self.index[n] for n in names if n in self.index), None)

    def text(self, row: list[Cell], names: tuple[str, ...]) -> str:
        """The stripped text of a role column (code, kind, name); "" when absent."""
        position = self.column(names)
        if position is None or position >= len(row) or row[position] is None:
            return ""
        return str(row[position]).strip()


def read_table(path: Path) -> RegionTable:
    """Read ``path`` (``.xlsx`` or ``.csv``, either layout) into a :class:`RegionTable`.

    Raises :class:`TableError` for an unreadable file or a header that is neither layout.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        header, rows = _xlsx_rows(path)
    else:
        header, rows = _csv_rows(path)
    names = {str(h).strip() for h in header}
    layout = next((lay for lay in LAYOUTS
                   if any(c in names for c in lay.code) and any(k in names for k in lay.kind)),
                  None)
    if layout is None:
        raise TableError([Problem(str(path), rows[0][0] - 1 if rows else 1, (
            "dit is geen CBS Kerncijfers wijken en buurten-bestand: de kopregel mist de regiocode "
            "('Regioaanduiding.Codering..code.' in een StatLine-export, 'gwb_code_10' in CBS' "
            "kwb-bestand) of de soort regio ('Regioaanduiding.Soort.regio..omschrijving.' of "
            "'recs'). Download het bestand opnieuw bij CBS, zonder kolommen te hernoemen."))])
    table = RegionTable(path=path, layout=layout, header=[str(h).strip() for h in header])
    table.rows = [(n, r) for n, r in rows if any(c not in (None, "") and str(c).strip()
                                                  for c in r)]
    return table


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TableError([Problem(str(path), 1, f"kan het bestand niet lezen: {exc}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # CBS's own kwb CSV downloads have been published in Windows-1252 (ë in "Cliënten").
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise TableError([Problem(str(path), line, (
                "dit is geen UTF-8-tekst; download de CSV opnieuw bij CBS of sla hem op als "
                "UTF-8."))]) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records: list[tuple[int, list[Cell]]] = [(reader.line_num, list(row)) for row in reader]
    except csv.Error as exc:
        raise TableError([Problem(str(path), reader.line_num, f"onleesbare CSV: {exc}")]) from exc
    if not records:
        raise TableError([Problem(str(path), 1, (
            "leeg bestand; verwacht een CBS Kerncijfers wijken en buurten-bestand."))])
    return [str(h) for h in records[0][1]], records[1:]


def _xlsx_rows(path: Path) -> tuple[list[str], list[tuple[int, list[Cell]]]]:
    """The first sheet of a kwb workbook; openpyxl in read-only mode (the national file has
    about 17,000 rows)."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise TableError([Problem(str(path), 1, (
            f"kan dit Excel-bestand niet lezen ({exc}); is het een .xlsx van CBS?"))]) from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            raise TableError([Problem(str(path), 1, "het eerste werkblad is leeg.")])
        header = ["" if h is None else str(h) for h in header_row]
        records = [(number, list(row)) for number, row in enumerate(rows, start=2)]
    finally:
        book.close()
    return header, records
