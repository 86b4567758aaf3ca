"""Paper for the conversation in the neighbourhood: the waardenkring kit and the wijkbericht.

* ``downloads/waardenkring-<year>.pdf``: the preparation kit of ``/waardenkring/<year>/`` on
  A4, one value per page with the questions, the stories, the differences between author and
  analysis, the spread over the wijken and a lined box for notes.
* ``downloads/wijkbericht-<wijk>-<year>.pdf``: one A4 page per wijk and year for the
  noticeboard of the community centre, in B1 Dutch: the chosen stories' summaries (or the
  newest ones when nothing was chosen yet), three figures with their year and a QR code to the
  wijk page.

All wijkberichten of one year are laid out in one WeasyPrint run and split into one PDF per
wijk (``Document.copy``): the layout is the costly part, so 25 wijken cost about one report,
not 25. Rendering, the URL fetcher that refuses requests and the cache follow
:mod:`generator.pages.report_pdf`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.pages.citations import dutch_date
from generator.pages.report_pdf import TEMPLATES, qr_img
from generator.pages.structure import FigureCell, SiteStructure

WIJK_ITEMS = 3
"""Stories on one wijkbericht: more does not fit on one A4 page at a readable size."""
WIJK_WORDS = 55
"""A summary on the wijkbericht is cut after this many words (with "…")."""
WIJK_FIGURES = ("inwoners", "wmo_clienten_per_1000", "bijstand", "jeugdzorg_pct",
                "laag_inkomen_pct")
"""The three figures of a wijkbericht: the first three of these with a value, else any."""


@dataclass(frozen=True)
class KitDocument:
    year: int

    @property
    def src(self) -> str:
        return f"downloads/waardenkring-{self.year}.pdf"


@dataclass(frozen=True)
class WijkDocument:
    year: int
    wijk: str

    @property
    def src(self) -> str:
        return f"downloads/wijkbericht-{self.wijk}-{self.year}.pdf"


def kit_documents(structure: SiteStructure) -> list[KitDocument]:
    return [KitDocument(year) for year in structure.years]


def wijk_documents(structure: SiteStructure, wijk: str | None = None) -> list[WijkDocument]:
    """One per wijk and year with stories (``wijk``: only that wijk's)."""
    return [WijkDocument(year, hood.key) for year in structure.years
            for hood in structure.neighbourhoods_with_stories(year)
            if wijk is None or hood.key == wijk]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["date"] = dutch_date
    return env


def _page_url(site_url: str, path: str) -> str:
    return f"{site_url}{path}" if site_url else f"/{path}"


def kit_html(structure: SiteStructure, document: KitDocument, *, site_url: str,
             site_name: str) -> str:
    return _env().get_template("waardenkring_pdf.html.j2").render(
        year=document.year, kit=structure.kit(document.year), site_name=site_name,
        page_url=_page_url(site_url, f"waardenkring/{document.year}/"))


def wijk_figures(structure: SiteStructure, code: str, year: int) -> list[FigureCell]:
    """Three figures with a value (the year each is from is on the cell)."""
    cells = [c for c in structure.figures_for_code(code, year, WIJK_FIGURES) if c.year]
    if len(cells) < 3:
        more = [c for c in structure.figures_for_code(code, year) if c.year
                and c.indicator.key not in WIJK_FIGURES]
        cells += more
    return cells[:3]


def shorten(text: str, words: int = WIJK_WORDS) -> str:
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + " …"


def wijkbericht_pages(structure: SiteStructure, year: int, site_url: str) -> list[dict[str, Any]]:
    """What each wijk's page says in ``year`` (chosen stories first)."""
    pages = []
    for hood in structure.neighbourhoods_with_stories(year):
        chosen = [(c, st) for c, st in structure.chosen(year=year)
                  if st.neighbourhood.key == hood.key]
        items, seen = [], set()
        for c, st in chosen:
            if st.id not in seen and len(items) < WIJK_ITEMS:
                seen.add(st.id)
                items.append({"title": st.public.title,
                              "text": shorten(st.public.summary or ""),
                              "why": f"{c.panel.name} ({structure.term_of(c).label.lower()})"})
        if not items:
            for st in structure.select(year=year, neighbourhood=hood.key)[:WIJK_ITEMS]:
                items.append({"title": st.public.title, "text": shorten(st.public.summary or ""),
                              "why": ""})
        url = _page_url(site_url, f"wijken/{hood.key}/")
        pages.append({"hood": hood, "stories": items, "chosen": bool(chosen), "url": url,
                      "qr": qr_img(url, f"QR-code naar de pagina van {hood.short_name}"),
                      "figures": wijk_figures(structure, hood.code, year)})
    return pages


def wijkbericht_html(structure: SiteStructure, year: int, *, site_url: str,
                     site_name: str) -> str:
    return _env().get_template("wijkbericht_pdf.html.j2").render(
        year=year, site_name=site_name, pages=wijkbericht_pages(structure, year, site_url))


def split_by_anchor(html: str, prefix: str = "wijk-") -> dict[str, bytes]:
    """Lay ``html`` out once and write one PDF per ``<section id="wijk-…">`` (its pages)."""
    from weasyprint import HTML

    from generator.pages.report_pdf import offline_fetcher

    document = HTML(string=html, url_fetcher=offline_fetcher(), base_url=None).render(
        pdf_tags=True)
    groups: dict[str, list[Any]] = {}
    current = None
    for page in document.pages:
        starts = [a[len(prefix):] for a in page.anchors if a.startswith(prefix)]
        if starts:
            current = starts[0]
        if current is not None:
            groups.setdefault(current, []).append(page)
    return {key: document.copy(pages).write_pdf(pdf_tags=True, custom_metadata=True)
            for key, pages in groups.items()}


def print_pdfs(structure: SiteStructure, *, site_url: str, site_name: str,
               cache_dir: Path | None = None) -> dict[str, bytes]:
    """The kits and wijkberichten of every year, by site path, cached by HTML hash."""
    from generator.pages.report_pdf import render_pdf

    files: dict[str, bytes] = {}
    for document in kit_documents(structure):
        html = kit_html(structure, document, site_url=site_url, site_name=site_name)
        made = _cached(cache_dir, html, "kit", lambda h=html: {"kit": render_pdf(h)})
        files[document.src] = made["kit"]
    for year in structure.years:
        html = wijkbericht_html(structure, year, site_url=site_url, site_name=site_name)
        pages = _cached(cache_dir, html, "wijk", lambda h=html: split_by_anchor(h))
        for wijk, pdf in pages.items():
            files[WijkDocument(year, wijk).src] = pdf
    return files


def _cached(cache_dir: Path | None, html: str, kind: str, make) -> dict[str, bytes]:
    """``make()`` (name → PDF bytes), or what it gave for the same HTML before."""
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    folder = cache_dir / f"{kind}-{key}" if cache_dir is not None else None
    if folder is not None and (folder / ".done").is_file():
        return {p.stem: p.read_bytes() for p in sorted(folder.glob("*.pdf"))}
    made = make()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, pdf in made.items():
            temp = folder / f".{name}.{os.getpid()}.tmp"
            temp.write_bytes(pdf)
            temp.replace(folder / f"{name}.pdf")
        (folder / ".done").touch()
    return made
