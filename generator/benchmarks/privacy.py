"""``rijk bench --only privacy``: de-identification per story and for a whole corpus."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.benchmarks.synthetic import synthetic_stories
from generator.checks import check_corpus
from generator.project import Project


def bench_privacy(project: Project, n: int) -> dict[str, Any]:
    """De-identification of ``n`` ~300-word stories, as the build runs it: deduce's load, one
    story at a time (the added cost per story), the whole corpus cold in one ``analyse_many``
    (forked over the cores) and again warm from the per-story cache."""
    from generator.privacy import Deidentifier
    from generator.privacy.keep import keep_phrases

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
