"""Replacing spans with Dutch placeholders, and turning spans into findings."""

from __future__ import annotations

from generator.privacy.model import PLACEHOLDERS, Finding, Span


def replace(text: str, spans: list[Span]) -> str:
    """``text`` with every (merged, non-overlapping) span replaced by its placeholder.

    Plain "[naam]" for every person keeps the text natural and is consistent by
    construction; numbering persons ("[naam 1]") reads like a form, not a story.
    """
    out: list[str] = []
    cursor = 0
    for span in sorted(spans):
        if span.start < cursor:
            continue
        out.append(text[cursor:span.start])
        out.append(PLACEHOLDERS.get(span.kind, "[persoonsgegeven]"))
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def findings(text: str, spans: list[Span]) -> list[Finding]:
    """One finding per span, with its 1-based line within ``text``."""
    return [Finding(text.count("\n", 0, s.start) + 1, s.kind, text[s.start:s.end])
            for s in sorted(spans)]
