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
    a :class:`Story`, or the web form's index entry). One list for build, check and form."""
    stories = list(stories)
    return sorted({*taxonomy.readable_names(), *(s.author for s in stories),
                   *(s.team for s in stories)} - {""})
