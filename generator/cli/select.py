"""``rijk select``: record a waardenkring's or MSC panel's choice, with the reason, as a commit."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from generator.selections import KIND_LABELS, SelectionError, record_choice


@click.command("select")
@click.argument("story_id")
@click.option("--year", type=int, required=True, help="Het jaar waarover het panel koos.")
@click.option("--panel", required=True,
              help="Naam of sleutel van het panel, zoals 'Waardenkring Gaasperdam 2019'.")
@click.option("--role", "roles", multiple=True,
              help="Rol van een lid (herhaal), alleen voor een nieuw panel: bewoner, "
                   "jongerenwerker … Rollen, nooit namen.")
@click.option("--value", multiple=True, help="De waarde waarvoor het verhaal gekozen is.")
@click.option("--theme", multiple=True, help="Of: het thema.")
@click.option("--domain", multiple=True, help="Of: het domein (jeugdwet, wmo, …).")
@click.option("--reason", required=True, help="Waarom dit verhaal, in hele zinnen.")
@click.option("--considered", multiple=True, help="Id van een verhaal dat ook besproken is "
                                                  "(herhaal).")
@click.option("--date", "when", default=None, help="Datum van het gesprek, JJJJ-MM-DD "
                                                   "(standaard: vandaag).")
@click.option("--replace", is_flag=True, help="Vervang een eerdere keuze van dit panel voor "
                                              "dezelfde waarde, hetzelfde thema of domein.")
@click.option("--no-commit", is_flag=True, help="Alleen het bestand schrijven, geen commit.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Projectmap (standaard: de map met rijk.yml boven de huidige map).")
def select(story_id: str, year: int, panel: str, roles: tuple[str, ...],
           value: tuple[str, ...], theme: tuple[str, ...], domain: tuple[str, ...], reason: str,
           considered: tuple[str, ...],
           when: str | None, replace: bool, no_commit: bool, root: Path | None) -> None:
    """Leg vast welk verhaal een panel koos en waarom (selections/<jaar>.yml, één commit)."""
    from generator.cli import _project
    from generator.gitcommit import CommitError, commit_file

    given = [(k, v) for k, many in (("values", value), ("themes", theme), ("domains", domain))
             for v in many]
    if len(given) != 1:  # click keeps only the last of a repeated option: say so instead
        raise click.UsageError(
            "geef precies één --value, --theme of --domain"
            + (f" (nu {len(given)}: {', '.join(v for _, v in given)}). Een panel kiest een "
               "verhaal per waarde: roep rijk select één keer per waarde aan."
               if given else "."))
    kind, key = given[0]
    try:
        day = date.fromisoformat(when) if when else date.today()
    except ValueError as exc:
        raise click.BadParameter(f"'{when}' is geen datum JJJJ-MM-DD", param_hint="--date") from exc
    if day > date.today():
        raise click.BadParameter(f"{day.isoformat()} ligt in de toekomst; geef de dag van het "
                                 "gesprek", param_hint="--date")
    project = _project(root)
    taxonomy = project.taxonomy()
    try:
        path, text, warnings = record_choice(
            project.selections_dir, taxonomy, project.check().stories, year=year, panel=panel,
            roles=roles, kind=kind, key=key, story=story_id, reason=reason,
            considered=considered, day=day, replace=replace)
    except SelectionError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    label = getattr(taxonomy, kind)[key].label
    for warning in warnings:
        click.echo(warning.format(Path.cwd()), err=True)
    click.echo(f"Opgeslagen in {path}: {panel} koos {story_id} voor {KIND_LABELS[kind]} {label}.")
    if no_commit:
        return
    message = (f"Keuze {panel}: {story_id} voor {KIND_LABELS[kind]} {label.lower()} ({year})\n\n"
               f"{' '.join(reason.split())}\n\nVastgelegd met rijk select.")
    try:
        commit = commit_file(path, message)
    except CommitError as exc:
        click.echo(f"waarschuwing: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Vastgelegd in git: commit {commit[:10]}.")
