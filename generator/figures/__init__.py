"""Numeric annual figures shown beside the stories.

Figures live in ``figures/*.csv`` in long format (``year, neighbourhood, indicator, value,
source``) so that a municipality can add a year or an indicator without code changes, and so
that a diff of a yearly update stays readable. :mod:`generator.figures.cbs` turns a published
CBS Kerncijfers wijken en buurten CSV into that format; :mod:`generator.figures.store` reads it
back and answers "what is the latest figure for this wijk at or before this year".
"""

from generator.figures.cbs import CbsError, CbsImport, import_cbs, load_indicator_columns, read_cbs
from generator.figures.store import (
    Figure,
    FiguresError,
    FigureStore,
    format_value,
    load_figures,
    write_figures,
)

__all__ = [
    "CbsError",
    "CbsImport",
    "Figure",
    "FigureStore",
    "FiguresError",
    "format_value",
    "import_cbs",
    "load_figures",
    "load_indicator_columns",
    "read_cbs",
    "write_figures",
]
