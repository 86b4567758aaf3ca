"""Dutch compound splitting: ``schuldhulpmaatje`` → ``schuld``, ``hulp``, ``maatje``.

Dutch writes compounds as one word, so a story about a ``huurachterstandsbrief`` shares no term
with a taxonomy that says ``huur`` and ``achterstand`` unless the word is split. The method is
Koehn & Knight's frequency split (2003, "Empirical methods for compound splitting"): try every
split into known words, allow the linking ``s`` / ``e`` / ``en`` between them, and keep the split
whose parts are most frequent on average, recursively for the left part, and only if that beats
the frequency of the whole word (``boodschappen`` is not ``boodschap`` + ``pen``). Known words
and frequencies come from ``wordfreq``'s Dutch list (bundled with the package, no download); a
part must be at least :data:`MIN_PART` letters and :data:`MIN_ZIPF` frequent. The parts are
*added* to the word, never replacing it: ``mantelzorg`` stays a term and also gives ``zorg``.
"""

from __future__ import annotations

import functools
import math

MIN_WORD = 8
"""Shorter words are not split: few Dutch compounds are shorter, many false splits are."""
MIN_PART = 3
MIN_ZIPF = 3.0
"""Zipf frequency (log10 per billion words) a part must reach: ``zorg`` 5.4, ``maatje`` 4.1;
a three-letter part must reach :data:`MIN_ZIPF_SHORT` (``bus`` yes, ``dig`` no)."""
MIN_ZIPF_SHORT = 4.0
PART_PENALTY = 1.0
"""Each part beyond two costs this much of the mean: fewer, longer parts are likelier."""
LINKS = ("s", "en", "er", "e", "")
MARGIN = 0.3
"""A split must beat the whole word's own frequency by this much (``boodschappen`` stays)."""
NOT_PARTS = frozenset({
    "ver", "ont", "be", "ge", "her", "mis", "over", "onder", "door", "voor", "achter", "uit",
    "aan", "mee", "toe", "weg", "terug", "tegen", "heid", "ing", "lijk", "baar", "loos",
    "ste", "der", "ten", "ter", "den", "ers", "tje", "lijke", "lijks", "eren", "enen", "iets",
})
"""Prefixes, suffixes and function words that make a split look valid when it is not
(``ver`` + ``huurder``, ``zelf`` + ``standig`` fails anyway as ``standig`` is unknown)."""


@functools.lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("nl")


def zipf(word: str) -> float:
    """wordfreq's Zipf frequency of a Dutch word (0 for unknown words)."""
    freq = _frequencies().get(word, 0.0)
    return math.log10(freq * 1e9) if freq > 0 else 0.0


@functools.lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | NOT_PARTS


def _known(part: str) -> bool:
    if len(part) < MIN_PART or part in _function_words():
        return False
    return zipf(part) >= (MIN_ZIPF_SHORT if len(part) == MIN_PART else MIN_ZIPF)


@functools.lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The parts of a Dutch compound, left to right, or ``()`` when it is not one.

    Linking letters are dropped (``arbeidsmarkt`` → ``arbeid``, ``markt``). Deterministic and
    memoised per word.
    """
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    best: tuple[float, tuple[str, ...]] | None = None
    for i in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head = word[i:]
        if not _known(head):
            continue
        left = word[:i]
        for link in LINKS:
            if link and not left.endswith(link):
                continue
            modifier = left[: len(left) - len(link)] if link else left
            if _known(modifier):
                parts: tuple[str, ...] = (modifier, head)
            else:
                inner = split_compound(modifier)
                if not inner:
                    continue
                parts = (*inner, head)
            score = sum(zipf(p) for p in parts) / len(parts) - PART_PENALTY * (len(parts) - 2)
            if best is None or score > best[0]:
                best = (score, parts)
    return best[1] if best and best[0] > zipf(word) + MARGIN else ()
