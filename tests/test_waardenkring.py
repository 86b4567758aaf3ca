"""Waardenkring and Most Significant Change: choices with reasons in git, validated at
file:line, recorded by ``rijk select`` as a commit, shown where people look (story, value and
report pages, /gekozen/, the PDFs), the preparation kit, the wijkbericht and the B1 check."""

from __future__ import annotations

import html
import re
import subprocess
import textwrap
from pathlib import Path

import pytest

from generator.selections import parse_selections
from generator.story import Story
from tests.formkit import git, git_project
from tests.helpers import make_project, mkdocs_build, rijk, story_text

REASON = ("De bewoners in het panel herkenden zich in dit verhaal. Het laat zien dat buren "
          "elkaar helpen zonder dat een instantie het regelt.")


def small_stories() -> dict[str, str]:
    return {
        "2019/zo-2019-001.md": story_text("zo-2019-001", "Buren koken samen voor een zieke "
                                          "buurvrouw.", title="Soep voor de buurvrouw",
                                          values="[solidariteit]"),
        "2019/zo-2019-002.md": story_text("zo-2019-002", "Een vader vond werk via de "
                                          "buurtkamer.", title="Werk via de buurtkamer",
                                          themes="[werk]", values="[autonomie]"),
        "2019/zo-2019-003.md": story_text("zo-2019-003", "Nog niet klaar.", status="draft"),
        "2019/zo-2019-004.md": story_text("zo-2019-004", "Zonder toestemming.",
                                          consent="false"),
    }


def write_selections(project: Path, text: str, year: int = 2019) -> Path:
    path = project / "selections" / f"{year}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def checked(project: Path) -> subprocess.CompletedProcess[str]:
    return rijk(project, "check", "--no-privacy", "--no-suggestions")


VALID = f"""
    panels:
      waardenkring-gaasperdam-2019:
        name: Waardenkring Gaasperdam 2019
        roles: [bewoner, bewoner, jongerenwerker, beleidsmedewerker]
    choices:
      - panel: waardenkring-gaasperdam-2019
        value: solidariteit
        story: zo-2019-001
        reason: >-
          {REASON}
        considered: [zo-2019-002]
        date: 2019-11-14
    """


def test_invalid_choices_are_errors_at_their_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", small_stories())
    write_selections(project, """
        panels:
          wk:
            name: Waardenkring Gaasperdam 2019
            roles: [bewoner]
        choices:
          - panel: wk
            value: solidariteit
            story: zo-2019-099
            reason: Het panel vond dit het belangrijkste verhaal van het jaar voor de buurt.
          - panel: wk
            value: autonomie
            story: zo-2019-003
            reason: Het panel vond dit het belangrijkste verhaal van het jaar voor de buurt.
          - panel: wk
            value: compassie
            story: zo-2019-004
            reason: Het panel vond dit het belangrijkste verhaal van het jaar voor de buurt.
          - panel: wk
            value: betrokkenheid
            story: zo-2019-002
            reason: ""
          - panel: wk
            value: solidariteitt
            story: zo-2019-001
            reason: Het panel vond dit het belangrijkste verhaal van het jaar voor de buurt.
        """)
    result = checked(project)
    assert result.returncode == 1
    out = result.stdout
    assert "selections/2019.yml:8: onbekend verhaal 'zo-2019-099'." in out
    assert ("selections/2019.yml:12: verhaal 'zo-2019-003' is niet gepubliceerd (status: draft)"
            in out)
    assert "selections/2019.yml:16: verhaal 'zo-2019-004' is niet gepubliceerd (consent: false)" \
        in out
    assert "selections/2019.yml:21: de reden is leeg." in out
    assert "selections/2019.yml:23: onbekende waarde 'solidariteitt'. Bedoelde je 'solidariteit'?" \
        in out


def test_a_key_written_twice_and_a_file_not_named_by_year_are_errors(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", small_stories())
    write_selections(project, textwrap.dedent(VALID).replace(
        "    story: zo-2019-001\n", "    story: zo-2019-001\n    story: zo-2019-002\n"))
    (project / "selections" / "najaar.yml").write_text("choices: []\n", encoding="utf-8")
    out = checked(project).stdout
    assert "selections/2019.yml:9: geen geldige YAML: een sleutel staat twee keer" in out
    assert "selections/najaar.yml:1: de bestandsnaam 'najaar.yml' moet het jaar zijn" in out


def test_a_short_reason_is_a_warning_not_an_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", small_stories())
    write_selections(project, VALID.replace(REASON, "Mooi verhaal"))
    result = checked(project)
    assert result.returncode == 0, result.stdout
    assert "selections/2019.yml:9: waarschuwing: de reden is kort (2 woorden)" in result.stdout


def test_rijk_select_writes_the_choice_as_one_commit(tmp_path: Path) -> None:
    project = git_project(tmp_path / "p", small_stories())
    git(project, "config", "user.name", "Coby Mulder")
    git(project, "config", "user.email", "coby@example.org")
    result = rijk(project, "select", "zo-2019-001", "--year", "2019", "--panel",
                  "Waardenkring Gaasperdam 2019", "--role", "bewoner", "--role", "jongerenwerker",
                  "--value", "solidariteit", "--reason", REASON, "--considered", "zo-2019-002",
                  "--date", "2019-11-14")
    assert result.returncode == 0, result.stderr
    log = git(project, "log", "-1", "--format=%an|%s|%b", "--name-only")
    assert log.startswith("Coby Mulder|Keuze Waardenkring Gaasperdam 2019: zo-2019-001 voor "
                          "waarde solidariteit (2019)|")
    assert "selections/2019.yml" in log
    assert git(project, "status", "--porcelain") == ""
    stories = {s.id: s for s in _stories(project)}
    choices, problems = parse_selections((project / "selections/2019.yml").read_text(),
                                         Path("2019.yml"), _taxonomy(project), stories)
    assert problems == []
    assert [(c.panel.name, c.panel.roles, c.key, c.story, c.considered) for c in choices] == [
        ("Waardenkring Gaasperdam 2019", ("bewoner", "jongerenwerker"), "solidariteit",
         "zo-2019-001", ("zo-2019-001", "zo-2019-002"))]
    assert " ".join(choices[0].reason.split()) == REASON
    # the same panel and value again: refused, until --replace
    again = rijk(project, "select", "zo-2019-002", "--year", "2019", "--panel",
                 "Waardenkring Gaasperdam 2019", "--value", "solidariteit", "--reason", REASON)
    assert again.returncode == 1
    assert "koos al verhaal zo-2019-001" in again.stderr and "--replace" in again.stderr
    replaced = rijk(project, "select", "zo-2019-002", "--year", "2019", "--panel",
                    "Waardenkring Gaasperdam 2019", "--value", "solidariteit", "--reason",
                    REASON, "--replace")
    assert replaced.returncode == 0, replaced.stderr
    text = (project / "selections/2019.yml").read_text()
    assert "story: zo-2019-002" in text and "story: zo-2019-001" not in text
    assert len(git(project, "log", "--format=%h").split()) == 3


def test_rijk_select_refuses_two_values_instead_of_keeping_the_last(tmp_path: Path) -> None:
    project = git_project(tmp_path / "p", small_stories())
    result = rijk(project, "select", "zo-2019-001", "--year", "2019", "--panel", "Panel Zuid",
                  "--value", "solidariteit", "--value", "compassie", "--reason", REASON)
    assert result.returncode == 2
    assert "nu 2: solidariteit, compassie" in result.stderr
    assert "één keer per waarde" in result.stderr
    assert not (project / "selections" / "2019.yml").exists()


def test_rijk_select_refuses_a_draft_and_writes_nothing(tmp_path: Path) -> None:
    project = git_project(tmp_path / "p", small_stories())
    result = rijk(project, "select", "zo-2019-003", "--year", "2019", "--panel", "Panel Zuid",
                  "--theme", "wonen", "--reason", REASON)
    assert result.returncode == 1
    assert "verhaal 'zo-2019-003' is niet gepubliceerd (status: draft)" in result.stderr
    assert not (project / "selections" / "2019.yml").exists()
    assert len(git(project, "log", "--format=%h").split()) == 1


def _stories(project: Path) -> list[Story]:
    from generator.project import Project

    return Project(project).check().stories


def _taxonomy(project: Path):
    from generator.project import Project

    return Project(project).taxonomy()


@pytest.fixture(scope="module")
def chosen_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("chosen"), small_stories())
    write_selections(project, VALID.replace(
        REASON, REASON + " Mevrouw Jansen van nummer 12 vertelde het zelf in het panel."
        " Het gaat om minder dan <5 keer per jaar | soms vaker."))
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    return site


def _text(site: Path, page: str) -> str:
    raw = (site / page).read_text(encoding="utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def test_the_chosen_story_says_who_chose_it_and_why(chosen_site: Path) -> None:
    text = _text(chosen_site, "verhalen/zo-2019-001/index.html")
    assert "Gekozen door Waardenkring Gaasperdam 2019 (solidariteit), omdat: “De bewoners" in text
    assert "elkaar helpen zonder dat een instantie het regelt." in text
    other = _text(chosen_site, "verhalen/zo-2019-002/index.html")
    assert "Gekozen door Waardenkring" not in other
    for page in ("verhalen/zo-2019-001/index.html", "gekozen/index.html"):  # as typed
        assert "minder dan <5 keer per jaar | soms vaker." in _text(chosen_site, page), page


def test_a_reason_is_de_identified_like_a_story(chosen_site: Path) -> None:
    for page in ("verhalen/zo-2019-001/index.html", "gekozen/index.html",
                 "waarden/solidariteit/index.html", "jaarverslag/2019/index.html"):
        text = _text(chosen_site, page)
        assert "Jansen" not in text, page
        assert "vertelde het zelf in het panel" in text, page


def test_value_and_report_pages_put_the_chosen_story_first(chosen_site: Path) -> None:
    for page in ("waarden/solidariteit/index.html", "jaarverslag/2019/index.html"):
        text = _text(chosen_site, page)
        chosen = text.index("Gekozen verhalen")
        assert chosen < text.index("Soep voor de buurvrouw"), page
        assert "Gekozen door Waardenkring Gaasperdam 2019 (solidariteit)" in text, page
    assert "Gekozen verhalen" not in _text(chosen_site, "waarden/autonomie/index.html")


def test_the_chosen_page_lists_every_choice_with_panel_roles_and_what_was_considered(
        chosen_site: Path) -> None:
    text = _text(chosen_site, "gekozen/index.html")
    assert "Waardenkring Gaasperdam 2019" in text
    assert "Het panel: bewoner, bewoner, jongerenwerker, beleidsmedewerker." in text
    assert "Solidariteit (waarde): Soep voor de buurvrouw" in text
    assert "Ook besproken: Werk via de buurtkamer" in text


def test_the_preparation_kit_has_questions_stories_and_spread_per_value(
        chosen_site: Path) -> None:
    text = _text(chosen_site, "waardenkring/2019/index.html")
    assert "Vragen voor het gesprek" in text
    assert "Waar helpen bewoners elkaar zonder dat een instantie het regelt?" in text
    raw = (chosen_site / "waardenkring/2019/index.html").read_text(encoding="utf-8")
    section = raw.split('<h2 id="solidariteit"')[1].split('<h2 id="zelfbeschikking"')[0]
    solidariteit = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())
    assert "Soep voor de buurvrouw" in solidariteit
    assert "Uit welke wijken" in solidariteit and "Holendrecht" in solidariteit
    assert "Al gekozen: Soep voor de buurvrouw door Waardenkring Gaasperdam 2019" in solidariteit
    # the draft and the story without consent are nowhere
    assert "Nog niet klaar" not in text and "zo-2019-003" not in text


def test_the_pdfs_hold_the_choices_the_kit_and_one_page_per_wijk(demo_site: Path) -> None:
    from tests.test_site import pdf_text

    report = pdf_text(demo_site / "downloads" / "jaarverslag-2019.pdf")
    assert "Gekozen verhalen" in report
    assert "Gekozen door Waardenkring Gaasperdam 2019 (solidariteit)" in " ".join(report.split())
    kit = pdf_text(demo_site / "downloads" / "waardenkring-2019.pdf")
    assert "Vragen voor het gesprek" in kit and kit.count("Aantekeningen") == 6
    wijk = demo_site / "downloads" / "wijkbericht-gein-2019.pdf"
    pages = subprocess.run(["pdfinfo", str(wijk)], capture_output=True, text=True, check=True)
    assert "Pages:           1" in pages.stdout
    text = " ".join(pdf_text(wijk).split())
    assert "Nieuws uit Gein" in text and "Verhalen die bewoners kozen" in text
    assert "Gekozen door Waardenkring Gaasperdam 2019 (solidariteit)" in text
    assert "2019" in text and "Bron: CBS" in text and "/wijken/gein/" in text
    hood = (demo_site / "wijken" / "gein" / "index.html").read_text(encoding="utf-8")
    assert "../../downloads/wijkbericht-gein-2019.pdf" in hood


def test_check_warns_when_a_published_summary_is_above_b1(tmp_path: Path) -> None:
    hard = ("Vanwege de complexiteit van de multidisciplinaire problematiek werd door de "
            "betrokken professionals in het overleg geconcludeerd dat een integrale benadering "
            "noodzakelijk was voor het hele gezin.")
    easy = "Een vader vond werk. Nu heeft hij weer een eigen inkomen."

    def with_summary(story_id: str, summary: str, status: str = "published") -> str:
        return story_text(story_id, "Tekst.", status=status).replace(
            "consent:", f"summary: {summary}\nconsent:")

    project = make_project(tmp_path / "p", {
        "2019/zo-2019-001.md": with_summary("zo-2019-001", hard),
        "2019/zo-2019-002.md": with_summary("zo-2019-002", easy),
        "2019/zo-2019-003.md": with_summary("zo-2019-003", hard, status="draft"),
    })
    out = checked(project).stdout
    warned = [line for line in out.splitlines() if "taalniveau B1" in line]
    assert len(warned) == 1 and "zo-2019-001.md:10: waarschuwing:" in warned[0], out
    assert "woorden; knip hem in tweeën" in warned[0]
    assert "Flesch-Douma" in warned[0]


def test_approved_reactions_show_under_their_story_and_wijk(demo_site: Path) -> None:
    story = _text(demo_site, "verhalen/zo-2019-003/index.html")
    assert "Reacties van bewoners" in story
    assert "Fijn dat er nu hulp is die luistert naar wat de mantelzorger zelf wil." in story
    wijk = _text(demo_site, "wijken/driemond/index.html")
    assert "Kan het wijkbericht ook in het dorpshuis komen te hangen?" in wijk
    # without a form server (no reactions.url) the page says where to respond instead
    assert "Dat kan bij het buurtteam in uw wijk" in wijk
    assert 'class="rv-reaction"' not in (demo_site / "wijken/driemond/index.html").read_text()
    other = _text(demo_site, "verhalen/zo-2019-005/index.html")
    assert "Nog geen reacties." in other


def test_an_impossible_date_or_a_list_as_text_is_an_error_not_a_crash(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", small_stories())
    write_selections(project, VALID.replace("date: 2019-11-14", "date: 2019-13-45"))
    bad = project / "reactions" / "zo-2019-001"
    bad.mkdir(parents=True)
    (bad / "a.yml").write_text("story: zo-2019-001\ndate: 2019-02-30\ntext: Mooi.\n")
    (bad / "b.yml").write_text("story: zo-2019-001\ndate: 2019-12-01\n"
                               "text: [Goed verhaal, groet van Piet]\n")
    result = checked(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "selections/2019.yml:12: '2019-13-45' is geen bestaande datum" in result.stdout
    assert "reactions/zo-2019-001/a.yml:2: '2019-02-30' is geen bestaande datum" in result.stdout
    assert "reactions/zo-2019-001/b.yml:3: de reactie moet gewone tekst zijn" in result.stdout


def test_a_withdrawn_story_s_choice_warns_and_does_not_block_the_next_one(tmp_path: Path) -> None:
    project = git_project(tmp_path / "p", small_stories())
    write_selections(project, VALID)
    story = project / "stories/2019/zo-2019-001.md"
    story.write_text(story.read_text().replace("status: published", "status: withdrawn"))
    git(project, "commit", "-qam", "Ingetrokken")
    out = checked(project)
    assert out.returncode == 0, out.stdout
    assert "waarschuwing: verhaal 'zo-2019-001' is ingetrokken" in out.stdout
    result = rijk(project, "select", "zo-2019-002", "--year", "2019", "--panel",
                  "Waardenkring Gaasperdam 2019", "--theme", "werk", "--reason", REASON,
                  "--date", "2019-11-14")
    assert result.returncode == 0, result.stderr


def test_personal_data_in_a_choice_is_flagged_by_check_and_hidden_on_the_site(
        tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", small_stories())
    write_selections(project, VALID.replace("name: Waardenkring Gaasperdam 2019",
                                            "name: Waardenkring van Henk Jansen")
                     .replace(REASON, REASON + " Bel Karin de Wit op 06-12345678."))
    out = rijk(project, "check", "--no-suggestions").stdout
    assert "selections/2019.yml:6: waarschuwing: de naam van panel 'Waardenkring van Henk " \
        "Jansen' lijkt een persoonsnaam te bevatten" in out
    assert "selections/2019.yml:6: waarschuwing: de reden: mogelijk persoonsgegeven" in out
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-2000:]
    for page in ("verhalen/zo-2019-001/index.html", "gekozen/index.html",
                 "search/search_index.json"):
        text = (site / page).read_text(encoding="utf-8")
        for private in ("Henk", "Jansen", "Karin", "06-12345678"):
            assert private not in text, (page, private)
    assert "Waardenkring van" in _text(site, "gekozen/index.html")
