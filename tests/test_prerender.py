"""Pages converted to HTML before the engine (generator.build.prerender): what a reader gets
is what the engine itself would have made of the Markdown page, in both engines, and an
unchanged page is never converted twice."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.config import dump_yaml, read_mkdocs_yml
from generator.build.engines import get_engine
from generator.build.prerender import (
    MarkdownSettings,
    PageConverter,
    close_marker,
    engine_extension,
    marker_key,
    open_marker,
    prerender,
)
from generator.jsonstore import JsonStore
from tests.helpers import ROOT

STORY_PAGE = """---
title: "Een verhaal"
---

# Een verhaal

<div class="rv-meta" markdown>

Wijk
:   [Driemond](../wijken/driemond.md) (Zuidoost)

</div>

## Thema's en waarden {#themas}

| | Auteur | Score |
| --- | :---: | ---: |
| [Schulden](../themas/schulden.md) | ja | 0,41 |

!!! info "Auteur en analyse verschillen"
    - De analyse herkent **schulden**; zie de [methode](../methode.md#toets).

```text
# geen kop: dit staat in een codeblok
Dijk, I. van (2019). Een verhaal.
```

## Downloads

[verhalen.csv](../data/verhalen.csv), [alle verhalen](index.md), [home](../index.md),
[extern](https://cbs.nl/) en [hier](#themas).
"""

OTHER_PAGES = {
    "index.md": "# Home\n\n[Verhalen](verhalen/index.md)\n",
    "methode.md": "# Methode\n\n## Toets {#toets}\n\nTekst.\n",
    "verhalen/index.md": "# Alle verhalen\n\n- [Een verhaal](een-verhaal.md)\n",
    "wijken/driemond.md": "# Driemond\n\nTekst.\n",
    "themas/schulden.md": "# Schulden\n\nTekst.\n",
}


KEY = "0123456789abcdef" * 2
OPEN, CLOSE = open_marker(KEY), close_marker(KEY)


def settings(rewrite_links: bool = True) -> MarkdownSettings:
    return MarkdownSettings.from_config(read_mkdocs_yml(ROOT / "mkdocs.yml"),
                                        rewrite_links=rewrite_links, key=KEY)


def docs_files() -> dict[str, bytes]:
    files = {src: text.encode() for src, text in OTHER_PAGES.items()}
    files["verhalen/code.md"] = STORY_WITH_CODE.encode()
    files["verhalen/een-verhaal.md"] = STORY_PAGE.encode()
    files["data/verhalen.csv"] = b"id\n1\n"
    return files


def test_headings_stay_markdown_and_the_text_between_them_is_html() -> None:
    page = PageConverter(settings(), known=docs_files()).convert("verhalen/een-verhaal.md",
                                                                STORY_PAGE)
    assert page is not None
    assert page.startswith('---\ntitle: "Een verhaal"\n---\n')
    lines = page.split("\n")
    headings = [line for line in lines if line.startswith("#")]
    assert headings == ["# Een verhaal", "## Thema's en waarden {#themas}", "## Downloads"]
    assert page.count(OPEN) == page.count(CLOSE) == 3
    assert "<table>" in page and 'class="admonition info"' in page and "<dl>" in page
    assert "# geen kop: dit staat in een codeblok" in page  # inside <pre>, not a heading


def test_links_become_what_mkdocs_makes_of_them() -> None:
    page = PageConverter(settings(), known=docs_files()).convert("verhalen/een-verhaal.md",
                                                                STORY_PAGE)
    links = re.findall(r'href="([^"]*)"', page or "")
    assert "../../wijken/driemond/" in links
    assert "../../themas/schulden/" in links
    assert "../../methode/#toets" in links
    assert "../../data/verhalen.csv" in links
    assert "../" in links  # verhalen/index.md, from verhalen/een-verhaal/
    assert "../../" in links  # the home page
    assert "https://cbs.nl/" in links and "#themas" in links
    assert not any(link.endswith(".md") or ".md#" in link for link in links)


def test_for_zensical_links_stay_as_written() -> None:
    page = PageConverter(settings(rewrite_links=False), known=docs_files()).convert(
        "verhalen/een-verhaal.md", STORY_PAGE)
    links = re.findall(r'href="([^"]*)"', page or "")
    assert "../wijken/driemond.md" in links and "../methode.md#toets" in links


def test_a_link_to_a_missing_page_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    files = docs_files()
    del files["wijken/driemond.md"]
    with caplog.at_level(logging.WARNING):
        prerender(files, ["verhalen/een-verhaal.md"], settings(), store=None)
    assert "verhalen/een-verhaal.md: link naar '../wijken/driemond.md'" in caplog.text


STORY_WITH_CODE = """# Een verhaal

<div class="rv-story" markdown="0">
<ul>
<li>een
<ul>
<li>twee</li>
</ul>
</li>
</ul>
<pre><code>notitie
## Hulp bij [klik hier](javascript:alert(document.domain))
## Hulp bij de buurt {: onmouseover="alert(document.cookie)" }
</code></pre>
</div>

<div markdown>

## Binnen een blok

</div>

## Echte kop

```
# commentaar in code
```
"""


def test_a_hash_line_in_a_story_s_html_or_code_never_becomes_a_heading() -> None:
    """What the engine did with the whole page: raw HTML and code stay text. (A line-based
    guess once cut such a page at "## Hulp bij de buurt {: onmouseover=…}" and the attribute
    became live on the heading.)"""
    page = PageConverter(settings()).convert("verhalen/a.md", STORY_WITH_CODE) or ""
    markdown_left = re.sub(re.escape(OPEN) + ".*?" + re.escape(CLOSE), "", page, flags=re.S)
    headings = [line for line in markdown_left.split("\n") if line.startswith("#")]
    assert headings == ["# Een verhaal", "## Echte kop"]
    assert "onmouseover" not in page.replace('{: onmouseover="alert(document.cookie)" }', "")
    assert 'href="javascript' not in page
    assert "<pre><code>notitie\n## Hulp bij [klik hier]" in page
    assert "# commentaar in code" in page and "<h1" not in page
    assert '<h2 id="binnen-een-blok">' in page  # inside the div, as Markdown made it


def test_a_marker_line_without_the_key_stays_text() -> None:
    """A hand-written page that shows a marker (not knowing the key) keeps it as text."""
    import markdown

    shown = "```html\n<!-- rijk:html -->\n<p>voorbeeld</p>\n<!-- /rijk:html -->\n```\n"
    html = markdown.markdown(shown,
                             extensions=["pymdownx.superfences", "generator.build.prerender"],
                             extension_configs={"generator.build.prerender": {"key": KEY}})
    assert "rijk:html --&gt;" in html and "<p>voorbeeld</p>" not in html
    guessed = markdown.markdown(f"{open_marker('f' * 32)}\n<b>x</b>\n{close_marker('f' * 32)}",
                                extensions=["generator.build.prerender"],
                                extension_configs={"generator.build.prerender": {"key": KEY}})
    assert "rijk:html" in guessed  # a wrong key: not taken as a fence


def test_the_marker_key_is_random_and_kept(tmp_path: Path) -> None:
    first = marker_key(tmp_path)
    assert len(first) == 32 and marker_key(tmp_path) == first
    assert marker_key(tmp_path / "elders") != first


def test_an_unchanged_page_is_not_converted_again(tmp_path: Path) -> None:
    store = JsonStore(tmp_path / "cache")
    first = docs_files()
    pages = [src for src in first if src.endswith(".md")]
    assert prerender(first, pages, settings(), store).converted == len(pages)
    second = docs_files()
    second["wijken/driemond.md"] = b"# Driemond\n\nAndere tekst.\n"
    stats = prerender(second, pages, settings(), store)
    assert (stats.converted, stats.cached) == (1, len(pages) - 1)
    assert second["verhalen/een-verhaal.md"] == first["verhalen/een-verhaal.md"]
    assert b"Andere tekst." in second["wijken/driemond.md"]
    # another engine's link handling is another page
    assert prerender(docs_files(), pages, settings(rewrite_links=False),
                     store).converted == len(pages)


def _engine_site(tmp_path: Path, engine: str, files: dict[str, bytes], name: str) -> Path:
    folder = tmp_path / f"{engine}-{name}"
    for src, content in files.items():
        path = folder / "docs" / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    config = read_mkdocs_yml(ROOT / "mkdocs.yml")
    config["plugins"] = ["search"]
    config.update(docs_dir="docs", site_dir="site", nav=[{"Home": "index.md"}])
    if name == "converted":
        config = engine_extension(config, KEY)
    (folder / "mkdocs.yml").write_text(dump_yaml(config), encoding="utf-8")
    done = subprocess.run(get_engine(engine).build_command(folder / "mkdocs.yml"), cwd=folder,
                          capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1",
                                                               "PATH": "/usr/bin:/bin",
                                                               "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    return folder / "site"


def _article(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    found = re.search(r"<article[^>]*>(.*?)</article>", html, re.S)
    assert found, path
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", found.group(1))).strip()


def _toc(path: Path) -> list[str]:
    tags = re.findall(r"<a [^>]*>", path.read_text(encoding="utf-8"))
    return [m.group(1) for tag in tags if "md-nav__link" in tag
            for m in [re.search(r'href="(#[^"]*)"', tag)] if m]


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_the_engine_shows_the_same_page_as_from_the_markdown(tmp_path: Path,
                                                             engine: str) -> None:
    """Same article HTML, same table of contents, same search index as when the engine
    converts the Markdown itself; and the links work."""
    plain = _engine_site(tmp_path, engine, docs_files(), "plain")
    files = docs_files()
    converter_settings = settings(rewrite_links=not get_engine(engine).rewrites_html_links)
    stats = prerender(files, [s for s in files if s.endswith(".md")], converter_settings,
                      store=None)
    assert stats.converted == len(OTHER_PAGES) + 2 and stats.passed_on == 0
    assert OPEN.encode() in files["verhalen/een-verhaal.md"]
    converted = _engine_site(tmp_path, engine, files, "converted")
    page = Path("verhalen/een-verhaal/index.html")
    assert _article(converted / page) == _article(plain / page)
    code = Path("verhalen/code/index.html")
    assert _article(converted / code) == _article(plain / code)
    # a heading inside a <div markdown> block is HTML by then: no entry in the contents
    # (none of our templates puts one there; the module docstring says so)
    assert _toc(converted / code) == [t for t in _toc(plain / code) if t != "#binnen-een-blok"]
    assert "onmouseover" not in re.sub(r"<code>.*?</code>", "", _article(converted / code),
                                       flags=re.S)
    assert _toc(converted / page) == _toc(plain / page) and "#themas" in _toc(plain / page)
    assert "rijk:html" not in (converted / page).read_text(encoding="utf-8")
    index = "search/search_index.json" if engine == "mkdocs" else "search.json"
    key = "docs" if engine == "mkdocs" else "items"
    assert (json.loads((converted / index).read_text())[key]
            == json.loads((plain / index).read_text())[key])
    hrefs = [h.split("#")[0] for h in re.findall(r'href="([^"]+)"', _article(converted / page))
             if ":" not in h and not h.startswith("#")]
    assert len(hrefs) == 6
    for href in hrefs:
        target = (converted / page).parent / href
        assert (target / "index.html" if href.endswith("/") else target).exists(), href


def test_the_engine_extension_is_importable_by_name() -> None:
    """Python-Markdown loads it by its dotted name, as both engines do."""
    code = ("import markdown; print(markdown.markdown('" + OPEN + "\\n<p>a</p>\\n" + CLOSE
            + "', extensions=['generator.build.prerender'], extension_configs="
            + "{'generator.build.prerender': {'key': '" + KEY + "'}}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT)
    assert done.stdout.strip() == "<p>a</p>", done.stderr
