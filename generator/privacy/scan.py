"""Verify the output, not the intent: look for the sources' personal data in the built site.

:func:`collect_needles` gathers what de-identification found in every source story (drafts
too: a draft's resident may be named in a published story that deduce could not read), and
:func:`scan_site` searches every text file of ``site/`` for it with one compiled regex.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from generator.privacy.model import SiteHit
from generator.privacy.resolve import strong_title_before
from generator.privacy.rules import TOKEN
from generator.privacy.words import (
    NOT_NAMES,
    PARTICLES,
    TITLES,
    known_names,
    ordinary_words,
    plain_words,
    word_frequency,
)

if TYPE_CHECKING:
    from generator.privacy.deidentifier import Deidentifier

NEEDLE_KINDS = {"naam", "adres", "postcode", "telefoonnummer", "e-mailadres", "bsn",
                "rekeningnummer", "nummer", "kenteken", "geboortedatum", "website",
                "gebruikersnaam", "persoonsgegeven"}
"""Kinds worth scanning for. Not "datum" (the site shows story dates itself) and not
"leeftijd" (a bare number would match everywhere)."""

TEXT_SUFFIXES = {".html", ".htm", ".js", ".mjs", ".json", ".xml", ".csv", ".tsv", ".txt",
                 ".svg", ".css", ".md", ".webmanifest", ".map", ".yml", ".yaml", ".ics"}
MIN_LENGTH = 4
EVERYDAY_ZIPF = 5.0
"""A single word at or above this Zipf frequency (wordfreq, Dutch: about the 1,000 most
frequent words, e.g. "kinderen" 5.8, "kamer" 5.3, "groot" 5.6) is no needle on its own, even
if it is also a surname; real surnames that are also words stay below it ("Bakker" 4.3,
"Visser" 4.1, "Smit" 4.0)."""
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def collect_needles(deidentifier: Deidentifier,
                    texts: Iterable[str | Mapping[str, str]],
                    origins: Sequence[str] | None = None) -> dict[str, str]:
    """The personal data found in all source stories, minus what would only cause false
    alarms: short strings, keep phrases and their words, and single ordinary Dutch words
    ("Pas", "Visser"); for those the form of address is kept instead ("mevrouw Visser").

    Returns ``{needle: origin}``: ``origins[i]`` (a source file, say) of the first text the
    needle was found in, or ``""`` without ``origins``, so a scan hit can say which story
    to look at."""
    stories = [{"text": t} if isinstance(t, str) else dict(t) for t in texts]
    labels = list(origins) if origins is not None else [""] * len(stories)
    if len(labels) != len(stories):
        raise ValueError(f"{len(labels)} origins for {len(stories)} texts")
    keep = {k.lower() for k in deidentifier.keep}
    keep_words = {w.lower() for k in deidentifier.keep for w in k.split()}
    inside_keep = _word_runs(keep)
    common = plain_words() | NOT_NAMES | PARTICLES | TITLES | keep_words
    ordinary = ordinary_words()
    names = known_names()
    needles: dict[str, str] = {}
    seen: set[str] = set()

    def add(needle: str, origin: str) -> None:
        needle = " ".join(needle.split()).strip(" .,;:-")
        if needle in seen:  # at 10,000 stories the same name is offered thousands of times
            return
        seen.add(needle)
        lower = needle.lower()
        if len(needle) < MIN_LENGTH or lower in keep or lower in keep_words:
            return
        words = [w.lower() for w in TOKEN.findall(needle)]
        if words and not any(ch.isdigit() for ch in needle) and all(w in common for w in words):
            return  # common words ("Bij de", "Via de Wmo") never fail a build
        if needle.islower() and " " not in needle and (
                lower in ordinary or word_frequency(lower) >= 3.0):
            return  # a lower-case word that is also a Dutch word ("koos"): never a needle
        if " " not in needle and (word_frequency(lower) >= EVERYDAY_ZIPF or (
                lower not in names and word_frequency(lower) >= 3.0)):
            # One of the most frequent Dutch words ("Kinderen", "Ouders", "Kamer" after an
            # initial: "Meneer K. Kinderen hebben ze niet gekregen") or a frequent word that is
            # no known name: it starts sentences on every page, so as a needle it only fails
            # builds. The full span and the titled form stay needles.
            return
        if lower in inside_keep:
            return  # "de Graaf" of the author "Marieke de Graaf" is on every story page
        needles[needle] = origin

    for fields, analysis, origin in zip(stories, deidentifier.analyse_many(stories), labels,
                                        strict=True):
        for name, text in fields.items():
            for span in analysis[name]:
                if span.kind not in NEEDLE_KINDS:
                    continue
                found = text[span.start:span.end]
                add(found, origin)
                if span.kind != "naam":
                    continue
                for word in TOKEN.findall(found):
                    add(word, origin)
                title = strong_title_before(text, span.start)
                if title:
                    add(f"{title} {found}", origin)
                    add(f"{title[:1].swapcase()}{title[1:]} {found}", origin)
    return needles


def _word_runs(phrases: Iterable[str]) -> set[str]:
    """Every run of consecutive words of every phrase, joined by one space, both as split on
    white space and as split into word characters ("marieke de graaf" gives "de graaf" and
    "graaf"; "o'brien" also gives "brien"): whether a needle is a whole-word part of a keep
    phrase becomes one set lookup instead of a regex per needle and phrase."""
    runs: set[str] = set()
    for phrase in phrases:
        for words in (phrase.split(), re.findall(r"\w+", phrase)):
            for i in range(len(words)):
                for j in range(i + 1, len(words) + 1):
                    runs.add(" ".join(words[i:j]))
    return runs


def needle_pattern(needles: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for all needles: a character trie (so thousands of names stay fast),
    whole words only, any whitespace between words, case as in the source."""
    trie: dict = {}
    for needle in needles:
        node = trie
        for char in needle:
            node = node.setdefault(char, {})
        node[""] = {}
    if not trie:
        return None
    return re.compile(r"(?<!\w)(?:" + _trie_regex(trie) + r")(?!\w)")


def _trie_regex(node: dict) -> str:
    if "" in node and len(node) == 1:
        return ""
    alternatives = []
    optional = False
    for char, child in sorted(node.items()):
        if char == "":
            optional = True
            continue
        atom = r"\s+" if char == " " else re.escape(char)
        alternatives.append(atom + _trie_regex(child))
    body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
    if optional:
        body = "(?:" + body + ")?"
    return body


def pdf_text(raw: bytes) -> str:
    """The text of a PDF (the annual reports in ``downloads/``) as a reader copies it, read
    with pypdf. An unreadable PDF fails closed: its raw bytes are scanned as text, and a
    message says so, rather than skipping the file."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError):
        return "onleesbare PDF\n" + raw.decode("latin-1")


def readable_text(path: Path, raw: bytes | None = None) -> str | None:
    """A built file as a reader or a crawler would see it: gzip opened, JSON ``\\u`` escapes
    and HTML entities decoded. None for binary files. ``raw``: its bytes, if already read."""
    suffixes = path.suffixes
    try:
        raw = path.read_bytes() if raw is None else raw
        if suffixes[-1:] == [".gz"]:
            if not suffixes[-2:-1] or suffixes[-2] not in TEXT_SUFFIXES:
                return None
            raw = gzip.decompress(raw)
        elif path.suffix == ".pdf":
            return pdf_text(raw)
        elif path.suffix not in TEXT_SUFFIXES:
            return None
        text = raw.decode("utf-8", errors="replace")
    except (OSError, EOFError, gzip.BadGzipFile):
        return None
    if "\\u" in text:
        text = JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text:
        text = html.unescape(text)
    return text


def theme_dirs() -> list[Path]:
    """Folders whose files MkDocs copies into the site unchanged (the Material theme)."""
    try:
        import material

        return [Path(material.__file__).parent / "templates"]
    except ImportError:  # pragma: no cover
        return []


def _copied_unchanged(path: Path, relative: str, static: list[Path]) -> bool:
    """A theme file copied byte for byte (a lunr stemmer, the JS bundle) holds no story
    text; skipping it avoids alarms like a "Thomas" in a licence header."""
    for folder in static:
        original = folder / relative
        try:
            if original.is_file() and original.stat().st_size == path.stat().st_size \
                    and original.read_bytes() == path.read_bytes():
                return True
        except OSError:
            continue
    return False


def scan_site(site_dir: Path, needles: Iterable[str],
              static_dirs: list[Path] | None = None,
              cache_file: Path | None = None) -> list[SiteHit]:
    """Every occurrence of a needle in a text file of the built site, with file and line.

    Every file is read except those copied unchanged from ``static_dirs`` (default: the
    installed theme).

    ``cache_file`` (JSON) remembers, after a scan without hits, the content hash of every
    file and the hashes of the needles it was found clean of (never the needles themselves).
    Next time a file with the same content is searched only for the needles that are new since
    then (none: not at all), which gives the same answer as a full search: a text free of every
    old needle and of every new one is free of all of them. A changed file, or a changed
    scanner, is searched in full."""
    needles = set(needles)
    pattern = needle_pattern(needles)
    if pattern is None or not site_dir.exists():
        return []
    known = _read_scan_cache(cache_file)
    clean_before: set[str] = set(known["clean"]) if known else set()
    if known:
        seen = set(known["needles"])
        new_pattern = needle_pattern(n for n in needles if _needle_hash(n) not in seen)
    else:
        new_pattern = pattern
    static = theme_dirs() if static_dirs is None else static_dirs
    hits: list[SiteHit] = []
    clean_now: set[str] = set()
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(site_dir).as_posix()
        if _copied_unchanged(path, relative, static):
            continue
        try:
            raw = path.read_bytes()
        except OSError:
            raw = b""
        digest = hashlib.sha256(raw).hexdigest()
        search = pattern
        if digest in clean_before:
            search = new_pattern  # clean of the old needles already
        clean_now.add(digest)
        if search is None:
            continue
        text = readable_text(path, raw)
        if not text:
            continue
        line, counted = 1, 0  # lines counted up to `counted`: linear in the file's size
        for match in search.finditer(text):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            hits.append(SiteHit(relative, line,
                                " ".join(match.group(0).split())))
    if not hits and cache_file is not None:
        _write_scan_cache(cache_file, needles, clean_now)
    return hits


def _needle_hash(needle: str) -> str:
    """Needles are personal data: the cache holds their hashes, never the strings."""
    return hashlib.sha256(needle.encode("utf-8")).hexdigest()[:24]


def _scanner_version() -> str:
    """A change in this module (what counts as text, how it is decoded) scans everything."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def _read_scan_cache(cache_file: Path | None) -> dict | None:
    if cache_file is None:
        return None
    try:
        known = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or damaged: a full scan
    if not isinstance(known, dict) or known.get("version") != _scanner_version() or \
            not isinstance(known.get("needles"), list) or not isinstance(known.get("clean"), list):
        return None
    return known


def _write_scan_cache(cache_file: Path, needles: set[str], clean: set[str]) -> None:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"version": _scanner_version(),
                               "needles": sorted(_needle_hash(n) for n in needles),
                               "clean": sorted(clean)}), encoding="utf-8")
    tmp.replace(cache_file)
