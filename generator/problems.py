"""Problems found in a story, reported as ``path:line: message``.

Every check in the project reports through :class:`Problem` so that the CLI, the MkDocs build
and the web form show the same words for the same mistake.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning", "suggestion"]
"""A suggestion is neither wrong nor risky: the analysis offers a reading to confirm."""


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: where it is, what is wrong and how to fix it."""

    path: str
    line: int
    message: str
    level: Level = "error"
    field: str | None = None

    def format(self, root: Path | None = None) -> str:
        """Render as ``path:line: message``, the form editors and CI logs link to."""
        path = self.path
        if root is not None:
            with contextlib.suppress(ValueError):
                path = str(Path(self.path).resolve().relative_to(root.resolve()))
        prefix = {"error": "", "warning": "waarschuwing: ", "suggestion": "suggestie: "}[self.level]
        return f"{path}:{self.line}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


class ProblemsError(ValueError):
    """A step cannot go on; ``problems`` name each file and line (the message lists them all).

    The importer, the figures store and ``rijk init`` raise subclasses of it, so the CLI can
    print every problem the same way."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))
