"""``rijk figures …``: thin click wrappers over :mod:`generator.figures`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.figures.cbs import CbsError, import_cbs, load_indicator_columns
from generator.figures.codes import code_changes, municipality_codes
from generator.taxonomy import TaxonomyError, taxonomy_file


@click.group()
def figures() -> None:
    """Cijfers per wijk en jaar (figures/*.csv), bijvoorbeeld uit CBS Kerncijfers."""


@figures.command("import")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, default=None,
              help="Jaar van de CBS-tabel (standaard: het jaartal in de bestandsnaam).")
@click.option("--municipality", "municipalities", multiple=True, metavar="GM….",
              help="Gemeente(n) om uit een landelijk CBS-bestand te halen, zoals GM0344 "
                   "(standaard: de gemeenten van taxonomy/neighbourhoods.yml).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Map voor cbs-<jaar>.csv (standaard: figures/ van het project).")
@click.option("--include-buurten", is_flag=True, help="Neem ook de buurten op, niet alleen wijken.")
@click.option("--indicators", "indicators_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Indicatorenbestand (standaard: taxonomy/indicators.yml).")
@click.option("--source", default=None, help="Bronvermelding per cijfer (standaard: CBS-tabel).")
def import_command(files: tuple[Path, ...], year: int | None, municipalities: tuple[str, ...],
                   out_dir: Path | None, include_buurten: bool, indicators_file: Path | None,
                   source: str | None) -> None:
    """Lees CBS Kerncijfers wijken en buurten (StatLine-CSV, of CBS' kwb-bestand als .xlsx of
    .csv) en schrijf per jaar figures/cbs-<jaar>.csv. Meldt per indicator hoeveel wijken een
    cijfer hebben; wat CBS (nog) niet publiceerde blijft leeg, nooit 0."""
    from generator.project import Project

    project = Project.find()
    indicators_file = indicators_file or taxonomy_file(project.taxonomy_dir, "indicators.yml")
    if not indicators_file.exists():
        click.echo(f"{indicators_file}:1: indicatorenbestand niet gevonden; geef het op met "
                   "--indicators.", err=True)
        sys.exit(1)
    neighbourhoods = {}
    try:
        if (project.taxonomy_dir / "neighbourhoods.yml").exists():
            neighbourhoods = project.taxonomy().neighbourhoods
    except TaxonomyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    chosen = (list(municipalities) or project.config.municipalities
              or municipality_codes(neighbourhoods.values()))
    failed = False
    target_dir = out_dir or project.figures_dir
    for file in files:
        before = {p.name: p.read_bytes() for p in target_dir.glob("cbs-*.csv")} \
            if target_dir.is_dir() else {}
        try:
            columns = load_indicator_columns(indicators_file)
            result, written = import_cbs(file, target_dir, columns, year,
                                         include_buurten=include_buurten, source=source,
                                         municipalities=chosen)
        except CbsError as exc:
            for problem in exc.problems:
                click.echo(problem.format(Path.cwd()), err=True)
            failed = True
            continue
        click.echo(result.summary(_relative(written)))
        if written.name in before and before[written.name] != written.read_bytes():
            click.echo(f"{_relative(written)}: bestond al en is vervangen door de cijfers uit "
                       f"{file.name} (het oude bestand staat in git).", err=True)
        keep_source(file, target_dir / "bron")
        for change in code_changes(neighbourhoods, result.names):
            click.echo(f"{_relative(file)}:1: waarschuwing: {change.message()}", err=True)
    if failed:
        sys.exit(1)


# The name before `rijk figures import` read kwb files; kept so scripts keep working.
figures.add_command(import_command, "import-cbs")


def keep_source(file: Path, folder: Path) -> None:
    """A copy of the CBS file as published in ``figures/bron/``, so every figure can be traced
    back to the file it came from (as ``rijk init`` does)."""
    import shutil

    target = folder / file.name
    if target.resolve() == file.resolve():
        return
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(file, target)


def _relative(path: Path) -> Path:
    """Show paths relative to where the user is, as the other ``rijk`` commands do."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
