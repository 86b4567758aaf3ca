"""deduce, loaded once per process and mapped to our Dutch kinds.

Why a module-level singleton: ``deduce.Deduce()`` unpickles ~80 MB of lookup tries (about
6 s), and the very first load on a machine builds them (about a minute). Every
:class:`~generator.privacy.Deidentifier` in a process (the build, ``rijk check``, tests) shares
the one loaded model. The built tries are cached per user and deduce version under
``~/.cache/rijk/deduce/`` (or ``$RIJK_DEDUCE_CACHE``), not per build, so a machine pays the
minute once; a file lock keeps parallel processes from building it twice or reading a half
written cache.

Fail closed: any problem loading or running deduce raises
:class:`DeidentificationUnavailable`; callers publish nothing. ``RIJK_DEDUCE_FAIL=1`` injects
that failure for tests.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import threading
from pathlib import Path
from typing import Any

from generator.locks import exclusive_lock
from generator.privacy.model import Span

FAIL_ENV = "RIJK_DEDUCE_FAIL"
CACHE_ENV = "RIJK_DEDUCE_CACHE"

# deduce's own processors we do not need: we replace text ourselves, and we have no
# patient metadata for its patient-name annotator.
DISABLED = {"redactor", "patient_name"}

_lock = threading.Lock()
_model: Any = None


class DeidentificationUnavailable(RuntimeError):
    """deduce cannot be loaded or run; nothing may be published."""


def check_available() -> None:
    """Cheap check at construction time, so a fault shows before any work is done."""
    if os.environ.get(FAIL_ENV, "") not in ("", "0"):
        raise DeidentificationUnavailable(
            f"deduce is uitgeschakeld ({FAIL_ENV}={os.environ[FAIL_ENV]})")


def deduce_version() -> str:
    try:
        from importlib.metadata import version

        return version("deduce")
    except Exception:  # pragma: no cover - deduce missing
        return "missing"


def cache_path() -> Path:
    """Where the built lookup structures live: once per user and deduce version."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "rijk" / "deduce" / deduce_version()


def loaded() -> bool:
    """Whether this process holds the deduce model already (no load, no check)."""
    return _model is not None


def model() -> Any:
    """The process-wide deduce model (loaded on first use)."""
    global _model
    check_available()
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            _model = _load()
            # deduce's lookup tables are millions of long-lived objects: keep them out of the
            # cyclic collector's view, or every full collection and the interpreter's exit walk
            # them again (measured: ~10 s added to the end of every build)
            gc.freeze()
    return _model


def import_deduce() -> Any:
    """``import deduce`` without its side effect: on import it calls
    ``logging.basicConfig(stream=sys.stdout, level=DEBUG)``, which would pour every library's
    debug log into stdout (into the build log and into `rijk deidentify` output)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import deduce
    except Exception as exc:
        raise DeidentificationUnavailable(f"deduce kan niet geladen worden: {exc}") from exc
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return deduce


def _load() -> Any:
    deduce = import_deduce()
    path = cache_path()
    try:
        path.mkdir(parents=True, exist_ok=True)
        with exclusive_lock(path / ".lock"):
            return deduce.Deduce(cache_path=path)
    except Exception as exc:
        raise DeidentificationUnavailable(f"deduce kan niet geladen worden: {exc}") from exc


DATE_CONTEXT = re.compile(r"(geboren|geb\.|geboortedatum|verjaardag|jarig)\W+(\w+\W+){0,3}$",
                          re.I)
AGE_CONTEXT = re.compile(
    r"(?i)\b(?:is|was|werd|wordt|ben|word|leeftijd|van|oud|jarige?|geworden|pas|bijna|ruim)\b"
    r"|\(\s*\d|\d\s*\)")
"""An age needs a cue ("is 82", "van 15 jaar", "82 jaar oud", "(82)"); our own rules find
those too, so deduce's bare "12 jaar" (often a duration) is dropped."""
SENTENCE_BREAK = re.compile(
    r"(?<!\b[Mm]w)(?<!\b[Dd]hr)(?<!\b[Mm]evr)(?<!\b[Mm]ej)(?<!\b[Ff]am)(?<!\b[Dd]r)"
    r"(?<!\b[Mm]r)[.!?:;]\s+|\n|[ \t]+[-–—][ \t]+")
"""Where a name deduce found cannot go on: a sentence end, a new line, or a spaced dash
("KOVAČEVIĆ, Jelena - Servisch - niveau A2": the language is no part of the name)."""


def annotate(text: str) -> list[Span]:
    """deduce's annotations of ``text`` as spans of our kinds (places are left to the caller).

    Tag mapping: persoon/patient → naam; locatie with a digit → adres or postcode; a bare
    locatie is a town or neighbourhood, which is not personal data and must stay readable: it
    comes back as "plaats", which only stops the name rules from calling it a person;
    ziekenhuis/zorginstelling are organisations, not persons: they come back as
    "instelling", a veto like "plaats";
    datum → geboortedatum when "geboren" is close before it, else datum (still
    redacted: a full date with a year narrows a person down); unknown tags → persoonsgegeven.
    """
    if not text.strip():
        return []
    try:
        doc = model().deidentify(text, disabled=DISABLED)
        annotations = list(doc.annotations)
    except DeidentificationUnavailable:
        raise
    except Exception as exc:
        raise DeidentificationUnavailable(f"deduce faalde op een tekst: {exc}") from exc
    spans: list[Span] = []
    for ann in annotations:
        kind = _kind(ann.tag, ann.text, text[:ann.start_char])
        if kind is None:
            continue
        if kind == "leeftijd" and not AGE_CONTEXT.search(
                text[max(0, ann.start_char - 25):ann.end_char + 15]):
            continue  # "12 jaar in dezelfde fabriek": a duration, not an age
        if kind == "naam":
            spans.extend(_split_sentences(ann.start_char, ann.end_char, text))
        elif kind == "adres" and _not_a_street(ann.text):
            continue  # "Lijn 9", "groep 7": a bus line or a class, not an address
        elif kind in ("adres", "postcode"):
            spans.append(Span(ann.start_char, _without_city(text, ann.start_char,
                                                            ann.end_char), kind))
        else:
            spans.append(Span(ann.start_char, ann.end_char, kind))
    return spans


def _not_a_street(found: str) -> bool:
    """Whether an address deduce found begins with a word of ``data/not_streets.txt``
    followed by a number only ("Lijn 9 rijdt", "in groep 7")."""
    from generator.privacy.words import not_streets

    match = re.fullmatch(r"([^\W\d_]+)\s+\d+[a-zA-Z]?", found.strip())
    return bool(match) and match.group(1).lower() in not_streets()


def _kind(tag: str, found: str, before: str) -> str | None:
    tag = tag.lower()
    if "persoon" in tag or "patient" in tag:
        return "naam"
    if "locatie" in tag:
        if not any(ch.isdigit() for ch in found):
            return "plaats"  # a veto for the name rules, never redacted (see resolve)
        if re.fullmatch(r"\d{4}\s?[A-Za-z]{2}", found.strip()):
            return "postcode"
        return "adres"
    if tag in ("ziekenhuis", "zorginstelling", "instelling"):
        return "instelling"  # a veto like "plaats": "in het Martini" is a hospital
    if tag == "pseudo_name":
        return None
    if tag == "datum":
        return "geboortedatum" if DATE_CONTEXT.search(before[-60:]) else "datum"
    return {"leeftijd": "leeftijd", "bsn": "bsn", "id": "nummer",
            "telefoonnummer": "telefoonnummer", "emailadres": "e-mailadres",
            "url": "website"}.get(tag, "persoonsgegeven")


def _split_sentences(start: int, end: int, text: str) -> list[Span]:
    """deduce sometimes joins names across a full stop ("Wilhelmus. Meneer Kaya"): split."""
    spans, cursor = [], start
    for brk in SENTENCE_BREAK.finditer(text, start, end):
        if brk.start() > cursor:
            spans.append(Span(cursor, brk.start(), "naam"))
        cursor = brk.end()
    if end > cursor:
        spans.append(Span(cursor, end, "naam"))
    return spans


def _without_city(text: str, start: int, end: int) -> int:
    """The end of an address without the town after it ("1104 AB Amsterdam", "2514 GL DEN
    HAAG"): the town is not personal data and stays readable; the rest keeps its digits."""
    from generator.privacy.words import dutch_places

    found = text[start:end]
    match = re.search(r"(?:[ \t,]+[^\W\d_][\w'’\-]*)+$", found)
    while match:
        tail = match.group(0).strip(" \t,")
        words = tail.split()
        for k in range(len(words)):
            if " ".join(words[k:]).lower().replace("’", "'") in dutch_places():
                cut = found.rstrip().rfind(" ".join(words[k:]))
                head = found[:cut].rstrip(" \t,")
                if any(ch.isdigit() for ch in head):
                    return start + len(head)
        break
    return end
