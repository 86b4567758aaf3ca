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
