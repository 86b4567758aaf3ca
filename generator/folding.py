"""Diacritics folding, shared by the search index and the de-identifier.

Residents type "client" for "cliënt"; a story writes "Celik" two lines after "Çelik". Both
need the same operation: Unicode NFD, combining marks removed.
"""

from __future__ import annotations

import unicodedata


def fold(word: str) -> str:
    """The word without diacritics (Unicode NFD, combining marks removed): "cliënt" → "client".
    A dotless ı stays ı (it has no combining mark); callers that want "i" replace it first."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
