"""The annual report as a document: an A4 PDF per year, and per stadsdeel, made in the build.

A director attaches it to a council letter; it has to stand on its own on paper. The content
comes from the same :class:`~generator.pages.structure.SiteStructure` as the site (so only
public, de-identified stories): cover, contents with page numbers, a plain-Dutch summary,
themes and values (chart and table), the CBS figures of the wijken with their year and
"Bron: CBS", an appendix of every story with its id, permanent address and a QR code to it,
and the method with its measured reliability.

Rendering is WeasyPrint's (HTML + CSS paged media → PDF): A4, page numbers, fonts embedded,
a tagged PDF (``pdf_tags``) for screen readers. No request leaves the machine: every resource
is inline (SVG charts, QR codes as SVG data), and the URL fetcher refuses anything else. The
result is cached by the hash of its HTML, so an unchanged year costs nothing in the next build.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown

from generator.pages import charts
from generator.pages.citations import apa, apa_report, dutch_date, reference
from generator.pages.structure import SiteStructure, StoryView
from generator.taxonomy import slug

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ReportDocument:
    """One PDF to make: the year, optionally one stadsdeel, and where it goes on the site."""

    year: int
    stadsdeel: str | None = None

    @property
    def src(self) -> str:
        suffix = f"-{slug(self.stadsdeel)}" if self.stadsdeel else ""
        return f"downloads/jaarverslag-{self.year}{suffix}.pdf"


def documents(structure: SiteStructure) -> list[ReportDocument]:
    """Every year; and every stadsdeel with stories in that year, when there is more than one."""
    found: list[ReportDocument] = []
    for year in structure.years:
        found.append(ReportDocument(year))
        areas = sorted({s.neighbourhood.stadsdeel for s in structure.select(year=year)})
        if len(areas) > 1:
            found += [ReportDocument(year, area) for area in areas]
    return found


def qr_img(url: str, label: str) -> str:
    """A QR code for ``url`` as an ``<img>`` with a PNG data URI and ``label`` as alt text.

    PNG, not SVG: WeasyPrint turns an SVG into hundreds of vector paths, and at 1,000 stories
    drawing them was a third of the report's time; a 1-bit PNG is embedded as is. Scale 4 with
    the image shown at 24 mm is ~ 300 dpi, sharp for any phone camera."""
    import html

    import segno

    uri = segno.make(url, error="m").png_data_uri(scale=4, dark="#000", light="#fff")
    return f'<img class="qr-code" src="{uri}" alt="{html.escape(label)}">'


def report_html(structure: SiteStructure, document: ReportDocument, *, site_url: str,
                site_name: str) -> str:
    """The HTML WeasyPrint turns into the PDF (also what the privacy scan could read)."""
    year, area = document.year, document.stadsdeel
    stories = [s for s in structure.select(year=year)
               if area is None or s.neighbourhood.stadsdeel == area]
    hoods = [h for h in structure.neighbourhoods_with_stories(year)
             if area is None or h.stadsdeel == area]
    tax = structure.taxonomy
    ids = {s.id for s in stories}

    def count(kind: str, key: str) -> int:
        return sum(1 for s in stories
                   if key in (s.theme_keys() if kind == "themes" else s.value_keys()))

    themes = [(t.label, count("themes", k)) for k, t in tax.themes.items()]
    values = [(t.label, count("values", k)) for k, t in tax.values.items()]
    report_url = f"{site_url}jaarverslag/{year}/" if site_url else f"/jaarverslag/{year}/"
    appendix = [_appendix_entry(s, site_url, site_name) for s in sorted(stories,
                                                                        key=lambda s: s.id)]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["date"] = dutch_date
    fy = structure.figure_year(year)
    method = structure.data.evaluation_markdown or ""
    held_out = structure.data.held_out_markdown or ""
    return env.get_template("report_pdf.html.j2").render(
        s=structure, tax=tax, year=year, area=area, stories=stories, hoods=hoods,
        site_name=site_name, figure_year=fy, report_url=report_url,
        themes=themes, values=values,
        theme_chart=charts.bar_chart(f"t{year}", f"Verhalen per thema in {year}", themes),
        value_chart=charts.bar_chart(f"v{year}", f"Verhalen per waarde in {year}", values),
        teams=sorted({s.public.story.team for s in stories}),
        by_theme={k: [s for s in stories if k in s.theme_keys()] for k in tax.themes},
        appendix=appendix, citation=apa_report(site_name, year, report_url),
        method_html=markdown.markdown(method + "\n\n" + held_out, extensions=["tables"]),
        cited=ids,
        chosen=[(c, st) for c, st in structure.chosen(year=year) if st.id in ids],
        signals=[(st, sig) for st, sig in structure.signals(year) if st.id in ids],
        effects={key: [(st, why) for st, why in structure.effect_stories(key, year)
                       if st.id in ids] for key in tax.effects},
    )


def _appendix_entry(story: StoryView, site_url: str, site_name: str) -> dict[str, Any]:
    ref = reference(story, site_url, site_name)
    return {"story": story, "url": ref.url, "citation": apa(ref),
            "qr": qr_img(ref.url, f"QR-code naar {ref.url}")}


def offline_fetcher() -> Any:
    """WeasyPrint's own fetcher, allowed ``data:`` URIs only (the QR codes): any other
    resource is refused, so making a PDF never sends a request."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``: A4 (from the template's ``@page``), tagged, fonts embedded."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=offline_fetcher(), base_url=None).write_pdf(
        pdf_tags=True, custom_metadata=True)


def report_pdfs(structure: SiteStructure, *, site_url: str, site_name: str,
                cache_dir: Path | None = None,
                only: Iterable[ReportDocument] | None = None) -> dict[str, bytes]:
    """Every report PDF by its site path; a PDF whose HTML is unchanged comes from
    ``cache_dir`` (keyed by the SHA-256 of the HTML). Missing PDFs are made in parallel, one
    process per core (WeasyPrint takes 2–3 s for an 18-page report)."""
    files: dict[str, bytes] = {}
    todo: list[tuple[str, str, Path | None]] = []
    for document in only if only is not None else documents(structure):
        html = report_html(structure, document, site_url=site_url, site_name=site_name)
        key = hashlib.sha256(html.encode("utf-8")).hexdigest()
        cached = cache_dir / f"{key}.pdf" if cache_dir else None
        if cached is not None and cached.is_file():
            files[document.src] = cached.read_bytes()
        else:
            todo.append((document.src, html, cached))
    for (src, _html, cached), pdf in zip(todo, _render_all([h for _, h, _ in todo]),
                                         strict=True):
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            temp = cached.with_suffix(f".{os.getpid()}.tmp")
            temp.write_bytes(pdf)
            temp.replace(cached)
        files[src] = pdf
    return dict(sorted(files.items()))


def _render_all(pages: list[str]) -> list[bytes]:
    """Render in forked worker processes when there are several and this is the main thread
    (a fork from a server's thread could copy a held lock); else one after another."""
    workers = min(len(pages), os.cpu_count() or 1)
    if (workers < 2 or threading.current_thread() is not threading.main_thread()
            or "fork" not in multiprocessing.get_all_start_methods()):
        return [render_pdf(html) for html in pages]
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(render_pdf, pages))
