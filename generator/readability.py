"""Is a summary readable at language level B1? Flesch-Douma plus sentence length.

Residents read the summaries (wijk pages, the wijkbericht on the noticeboard), so ``rijk
check`` warns when a published story's summary is above B1. Two measures, because each alone
misses texts: the Flesch reading ease adapted to Dutch by Douma (1960),
``206.835 - 0.93 * words/sentence - 77 * syllables/word`` (textstat with ``lang="nl"``,
syllables from pyphen's Dutch hyphenation), and the plain-language rules for B1 texts
(Rijksoverheid, *Direct Duidelijk*; Stichting Makkelijk Lezen): on average at most 15 words per
sentence, none longer than 20 (the average rule applies from two sentences on: one sentence
is judged by its length).

Thresholds: a Douma score below :data:`MIN_DOUMA` (60, "redelijk makkelijk" and up is B1 in
the usual tables for Dutch), an average above :data:`MAX_AVERAGE_WORDS` or one sentence above
:data:`MAX_SENTENCE_WORDS`. A summary shorter than :data:`MIN_WORDS` is not scored: the
formula says nothing about one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_DOUMA = 60.0
MAX_AVERAGE_WORDS = 15.0
MAX_SENTENCE_WORDS = 20
MIN_WORDS = 8
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Readability:
    """Scores of one text: Douma (higher is easier; 0–100 mostly), average and longest
    sentence in words, the longest sentence itself."""

    douma: float
    average_words: float
    longest_words: int
    longest: str
    words: int
    sentences: int = 1

    @property
    def above_b1(self) -> bool:
        return self.words >= MIN_WORDS and (self.douma < MIN_DOUMA or self._long_average
                                            or self.longest_words > MAX_SENTENCE_WORDS)

    @property
    def _long_average(self) -> bool:
        return self.sentences > 1 and self.average_words > MAX_AVERAGE_WORDS

    def advice(self) -> str:
        """What to change, in Dutch, naming the measure that failed."""
        parts = []
        if self.longest_words > MAX_SENTENCE_WORDS:
            start = " ".join(self.longest.split()[:6])
            parts.append(f"de zin '{start} …' heeft {self.longest_words} woorden; knip hem in "
                         "tweeën")
        if self._long_average:
            parts.append(f"de zinnen hebben gemiddeld {self.average_words:.0f} woorden "
                         f"(B1: hooguit {MAX_AVERAGE_WORDS:.0f})")
        if self.douma < MIN_DOUMA:
            parts.append(f"de leesbaarheid (Flesch-Douma) is {int(self.douma)} (B1: "
                         f"{MIN_DOUMA:.0f} of meer); kies kortere, gewone woorden")
        return "; ".join(parts)


def sentences(text: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(text.strip())) if s]


def readability(text: str) -> Readability:
    """The scores of ``text`` (Dutch)."""
    import textstat

    found = sentences(text) or [text]
    counts = [len(_WORD.findall(s)) for s in found]
    words = sum(counts)
    longest = max(range(len(found)), key=lambda i: counts[i])
    if words == 0:
        return Readability(100.0, 0.0, 0, "", 0, len(found))
    syllables = sum(_syllables(word, textstat) for s in found for word in _WORD.findall(s))
    douma = 206.835 - 0.93 * (words / len(found)) - 77.0 * (syllables / words)
    return Readability(douma=douma, average_words=words / len(found),
                       longest_words=counts[longest], longest=found[longest], words=words,
                       sentences=len(found))


def _syllables(word: str, textstat) -> int:
    textstat.set_lang("nl")
    return max(1, textstat.syllable_count(word))
