"""``rijk init``: a thin click wrapper over :func:`generator.init_project.init_project`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.build.config import ENGINES
from generator.init_project import InitError, init_project


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--municipality", "municipalities", multiple=True, required=True, metavar="GM….",
              help="CBS-gemeentecode, zoals GM0344 (Utrecht) of GM0080 (Leeuwarden); "
                   "herhaal voor een site met meer gemeenten.")
@click.option("--figures", "figures", multiple=True, required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CBS Kerncijfers wijken en buurten: een kwb-bestand (.xlsx of .csv) of een "
                   "StatLine-CSV; herhaal voor elk jaar.")
@click.option("--site-name", default=None, help="Naam van de site (standaard: Rijke "
                                                "Verantwoording <gemeente>).")
@click.option("--engine", type=click.Choice(ENGINES), default="mkdocs", show_default=True)
def init(directory: Path, municipalities: tuple[str, ...], figures: tuple[Path, ...],
         site_name: str | None, engine: str) -> None:
    """Maak een nieuw project voor een gemeente: wijken en cijfers uit de CBS-bestanden,
    de standaardwaarden en -thema's, een voorbeeldverhaal per gebied en een README."""
    try:
        result = init_project(directory, municipalities, figures, site_name=site_name,
                              engine=engine)
    except InitError as exc:
        for problem in exc.problems:
            click.echo(problem.format(Path.cwd()), err=True)
        sys.exit(1)
    click.echo(result.summary())
