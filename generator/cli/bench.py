"""``rijk bench``: prints what :mod:`generator.benchmarks` measured next to its target;
``--json`` gives the same as data."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.benchmarks import SECTIONS, bench_form, bench_nlp
from generator.benchmarks.build import BenchmarkError, bench_build
from generator.benchmarks.privacy import bench_privacy
from generator.project import Project


def _checked(run: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    try:
        return run(*args)
    except BenchmarkError as exc:
        raise click.ClickException(str(exc)) from exc




@click.command()
@click.option("--only", type=click.Choice(SECTIONS), multiple=True,
              help="Alleen deze onderdelen (meerdere keren te geven).")
@click.option("--stories", "n", default=10_000, show_default=True,
              help="Aantal synthetische verhalen voor NLP en de-identificatie.")
@click.option("--build-stories", default=1000, show_default=True,
              help="Aantal synthetische verhalen voor een grote bouw (0 = overslaan).")
@click.option("--submissions", default=50, show_default=True,
              help="Aantal gelijktijdige inzendingen via het formulier.")
@click.option("--engine", "engines", type=click.Choice(("mkdocs", "zensical")), multiple=True,
              help="Engine(s) voor de bouwmeting (standaard beide).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.option("--project", "root", type=click.Path(path_type=Path, file_okay=False), default=None)
def bench(only: tuple[str, ...], n: int, build_stories: int, submissions: int,
          engines: tuple[str, ...], as_json: bool, root: Path | None) -> None:
    """Meet snelheid en geheugen van bouw, de-identificatie, NLP en formulier."""
    project = Project.find(root)
    chosen = only or SECTIONS
    results: dict[str, Any] = {}
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "build": lambda: _checked(bench_build, project, build_stories,
                                  engines or ("mkdocs", "zensical")),
        "privacy": lambda: bench_privacy(project, n),
        "nlp": lambda: bench_nlp(n),
        "form": lambda: bench_form(submissions),
    }
    for section in chosen:
        if not as_json:
            click.echo(f"== {section} …", err=True)
        if len(chosen) > 1:  # a fresh process each, so that peak memory is the section's own
            results[section] = _in_subprocess(section, n, build_stories, submissions, project,
                                              engines)
        else:
            results[section] = runners[section]()
        if not as_json:
            click.echo(json.dumps({section: results[section]}, ensure_ascii=False, indent=2))
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))


def _in_subprocess(section: str, n: int, build_stories: int, submissions: int,
                   project: Project, engines: tuple[str, ...] = ()) -> dict[str, Any]:
    """One section in a child ``rijk bench --only SECTION --json``: its peak memory (ru_maxrss)
    is not inflated by the sections measured before it."""
    command = [sys.executable, "-m", "generator.cli", "bench", "--only", section, "--json",
               "--stories", str(n), "--build-stories", str(build_stories),
               "--submissions", str(submissions), "--project", str(project.root),
               *(arg for engine in engines for arg in ("--engine", engine))]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise click.ClickException(f"bench {section} faalde:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)[section]
