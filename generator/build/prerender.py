"""Generated pages turned into HTML before the engine sees them, once per page content.

Why: at 10,000 stories the engine spent most of its time in Python-Markdown on our pages
(tables, definition lists, admonitions: about 6 ms a story page against 0.75 ms for a bare
body), and it did so again on every build, also for the 9,999 pages that did not change.
Here each generated page is converted once with the project's own ``markdown_extensions``
and the result is kept in a content-addressed cache (:class:`~generator.jsonstore.JsonStore`,
key ``sha256(settings + page source path + page text)``): a build with one story changed
converts one page.

What the engine then gets is still a Markdown page, so everything the engine does itself
stays the same in both engines: the title, the headings (kept as Markdown lines, so the
table of contents, the permalinks and the search sections are the engine's), the navigation
and the theme. Only the text between two headings arrives as finished HTML, fenced by
:data:`OPEN` and :data:`CLOSE`; :class:`PrerenderedExtension` (listed in the engine
configuration's ``markdown_extensions`` by :func:`engine_extension`) hands each fenced block
to Python-Markdown's raw-HTML stash, so the engine does not parse it again.

Links: MkDocs rewrites relative links (``../wijken/x.md`` from ``verhalen/y.md`` becomes
``../../wijken/x/`` with directory URLs) only in Markdown, never in raw HTML, so for MkDocs
the conversion here rewrites them itself, the way MkDocs would have. Zensical rewrites every
relative link of a page's HTML, raw HTML included, so for Zensical they are left as written
(``MarkdownSettings.rewrite_links``). Either way a link to a page that does not exist gets a
warning (what ``validation: unrecognized_links: warn`` did).

A page whose headings sit inside an HTML block (``<div markdown>`` … ``## …`` … ``</div>``)
cannot be cut at its headings and is passed on unconverted; so are the project's own
hand-written pages (they may rely on engine plugins).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import posixpath
import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from generator.jsonstore import JsonStore

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")

EXTENSION_NAME = "generator.build.prerender"
"""How the engine configuration names :class:`PrerenderedExtension` (Python-Markdown imports
it by this dotted name and calls :func:`makeExtension`)."""

OPEN = "<!-- rijk:html -->"
CLOSE = "<!-- /rijk:html -->"
"""The lines around a block of finished HTML in a generated page."""

CACHE_VERSION = "1"
PARALLEL_MIN = 400
"""From this many pages to convert, the work is split over worker processes (one per core,
at most four); fewer are not worth starting processes for."""
CHUNK = 100

_HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^(?:`{3,}|~{3,})")
_BLOCK_OPEN = re.compile(r"^<(div|section|details|article|aside|figure|table|ul|ol|dl)\b",
                         re.IGNORECASE)


# --- the engine side ------------------------------------------------------------------------

class _StashPrerendered(Preprocessor):
    """Each fenced block becomes one raw-HTML placeholder (parsed by nobody after this)."""

    def run(self, lines: list[str]) -> list[str]:
        if OPEN not in lines:
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == OPEN:
                    block = []
                else:
                    out.append(line)
            elif line == CLOSE:
                out.extend(["", self.md.htmlStash.store("\n".join(block)), ""])
                block = None
            else:
                block.append(line)
        if block is not None:  # an unclosed fence: leave the text as it was
            out.extend([OPEN, *block])
        return out


class PrerenderedExtension(Extension):
    """Python-Markdown extension for the engine: passes fenced finished HTML through."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After whitespace normalisation (30), before fenced code (25) and raw HTML (20).
        md.preprocessors.register(_StashPrerendered(md), "rijk_prerendered", 29)


def makeExtension(**kwargs: Any) -> PrerenderedExtension:
    return PrerenderedExtension(**kwargs)


def engine_extension(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` (an engine configuration) with :data:`EXTENSION_NAME` in its extensions."""
    extensions = list(config.get("markdown_extensions") or [])
    if EXTENSION_NAME not in [_extension_name(e) for e in extensions]:
        extensions.append(EXTENSION_NAME)
    return {**config, "markdown_extensions": extensions}


# --- the build side -------------------------------------------------------------------------

@dataclass(frozen=True)
class MarkdownSettings:
    """The parts of an engine configuration that decide a page's HTML."""

    extensions: tuple[str, ...]
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    directory_urls: bool = True
    rewrite_links: bool = True

    @classmethod
    def from_config(cls, config: dict[str, Any], *,
                    rewrite_links: bool = True) -> MarkdownSettings:
        """From ``mkdocs.yml``'s ``markdown_extensions`` (names, or ``{name: options}``)
        and ``use_directory_urls``; our own extension is left out. ``rewrite_links``: False
        for an engine that rewrites links in raw HTML itself."""
        names: list[str] = []
        configs: dict[str, dict[str, Any]] = {}
        for entry in config.get("markdown_extensions") or []:
            name = _extension_name(entry)
            if not name or name == EXTENSION_NAME:
                continue
            names.append(name)
            if isinstance(entry, dict) and isinstance(entry[name], dict):
                configs[name] = entry[name]
        return cls(tuple(names), configs, bool(config.get("use_directory_urls", True)),
                   rewrite_links)

    def fingerprint(self) -> str:
        return json.dumps([CACHE_VERSION, markdown.__version__, self.extensions, self.configs,
                           self.directory_urls, self.rewrite_links], sort_keys=True,
                          default=str)


def _extension_name(entry: Any) -> str:
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and len(entry) == 1:
        return str(next(iter(entry)))
    return ""


def page_url(src: str, directory_urls: bool = True) -> str:
    """The URL path of a page relative to the site root, as both engines make it
    (``verhalen/x.md`` → ``verhalen/x/``; ``wijken/index.md`` → ``wijken/``)."""
    stem = src[:-3] if src.endswith(".md") else src
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


class _RewriteLinks(Treeprocessor):
    """Relative links to docs files become what the engine would have made of them."""

    def __init__(self, md: markdown.Markdown, converter: PageConverter) -> None:
        super().__init__(md)
        self.converter = converter

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value:
                    element.set(attribute, self.converter.rewrite(value))


class PageConverter:
    """Converts one page at a time (:meth:`convert`); one Markdown instance, reset per page.

    ``known`` holds every file the engine will see (source paths), to warn about a link to a
    page that does not exist."""

    def __init__(self, settings: MarkdownSettings, known: Iterable[str] = ()) -> None:
        self.settings = settings
        self.known = frozenset(known)
        self.src = ""
        self.missing: list[tuple[str, str]] = []
        self.md = markdown.Markdown(extensions=list(settings.extensions),
                                    extension_configs=settings.configs)
        self.md.treeprocessors.register(_RewriteLinks(self.md, self), "rijk_links", 1)

    def rewrite(self, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or value.startswith(("/", "#")) or not parts.path:
            return value
        base = posixpath.dirname(self.src)
        target = posixpath.normpath(posixpath.join(base, parts.path))
        if target.endswith(".md"):
            if self.known and target not in self.known:
                self.missing.append((self.src, value))
            target = page_url(target, self.settings.directory_urls)
        if not self.settings.rewrite_links:
            return value
        here = posixpath.dirname(page_url(self.src, self.settings.directory_urls) + "x")
        relative = posixpath.relpath(target or ".", here or ".")
        if target.endswith("/") or target == "":
            relative = relative.rstrip("/") + "/" if relative != "." else "./"
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        query = f"?{parts.query}" if parts.query else ""
        return f"{relative}{query}{fragment}"

    def html(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)

    def convert(self, src: str, page: str) -> str | None:
        """The page with its text between headings as fenced HTML, or None when it cannot be
        cut at its headings (see the module docstring)."""
        self.src = src
        head, body = _split_front_matter(page)
        sections = _sections(body)
        if sections is None:
            return None
        out: list[str] = []
        for kind, text in sections:
            if kind == "heading":
                out.append(text)
            elif text.strip():
                html = self.html(text)
                if html.strip():
                    out.append(f"{OPEN}\n{html}\n{CLOSE}")
        return head + "\n\n".join(out) + "\n"


def _split_front_matter(page: str) -> tuple[str, str]:
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end != -1:
            return page[:end + 5], page[end + 5:]
    return "", page


def _sections(body: str) -> list[tuple[str, str]] | None:
    """``[("text", …), ("heading", "## …"), …]``; None when a heading is inside a fence-free
    HTML block that is still open (the page then cannot be cut there)."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    fence = ""
    depth = 0
    for line in body.split("\n"):
        if fence:
            if line.startswith(fence):
                fence = ""
            current.append(line)
            continue
        started = _FENCE.match(line)
        if started:
            fence = started.group(0)
            current.append(line)
            continue
        opened = _BLOCK_OPEN.match(line)
        if opened:
            tag = opened.group(1).lower()
            depth += 1 - (1 if f"</{tag}>" in line.lower() else 0)
        elif depth and re.match(r"^</(div|section|details|article|aside|figure|table|ul|ol|dl)>",
                                line, re.IGNORECASE):
            depth -= 1
        if _HEADING.match(line):
            if depth:
                return None
            out.append(("text", "\n".join(current)))
            current = []
            out.append(("heading", line))
        else:
            current.append(line)
    out.append(("text", "\n".join(current)))
    return out


@dataclass
class PrerenderStats:
    converted: int = 0
    cached: int = 0
    passed_on: int = 0

    def summary(self) -> str:
        return (f"{self.converted} omgezet, {self.cached} uit de cache"
                + (f", {self.passed_on} ongewijzigd doorgegeven" if self.passed_on else ""))


_worker_converter: PageConverter | None = None


def _convert_chunk(items: list[tuple[str, str]]) -> list[tuple[str | None, list]]:
    assert _worker_converter is not None
    out = []
    for src, text in items:
        _worker_converter.missing = []
        out.append((_worker_converter.convert(src, text), _worker_converter.missing))
    return out


def _convert_all(converter: PageConverter,
                 items: Sequence[tuple[str, str]]) -> list[tuple[str | None, list]]:
    """Convert in this process, or forked workers that share ``converter`` (see
    :func:`generator.nlp.cache.process_texts` for why fork and only from the main thread)."""
    workers = min(4, len(os.sched_getaffinity(0)))
    global _worker_converter
    _worker_converter = converter
    try:
        if (len(items) < PARALLEL_MIN or workers < 2
                or threading.current_thread() is not threading.main_thread()
                or "fork" not in multiprocessing.get_all_start_methods()):
            return _convert_chunk(list(items))
        chunks = [list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            return [r for chunk in pool.map(_convert_chunk, chunks) for r in chunk]
    finally:
        _worker_converter = None


def prerender(files: dict[str, bytes], pages: Iterable[str], settings: MarkdownSettings,
              store: JsonStore | None) -> PrerenderStats:
    """Replace each of ``pages`` (source paths of generated Markdown pages in ``files``) by
    its converted form, in place; cached in ``store`` by content. Returns the counts."""
    stats = PrerenderStats()
    fingerprint = settings.fingerprint()
    pages = sorted(pages)
    keys = [hashlib.sha256(f"{fingerprint}\0{src}\0".encode() + files[src]).hexdigest()
            for src in pages]
    stored = store.get_many(keys) if store is not None else [None] * len(keys)
    todo: list[tuple[int, str, str]] = []
    for index, (src, value) in enumerate(zip(pages, stored, strict=True)):
        if isinstance(value, dict) and "page" in value:
            stats.cached += 1
            _warn_missing(value.get("missing") or [])
            if value["page"] is None:
                stats.passed_on += 1
            else:
                files[src] = value["page"].encode("utf-8")
        else:
            todo.append((index, src, files[src].decode("utf-8")))
    if not todo:
        return stats
    try:
        converter = PageConverter(settings, known=files)
    except Exception as exc:  # e.g. an extension that does not exist: the engine says so
        log.debug("pagina's niet vooraf omgezet: %s", exc)
        stats.passed_on += len(todo)
        return stats
    results = _convert_all(converter, [(src, text) for _, src, text in todo])
    new: list[tuple[str, Any]] = []
    for (index, src, _), (page, missing) in zip(todo, results, strict=True):
        stats.converted += 1
        _warn_missing(missing)
        new.append((keys[index], {"page": page, "missing": missing}))
        if page is None:
            stats.passed_on += 1
        else:
            files[src] = page.encode("utf-8")
    if store is not None:
        store.put_many(new)
    return stats


def _warn_missing(missing: Iterable[Sequence[str]]) -> None:
    for src, link in missing:
        log.warning("%s: link naar '%s', maar die pagina bestaat niet.", src, link)
