"""Synthetic corpora for the benchmarks: the demo's own sentences, reshuffled, at any size."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

from generator.checks import check_corpus
from generator.project import Project
from generator.story import Story
from generator.storyfile import compose


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
    per_year: dict[int, int] = {}
    for index, made in enumerate(synthetic_stories(corpus, n)):
        base = by_id[made["base"]]
        number = per_year[base.year] = per_year.get(base.year, 0) + 1  # ids stay 4 digits
        story_id = f"bx-{base.year}-{number:04d}"
        path = target / "stories" / str(base.year) / f"{story_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        fields = {"id": story_id, "title": f"{base.title} ({index})", "date": base.date,
                  "author": base.author, "team": base.team,
                  "neighbourhood": base.neighbourhood, "themes": list(base.themes),
                  "values": list(base.values), "consent": True, "status": "published"}
        path.write_text(compose(fields, made["body"]), encoding="utf-8")
    return target
