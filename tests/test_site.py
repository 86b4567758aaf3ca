"""The demo corpus built with a real `mkdocs build`: what a resident and a director see."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from generator.checks import check_corpus
from generator.figures.store import format_value, load_figures
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, mkdocs_build, site_text, story_text

TAXONOMY = Taxonomy.load(ROOT / "taxonomy")
CORPUS = check_corpus([ROOT / "stories"], TAXONOMY)
PUBLIC = [s for s in CORPUS.stories if s.is_public]
WITHHELD = [s for s in CORPUS.stories if not s.is_public]


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def main_content(html: str) -> str:
    match = re.search(r'<article class="md-content__inner.*?</article>', html, re.S)
    assert match, "page has no article"
    return match.group(0)


def test_demo_corpus_is_valid_and_big_enough() -> None:
    assert CORPUS.errors == [], [p.format() for p in CORPUS.errors]
    assert len(PUBLIC) >= 60
    assert len({s.neighbourhood for s in PUBLIC}) >= 6
    assert {k for s in PUBLIC for k in s.themes} == set(TAXONOMY.themes)
    assert {k for s in PUBLIC for k in s.values} == set(TAXONOMY.values)
    assert WITHHELD, "the demo corpus shows the gate with drafts and stories without consent"
    for story in PUBLIC:
        words = len(story.body.split())
        assert 180 <= words <= 450, (story.path, words)


def test_every_public_story_has_a_permalink_with_a_cite_block(demo_site: Path) -> None:
    for story in PUBLIC:
        html = read(demo_site, f"verhalen/{story.id}")
        assert "Citeer dit verhaal" in html
        # Dutch APA: "Achternaam, V. (jaar, dag maand). Titel [Verhaal, id]. Team, Wijk. Site."
        family = story.author.split()[-1]
        assert re.search(rf"{re.escape(family)}, [A-Z]\.[^(]*\({story.date.year}, "
                         rf"{story.date.day} [a-z]+\)\. .*?\[Verhaal, {story.id}\]\. ", html)
        assert f"https://rijkeverantwoording.amsterdam.example/verhalen/{story.id}/" in html
        assert story.team in html


def test_citations_list_exactly_the_published_stories(demo_site: Path) -> None:
    """BibTeX (read with pybtex) and CSL-JSON (what Zotero and Word read) hold every public
    story under its id and nothing else; the report offers its own citation."""
    from pybtex.database import parse_string

    bib = parse_string((demo_site / "data" / "verhalen.bib").read_text(encoding="utf-8"),
                       "bibtex")
    public = sorted(s.id for s in PUBLIC)
    assert sorted(bib.entries) == public
    first = PUBLIC[0]
    entry = bib.entries[first.id]
    assert entry.fields["year"] == str(first.date.year)
    assert entry.fields["url"].endswith(f"/verhalen/{first.id}/")
    assert str(entry.persons["author"][0].last_names[-1]) == first.author.split()[-1]
    items = json.loads((demo_site / "data" / "verhalen.csl.json").read_text(encoding="utf-8"))
    assert sorted(item["id"] for item in items) == public
    item = next(i for i in items if i["id"] == first.id)
    assert item["type"] == "webpage" and item["issued"]["date-parts"] == [
        [first.date.year, first.date.month, first.date.day]]
    for story in WITHHELD:
        for name in ("verhalen.bib", "verhalen.csl.json"):
            assert story.id not in (demo_site / "data" / name).read_text(encoding="utf-8")
    report = read(demo_site, "jaarverslag/2019")
    assert "Citeer dit jaarverslag" in report
    assert "Rijke Verantwoording Amsterdam. (2019). Jaarverslag 2019 [Rijke verantwoording]. " \
           "https://rijkeverantwoording.amsterdam.example/jaarverslag/2019/" in report


def test_data_package_is_valid_under_frictionless(demo_site: Path) -> None:
    from frictionless import validate

    report = validate(demo_site / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((demo_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == {"verhalen", "signalen", "cijfers"}
    figures = list(csv.DictReader(io.StringIO(
        (demo_site / "data" / "cijfers.csv").read_text(encoding="utf-8"))))
    holendrecht = next(r for r in figures if r["cbs_code"] == "WK036396"
                       and r["indicator"] == "inwoners" and r["year"] == "2019")
    assert holendrecht["value"] == "18260" and holendrecht["unit"] == "aantal"
    assert "83765NED" in figures[0]["source"] or "84583NED" in figures[0]["source"]
    assert any(r["value"] == "" for r in figures)  # missing at CBS stays empty, never 0


def pdf_text(path: Path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_annual_report_pdf_has_its_sections_figures_and_every_story(demo_site: Path) -> None:
    import subprocess

    path = demo_site / "downloads" / "jaarverslag-2019.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 8 <= pages <= 60
    assert path.stat().st_size < 5_000_000
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    text = pdf_text(path)
    flat = " ".join(text.split())
    for section in ("Inhoud", "Samenvatting", "Thema's en waarden", "Cijfers van de wijken",
                    "Bijlage: alle verhalen", "Methode en betrouwbaarheid"):
        assert section in flat
    assert f"Pagina 3 van {pages}" in flat
    row = re.search(r"Holendrecht/Reigersbos\s+\d+\s+18\.260", flat)
    assert row, "Holendrecht's inhabitants (CBS 2019) in the figures table"
    assert "Bron: CBS (" in flat and "84583NED" in flat
    stories_2019 = [s for s in PUBLIC if s.date.year == 2019]
    for story in stories_2019:
        assert story.id in flat
        assert f"/verhalen/{story.id}/" in flat.replace(" ", "") or story.id in flat
    for story in WITHHELD:
        assert story.id not in flat
        sentence = story.body.split(".")[0].strip()
        assert " ".join(sentence.split()) not in flat


def test_a_pdf_per_stadsdeel_holds_only_its_stories(demo_site: Path) -> None:
    zuidoost = " ".join(pdf_text(demo_site / "downloads"
                                 / "jaarverslag-2019-zuidoost.pdf").split())
    assert "Zuidoost" in zuidoost
    mine = [s for s in PUBLIC if s.date.year == 2019 and s.id.startswith("zo-")]
    others = [s for s in PUBLIC if s.date.year == 2019 and not s.id.startswith("zo-")]
    assert mine and all(s.id in zuidoost for s in mine)
    assert not any(s.id in zuidoost for s in others)
    downloads = read(demo_site, "downloads")
    assert "jaarverslag-2019-zuidoost.pdf" in downloads and "jaarverslag-2019.pdf" in downloads


def test_story_nav_holds_overview_pages_only(demo_site: Path) -> None:
    html = read(demo_site, f"verhalen/{PUBLIC[0].id}")
    nav = re.search(r'<nav class="md-nav md-nav--primary[^"]*".*?</nav>\s*</div>', html, re.S)
    assert nav
    linked_stories = set(re.findall(r'href="[^"]*verhalen/([a-z]+-\d{4}-\d+)/"', nav.group(0)))
    assert linked_stories == set()
    assert "Jaarverslagen" in nav.group(0) and "Wijken" in nav.group(0)


def test_neighbourhood_page_shows_its_cbs_figures_and_stories(demo_site: Path) -> None:
    figures = load_figures(ROOT / "figures", TAXONOMY.indicators)
    latest_year = max(s.year for s in PUBLIC)
    hood_key = "holendrecht-reigersbos"
    hood = TAXONOMY.neighbourhoods[hood_key]
    html = main_content(read(demo_site, f"wijken/{hood_key}"))
    inhabitants = figures.latest(hood.code, "inwoners", latest_year)
    assert inhabitants is not None and inhabitants.value
    assert format_value(inhabitants.value, TAXONOMY.indicators["inwoners"]) in html
    assert "Bron: CBS" in html
    ids = [s.id for s in PUBLIC if s.neighbourhood == hood_key]
    assert ids, "the demo corpus has stories in Holendrecht/Reigersbos"
    for story_id in ids:
        assert f"verhalen/{story_id}/" in html


def test_missing_figures_say_geen_gegevens_not_zero(demo_site: Path) -> None:
    figures = load_figures(ROOT / "figures", TAXONOMY.indicators)
    year = max(s.year for s in PUBLIC)
    for hood in TAXONOMY.neighbourhoods.values():
        figure = figures.latest(hood.code, "laag_inkomen_pct", year)
        if figure is not None and figure.value is None:
            html = main_content(read(demo_site, f"wijken/{hood.key}"))
            row = re.search(r"<tr>\s*<td>[^<]*laag inkomen.*?</tr>", html, re.S | re.I)
            assert row and "geen gegevens" in row.group(0), hood.key
            return
    pytest.fail("expected at least one wijk without a low-income figure in the CBS data")


def test_annual_report_has_figures_beside_stories_and_counts(demo_site: Path) -> None:
    year = max(s.year for s in PUBLIC)
    html = main_content(read(demo_site, f"jaarverslag/{year}"))
    this_year = [s for s in PUBLIC if s.year == year]
    assert f"<strong>{len(this_year)} verhalen</strong>" in html
    assert "Bron: CBS" in html
    assert "<svg" in html and "<desc" in html, "chart with a text alternative"
    for story in this_year:
        assert f"verhalen/{story.id}/" in html


def test_report_of_a_year_without_figures_uses_the_latest_earlier_year(demo_site: Path) -> None:
    figures = load_figures(ROOT / "figures", TAXONOMY.indicators)
    assert 2018 not in figures.years(), "CBS figures ship for 2017 and 2019 only"
    html = main_content(read(demo_site, "jaarverslag/2018"))
    assert "Cijfers uit 2017" in html
    hood = TAXONOMY.neighbourhoods["holendrecht-reigersbos"]
    inhabitants_2017 = figures.latest(hood.code, "inwoners", 2018)
    assert inhabitants_2017 is not None and inhabitants_2017.year == 2017
    assert format_value(inhabitants_2017.value, TAXONOMY.indicators["inwoners"]) in html


def test_theme_and_value_pages_list_their_stories(demo_site: Path) -> None:
    for kind, folder in (("themes", "themas"), ("values", "waarden")):
        for key in getattr(TAXONOMY, kind):
            html = main_content(read(demo_site, f"{folder}/{key}"))
            for story in PUBLIC:
                if key in getattr(story, kind):
                    assert f"verhalen/{story.id}/" in html, (key, story.id)


def test_gate_nothing_unpublished_reaches_any_file(demo_site: Path) -> None:
    texts = site_text(demo_site)
    assert any(p.name == "search_index.json" for p in texts)
    for story in WITHHELD:
        sentences = sorted(re.split(r"(?<=[.!?])\s+", story.body), key=len)
        distinctive = sentences[-1][:80]
        for path, text in texts.items():
            assert distinctive not in text, (story.id, path)
            assert story.id not in text, (story.id, path)
        assert not (demo_site / "verhalen" / story.id).exists()


def test_downloads_list_exactly_the_published_stories(demo_site: Path) -> None:
    data = json.loads((demo_site / "data" / "verhalen.json").read_text(encoding="utf-8"))
    ids = sorted(record["id"] for record in data["stories"])
    assert ids == sorted(s.id for s in PUBLIC)
    record = next(r for r in data["stories"] if r["id"] == PUBLIC[0].id)
    assert record["neighbourhood"] == PUBLIC[0].neighbourhood
    assert record["themes"] == PUBLIC[0].themes and record["values"] == PUBLIC[0].values
    assert record["team"] == PUBLIC[0].team and record["date"] == PUBLIC[0].date.isoformat()
    rows = list(csv.DictReader(io.StringIO(
        (demo_site / "data" / "verhalen.csv").read_text(encoding="utf-8"))))
    assert sorted(r["id"] for r in rows) == ids
    assert {"id", "title", "date", "neighbourhood", "team", "themes", "values"} <= set(rows[0])
    sitemap = (demo_site / "sitemap.xml").read_text(encoding="utf-8")
    for story in WITHHELD:
        assert story.id not in sitemap


def test_no_third_party_requests_in_html(demo_site: Path) -> None:
    for path, text in site_text(demo_site).items():
        if path.suffix != ".html":
            continue
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path
        for match in re.finditer(r'<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)="('
                                 r'https?:)?//[^"]*"', text):
            assert "rel=\"canonical\"" in match.group(0) or "alternate" in match.group(0), (
                path, match.group(0))


@pytest.fixture(scope="module")
def rough_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small project with hostile HTML and one broken story next to a good one."""
    hostile = ("Dit verhaal bevat code.\n\n<script>alert('xss')</script>\n\n"
               "<p onclick=\"steal()\">Klik</p> <img src=x onerror=\"steal()\">\n\n"
               "[gevaarlijke link](javascript:alert(1)) en <a href=\"javascript:steal()\">nog "
               "een</a>.\n\nGewone tekst over wonen en een woning.")
    return make_project(tmp_path_factory.mktemp("rough"), {
        "2019/zo-2019-001.md": story_text("zo-2019-001", hostile, title="Veilige tekst"),
        "2019/zo-2019-002.md": story_text("zo-2019-002", "Kapot verhaal.",
                                          date="2019-02-30"),
        "2019/zo-2019-003.md": story_text("zo-2019-003", "Een goed verhaal over werk.",
                                          title="Goed verhaal", themes="[werk]"),
    })


def test_raw_html_is_sanitised_and_a_bad_story_is_skipped(rough_project: Path) -> None:
    site = rough_project / "site"
    result = mkdocs_build(rough_project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    assert re.search(r"WARNING\s+-\s+\S*zo-2019-002\.md:4: datum '2019-02-30' bestaat niet",
                     result.stderr), result.stderr[-3000:]
    html = read(site, "verhalen/zo-2019-001")
    story = re.search(r'<div class="rv-story"[^>]*>.*?</div>', html, re.S).group(0)
    assert "<script" not in story and "onclick" not in story and "onerror" not in story
    assert "javascript:" not in story
    assert "Gewone tekst over wonen" in story
    assert (site / "verhalen" / "zo-2019-003" / "index.html").exists()
    assert not (site / "verhalen" / "zo-2019-002").exists()


def test_strict_build_fails_on_an_invalid_story(rough_project: Path) -> None:
    result = mkdocs_build(rough_project, rough_project / "site-strict", strict=True)
    assert result.returncode != 0
    assert "zo-2019-002.md:4" in result.stderr


def test_build_log_is_readable(demo_build: tuple[Path, Path, str]) -> None:
    """A maintainer reads the build log for warnings: no library may flood it with debug
    lines (deduce switches on DEBUG logging for everything when it is imported)."""
    log = demo_build[2]
    assert "DEBUG" not in log, log[:2000]
    assert "Documentation built" in log


def test_method_page_shows_scores_on_stories_the_model_never_saw(demo_site: Path) -> None:
    """``evaluate_against`` in rijk.yml: the held-out split's per-label table and main-theme
    accuracy sit beside the cross-validation; the story pages say how sure the analysis is."""
    method = (demo_site / "methode/index.html").read_text(encoding="utf-8")
    assert "Toets op 80 verhalen die het model nooit zag" in method
    assert "Het hoofdthema (het eerste thema van de schrijver) was in" in method
    assert "Kruisvalidatie in" in method
    assert "tellen alleen labels die de auteur koos of die <em>waarschijnlijk</em> zijn" in method
    pages = [p.read_text(encoding="utf-8") for p in (demo_site / "verhalen").glob("*/index.html")]
    assert any(">waarschijnlijk<" in p for p in pages)


def test_the_privacy_scan_reads_the_text_of_a_pdf(tmp_path: Path) -> None:
    """A name that reached a PDF is found like one in HTML: the scan fails closed on PDFs."""
    from generator.pages.report_pdf import render_pdf
    from generator.privacy.scan import scan_site

    site = tmp_path / "site"
    (site / "downloads").mkdir(parents=True)
    (site / "downloads" / "jaarverslag-2019.pdf").write_bytes(render_pdf(
        "<html lang='nl'><body><p>Het gesprek met Fatma Yıldırım ging over de huur.</p>"
        "</body></html>"))
    hits = scan_site(site, ["Fatma Yıldırım", "Henk Brouwer"])
    assert [(h.file, h.needle) for h in hits] == [("downloads/jaarverslag-2019.pdf",
                                                   "Fatma Yıldırım")]


def page_text(path: Path) -> str:
    """The visible text of a built page, tags removed, spaces collapsed."""
    import html as html_lib

    text = re.sub(r"<(script|svg).*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", text).split()))


def test_an_effect_and_a_signal_defined_only_in_the_taxonomy_show_on_their_pages(
        tmp_path: Path) -> None:
    """A municipality adds its own effect; one story declares it, another speaks to it through
    a theme; the effect page, the report and `rijk check` all know it."""
    effects = (ROOT / "generator" / "defaults" / "taxonomy" / "effects.yml").read_text(
        encoding="utf-8") + (
        "\nschone-buurt:\n  label: Een schone en hele buurt\n"
        "  description: Minder zwerfvuil en kapotte spullen op straat.\n"
        "  indicators: [inwoners]\n  themes: [veiligheid]\n")
    project = make_project(tmp_path / "p", {
        "2019/zo-2019-001.md": story_text(
            "zo-2019-001", "Bewoners ruimden samen de speeltuin op. " * 20, title="Opruimdag",
            themes="[participatie]").replace("consent: true", "effects: [schone-buurt]\n"
                                             "consent: true"),
        "2019/zo-2019-002.md": story_text(
            "zo-2019-002", "De straatverlichting werd gerepareerd na een melding. " * 20,
            title="Licht in de straat", themes="[veiligheid]").replace(
            "consent: true", "signals:\n  - kind: wachtlijst\n    domain: wmo\n"
            "    text: \"Mevrouw Owusu-Ansah wacht al acht maanden op een scootmobiel.\"\n"
            "consent: true"),
    })
    (project / "taxonomy" / "effects.yml").write_text(effects, encoding="utf-8")
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    page = page_text(site / "effecten" / "schone-buurt" / "index.html")
    assert "Een schone en hele buurt" in page and "Opruimdag" in page
    assert "Licht in de straat" in page and "Veiligheid" in page  # via its theme
    assert "gekozen" in page
    assert re.search(r"Amsterdam \(hele gemeente\) 844\.947 862\.965", page)  # 2017, 2019
    signals = page_text(site / "signalen" / "2019" / "index.html")
    assert "wacht al acht maanden op een scootmobiel" in signals and "Licht in de straat" in signals
    for path, text in site_text(site).items():  # the name in the signal is de-identified
        assert "Owusu" not in text, path
    assert "Owusu" not in (site / "data" / "signalen.csv").read_text(encoding="utf-8")
    report = page_text(site / "jaarverslag" / "2019" / "index.html")
    assert report.index("Maatschappelijke effecten") < report.index("Cijfers van de wijken")
    assert "Signalen voor beleid" in report
    assert "Een schone en hele buurt" in report
    bad = project / "stories" / "2019" / "zo-2019-002.md"
    bad.write_text(bad.read_text(encoding="utf-8").replace(
        "consent: true", "effects: [schone-buurtt]\nconsent: true"), encoding="utf-8")
    check = check_corpus([bad], Taxonomy.load(project / "taxonomy"))
    assert any("onbekende sleutel 'schone-buurtt' in effects" in p.message
               and "schone-buurt" in p.message for p in check.errors)


def test_making_a_pdf_sends_no_request(tmp_path: Path) -> None:
    """An image or stylesheet address in the report HTML is refused by the fetcher: a real
    server on loopback sees no request, and the data: QR codes still render."""
    import http.server
    import threading

    from generator.pages.report_pdf import qr_img, render_pdf

    hits: list[str] = []

    class Counting(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        pdf = render_pdf(f'<html lang="nl"><link rel="stylesheet" href="{url}/s.css">'
                         f'<body><img src="{url}/x.png" alt="x"><p>Tekst</p>'
                         f'{qr_img("https://example.org/v/", "QR")}</body></html>')
    finally:
        server.shutdown()
    assert hits == []
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True,
                            check=True).stdout
    assert len(images.strip().splitlines()) == 3  # header, rule, the one QR code
