"""``rijk evaluate``: cross-validated label quality and cluster quality, as a table or JSON.

It evaluates what the site would publish: the stories that pass the publication gate, after
de-identification. When de-identification cannot run (the privacy part is missing or broken)
it says so and evaluates the gated stories' own text instead: evaluation publishes nothing, and
its output holds only label keys and numbers, never story text or ids.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from generator.project import Project


@click.command()
@click.option("--folds", default=5, show_default=True, help="Aantal delen voor kruisvalidatie.")
@click.option("--random-state", default=0, show_default=True, help="Vast zaad voor het toeval.")
@click.option("--against", "against", type=click.Path(path_type=Path, exists=True,
              file_okay=False), default=None,
              help="Map met verhalen die het model nooit zag, met thema's en waarden in de "
                   "front-matter: toets daarop in plaats van (naast) de kruisvalidatie.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.option("--project", "root", type=click.Path(path_type=Path, file_okay=False), default=None)
def evaluate(folds: int, random_state: int, against: Path | None, as_json: bool,
             root: Path | None) -> None:
    """Toets de gevonden thema's en waarden tegen de keuzes van de auteurs."""
    from generator.nlp import evaluate as run_evaluation
    from generator.nlp import load_domain_stopwords, load_label_terms
    from generator.nlp.evaluation import evaluate_against
    from generator.nlp.training import TrainingDataError, training_documents

    project = Project.find(root)
    documents, source = _documents(project)
    if not documents:
        raise click.ClickException("geen gepubliceerde verhalen om te evalueren")
    themes = load_label_terms(project.taxonomy_dir, "themes")
    values = load_label_terms(project.taxonomy_dir, "values")
    stopwords = load_domain_stopwords(project.taxonomy_dir)
    try:
        training = training_documents(project.taxonomy_dir, themes, values)
    except TrainingDataError as exc:
        raise click.ClickException(str(exc)) from exc
    cache = project.cache_dir / "nlp"
    evaluation = run_evaluation(documents, themes, values, cache_dir=cache,
                                random_state=random_state, folds=folds, stopwords=stopwords,
                                training=training)
    held_out = None
    if against is not None:
        try:
            held_out = evaluate_against(
                documents, _held_out(project, against), themes, values, cache,
                random_state, stopwords=stopwords, training=training, source=str(against))
        except ValueError as exc:
            raise click.ClickException(f"{against}: {exc}") from exc
    if as_json:
        out = {"source": source, **evaluation.as_dict()}
        if held_out is not None:
            out["against"] = held_out.as_dict()
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(f"Bron: {source}")
        click.echo(evaluation.as_table())
        if held_out is not None:
            click.echo("")
            click.echo(held_out.as_table())


def _held_out(project: Project, folder: Path) -> list:
    """The stories of ``folder`` as documents with their declared labels (their text as
    written: a test set holds no personal data); a file with errors stops with its message."""
    from generator.checks import check_corpus
    from generator.nlp import Document

    result = check_corpus([folder], project.taxonomy())
    errors = [p for p in result.problems if p.is_error]
    if errors:
        raise click.ClickException("\n".join(p.format(Path.cwd()) for p in errors[:20]))
    return [Document(id=s.id, text=s.text_for_analysis(), declared_themes=tuple(s.themes),
                     declared_values=tuple(s.values)) for s in result.stories]


def _documents(project: Project) -> tuple[list, str]:
    """The gated stories as NLP documents, de-identified when possible."""
    from generator.nlp import Document
    from generator.pipeline import PipelinePaths, PublicationError, gate, prepare

    paths = PipelinePaths(stories=project.stories_dir, taxonomy=project.taxonomy_dir,
                          figures=project.figures_dir, cache=project.cache_dir)
    try:
        data = prepare(paths, nlp=False)
    except PublicationError as exc:
        click.echo(f"Let op: {exc} De evaluatie gebruikt daarom de tekst van de gepubliceerde "
                   "verhalen zelf; er wordt niets gepubliceerd en alleen cijfers getoond.",
                   err=True)
        public, _ = gate(project.check().stories)
        return [Document(id=s.id, text=s.text_for_analysis(), declared_themes=tuple(s.themes),
                         declared_values=tuple(s.values)) for s in public], (
            "gepubliceerde verhalen (niet ge-de-identificeerd)")
    return [Document(id=s.id, text=s.analysis_text(), declared_themes=tuple(s.story.themes),
                     declared_values=tuple(s.story.values)) for s in data.stories], (
        "gepubliceerde, ge-de-identificeerde verhalen")
