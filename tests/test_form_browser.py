"""The web form end to end in headless Chromium: a professional writes and submits a story,
a coordinator publishes it, the site is rebuilt in the background and shows the story."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests import formkit as fk
from tests.helpers import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::ResourceWarning")]


@pytest.fixture()
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/")
    assert "/inloggen" in page.url
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(fk.PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(base + "/")


def test_write_submit_publish_and_see_it_on_the_rebuilt_site(browser, tmp_path: Path) -> None:
    root = fk.git_project(tmp_path / "project")
    fk.add_users(root)
    with fk.live_server(root, fk.settings(root, rebuild=True)) as (base, app):
        context = browser.new_context()
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))

        # a professional writes a story; the live preview warns about a phone number
        log_in(page, base, "samira")
        page.get_by_role("link", name="Schrijf een nieuw verhaal").click()
        page.get_by_label("Titel").fill("Een moestuin op het dak van de flat")
        page.get_by_label("Datum").fill("2019-05-20")
        page.get_by_label("Wijk").select_option("holendrecht-reigersbos")
        page.get_by_label("Participatie", exact=True).check()
        body = page.get_by_label("Je verhaal")
        body.fill("Bewoners van de flat begonnen samen een moestuin. Bel 06-12345678 voor info.")
        assert app.state.ctx.privacy.wait(180)
        body.press("End")
        body.type(" ")
        page.locator("#privacy").get_by_text("Dit lijkt een telefoonnummer").wait_for(timeout=30000)
        assert "moestuin" in page.locator("#voorbeeld").inner_text()
        body.fill("Bewoners van de flat begonnen samen een moestuin. Nu eten twintig gezinnen "
                  "groente van eigen dak en kennen de buren elkaar bij naam.")
        page.get_by_label("De betrokken bewoners gaven toestemming voor publicatie").check()
        page.get_by_role("button", name="Insturen ter beoordeling").click()
        page.wait_for_url(re.compile(r".*/verhalen/zo-2019-\d{3}$"))
        story_id = page.url.rsplit("/", 1)[-1]
        assert "staat nu ter beoordeling" in page.locator(".flash").inner_text()
        assert fk.git(root, "log", "-1", "--format=%an").strip() == "Samira Bakker"
        page.get_by_role("button", name="Uitloggen").click()
        page.wait_for_url(base + "/inloggen")

        # a coordinator reads the de-identified version and publishes
        log_in(page, base, "coby")
        page.get_by_role("link", name=re.compile("Beoordelen")).first.click()
        page.get_by_role("link", name="Een moestuin op het dak van de flat").click()
        assert "Zo komt het op de site" in page.content()
        page.get_by_role("button", name="Publiceren").click()
        page.wait_for_url(re.compile(r".*/site-status\?bouw=1$"))
        assert f"Verhaal {story_id} gepubliceerd" in fk.git(root, "log", "-1", "--format=%s")

        # the page refreshes itself until the background build is live
        page.get_by_text("Nieuwe site staat live.").wait_for(timeout=240_000)
        page.get_by_role("link", name="Bekijk de site").click()
        page.wait_for_load_state()
        page.goto(f"{base}/site/verhalen/{story_id}/")
        assert page.get_by_role("heading", name="Een moestuin op het dak van de flat").count() >= 1
        assert "twintig gezinnen" in page.content()
        hosts = {urlparse(url).hostname for url in requests if url.startswith("http")}
        assert hosts == {"127.0.0.1"}, hosts
        context.close()


def test_the_form_works_on_a_phone_with_the_keyboard(browser, tmp_path: Path) -> None:
    root = fk.git_project(tmp_path / "project")
    fk.add_users(root)
    with fk.live_server(root, fk.settings(root, privacy=False)) as (base, _app):
        context = browser.new_context(viewport={"width": 360, "height": 740},
                                      device_scale_factor=2, is_mobile=True, has_touch=True)
        page = context.new_page()
        log_in(page, base, "joost")
        page.goto(base + "/verhalen/nieuw")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        # keyboard only: type a title, tab on, and send the form with Enter on the button
        page.get_by_label("Titel").focus()
        page.keyboard.type("Alleen met het toetsenbord")
        page.get_by_role("button", name="Insturen ter beoordeling").focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        # the errors are announced and focused; each links to its field; the title stays
        summary = page.locator("#foutmeldingen")
        assert summary.evaluate("element => element === document.activeElement")
        assert "Kies de wijk waar het verhaal speelt." in summary.inner_text()
        assert page.get_by_label("Titel").input_value() == "Alleen met het toetsenbord"
        summary.get_by_role("link", name="Kies de wijk waar het verhaal speelt.").click()
        assert page.evaluate("location.hash") == "#veld-neighbourhood"
        assert page.get_by_label("Wijk").get_attribute("aria-invalid") == "true"
        assert fk.git(root, "rev-list", "--count", "HEAD").strip() == "1"
        context.close()


def test_the_form_suggests_themes_and_the_author_confirms_them(browser, tmp_path: Path) -> None:
    root = fk.git_project(tmp_path / "project")
    fk.add_users(root)
    with fk.live_server(root, fk.settings(root, privacy=False, suggestions=True)) as (base, app):
        assert app.state.ctx.suggestions.wait(180)
        context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
        page = context.new_page()
        log_in(page, base, "samira")
        page.goto(base + "/verhalen/nieuw")
        schulden = page.get_by_label("Schulden", exact=True)
        assert not schulden.is_checked()
        page.get_by_label("Je verhaal").fill(
            "Op de deurmat lagen drie aanmaningen van de energieleverancier. Ze had al maanden "
            "niets betaald en durfde de enveloppen niet meer open te maken. We zetten alles op "
            "een rij en spraken af om het in kleine bedragen per maand af te lossen.")
        box = page.locator("#suggesties")
        box.get_by_text("Dit verhaal lijkt te gaan over").or_(
            box.get_by_text("Dit verhaal gaat misschien over")).wait_for(timeout=30000)
        assert "schulden" in box.inner_text() and "Klopt dat?" in box.inner_text()
        assert not schulden.is_checked()  # nothing is chosen for the author
        box.get_by_role("button", name="Kies schulden").click()
        assert schulden.is_checked()
        assert box.get_by_role("button", name="Schulden gekozen").is_disabled()
        context.close()


def test_a_resident_on_a_phone_responds_under_a_story(browser, tmp_path: Path) -> None:
    """The static site (served on its own) posts the reaction form to the form server; the
    reaction lands in the moderation queue, not in git."""
    from tests.conftest import serve_folder
    from tests.helpers import mkdocs_build

    root = fk.git_project(tmp_path / "project")
    fk.add_users(root)
    with fk.live_server(root, fk.settings(root)) as (base, _app):
        with (root / "rijk.yml").open("a", encoding="utf-8") as config:
            config.write(f"reactions:\n  url: {base}/reacties\n")
        site = tmp_path / "site"
        result = mkdocs_build(root, site)
        assert result.returncode == 0, result.stderr[-2000:]
        served = serve_folder(site)
        site_url = next(served)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 844},
                                          is_mobile=True, has_touch=True)
            page = context.new_page()
            page.goto(site_url + "/verhalen/zo-2019-001/")
            form = page.locator("form.rv-reaction")
            form.get_by_label("Uw reactie").fill("Fijn om te lezen. Wij zoeken ook zo'n plek.")
            form.get_by_label("Ik vind het goed").check()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1
            form.get_by_role("button", name="Verstuur reactie").click()
            page.wait_for_url(base + "/reacties")
            assert page.get_by_role("heading", name="Dank u wel").is_visible()
            context.close()
        finally:
            next(served, None)
    queued = list((root / ".rijk" / "reacties").glob("*.json"))
    assert len(queued) == 1 and "Wij zoeken ook" in queued[0].read_text(encoding="utf-8")
    assert fk.git(root, "status", "--porcelain", "--", ".", ":!rijk.yml") == ""
    assert not (root / "reactions").exists()
