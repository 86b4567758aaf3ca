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
:func:`open_marker` and :func:`close_marker`; :class:`PrerenderedExtension` (listed in the
engine configuration's ``markdown_extensions`` by :func:`engine_extension`) hands each fenced
block to Python-Markdown's raw-HTML stash, so the engine does not parse it again. The markers
carry a random key kept in the cache: a hand-written page that shows a marker line (in a code
block) does not know it, so its text is never passed on as raw HTML.

Which lines are headings is decided after Python-Markdown's own preprocessors have turned raw
HTML blocks and code fences into placeholders: a ``## …`` line inside a story's HTML or a code
block is text, as it was when the engine converted the page itself (a line-based guess here
once let a story's code block become a live heading with an event handler).

Links: MkDocs rewrites relative links (``../wijken/x.md`` from ``verhalen/y.md`` becomes
``../../wijken/x/`` with directory URLs) only in Markdown, never in raw HTML, so for MkDocs
the conversion here rewrites them itself, the way MkDocs would have. Zensical rewrites every
relative link of a page's HTML, raw HTML included, so for Zensical they are left as written
(``MarkdownSettings.rewrite_links``). Either way a link to a page that does not exist gets a
warning (what ``validation: unrecognized_links: warn`` did).

The project's own hand-written pages are passed on unconverted (they may rely on engine
plugins). One difference with the engine's own conversion is known: a heading inside a
``<div markdown>`` block is part of the finished HTML, so it gets no entry in the page's
table of contents (none of our templates puts a heading there).
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import posixpath
import re
import secrets
import threading
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from generator.build.config import entry_name
from generator.jsonstore import JsonStore

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")

EXTENSION_NAME = "generator.build.prerender"
"""How the engine configuration names :class:`PrerenderedExtension` (Python-Markdown imports
it by this dotted name and calls :func:`makeExtension`)."""


def open_marker(key: str) -> str:
    """The line before a block of finished HTML. ``key`` is the project's secret
    (:func:`marker_key`): a page that merely shows such a line (a hand-written page about
    this very feature, in a code block) does not know it, so nothing of it is passed on raw."""
    return f"<!-- rijk:html {key} -->"


def close_marker(key: str) -> str:
    return f"<!-- /rijk:html {key} -->"


def marker_key(folder: Path) -> str:
    """A random key kept in ``folder`` (the cache), made on first use."""
    path = folder / "marker-key"
    try:
        key = path.read_text(encoding="ascii").strip()
        if re.fullmatch(r"[0-9a-f]{32}", key):
            return key
    except (OSError, UnicodeDecodeError):
        pass
    key = secrets.token_hex(16)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(key, encoding="ascii")
    return key

CACHE_VERSION = "1"
PARALLEL_MIN = 400
"""From this many pages to convert, the work is split over worker processes (one per core,
at most four); fewer are not worth starting processes for."""
CHUNK = 100

_HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")


# --- the engine side ------------------------------------------------------------------------

class _StashPrerendered(Preprocessor):
    """Each fenced block becomes one raw-HTML placeholder (parsed by nobody after this)."""

    def __init__(self, md: markdown.Markdown, key: str) -> None:
        super().__init__(md)
        self.open, self.close = open_marker(key), close_marker(key)

    def run(self, lines: list[str]) -> list[str]:
        if self.open not in lines:
            return lines
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == self.open:
                    block = []
                else:
                    out.append(line)
            elif line == self.close:
                out.extend(["", self.md.htmlStash.store("\n".join(block)), ""])
                block = None
            else:
                block.append(line)
        if block is not None:  # an unclosed fence: leave the text as it was
            out.extend([self.open, *block])
        return out


class PrerenderedExtension(Extension):
    """Python-Markdown extension for the engine: passes fenced finished HTML through.
    Option ``key``: the marker key (:func:`marker_key`); without it nothing is passed."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {"key": ["", "the marker key of this project"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        key = str(self.getConfig("key"))
        if key:  # after whitespace (30), before fenced code (25) and raw HTML (20)
            md.preprocessors.register(_StashPrerendered(md, key), "rijk_prerendered", 29)


def makeExtension(**kwargs: Any) -> PrerenderedExtension:
    return PrerenderedExtension(**kwargs)


def engine_extension(config: dict[str, Any], key: str) -> dict[str, Any]:
    """``config`` (an engine configuration) with :data:`EXTENSION_NAME` and its ``key`` in
    its extensions."""
    extensions = [e for e in config.get("markdown_extensions") or []
                  if entry_name(e) != EXTENSION_NAME]
    extensions.append({EXTENSION_NAME: {"key": key}})
    return {**config, "markdown_extensions": extensions}


# --- the build side -------------------------------------------------------------------------

@dataclass(frozen=True)
class MarkdownSettings:
    """The parts of an engine configuration that decide a page's HTML."""

    extensions: tuple[str, ...]
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    directory_urls: bool = True
    rewrite_links: bool = True
    key: str = ""
    """The marker key (:func:`marker_key`) the engine's extension is given."""

    @classmethod
    def from_config(cls, config: dict[str, Any], *, rewrite_links: bool = True,
                    key: str = "") -> MarkdownSettings:
        """From ``mkdocs.yml``'s ``markdown_extensions`` (names, or ``{name: options}``)
        and ``use_directory_urls``; our own extension is left out. ``rewrite_links``: False
        for an engine that rewrites links in raw HTML itself."""
        names: list[str] = []
        configs: dict[str, dict[str, Any]] = {}
        for entry in config.get("markdown_extensions") or []:
            name = entry_name(entry)
            if not name or name == EXTENSION_NAME:
                continue
            names.append(name)
            if isinstance(entry, dict) and isinstance(entry[name], dict):
                configs[name] = entry[name]
        return cls(tuple(names), configs, bool(config.get("use_directory_urls", True)),
                   rewrite_links, key)

    def fingerprint(self) -> str:
        return json.dumps([CACHE_VERSION, markdown.__version__, self.extensions, self.configs,
                           self.directory_urls, self.rewrite_links, self.key], sort_keys=True,
                          default=str)



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

    def convert(self, src: str, page: str) -> str | None:
        """The page with its text between headings as fenced HTML, or None when there is no
        key to fence it with.

        The page goes through Python-Markdown's own line preprocessors first (raw HTML
        blocks, code fences: each becomes a placeholder), so a line that starts with ``#``
        inside a story's HTML or a code block is never taken for a heading; only the
        headings of the page itself stay Markdown for the engine. The text between them is
        then finished with the same Markdown instance (parser, tree processors, serializer,
        postprocessors: what :meth:`markdown.Markdown.convert` does after its
        preprocessors), so placeholders are filled in from its own stash."""
        if not self.settings.key:
            return None
        self.src = src
        head, body = _split_front_matter(page)
        md = self.md
        md.reset()
        lines = body.strip("\n").split("\n")
        for preprocessor in md.preprocessors:
            lines = preprocessor.run(lines)
        opening, closing = open_marker(self.settings.key), close_marker(self.settings.key)
        out: list[str] = []
        for kind, chunk in _sections(lines):
            if kind == "heading":
                out.append(chunk[0])
                continue
            html = self._finish(chunk) if any(line.strip() for line in chunk) else ""
            if html.strip():
                out.append(f"{opening}\n{html}\n{closing}")
        return head + "\n\n".join(out) + "\n"

    def _finish(self, lines: list[str]) -> str:
        md = self.md
        while lines and not lines[-1].strip():  # as convert() strips its source: a trailing
            lines = lines[:-1]  # newline would keep "<p>placeholder\n</p>" from being filled
        while lines and not lines[0].strip():
            lines = lines[1:]
        root = md.parser.parseDocument(lines).getroot()
        for treeprocessor in md.treeprocessors:
            new_root = treeprocessor.run(root)
            if new_root is not None:
                root = new_root
        output = md.serializer(root)
        start = output.find(f"<{md.doc_tag}>")
        end = output.rfind(f"</{md.doc_tag}>")
        output = output[start + len(md.doc_tag) + 2:end].strip() if start != -1 and end != -1 \
            else ""
        for postprocessor in md.postprocessors:
            output = postprocessor.run(output)
        return output.strip()


def _split_front_matter(page: str) -> tuple[str, str]:
    if page.startswith("---\n"):
        end = page.find("\n---\n", 4)
        if end != -1:
            return page[:end + 5], page[end + 5:]
    return "", page


def _sections(lines: list[str]) -> list[tuple[str, list[str]]]:
    """``[("text", lines), ("heading", [line]), …]`` from preprocessed lines: raw HTML and
    code are placeholders by now, so a line starting with ``#`` is a heading of the page (a
    heading line holding a placeholder stays in the text)."""
    out: list[tuple[str, list[str]]] = []
    current: list[str] = []
    for line in lines:
        if _HEADING.match(line) and "\x02" not in line and "\x03" not in line:
            out.append(("text", current))
            out.append(("heading", [line]))
            current = []
        else:
            current.append(line)
    out.append(("text", current))
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
