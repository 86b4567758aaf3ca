"""Privacy: planted personal data never reaches any file of the built site, place names stay,
de-identification fails closed, and the post-build scan catches what slips through.

Everything runs against real deduce and a real ``mkdocs build``. The planted residents have
Dutch, Surinamese, Turkish, Moroccan and Ghanaian names, as in Amsterdam Zuidoost.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.privacy import (
    DeidentificationUnavailable,
    Deidentifier,
    Finding,
    collect_needles,
    engine,
    scan_site,
)
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, mkdocs_build, site_text, story_text

TAXONOMY = Taxonomy.load(ROOT / "taxonomy")
KEEP = [*TAXONOMY.readable_names(), "Samira Bakker", "Buurtteam Gaasperdam"]

STORY_A = """\
Mevrouw Adjoa Mensah (82) woont al dertig jaar in Holendrecht, op de Kikkenstein 2107.
Haar telefoonnummer is 06-12345678; haar dochter belt vanaf 020-6543210.
Fatima El Amrani, de buurvrouw, kwam mee. Later belde Fatima opnieuw over de huur.
Mevrouw Mensah is geboren op 3 maart 1941 en haar BSN is 111222333.
Ze mailt met kwame.mensah@example.nl. De postcode is 1104 AB.
Zo werkt het Buurtteam Gaasperdam in de Bijlmer, in Amsterdam-Zuidoost.
"""
STORY_B = """\
De familie Yılmaz woont aan de Kerkstraat 12 in Gaasperdam. Meneer Hüseyin Yılmaz
vertelt dat zijn zoon Emre een jongen van 15 is. Dhr. Kromosoeto uit de flat ernaast,
Rishi Kromosoeto, helpt hen. Zijn zus Ayşe Çelik spreekt Turks met de buurvrouw.
Op 12 april hadden we overleg in Holendrecht.
"""
STORY_C = """\
Meneer Kwabena Owusu-Ansah wil zelf zijn post openen. Kwabena zegt: "Ik ben geen kind."
Zijn zoon Kofi Boateng woont aan de Bijlmerdreef 1234-B. Bel hem op +31 6 87654321.
Mevrouw Tjon A Fong is 79 jaar oud en woont in Driemond.
"""
DRAFT = """\
Meneer Kwaku Boakye van de Gooioord 45 belde ons op 06 11 22 33 44.
"""
PLANTED = [
    "Adjoa", "Mensah", "Kikkenstein 2107", "06-12345678", "020-6543210", "Fatima",
    "El Amrani", "3 maart 1941", "111222333", "kwame.mensah@example.nl", "1104 AB",
    "Yılmaz", "Kerkstraat 12", "Hüseyin", "Emre", "Kromosoeto", "Rishi", "Ayşe", "Çelik",
    "Kwabena", "Owusu-Ansah", "Kofi Boateng", "Bijlmerdreef 1234-B", "+31 6 87654321",
    "Tjon A Fong", "Kwaku", "Boakye", "Gooioord 45", "06 11 22 33 44",
]
PLACES = ["Holendrecht", "Bijlmer", "Amsterdam-Zuidoost", "Buurtteam Gaasperdam", "Driemond",
          "Gaasperdam"]


def privacy_project(target: Path, stories: dict[str, str]) -> Path:
    """A project whose build skips NLP and the evaluation: they are not under test here."""
    project = make_project(target, stories)
    config = project / "rijk.yml"
    text = re.sub(r"(?m)^nlp: .*$", "nlp: false", config.read_text(encoding="utf-8"))
    config.write_text(re.sub(r"(?m)^evaluate: .*$", "evaluate: false", text), encoding="utf-8")
    return project


def planted_stories() -> dict[str, str]:
    return {
        "2019/zo-2019-001.md": story_text("zo-2019-001", STORY_A,
                                          title="Mevrouw Mensah opent haar post"),
        "2019/zo-2019-002.md": story_text("zo-2019-002", STORY_B, date="2019-06-01",
                                          title="De familie Yılmaz"),
        "2019/zo-2019-003.md": story_text("zo-2019-003", STORY_C, date="2019-07-01",
                                          neighbourhood="driemond"),
        "2019/zo-2019-004.md": story_text("zo-2019-004", DRAFT, status="draft",
                                          consent="false", date="2019-08-01"),
    }


@pytest.fixture(scope="module")
def deidentifier() -> Deidentifier:
    return Deidentifier(keep=KEEP)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    project = privacy_project(tmp_path_factory.mktemp("privacy"), planted_stories())
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-4000:]
    return project, site, result.stderr


# -- the built site -------------------------------------------------------------------------


def test_planted_personal_data_is_absent_from_every_file(built: tuple[Path, Path, str]) -> None:
    _project, site, _log = built
    texts = site_text(site)
    assert any(p.name == "search_index.json" for p in texts)
    assert any(p.suffix == ".csv" for p in texts) and any(p.suffix == ".json" for p in texts)
    sitemap = site / "sitemap.xml.gz"
    if sitemap.exists():
        texts[sitemap] = gzip.decompress(sitemap.read_bytes()).decode()
    for path, text in texts.items():
        readable = text.replace("\\u0131", "ı").replace("\\u00e7", "ç").replace("\\u015f", "ş")
        readable = readable.replace("\\u00fc", "ü").replace("\\u00c7", "Ç")
        for planted in PLANTED:
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, planted.split())) + r"(?!\w)"
            assert not re.search(pattern, readable), (planted, path.relative_to(site))


def test_place_and_team_names_stay_readable(built: tuple[Path, Path, str]) -> None:
    _project, site, _log = built
    story = (site / "verhalen" / "zo-2019-001" / "index.html").read_text(encoding="utf-8")
    for name in ["Holendrecht", "Bijlmer", "Amsterdam-Zuidoost", "Buurtteam Gaasperdam",
                 "Samira Bakker"]:
        assert name in story, name
    assert "Mevrouw [naam] ([leeftijd]) woont al dertig jaar in Holendrecht" in story
    assert "[telefoonnummer]" in story and "[adres]" in story
    assert "Driemond" in (site / "verhalen" / "zo-2019-003" / "index.html").read_text(
        encoding="utf-8")
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Holendrecht" in index and "[naam]" in index


def test_fail_closed_when_deduce_cannot_run(tmp_path: Path) -> None:
    project = privacy_project(tmp_path / "p", planted_stories())
    site = project / "site"
    result = mkdocs_build(project, site, env={engine.FAIL_ENV: "1"})
    assert result.returncode != 0
    assert "de-identificatie kon niet draaien" in result.stderr
    assert "Er wordt niets gepubliceerd" in result.stderr
    leaked = [p for p, text in site_text(site).items() if "Kikkenstein" in text
              or "dertig jaar in Holendrecht" in text] if site.exists() else []
    assert leaked == []


def test_post_build_scan_fails_the_build_on_a_cross_story_leak(tmp_path: Path) -> None:
    """A draft names "meneer Kwaku Boakye" in full; a published story mentions "Boakye"
    alone, in a sentence no rule can read as a name. Only the scan of the output sees it."""
    stories = planted_stories()
    stories["2019/zo-2019-005.md"] = story_text(
        "zo-2019-005", "Die middag kwam Boakye nog even langs bij het buurthuis.",
        date="2019-09-01")
    project = privacy_project(tmp_path / "p", stories)
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0
    assert "persoonsgegevens gevonden in de gebouwde site" in result.stderr
    assert re.search(r"verhalen/zo-2019-005/index\.html:\d+: Boakye", result.stderr)


# -- scan_site and collect_needles ------------------------------------------------------------


def test_scan_site_finds_needles_in_every_kind_of_file(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    (site / "a.html").write_text("<p>Hallo</p>\n<p>Mevrouw El&nbsp;Amrani &amp; Kayak</p>\n")
    (site / "search" / "search_index.json").write_text('{"t": "Ay\\u015fe \\u00c7elik"}')
    (site / "data.csv").write_text("id,tekst\n1,ok\n2,bel 06-12345678\n")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<url>Kaya</url>"))
    (site / "plaatje.png").write_bytes(b"\x89PNG Kaya")
    hits = scan_site(site, {"El Amrani", "Ayşe Çelik", "06-12345678", "Kaya"})
    assert {(h.file, h.line, h.needle) for h in hits} == {
        ("a.html", 2, "El Amrani"), ("search/search_index.json", 1, "Ayşe Çelik"),
        ("data.csv", 3, "06-12345678"), ("sitemap.xml.gz", 1, "Kaya")}


def test_collect_needles_skips_keep_words_and_ordinary_words(
        deidentifier: Deidentifier) -> None:
    needles = collect_needles(deidentifier, [
        STORY_A, {"title": "Mevrouw Visser", "body": "Pas na een week belde mevrouw Visser."}],
        origins=["a.md", "b.md"])
    assert needles["Fatima"] == "a.md" and needles["mevrouw Visser"] == "b.md"
    assert {"Adjoa Mensah", "Fatima", "06-12345678", "Kikkenstein 2107"} <= needles.keys()
    # a surname that is also a Dutch word ("visser") is still a needle: fail closed
    assert {"mevrouw Visser", "Visser"} <= needles.keys() and "Pas" not in needles
    assert not needles.keys() & {"Holendrecht", "Bijlmer", "Samira Bakker", "Bakker"}
    # needles made only of common words never fail a build ("Bij de", "Via de Wmo")
    common = collect_needles(deidentifier, [{"body": "Bij de Voedselbank. Via de Wmo kreeg ze "
                                             "hulp. Buurtteams en Statushouders praten."}])
    assert not common.keys() & {"Bij de", "Via de Wmo", "Buurtteams", "Statushouders", "Bij", "Via"}


# -- the de-identifier ---------------------------------------------------------------------


def test_every_kind_is_replaced_with_readable_dutch(deidentifier: Deidentifier) -> None:
    out = deidentifier.deidentify(STORY_A)
    assert out.splitlines()[0] == ("Mevrouw [naam] ([leeftijd]) woont al dertig jaar in "
                                   "Holendrecht, op de [adres].")
    assert "[telefoonnummer]" in out and "[e-mailadres]" in out and "[postcode]" in out
    assert "geboren op [geboortedatum]" in out and "BSN is [bsn]" in out
    assert "Later belde [naam] opnieuw" in out
    assert "Buurtteam Gaasperdam in de Bijlmer, in Amsterdam-Zuidoost" in out
    b = deidentifier.deidentify(STORY_B)
    assert b.startswith("De familie [naam] woont aan de [adres] in Gaasperdam.")
    assert "een jongen van [leeftijd]" in b and "Turks" in b
    assert "Op 12 april hadden we overleg in Holendrecht." in b


def test_well_known_places_from_the_taxonomy_stay_readable() -> None:
    """The Wallen is no CBS wijk, but "de Wallen" must not read as the surname "de Wallen"."""
    keep = Deidentifier(keep=TAXONOMY.readable_names())
    assert "Wallen" in TAXONOMY.places
    assert keep.deidentify("Zij kent de Wallen beter dan wij, zegt mevrouw Boateng.") == (
        "Zij kent de Wallen beter dan wij, zegt mevrouw [naam].")


def test_brackets_around_a_number_stay_balanced(deidentifier: Deidentifier) -> None:
    assert deidentifier.deidentify("Mevrouw De Vries (06-12345678) kookt.") == (
        "Mevrouw [naam] ([telefoonnummer]) kookt.")
    assert deidentifier.deidentify("Bel (020) 555 1234 of (06-12345678).") == (
        "Bel [telefoonnummer] of ([telefoonnummer]).")


@pytest.mark.parametrize("plate", ["12-ABC-3", "GH-123-K", "7-XKL-42", "KL-34-PR", "99-XX-99",
                                   "3-TPR-05", "TXL-38-G"])
def test_licence_plates_in_every_sidecode_are_replaced(deidentifier: Deidentifier,
                                                       plate: str) -> None:
    out = deidentifier.deidentify(f"Zijn busje ({plate}) stond weer voor de deur.")
    assert out == "Zijn busje ([kenteken]) stond weer voor de deur.", out


def test_a_licence_plate_after_the_word_kenteken_in_any_spelling(
        deidentifier: Deidentifier) -> None:
    assert deidentifier.deidentify("Het kenteken: 12abc3, genoteerd door de wijkagent.") == (
        "Het kenteken: [kenteken], genoteerd door de wijkagent.")
    assert deidentifier.deidentify(
        "Zijn auto gh-123-k stond fout. Het kenteken van de bestelbus was 12abc3. "
        "Kentekens: 34-XD-12 en 56-zd-78. Op het nummerbord stond GH 123 K.") == (
        "Zijn auto [kenteken] stond fout. Het kenteken van de bestelbus was [kenteken]. "
        "Kentekens: [kenteken] en [kenteken]. Op het nummerbord stond [kenteken].")
    # with dots, in capitals, no cue needed
    assert deidentifier.deidentify("Op de brief stond 12.ABC.3, later AB.12.CD.") == (
        "Op de brief stond [kenteken], later [kenteken].")
    # roads, dates and codes that look a bit like a plate stay
    kept = "We namen de A-10 en de N-201 naar COVID-19 voorlichting in WK-03."
    assert deidentifier.deidentify(kept) == kept


def test_a_social_media_handle_is_a_user_name_but_an_e_mail_address_stays_one(
        deidentifier: Deidentifier) -> None:
    assert deidentifier.deidentify(
        "@jan.devries stuurde een bericht; mail info@wijk.nl of volg @buurt_noord.") == (
        "[gebruikersnaam] stuurde een bericht; mail [e-mailadres] of volg [gebruikersnaam].")
    assert deidentifier.deidentify("Snapchat: mo_ams020, insta fatima.amrani") == (
        "Snapchat: [gebruikersnaam], insta [gebruikersnaam]")


def test_numbers_after_their_label_and_house_number_additions(
        deidentifier: Deidentifier) -> None:
    assert deidentifier.deidentify(
        "Paspoortnummer NXP1234C5; zijn pasnummer is 123456; postcode 1103 ab; "
        "Javastraat 12bis.") == (
        "Paspoortnummer [nummer]; zijn pasnummer is [nummer]; postcode [postcode]; [adres].")
    assert deidentifier.deidentify("Stadspasnummer 6064 3690 1234 5678.") == (
        "Stadspasnummer [nummer].")
    kept = "Een pasnummer aanvragen duurt lang."  # a label without a number is a word
    assert deidentifier.deidentify(kept) == kept


def test_markup_around_a_name_stays_whole(deidentifier: Deidentifier) -> None:
    assert deidentifier.deidentify("# Gesprek met **Ahmed** Benali") == (
        "# Gesprek met **[naam]** [naam]")


def test_codes_are_no_names_and_a_link_keeps_its_quote(deidentifier: Deidentifier) -> None:
    """A story id, a CBS code or a standard is public; taken for a name, a cited story id
    became a needle that failed the build."""
    kept = ("Zie ook het verhaal zo-2019-001. De CBS-code WK036396 hoort bij BU03630000; "
            "volgens NEN-3140 en ISO-9001 deed de GGD-arts het goed.")
    assert deidentifier.deidentify(kept) == kept
    assert deidentifier.deidentify("Meneer Kramer (ce-2019-001) en Owusu-Ansah kwamen.") == (
        "Meneer [naam] (ce-2019-001) en [naam] kwamen.")
    assert deidentifier.deidentify('<a href="https://example.org/x">site</a>') == (
        '<a href="[website]">site</a>')


def test_a_name_with_an_elided_prefix_is_one_name(deidentifier: Deidentifier) -> None:
    assert deidentifier.deidentify(
        "Meneer O'Brien, Sinead O’Connor en meneer N'Diaye kwamen 's avonds.") == (
        "Meneer [naam], [naam] en meneer [naam] kwamen 's avonds.")


def test_feasts_of_the_city_s_communities_stay_readable(deidentifier: Deidentifier) -> None:
    text = ("Met Meskel, Wigilia, Newroz, Hanoeka, Irreecha en Pesach was de buurtkamer vol; "
            "bij Timkat kwam ook Meskerem Tesfaye.")
    assert deidentifier.deidentify(text) == (
        "Met Meskel, Wigilia, Newroz, Hanoeka, Irreecha en Pesach was de buurtkamer vol; bij "
        "Timkat kwam ook "
        "[naam].")


def test_a_name_in_the_body_is_also_replaced_in_the_title(deidentifier: Deidentifier) -> None:
    out = deidentifier.deidentify_fields({
        "title": "Abena kookt weer", "summary": "",
        "body": "Abena Asantewaa woont in Holendrecht. Abena kookt weer voor de buren."})
    assert out["title"] == "[naam] kookt weer"
    assert out["body"] == "[naam] woont in Holendrecht. [naam] kookt weer voor de buren."


def test_findings_carry_line_numbers(deidentifier: Deidentifier) -> None:
    findings = deidentifier.findings(STORY_A)
    assert Finding(2, "telefoonnummer", "06-12345678") in findings
    assert Finding(1, "adres", "Kikkenstein 2107") in findings
    assert Finding(5, "postcode", "1104 AB") in findings
    assert Finding(2, "telefoonnummer", "06-12345678").preview == "06-…"


def test_unchanged_stories_come_from_the_cache(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fields = {"title": "Een verhaal", "body": STORY_C}
    first = Deidentifier(keep=KEEP, cache_dir=tmp_path).deidentify_fields(fields)

    def broken(text: str) -> list:
        raise AssertionError("deduce should not run for a cached story")

    monkeypatch.setattr(engine, "annotate", broken)
    again = Deidentifier(keep=KEEP, cache_dir=tmp_path).deidentify_fields(fields)
    assert again == first
    stored = list(tmp_path.rglob("*.sqlite*"))
    assert stored, "cache entries on disk"
    assert not any(b"Kwabena" in p.read_bytes() for p in stored)


def test_fault_injection_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engine.FAIL_ENV, "1")
    with pytest.raises(DeidentificationUnavailable):
        Deidentifier(keep=KEEP)


# Wiring test with a few of deduce's own regression cases (phone numbers and identifiers),
# copied from https://github.com/vmenger/deduce tests/regression/data/phone_numbers.json and
# identifiers.json (deduce, GPL-3.0, © Vincent Menger e.a.), mapped to our Dutch kinds.
DEDUCE_CASES = [
    ("(030) 555 5555", "telefoonnummer", "(030) 555 5555"),
    ("06 55 55 55 55", "telefoonnummer", "06 55 55 55 55"),
    ("088 - 7555555", "telefoonnummer", "088 - 7555555"),
    ("0031655555555", "telefoonnummer", "0031655555555"),
    ("Serienummer: 1234567", "nummer", "1234567"),
    ("345934583495 patnr", "nummer", "345934583495"),
]


@pytest.mark.parametrize(("text", "kind", "found"), DEDUCE_CASES)
def test_deduce_regression_cases(deidentifier: Deidentifier, text: str, kind: str,
                                 found: str) -> None:
    # deduce 3.0.6 itself finds each of these (it calls "0031655555555" an id; our phone rule
    # names it correctly), and the combined result is exactly one finding of the right kind
    assert engine.annotate(text), f"deduce no longer finds {text!r}"
    assert [(f.kind, f.text) for f in deidentifier.findings(text)] == [(kind, found)]


def test_deduce_regression_negative_cases(deidentifier: Deidentifier) -> None:
    assert deidentifier.findings("123456") == []
    assert deidentifier.findings("99999 99999") == []


RECALL_SET = [
    ("Mevrouw Adjoa Mensah kwam langs.", "Adjoa Mensah"),
    ("Daarna sprak ik meneer Kwabena Owusu-Ansah.", "Kwabena Owusu-Ansah"),
    ("De familie Yılmaz is verhuisd.", "Yılmaz"),
    ("Fatima El Amrani belde. Later kwam Fatima zelf.", "Fatima"),
    ("Haar zoon Kofi zit op voetbal.", "Kofi"),
    ("Gisteren vertelt Hüseyin over zijn werk.", "Hüseyin"),
    ("Esi zegt dat het beter gaat.", "Esi"),
    ("Mevrouw Tjon A Fong (79) woont alleen.", "Tjon A Fong"),
    ("Mevrouw Tjon A Fong (79) woont alleen.", "79"),
    ("Het gaat om een jongen van 15 uit de buurt.", "15"),
    ("Haar 12-jarige dochter helpt.", "12"),
    ("Dhr. Kromosoeto belde mij.", "Kromosoeto"),
    ("Ze woont aan de Kerkstraat 12 in Gaasperdam.", "Kerkstraat 12"),
    ("Hij woont op de Kikkenstein 2107.", "Kikkenstein 2107"),
    ("De postcode is 1104 AB.", "1104 AB"),
    ("Bel 06-12345678 of 020-6543210.", "06-12345678"),
    ("Bel 06-12345678 of 020-6543210.", "020-6543210"),
    ("Of via +31 6 87654321.", "+31 6 87654321"),
    ("Haar BSN is 111222333.", "111222333"),
    ("Mail naar kwame.mensah@example.nl.", "kwame.mensah@example.nl"),
    ("Mail naar a.owusu@ziggo.amsterdam.", "a.owusu@ziggo.amsterdam"),
    ("Zij is geboren op 3 maart 1941.", "3 maart 1941"),
    ("Hij is geboren in 1961.", "1961"),
    ("Meneer Jansen is 84 jaar.", "Jansen"),
    ("Rachid Amrani kreeg werk.", "Rachid Amrani"),
    ("Een gesprek op gelijke voet over Abena", "Abena"),
]


def test_recall_above_stock_deduce(deidentifier: Deidentifier) -> None:
    """Recall on planted data: our pipeline against deduce's own redaction."""
    model = engine.model()

    def covered(spans: list[tuple[int, int]], text: str, planted: str) -> bool:
        start = text.index(planted)
        end = start + len(planted)
        return all(any(a <= i < b for a, b in spans) for i in range(start, end)
                   if not text[i].isspace())

    stock = ours = 0
    for text, planted in RECALL_SET:
        annotations = model.deidentify(text).annotations
        stock += covered([(a.start_char, a.end_char) for a in annotations], text, planted)
        spans = deidentifier.analyse({"text": text})["text"]
        ours += covered([(s.start, s.end) for s in spans], text, planted)
    total = len(RECALL_SET)
    print(f"\nrecall op {total} geplante gegevens: deduce {stock / total:.0%}, "
          f"rijk {ours / total:.0%}")
    assert ours > stock
    assert ours / total >= 0.95


# -- the command line ----------------------------------------------------------------------


def test_rijk_check_reports_privacy_findings_at_their_lines(tmp_path: Path) -> None:
    body = "Een gewone eerste zin.\n\nBel mevrouw Owusu op 06-12345678.\n"
    project = make_project(tmp_path / "p", {"2019/verhaal.md": story_text("zo-2019-001", body)})
    result = CliRunner().invoke(main, ["check", "--project", str(project),
                                       str(project / "stories")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # the front-matter takes lines 1-12, a blank line 13: the phone number is on line 16
    assert any(line.endswith("verhaal.md:16: waarschuwing: mogelijk persoonsgegeven "
                             "(telefoonnummer): 06-… — haal het weg of maak het algemeen.")
               for line in lines), result.output
    assert any("verhaal.md:16: waarschuwing: mogelijk persoonsgegeven (naam): Owu…" in line
               for line in lines), result.output
    assert "06-12345678" not in result.output


def test_rijk_check_shows_privacy_findings_also_in_a_story_with_errors(tmp_path: Path) -> None:
    """At 17:00 on a Friday the author sees the wrong date and the phone number in one run."""
    body = "Mevrouw Owusu belde op 06-12345678 over haar huur.\n"
    text = story_text("zo-2019-001", body).replace("date: 2019-05-01", "date: 2019-02-30")
    project = make_project(tmp_path / "p", {"2019/verhaal.md": text})
    result = CliRunner().invoke(main, ["check", "--project", str(project),
                                       str(project / "stories")])
    assert result.exit_code == 1, result.output
    assert "verhaal.md:4: datum '2019-02-30' bestaat niet" in result.output
    assert any(line.endswith("verhaal.md:14: waarschuwing: mogelijk persoonsgegeven "
                             "(telefoonnummer): 06-… — haal het weg of maak het algemeen.")
               for line in result.output.splitlines()), result.output
    assert "06-12345678" not in result.output


def test_rijk_deidentify_reads_stdin() -> None:
    text = "Mevrouw Adjoa Mensah belt 06-12345678.\nZe woont in de Bijlmer.\n"
    result = CliRunner().invoke(main, ["deidentify", "--project", str(ROOT)], input=text)
    assert result.exit_code == 0, result.output
    assert result.output == "Mevrouw [naam] belt [telefoonnummer].\nZe woont in de Bijlmer.\n"
    listed = CliRunner().invoke(main, ["deidentify", "--findings", "--project", str(ROOT)],
                                input=text)
    assert "1: telefoonnummer: 06-12345678" in listed.output.splitlines()


def test_rijk_deidentify_fails_closed() -> None:
    result = CliRunner(env={engine.FAIL_ENV: "1"}).invoke(
        main, ["deidentify", "--project", str(ROOT)], input="Mevrouw Mensah\n")
    assert result.exit_code != 0
    assert "Mensah" not in result.output
    assert os.environ.get(engine.FAIL_ENV) is None


def test_the_published_story_object_holds_only_the_deidentified_text() -> None:
    """Templates get ``PublicStory.story``; the source name must not be reachable there."""
    from datetime import date

    from generator.pipeline import deidentify
    from generator.project import Project
    from generator.story import Story

    taxonomy = Project.find(Path(__file__).resolve().parent.parent).taxonomy()
    story = Story(id="zo-2019-901", title="Bij Kwabena Owusu thuis", date=date(2019, 5, 1),
                  author="Test Auteur", team="Buurtteam Zuidoost",
                  neighbourhood=next(iter(taxonomy.neighbourhoods)), consent=True,
                  status="published", summary="Kwabena Owusu vroeg om hulp.",
                  feedback="Intern: bel Kwabena Owusu terug.",
                  body="Meneer Kwabena Owusu belde ons in maart.")
    public, _ = deidentify([story], taxonomy, None, [story])
    dumped = public[0].story.model_dump_json()
    assert "Kwabena" not in dumped and "Owusu" not in dumped
    assert public[0].story.body == public[0].body and "[naam]" in public[0].body
    assert public[0].story.feedback is None
    assert story.body.startswith("Meneer Kwabena")  # the source itself is untouched


def test_the_scan_cache_never_lets_a_name_through(tmp_path: Path) -> None:
    """The post-build scan remembers clean files by content hash: an unchanged file is only
    searched for needles that are new, a changed file in full, and the cache holds no name."""
    site = tmp_path / "site"
    (site / "verhalen").mkdir(parents=True)
    page = site / "verhalen" / "index.html"
    other = site / "wijk.html"
    page.write_text("<p>Mevrouw [naam] kreeg hulp van Wilma Oosterbeek-Dekkers.</p>\n")
    other.write_text("<p>In de wijk woont ook Tjitske Haaksma.</p>\n")
    cache = tmp_path / "cache" / "scan.json"

    assert scan_site(site, {"Sjoukje Hylkema"}, static_dirs=[], cache_file=cache) == []
    assert cache.exists() and "Hylkema" not in cache.read_text()

    # an unchanged file, a needle that is new: still found
    hits = scan_site(site, {"Sjoukje Hylkema", "Tjitske Haaksma"}, static_dirs=[],
                     cache_file=cache)
    assert [(h.file, h.needle) for h in hits] == [("wijk.html", "Tjitske Haaksma")]

    # a changed file holding an old needle: found although that needle was scanned before
    page.write_text("<p>Sjoukje Hylkema kreeg hulp.</p>\n")
    hits = scan_site(site, {"Sjoukje Hylkema"}, static_dirs=[], cache_file=cache)
    assert [(h.file, h.line, h.needle) for h in hits] == [
        ("verhalen/index.html", 1, "Sjoukje Hylkema")]

    # a damaged cache is a full scan
    cache.write_text("{niet json")
    hits = scan_site(site, {"Sjoukje Hylkema"}, static_dirs=[], cache_file=cache)
    assert len(hits) == 1


ISOLATED = """
import json, sys
from generator.privacy import Deidentifier, engine
texts = json.loads(sys.stdin.read())
deidentifier = Deidentifier(keep=["Samira Bakker"], isolated=True)
out = [deidentifier.deidentify_fields(t) for t in texts]
print(json.dumps({"out": out, "loaded_here": engine.loaded()}))
"""


def test_an_isolated_deidentifier_gives_the_same_text_without_loading_deduce_here() -> None:
    """The build analyses in a spawned process, so its own memory never holds deduce's
    lookup tables (the peak is the larger of the two processes, not their sum)."""
    import json
    import subprocess
    import sys

    texts = [{"body": STORY_A},
             {"title": "Mevrouw Visser", "body": "Pas na een week belde mevrouw Visser."}]
    result = subprocess.run([sys.executable, "-c", ISOLATED], input=json.dumps(texts),
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout)
    assert answer["loaded_here"] is False
    expected = [Deidentifier(keep=["Samira Bakker"]).deidentify_fields(t) for t in texts]
    assert answer["out"] == expected
    assert "[naam]" in answer["out"][1]["body"]
    # fail closed: a child that cannot run deduce publishes nothing
    failed = subprocess.run([sys.executable, "-c", ISOLATED], input=json.dumps(texts),
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "RIJK_DEDUCE_FAIL": "1"})
    assert failed.returncode != 0 and "DeidentificationUnavailable" in failed.stderr
