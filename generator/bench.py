"""``rijk bench``: speed and memory targets, measured on this machine.

Targets live here and not in timed tests (timed tests are flaky on a shared 2-core CI). Each
section prints what it measured next to its target; ``--json`` gives the same as data.
"""

from __future__ import annotations

import json
import random
import re
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
    if project.config_file.exists():
        shutil.copy(project.config_file, target / "rijk.yml")
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


def timed_run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a command; its wall time and the peak RSS of its process tree (the largest
    process, from ``wait4``: the build and the engine it starts run one after the other)."""
    import os

    start = time.perf_counter()
    with open(os.devnull, "w") as sink, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=err,
                                 env={**os.environ, **(env or {})})
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - start
        if child.returncode != 0:
            err.seek(0)
            raise click.ClickException(f"{' '.join(command[:4])} … mislukt:\n"
                                       + err.read()[-2000:])
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}


def rijk_build(root: Path, engine: str, *, force: bool = False) -> dict[str, Any]:
    command = [sys.executable, "-m", "generator.cli", "build", "--quiet", "--engine", engine]
    result = timed_run([*command, "--force"] if force else command, root)
    result["pages"] = sum(1 for _ in (root / "site").rglob("index.html"))
    return result


def write_bare_project(big: Path, target: Path) -> Path:
    """The same story bodies as plain pages with a small nav and the same theme: what the
    engine alone costs, without our pipeline."""
    from generator.build.config import dump_yaml, read_mkdocs_yml

    docs = target / "docs"
    (docs / "verhalen").mkdir(parents=True)
    shutil.copytree(big / "docs", docs, dirs_exist_ok=True)
    titles = []
    for path in sorted((big / "stories").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, _, body = text.partition("\n---\n")
        title = path.stem
        titles.append(title)
        (docs / "verhalen" / f"{title}.md").write_text(f"# {title}\n\n{body}", encoding="utf-8")
    (docs / "index.md").write_text("# Home\n\nKale bouw.\n", encoding="utf-8")
    (docs / "verhalen" / "index.md").write_text(
        "# Verhalen\n\n" + "".join(f"- [{t}]({t}.md)\n" for t in titles), encoding="utf-8")
    config = read_mkdocs_yml(big / "mkdocs.yml")
    config["plugins"] = [p for p in config.get("plugins") or []
                         if not (p == "rijke-verantwoording" or
                                 (isinstance(p, dict) and "rijke-verantwoording" in p))]
    config["nav"] = [{"Home": "index.md"}, {"Verhalen": "verhalen/index.md"}]
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    (target / "mkdocs.yml").write_text(dump_yaml(config), encoding="utf-8")
    return target


def bare_build(root: Path, engine: str) -> dict[str, Any]:
    from generator.build.engines import get_engine

    shutil.rmtree(root / "site", ignore_errors=True)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    command = get_engine(engine).build_command(root / "mkdocs.yml")
    return timed_run(command, root, env={"NO_MKDOCS_2_WARNING": "1"})


def bench_build(project: Project, synthetic: int,
                engines: tuple[str, ...] = ("mkdocs", "zensical")) -> dict[str, Any]:
    """``rijk build`` of the demo (cold, nothing changed) and, for ``synthetic`` stories, side
    by side per engine: a bare engine build of the same bodies vs ``rijk build`` cold (empty
    project cache, deduce's cache present), nothing changed, and one story changed."""
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "demo"
        for name in ("taxonomy", "figures", "docs", "stories"):
            shutil.copytree(project.root / name, root / name)
        for name in ("mkdocs.yml", "rijk.yml"):
            if (project.root / name).exists():
                shutil.copy(project.root / name, root / name)
        for engine in engines:
            out[f"demo_{engine}_cold"] = rijk_build(root, engine, force=True)
            out[f"demo_{engine}_warm_forced"] = rijk_build(root, engine, force=True)
            out[f"demo_{engine}_unchanged"] = rijk_build(root, engine)
            shutil.rmtree(root / ".cache", ignore_errors=True)
        if synthetic:
            big = write_synthetic_project(project, Path(tmp) / "big", synthetic)
            bare = write_bare_project(big, Path(tmp) / "bare")
            story = sorted((big / "stories").rglob("*.md"))[synthetic // 2]
            for engine in engines:
                row: dict[str, Any] = {"bare": bare_build(bare, engine)}
                shutil.rmtree(big / ".cache" / "rijk", ignore_errors=True)
                shutil.rmtree(big / "site", ignore_errors=True)
                row["cold"] = rijk_build(big, engine)
                row["unchanged"] = rijk_build(big, engine)
                row["unchanged_forced"] = rijk_build(big, engine, force=True)
                story.write_text(story.read_text(encoding="utf-8")
                                 + f"\nEen extra zin voor de meting ({engine}).\n",
                                 encoding="utf-8")
                row["one_changed"] = rijk_build(big, engine)
                base = row["bare"]["seconds"]
                row["ratios"] = {k: round(row[k]["seconds"] / base, 2) for k in
                                 ("cold", "unchanged", "unchanged_forced", "one_changed")}
                row["peak_rss_mb"] = max(v["peak_rss_mb"] for v in row.values()
                                         if isinstance(v, dict) and "peak_rss_mb" in v)
                row["target"] = ("bij 10.000: koud ≤ 3× kaal, niets veranderd ≤ 1,5×, "
                                 "één veranderd ≤ 1,5×, piek ≤ 1,5 GB")
                out[f"synthetic_{synthetic}_{engine}"] = row
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
        "build": lambda: bench_build(project, build_stories, engines or ("mkdocs", "zensical")),
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
