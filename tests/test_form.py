"""The web form (issue 5) against real parts: a git repository in a temp dir, the real app
under uvicorn on loopback, driven over HTTP with httpx. Every write is checked in git."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frontmatter
import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer

from generator.form.sessions import SESSION_COOKIE
from generator.storyfile import content_hash
from tests import formkit as fk


@dataclass
class Served:
    root: Path
    base: str
    app: Any

    def client(self, username: str) -> tuple[httpx.Client, str]:
        return fk.login(self.base, username)

    def wait_privacy(self) -> None:
        assert self.app.state.ctx.privacy.wait(180), self.app.state.ctx.privacy.reason


@contextmanager
def serving(root: Path, **overrides: object) -> Iterator[Served]:
    fk.add_users(root)
    with fk.live_server(root, fk.settings(root, **overrides)) as (base, app):
        yield Served(root, base, app)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server with the privacy check (deduce loads in the background) for most tests."""
    root = fk.git_project(tmp_path_factory.mktemp("form") / "project")
    with serving(root) as served:
        yield served


@pytest.fixture()
def quiet(tmp_path: Path) -> Iterator[Served]:
    """A server of its own, without the privacy check (for tests that change the repo state)."""
    root = fk.git_project(tmp_path / "project")
    with serving(root, privacy=False) as served:
        yield served


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    fk.close_clients()


# -- helpers ------------------------------------------------------------------------------------

def head(root: Path) -> str:
    return fk.git(root, "rev-parse", "HEAD").strip()


def commits(root: Path) -> int:
    return int(fk.git(root, "rev-list", "--count", "HEAD"))


def clean(root: Path) -> bool:
    return fk.git(root, "status", "--porcelain", "--untracked-files=all", "--",
                  "stories").strip() == ""


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the project outside .git, site/ and .cache/ with its content."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and p.relative_to(root).parts[0] not in (".git", "site", ".cache")}


def submit(client: httpx.Client, token: str, **overrides: object) -> httpx.Response:
    return client.post("/verhalen/nieuw", data={**fk.story_form(**overrides), "csrf": token})


def new_story(client: httpx.Client, token: str, **overrides: object) -> str:
    response = submit(client, token, **overrides)
    assert response.status_code == 303, response.text[-2000:]
    location = response.headers["location"]
    assert re.fullmatch(r"/verhalen/zo-2019-\d{3}", location), location
    return location.rsplit("/", 1)[-1]


def story_path(root: Path, story_id: str) -> Path:
    return root / "stories" / story_id.split("-")[1] / f"{story_id}.md"


def version_of(client: httpx.Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text[-1000:]
    return re.search(r'name="versie" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="fout-{name}">([^<]*)</p>', html)
    return found.group(1) if found else ""


# -- auth ---------------------------------------------------------------------------------------

def test_only_the_login_page_is_reachable_without_login(served: Served) -> None:
    anonymous = fk.client(served.base)
    assert anonymous.get("/inloggen").status_code == 200
    assert "Inloggen" in anonymous.get("/inloggen").text
    for path in ("/", "/verhalen/nieuw", "/verhalen/zo-2019-001", "/verhalen/zo-2019-001/bewerken",
                 "/beoordelen", "/beoordelen/zo-2019-001", "/site-status", "/site/"):
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/inloggen"), path
    assert anonymous.get("/status.json").status_code == 401
    before = head(served.root)
    for path in ("/verhalen/nieuw", "/voorbeeld", "/beoordelen/zo-2019-001/publiceren",
                 "/beoordelen/zo-2019-001/terugsturen", "/uitloggen"):
        response = anonymous.post(path, data={**fk.story_form(), "csrf": "x", "versie": "x"})
        assert response.status_code in (401, 403), path
    assert head(served.root) == before


def test_a_post_after_the_session_ended_gives_the_text_back(served: Served) -> None:
    anonymous = fk.client(served.base)
    response = anonymous.post("/verhalen/nieuw", data=fk.story_form(
        title="Verloren titel", body="Deze tekst mag niet verloren gaan."))
    assert response.status_code == 401
    assert "Deze tekst mag niet verloren gaan." in response.text


def test_wrong_password_is_refused_in_dutch(served: Served) -> None:
    client = fk.client(served.base)
    token = fk.CSRF.search(client.get("/inloggen").text).group(1)  # type: ignore[union-attr]
    response = client.post("/inloggen", data={"username": "joost", "password": "fout-fout-fout",
                                              "csrf": token})
    assert response.status_code == 401
    assert "Gebruikersnaam of wachtwoord klopt niet." in response.text
    assert SESSION_COOKIE not in client.cookies
    assert client.get("/").status_code == 303
    unknown = client.post("/inloggen", data={"username": "niemand", "password": "x" * 10,
                                             "csrf": token})
    assert unknown.status_code == 401
    assert "Gebruikersnaam of wachtwoord klopt niet." in unknown.text


def test_repeated_failed_logins_lock_the_account_for_a_while(tmp_path: Path) -> None:
    root = fk.git_project(tmp_path / "project")
    with serving(root, privacy=False, max_failures=3, lockout_seconds=600) as served:
        client = fk.client(served.base)
        token = fk.CSRF.search(client.get("/inloggen").text).group(1)  # type: ignore[union-attr]
        for _ in range(3):
            response = client.post("/inloggen", data={"username": "samira", "password": "raden!!",
                                                      "csrf": token})
            assert response.status_code == 401
        right = client.post("/inloggen", data={"username": "samira", "password": fk.PASSWORD,
                                               "csrf": token})
        assert right.status_code == 429
        assert "Te veel mislukte pogingen. Probeer het over 10 minuten opnieuw" in right.text
        assert SESSION_COOKIE not in client.cookies
        # another account from the same computer is not locked out
        other, _token = served.client("joost")
        assert other.get("/").status_code == 200


def test_logout_ends_the_session(served: Served) -> None:
    client, token = served.client("joost")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.get("/").status_code == 200
    response = client.post("/uitloggen", data={"csrf": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen"
    assert client.get("/").status_code == 303
    # the old cookie, kept by an attacker, is worthless now
    replay = fk.client(served.base, cookies={SESSION_COOKIE: cookie})
    assert replay.get("/").status_code == 303
    assert replay.get("/status.json").status_code == 401


def test_session_cookie_is_httponly_samesite_and_signed(served: Served) -> None:
    client = fk.client(served.base)
    token = fk.CSRF.search(client.get("/inloggen").text).group(1)  # type: ignore[union-attr]
    response = client.post("/inloggen", data={"username": "samira", "password": fk.PASSWORD,
                                              "csrf": token})
    assert response.status_code == 303
    header = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(SESSION_COOKIE + "="))
    flags = header.lower()
    assert "httponly" in flags
    assert re.search(r"samesite=(lax|strict)", flags)
    assert "path=/" in flags
    value = client.cookies[SESSION_COOKIE]
    assert client.get("/").status_code == 200
    for forged in (value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB"),
                   "x" + value[1:] if value[0] != "x" else "y" + value[1:],
                   URLSafeTimedSerializer("ander-geheim", salt="rijk-form-session").dumps("abc"),
                   "niet-ondertekend", "%%%"):
        other = fk.client(served.base, cookies={SESSION_COOKIE: forged})
        assert other.get("/").status_code == 303, forged
        assert other.get("/status.json").status_code == 401, forged


def test_login_brings_you_back_to_the_page_you_asked_for(served: Served) -> None:
    client = fk.client(served.base, follow_redirects=True)
    page = client.get("/verhalen/nieuw")
    assert page.url.path == "/inloggen"
    token = fk.CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    volgende = re.search(r'name="volgende" value="([^"]+)"', page.text)
    assert volgende is not None and volgende.group(1) == "/verhalen/nieuw"
    landed = client.post("/inloggen", data={"username": "samira", "password": fk.PASSWORD,
                                            "csrf": token, "volgende": volgende.group(1)})
    assert landed.url.path == "/verhalen/nieuw"
    assert "Nieuw verhaal" in landed.text and 'value="Buurtteam Gaasperdam"' in landed.text


def test_login_never_redirects_to_another_site(served: Served) -> None:
    client = fk.client(served.base)
    page = client.get("/inloggen", params={"volgende": "//evil.example/x"})
    token = fk.CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    response = client.post("/inloggen", data={"username": "joost", "password": fk.PASSWORD,
                                              "csrf": token, "volgende": "https://evil.example"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


# -- roles --------------------------------------------------------------------------------------

def test_a_professional_cannot_review_or_publish(served: Served) -> None:
    samira, samira_token = served.client("samira")
    story_id = new_story(samira, samira_token, title="Geen eigen publicatie")
    joost, joost_token = served.client("joost")
    for client in (samira, joost):
        assert client.get("/beoordelen").status_code == 403
        assert "Alleen coördinatoren" in client.get("/beoordelen").text
        assert client.get(f"/beoordelen/{story_id}").status_code == 403
    text = story_path(served.root, story_id).read_text(encoding="utf-8")
    before = head(served.root)
    for client, token in ((samira, samira_token), (joost, joost_token)):
        response = client.post(f"/beoordelen/{story_id}/publiceren",
                               data={"csrf": token, "versie": content_hash(text)})
        assert response.status_code == 403
        response = client.post(f"/beoordelen/{story_id}/terugsturen",
                               data={"csrf": token, "versie": content_hash(text),
                                     "opmerking": "zelf terugsturen"})
        assert response.status_code == 403
    assert head(served.root) == before
    assert "status: review" in story_path(served.root, story_id).read_text(encoding="utf-8")


def test_a_professional_sees_and_edits_only_their_own_stories(served: Served) -> None:
    samira, token = served.client("samira")
    draft = new_story(samira, token, title="Half af concept", actie="concept", consent="")
    review = new_story(samira, token, title="Klaar voor beoordeling")
    home = samira.get("/").text
    concept_part, review_part = home.split('id="kop-review"')
    assert "Half af concept" in concept_part and draft in concept_part
    assert "Klaar voor beoordeling" in review_part and review in review_part
    assert "status: draft" in story_path(served.root, draft).read_text(encoding="utf-8")

    joost, joost_token = served.client("joost")
    assert "Half af concept" not in joost.get("/").text
    assert "Klaar voor beoordeling" not in joost.get("/").text
    before = head(served.root)
    for story_id in (draft, review):
        assert joost.get(f"/verhalen/{story_id}").status_code == 403
        assert joost.get(f"/verhalen/{story_id}/bewerken").status_code == 403
        response = joost.post(f"/verhalen/{story_id}/bewerken", data={
            **fk.story_form(title="Overgenomen"), "csrf": joost_token, "versie": "x"})
        assert response.status_code == 403
    assert head(served.root) == before

    # the author edits her draft and sends it in: one commit by her, same id and file
    url = f"/verhalen/{draft}/bewerken"
    form = samira.get(url)
    assert form.status_code == 200 and "Half af concept" in form.text
    response = samira.post(url, data={**fk.story_form(title="Toch af"), "csrf": token,
                                      "versie": version_of(samira, url)})
    assert response.status_code == 303
    text = story_path(served.root, draft).read_text(encoding="utf-8")
    assert "title: Toch af" in text and "status: review" in text
    assert fk.git(served.root, "log", "-1", "--format=%an").strip() == "Samira Bakker"
    assert draft in fk.git(served.root, "log", "-1", "--format=%s")
    # an old version of the form cannot overwrite the new text (no lost update)
    stale = samira.post(url, data={**fk.story_form(title="Oude versie"), "csrf": token,
                                   "versie": "0" * 20})
    assert stale.status_code == 409
    assert "Oude versie" in stale.text
    assert "title: Toch af" in story_path(served.root, draft).read_text(encoding="utf-8")


def test_a_coordinator_publishes_and_sends_back_as_git_commits(served: Served) -> None:
    served.wait_privacy()
    samira, token = served.client("samira")
    first = new_story(samira, token, title="Te publiceren verhaal")
    second = new_story(samira, token, title="Terug te sturen verhaal")
    coby, coby_token = served.client("coby")
    queue = coby.get("/beoordelen")
    assert queue.status_code == 200
    assert first in queue.text and second in queue.text

    review = coby.get(f"/beoordelen/{first}")
    assert review.status_code == 200 and "gede-identificeerd" in review.text
    response = coby.post(f"/beoordelen/{first}/publiceren", data={
        "csrf": coby_token, "versie": version_of(coby, f"/beoordelen/{first}")})
    assert response.status_code == 303, response.text[-2000:]
    assert "status: published" in story_path(served.root, first).read_text(encoding="utf-8")
    author, subject = fk.git(served.root, "log", "-1", "--format=%an%n%s").splitlines()
    assert author == "Coby Mulder"
    assert subject == f"Verhaal {first} gepubliceerd"
    assert f"/beoordelen/{first}\"" not in coby.get("/beoordelen").text

    karel, karel_token = served.client("karel")
    empty = karel.post(f"/beoordelen/{second}/terugsturen", data={
        "csrf": karel_token, "versie": version_of(karel, f"/beoordelen/{second}"),
        "opmerking": "  "})
    assert empty.status_code == 422
    assert "Schrijf kort op wat de auteur moet aanpassen." in empty.text
    comment = ('Haal de straatnaam uit de tweede alinea.\n\nEn: noem "de buurman" niet '
               "--- ook niet zo.")
    response = karel.post(f"/beoordelen/{second}/terugsturen", data={
        "csrf": karel_token, "versie": version_of(karel, f"/beoordelen/{second}"),
        "opmerking": comment})
    assert response.status_code == 303
    text = story_path(served.root, second).read_text(encoding="utf-8")
    assert frontmatter.loads(text)["feedback"] == comment
    assert frontmatter.loads(text)["status"] == "draft"
    assert text.rstrip().endswith("Een gezin vond een nieuwe woning en weer rust.")
    author, subject, *body = fk.git(served.root, "log", "-1", "--format=%an%n%s%n%b").splitlines()
    assert author == "Karel Smit"
    assert subject == f"Verhaal {second} teruggestuurd naar Samira Bakker"
    assert comment in "\n".join(body)
    assert "Haal de straatnaam uit de tweede alinea." in samira.get("/").text
    assert "noem &#34;de buurman&#34; niet" in samira.get(f"/verhalen/{second}/bewerken").text
    # the history of every decision is visible on the story page
    history = samira.get(f"/verhalen/{second}").text
    assert "Karel Smit" in history and "teruggestuurd" in history
    assert clean(served.root)


def test_a_coordinator_cannot_publish_their_own_story(served: Served) -> None:
    served.wait_privacy()
    coby, token = served.client("coby")
    story_id = new_story(coby, token, title="Eigen verhaal van Coby")
    before = head(served.root)
    response = coby.post(f"/beoordelen/{story_id}/publiceren", data={
        "csrf": token, "versie": version_of(coby, f"/verhalen/{story_id}/bewerken")})
    assert response.status_code == 403
    assert "eigen verhaal" in response.text
    assert head(served.root) == before


# -- CSRF ---------------------------------------------------------------------------------------

def test_every_post_needs_the_sessions_csrf_token(served: Served) -> None:
    samira, token = served.client("samira")
    story_id = new_story(samira, token, title="CSRF-doelwit")
    coby, coby_token = served.client("coby")
    version = version_of(coby, f"/beoordelen/{story_id}")
    posts = [
        (samira, "/verhalen/nieuw", fk.story_form(title="Vervalst")),
        (samira, f"/verhalen/{story_id}/bewerken", {**fk.story_form(title="Vervalst"),
                                                   "versie": version}),
        (samira, "/voorbeeld", fk.story_form()),
        (samira, "/uitloggen", {}),
        (coby, f"/beoordelen/{story_id}/publiceren", {"versie": version}),
        (coby, f"/beoordelen/{story_id}/terugsturen", {"versie": version, "opmerking": "nee"}),
        (coby, "/uitloggen", {}),
    ]
    before, files = head(served.root), snapshot(served.root)
    other = {samira: coby_token, coby: token}  # a valid token, but of another session
    for client, path, data in posts:
        for bad in (None, "", "fout-token", other[client]):
            payload = dict(data) if bad is None else {**data, "csrf": bad}
            response = client.post(path, data=payload)
            assert 400 <= response.status_code < 500, (path, bad, response.status_code)
            if path != "/voorbeeld":
                assert "CSRF" in response.text, path
    assert head(served.root) == before
    assert snapshot(served.root) == files
    # both are still logged in: a refused logout did not log anyone out
    assert samira.get("/").status_code == 200 and coby.get("/").status_code == 200
    # the login form has its own token
    fresh = fk.client(served.base)
    fresh.get("/inloggen")
    refused = fresh.post("/inloggen", data={"username": "samira", "password": fk.PASSWORD})
    assert refused.status_code == 403
    assert SESSION_COOKIE not in fresh.cookies


def test_a_stale_form_after_logging_in_again_keeps_the_text(served: Served) -> None:
    """Logged in again in another tab (as the preview advises when a session ended): the old
    tab's token no longer matches. Nothing is saved, and the text comes back to send again."""
    client, old_token = served.client("samira")
    again = fk.CSRF.search(client.get("/inloggen").text).group(1)  # type: ignore[union-attr]
    assert client.post("/inloggen", data={"username": "samira", "password": fk.PASSWORD,
                                          "csrf": again}).status_code == 303
    before = head(served.root)
    body = "Een verhaal van een half uur typen dat niet verloren mag gaan."
    response = submit(client, old_token, title="Na opnieuw inloggen", body=body)
    assert response.status_code == 403
    assert "CSRF" in response.text and "Er is niets opgeslagen" in response.text
    assert body in response.text and 'value="Na opnieuw inloggen"' in response.text
    assert head(served.root) == before
    fresh = fk.CSRF.search(response.text).group(1)  # type: ignore[union-attr]
    assert fresh != old_token
    assert new_story(client, fresh, title="Na opnieuw inloggen", body=body)
    assert commits(served.root) == int(fk.git(served.root, "rev-list", "--count", before)) + 1
    # the same for a coordinator's comment
    coby, coby_token = served.client("coby")
    story_id = new_story(client, fresh, title="Wordt teruggestuurd")
    version = version_of(coby, f"/beoordelen/{story_id}")
    comment = "Een lange opmerking die de coördinator niet opnieuw wil typen."
    refused = coby.post(f"/beoordelen/{story_id}/terugsturen",
                        data={"csrf": "oud", "versie": version, "opmerking": comment})
    assert refused.status_code == 403 and comment in refused.text and "CSRF" in refused.text
    assert "status: review" in story_path(served.root, story_id).read_text(encoding="utf-8")
    sent = coby.post(f"/beoordelen/{story_id}/terugsturen",
                     data={"csrf": coby_token, "versie": version, "opmerking": comment})
    assert sent.status_code == 303
    assert "status: draft" in story_path(served.root, story_id).read_text(encoding="utf-8")


# -- submission ---------------------------------------------------------------------------------

def test_a_submission_is_a_commit_by_the_professional(served: Served) -> None:
    samira, token = served.client("samira")
    ids_before = {p.stem for p in (served.root / "stories").rglob("*.md")}
    count = commits(served.root)
    story_id = new_story(samira, token, title="Een nieuwe start voor een gezin",
                         themes=["wonen", "schulden"], domains=["wmo"])
    assert story_id not in ids_before
    path = story_path(served.root, story_id)
    text = path.read_text(encoding="utf-8")
    assert f"id: {story_id}\n" in text
    assert "status: review\n" in text
    assert "author: Samira Bakker\n" in text
    assert "title: Een nieuwe start voor een gezin\n" in text
    assert "themes: [wonen, schulden]\n" in text
    assert text.rstrip().endswith("Een gezin vond een nieuwe woning en weer rust.")
    assert commits(served.root) == count + 1
    log = fk.git(served.root, "log", "-1", "--format=%an%n%ae%n%s", "--name-only").split("\n")
    assert log[:3] == ["Samira Bakker", "samira@example.org",
                       f"Verhaal {story_id} ingestuurd ter beoordeling"]
    assert f"stories/2019/{story_id}.md" in log
    assert clean(served.root)
    # what the form wrote passes `rijk check`, as a story written by hand must
    check = subprocess.run([sys.executable, "-m", "generator.cli", "check", str(path)],
                           cwd=served.root, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    page = samira.get(f"/verhalen/{story_id}")
    assert "Ingestuurd" in page.text and "ter beoordeling" in page.text
    # the next story gets the next id, never the same one
    assert new_story(samira, token, title="Nog een") != story_id


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"title": ""}, "title", "Geef het verhaal een titel."),
    ({"date": "2019-02-30"}, "date", "Deze datum bestaat niet"),
    ({"date": "14-03-2019"}, "date", "JJJJ-MM-DD"),
    ({"date": "2999-01-01"}, "date", "toekomst"),
    ({"neighbourhood": "nergensland"}, "neighbourhood", "Kies een wijk uit de lijst."),
    ({"consent": ""}, "consent", "toestemming"),
    ({"body": "   "}, "body", "Schrijf het verhaal zelf"),
    ({"themes": ["wonen", "ruimtevaart"]}, "themes", "Onbekend thema: ruimtevaart"),
])
def test_a_validation_error_is_shown_beside_the_field_and_keeps_the_text(
        served: Served, overrides: dict[str, object], field: str, message: str) -> None:
    samira, token = served.client("samira")
    before = head(served.root)
    body = "Mijn zorgvuldig geschreven verhaal over de <buurt> & \"het\" huis."
    response = submit(samira, token, **{"body": body, "summary": "Mijn samenvatting",
                                        **overrides})
    assert response.status_code == 422
    assert message in field_error(response.text, field), response.text[-3000:]
    # the message sits right in the field's own block, and the field points to it
    assert f'aria-describedby="hint-{field} fout-{field}"' in response.text
    if field != "body":
        escaped = ("Mijn zorgvuldig geschreven verhaal over de &lt;buurt&gt; &amp; &#34;het&#34; "
                   "huis.")
        assert escaped in response.text
    assert 'value="Mijn samenvatting"' in response.text
    assert head(served.root) == before


def test_privacy_findings_are_shown_before_submitting(served: Served) -> None:
    served.wait_privacy()
    samira, token = served.client("samira")
    before = head(served.root)
    body = "De moeder belde ons op 06-12345678 en daarna ging het beter."
    response = samira.post("/voorbeeld", data={**fk.story_form(body=body), "csrf": token})
    assert response.status_code == 200
    data = response.json()
    assert data["privacy"] == "klaar"
    phones = [f for f in data["findings"] if f["kind"] == "telefoonnummer"]
    assert phones and phones[0]["field"] == "body" and "06-12345678" in phones[0]["text"]
    assert "haal het weg of maak het algemeen" in phones[0]["advice"]
    assert "06-12345678" in data["html"]
    clean_text = samira.post("/voorbeeld", data={
        **fk.story_form(body="Een gezin vond weer rust."), "csrf": token}).json()
    assert clean_text["findings"] == []
    # without JavaScript: the 'Voorbeeld' button shows the same warning and saves nothing
    page = submit(samira, token, body=body, actie="voorbeeld")
    assert page.status_code == 200
    assert "Dit lijkt een telefoonnummer" in page.text
    assert body in page.text
    assert head(served.root) == before


def test_html_in_a_story_cannot_run_in_the_coordinators_browser(served: Served) -> None:
    samira, token = served.client("samira")
    story_id = new_story(samira, token, title="<script>alert('titel')</script> Kop",
                         summary="<img src=x onerror=alert(2)>",
                         body="Tekst <script>alert(1)</script> <img src=x onerror=alert(3)> "
                              "[klik](javascript:alert(4)) <iframe src=//evil.example></iframe>")
    coby, _token = served.client("coby")
    for client, path in ((samira, f"/verhalen/{story_id}"), (coby, f"/verhalen/{story_id}"),
                         (coby, f"/beoordelen/{story_id}"), (coby, "/beoordelen"),
                         (samira, "/")):
        page = client.get(path)
        assert page.status_code == 200, path
        for bad in ("<script>alert", "<img", 'href="javascript:', "<iframe"):
            assert bad not in page.text, (path, bad)
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt; Kop" in coby.get("/beoordelen").text
    preview = samira.post("/voorbeeld", data={"csrf": token, "body": "<script>x()</script>*ja*"})
    assert preview.json()["html"].strip() == "<p><em>ja</em></p>"


# -- robustness ---------------------------------------------------------------------------------

def test_a_huge_request_is_refused_and_nothing_is_written(served: Served) -> None:
    samira, token = served.client("samira")
    before, files = head(served.root), snapshot(served.root)
    response = submit(samira, token, body="Een heel lang verhaal. " * 20_000)
    assert response.status_code == 413
    assert "te groot" in response.text
    # also when the size is not announced (chunked upload)
    payload = httpx.QueryParams({**fk.story_form(), "csrf": token}).__str__().encode()

    def chunks() -> Iterator[bytes]:
        yield payload
        for _ in range(100):
            yield b"&body=" + b"x" * 8192

    chunked = samira.post("/verhalen/nieuw", content=chunks(),
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert chunked.status_code == 413
    assert head(served.root) == before
    assert snapshot(served.root) == files
    # the server is fine afterwards
    assert samira.get("/").status_code == 200


@pytest.mark.parametrize("path", [
    "/verhalen/..%2F..%2Fetc/bewerken",
    "/verhalen/..%2F..%2Fmkdocs.yml",
    "/verhalen/%2e%2e%2f%2e%2e%2fmkdocs",
    "/verhalen/zo-2019-001%2F..%2F..%2F..%2Fmkdocs.yml/bewerken",
    "/verhalen/zo-2019-001.md",
    "/verhalen/%2e%2e",
    "/verhalen/zo-2019-001%00",
    "/verhalen/ZO-2019-001/bewerken",
    "/beoordelen/..%2F..%2Fmkdocs.yml",
    "/beoordelen/zo-2019-001%2F..%2Fzo-2019-002",
    "/site/..%2F..%2Fmkdocs.yml",
    "/site/%2e%2e/%2e%2e/etc/passwd",
    "/site/..%2F.git%2Fconfig",
    "/static/..%2F..%2Fusers.py",
])
def test_ids_and_paths_never_escape_stories(served: Served, path: str) -> None:
    coby, token = served.client("coby")
    before, files = head(served.root), snapshot(served.root)
    response = coby.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "site_name" not in response.text and "root:" not in response.text
    assert "[core]" not in response.text and "import" not in response.text
    if path.startswith(("/verhalen/", "/beoordelen/")):
        target = path if path.endswith("bewerken") or path.startswith("/beoordelen") else (
            path + "/bewerken")
        if path.startswith("/beoordelen/"):
            target = path + "/publiceren"
        post = coby.post(target, data={**fk.story_form(), "csrf": token, "versie": "x"})
        assert post.status_code in (400, 404, 405), (target, post.status_code)
    assert head(served.root) == before
    assert snapshot(served.root) == files


def test_a_dirty_working_tree_gives_a_clear_error_and_keeps_the_text(quiet: Served) -> None:
    samira, token = quiet.client("samira")
    story_id = new_story(samira, token, title="Wordt met de hand gewijzigd")
    path = story_path(quiet.root, story_id)
    url = f"/verhalen/{story_id}/bewerken"
    version = version_of(samira, url)
    by_hand = path.read_text(encoding="utf-8") + "\nEen regel die iemand met de hand toevoegde.\n"
    path.write_text(by_hand, encoding="utf-8")
    before = head(quiet.root)
    mine = "Mijn nieuwe versie van het verhaal, die niet verloren mag gaan."
    response = samira.post(url, data={**fk.story_form(body=mine), "csrf": token,
                                      "versie": version})
    assert response.status_code == 409
    assert "nog niet in git zijn vastgelegd" in response.text
    assert mine in response.text
    assert path.read_text(encoding="utf-8") == by_hand  # the change by hand is not overwritten
    assert head(quiet.root) == before
    # another story can still be sent in; the change by hand stays out of that commit
    other = new_story(samira, token, title="Gaat gewoon door")
    assert f"stories/2019/{story_id}.md" not in fk.git(quiet.root, "show", "--name-only",
                                                        "--format=", "HEAD")
    assert fk.git(quiet.root, "status", "--porcelain").strip() == f"M stories/2019/{story_id}.md"
    assert story_path(quiet.root, other).exists()
    # a merge in progress: nothing is written, and the text comes back
    (quiet.root / ".git" / "MERGE_HEAD").write_text(before + "\n", encoding="utf-8")
    count = commits(quiet.root)
    busy = submit(samira, token, title="Tijdens een merge", body=mine)
    assert busy.status_code == 503
    assert "midden in een merge" in busy.text and mine in busy.text
    assert commits(quiet.root) == count
    assert not any("Tijdens een merge" in p.read_text(encoding="utf-8")
                   for p in (quiet.root / "stories").rglob("*.md"))
    (quiet.root / ".git" / "MERGE_HEAD").unlink()
    # a detached HEAD: a clear message as well
    fk.git(quiet.root, "checkout", "-q", "--detach")
    detached = submit(samira, token, title="Zonder branch", body=mine)
    assert detached.status_code == 503
    assert "detached HEAD" in detached.text and mine in detached.text
    fk.git(quiet.root, "checkout", "-q", "main")
    assert fk.git(quiet.root, "fsck", "--no-progress").strip() == ""


REFUSED_FORMS: list[dict[str, object]] = [
    {"title": "x" * 5000},
    {"date": "2019-13-45"},
    {"date": "99999-01-01"},
    {"date": "0000-00-00"},
    {"date": "2019-06-01T12:00:00"},
    {"neighbourhood": "../../etc/passwd"},
    {"themes": "x" * 10_000},
    {"values": ["' OR 1=1 --"]},
    {"team": ""},
    {"summary": "lang " * 200},
]
ODD_FORMS: list[dict[str, object]] = [  # a browser never sends these; any sane answer will do
    {"themes": ["wonen"] * 2000},
    {"consent": ["on", "off"]},
    {"actie": ["insturen", "concept"]},
    {"neighbourhood": ["driemond", "holendrecht-reigersbos"]},
    {"versie": "../../"},
]


def test_garbage_input_gets_a_4xx_never_a_500(served: Served) -> None:
    samira, token = served.client("samira")
    before = head(served.root)
    for overrides in REFUSED_FORMS:
        response = submit(samira, token, **overrides)
        assert 400 <= response.status_code < 500, (overrides, response.status_code)
        assert "Nog niet opgeslagen" in response.text
    unknown = submit(samira, token, actie="publiceren")
    assert unknown.status_code == 200  # an unknown button: a preview, never a save
    assert head(served.root) == before
    for overrides in ODD_FORMS:
        response = submit(samira, token, **overrides)
        assert response.status_code in (303, 400, 422), (overrides, response.status_code)
        if response.status_code == 303:
            story_id = response.headers["location"].rsplit("/", 1)[-1]
            text = story_path(served.root, story_id).read_text(encoding="utf-8")
            assert "status: review\n" in text or "status: draft\n" in text
    before = head(served.root)
    raw_posts: list[tuple[bytes, str]] = [
        (b"title=%FF%FE&body=%C0%AF&csrf=" + token.encode(), "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00\x01garbage", "application/x-www-form-urlencoded"),
        (b'{"title": 1, "body": ["a"]}', "application/json"),
        (b"--grens\r\nContent-Disposition: form-data; name=\"body\"; filename=\"a.md\"\r\n\r\n"
         b"tekst\r\n--grens--\r\n", "multipart/form-data; boundary=grens"),
        (b"--grens\r\nkapot", "multipart/form-data; boundary=grens"),
        (b"body=tekst", "multipart/form-data"),
        (b"<xml/>", "text/xml"),
    ]
    for content, kind in raw_posts:
        for path in ("/verhalen/nieuw", "/voorbeeld", "/verhalen/zo-2019-001/bewerken",
                     "/beoordelen/zo-2019-001/publiceren", "/inloggen"):
            response = samira.post(path, content=content, headers={
                "content-type": kind, "x-csrf-token": token})
            assert response.status_code < 500, (path, content[:30], response.status_code)
            if path != "/voorbeeld":  # a preview of replacement characters is fine
                assert response.status_code >= 400, (path, content[:30], response.status_code)
    for path, params in (("/site-status", {"bouw": "abc"}), ("/site-status", {"bouw": "-5"}),
                         ("/site-status", {"bouw": "9" * 40}), ("/inloggen", {"volgende": "\x00"}),
                         ("/verhalen/nieuw", {"x": "\x00"})):
        response = samira.get(path, params=params)
        assert response.status_code < 500, (path, params, response.status_code)
    for method in ("PUT", "DELETE", "PATCH"):
        assert samira.request(method, "/verhalen/nieuw").status_code == 405
    assert head(served.root) == before
    assert samira.get("/").status_code == 200


def test_unusual_but_valid_text_is_stored_exactly(served: Served) -> None:
    samira, token = served.client("samira")
    cases = [
        ("Titel: met een dubbele punt # en hekje", "Gewone tekst."),
        ("---", "---\nid: xx-2019-999\nstatus: published\n---\nIngevoegde front-matter."),
        ("Emoji 😀 en ‘quotes’ en 'enkele'", "Tekst met 😀 en een tab\tin het midden."),
        ("\"Aanhalingstekens\" en 'meer'", "Regel één\r\nRegel twee\rRegel drie"),
        ("yes", "no"),
        ("- lijst", "* ook een lijst"),
        ("\x00\x01\x02 nul-tekens\x7f\u2028", "Tekst\x00 met\x1b[31m stuurtekens\ufeff."),
    ]
    for title, body in cases:
        story_id = new_story(samira, token, title=title, body=body, summary="null")
        text = story_path(served.root, story_id).read_text(encoding="utf-8")
        post = frontmatter.loads(text)
        assert post["id"] == story_id and post["status"] == "review", text
        assert post["title"] == " ".join(re.sub(r"[\x00-\x1f\x7f\u2028]", "", title).split())
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]", text), text
        assert post["summary"] == "null", text
        assert post["author"] == "Samira Bakker"
    assert clean(served.root)


def test_bad_raw_http_is_answered_with_4xx(served: Served) -> None:
    port = int(served.base.rsplit(":", 1)[1])
    requests = [
        b"POST /verhalen/nieuw HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /verhalen/nieuw HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        b"POST /verhalen/%ZZ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    ]
    for raw in requests:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(raw)
            answer = sock.recv(4096)
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, (raw, answer[:200])


# -- concurrency --------------------------------------------------------------------------------

def test_concurrent_submissions_all_end_up_in_git(served: Served) -> None:
    n = 20
    clients = [served.client("samira" if i % 2 else "joost") for i in range(n)]
    count = commits(served.root)
    start = threading.Barrier(n)

    def one(number: int) -> httpx.Response:
        client, token = clients[number]
        start.wait()
        return submit(client, token, title=f"Gelijktijdig verhaal {number:02d}",
                      body=f"Verhaal nummer {number} van de gelijktijdige test.")

    with ThreadPoolExecutor(n) as pool:
        responses = list(pool.map(one, range(n)))
    assert [r.status_code for r in responses] == [303] * n
    ids = [r.headers["location"].rsplit("/", 1)[-1] for r in responses]
    assert len(set(ids)) == n
    assert commits(served.root) == count + n
    for number, story_id in enumerate(ids):
        text = fk.git(served.root, "show", f"HEAD:stories/2019/{story_id}.md")
        assert f"title: Gelijktijdig verhaal {number:02d}\n" in text
        assert f"Verhaal nummer {number} van de gelijktijdige test." in text
    authors = fk.git(served.root, "log", f"-{n}", "--format=%an").split("\n")[:n]
    assert sorted(set(authors)) == ["Joost de Wit", "Samira Bakker"]
    fsck = subprocess.run(["git", "fsck", "--full", "--strict"], cwd=served.root,
                          capture_output=True, text=True)
    assert fsck.returncode == 0, fsck.stderr
    assert clean(served.root)


def test_the_id_of_a_deleted_story_is_never_handed_out_again(quiet: Served) -> None:
    samira, token = quiet.client("samira")
    # a coordinator withdraws the newest story by hand, in git, while the form runs
    fk.git(quiet.root, "rm", "-q", "stories/2019/zo-2019-002.md")
    fk.git(quiet.root, "commit", "-q", "-m", "Verhaal zo-2019-002 ingetrokken")
    assert new_story(samira, token, title="Na het intrekken") == "zo-2019-003"
    # a file whose name is the next id but whose front-matter says otherwise is not touched
    odd = quiet.root / "stories" / "2019" / "zo-2019-004.md"
    odd.write_text(fk.story_text("zo-2019-001", "Een kopie met een verkeerde naam."),
                   encoding="utf-8")
    fk.git(quiet.root, "add", "stories/2019/zo-2019-004.md")
    fk.git(quiet.root, "commit", "-q", "-m", "Met de hand")
    before = odd.read_text(encoding="utf-8")
    assert new_story(samira, token, title="Daarna") == "zo-2019-005"
    assert odd.read_text(encoding="utf-8") == before


def test_two_servers_and_a_hand_made_commit_on_one_repository(tmp_path: Path) -> None:
    root = fk.git_project(tmp_path / "project")
    fk.add_users(root)
    with fk.live_server(root, fk.settings(root, privacy=False)) as (base_a, _a), \
            fk.live_server(root, fk.settings(root, privacy=False)) as (base_b, _b):
        first = new_story(*fk.login(base_a, "samira"), title="Eerst")
        # somebody commits by hand in between: the form builds on that, never drops it
        (root / "docs" / "extra.md").write_text("# Extra\n", encoding="utf-8")
        fk.git(root, "add", "docs/extra.md")
        fk.git(root, "commit", "-q", "-m", "Met de hand")
        manual = head(root)
        logins = [fk.login(base_a if i % 2 else base_b, "joost") for i in range(10)]
        with ThreadPoolExecutor(10) as pool:
            responses = list(pool.map(
                lambda pair: submit(pair[1][0], pair[1][1], title=f"Twee servers {pair[0]}"),
                enumerate(logins)))
    assert [r.status_code for r in responses] == [303] * 10
    ids = {r.headers["location"].rsplit("/", 1)[-1] for r in responses} | {first}
    assert len(ids) == 11
    assert commits(root) == 1 + 1 + 1 + 10
    assert fk.git(root, "merge-base", "--is-ancestor", manual, "HEAD") == ""
    tree = fk.git(root, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert "docs/extra.md" in tree
    assert all(f"stories/2019/{story_id}.md" in tree for story_id in ids)
    assert fk.git(root, "status", "--porcelain").strip() == ""


# -- the OpenAPI schema, fuzzed -----------------------------------------------------------------

def fuzz(operation: Any, base: str, token: str, session: Any,
         calls: list[tuple[str, int]]) -> Any:
    """A hypothesis test for one operation: generated requests from a logged-in browser."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=8, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def check(case: schemathesis.Case) -> None:
        if isinstance(case.body, dict):
            if case.path.startswith("/verhalen/"):  # fuzz around a valid story
                case.body = {**fk.story_form(), **case.body}
            case.body["csrf"] = token
        response = case.call(base_url=base, session=session, allow_redirects=False)
        calls.append((f"{case.method} {case.formatted_path} {case.body!r:.200}",
                      response.status_code))

    return check


def test_schemathesis_finds_no_server_errors(tmp_path: Path) -> None:
    import requests
    import schemathesis

    root = fk.git_project(tmp_path / "project")
    with serving(root, privacy=False) as served:
        schema = schemathesis.openapi.from_dict(served.app.openapi())
        operations = [op.ok() for op in schema.get_all_operations()]
        labels = {f"{op.method.upper()} {op.path}" for op in operations}
        assert {"POST /verhalen/nieuw", "POST /beoordelen/{story_id}/publiceren",
                "GET /verhalen/{story_id}/bewerken", "POST /voorbeeld"} <= labels
        calls: list[tuple[str, int]] = []
        for username in ("coby", "samira"):
            client, token = served.client(username)
            session = requests.Session()
            session.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
            session.headers["X-CSRF-Token"] = token
            for operation in operations:
                if operation.path != "/uitloggen":
                    fuzz(operation, served.base, token, session, calls)()
            assert client.get("/").status_code == 200, "the session survived the fuzzing"
            session.close()
        assert [call for call in calls if call[1] >= 500] == []
        assert len(calls) > 5 * len(operations)
        assert any(code == 303 for _call, code in calls)  # some generated stories were saved
        fsck = subprocess.run(["git", "fsck", "--strict"], cwd=root, capture_output=True,
                              text=True)
        assert fsck.returncode == 0, fsck.stderr
        assert clean(root)


# -- accounts and the site rebuild ----------------------------------------------------------------

def test_rijk_users_add_makes_an_account_that_can_log_in(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator.cli.form import users

    root = fk.git_project(tmp_path / "project")
    runner = CliRunner()
    args = ["add", "ana", "--role", "professional", "--team", "Buurtteam Noord", "--name",
            "Ana van 't Hof", "--email", "ana@example.org", "--password", "lang-genoeg-1",
            "--project", str(root)]
    result = runner.invoke(users, args)
    assert result.exit_code == 0, result.output
    again = runner.invoke(users, args)
    assert again.exit_code != 0 and "bestaat al" in again.output
    short = runner.invoke(users, [*args[:-4], "--password", "kort", "--project", str(root)])
    assert short.exit_code != 0 and "te kort" in short.output
    path = root / ".rijk" / "users.yml"
    assert path.stat().st_mode & 0o777 == 0o600
    assert "lang-genoeg-1" not in path.read_text(encoding="utf-8")
    assert "$argon2id$" in path.read_text(encoding="utf-8")
    assert fk.git(root, "status", "--porcelain").strip() == ""  # never ends up in git
    with fk.live_server(root, fk.settings(root, privacy=False)) as (base, _app):
        client, token = fk.login(base, "ana", "lang-genoeg-1")
        story_id = new_story(client, token, title="Van Ana")
        assert fk.git(root, "log", "-1", "--format=%an <%ae>").strip() == (
            "Ana van 't Hof <ana@example.org>")
        text = story_path(root, story_id).read_text(encoding="utf-8")
        assert frontmatter.loads(text)["author"] == "Ana van 't Hof"
        assert "Van Ana" in client.get("/").text  # her own story, found by her name


BUILD = """
import pathlib, sys
site, flag, version = (pathlib.Path(a) for a in sys.argv[1:])
if flag.exists():
    sys.exit("bouwfout: " + flag.read_text())
(site / "index.html").write_text(version.read_text())
"""


def test_a_failed_rebuild_keeps_the_old_site(tmp_path: Path) -> None:
    from generator.form.rebuild import Rebuilder

    site, flag, version = tmp_path / "site", tmp_path / "kapot", tmp_path / "versie"
    rebuilder = Rebuilder([sys.executable, "-c", BUILD, "{site_dir}", str(flag), str(version)],
                          tmp_path, site)
    rebuilder.start()
    try:
        version.write_text("een")
        assert rebuilder.wait_live(rebuilder.request(), timeout=60)
        assert (site / "index.html").read_text() == "een"
        flag.write_text("taxonomie kapot")
        version.write_text("twee")
        generation = rebuilder.request()
        assert not rebuilder.wait_live(generation, timeout=60)
        status = rebuilder.status()
        assert "bouwfout: taxonomie kapot" in (status.last_error or "")
        assert status.live == generation - 1 and not status.is_live(generation)
        assert (site / "index.html").read_text() == "een"  # the old site is still there
        flag.unlink()
        assert rebuilder.wait_live(rebuilder.request(), timeout=60)
        assert (site / "index.html").read_text() == "twee"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "versie"]
    finally:
        rebuilder.stop()


# -- the load benchmark -------------------------------------------------------------------------

def test_load_benchmark_loses_nothing() -> None:
    from generator.form.load import run_load_benchmark

    result = run_load_benchmark(8, privacy=False)
    assert result["commits"] == 8
    assert result["lost"] == 0
    assert result["errors"] == 0
    assert result["clean_tree"] is True
    assert result["p95_ms"] > 0


# -- signals for policy -------------------------------------------------------------------------

def test_a_signal_written_in_the_form_is_a_valid_signals_field(served: Served) -> None:
    from generator.checks import check_corpus
    from generator.taxonomy import Taxonomy

    client, token = served.client("samira")
    text = "De wachtlijst voor de schuldhulp was zes maanden: \"te lang\" voor dit gezin."
    story_id = new_story(client, token, signal_kind=["wachtlijst", "", ""],
                         signal_domain=["schuldhulp", "", ""], signal_text=[text, "", ""])
    path = story_path(served.root, story_id)
    assert "signals: [{kind: \"wachtlijst\", domain: \"schuldhulp\", text:" in path.read_text()
    result = check_corpus([path], Taxonomy.load(served.root / "taxonomy"))
    assert result.errors == []
    [signal] = result.stories[0].signals
    assert (signal.kind, signal.domain, signal.text) == ("wachtlijst", "schuldhulp", text)
    edit = client.get(f"/verhalen/{story_id}/bewerken")
    if edit.status_code == 200:  # still editable: the edit form shows the signal again
        assert 'value="De wachtlijst voor de schuldhulp' in edit.text


def test_a_half_filled_signal_row_is_an_error_beside_the_field(served: Served) -> None:
    client, token = served.client("samira")
    before = commits(served.root)
    response = submit(client, token, signal_kind=["regel"], signal_domain=[""],
                      signal_text=[""])
    assert response.status_code == 422
    assert "Signaal 1: kies de soort én beschrijf" in field_error(response.text, "signals")
    assert commits(served.root) == before
