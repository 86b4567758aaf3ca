"""``rijk new``: start a story that already passes the checks.

The id is chosen from every id ever written in ``stories/`` (also drafts and broken files),
one above the highest for the prefix and year, so ids are never reused.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.checks import ids_in_files, ids_in_git_history, next_id
from generator.project import Project
from generator.storyfile import compose
from generator.taxonomy import Neighbourhood

STADSDEEL_PREFIX = {
    "Centrum": "ce",
    "Westpoort": "wp",
    "West": "we",
    "Zuid": "zu",
    "Oost": "oo",
    "Noord": "no",
    "Nieuw-West": "nw",
    "Zuidoost": "zo",
}

BODY_TEMPLATE = """Schrijf hier in gewone taal wat er gebeurde, wat jullie deden en wat het
opleverde voor de bewoner, de buurt of het beleid. Noem bewoners niet bij naam: schrijf
"een moeder van drie" of "een oudere buurman".
"""


def prefix_for_stadsdeel(stadsdeel: str) -> str:
    """The id prefix of a stadsdeel ("Zuidoost" → "zo"); "vh" for one outside the list."""
    return STADSDEEL_PREFIX.get(stadsdeel, "vh")


def prefix_for_neighbourhood(hood: Neighbourhood) -> str:
    """The wijk's own ``prefix`` (written by ``rijk init``), else its stadsdeel's."""
    return hood.prefix or prefix_for_stadsdeel(hood.stadsdeel)


def prefix_for(project: Project, neighbourhood_key: str) -> str:
    return prefix_for_neighbourhood(project.taxonomy().neighbourhoods[neighbourhood_key])


def story_path(project: Project, story_id: str, year: int) -> Path:
    """Where a story with this id lives: ``stories/<year>/<id>.md``, always inside stories/."""
    return project.stories_dir / str(year) / f"{story_id}.md"


def scaffold_story(project: Project, *, title: str, neighbourhood: str, author: str, team: str,
                   day: date, prefix: str | None = None, status: str = "draft") -> Path:
    """Write a new story file with a fresh id and return its path."""
    for label, option, value in (("titel", "title", title), ("naam", "author", author),
                                 ("team", "team", team)):
        if not value or not value.strip():
            raise ValueError(f"de {label} is leeg; geef er een met --{option} \"...\".")
        if "\n" in value or "\r" in value:
            raise ValueError(f"de {label} mag geen regeleinde bevatten; schrijf hem op één regel.")
    title, author, team = title.strip(), author.strip(), team.strip()
    taxonomy = project.taxonomy()
    key = taxonomy.resolve_neighbourhood(neighbourhood)
    if key is None:
        raise ValueError(f"onbekende wijk '{neighbourhood}': gebruik een sleutel uit "
                         "taxonomy/neighbourhoods.yml of een CBS-code")
    prefix = (prefix or prefix_for(project, key)).lower()
    used = ids_in_files([project.stories_dir]) | ids_in_git_history(project.stories_dir)
    story_id = next_id(used, prefix, day.year)
    path = story_path(project, story_id, day.year)
    fields = {"id": story_id, "title": title, "date": day, "author": author, "team": team,
              "neighbourhood": key, "themes": [], "values": [], "domains": [],
              "consent": False, "status": status, "summary": ""}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite a story
        handle.write(compose(fields, BODY_TEMPLATE, empty=("summary",)))
    return path
