"""``rijk bench``: speed and memory targets, measured on this machine.

Targets live here and not in timed tests (timed tests are flaky on a shared 2-core CI). Each
section prints what it measured next to its target; ``--json`` gives the same as data.
"""

from __future__ import annotations

import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.checks import check_corpus
from generator.project import Project
from generator.story import Story


def synthetic_stories(stories: list[Story], n: int, seed: int = 0) -> list[dict[str, str]]:
    """``n`` stories of ~300 words made by reshuffling sentences of real ones (deterministic)."""
    rng = random.Random(seed)
    sentences = [s for story in stories for s in re.split(r"(?<=[.!?])\s+", story.body) if s]
    made = []
    for index in range(n):
        base = stories[index % len(stories)]
        words = 0
        picked: list[str] = []
        while words < 300:
            sentence = rng.choice(sentences)
            picked.append(sentence)
            words += len(sentence.split())
        made.append({"id": f"bench-{index:05d}", "title": base.title, "summary": base.summary or "",
                     "body": " ".join(picked), "base": base.id})
    return made


def write_synthetic_project(project: Project, target: Path, n: int) -> Path:
    """A copy of the project whose ``stories/`` holds ``n`` synthetic published stories."""
    for name in ("taxonomy", "figures", "docs"):
        shutil.copytree(project.root / name, target / name)
    shutil.copy(project.root / "mkdocs.yml", target / "mkdocs.yml")
    corpus = [s for s in check_corpus([project.stories_dir], project.taxonomy()).stories
              if s.is_public]
    by_id = {s.id: s for s in corpus}
    for index, made in enumerate(synthetic_stories(corpus, n)):
        base = by_id[made["base"]]
        story_id = f"bx-{base.year}-{index + 1:04d}"
        path = target / "stories" / str(base.year) / f"{story_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\nid: {story_id}\ntitle: \"{base.title.replace(chr(34), '')} ({index})\"\n"
            f"date: {base.date.isoformat()}\nauthor: {base.author}\nteam: {base.team}\n"
            f"neighbourhood: {base.neighbourhood}\nthemes: [{', '.join(base.themes)}]\n"
            f"values: [{', '.join(base.values)}]\nconsent: true\nstatus: published\n---\n\n"
            f"{made['body']}\n", encoding="utf-8")
    return target


def timed_build(root: Path, site: Path) -> dict[str, Any]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir",
                             str(site)], cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise click.ClickException("bouw mislukt:\n" + result.stderr[-2000:])
    pages = sum(1 for _ in site.rglob("index.html"))
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": round(seconds, 2), "pages": pages,
            "peak_rss_mb_children": round(usage.ru_maxrss / 1024, 1)}


def bench_build(project: Project, synthetic: int) -> dict[str, Any]:
    """Cold and warm build of the demo corpus, and optionally of a synthetic large corpus."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        for name in ("taxonomy", "figures", "docs", "stories"):
            shutil.copytree(project.root / name, root / name)
        shutil.copy(project.root / "mkdocs.yml", root / "mkdocs.yml")
        out["demo_cold"] = timed_build(root, root / "site")
        out["demo_warm"] = timed_build(root, root / "site")
        if synthetic:
            big = write_synthetic_project(project, Path(tmp) / "big", synthetic)
            out[f"synthetic_{synthetic}_cold"] = timed_build(big, big / "site")
            out[f"synthetic_{synthetic}_warm"] = timed_build(big, big / "site")
    return out


def bench_privacy(project: Project, n: int) -> dict[str, Any]:
    """De-identification of ``n`` ~300-word stories, as the build runs it: deduce's load, one
    story at a time (the added cost per story), the whole corpus cold in one ``analyse_many``
    (forked over the cores) and again warm from the per-story cache."""
    from generator.pipeline import keep_phrases
    from generator.privacy import Deidentifier

    taxonomy = project.taxonomy()
    corpus = [s for s in check_corpus([project.stories_dir], taxonomy).stories if s.is_public]
    made = [{"title": s["title"], "summary": s["summary"], "body": s["body"]}
            for s in synthetic_stories(corpus, n, seed=1)]
    keep = keep_phrases(taxonomy, corpus)
    sample = made[: min(n, 500)]
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        Deidentifier(keep=keep).deidentify("Mevrouw Jansen woont aan de Kerkstraat 12.")
        load = time.perf_counter() - start
        one_by_one = _time_each(sample, Deidentifier(keep=keep).deidentify_fields)
        cold = _timed(Deidentifier(keep=keep, cache_dir=Path(cache)).analyse_many, made)
        warm = _timed(Deidentifier(keep=keep, cache_dir=Path(cache)).analyse_many, made)
    return {"stories": n, "load_seconds": round(load, 2),
            "ms_per_story": round(1000 * one_by_one / len(sample), 2),
            "cold_total_seconds": round(cold, 2), "warm_total_seconds": round(warm, 2),
            "target": "≤ 10 ms/verhaal, 10.000 ≤ 60 s koud, ~0 warm",
            "meets_target": 1000 * one_by_one / len(sample) <= 10 and cold * 10_000 / n <= 60}


def _timed(run: Callable[[list[dict[str, str]]], Any], made: list[dict[str, str]]) -> float:
    start = time.perf_counter()
    run(made)
    return time.perf_counter() - start


def _time_each(made: list[dict[str, str]], run: Callable[[dict[str, str]], Any]) -> float:
    start = time.perf_counter()
    for story in made:
        run({"title": story["title"], "summary": story["summary"], "body": story["body"]})
    return time.perf_counter() - start


def bench_nlp(n: int) -> dict[str, Any]:
    from generator.nlp import bench_nlp as run

    return run(n)


def bench_form(n: int) -> dict[str, Any]:
    from generator.form.load import run_load_benchmark

    return run_load_benchmark(n)


SECTIONS = ("build", "privacy", "nlp", "form")


@click.command()
@click.option("--only", type=click.Choice(SECTIONS), multiple=True,
              help="Alleen deze onderdelen (meerdere keren te geven).")
@click.option("--stories", "n", default=10_000, show_default=True,
              help="Aantal synthetische verhalen voor NLP en de-identificatie.")
@click.option("--build-stories", default=1000, show_default=True,
              help="Aantal synthetische verhalen voor een grote bouw (0 = overslaan).")
@click.option("--submissions", default=50, show_default=True,
              help="Aantal gelijktijdige inzendingen via het formulier.")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.option("--project", "root", type=click.Path(path_type=Path, file_okay=False), default=None)
def bench(only: tuple[str, ...], n: int, build_stories: int, submissions: int, as_json: bool,
          root: Path | None) -> None:
    """Meet snelheid en geheugen van bouw, de-identificatie, NLP en formulier."""
    project = Project.find(root)
    chosen = only or SECTIONS
    results: dict[str, Any] = {}
    runners: dict[str, Callable[[], dict[str, Any]]] = {
        "build": lambda: bench_build(project, build_stories),
        "privacy": lambda: bench_privacy(project, n),
        "nlp": lambda: bench_nlp(n),
        "form": lambda: bench_form(submissions),
    }
    for section in chosen:
        if not as_json:
            click.echo(f"== {section} …", err=True)
        if len(chosen) > 1:  # a fresh process each, so that peak memory is the section's own
            results[section] = _in_subprocess(section, n, build_stories, submissions, project)
        else:
            results[section] = runners[section]()
        if not as_json:
            click.echo(json.dumps({section: results[section]}, ensure_ascii=False, indent=2))
    if as_json:
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))


def _in_subprocess(section: str, n: int, build_stories: int, submissions: int,
                   project: Project) -> dict[str, Any]:
    """One section in a child ``rijk bench --only SECTION --json``: its peak memory (ru_maxrss)
    is not inflated by the sections measured before it."""
    command = [sys.executable, "-m", "generator.cli", "bench", "--only", section, "--json",
               "--stories", str(n), "--build-stories", str(build_stories),
               "--submissions", str(submissions), "--project", str(project.root)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise click.ClickException(f"bench {section} faalde:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)[section]
