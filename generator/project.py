"""Where a project keeps its parts, and loading them in one place.

A project is a folder with ``stories/``, ``taxonomy/``, ``figures/`` and ``mkdocs.yml``
(see DESIGN.md). The CLI, the plugin and the web form all start from a :class:`Project`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.checks import CheckResult, check_corpus
from generator.taxonomy import Taxonomy


@dataclass(frozen=True)
class Project:
    """Paths of one project; nothing is loaded until asked for."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` holding ``mkdocs.yml`` or ``taxonomy/``."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "mkdocs.yml").exists() or (folder / "taxonomy").is_dir():
                return cls(folder)
        return cls(here)

    @property
    def stories_dir(self) -> Path:
        return self.root / "stories"

    @property
    def taxonomy_dir(self) -> Path:
        return self.root / "taxonomy"

    @property
    def figures_dir(self) -> Path:
        return self.root / "figures"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache" / "rijk"

    def taxonomy(self) -> Taxonomy:
        return Taxonomy.load(self.taxonomy_dir)

    def check(
        self, paths: list[Path] | None = None, taxonomy: Taxonomy | None = None
    ) -> CheckResult:
        """Check the given story files (default: all of ``stories/``)."""
        return check_corpus(paths or [self.stories_dir], taxonomy or self.taxonomy())
