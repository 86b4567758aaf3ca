"""Speed and memory targets, measured on this machine (``rijk bench``).

Targets live here and not in timed tests (timed tests are flaky on a shared 2-core CI). One
module per section: :mod:`~generator.benchmarks.build`, :mod:`~generator.benchmarks.privacy`,
:mod:`~generator.benchmarks.nlp`, the form's load test (:mod:`generator.form.load`); the
synthetic corpora they share are in :mod:`~generator.benchmarks.synthetic`. The command is in
:mod:`generator.cli.bench`.
"""

from __future__ import annotations

from typing import Any

SECTIONS = ("build", "privacy", "nlp", "form")


def bench_nlp(n: int) -> dict[str, Any]:
    from generator.benchmarks.nlp import bench_nlp as run

    return run(n)


def bench_form(n: int) -> dict[str, Any]:
    from generator.form.load import run_load_benchmark

    return run_load_benchmark(n)
