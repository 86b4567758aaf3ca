"""``rijk figures …``: thin click wrappers over :mod:`generator.figures`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.figures.cbs import CbsError, import_cbs, load_indicator_columns


@click.group()
def figures() -> None:
    """Cijfers per wijk en jaar (figures/*.csv), bijvoorbeeld uit CBS Kerncijfers."""


@figures.command("import-cbs")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None,
              help="Jaar van de CBS-tabel (standaard: het jaartal in de bestandsnaam).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Map voor cbs-<jaar>.csv (standaard: figures/ van het project).")
@click.option("--include-buurten", is_flag=True, help="Neem ook de buurten op, niet alleen wijken.")
@click.option("--indicators", "indicators_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Indicatorenbestand (standaard: taxonomy/indicators.yml).")
@click.option("--source", default=None, help="Bronvermelding per cijfer (standaard: CBS-tabel).")
def import_cbs_command(file: Path, year: int | None, out_dir: Path | None, include_buurten: bool,
                       indicators_file: Path | None, source: str | None) -> None:
    """Lees een CBS Kerncijfers wijken en buurten-CSV en schrijf figures/cbs-<jaar>.csv."""
    from generator.project import Project

    project = Project.find()
    indicators_file = indicators_file or project.taxonomy_dir / "indicators.yml"
    if not indicators_file.exists():
        click.echo(f"{indicators_file}:1: indicatorenbestand niet gevonden; geef het op met "
                   "--indicators.", err=True)
        sys.exit(1)
    try:
        columns = load_indicator_columns(indicators_file)
        result, written = import_cbs(file, out_dir or project.figures_dir, columns, year,
                                     include_buurten=include_buurten, source=source)
    except CbsError as exc:
        for problem in exc.problems:
            click.echo(problem.format(Path.cwd()), err=True)
        sys.exit(1)
    click.echo(result.summary(_relative(written)))


def _relative(path: Path) -> Path:
    """Show paths relative to where the user is, as the other ``rijk`` commands do."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
