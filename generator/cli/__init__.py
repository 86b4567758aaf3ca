"""The ``rijk`` command: thin wrappers over the library. Click lives in this package only;
one module per command group (``figures``, ``privacy``, ``evaluate``, ``form``, ``bench``), the
core commands (``build``, ``serve``, ``check``, ``new``) here.

Sub-commands that pull in heavy parts (spaCy, deduce, FastAPI) are imported only when used,
so ``rijk check`` stays quick and a broken optional part never breaks the others.
"""

from __future__ import annotations

import importlib
import sys
from datetime import date
from pathlib import Path

import click

from generator.build.config import ENGINES, ConfigError
from generator.project import Project

LAZY_COMMANDS = {
    "figures": "generator.cli.figures:figures",
    "init": "generator.cli.init:init",
    "select": "generator.cli.select:select",
    "deidentify": "generator.cli.privacy:deidentify",
    "privacy": "generator.cli.privacy:privacy",
    "evaluate": "generator.cli.evaluate:evaluate",
    "form": "generator.cli.form:form",
    "users": "generator.cli.form:users",
    "bench": "generator.cli.bench:bench",
}


class LazyGroup(click.Group):
    """A click group that imports a sub-command's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS:
            module_name, attr = LAZY_COMMANDS[cmd_name].split(":")
            try:
                return getattr(importlib.import_module(module_name), attr)
            except ImportError as exc:
                return _unavailable(cmd_name, exc)
        return super().get_command(ctx, cmd_name)


def _unavailable(name: str, exc: ImportError) -> click.Command:
    """A stand-in that says why a part cannot be used, instead of breaking every command."""

    def run() -> None:
        raise click.ClickException(f"'rijk {name}' is niet beschikbaar: {exc}")

    return click.Command(name, callback=run, help=f"(niet beschikbaar: {exc})")


PROJECT_OPTION = click.option(
    "--project", "root", type=click.Path(path_type=Path, file_okay=False), default=None,
    help="Projectmap (standaard: de map met rijk.yml of mkdocs.yml boven de huidige map).")


@click.group(cls=LazyGroup)
@click.version_option(package_name="rijke-verantwoording")
def main() -> None:
    """Rijke Verantwoording: verhalen van buurtteams als verantwoording naast de cijfers."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-privacy", is_flag=True, help="Sla de zoektocht naar persoonsgegevens over.")
@click.option("--no-suggestions", is_flag=True,
              help="Geen suggesties voor thema's en waarden uit de analyse.")
@PROJECT_OPTION
def check(paths: tuple[Path, ...], no_privacy: bool, no_suggestions: bool,
          root: Path | None) -> None:
    """Controleer verhalen: elke fout als pad:regel: melding, met de oplossing."""
    from generator.checking import check_with_privacy

    project = _project(root)
    targets = list(paths) or [project.stories_dir]
    missing = [p for p in targets if not p.exists()]
    for path in missing:
        click.echo(f"{path}:1: bestand of map bestaat niet.", err=True)
    result = check_with_privacy(project, [p for p in targets if p.exists()],
                                privacy=not no_privacy, suggestions=not no_suggestions)
    for problem in result.problems:
        click.echo(problem.format(Path.cwd()))
    click.echo(result.summary())
    if result.errors or missing:
        sys.exit(1)


@main.command()
@click.option("--title", prompt="Titel", help="Titel van het verhaal.")
@click.option("--neighbourhood", prompt="Wijk (sleutel of CBS-code)", help="De wijk.")
@click.option("--author", prompt="Jouw naam", help="Jouw naam (de professional).")
@click.option("--team", prompt="Team", help="Jouw team.")
@click.option("--prefix", default=None,
              help="Voorvoegsel van de id (standaard: van het stadsdeel).")
@click.option("--date", "when", default=None, help="Datum JJJJ-MM-DD (standaard: vandaag).")
@PROJECT_OPTION
def new(title: str, neighbourhood: str, author: str, team: str, prefix: str | None,
        when: str | None, root: Path | None) -> None:
    """Maak een nieuw verhaal met een vrije, vaste id (status: draft)."""
    from generator.scaffold import scaffold_story

    project = _project(root)
    try:
        day = date.fromisoformat(when) if when else date.today()
    except ValueError as exc:
        raise click.BadParameter(f"'{when}' is geen datum JJJJ-MM-DD", param_hint="--date") from exc
    try:
        path = scaffold_story(project, title=title, neighbourhood=neighbourhood, author=author,
                              team=team, day=day, prefix=prefix)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Nieuw verhaal: {path}")


ENGINE_OPTION = click.option(
    "--engine", type=click.Choice(ENGINES), default=None,
    help="mkdocs (Material) of zensical (standaard: 'engine' in rijk.yml, anders mkdocs).")


@main.command()
@click.option("--strict", is_flag=True,
              help="Stop bij elke waarschuwing (ook een ongeldig verhaal).")
@click.option("--site-dir", type=click.Path(path_type=Path), default=None,
              help="Uitvoermap (standaard: folders.site in rijk.yml, anders site/).")
@ENGINE_OPTION
@click.option("--quiet", is_flag=True, help="Alleen fouten en waarschuwingen tonen.")
@click.option("--force", is_flag=True,
              help="Bouw ook als er sinds de vorige bouw niets veranderde.")
@click.option("--pdf/--no-pdf", default=None,
              help="Maak de PDF's wel of niet (standaard: 'pdf' in rijk.yml; auto: tot 2000 "
                   "verhalen).")
@PROJECT_OPTION
def build(strict: bool, site_dir: Path | None, engine: str | None, quiet: bool, force: bool,
          pdf: bool | None, root: Path | None) -> None:
    """Bouw de site: verhalen → gegenereerde pagina's → engine → privacyscan → site/."""
    from generator.build.run import BuildError, Progress
    from generator.build.run import build as run_build

    project = _project(root)
    _build_logging(quiet)
    try:
        run_build(project, engine=engine, strict=strict, site_dir=site_dir,
                  progress=Progress(quiet=quiet), force=force, pdf=pdf)
    except BuildError as exc:
        click.echo(f"ERROR   -  {exc}", err=True)
        click.echo("Bouwen mislukt: er is niets gepubliceerd; de vorige site is ongewijzigd.",
                   err=True)
        sys.exit(1)


@main.command()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True,
              help="Adres en poort; alleen loopback (127.0.0.1, localhost, ::1).")
@ENGINE_OPTION
@PROJECT_OPTION
def serve(dev_addr: str, engine: str | None, root: Path | None) -> None:
    """Bekijk de site terwijl je schrijft: bouwt opnieuw wat veranderde, met live herladen."""
    from generator.build.run import BuildError
    from generator.build.serve import serve as run_serve

    project = _project(root)
    _build_logging(False)
    try:
        sys.exit(run_serve(project, dev_addr=dev_addr, engine=engine))
    except BuildError as exc:
        click.echo(f"ERROR   -  {exc}", err=True)
        sys.exit(1)


def _project(root: Path | None) -> Project:
    """The project, with its ``rijk.yml`` read and validated (a clear error if it is wrong)."""
    project = Project.find(root)
    try:
        project.config  # noqa: B018 - validate now, before any work
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    return project


def _build_logging(quiet: bool) -> None:
    """Warnings about stories (and the NLP's cache line) on stderr, like MkDocs did."""
    import logging

    logger = logging.getLogger("mkdocs.plugins.rijke-verantwoording")
    if not any(getattr(h, "_rijk", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._rijk = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
