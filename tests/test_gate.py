"""The publication gate: only ``status: published`` with ``consent: true`` reaches the site,
and no YAML trick opens it.

PyYAML's YAML 1.1 reading would keep the last of two ``consent:`` lines, read ``yes``/``on``
as true, turn ``title: 10:30`` into 630 and cut a title at `` #``. Every case here goes
through ``rijk check`` (or the library behind it) as an author would meet it; one real
``mkdocs build`` shows that what the check rejects is in no file of the site.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks import check_corpus, validate
from generator.cli import main
from generator.loader import parse_source
from generator.story import STATUS_LABELS, STATUSES
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, mkdocs_build, story_text

TAXONOMY = Taxonomy.load(ROOT / "taxonomy")
VALID = story_text("zo-2019-001", "Een gewone tekst.")
# Lines of VALID: 1 ---, 2 id, 3 title, 4 date, 5 author, 6 team, 7 neighbourhood, 8 themes,
# 9 values, 10 consent, 11 status, 12 ---.

BYPASS = VALID.replace(
    "consent: true\nstatus: published\n",
    "consent: false\nstatus: draft\nsummary: Een korte samenvatting.\n"
    "consent: true\nstatus: published\n")
# 10 consent: false, 11 status: draft, 12 summary, 13 consent: true, 14 status: published.

CONSENT_FIX = ("Schrijf consent: true of consent: false (kleine letters, zonder "
               "aanhalingstekens); true alleen als de betrokken bewoners toestemming gaven.")
WITHDRAWN = ("status: withdrawn — dit verhaal is ingetrokken en verdwijnt bij de volgende bouw "
             "uit de site, de zoekindex en de downloads.")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("gate"))


def rijk_check(project: Path, text: str | bytes, name: str = "verhaal.md") -> tuple[int, list[str]]:
    """``rijk check --no-privacy`` on one file, as an author runs it: (exit code, lines)."""
    path = project / "stories" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = CliRunner().invoke(main, ["check", "--no-privacy", "--no-suggestions", str(path),
                                       "--project", str(project)])
    prefix = f"{path}:"
    lines = [line.replace(prefix, f"{name}:", 1) for line in result.output.splitlines()]
    path.unlink()
    return result.exit_code, lines


def story_of(text: str | bytes):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return validate(parse_source(Path("verhaal.md"), data), TAXONOMY)


# -- duplicate keys -------------------------------------------------------------------------


def test_a_second_consent_further_down_is_an_error_not_a_publication(project: Path) -> None:
    code, lines = rijk_check(project, BYPASS)
    assert code == 1
    assert lines[:2] == [
        "verhaal.md:13: veld 'consent' staat twee keer in de front-matter (regel 10 en regel "
        "13). Haal één van de twee weg.",
        "verhaal.md:14: veld 'status' staat twee keer in de front-matter (regel 11 en regel "
        "14). Haal één van de twee weg.",
    ]
    assert "0 in orde, 1 met fouten" in lines[-1]
    story, _ = story_of(BYPASS)
    assert story is None


@pytest.mark.parametrize(
    ("replace", "by", "line", "message"),
    [
        # the same field with the same value: still two truths for a reviewer to pick from
        ("team: Buurtteam Gaasperdam\n", "team: Buurtteam Gaasperdam\nteam: Buurtteam Gaasperdam\n",
         7, "veld 'team' staat twee keer in de front-matter (regel 6 en regel 7)."),
        # another spelling of a field name hides the real one from the eye
        ("status: published\n", "status: published\nStatus: draft\n",
         12, "veld 'Status' staat twee keer in de front-matter (regel 11 als 'status' en regel "
             "12)."),
        ("id: zo-2019-001\n", "id: zo-2019-001\n'id': zo-2019-002\n",
         3, "veld 'id' staat twee keer in de front-matter (regel 2 en regel 3)."),
        # nested: a duplicate inside a value is just as ambiguous
        ("themes: [wonen]\n", "themes:\n  - {naam: wonen, naam: werk}\n",
         9, "veld 'naam' staat twee keer in de front-matter (regel 9 en regel 9)."),
    ],
)
def test_every_duplicate_key_names_both_lines(project: Path, replace: str, by: str, line: int,
                                              message: str) -> None:
    assert replace in VALID
    code, lines = rijk_check(project, VALID.replace(replace, by))
    assert code == 1
    assert f"verhaal.md:{line}: {message} Haal één van de twee weg." in lines, lines


def test_a_merge_key_cannot_smuggle_in_consent(project: Path) -> None:
    text = VALID.replace("consent: true\n", "consent: false\n<<: {consent: true}\n")
    code, lines = rijk_check(project, text)
    assert code == 1
    assert lines[0] == ("verhaal.md:11: '<<' (velden samenvoegen) kan niet in de front-matter. "
                        "Schrijf elk veld apart uit, één keer.")


def test_a_self_referencing_anchor_is_an_error_not_a_hang(project: Path) -> None:
    code, lines = rijk_check(project, VALID.replace("themes: [wonen]", "themes: &a [*a]"))
    assert code == 1
    assert lines[0].startswith("verhaal.md:8: deze waarde verwijst naar zichzelf")


# -- consent and status: exactly as written -------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["yes", "Yes", "on", "y", "1", "True", "TRUE", '"true"', "'true'", "!!bool true",
              "[true]", "ja", "no", "off", "False"])
def test_consent_must_be_plain_lowercase_true_or_false(project: Path, typed: str) -> None:
    code, lines = rijk_check(project, VALID.replace("consent: true", f"consent: {typed}"))
    assert code == 1
    shown = typed if typed != "[true]" else "['true']"
    assert lines[0] == (f"verhaal.md:10: consent moet true of false zijn, niet '{shown}'. "
                        f"{CONSENT_FIX}")


def test_consent_false_is_valid_but_never_public() -> None:
    story, problems = story_of(VALID.replace("consent: true", "consent: false"))
    # valid, with one warning that says why a "published" story will not appear
    assert [(p.is_error, p.message.startswith("status: published, maar consent: false"))
            for p in problems] == [(False, True)]
    assert story is not None and story.consent is False and not story.is_public
    story, _ = story_of(VALID)
    assert story is not None and story.consent is True and story.is_public


@pytest.mark.parametrize("typed", ["Published", "PUBLISHED", "gepubliceerd", "[published]",
                                   "' published'", "published!"])
def test_status_must_be_exactly_one_of_the_statuses(project: Path, typed: str) -> None:
    code, lines = rijk_check(project, VALID.replace("status: published", f"status: {typed}"))
    assert code == 1
    assert lines[0].startswith("verhaal.md:11: onbekende status '"), lines
    assert lines[0].endswith("Kies precies één van draft, review, published of withdrawn "
                             "(kleine letters).")


def test_a_quoted_status_is_the_same_text() -> None:
    story, problems = story_of(VALID.replace("status: published", 'status: "published"'))
    assert problems == [] and story is not None and story.status == "published"


# -- text fields keep what was typed --------------------------------------------------------


@pytest.mark.parametrize("typed", ["Yes", "no", "On", "10:30", "010", "0x1F", "1e3", ".inf",
                                   "2019-05-01", "1_000", "+12", "~nee"])
def test_text_fields_keep_the_typed_text(typed: str) -> None:
    text = (VALID.replace("title: Een verhaal", f"title: {typed}")
            .replace("team: Buurtteam Gaasperdam", f"team: {typed}")
            .replace("author: Samira Bakker", f"author: {typed}")
            .replace("status: published", f"status: published\nsummary: {typed}"))
    story, problems = story_of(text)
    assert problems == [], problems
    assert story is not None
    assert (story.title, story.summary, story.team, story.author) == (typed,) * 4


def test_title_summary_examples_from_the_bug_report() -> None:
    for title, summary in [("Yes", "no"), ("10:30", "no"), ("010", "Yes")]:
        text = VALID.replace("title: Een verhaal", f"title: {title}").replace(
            "status: published", f"status: published\nsummary: {summary}")
        story, _ = story_of(text)
        assert story is not None
        assert story.title == title and story.summary == summary


def test_list_items_keep_the_typed_text(project: Path) -> None:
    code, lines = rijk_check(project, VALID.replace("themes: [wonen]", "themes: [wonen, yes]"))
    assert code == 1
    assert lines[0].startswith("verhaal.md:8: onbekende sleutel 'yes' in themes.")


def test_an_empty_title_is_still_empty() -> None:
    for typed in ("", "~", "null"):
        _, problems = story_of(VALID.replace("title: Een verhaal", f"title: {typed}"))
        assert [p.format() for p in problems] == [
            "verhaal.md:3: veld 'title' is leeg. Vul in: een korte titel."]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Zl", "Zp")), min_size=1,
               max_size=60).filter(lambda t: t.strip() == t and t != ""))
def test_any_quoted_title_round_trips(title: str) -> None:
    single = "'" + title.replace("'", "''") + "'"
    for quoted in (json.dumps(title, ensure_ascii=False), single):
        story, problems = story_of(VALID.replace("title: Een verhaal", f"title: {quoted}"))
        assert story is not None, problems
        assert story.title == title


# -- an unquoted ' #' cuts a text field -----------------------------------------------------


def test_hash_in_an_unquoted_title_warns_with_the_quoted_fix(project: Path) -> None:
    text = VALID.replace("title: Een verhaal", "title: Buurtkamer #2 gaat open")
    code, lines = rijk_check(project, text)
    assert code == 0
    assert lines[0] == (
        "verhaal.md:3: waarschuwing: '#' begint in YAML een opmerking, dus de titel wordt "
        "afgekapt en is nu 'Buurtkamer'. Hoort '#2 gaat open' erbij, zet de titel tussen "
        'aanhalingstekens: title: "Buurtkamer #2 gaat open"')
    story, _ = story_of(text)
    assert story is not None and story.title == "Buurtkamer"
    fixed, problems = story_of(VALID.replace("title: Een verhaal",
                                             'title: "Buurtkamer #2 gaat open"'))
    assert problems == [] and fixed is not None and fixed.title == "Buurtkamer #2 gaat open"


def test_hash_warning_for_other_text_fields_and_not_elsewhere(project: Path) -> None:
    text = (VALID.replace("team: Buurtteam Gaasperdam", 'team: Team "Oost" #3')
            .replace("id: zo-2019-001", "id: zo-2019-001   # vaste id")
            .replace("status: published", "status: published # klaar\n"
                     "summary: Eén zin   # met uitleg"))
    code, lines = rijk_check(project, text)
    assert code == 0
    assert lines[:2] == [
        "verhaal.md:6: waarschuwing: '#' begint in YAML een opmerking, dus de teamnaam wordt "
        "afgekapt en is nu 'Team \"Oost\"'. Hoort '#3' erbij, zet de teamnaam tussen "
        'aanhalingstekens: team: "Team \\"Oost\\" #3"',
        "verhaal.md:12: waarschuwing: '#' begint in YAML een opmerking, dus de samenvatting "
        "wordt afgekapt en is nu 'Eén zin'. Hoort '# met uitleg' erbij, zet de samenvatting "
        'tussen aanhalingstekens: summary: "Eén zin # met uitleg"',
    ]
    assert "2 waarschuwing(en)" in lines[-1]
    # the suggested fix is valid YAML that gives the whole text
    story, _ = story_of(VALID.replace("team: Buurtteam Gaasperdam",
                                      'team: "Team \\"Oost\\" #3"'))
    assert story is not None and story.team == 'Team "Oost" #3'


def test_hash_without_a_space_is_text() -> None:
    story, problems = story_of(VALID.replace("title: Een verhaal", "title: Buurtkamer#2"))
    assert problems == [] and story is not None and story.title == "Buurtkamer#2"


# -- line endings ---------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["old-mac", "windows"])
def test_other_line_endings_read_with_the_right_lines(project: Path, newline: str) -> None:
    story, problems = story_of(VALID.replace("\n", newline).encode("utf-8"))
    assert problems == [] and story is not None
    assert story.title == "Een verhaal" and story.body == "Een gewone tekst."
    assert story.line_of("status") == 11 and story.body_line == 14
    bad = VALID.replace("date: 2019-05-01", "date: 2019-02-30").replace("\n", newline)
    code, lines = rijk_check(project, ("\ufeff" + bad).encode("utf-8"))
    assert code == 1
    assert lines[0] == ("verhaal.md:4: datum '2019-02-30' bestaat niet. Controleer dag en maand "
                        "(JJJJ-MM-DD).")
    code, lines = rijk_check(project, BYPASS.replace("\n", newline).encode("utf-8"))
    assert code == 1 and lines[0].startswith("verhaal.md:13: veld 'consent' staat twee keer")


def test_yaml_only_line_breaks_in_the_front_matter_are_an_error(project: Path) -> None:
    text = VALID.replace("title: Een verhaal", "title: Een verhaal\u2028consent: false")
    code, lines = rijk_check(project, text)
    assert code == 1
    assert lines[0] == ("verhaal.md:3: onzichtbaar regeleinde (U+2028) in de front-matter: YAML "
                        "leest het als een nieuwe regel. Haal het weg (typ de regel opnieuw).")


# -- withdrawn --------------------------------------------------------------------------------


def test_withdrawn_is_a_valid_status_that_is_never_public(project: Path) -> None:
    assert "withdrawn" in STATUSES and STATUS_LABELS["withdrawn"] == "ingetrokken"
    text = VALID.replace("status: published", "status: withdrawn")
    code, lines = rijk_check(project, text)
    assert code == 0
    assert lines[0] == f"verhaal.md:11: waarschuwing: {WITHDRAWN}"
    story, _ = story_of(text)
    assert story is not None and story.status == "withdrawn" and not story.is_public


def test_libyaml_and_pure_python_read_the_demo_corpus_alike(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.loader as loader

    files = sorted((ROOT / "stories").rglob("*.md"))[:40]
    fast = [loader.read_source(f) for f in files]
    monkeypatch.setattr(loader, "_FastStoryYamlLoader", loader._StoryYamlLoader)
    slow = [loader.read_source(f) for f in files]
    assert [(s.meta, s.lines, s.raw) for s in fast] == [(s.meta, s.lines, s.raw) for s in slow]
    assert check_corpus(files, TAXONOMY).errors == []


# -- a real build -------------------------------------------------------------------------------


def quiet_project(target: Path, stories: dict[str, str]) -> Path:
    """A project whose build skips NLP and the evaluation (not under test here): both are
    switched off in the project configuration, rijk.yml."""
    project = make_project(target, stories)
    config = project / "rijk.yml"
    text = re.sub(r"(?m)^nlp: .*$", "nlp: false", config.read_text(encoding="utf-8"))
    config.write_text(re.sub(r"(?m)^evaluate: .*$", "evaluate: false", text), encoding="utf-8")
    return project


def site_bytes(site: Path) -> dict[Path, bytes]:
    """Every file of the built site, gzip files unpacked."""
    found = {}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found[path] = gzip.decompress(data) if path.suffix == ".gz" else data
    return found


@pytest.mark.slow
def test_rejected_and_withdrawn_stories_are_in_no_file_of_the_built_site(tmp_path: Path) -> None:
    good = story_text("zo-2019-001", "Een gewone tekst over het goudvinkhofje.")
    bypass = BYPASS.replace("zo-2019-001", "zo-2019-002").replace(
        "Een gewone tekst.", "Het zilvermeeuwhofje mag nooit op de site.")
    yes = story_text("zo-2019-003", "Het roerdomphofje ook niet.", consent="yes")
    withdrawn = story_text("zo-2019-004", "Het ijsvogelhofje is ingetrokken.",
                           status="withdrawn")
    project = quiet_project(tmp_path / "project", {
        "2019/zo-2019-001.md": good, "2019/zo-2019-002.md": bypass,
        "2019/zo-2019-003.md": yes, "2019/zo-2019-004.md": withdrawn,
    })
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]
    log = result.stderr + result.stdout
    assert "veld 'consent' staat twee keer in de front-matter (regel 10 en regel 13)" in log
    page = site / "verhalen" / "zo-2019-001" / "index.html"
    assert "goudvinkhofje" in page.read_text(encoding="utf-8")
    files = site_bytes(site)
    assert any(p.name == "search_index.json" for p in files)
    for marker in ("zilvermeeuwhofje", "roerdomphofje", "ijsvogelhofje"):
        leaks = [p.relative_to(site) for p, data in files.items() if marker.encode() in data]
        assert leaks == [], (marker, leaks)
    for story_id in ("zo-2019-002", "zo-2019-003", "zo-2019-004"):
        assert not (site / "verhalen" / story_id).exists()
