"""``rijk deidentify``: de-identify text from stdin, e.g. to try a paragraph before writing it
into a story, or to see what the build would replace (``--findings``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.option("--findings", "show_findings", is_flag=True,
              help="Toon wat gevonden is (regel: soort: tekst) in plaats van de tekst.")
@click.option("--keep", multiple=True,
              help="Woorden die leesbaar blijven (naast de wijken en teams uit de taxonomie).")
@click.option("--project", "root", type=click.Path(path_type=Path, file_okay=False), default=None)
def deidentify(show_findings: bool, keep: tuple[str, ...], root: Path | None) -> None:
    """Lees tekst van stdin en schrijf de gede-identificeerde tekst naar stdout."""
    from generator.privacy import DeidentificationUnavailable, Deidentifier
    from generator.project import Project

    names: list[str] = list(keep)
    try:
        names += Project.find(root).taxonomy().readable_names()
    except Exception:  # outside a project: only the given keep words
        if root is not None:
            raise
    text = sys.stdin.read()
    try:
        deidentifier = Deidentifier(keep=names)
        if show_findings:
            for finding in deidentifier.findings(text):
                click.echo(f"{finding.line}: {finding.kind}: {finding.text}")
        else:
            click.echo(deidentifier.deidentify(text), nl=False)
    except DeidentificationUnavailable as exc:
        raise click.ClickException(f"de-identificatie kon niet draaien: {exc}") from exc


@click.group()
def privacy() -> None:
    """Privacy: rapport voor de privacy-officer en meting van de de-identificatie."""


@privacy.command("report")
@click.option("--year", type=int, default=None, help="Alleen verhalen van dit jaar.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Schrijf naar dit bestand (.md of .html); standaard privacyrapport[-JAAR].md.")
@click.option("--project", "root", type=click.Path(path_type=Path, file_okay=False), default=None)
def report(year: int | None, output: Path | None, root: Path | None) -> None:
    """Schrijf het privacyrapport (niet gepubliceerd): per verhaal wat vervangen is."""
    import markdown as md

    from generator.privacy import DeidentificationUnavailable
    from generator.privacy.keep import keep_phrases
    from generator.privacy.report import privacy_report
    from generator.privacy.residual import ConfirmationError
    from generator.project import Project

    project = Project.find(root)
    taxonomy = project.taxonomy()
    stories = project.check().stories
    try:
        text = privacy_report(project.stories_dir, project.taxonomy_dir,
                              keep_phrases(taxonomy, stories), year=year)
    except (DeidentificationUnavailable, ConfirmationError) as exc:
        raise click.ClickException(str(exc)) from exc
    target = output or Path(f"privacyrapport{f'-{year}' if year else ''}.md")
    if target.suffix.lower() in (".html", ".htm"):
        body = md.markdown(text, extensions=["tables"])
        text = ("<!doctype html>\n<html lang=\"nl\"><meta charset=\"utf-8\">"
                f"<title>Privacyrapport</title><body>{body}</body></html>\n")
    target.write_text(text, encoding="utf-8")
    click.echo(f"Privacyrapport geschreven: {target}")


@privacy.command("evaluate")
@click.argument("sets", nargs=-1, type=click.Path(path_type=Path, exists=True, dir_okay=False))
def evaluate(sets: tuple[Path, ...]) -> None:
    """Meet recall en onterechte vervanging op evaluatiesets (naast stock deduce)."""
    from generator.privacy.evaluation import (
        EvalSetError,
        compare_markdown,
        load_set,
        ours_fields,
        stock_deduce_fields,
    )
    from generator.privacy.evaluation import (
        evaluate as run,
    )

    if not sets:
        raise click.UsageError("geef één of meer sets, bijv. tests/data/privacy/heldout.yml")
    ours = ours_fields()
    for path in sets:
        try:
            eval_set = load_set(path)
        except EvalSetError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"# {path}\n")
        click.echo(compare_markdown([run(eval_set, ours, "ons"),
                                     run(eval_set, stock_deduce_fields, "stock deduce")]))
