"""Render the site structure into Markdown pages (Jinja templates in ``templates/``).

Pages are Markdown so that MkDocs and Material do what they do best (headings, table of
contents, search index, navigation); story bodies arrive here already sanitised as HTML.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.pages import charts, print_pdf, report_pdf
from generator.pages.citations import apa, apa_report, dutch_date, reference
from generator.pages.structure import REPORT_INDICATORS, SiteStructure, StoryView

TEMPLATES = Path(__file__).parent / "templates"


LIST_LIMIT = 200
"""Story lists on one page stop here (theme, value and year lists): a phone scrolls 200 items
at most, and a search engine indexes one section up to a limit (Zensical: 32,768 token
positions, reached by ~1,800 list items at 10,000 stories)."""


@dataclass(frozen=True)
class RenderedPage:
    """One generated Markdown page: where it goes and what it says."""

    src: str
    title: str
    content: str


HTML_SAFE = {"<": "&lt;", ">": "&gt;", "|": "&#124;"}
"""Written as entities: Python-Markdown has no backslash escape for ``<`` and ``|`` (a reason
"minder dan <5 keer" showed as ``\\<5``), and an entity also keeps ``|`` out of a table."""


def md_escape(text: str) -> str:
    """Escape characters that would turn a title into Markdown or HTML."""
    for char in "\\`*_[]#":
        text = text.replace(char, "\\" + char)
    return "".join(HTML_SAFE.get(char, char) for char in text)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}".replace(".", ",")


class Renderer:
    """Holds the Jinja environment and the site structure; one method per page type."""

    def __init__(self, structure: SiteStructure, site_url: str = "", site_name: str = "",
                 reactions: Any = None, pdf: bool = True) -> None:
        from generator.build.config import Reactions

        self.structure = structure
        self.reactions = reactions if reactions is not None else Reactions()
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.site_name = site_name
        self.pdf = pdf
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=False,  # output is Markdown; text is escaped with md_escape
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(md=md_escape, date=dutch_date, percent=percent)
        self.env.globals["LIST_LIMIT"] = LIST_LIMIT

    def page(self, src: str, template: str, title: str, **context: Any) -> RenderedPage:
        def link(target: str) -> str:
            """Relative link from this page's source file to another source file."""
            return posixpath.relpath(target, posixpath.dirname(src) or ".")

        content = self.env.get_template(template).render(
            s=self.structure, tax=self.structure.taxonomy, link=link, title=title,
            site_url=self.site_url, site_name=self.site_name, charts=charts,
            rc=self.reactions, page_url=self.url_of(src),
            report_indicators=REPORT_INDICATORS, **context)
        return RenderedPage(src=src, title=title, content=content)

    def url_of(self, src: str) -> str:
        """The public address of a page (``verhalen/x.md`` → ``…/verhalen/x/``)."""
        path = src[:-3] if src.endswith(".md") else src
        path = "" if path == "index" else (path[:-5] if path.endswith("/index") else path) + "/"
        path = path.lstrip("/")
        return f"{self.site_url}{path}" if self.site_url else f"/{path}"

    def all_pages(self) -> list[RenderedPage]:
        s = self.structure
        tax = s.taxonomy
        pages = [
            self.page("index.md", "home.md.j2", "Rijke verantwoording"),
            self.page("verhalen/index.md", "stories_index.md.j2", "Alle verhalen"),
            self.page("wijken/index.md", "neighbourhoods_index.md.j2", "Wijken"),
            self.page("themas/index.md", "terms_index.md.j2", "Thema's", kind="themes",
                      terms=tax.themes, folder="themas"),
            self.page("waarden/index.md", "terms_index.md.j2", "Waarden", kind="values",
                      terms=tax.values, folder="waarden"),
            self.page("jaarverslag/index.md", "reports_index.md.j2", "Jaarverslagen"),
            self.page("wat-valt-op.md", "clusters.md.j2", "Wat valt op"),
            self.page("methode.md", "method.md.j2", "Methode"),
            self.page("effecten/index.md", "effects_index.md.j2", "Maatschappelijke effecten"),
            self.page("signalen/index.md", "signals_index.md.j2", "Signalen voor beleid"),
            self.page("downloads.md", "downloads.md.j2", "Downloads",
                      pdfs=report_pdf.documents(s) if self.pdf else [],
                      kits=print_pdf.kit_documents(s) if self.pdf else []),
            self.page("gekozen/index.md", "chosen_index.md.j2", "Gekozen verhalen"),
        ]
        for year in s.years:
            pages.append(self.page(f"waardenkring/{year}.md", "waardenkring.md.j2",
                                   f"Waardenkring {year}", year=year, kit=s.kit(year),
                                   pdf=print_pdf.KitDocument(year).src if self.pdf else ""))
        for year in s.years:
            url = f"{self.site_url}jaarverslag/{year}/" if self.site_url else \
                f"/jaarverslag/{year}/"
            pages.append(self.page(f"jaarverslag/{year}.md", "report.md.j2",
                                   f"Jaarverslag {year}", year=year,
                                   pdf=report_pdf.ReportDocument(year).src if self.pdf else "",
                                   report_citation=apa_report(self.site_name, year, url)))
        for hood in tax.neighbourhoods.values():
            pages.append(self.page(f"wijken/{hood.key}.md", "neighbourhood.md.j2",
                                   hood.short_name, hood=hood,
                                   wijkberichten=print_pdf.wijk_documents(s, hood.key)
                                   if self.pdf else []))
        for year in s.signal_years():
            pages.append(self.page(f"signalen/{year}.md", "signals_year.md.j2",
                                   f"Signalen {year}", year=year))
        for effect in tax.effects.values():
            pages.append(self.page(f"effecten/{effect.key}.md", "effect.md.j2", effect.label,
                                   effect=effect))
        for term in tax.themes.values():
            pages.append(self.page(f"themas/{term.key}.md", "term.md.j2", term.label,
                                   term=term, kind="themes"))
        for term in tax.values.values():
            pages.append(self.page(f"waarden/{term.key}.md", "term.md.j2", term.label,
                                   term=term, kind="values"))
        for story in s.stories:
            pages.append(self.story_page(story))
        return pages

    def story_page(self, story: StoryView) -> RenderedPage:
        return self.page(story.src, "story.md.j2", story.public.title, story=story,
                         citation=self.citation(story))

    def citation(self, story: StoryView) -> str:
        """The story in Dutch APA style, to paste into the annual report (plain text)."""
        return apa(reference(story, self.site_url, self.site_name))

    def nav(self) -> list[dict[str, Any]]:
        """The navigation holds overview pages only; stories and wijk pages are linked."""
        s = self.structure
        tax = s.taxonomy
        return [
            {"Home": "index.md"},
            {"Jaarverslagen": ["jaarverslag/index.md",
                               *({str(y): f"jaarverslag/{y}.md"} for y in reversed(s.years))]},
            {"Wijken": "wijken/index.md"},
            {"Signalen": ["signalen/index.md",
                          *({str(y): f"signalen/{y}.md"} for y in reversed(s.signal_years()))]},
            {"Effecten": ["effecten/index.md",
                          *({e.label: f"effecten/{k}.md"} for k, e in tax.effects.items())]},
            {"Thema's": ["themas/index.md",
                         *({t.label: f"themas/{k}.md"} for k, t in tax.themes.items())]},
            {"Waarden": ["waarden/index.md",
                         *({t.label: f"waarden/{k}.md"} for k, t in tax.values.items())]},
            {"Verhalen": "verhalen/index.md"},
            {"Waardenkring": ["gekozen/index.md",
                              *({f"Voorbereiding {y}": f"waardenkring/{y}.md"}
                                for y in reversed(s.years))]},
            {"Wat valt op": "wat-valt-op.md"},
            {"Methode": "methode.md"},
            {"Downloads": "downloads.md"},
        ]
