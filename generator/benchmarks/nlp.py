"""``rijk bench --only nlp``: the NLP stage on n synthetic ~300-word stories, against targets.

Three runs through the real :func:`~generator.nlp.analysis.analyse` with one cache folder:
cold (every text through spaCy), warm (every text from the cache) and after one changed story
(exactly one text reprocessed). Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from generator.nlp.analysis import analyse
from generator.nlp.corpus import get_processor
from generator.nlp.labelterms import load_label_terms
from generator.nlp.schema import Document
from generator.nlp.text import load_domain_stopwords
from generator.nlp.training import training_documents

TARGET_SECONDS = 30.0
TARGET_PEAK_MB = 1536.0


def synthetic_documents(n: int, project_root: Path | None = None) -> tuple[list[Document], Path]:
    """``n`` documents made from the demo corpus by
    :func:`~generator.benchmarks.synthetic.synthetic_stories`, each with the declared labels
    of the story it was based on."""
    from generator.benchmarks.synthetic import synthetic_stories
    from generator.checks import check_corpus
    from generator.project import Project

    project = Project.find(project_root)
    corpus = [s for s in check_corpus([project.stories_dir], project.taxonomy()).stories
              if s.is_public]
    by_id = {s.id: s for s in corpus}
    documents = []
    for made in synthetic_stories(corpus, n):
        base = by_id[made["base"]]
        text = "\n\n".join(p for p in (made["title"], made["summary"], made["body"]) if p)
        documents.append(Document(id=made["id"], text=text, declared_themes=tuple(base.themes),
                                  declared_values=tuple(base.values)))
    return documents, project.taxonomy_dir


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_nlp(n: int, project_root: Path | None = None, random_state: int = 0) -> dict[str, Any]:
    """Seconds per step (cold, warm, one changed story) and peak memory, beside the targets."""
    documents, taxonomy_dir = synthetic_documents(n, project_root)
    themes = load_label_terms(taxonomy_dir, "themes")
    values = load_label_terms(taxonomy_dir, "values")
    stopwords = load_domain_stopwords(taxonomy_dir)
    training = training_documents(taxonomy_dir, themes, values)  # as the build reads it
    start = time.perf_counter()
    get_processor()
    load = time.perf_counter() - start
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as cache:
        for name, docs in (("cold", documents), ("warm", documents),
                           ("one_changed", [_changed(documents[0]), *documents[1:]])):
            start = time.perf_counter()
            analysis = analyse(docs, themes, values, Path(cache), random_state,
                               stopwords=stopwords, training=training)
            total = time.perf_counter() - start
            stats, clusters = analysis.stats, len(analysis.clusters)
            del analysis  # a build holds one analysis; the next run must not share its memory
            runs[name] = {
                "total_seconds": round(total, 2),
                "text_seconds": round(stats["text_seconds"], 2),
                "features_seconds": round(stats["features_seconds"], 2),
                "models_seconds": round(stats["models_seconds"], 2),
                "processed": stats["processed"], "cached": stats["cached"],
                "clusters": clusters,
            }
    peak = _peak_mb()
    cold = runs["cold"]["total_seconds"] + load
    return {
        "stories": n,
        "words": sum(len(d.text.split()) for d in documents),
        "pipeline_load_seconds": round(load, 2),
        **runs,
        "cold_with_load_seconds": round(cold, 2),
        "peak_rss_mb": peak,
        "target": f"≤ {TARGET_SECONDS:g} s, ≤ {TARGET_PEAK_MB:g} MB",
        "meets_target": cold <= TARGET_SECONDS and peak <= TARGET_PEAK_MB
        and runs["one_changed"]["processed"] == 1,
    }


def _changed(document: Document) -> Document:
    return Document(id=document.id, text=document.text + "\n\nEen zin die er later bij kwam.",
                    declared_themes=document.declared_themes,
                    declared_values=document.declared_values)
