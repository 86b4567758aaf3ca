"""The MkDocs plugin: ``mkdocs build`` and ``mkdocs serve`` run the whole pipeline.

Event hooks stay thin: the work is done by :mod:`generator.pipeline` (data),
:mod:`generator.pages.structure` (what goes where) and :mod:`generator.pages.render`
(Markdown). Pages are generated in memory; nothing is written to ``docs/``.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator.pages.exports import all_exports
from generator.pages.render import Renderer
from generator.pages.structure import build_structure
from generator.pipeline import PipelinePaths, PublicationError, SiteData, prepare
from generator.plugin.config import RijkeVerantwoordingConfig

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")


class RijkeVerantwoordingPlugin(BasePlugin[RijkeVerantwoordingConfig]):
    """Generates every page of the site from ``stories/``, ``taxonomy/`` and ``figures/``."""

    def __init__(self) -> None:
        self.paths: PipelinePaths | None = None
        self.data: SiteData | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).resolve().parent
        self.paths = PipelinePaths(
            stories=root / self.config.stories_dir,
            taxonomy=root / self.config.taxonomy_dir,
            figures=root / self.config.figures_dir,
            cache=root / self.config.cache_dir,
        )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.paths is not None
        started = time.perf_counter()
        try:
            self.data = prepare(self.paths, nlp=self.config.nlp,
                                random_state=self.config.random_state)
        except PublicationError as exc:
            raise PluginError(f"Rijke Verantwoording: {exc}") from exc
        if self.config.evaluate and self.data.analysis is not None:
            _attach_evaluation(self.data, self.paths, self.config.random_state)
        report_problems(self.data)
        structure = build_structure(self.data)
        renderer = Renderer(structure, site_url=config.site_url or "",
                            site_name=config.site_name)
        for page in renderer.all_pages():
            _replace(files, File.generated(config, page.src, content=page.content))
        for src, content in all_exports(structure, config.site_url or "").items():
            _replace(files, File.generated(config, src, content=content))
        config.nav = renderer.nav()
        log.info("Rijke Verantwoording: %d verhalen gepubliceerd, %d niet (concept, review of "
                 "zonder toestemming), %d pagina's gemaakt in %.1f s", len(structure.stories),
                 self.data.withheld, len(renderer.all_pages()), time.perf_counter() - started)
        return files

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> None:
        """Live reload while a story, the taxonomy or a figures file is being edited."""
        assert self.paths is not None
        for folder in (self.paths.stories, self.paths.taxonomy, self.paths.figures):
            if folder.exists():
                server.watch(str(folder))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Verify the output, not the intent: no personal data from the sources in site/."""
        if self.data is None:
            return
        from generator.privacy import scan_site

        hits = scan_site(Path(config.site_dir), self.data.personal_data)
        if hits:
            listed = "\n".join(f"  {h.file}:{h.line}: {h.needle}" for h in hits[:20])
            raise PluginError(
                f"Rijke Verantwoording: persoonsgegevens gevonden in de gebouwde site "
                f"({len(hits)} keer). De site mag zo niet gepubliceerd worden:\n{listed}")


def report_problems(data: SiteData) -> None:
    """Invalid stories are skipped with a warning (so ``--strict`` fails); the rest builds."""
    for problem in data.problems:
        if problem.is_error:
            log.warning("%s (verhaal overgeslagen)", problem.format(Path.cwd()))
        else:
            log.info("%s", problem.format(Path.cwd()))


def _attach_evaluation(data: SiteData, paths: PipelinePaths, random_state: int) -> None:
    from generator.pipeline import evaluate_labels

    data.evaluation, data.evaluation_markdown = evaluate_labels(data, paths.cache, random_state)


def _replace(files: Files, file: File) -> None:
    existing = files.get_file_from_path(file.src_uri)
    if existing is not None:
        files.remove(existing)
    files.append(file)
