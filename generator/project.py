"""Where a project keeps its parts, and loading them in one place.

A project is a folder with ``stories/``, ``taxonomy/``, ``figures/``, ``mkdocs.yml`` and
optionally ``rijk.yml`` (see :mod:`generator.build.config`). The CLI, the build, the plugin and
the web form all start from a :class:`Project`, so they all read the same folders.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.build.config import CONFIG_FILE, ProjectConfig, load_config
from generator.checks import CheckResult, check_corpus
from generator.taxonomy import Taxonomy

MARKERS = (CONFIG_FILE, "mkdocs.yml")


@dataclass(frozen=True)
class Project:
    """Paths of one project; nothing is loaded until asked for (``rijk.yml`` on first use)."""

    root: Path

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` holding ``rijk.yml``, ``mkdocs.yml`` or
        ``taxonomy/``."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if any((folder / m).exists() for m in MARKERS) or (folder / "taxonomy").is_dir():
                return cls(folder)
        return cls(here)

    @cached_property
    def config(self) -> ProjectConfig:
        """``rijk.yml`` (validated; :class:`~generator.build.config.ConfigError` if wrong)."""
        return load_config(self.root)

    def folder(self, name: str) -> Path:
        return self.root / getattr(self.config.folders, name)

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    @property
    def mkdocs_yml(self) -> Path:
        return self.root / self.config.mkdocs_config

    @property
    def stories_dir(self) -> Path:
        return self.folder("stories")

    @property
    def taxonomy_dir(self) -> Path:
        return self.folder("taxonomy")

    @property
    def figures_dir(self) -> Path:
        return self.folder("figures")

    @property
    def selections_dir(self) -> Path:
        return self.folder("selections")

    @property
    def reactions_dir(self) -> Path:
        return self.folder("reactions")

    @property
    def docs_dir(self) -> Path:
        return self.folder("docs")

    @property
    def cache_dir(self) -> Path:
        return self.folder("cache")

    @property
    def site_dir(self) -> Path:
        return self.folder("site")

    def taxonomy(self) -> Taxonomy:
        return Taxonomy.load(self.taxonomy_dir)

    def check(
        self, paths: list[Path] | None = None, taxonomy: Taxonomy | None = None
    ) -> CheckResult:
        """Check the given story files (default: all of the stories folder)."""
        return check_corpus(paths or [self.stories_dir], taxonomy or self.taxonomy())
