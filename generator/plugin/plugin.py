"""A thin MkDocs plugin, so that a plain ``mkdocs build`` / ``mkdocs serve`` still works.

``rijk build`` does not use it: it writes the generated pages to a folder and runs the engine
(MkDocs or Zensical) on a generated configuration without this plugin (:mod:`generator.build`).
The plugin runs the same steps (:func:`generator.build.run.run_pipeline`,
:func:`generator.build.generate.generate`) and hands the pages to MkDocs in memory. It reads
the same project configuration (``rijk.yml``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator.plugin.config import RijkeVerantwoordingConfig

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")


class RijkeVerantwoordingPlugin(BasePlugin[RijkeVerantwoordingConfig]):
    """Generates every page of the site from the project's stories, taxonomy and figures."""

    def __init__(self) -> None:
        self.project = None
        self.data = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from generator.build.config import ConfigError
        from generator.project import Project

        self.project = Project(Path(config.config_file_path).resolve().parent)
        try:
            self.project.config  # noqa: B018 - validate now
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        from generator.build.generate import generate
        from generator.build.run import BuildError, Progress, run_pipeline

        assert self.project is not None
        try:
            self.data = run_pipeline(self.project, Progress(echo=log.info))
        except BuildError as exc:
            raise PluginError(str(exc)) from exc
        generated = generate(self.data, site_url=config.site_url or "",
                             site_name=config.site_name, docs_dir=None)
        for src, content in generated.files.items():
            existing = files.get_file_from_path(src)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src, content=content))
        config.nav = generated.nav
        log.info("Rijke Verantwoording: %d verhalen gepubliceerd, %d niet (concept, review of "
                 "zonder toestemming), %d pagina's", len(self.data.stories), self.data.withheld,
                 generated.pages)
        return files

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> None:
        assert self.project is not None
        for folder in (self.project.stories_dir, self.project.taxonomy_dir,
                       self.project.figures_dir):
            if folder.exists():
                server.watch(str(folder))

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Verify the output: no personal data from the sources in the built site."""
        if self.data is None:
            return
        from generator.privacy import scan_site

        hits = scan_site(Path(config.site_dir), self.data.personal_data)
        if hits:
            listed = "\n".join(f"  {h.file}:{h.line}: {h.needle}" for h in hits[:20])
            raise PluginError(
                f"Rijke Verantwoording: persoonsgegevens gevonden in de gebouwde site "
                f"({len(hits)} keer). De site mag zo niet gepubliceerd worden:\n{listed}")
