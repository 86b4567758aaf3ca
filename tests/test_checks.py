"""`rijk check`: every kind of bad story gives `path:line: message` with the fix."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.checks import check_corpus, next_id
from generator.cli import main
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, story_text

TAXONOMY = Taxonomy.load(ROOT / "taxonomy")


def problems_for(tmp_path: Path, text: str | bytes, name: str = "verhaal.md") -> list[str]:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    result = check_corpus([path], TAXONOMY)
    return [p.format(tmp_path) for p in result.problems]


VALID = story_text("zo-2019-001", "Een gewone tekst.")


def test_valid_story_has_no_problems(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(VALID, encoding="utf-8")
    result = check_corpus([tmp_path], TAXONOMY)
    assert result.problems == []
    assert [s.id for s in result.stories] == ["zo-2019-001"]
    assert result.stories[0].neighbourhood == "holendrecht-reigersbos"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"", "verhaal.md:1: leeg bestand. Begin met '---'"),
        (b"---\ntitle: caf\xe9\n---\ntekst\n", "verhaal.md:2: geen geldige UTF-8 (byte 0xe9"),
        ("Alleen tekst zonder front-matter.\n", "verhaal.md:1: geen front-matter gevonden"),
        ("---\ntitle: x\n", "verhaal.md:2: front-matter is niet afgesloten"),
        ("---\nid: zo-2019-001\ntitle: Schulden: een begin\n---\ntekst\n",
         "verhaal.md:3: ongeldige YAML in de front-matter: mapping values are not allowed here. "
         "Controleer dubbele punten en aanhalingstekens; zet een titel met ':' tussen "
         "aanhalingstekens."),
        ("---\n- id\n- title\n---\ntekst\n",
         "verhaal.md:2: de front-matter moet bestaan uit velden als 'title: …', niet uit een "
         "lijst of losse tekst."),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str | bytes, expected: str) -> None:
    found = problems_for(tmp_path, text)
    assert len(found) == 1
    assert found[0].startswith(expected)


@pytest.mark.parametrize(
    ("field", "bad", "line", "expected"),
    [
        ("date: 2019-05-01", "date: 2019-02-30", 4,
         "datum '2019-02-30' bestaat niet. Controleer dag en maand (JJJJ-MM-DD)."),
        ("date: 2019-05-01", "date: 1 mei 2019", 4,
         "datum '1 mei 2019' is niet in de vorm JJJJ-MM-DD, bijvoorbeeld 2025-03-14."),
        ("date: 2019-05-01", "date: 2999-01-01", 4, "datum '2999-01-01' ligt in de toekomst."),
        ("themes: [wonen]", "themes: [woonen]", 8,
         "onbekende sleutel 'woonen' in themes. Bedoelde je 'wonen'?"),
        ("values: [compassie]", "values: [compasie]", 9,
         "onbekende sleutel 'compasie' in values. Bedoelde je 'compassie'?"),
        ("neighbourhood: holendrecht-reigersbos", "neighbourhood: holendrecht", 7,
         "onbekende wijk 'holendrecht'. Bedoelde je 'holendrecht-reigersbos'?"),
        ("consent: true", "consent: misschien", 10,
         "consent moet true of false zijn, niet 'misschien'."),
        ("status: published", "status: gepubliceerd", 11, "onbekende status 'gepubliceerd'."),
        ("id: zo-2019-001", "id: ZO 2019 1", 2,
         "id 'ZO 2019 1' heeft niet de vorm 'voorvoegsel-jaar-volgnummer' in kleine letters"),
        ("title: Een verhaal", "title: ", 3, "veld 'title' is leeg. Vul in: een korte titel."),
    ],
)
def test_field_errors_name_line_and_fix(tmp_path: Path, field: str, bad: str, line: int,
                                        expected: str) -> None:
    assert field in VALID
    found = problems_for(tmp_path, VALID.replace(field, bad))
    assert any(p.startswith(f"verhaal.md:{line}: {expected}") for p in found), found


def test_missing_required_field(tmp_path: Path) -> None:
    found = problems_for(tmp_path, VALID.replace("team: Buurtteam Gaasperdam\n", ""))
    assert found == ["verhaal.md:1: verplicht veld 'team' ontbreekt. Vul in: de naam van je team, "
                     "bijvoorbeeld 'Buurtteam Gaasperdam'."]


def test_cbs_code_is_accepted_as_neighbourhood(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(VALID.replace("holendrecht-reigersbos", "WK036396"), encoding="utf-8")
    result = check_corpus([path], TAXONOMY)
    assert result.problems == []
    assert result.stories[0].neighbourhood == "holendrecht-reigersbos"


def test_empty_body_and_unknown_field(tmp_path: Path) -> None:
    text = VALID.replace("Een gewone tekst.", "").replace("status: published",
                                                          "status: published\nthema: wonen")
    found = problems_for(tmp_path, text)
    assert found[0].startswith("verhaal.md:12: waarschuwing: onbekend veld 'thema' wordt "
                             "genegeerd. Bedoelde je 'themes'")
    assert any("het verhaal heeft geen tekst" in p for p in found)


def test_duplicate_ids_point_at_the_first_use(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(VALID, encoding="utf-8")
    (tmp_path / "b.md").write_text(VALID.replace("Een gewone", "Een andere"), encoding="utf-8")
    result = check_corpus([tmp_path], TAXONOMY)
    assert [p.format(tmp_path) for p in result.problems] == [
        "b.md:2: id 'zo-2019-001' wordt al gebruikt door "
        f"{tmp_path / 'a.md'}:2. Ids zijn vast en uniek: kies een nieuw volgnummer "
        "(`rijk new` kiest een vrije id)."]
    assert len(result.stories) == 1


def test_one_bad_story_never_blocks_the_others(tmp_path: Path) -> None:
    (tmp_path / "goed.md").write_text(VALID, encoding="utf-8")
    (tmp_path / "fout.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    (tmp_path / "ook-goed.md").write_text(VALID.replace("zo-2019-001", "zo-2019-002"),
                                          encoding="utf-8")
    result = check_corpus([tmp_path], TAXONOMY)
    assert sorted(s.id for s in result.stories) == ["zo-2019-001", "zo-2019-002"]
    assert len(result.errors) == 1 and result.errors[0].path.endswith("fout.md")


def test_next_id_never_reuses() -> None:
    assert next_id(["zo-2019-001", "zo-2019-004", "zo-2018-009"], "zo", 2019) == "zo-2019-005"
    assert next_id([], "nw", 2020) == "nw-2020-001"


def test_cli_check_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "2019/goed.md": VALID,
        "2019/fout.md": VALID.replace("zo-2019-001", "zo-2019-002").replace(
            "[wonen]", "[woonen]").replace("2019-05-01", "2019-13-01"),
    })
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--no-privacy", "--project", str(project),
                                  str(project / "stories")])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert any(line.endswith("fout.md:4: datum '2019-13-01' bestaat niet. Controleer dag en "
                             "maand (JJJJ-MM-DD).") for line in lines)
    assert any("fout.md:8: onbekende sleutel 'woonen'" in line for line in lines)
    # the good story's theme (wonen) bears on an effect it does not name yet: one suggestion
    assert any("goed.md:" in line and "suggestie: Dit verhaal past misschien bij het "
               "maatschappelijk effect 'Ouderen en mensen met een beperking wonen langer thuis' "
               "(via thema wonen)" in line and "effects: [langer-thuis]" in line
               for line in lines), lines
    assert lines[-1] == ("2 bestand(en) gecontroleerd: 1 in orde, 1 met fouten; 2 fout(en), "
                         "0 waarschuwing(en), 1 suggestie(s).")


def test_cli_check_passes_on_a_good_corpus(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"2019/goed.md": VALID})
    result = CliRunner().invoke(main, ["check", "--no-privacy", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "1 in orde, 0 met fouten" in result.output


def test_rijk_new_scaffolds_a_valid_story_with_a_fresh_id(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"2019/oud.md": VALID.replace("2019-05-01",
                                                                        "2019-01-01")})
    result = CliRunner().invoke(main, [
        "new", "--project", str(project), "--title", "Een nieuwe buurtkamer",
        "--neighbourhood", "WK036396", "--author", "Samira Bakker",
        "--team", "Buurtteam Gaasperdam", "--date", "2019-06-01"])
    assert result.exit_code == 0, result.output
    created = project / "stories" / "2019" / "zo-2019-002.md"
    assert created.exists(), result.output
    check = check_corpus([created], TAXONOMY)
    assert check.errors == []
    assert check.stories[0].status == "draft" and check.stories[0].consent is False


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--title", "", "de titel is leeg"),
    ("--title", "   ", "de titel is leeg"),
    ("--author", "", "de naam is leeg"),
    ("--title", "Twee\nregels", "de titel mag geen regeleinde bevatten"),
])
def test_rijk_new_refuses_an_empty_or_multi_line_field_and_writes_nothing(
        tmp_path: Path, option: str, value: str, message: str) -> None:
    project = make_project(tmp_path / "p")
    args = {"--title": "Een titel", "--author": "Samira Bakker",
            "--team": "Buurtteam Gaasperdam", option: value}
    result = CliRunner().invoke(main, [
        "new", "--project", str(project), "--neighbourhood", "holendrecht-reigersbos",
        "--date", "2019-06-01", *[x for pair in args.items() for x in pair]])
    assert result.exit_code == 1 and message in result.output
    assert not list((project / "stories").rglob("*.md"))


def test_rijk_new_never_reuses_the_id_of_a_deleted_story(tmp_path: Path) -> None:
    """zo-2019-002 was published, cited, then withdrawn (deleted in git): a new story in the
    same wijk and year gets zo-2019-003, not the withdrawn id."""
    project = make_project(tmp_path / "p", {
        "2019/zo-2019-001.md": VALID,
        "2019/zo-2019-002.md": VALID.replace("zo-2019-001", "zo-2019-002"),
    })

    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
                       cwd=project, check=True, capture_output=True)

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "Twee verhalen")
    git("rm", "-q", "stories/2019/zo-2019-002.md")
    git("commit", "-q", "-m", "Verhaal teruggetrokken")
    result = CliRunner().invoke(main, [
        "new", "--project", str(project), "--title", "Nog een verhaal",
        "--neighbourhood", "holendrecht-reigersbos", "--author", "Samira Bakker",
        "--team", "Buurtteam Gaasperdam", "--date", "2019-06-01"])
    assert result.exit_code == 0, result.output
    assert (project / "stories" / "2019" / "zo-2019-003.md").exists(), result.output
    assert not (project / "stories" / "2019" / "zo-2019-002.md").exists()


def test_published_without_consent_is_named_at_the_consent_line(tmp_path: Path) -> None:
    """The author meant to publish; `rijk check` says why it will not appear."""
    from generator.checks import check_corpus
    from generator.project import Project

    root = Path(__file__).resolve().parent.parent
    source = sorted((root / "stories").rglob("*.md"))[0].read_text(encoding="utf-8")
    assert "consent: true" in source and "status: published" in source
    story = tmp_path / "2019" / "x.md"
    story.parent.mkdir(parents=True)
    story.write_text(source.replace("consent: true", "consent: false"), encoding="utf-8")
    result = check_corpus([tmp_path], Project.find(root).taxonomy())
    line = source.splitlines().index("consent: true") + 1
    found = [p for p in result.problems if "consent: false" in p.message]
    assert [(p.line, p.is_error) for p in found] == [(line, False)]
    assert "consent: true" in found[0].message and not result.stories[0].is_public


@pytest.mark.parametrize(("signals", "message"), [
    ("signals: wachtlijst", "'signals' moet een lijst zijn"),
    ("signals:\n  - kind: wachtlijstt\n    text: Lang wachten.", "onbekende soort 'wachtlijstt'"),
    ("signals:\n  - kind: wachtlijst", "'text' ontbreekt"),
    ("signals:\n  - kind: regel\n    domain: zorg\n    text: x", "onbekend domein 'zorg'"),
    ("signals:\n  - kind: regel\n    txt: x", "onbekend veld 'txt'"),
])
def test_a_wrong_signal_is_an_error_at_its_line(tmp_path: Path, signals: str,
                                                message: str) -> None:
    text = VALID.replace("consent: true", signals + "\nconsent: true")
    path = tmp_path / "2019" / "zo-2019-001.md"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    result = check_corpus([path], TAXONOMY)
    line = text.splitlines().index(signals.splitlines()[0]) + 1
    assert [(p.line, message in p.message) for p in result.errors] == [(line, True)], \
        [p.format() for p in result.problems]


def test_a_good_signal_is_kept_with_its_kind_domain_and_text(tmp_path: Path) -> None:
    text = VALID.replace("consent: true", "signals:\n  - kind: tussen-wetten\n    domain: wmo\n"
                         "    text: \"Viel tussen  Wmo en Zvw.\"\nconsent: true")
    path = tmp_path / "x.md"
    path.write_text(text, encoding="utf-8")
    story = check_corpus([path], TAXONOMY).stories[0]
    assert [(s.kind, s.domain, s.text) for s in story.signals] == [
        ("tussen-wetten", "wmo", "Viel tussen Wmo en Zvw.")]
