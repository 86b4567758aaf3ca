"""The keep list: names de-identification must leave readable (one list for build, check,
form and benchmarks)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.taxonomy import Taxonomy


def keep_phrases(taxonomy: Taxonomy, stories: Iterable[Any]) -> list[str]:
    """What de-identification must leave readable: places, teams and organisations of the
    taxonomy, and the author and team of every story (anything with ``.author`` and ``.team``:
    a :class:`Story`, or the web form's index entry). One list for build, check and form.

    An author's name is kept only as a whole name of two words or more ("Marieke de
    Graaf"): a one-word author ("Jan", or a stray "a") would otherwise keep every resident
    called Jan readable in every story, and the "A" of "A. Bakker" with it. A one-word team
    name is kept unless it is a known first name or surname, for the same reason."""
    from generator.privacy.words import known_names

    stories = list(stories)
    names = known_names()
    authors = {s.author.strip() for s in stories if len((s.author or "").split()) >= 2}
    teams = {t for t in ((s.team or "").strip() for s in stories)
             if len(t.split()) >= 2 or (t and t.lower() not in names)}
    return sorted({*taxonomy.readable_names(), *authors, *teams} - {""})
