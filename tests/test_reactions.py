"""Residents respond, coordinators moderate and record choices: the real form server on
loopback, a real git repository, and a real build to show what was approved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.formkit import (
    add_users,
    client,
    close_clients,
    git,
    git_project,
    live_server,
    login,
    settings,
)
from tests.helpers import mkdocs_build, story_text

REASON = ("De bewoners in het panel herkenden zich in dit verhaal. Het laat zien dat een "
          "gezin weer rust vindt als de hulp op tijd komt.")


def stories() -> dict[str, str]:
    return {
        "2019/zo-2019-001.md": story_text("zo-2019-001", "Een gezin vond weer rust.",
                                          title="Weer rust", author="Samira Bakker"),
        "2019/zo-2019-002.md": story_text("zo-2019-002", "Nog een concept.", status="draft"),
    }


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = git_project(tmp_path / "project", stories())
    add_users(root)
    with live_server(root, settings(root, reactions_per_minute=5)) as (base, app):
        assert app.state.ctx.privacy.wait(180), app.state.ctx.privacy.reason
        yield base, root
    close_clients()


def reaction(**overrides: str) -> dict[str, str]:
    data = {"about_kind": "story", "about": "zo-2019-001", "consent": "ja",
            "text": "Mooi verhaal. Bij ons in de straat zoekt Pieter de Vries ook hulp, "
                    "bel 06-12345678.",
            "name": "Anneke Visser", "website": "",
            "back": "https://rijkeverantwoording.amsterdam.example/verhalen/zo-2019-001/"}
    data.update(overrides)
    return data


def queue_files(root: Path) -> list[Path]:
    return sorted((root / ".rijk" / "reacties").glob("*.json"))


def commits(root: Path) -> int:
    return len(git(root, "log", "--format=%h").split())


def test_an_anonymous_reaction_waits_in_the_queue_and_not_in_git(server) -> None:
    base, root = server
    response = client(base).post("/reacties", data=reaction())
    assert response.status_code == 202
    assert "Dank u wel" in response.text
    assert 'href="https://rijkeverantwoording.amsterdam.example/verhalen/zo-2019-001/"' in \
        response.text
    assert "vastgelegd in git" not in response.text  # the professionals' footer
    assert len(queue_files(root)) == 1
    assert commits(root) == 1 and not (root / "reactions").exists()
    assert git(root, "status", "--porcelain") == ""  # .rijk/ ignores itself


@pytest.mark.parametrize(("overrides", "status", "says"), [
    ({"website": "http://spam.example"}, 400, "niet verstuurd"),
    ({"consent": ""}, 422, "Zet een vinkje"),
    ({"about": "zo-2019-002"}, 422, "staat niet (meer) op de site"),
    ({"about": "zo-2019-999"}, 422, "staat niet (meer) op de site"),
    ({"about_kind": "wijk", "about": "atlantis"}, 422, "Deze wijk kennen we niet"),
    ({"text": "   "}, 422, "Uw reactie is leeg"),
    ({"text": "a" * 1001}, 422, "te lang (1001 tekens)"),
    ({"name": "n" * 81}, 422, "Uw naam is te lang"),
])
def test_a_bad_or_spam_reaction_is_refused_and_nothing_is_kept(server, overrides, status,
                                                               says) -> None:
    base, root = server
    response = client(base).post("/reacties", data=reaction(**overrides))
    assert response.status_code == status
    assert says.lower() in response.text.lower()
    assert queue_files(root) == []


def test_a_huge_reaction_is_refused_in_words_for_a_resident(server) -> None:
    base, root = server
    response = client(base).post("/reacties", data=reaction(text="Een lange reactie. " * 40_000))
    assert response.status_code == 413
    assert "Uw reactie is te lang" in response.text and "terugknop van uw browser" in response.text
    assert "verhaal" not in response.text  # not the professionals' "kort het verhaal in"
    assert queue_files(root) == []


def test_the_thank_you_page_never_links_to_a_stranger_s_address(server) -> None:
    base, _root = server
    response = client(base).post("/reacties", data=reaction(back="https://evil.example/x"))
    assert response.status_code == 202
    assert "evil.example" not in response.text and "Terug naar de pagina" not in response.text


def test_a_reaction_to_a_story_withdrawn_meanwhile_is_not_committed(server) -> None:
    base, root = server
    client(base).post("/reacties", data=reaction())
    path = root / "stories" / "2019" / "zo-2019-001.md"
    path.write_text(path.read_text().replace("status: published", "status: withdrawn"))
    git(root, "commit", "-qam", "Ingetrokken")
    coby, token = login(base, "coby")
    queue_id = queue_files(root)[0].stem
    coby.post(f"/moderatie/{queue_id}/goedkeuren", data={"csrf": token})
    assert queue_files(root) == [] and not (root / "reactions").exists()
    assert "staat niet meer op de site" in coby.get("/moderatie").text


def test_a_refused_reaction_gives_the_text_back(server) -> None:
    base, _root = server
    response = client(base).post("/reacties", data=reaction(consent=""))
    assert "Uw tekst is niet verloren" in response.text and "bel 06-12345678" in response.text


def test_a_flood_from_one_address_is_refused_with_429(server) -> None:
    base, root = server
    browser = client(base)
    codes = [browser.post("/reacties", data=reaction(text=f"Reactie {i}")).status_code
             for i in range(100)]
    assert codes[:5] == [202] * 5
    assert set(codes[5:]) == {429}
    assert len(queue_files(root)) == 5


def test_approve_commits_the_de_identified_text_and_the_rebuild_shows_it(server) -> None:
    base, root = server
    client(base).post("/reacties", data=reaction())
    coby, token = login(base, "coby")
    queue = coby.get("/moderatie")
    assert queue.status_code == 200
    assert "Pieter de Vries" in queue.text  # the coordinator reads the original …
    assert "Zo komt het op de site" in queue.text
    preview = queue.text.split("Zo komt het op de site")[1].split("</p>")[0]
    assert "Pieter" not in preview and "06-12345678" not in preview  # … and the public text
    queue_id = queue_files(root)[0].stem
    done = coby.post(f"/moderatie/{queue_id}/goedkeuren", data={"csrf": token},
                     follow_redirects=False)
    assert done.status_code == 303
    assert queue_files(root) == []
    log = git(root, "log", "-1", "--format=%an|%s", "--name-only")
    assert log.startswith("Coby Mulder|Reactie op verhaal zo-2019-001 goedgekeurd")
    files = list((root / "reactions" / "zo-2019-001").glob("*.yml"))
    assert len(files) == 1
    committed = files[0].read_text(encoding="utf-8")
    assert "Mooi verhaal" in committed
    for private in ("Pieter", "Vries", "06-12345678", "Anneke", "Visser"):
        assert private not in committed
    site = root / "site"
    result = mkdocs_build(root, site)
    assert result.returncode == 0, result.stderr[-2000:]
    page = (site / "verhalen" / "zo-2019-001" / "index.html").read_text(encoding="utf-8")
    assert "Reacties van bewoners" in page and "Mooi verhaal." in page
    assert "Anneke" not in page


def test_reject_deletes_the_reaction_and_commits_nothing(server) -> None:
    base, root = server
    client(base).post("/reacties", data=reaction())
    coby, token = login(base, "coby")
    queue_id = queue_files(root)[0].stem
    coby.post(f"/moderatie/{queue_id}/afwijzen", data={"csrf": token})
    assert queue_files(root) == [] and commits(root) == 1
    assert "Er wachten geen reacties" in coby.get("/moderatie").text


def test_only_a_coordinator_moderates(server) -> None:
    base, root = server
    client(base).post("/reacties", data=reaction())
    samira, token = login(base, "samira")
    assert samira.get("/moderatie").status_code == 403
    queue_id = queue_files(root)[0].stem
    assert samira.post(f"/moderatie/{queue_id}/goedkeuren",
                       data={"csrf": token}).status_code == 403
    assert len(queue_files(root)) == 1
    assert client(base).get("/moderatie", follow_redirects=False).status_code in (303, 401)


def test_a_coordinator_records_a_choice_and_the_author_sees_it(server) -> None:
    base, root = server
    coby, token = login(base, "coby")
    response = coby.post("/keuzes", data={
        "csrf": token, "jaar": "2019", "panel": "Waardenkring Gaasperdam 2019",
        "rollen": "bewoner, jongerenwerker", "sleutel": "value:compassie",
        "verhaal": "zo-2019-001", "reden": REASON, "datum": "2019-11-14"},
        follow_redirects=False)
    assert response.status_code == 303, response.text
    log = git(root, "log", "-1", "--format=%an|%s", "--name-only")
    assert log.startswith("Coby Mulder|Keuze Waardenkring Gaasperdam 2019: zo-2019-001 voor "
                          "waarde compassie (2019)")
    assert "selections/2019.yml" in log
    listed = coby.get("/keuzes").text
    assert "Waardenkring Gaasperdam 2019" in listed and "gezin weer rust vindt" in listed
    samira, _ = login(base, "samira")
    home = samira.get("/").text
    assert "Gekozen door een panel (1)" in home
    assert "Waardenkring Gaasperdam 2019 (waarde compassie)" in home
    assert "gezin weer rust vindt als de hulp op tijd komt" in home
    joost, _ = login(base, "joost")
    assert "Gekozen door een panel" not in joost.get("/").text


def test_a_choice_of_a_draft_is_refused_with_the_reason_and_no_commit(server) -> None:
    base, root = server
    coby, token = login(base, "coby")
    response = coby.post("/keuzes", data={
        "csrf": token, "jaar": "2019", "panel": "Waardenkring Gaasperdam 2019",
        "sleutel": "theme:wonen", "verhaal": "zo-2019-002", "reden": REASON})
    assert response.status_code == 422
    assert "is niet gepubliceerd (status: draft)" in response.text
    assert REASON in response.text  # what the coordinator typed is still there
    assert commits(root) == 1


def test_behind_a_proxy_each_resident_has_their_own_limit(tmp_path: Path) -> None:
    root = git_project(tmp_path / "project", stories())
    add_users(root)
    with live_server(root, settings(root, reactions_per_minute=2, behind_proxy=True)) as (
            base, _app):
        browser = client(base)

        def post(forwarded: str) -> int:
            return browser.post("/reacties", data=reaction(),
                                headers={"X-Forwarded-For": forwarded}).status_code

        assert [post("203.0.113.5") for _ in range(3)] == [202, 202, 429]
        assert post("198.51.100.7") == 202
        # a client cannot escape by sending its own first entry: the proxy's last one counts
        assert post("192.0.2.1, 203.0.113.5") == 429
    close_clients()
