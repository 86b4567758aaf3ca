"""``rijk build``: every step once, one progress line per step, and no output unless all passed.

load → check → gate → de-identify → NLP → evaluation → generated docs → engine → hooks →
privacy scan → swap. Any failure raises :class:`BuildError` (Dutch), deletes the temporary
output and leaves ``site/`` byte for byte as it was.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.build import hooks, output, search  # noqa: F401  (search: registers its hook)
from generator.build.config import PDF_AUTO_MAX_STORIES, ConfigError
from generator.build.engines import Engine, engine_config, get_engine, write_engine_config
from generator.build.generate import Generated, WriteStats, generate, write_tree
from generator.build.prerender import (
    MarkdownSettings,
    engine_extension,
    marker_key,
    prerender,
)
from generator.jsonstore import JsonStore
from generator.locks import exclusive_lock
from generator.pipeline import (
    PipelinePaths,
    PublicationError,
    SiteData,
    evaluate_held_out,
    evaluate_labels,
    prepare,
)
from generator.project import Project

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")

STEP_NAMES = {"load_validate": "laden en controleren", "deidentify": "de-identificatie",
              "figures": "cijfers", "nlp": "NLP (thema's, waarden, clusters)"}
ENGINE_ENV = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


class BuildError(RuntimeError):
    """The build failed; nothing was published. The message is Dutch."""


@dataclass
class Workspace:
    """Where one project's build puts its generated files."""

    project: Project
    engine: Engine
    site_dir: Path

    @property
    def cache(self) -> Path:
        return self.project.cache_dir

    @property
    def docs(self) -> Path:
        return self.cache / "docs"

    @property
    def temp_site(self) -> Path:
        return self.site_dir.parent / f".{self.site_dir.name}.bouw"

    @property
    def serve_site(self) -> Path:
        """Where ``rijk serve``'s engine may write (never ``site/``)."""
        return self.site_dir.parent / f".{self.site_dir.name}.serve"

    @property
    def docs_apart(self) -> bool:
        """Zensical wants docs and output below its configuration's folder; with a
        ``--site-dir`` outside the project that folder cannot be beside ``site/``."""
        return (self.engine.name == "zensical"
                and not self.docs.resolve().is_relative_to(self.site_dir.parent.resolve()))

    @property
    def engine_output(self) -> Path:
        """Where the engine writes a build: :attr:`temp_site`, or (see :attr:`docs_apart`) a
        folder in the cache that :func:`run_engine` then moves to :attr:`temp_site`."""
        return self.cache / f".{self.site_dir.name}.bouw" if self.docs_apart else self.temp_site

    @property
    def engine_config(self) -> Path:
        """Beside ``site/`` (Zensical wants docs and output below its configuration's folder);
        ``.site.*`` is ignored by git."""
        folder = self.cache if self.docs_apart else self.site_dir.parent
        return folder / f".{self.site_dir.name}.{self.engine.name}.yml"

    @property
    def serve_config(self) -> Path:
        return self.site_dir.parent / f".{self.site_dir.name}.{self.engine.name}-serve.yml"

    def engine_paths(self, output_dir: Path) -> tuple[Path, Path]:
        """docs_dir and site_dir as the engine wants them (Zensical: relative)."""
        if self.engine.name == "zensical":
            base = self.engine_config.parent
            return (Path(os.path.relpath(self.docs, base)),
                    Path(os.path.relpath(output_dir, base)))
        return self.docs, output_dir


@dataclass
class BuildResult:
    site_dir: Path
    engine: str
    stories: int
    withheld: int
    pages: int
    written: WriteStats
    unchanged: bool = False
    timings: dict[str, float] = field(default_factory=dict)


class Progress:
    """One line per step with its time, on stderr (stdout stays free for data)."""

    def __init__(self, echo: Callable[[str], None] | None = None, quiet: bool = False) -> None:
        self.echo = echo or (lambda line: print(line, file=sys.stderr, flush=True))
        self.quiet = quiet
        self.timings: dict[str, float] = {}

    def line(self, text: str) -> None:
        if not self.quiet:
            self.echo(f"rijk: {text}")

    def step(self, key: str, seconds: float, detail: str = "") -> None:
        self.timings[key] = round(seconds, 3)
        name = STEP_NAMES.get(key, key)
        self.line(f"{name}{': ' + detail if detail else ''} ({seconds:.2f} s)")

    def timed(self, key: str) -> _Timer:
        return _Timer(self, key)


class _Timer:
    def __init__(self, progress: Progress, key: str) -> None:
        self.progress, self.key, self.detail = progress, key, ""

    def __enter__(self) -> _Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.progress.step(self.key, time.perf_counter() - self.start, self.detail)


def workspace(project: Project, engine: str | None = None,
              site_dir: Path | None = None) -> Workspace:
    try:
        config = project.config
    except ConfigError as exc:
        raise BuildError(str(exc)) from None
    return Workspace(project, get_engine(engine or config.engine),
                     Path(site_dir).resolve() if site_dir else project.site_dir)


def deduce_cache_missing() -> bool:
    try:
        from generator.privacy.engine import cache_path

        return not cache_path().exists()
    except Exception:
        return False


def run_pipeline(project: Project, progress: Progress, *, strict: bool = False,
                 evaluate: bool | None = None, isolate_deduce: bool = False) -> SiteData:
    """load → check → gate → de-identify → NLP (→ evaluation), with progress lines.
    ``isolate_deduce``: see :func:`generator.pipeline.prepare`."""
    config = project.config
    paths = PipelinePaths(stories=project.stories_dir, taxonomy=project.taxonomy_dir,
                          figures=project.figures_dir, cache=project.cache_dir,
                          selections=project.selections_dir, reactions=project.reactions_dir)
    if deduce_cache_missing():
        progress.line("deduce bouwt zijn cache (eenmalig, ± 1 minuut)…")
    try:
        data = prepare(paths, nlp=config.nlp, random_state=config.random_state,
                       on_step=progress.step, isolate_deduce=isolate_deduce)
    except PublicationError as exc:
        raise BuildError(f"Rijke Verantwoording: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise BuildError(f"Rijke Verantwoording: de bronnen konden niet gelezen worden: "
                         f"{exc}") from exc
    report_problems(data, project.root)
    errors = [p for p in data.problems if p.is_error]
    if strict and errors:
        raise BuildError(f"Rijke Verantwoording: {len(errors)} fout(en) in verhalen en --strict "
                         "staat aan; er is niets gepubliceerd.")
    residual = report_residual(data)
    if residual:
        progress.line(f"restrisico: {residual} woord(en) uit een namenlijst bleven leesbaar "
                      "(zie hierboven; bevestigen in taxonomy/privacy.yml)")
    if strict and residual:
        raise BuildError(f"Rijke Verantwoording: {residual} open restrisico('s) en --strict staat "
                         "aan; er is niets gepubliceerd. Haal de naam weg of laat een "
                         "coördinator het woord bevestigen in taxonomy/privacy.yml.")
    evaluating = (config.evaluate if evaluate is None else evaluate) and data.analysis is not None
    if evaluating:
        with progress.timed("evaluatie (methodepagina)"):
            data.evaluation, data.evaluation_markdown = evaluate_labels(
                data, project.cache_dir, config.random_state)
    if evaluating and config.evaluate_against:
        folder = project.root / config.evaluate_against
        if not folder.is_dir():  # the method page then says no test set is set up
            progress.line(f"waarschuwing: {project.config_file}: evaluate_against: map "
                          f"'{config.evaluate_against}' bestaat niet; maak hem aan of haal "
                          "de regel weg. De methodepagina toont nu geen toets.")
        else:
            with progress.timed("toets op niet eerder geziene verhalen"):
                try:
                    data.held_out, data.held_out_markdown = evaluate_held_out(
                        data, folder, project.cache_dir, config.random_state)
                except ValueError as exc:
                    raise BuildError(f"evaluate_against ({folder}): {exc}") from exc
    return data


def report_residual(data: SiteData) -> int:
    """Log every unconfirmed restrisico (file:line: word) of the published stories; returns
    how many there are (the second, independent privacy check, see
    :mod:`generator.privacy.residual`)."""
    count = 0
    for story in data.stories:
        for risk in getattr(story, "residual", []):
            if risk.confirmed:
                continue
            count += 1
            line = (story.story.body_line + risk.line - 1 if risk.field == "body"
                    else story.story.line_of(risk.field))
            log.warning("%s:%d: restrisico: '%s' staat in een namenlijst en blijft leesbaar.",
                        story.story.path, line, risk.word)
    return count


def report_problems(data: SiteData, root: Path) -> None:
    """Invalid stories are skipped with a warning (``--strict`` fails); the rest builds."""
    for problem in data.problems:
        if problem.is_error:
            what = "verhaal" if problem.path.endswith(".md") else "regel"
            log.warning("%s (%s overgeslagen)", problem.format(Path.cwd()), what)
        else:
            log.info("%s", problem.format(Path.cwd()))


def add_report_pdfs(ws: Workspace, generated: Generated, progress: Progress, *,
                    site_url: str, site_name: str) -> None:
    """The annual reports as PDF (:mod:`generator.pages.report_pdf`), cached by content."""
    from generator.pages.print_pdf import print_pdfs
    from generator.pages.report_pdf import report_pdfs

    with progress.timed("jaarverslagen als PDF") as timer:
        before = sum(1 for _ in (ws.cache / "pdf").glob("*.pdf")) if (ws.cache / "pdf").is_dir() \
            else 0
        pdfs = report_pdfs(generated.structure, site_url=site_url.rstrip("/") + "/"
                           if site_url else "", site_name=site_name, cache_dir=ws.cache / "pdf")
        made = sum(1 for _ in (ws.cache / "pdf").glob("*.pdf")) - before
        pdfs.update(print_pdfs(generated.structure, site_url=site_url.rstrip("/") + "/"
                               if site_url else "", site_name=site_name,
                               cache_dir=ws.cache / "pdf"))
        generated.files.update(pdfs)
        timer.detail = f"{len(pdfs)} PDF's, {made} nieuw gemaakt"


def pdfs_wanted(setting: bool | str, stories: int, override: bool | None = None) -> bool:
    """Whether this build makes the PDFs: ``override`` (``--pdf``/``--no-pdf``), else
    ``rijk.yml``'s ``pdf`` (``auto``: up to :data:`PDF_AUTO_MAX_STORIES` stories)."""
    if override is not None:
        return override
    if setting == "auto":
        return stories <= PDF_AUTO_MAX_STORIES
    return bool(setting)


def write_generated(ws: Workspace, data: SiteData, progress: Progress, *,
                    serving: bool = False,
                    check: Callable[[dict[str, bytes]], None] | None = None,
                    pdf: bool | None = None) -> Generated:
    """The generated docs folder and the engine configuration (written only when changed).
    ``check`` sees the files before anything is written (``rijk serve`` scans them); ``pdf``
    overrides ``rijk.yml``'s ``pdf`` (see :func:`pdfs_wanted`)."""
    mkdocs = _site_settings(ws)
    make_pdfs = pdfs_wanted(ws.project.config.pdf, len(data.stories), pdf)
    if not make_pdfs and pdf is None and ws.project.config.pdf == "auto":
        progress.line(f"geen PDF's: {len(data.stories)} verhalen is meer dan "
                      f"{PDF_AUTO_MAX_STORIES} (pdf: auto). Maak ze met `rijk build --pdf` "
                      "(duurt lang: elke PDF bevat alle verhalen van het jaar) of zet "
                      "pdf: true in rijk.yml.")
    with progress.timed("pagina's maken") as timer:
        generated = generate(data, site_url=mkdocs["site_url"], site_name=mkdocs["site_name"],
                             docs_dir=ws.project.docs_dir,
                             reactions=ws.project.config.reactions, pdf=make_pdfs)
        if make_pdfs:
            add_report_pdfs(ws, generated, progress, site_url=mkdocs["site_url"],
                            site_name=mkdocs["site_name"])
        docs_dir, site_dir = ws.engine_paths(ws.serve_site if serving else ws.engine_output)
        config = engine_config(ws.project.mkdocs_yml, docs_dir=docs_dir, site_dir=site_dir,
                               nav=generated.nav, site_name=ws.project.config.site_name)
        key = marker_key(ws.cache / "prerender")
        converted = prerender(generated.files, generated.page_srcs,
                              MarkdownSettings.from_config(
                                  config, rewrite_links=not ws.engine.rewrites_html_links,
                                  key=key),
                              JsonStore(ws.cache / "prerender"))
        config = engine_extension(config, key)
        if check is not None:
            check(generated.files)
        stats = write_tree(ws.docs, generated.files)
        write_engine_config(ws.serve_config if serving else ws.engine_config, config)
        timer.detail = (f"{generated.pages} pagina's (HTML: {converted.summary()}); "
                        f"bestanden {stats.summary()}")
    generated.stats = stats
    return generated


def _site_settings(ws: Workspace) -> dict[str, str]:
    from generator.build.config import read_mkdocs_yml

    try:
        raw = read_mkdocs_yml(ws.project.mkdocs_yml)
    except ConfigError as exc:
        raise BuildError(str(exc)) from None
    site_url = str(raw.get("site_url") or "")
    if "//example.org" in site_url:
        log.warning("%s: site_url is nog het voorbeeld %s; vaste adressen, citaties en "
                    "QR-codes wijzen daarheen. Zet het adres waar de site komt te staan.",
                    ws.project.mkdocs_yml.name, site_url)
    return {"site_url": site_url,
            "site_name": ws.project.config.site_name or str(raw.get("site_name") or "")}


def run_engine(ws: Workspace, progress: Progress, *, strict: bool = False) -> None:
    command = ws.engine.build_command(ws.engine_config, strict=strict)
    with progress.timed(f"engine {ws.engine.label}"):
        try:
            done = subprocess.run(command, cwd=ws.engine_config.parent,
                                  env={**os.environ, **ENGINE_ENV}, check=False)
        except OSError as exc:
            raise BuildError(f"de engine {ws.engine.label} kon niet starten ({exc}). Is hij "
                             "geïnstalleerd? Er is niets gepubliceerd.") from exc
        if done.returncode != 0:
            raise BuildError(f"de engine {ws.engine.label} faalde (code {done.returncode}); "
                             "zie de melding hierboven. Er is niets gepubliceerd, site/ is "
                             "niet veranderd.")
        if ws.engine_output != ws.temp_site and ws.engine_output.is_dir():
            output.discard(ws.temp_site)
            shutil.move(ws.engine_output, ws.temp_site)  # also across file systems
        if not ws.temp_site.is_dir():
            raise BuildError(f"de engine {ws.engine.label} schreef geen uitvoer in "
                             f"{ws.temp_site}. Er is niets gepubliceerd.")


def _origin(needle: str, data: SiteData) -> str:
    """" (gevonden in stories/2019/x.md)": the source a hit was first found in, to fix it
    there (case-insensitive when the hit's case differs from the needle's)."""
    origin = data.personal_data.get(needle)
    if origin is None:
        folded = needle.casefold()
        origin = next((o for n, o in data.personal_data.items() if n.casefold() == folded), "")
    return f" (gevonden in {origin})" if origin else ""


def scan_output(ws: Workspace, data: SiteData, progress: Progress) -> None:
    from generator.privacy import scan_site

    with progress.timed("privacyscan van de uitvoer") as timer:
        hits = scan_site(ws.temp_site, data.personal_data, static_dirs=ws.engine.static_dirs(),
                         cache_file=ws.cache / f"scan-{ws.engine.name}.json")
        timer.detail = f"{sum(1 for p in ws.temp_site.rglob('*') if p.is_file())} bestanden, " \
                       f"{len(hits)} treffers van de {len(data.personal_data)} gevonden " \
                       f"persoonsgegevens (de scan zoekt alleen wat de de-identificatie vond)"
    if hits:
        listed = "\n".join(f"  {h.file}:{h.line}: {h.needle}{_origin(h.needle, data)}"
                           for h in hits[:20])
        raise BuildError(
            f"Rijke Verantwoording: persoonsgegevens gevonden in de gebouwde site "
            f"({len(hits)} keer). De site mag zo niet gepubliceerd worden; site/ is niet "
            f"veranderd:\n{listed}")


def build(project: Project, *, engine: str | None = None, strict: bool = False,
          site_dir: Path | None = None, progress: Progress | None = None,
          force: bool = False, pdf: bool | None = None) -> BuildResult:
    """Build the site into ``site_dir`` (default: the project's); raises :class:`BuildError`.
    ``pdf`` overrides ``rijk.yml``'s ``pdf`` (see :func:`pdfs_wanted`)."""
    from generator.build import state

    progress = progress or Progress()
    ws = workspace(project, engine, site_dir)
    started = time.perf_counter()
    ws.cache.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(ws.cache / f"build-{ws.engine.name}.lock"):
        key = state.input_key(project, engine=ws.engine.name, strict=strict,
                              site_dir=ws.site_dir, pdf=pdf)
        if not force and state.unchanged(project, key, ws.engine.name, ws.site_dir):
            total = time.perf_counter() - started
            progress.step("niets veranderd", total,
                          f"bronnen, instellingen en code gelijk aan de vorige bouw; "
                          f"{ws.site_dir} is ongewijzigd (--force bouwt toch)")
            return BuildResult(site_dir=ws.site_dir, engine=ws.engine.name, stories=0,
                               withheld=0, pages=0, written=WriteStats(), unchanged=True,
                               timings={**progress.timings, "total": round(total, 3)})
        state.forget(project, ws.engine.name)
        try:
            data = run_pipeline(project, progress, strict=strict, isolate_deduce=True)
            generated = write_generated(ws, data, progress, pdf=pdf)
            output.temp_output(ws.site_dir)
            run_engine(ws, progress, strict=strict)
            context = hooks.HookContext(engine=ws.engine.name, project=project, data=data,
                                        search_index=hooks.search_index(ws.temp_site,
                                                                        ws.engine.name))
            if hooks.registered():
                with progress.timed("nabewerking (hooks)") as timer:
                    timer.detail = ", ".join(hooks.run_hooks(ws.temp_site, context))
            scan_output(ws, data, progress)
            with progress.timed("site vervangen"):
                output.swap_in(ws.temp_site, ws.site_dir)
            state.remember(project, key, ws.engine.name, ws.site_dir)
        except BuildError:
            output.discard(ws.temp_site)
            raise
        except BaseException as exc:
            output.discard(ws.temp_site)
            if isinstance(exc, Exception):
                raise BuildError(f"Rijke Verantwoording: de bouw faalde ({type(exc).__name__}: "
                                 f"{exc}). Er is niets gepubliceerd, site/ is niet "
                                 "veranderd.") from exc
            raise
    total = time.perf_counter() - started
    progress.line(f"klaar in {total:.1f} s: {len(data.stories)} verhalen gepubliceerd, "
                  f"{data.withheld} niet (concept, review of zonder toestemming), "
                  f"{generated.pages} pagina's, site in {ws.site_dir}")
    return BuildResult(site_dir=ws.site_dir, engine=ws.engine.name, stories=len(data.stories),
                       withheld=data.withheld, pages=generated.pages,
                       written=generated.stats,
                       timings={**progress.timings, "total": round(total, 3)})
