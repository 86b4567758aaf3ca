"""Residents' reactions to a story or a wijk: the approved ones, as files in git.

A resident responds under a story or wijk page (no account). The form server puts the
reaction in a private moderation queue (never in git, see :mod:`generator.form.reactions`); a
coordinator approves it, and only then is it committed here, already de-identified, one file
per reaction::

    # reactions/zo-2019-003/2019-12-04-5f2c9a1b.yml
    story: zo-2019-003          # or: wijk: driemond
    date: 2019-12-04
    text: "Mooi dat dit gelukt is. Bij ons in de straat zoeken ze ook nog iemand."

The build de-identifies the text once more (a second line of defence) and shows it under the
story or wijk page. The name a resident may give is never written here: it stays in the queue
for the coordinator and is deleted with it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.problems import Problem
from generator.story import Story
from generator.taxonomy import Taxonomy, suggest

MAX_TEXT = 1000
"""Characters in one reaction (the form refuses more; a file with more is an error)."""
FIELDS = ("story", "wijk", "date", "text")


@dataclass(frozen=True)
class Reaction:
    """One approved reaction: about a story (``story`` id) or a wijk (``wijk`` key)."""

    about: str
    kind: str
    """``story`` or ``wijk``."""
    day: date
    text: str
    path: str = ""


@dataclass
class Reactions:
    reactions: list[Reaction] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


def reaction_files(folder: Path) -> list[Path]:
    folder = Path(folder)
    return sorted(p for p in folder.rglob("*.y*ml") if p.is_file()) if folder.is_dir() else []


def load_reactions(folder: Path, taxonomy: Taxonomy, stories: Iterable[Story]) -> Reactions:
    """Every reaction file of ``folder``, validated; a reaction to a story that is not public
    (any more) is left out silently: a withdrawn story takes its reactions with it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    public = {s.id for s in stories if s.is_public}
    known = {s.id for s in stories}
    result = Reactions()
    for path in reaction_files(folder):
        result.files += 1
        where = str(path)
        try:
            text = path.read_text(encoding="utf-8")
            data = YAML(typ="rt").load(text)
        except ValueError as exc:  # an impossible date (2019-13-45) while loading
            from generator.selections import impossible_date

            line, typed = impossible_date(text) if "text" in locals() else (1, "")
            result.problems.append(Problem(where, line, (
                f"'{typed}' is geen bestaande datum; schrijf JJJJ-MM-DD." if typed else
                f"geen geldige reactie ({exc}); herstel het bestand of haal het weg.")))
            continue
        except (OSError, YAMLError) as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
            detail = " ".join(str(exc).split())[:200]
            result.problems.append(Problem(where, line, f"geen geldige reactie ({detail}); "
                                           "herstel het bestand of haal het weg."))
            continue
        reaction, problems = _reaction(data, where, taxonomy, known)
        result.problems += problems
        if reaction is not None and (reaction.kind == "wijk" or reaction.about in public):
            result.reactions.append(reaction)
    result.reactions.sort(key=lambda r: (r.day, r.path))
    return result


def _reaction(data: Any, where: str, taxonomy: Taxonomy,
              known: set[str]) -> tuple[Reaction | None, list[Problem]]:
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, [Problem(where, 1, "een reactie heeft 'story:' of 'wijk:', 'date:' en "
                              "'text:'.")]

    def line(key: str) -> int:
        try:
            return int(data.lc.key(key)[0]) + 1
        except (AttributeError, KeyError, TypeError):
            return 1

    for key in data:
        if key not in FIELDS:
            problems.append(Problem(where, line(key), f"onbekende sleutel '{key}'; toegestaan: "
                                    f"{', '.join(FIELDS)}."))
    story, wijk = data.get("story"), data.get("wijk")
    if (story is None) == (wijk is None):
        problems.append(Problem(where, 1, "geef precies één van 'story:' (een id) of 'wijk:' "
                                "(een sleutel uit neighbourhoods.yml)."))
    elif story is not None and str(story) not in known:
        problems.append(Problem(where, line("story"), f"onbekend verhaal '{story}'."
                                f"{suggest(str(story), sorted(known))}"))
    elif wijk is not None and str(wijk) not in taxonomy.neighbourhoods:
        problems.append(Problem(where, line("wijk"), f"onbekende wijk '{wijk}'."
                                f"{suggest(str(wijk), list(taxonomy.neighbourhoods))}"))
    day = data.get("date")
    if not isinstance(day, date):
        problems.append(Problem(where, line("date"), f"'{day}' is geen datum; schrijf "
                                "JJJJ-MM-DD."))
    raw_text = data.get("text")
    text = " ".join(str(raw_text or "").split()) if isinstance(raw_text, str | None) else ""
    if raw_text is not None and not isinstance(raw_text, str):
        problems.append(Problem(where, line("text"), "de reactie moet gewone tekst zijn, geen "
                                "lijst of tabel: text: \"…\""))
    elif not text:
        problems.append(Problem(where, line("text"), "de reactie is leeg."))
    elif len(text) > MAX_TEXT:
        problems.append(Problem(where, line("text"), f"de reactie heeft {len(text)} tekens; "
                                f"hooguit {MAX_TEXT}."))
    if problems:
        return None, problems
    kind = "story" if story is not None else "wijk"
    return Reaction(about=str(story if story is not None else wijk), kind=kind, day=day,
                    text=text, path=where), problems


def reaction_file(*, kind: str, about: str, day: date, text: str) -> tuple[str, str]:
    """``(relative path, YAML text)`` of an approved reaction (text already de-identified)."""
    from ruamel.yaml import YAML

    text = " ".join(text.split())
    digest = hashlib.sha256(f"{kind}:{about}:{day}:{text}".encode()).hexdigest()[:8]
    out = io.StringIO()
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.dump({kind: about, "date": day, "text": text}, out)
    return f"{about}/{day.isoformat()}-{digest}.yml", out.getvalue()
