"""Downloads: ``data/verhalen.json``, ``data/verhalen.csv`` and ``data/clusters.json``.

Built only from the structure (so only from public, de-identified stories) and written
deterministically — sorted keys and rows, fixed number formatting — so that two builds of the
same input give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from generator.pages.structure import SiteStructure, StoryView

CSV_COLUMNS = (
    "id", "title", "date", "year", "neighbourhood", "neighbourhood_name", "cbs_code",
    "stadsdeel", "team", "author", "themes", "values", "domains", "inferred_themes",
    "inferred_values", "cluster", "url",
)


def story_record(story: StoryView, site_url: str) -> dict[str, Any]:
    st = story.public.story
    return {
        "id": story.id,
        "title": story.public.title,
        "date": st.date.isoformat(),
        "year": st.year,
        "neighbourhood": story.neighbourhood.key,
        "neighbourhood_name": story.neighbourhood.short_name,
        "cbs_code": story.neighbourhood.code,
        "stadsdeel": story.neighbourhood.stadsdeel,
        "team": st.team,
        "author": st.author,
        "themes": list(st.themes),
        "values": list(st.values),
        "domains": list(st.domains),
        "inferred_themes": _inferred(story.themes),
        "inferred_values": _inferred(story.values),
        "cluster": story.cluster,
        "summary": story.public.summary,
        "text": story.public.body,
        "url": f"{site_url}{story.url}",
    }


def _inferred(labels) -> list[dict[str, Any]]:
    return [{"key": lab.term.key, "score": round(lab.score, 4), "certainty": lab.certainty}
            for lab in sorted(labels, key=lambda lab: (-(lab.score or 0), lab.term.key))
            if lab.inferred and lab.score is not None]


def stories_json(structure: SiteStructure, site_url: str = "") -> str:
    records = [story_record(s, site_url) for s in sorted(structure.stories, key=lambda s: s.id)]
    return json.dumps({"stories": records, "source": "Rijke Verantwoording"},
                      ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def stories_csv(structure: SiteStructure, site_url: str = "") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    for story in sorted(structure.stories, key=lambda s: s.id):
        record = story_record(story, site_url)
        for key in ("themes", "values", "domains"):
            record[key] = ";".join(record[key])
        for key in ("inferred_themes", "inferred_values"):
            record[key] = ";".join(f"{i['key']}:{i['score']:.4f}" for i in record[key])
        record["cluster"] = "" if record["cluster"] is None else record["cluster"]
        writer.writerow(record)
    return buffer.getvalue()


def clusters_json(structure: SiteStructure) -> str:
    clusters = [
        {"id": c.id, "label": c.label, "terms": list(c.terms), "members": sorted(c.members),
         "representatives": list(c.representatives),
         "closest_theme": c.closest_theme, "theme_overlap": c.theme_overlap,
         "quotes": [{"story": sid, "text": text} for sid, text in c.quotes]}
        for c in structure.clusters()
    ]
    return json.dumps({"clusters": clusters}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def all_exports(structure: SiteStructure, site_url: str = "") -> dict[str, str]:
    """Download path → content."""
    return {
        "data/verhalen.json": stories_json(structure, site_url),
        "data/verhalen.csv": stories_csv(structure, site_url),
        "data/clusters.json": clusters_json(structure),
    }
