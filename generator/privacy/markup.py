"""Markup that hides a name from the name rules, blanked out before they read the text.

Writers put emphasis in the middle of a name and its cue ("*mevrouw* *bakker*",
"_de vries_", "<em>Bakker</em>") or join names with an underscore as in user names
("Jan_Jansen"). Python's ``\\b`` and our tokenizer treat ``_`` as a letter and ``*`` as a
break between cue and name, so the name rules saw no name. The name rules therefore read a
*masked* copy of the text in which such markup is replaced by spaces. The copy has exactly the
same length, so every span found in it fits the original text unchanged; the patterns for
e-mail addresses and web addresses read the original, where an underscore belongs to the
address.
"""

from __future__ import annotations

import re

from generator.privacy.model import Span

EMPHASIS = re.compile(r"[*_~`]+")
"""Markdown emphasis, strike-through and code-span delimiters, and the underscore of user
names."""
INLINE_TAG = re.compile(r"</?(?:em|strong|b|i|u|s|mark|span|small|sup|sub|code|del|ins)\s*/?>",
                        re.I)
"""Inline HTML tags without attributes; a tag with attributes stays, so an attribute value
("title=\"Jan Bakker\"") is still read by the name rules."""


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def mask_markup(text: str) -> str:
    """``text`` with emphasis markup and attribute-less inline tags replaced by spaces.

    Shape: ``len(mask_markup(text)) == len(text)`` always, so offsets are shared."""
    if not any(ch in text for ch in "*_~`<"):
        return text
    return EMPHASIS.sub(_blank, INLINE_TAG.sub(_blank, text))


_JOINED_BEFORE = re.compile(r"[^\W_]+_$")
_JOINED_AFTER = re.compile(r"_[^\W_]+")


def widen_over_underscores(spans: list[Span], text: str) -> list[Span]:
    """A name that is part of an underscore-joined word ("jan_jansen", "Jan_Jansen_1980")
    takes the whole word: a user name made of a name is the name. Other spans are kept."""
    out = []
    for span in spans:
        start, end = span.start, span.end
        if span.kind == "naam" and "_" in text[max(0, start - 1):end + 1]:
            while (match := _JOINED_BEFORE.search(text, max(0, start - 64), start)) is not None \
                    and match.end() == start:
                start = match.start()
            while (match := _JOINED_AFTER.match(text, end)) is not None:
                end = match.end()
        out.append(Span(start, end, span.kind) if (start, end) != (span.start, span.end)
                   else span)
    return out


_MARKUP_RUN = re.compile(r"[*~`]+|" + INLINE_TAG.pattern, re.I)


def split_at_markup(spans: list[Span], text: str) -> list[Span]:
    """A name found across emphasis ("**Ahmed** Benali") is replaced part by part, so the
    markup stays whole: "**[naam]** [naam]", not "**[naam]" with the closing ``**`` lost.
    Underscores are left alone: "Jan_Jansen" is one user name."""
    out = []
    for span in spans:
        found = text[span.start:span.end]
        if span.kind != "naam" or not _MARKUP_RUN.search(found):
            out.append(span)
            continue
        cursor = span.start
        for match in _MARKUP_RUN.finditer(found):
            _add_trimmed(out, text, cursor, span.start + match.start(), span.kind)
            cursor = span.start + match.end()
        _add_trimmed(out, text, cursor, span.end, span.kind)
    return out


def _add_trimmed(out: list[Span], text: str, start: int, end: int, kind: str) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        out.append(Span(start, end, kind))
