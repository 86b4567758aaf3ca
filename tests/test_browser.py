"""The built demo site in headless Chromium: search, phone layout, accessibility, no
third-party requests."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest

from tests.helpers import CHROMIUM, CHROMIUM_ARGS, require_chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def test_search_a_dutch_word_and_land_on_a_story(browser, served_demo: str) -> None:
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(served_demo + "/")
    page.get_by_role("textbox", name="Zoeken").first.click()
    page.keyboard.type("schuldhulpverlening")
    result = page.locator(".md-search-result__item a[href*='/verhalen/']").first
    result.wait_for(timeout=15000)
    result.click()
    page.wait_for_url("**/verhalen/*/**")
    assert "/verhalen/" in page.url
    assert page.get_by_role("heading", name="Citeer dit verhaal").is_visible()
    hosts = {urlparse(url).hostname for url in requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, hosts
    page.close()


def test_search_without_accents_finds_the_word_with_them(browser, served_demo: str) -> None:
    """A resident on a phone types "client"; the story says "oud-cliënt"."""
    page = browser.new_page()
    page.goto(served_demo + "/")
    page.get_by_role("textbox", name="Zoeken").first.click()
    page.keyboard.type("client")
    first = page.locator(".md-search-result__item a").first
    first.wait_for(timeout=15000)
    assert "/verhalen/no-2018-001/" in (first.get_attribute("href") or "")
    page.close()


def test_phone_layout_has_no_horizontal_scroll(browser, served_demo: str) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2,
                            is_mobile=True, has_touch=True)
    for path in ("/", "/wijken/holendrecht-reigersbos/", "/verhalen/", "/verhalen/zo-2019-001/",
                 "/verhalen/zo-2019-003/", "/waardenkring/2019/", "/gekozen/"):
        page.goto(served_demo + path)
        # a phone widens its layout viewport to fit content that overflows, so compare with
        # the screen's width, not with clientWidth (which widens along)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 376, (path, width)
    page.close()


PAGE_TYPES = ["/", "/jaarverslag/", "/jaarverslag/2019/", "/wijken/",
              "/wijken/holendrecht-reigersbos/", "/themas/", "/themas/schulden/", "/waarden/",
              "/waarden/solidariteit/", "/verhalen/", "/verhalen/zo-2019-001/", "/methode/",
              "/downloads/", "/wat-valt-op/", "/gekozen/", "/waardenkring/2019/",
              "/verhalen/zo-2019-005/", "/effecten/", "/signalen/2019/"]
"""One page of every type the site has (home, report, wijk, theme, value, story, method,
downloads, the panels' choices, the waardenkring kit, a chosen story …); the report year has
the widest table."""
ZENSICAL_PAGE_TYPES = ["/", "/jaarverslag/2019/", "/wijken/holendrecht-reigersbos/",
                       "/waarden/solidariteit/", "/verhalen/zo-2019-005/", "/methode/",
                       "/waardenkring/2019/"]
"""Both engines render the same generated Markdown; what differs is the theme around it, so
Zensical is checked on the page types with the most structure (tables, lists, admonitions)."""


def axe_violations(browser, url: str, width: int) -> list[tuple[str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]})
    page.close()
    return [(v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_pages_have_no_wcag_aa_violations(browser, served_demo: str, path: str,
                                          width: int) -> None:
    assert axe_violations(browser, served_demo + path, width) == []


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", ZENSICAL_PAGE_TYPES)
def test_zensical_pages_have_no_wcag_aa_violations(browser, served_zensical_demo: str,
                                                   path: str, width: int) -> None:
    assert axe_violations(browser, served_zensical_demo + path, width) == []


def test_a_wide_table_scrolls_in_a_named_region_reached_by_keyboard(browser,
                                                                     served_demo: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto(served_demo + "/jaarverslag/2019/")
    page.wait_for_load_state("load")
    region = page.locator(".md-typeset__scrollwrap[role='region']").first
    region.wait_for(timeout=5000)
    assert region.get_attribute("tabindex") == "0"
    assert (region.get_attribute("aria-label") or "").startswith("Tabel: ")
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector(\".md-typeset__scrollwrap[role='region']\").scrollLeft > 0")
    assert page.locator(".md-search[role='dialog']").first.get_attribute("aria-label") == "Zoeken"
    page.close()


def test_zensical_search_without_accents_finds_the_word_with_them(
        browser, served_zensical_demo: str) -> None:
    """A resident types "taalbarriere"; the story says "taalbarrière". Zensical's search lives
    in a shadow root (Playwright's locators pierce it)."""
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(served_zensical_demo + "/")
    page.locator(".md-search__button").first.click()
    page.keyboard.type("taalbarriere")
    story = page.locator("a[href*='/verhalen/oo-2017-003/']").first
    story.wait_for(timeout=15000)
    story.click()
    page.wait_for_url("**/verhalen/oo-2017-003/**")
    hosts = {urlparse(url).hostname for url in requests if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, hosts
    page.close()


def test_story_page_passes_axe(browser, served_demo: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(served_demo + "/verhalen/")
    first_story = page.locator("article a[href*='/verhalen/'], article a[href^='../verhalen/'], "
                               "article a[href^='zo-'], article a[href*='-20']").first
    first_story.click()
    page.wait_for_load_state()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    assert results.response["violations"] == [], [v["id"] for v in
                                                  results.response["violations"]]
    page.close()


def test_a_report_page_prints_on_a4_with_only_its_content(browser, served_demo: str,
                                                           tmp_path) -> None:
    """A director prints /jaarverslag/2019/: A4 (the print stylesheet's @page), no menu or
    search, the wide table in full."""
    import io

    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(served_demo + "/jaarverslag/2019/")
    page.emulate_media(media="print")
    assert page.locator(".md-header").first.evaluate("e => getComputedStyle(e).display") == \
        "none"
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=False)))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = " ".join(p.extract_text() or "" for p in pdf.pages)
    assert "Jaarverslag 2019" in text and "Holendrecht" in text
    page.close()
