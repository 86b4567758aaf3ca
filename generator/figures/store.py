"""Reading and writing ``figures/*.csv`` and looking figures up for a report.

Figures usually lag the stories by a year or more, so a report for year N shows the latest
figure at or before N and says which year it is (DESIGN.md, "Figures"). Missing stays
missing: an empty ``value`` cell is ``None`` and is shown as "geen gegevens", never as 0.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Protocol

from generator.problems import Problem, ProblemsError

FIELDS = ("year", "neighbourhood", "indicator", "value", "source")
"""Column order of a figures CSV; ``source`` is optional when reading."""

REQUIRED_FIELDS = FIELDS[:4]
MISSING_TEXT = "geen gegevens"
_CBS_CODE = re.compile(r"^(NL|GM|WK|BU)[0-9A-Z]+$", re.IGNORECASE)
_MACHINE_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


class IndicatorLike(Protocol):
    """What formatting needs from an indicator (``generator.taxonomy.Indicator`` fits)."""

    decimals: int


class FiguresError(ProblemsError):
    """Figures cannot be used; every problem names the file and the line."""


@dataclass(frozen=True, order=True)
class Figure:
    """One value of one indicator for one neighbourhood in one year.

    ``value`` is ``None`` when the source publishes no figure (suppressed for privacy or
    too uncertain); that is different from 0 and must be shown as missing.
    """

    year: int
    neighbourhood: str
    indicator: str
    value: float | None
    source: str = ""

    @property
    def is_missing(self) -> bool:
        return self.value is None


def normalise_code(code: str) -> str:
    """CBS codes are compared upper-case and without CBS's space padding."""
    text = str(code).strip()
    return text.upper() if _CBS_CODE.match(text) else text


class FigureStore:
    """All figures of a project, indexed for "latest at or before year" look-ups."""

    def __init__(self, figures: Iterable[Figure], indicators: Mapping[str, Any] | None = None):
        self.indicators: Mapping[str, Any] = indicators or {}
        figures = list(figures)
        # CBS fills a kwb year in stages: an indicator with no value for any region in a year
        # is not yet published, so that year says nothing and the previous year's figure (with
        # its year) is shown instead of "geen gegevens" everywhere.
        published = {(f.year, f.indicator) for f in figures if f.value is not None}
        self.unpublished = sorted({(f.year, f.indicator) for f in figures} - published)
        self._figures = sorted(f for f in figures if (f.year, f.indicator) in published)
        self._series: dict[tuple[str, str], list[Figure]] = {}
        for figure in self._figures:  # sorted by year first, so every series is sorted too
            self._series.setdefault((figure.neighbourhood, figure.indicator), []).append(figure)

    def __iter__(self) -> Iterator[Figure]:
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)

    def latest(self, code: str, indicator: str, year: int) -> Figure | None:
        """The figure of the latest year at or before ``year``, or ``None`` if there is none.

        If CBS published no value in that latest year, the result is that year's figure with
        ``value=None``: we do not silently fall back to an older year. A table for a 2020
        report then says "geen gegevens (2019)" instead of mixing a 2017 value in between
        2019 values without anyone noticing; the reader sees the gap CBS left. ``None``
        (no figure at all) means the indicator was not measured at or before ``year``, e.g.
        Wmo-cliënten before 2019.
        """
        series = self._series.get((normalise_code(code), indicator))
        if not series:
            return None
        index = bisect.bisect_right([f.year for f in series], year)
        return series[index - 1] if index else None

    def years(self) -> list[int]:
        """Every year that has at least one figure, ascending."""
        return sorted({f.year for f in self._figures})

    def sources(self) -> list[str]:
        """Every ``source`` of a figure (one per CBS table imported), in year order."""
        return list(dict.fromkeys(f.source for f in self._figures if f.source))

    def neighbourhoods(self) -> list[str]:
        """Every code that has at least one figure, sorted."""
        return sorted({f.neighbourhood for f in self._figures})

    def indicators_for(self, code: str) -> list[str]:
        """Indicators with figures for ``code``: taxonomy order first, then the rest sorted."""
        code = normalise_code(code)
        present = {ind for (hood, ind) in self._series if hood == code}
        ordered = [key for key in self.indicators if key in present]
        return ordered + sorted(present - set(ordered))


def load_figures(figures_dir: Path, indicators: Mapping[str, Any] | None = None) -> FigureStore:
    """Read every ``figures_dir/*.csv`` (not sub-folders such as ``bron/``) into a store.

    A missing folder gives an empty store: a project without figures still builds. When
    ``indicators`` is non-empty, a row naming an unknown indicator is an error, so a typo
    cannot make a figure vanish from the reports. All problems of all files are collected
    and raised together as :class:`FiguresError`.
    """
    figures_dir = Path(figures_dir)
    figures: list[Figure] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, str, str], str] = {}
    if figures_dir.is_dir():
        for path in sorted(figures_dir.glob("*.csv")):
            for line, figure in _read_rows(path, indicators or {}, problems):
                key = (figure.year, figure.neighbourhood, figure.indicator)
                if key in seen:
                    problems.append(Problem(str(path), line, (
                        f"dubbel cijfer: {figure.indicator} voor {figure.neighbourhood} in "
                        f"{figure.year} staat ook in {seen[key]}. Houd er één over.")))
                    continue
                seen[key] = f"{path}:{line}"
                figures.append(figure)
    if problems:
        raise FiguresError(problems)
    return FigureStore(figures, indicators)


def _read_rows(path: Path, indicators: Mapping[str, Any],
               problems: list[Problem]) -> Iterator[tuple[int, Figure]]:
    """Yield ``(line, figure)`` for the good rows; append a problem for each bad one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(str(path), 1, "dit bestand is geen UTF-8-tekst; sla het op als "
                                              "UTF-8 (CSV)."))
        return
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        problems.append(Problem(str(path), 1, "leeg bestand; verwacht de kopregel "
                                              "year,neighbourhood,indicator,value,source."))
        return
    columns = [h.strip() for h in header]
    missing = [c for c in REQUIRED_FIELDS if c not in columns]
    if missing:
        problems.append(Problem(str(path), 1, (
            f"kolom {', '.join(missing)} ontbreekt; de kopregel moet zijn "
            "year,neighbourhood,indicator,value (en eventueel source).")))
        return
    where = {name: columns.index(name) for name in FIELDS if name in columns}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            problems.append(Problem(str(path), line, (
                f"{len(row)} cellen, verwacht {len(columns)} (zoals de kopregel). Staat er een "
                "komma in een waarde? Zet die waarde dan tussen aanhalingstekens.")))
            continue
        cells = {name: row[i].strip() for name, i in where.items()}
        message = _row_problem(cells, indicators)
        if message:
            problems.append(Problem(str(path), line, message))
            continue
        yield line, Figure(
            year=int(cells["year"]),
            neighbourhood=normalise_code(cells["neighbourhood"]),
            indicator=cells["indicator"],
            value=float(cells["value"]) if cells["value"] else None,
            source=cells.get("source", ""),
        )


def _row_problem(cells: dict[str, str], indicators: Mapping[str, Any]) -> str | None:
    """The Dutch message for the first thing wrong with a row, or ``None``."""
    if not re.fullmatch(r"\d{4}", cells["year"]):
        return f"jaar '{cells['year']}' is geen jaartal; schrijf vier cijfers, bijvoorbeeld 2019."
    if not cells["neighbourhood"]:
        return "neighbourhood is leeg; vul de CBS-code in, bijvoorbeeld WK036396."
    if not cells["indicator"]:
        return "indicator is leeg; vul een sleutel uit taxonomy/indicators.yml in."
    if indicators and cells["indicator"] not in indicators:
        return (f"onbekende indicator '{cells['indicator']}'; voeg hem toe aan "
                "taxonomy/indicators.yml of kies een bestaande sleutel.")
    value = cells["value"]
    if value and not _MACHINE_NUMBER.match(value):
        if re.fullmatch(r"-?\d+,\d+", value):
            return f"waarde '{value}': gebruik een punt als decimaalteken (bijvoorbeeld 12.5)."
        if value.upper() in {"NA", ".", "-", "?"}:
            return (f"waarde '{value}': laat de cel leeg als er geen cijfer is "
                    f"(niet 0, niet {value}).")
        return f"waarde '{value}' is geen getal; laat de cel leeg als er geen cijfer is."
    return None


def format_number(value: float) -> str:
    """Machine format for the CSV: ``18300`` not ``18300.0``, ``16.5`` not ``16,5``."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_figures(path: Path, figures: Iterable[Figure]) -> int:
    """Write figures sorted by year, neighbourhood and indicator; return the row count.

    Sorted rows and ``\\n`` line ends make a re-import byte-identical, so a yearly update
    shows up in git as the lines that really changed.
    """
    rows = sorted(figures, key=lambda f: (f.year, f.neighbourhood, f.indicator))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(FIELDS)
        for f in rows:
            value = "" if f.value is None else format_number(f.value)
            writer.writerow([f.year, f.neighbourhood, f.indicator, value, f.source])
    return len(rows)


def format_value(value: float | None, indicator: IndicatorLike | None = None) -> str:
    """Dutch number formatting for pages: ``1.234``, ``12,5``; ``None`` → "geen gegevens".

    The number of decimals comes from the indicator so that a column lines up ("16,0" next to
    "15,2"); rounding is half-up, as readers expect, not Python's round-half-even.
    """
    if value is None:
        return MISSING_TEXT
    decimals = getattr(indicator, "decimals", None)
    number = Decimal(repr(float(value)))
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else min(
            2, -number.normalize().as_tuple().exponent)
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    text = f"{rounded:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","}))
