"""Names however they are written: each way of writing a name, with several examples per kind
(not only the one from the bug report), on the library, on ``rijk deidentify`` and in a real
build; plus what must stay readable, and the restrisico check.

The examples here are hand-made; the measured figures come from ``tests/data/privacy/``
(see tests/test_privacy_eval.py).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.privacy import Deidentifier
from generator.privacy.words import NOT_NAMES, plain_words
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, mkdocs_build, site_text, story_text

KEEP = [*Taxonomy.load(ROOT / "taxonomy").readable_names(), "Samira Bakker",
        "Buurtteam Gaasperdam"]

# (kind, text, the strings that must be gone)
NAMES: list[tuple[str, str, list[str]]] = [
    ("initiaal", "Het gesprek was met A. Bakker over zijn schulden.", ["Bakker", "A. Bakker"]),
    ("initiaal", "Th. Bakker kwam ook.", ["Th.", "Bakker"]),
    ("initiaal", "De brief ging naar J.W. van Dijk op de derde verdieping.", ["Dijk", "J.W."]),
    ("initiaal", "We belden mw. S. Öztürk terug.", ["Öztürk"]),
    ("initiaal", "K.A. Mensah tekende het contract.", ["Mensah", "K.A."]),
    ("zinsbegin", "Daan ging weer naar school.", ["Daan"]),
    ("zinsbegin", "Pieter ging weer naar school.", ["Pieter"]),
    ("zinsbegin", "Sjoerd belde om negen uur.", ["Sjoerd"]),
    ("zinsbegin", "Fatima nam haar moeder mee.", ["Fatima"]),
    ("koppelteken", "Jan-Willem kwam elke week naar de buurtkamer.", ["Jan-Willem"]),
    ("koppelteken", "Anne-Fleur hielp bij de kledingbank.", ["Anne-Fleur"]),
    ("koppelteken", "Meneer Owusu-Ansah woont er sinds 2010.", ["Owusu-Ansah", "Owusu", "Ansah"]),
    ("hoofdletters", "Het dossier van mevrouw BAKKER lag klaar.", ["BAKKER"]),
    ("hoofdletters", "Dossier: DE VRIES, Anna", ["VRIES", "Anna"]),
    ("hoofdletters", "Aanmelding: JANSSEN, Petra en OUAZZANI, Hanane.",
     ["JANSSEN", "Petra", "OUAZZANI", "Hanane"]),
    ("kleine-letters", "We spraken mevrouw de vries en meneer yilmaz.", ["vries", "yilmaz"]),
    ("kleine-letters", "'groetjes marian' stond onder het bericht.", ["marian"]),
    ("kleine-letters", "ron de wit stelde zich voor. Later kwam ron terug.", ["ron", "wit"]),
    # hasty notes: a lower-case word that is a first name and no Dutch word, without a cue
    ("kleine-letters", "gesprek gehad, semhar snapt de brief niet. kwesi en rayan waren er ook",
     ["semhar", "kwesi", "rayan"]),
    ("kleine-letters", "notitie voor sytske: bel wojciech terug", ["sytske", "wojciech"]),
    ("kleine-letters", "moet eerst naar anne-fleur bij de school", ["anne-fleur"]),
    ("kleine-letters", "ophalen: mw. baukje haagsma, fam. van de ven", ["baukje", "haagsma",
                                                                        "ven"]),
    ("kleine-letters", "mvg, dewanand ramlal", ["dewanand", "ramlal"]),
    ("kleine-letters", "mevrouw bakker-de jong belde, en mw. jansen-van der berg ook.",
     ["bakker", "jong", "jansen", "berg"]),
    ("zinsbegin", "Toon belde vanochtend over de huur.", ["Toon"]),
    ("zinsbegin", "Storm en Daan gingen samen naar de sportclub.", ["Storm", "Daan"]),
    ("zinsbegin", "Tim zijn fiets was gestolen.", ["Tim"]),
    ("adres", "adres van kofi: oude haagweg 302, 2565 ka Den Haag",
     ["kofi", "haagweg 302", "2565 ka"]),
    ("bezitsvorm", "Mohammeds moeder en Joris' fiets en Anouks broer en Fatima's dochter.",
     ["Mohammeds", "Mohammed", "Joris", "Anouks", "Fatima"]),
    ("opsomming", "Sanne, Ilias en Bram speelden buiten.", ["Sanne", "Ilias", "Bram"]),
    ("opsomming", "Ze brengt zijn zusjes Adaeze en Chioma naar school.", ["Adaeze", "Chioma"]),
    ("tussenvoegsel", "Hamid al Zubaidi woont in Slotermeer. Al Zubaidi is ziek.", ["Zubaidi"]),
    ("tussenvoegsel", "Mahmoud al-Khatib kwam mee. Al-Khatib was apotheker.", ["Khatib"]),
    ("tussenvoegsel", "Mevrouw Van den Berg en meneer El Idrissi kwamen.", ["Berg", "Idrissi"]),
    ("diakrieten", "Małgorzata Wójcik en Şükrü Yıldız kwamen langs.",
     ["Małgorzata", "Wójcik", "Şükrü", "Yıldız"]),
    ("diakrieten", "Tesfaye en Yohannes kwamen uit Eritrea. Mehret ook.",
     ["Tesfaye", "Yohannes", "Mehret"]),
    ("diakrieten", "Mevlüde Kılıç kookt elke vrijdag. Mevlüde lacht.", ["Mevlüde", "Kılıç"]),
    ("achternaam-herhaald", "Meneer Owusu belde. Later kwam Owusu nog langs.", ["Owusu"]),
    ("achternaam-herhaald", "Mevrouw Kromodimedjo belde. Kromodimedjo wil verhuizen.",
     ["Kromodimedjo"]),
    # a town as surname still counts after a form of address
    ("tussenvoegsel", "Meneer van Dokkum belde over de huur.", ["Dokkum"]),
    ("tussenvoegsel", "Vandaag kwam Sandra van Assen langs.", ["Sandra", "Assen"]),
    # Portuguese, Cape Verdean and Arabic particles between two capitalised words
    ("tussenvoegsel", "Gesprek met Ivaldo dos Santos over de huur.", ["Ivaldo", "Santos"]),
    ("tussenvoegsel", "Toen belde Nadia ben Brahim terug.", ["Nadia", "Brahim"]),
    # ü, ö after a consonant or at the start of a word: no Dutch trema
    ("diakrieten", "Gülten kwam gisteren langs.", ["Gülten"]),
    ("diakrieten", "Na afloop vertelde Özlem over haar werk.", ["Özlem"]),
    # lower case after a form of address: double surnames, surnames that are nouns
    ("kleine-letters", "De buurvrouw, mevrouw de graaf-smit, helpt.", ["graaf-smit"]),
    ("kleine-letters", "ik zei tegen meneer visser dat het goed kwam.", ["visser"]),
    ("kleine-letters", "In het systeem staat hij als k. mulder.", ["mulder"]),
    # an unknown word at the start of a sentence with a family apposition
    ("zinsbegin", "Tjaronne, haar oudste dochter, woont in Almere.", ["Tjaronne"]),
    # capitals with a particle, abbreviated particles, lower-case foreign particles
    ("hoofdletters", "3. Fam. VAN DER LINDEN: bezoek gepland.", ["LINDEN"]),
    ("hoofdletters", "Aanvrager: DE HAAN, Gerda", ["HAAN", "Gerda"]),
    ("initiaal", "Mw. H. v.d. Bosch belde over de rekening.", ["Bosch"]),
    ("kleine-letters", "notitie: dhr. j. de jong bellen over de huur", ["jong"]),
    ("kleine-letters", "de zoon van el khatib was er ook", ["khatib"]),
    # a nickname in brackets, a first name that is also a word before a surname, a signature
    ("gewoon", "Haar buurvrouw Katarzyna Nowak (Kasia) helpt mee.", ["Kasia", "Nowak"]),
    ("opsomming", "Aan tafel zaten Roos Verhagen, Hub Stassen en Noor Ouali.",
     ["Roos", "Verhagen", "Hub", "Stassen", "Noor", "Ouali"]),
    ("gewoon", "Dank voor alles. groet Shpresa", ["Shpresa"]),
    ("gewoon", "Tot volgende week!\nLiefs, Ilse", ["Ilse"]),
    ("telefoonnummer", "Haar broer in Krakau: +48 601 234 567.", ["601 234 567"]),
    ("diakrieten", "Driton en Blerinë kwamen samen.", ["Blerinë"]),
    # lower case after a cue without a full stop, "in 't", "vd"; an apposition after a family word
    ("kleine-letters", "buurman dhr bos klaagt over geluid", ["bos"]),
    ("kleine-letters", "sleutel bij mw. op de weegh ophalen", ["weegh"]),
    ("kleine-letters", "bellen met mw. in 't hout over de huur", ["hout"]),
    ("kleine-letters", "gesprek met kevin vd berg gepland", ["kevin", "berg"]),
    ("gewoon", "Haar oom, Abdirahman Warsame, tolkt voor haar.", ["Abdirahman", "Warsame"]),
    ("gewoon", "Hij woont bij zijn dochter, Yesenia.", ["Yesenia"]),
    # registers: "SURNAME, First name" (also a first name that is a word), caps particles
    ("hoofdletters", "2. OSEI, Blessing - Klarendal - huurachterstand", ["OSEI", "Blessing"]),
    ("hoofdletters", "- VAN 'T HOF, Jannie - valgevaar", ["HOF", "Jannie"]),
    ("hoofdletters", "- EL HADDOUTI, Samira - taalles", ["HADDOUTI", "Samira"]),
    # a language after a spaced dash stays, the name before it goes
    ("gewoon", "1. NOWAK, Agnieszka - Pools - niveau A2", ["NOWAK", "Agnieszka"]),
    # lower case: possessive with an apostrophe, two first names joined, foreign letters
    ("bezitsvorm", "en femke's fiets stond weer op slot", ["femke"]),
    ("koppelteken", "naam: anna-lena, verder niks bekend", ["anna-lena"]),
    ("kleine-letters", "wie heeft lumturije berisha gezien?", ["lumturije", "berisha"]),
    ("kleine-letters", "alleen zijn zus blerta was thuis", ["blerta"]),
    ("kleine-letters", "we zagen de zusjes visser bij de snackbar", ["visser"]),
    # a particle makes a pronoun a surname; a possessive before a family word
    ("tussenvoegsel", "Geachte heer ter Haar, dank voor uw brief.", ["Haar"]),
    ("bezitsvorm", "Jorens vader belde terug.", ["Jorens", "Joren"]),
    ("gewoon", "Geachte dokter Wiradjaja, hierbij de aanvraag.", ["Wiradjaja"]),
    # names of newcomers that no list holds, capitalised mid-sentence (a critic's finding)
    ("gewoon", "Volgens Tsegereda en Haileab was de zaal te koud.", ["Tsegereda", "Haileab"]),
    ("gewoon", "Ik heb Drilona al twee keer gebeld.", ["Drilona"]),
    # the family word stays readable, the name goes
    ("gewoon", "Schoonzus Marleen komt ook. Kleinzoon Dewi Sardjoe was er.",
     ["Marleen", "Dewi", "Sardjoe"]),
    # lower-case initials, "'t" after a cue, emphasis and user-name underscores (a critic's)
    ("initialen", "het gesprek was met a.j. bakker over de schulden", ["bakker"]),
    ("initialen", "belafspraak met h. p. de graaf", ["graaf"]),
    ("kleine-letters", "We spraken meneer 't hart en mevrouw van 't hof.", ["hart", "hof"]),
    ("opmaak", "Daarna belde *mevrouw* *bakker* ons terug.", ["bakker"]),
    ("opmaak", "Toen kwam _mevrouw_ _de vries_ binnen.", ["vries"]),
    ("opmaak", "Ook <em>meneer</em> <strong>yilmaz</strong> kwam langs.", ["yilmaz"]),
    ("gebruikersnaam", "Het account Jan_Jansen_1980 en jan_jansen zijn geblokkeerd.",
     ["Jan_Jansen_1980", "jan_jansen"]),
    # particles abbreviated with a full stop before a surname that is also a Dutch word
    ("tussenvoegsel", "Mevrouw v.d. Berg belde, en familie v. Dijk verhuist.", ["Berg", "Dijk"]),
    ("tussenvoegsel", "dhr. v.d. Meer en mw. v. Dam kwamen.", ["Meer", "Dam"]),
    # initials in any Latin capital, a double surname whose second part has a particle
    ("initialen", "Dhr. Ö. Yıldırım en mevrouw Ş. Kaya kwamen.", ["Ö", "Yıldırım", "Ş", "Kaya"]),
    ("initialen", "Contact: J.P. Balkenende-de Wit, tel. onbekend.",
     ["J.P", "Balkenende", "Wit"]),
    # an unknown word at the start of a sentence with a verb or a second unknown name after
    # it, a capital particle and a known surname there, a later spelling without accents or
    # in lower case, names in scripts no rule can read (a critic's findings)
    ("zinsbegin", "Tesfamariam kwam gisteren langs.", ["Tesfamariam"]),
    ("zinsbegin", "Oleksandr belde over de huur. Faadumo Cali Xasan kwam ook.",
     ["Oleksandr", "Faadumo", "Cali", "Xasan"]),
    ("zinsbegin", "Van Dijk kwam. Van der Linden vertelde het.", ["Dijk", "Linden"]),
    ("later", "Mevrouw Çelik kwam. Celik had drie kinderen.", ["Çelik", "Celik"]),
    ("later", "Mevrouw de Vries belde. Later vertelde de vries dat het ging.", ["Vries", "vries"]),
    ("schrift", "Haar naam is محمد العمري en de moeder heet 张伟.", ["محمد", "العمري", "张伟"]),
    # after "heet" or "naam is" any word is a name; abbreviated titles
    ("gewoon", "Haar naam is bloem en haar zus heet Hoop.", ["bloem", "Hoop"]),
    ("gewoon", "Zr. Lieveld en Dr. Kartosen kwamen.", ["Lieveld", "Kartosen"]),
    ("kleine-letters", "gisteren belde ik met ramautar over de huur", ["ramautar"]),
]

# how a sentence must read after de-identification: family words, roles and greetings
# before a name stay, particles of a kept shop after it too
READS_AS = [
    ("Echtgenoot Burak Demirci werkt bij de Jumbo.", "Echtgenoot [naam] werkt bij de Jumbo."),
    ("Kleindochter Esi was erbij.", "Kleindochter [naam] was erbij."),
    ("Coach: Hoi Samira, lukt het?", "Coach: Hoi [naam], lukt het?"),
    ("Mevrouw de Groot van de Voedselbank belde.", "Mevrouw [naam] van de Voedselbank belde."),
    ("Contactpersoon: Goedemorgen allemaal", "Contactpersoon: Goedemorgen allemaal"),
]

# sentences that must come back unchanged
UNCHANGED = [
    "We deden boodschappen bij de Albert Heijn en de Hema.",
    "Bij de Voedselbank haalden ze een pakket.",
    "Via de Wmo kreeg ze hulp bij het huishouden.",
    "Buurtteams en Statushouders praten samen in de Buurtkamer.",
    "De Wmo-consulent kwam langs voor een keukentafelgesprek.",
    "Ze zijn gevlucht uit Asmara en via Libië naar Europa gekomen.",
    "Ze heeft 12 jaar in dezelfde fabriek gewerkt.",
    "Het gezin kwam via een noodopvang in Den Helder naar de stad.",
    "De familie gaat deze zomer naar Paramaribo.",
    "Bij de Kredietbank en het UWV ging het sneller dan gedacht.",
    "Met de GGD en Veilig Thuis is een plan gemaakt.",
    "Misschien is een maatje een goede volgende stap.",
    "In Holendrecht en de Bijlmer draait het Buurtteam Gaasperdam.",
    "Toen kwam de Belastingdienst met een nieuwe brief.",
    "Samen met Humanitas en het Leger des Heils regelden we een kerstpakket.",
    # a first name or surname that is a Dutch word at the start of a sentence: a verb or noun
    "Toon bij de balie een geldig legitimatiebewijs.",
    "Dien het bezwaar binnen zes weken in.",
    "Wil je de formulieren voor vrijdag inleveren?",
    "Ben je te laat, meld je dan bij de receptie.",
    "Koop geen dure telefoon op afbetaling.",
    "Leen nooit geld van een onbekende.",
    "Vissers uit Urk verkopen hun vis op de markt.",
    "Bakkers beginnen vaak al om vier uur.",
    "Zwart werken kan leiden tot een boete.",
    "Storm en regen zorgden voor lekkages in de flat.",
    # towns deduce reads as a surname after "van", capitals of a form, parts of a town
    "De trein van Zwolle naar Meppel was vol.",
    "Ze verhuisde van Emmen naar Den Bosch.",
    "WOONPLAATS: ZWOLLE",
    "Het gezin woont in Utrecht-Noord en de opa in Amsterdam-Zuidoost.",
    # one capitalised word after a locative is a place, not a person
    "Het buurthuis in Ondiep is op zondag dicht.",
    "Ze komt uit Kattenbroek en werkt in Vathorst.",
    # bus lines, classes and rooms are no address
    "Buslijn 22 stopt voor de deur.",
    "Ze zit in groep 6 van de basisschool.",
    "Het gesprek was in kamer 14.",
    # lower-case Dutch words that a name list also holds
    "We liepen samen door de wijk.",
    "Hij leest beter dan de meeste kinderen.",
    # a shop that is also a first name, after "de"
    "Ze werkt als caissière bij de Dirk.",
    # imperatives of a verb that is also a first name
    "Fleur de gang op met de tekeningen.",
    # streets and schools named after a person, the town of a kept organisation
    "De winkel zit aan de Willem Dreeslaan, vlak bij de Maria Montessori school.",
    "Aan: Kredietbank Zwolle",
    "Namens CJG Deventer en Humanitas Zwolle kwamen twee mensen.",
    "Het gezin komt nog niet aan de normen voor een pakket.",
    # organisations named after a person, rivers and regions, abbreviations
    "De Johan Cruijff Foundation en het Ronald McDonald Huis steunen de sportdag.",
    "Via de Willem Schrikker Stichting kreeg het gezin een voogd.",
    "We fietsten met de groep langs de IJssel en door de Achterhoek.",
    "Vanuit Kampen en Zwolle kwamen veel aanmeldingen.",
    "Langs de Vecht wandelen we elke zondag.",
    "Max. vijftien kinderen per groep.",
    # neighbourhoods, places after "het", adjectives of a place, time words, care bodies
    "Tussen de Schilderswijk en het Oude Westen rijdt een buurtbus.",
    "Het gezin verhuist naar Leidsche Rijn.",
    "Op vrijdag gaan de jongeren naar de Zoetermeerse Plas.",
    "Vanochtend belde de huismeester over de lift.",
    "Hij is aangemeld bij Reinier van Arkel voor een intake.",
    "Oma praat met de kleinkinderen Papiaments.",
    "Op het buurtfeest waren er börek, roti en bitterballen.",
    "De bezorger zet de tassen voortaan bij de buurvrouw neer.",
    # deduce's hospitals are no person
    "Na de val lag ze in het Spaarne Gasthuis.",
    # abbreviations in lower case are no initials; a street named after a person is a street
    "We spraken o.a. bakkers en slagers, d.w.z. de winkels, i.p.v. de markt.",
    "De groep liep over de Martin Luther Kingweg naar het park.",
    "We gaan v.d. week naar de markt; hij woont hier v. 2019.",
    # a neighbourhood or a dish with a verb that fits a place as well as a person
    "Transvaal heeft een levendige markt. Harira is het eerste wat op tafel komt.",
    "Den Haag is groot en De Nieuwe Kerk is mooi.",
    "Het is heet buiten en het project heet Samen Sterk.",
    "Het gezin viert het feest met jollofrijst en we werken met excel.",
    "In de eetgroep eten oude Jordanezen, Leidenaren en studenten samen.",
    "Via Facebook kwam het bericht binnen; het account van de gemeente werkt.",
]


@pytest.fixture(scope="module")
def deidentifier() -> Deidentifier:
    return Deidentifier(keep=KEEP)


def gone(word: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text) is None


@pytest.mark.parametrize(("kind", "text", "names"), NAMES,
                         ids=[f"{k}-{i}" for i, (k, _t, _n) in enumerate(NAMES)])
def test_every_way_a_name_is_written_is_replaced(deidentifier: Deidentifier, kind: str,
                                                 text: str, names: list[str]) -> None:
    out = deidentifier.deidentify(text)
    left = [n for n in names if not gone(n, out)]
    assert not left, f"{kind}: {left} staat nog in {out!r}"
    assert ("[telefoonnummer]" if kind == "telefoonnummer" else "[naam]") in out


@pytest.mark.parametrize("text", UNCHANGED)
def test_shops_bodies_openers_and_places_stay_readable(deidentifier: Deidentifier,
                                                       text: str) -> None:
    assert deidentifier.deidentify(text) == text


@pytest.mark.parametrize(("text", "expected"), READS_AS)
def test_family_words_roles_and_greetings_around_a_name_stay(deidentifier: Deidentifier,
                                                              text: str, expected: str) -> None:
    assert deidentifier.deidentify(text) == expected


def test_a_shop_that_is_also_a_first_name_does_not_hide_a_person(
        deidentifier: Deidentifier) -> None:
    """"Dirk" (the supermarket) is no keep word: a Dirk in a list of residents is replaced."""
    out = deidentifier.deidentify("3. VAN LEEUWEN, Dirk")
    assert "Dirk" not in out and "LEEUWEN" not in out


def test_names_in_title_and_summary_are_replaced_with_the_body(
        deidentifier: Deidentifier) -> None:
    out = deidentifier.deidentify_fields({
        "title": "Over Mevlüde", "summary": "Yıldız en haar buurvrouw koken samen.",
        "body": "Mevlüde Kılıç kookt elke vrijdag met mevrouw Yıldız."})
    assert "Mevlüde" not in out["title"] and "Yıldız" not in out["summary"]


def test_rijk_deidentify_on_the_bug_report_inputs() -> None:
    text = ("Het gesprek was met A. Bakker over zijn schulden.\nTh. Bakker kwam ook.\n"
            "Daan ging weer naar school.\nPieter ging weer naar school.\n"
            "Jan-Willem kwam elke week naar de buurtkamer.\n"
            "We deden boodschappen bij de Albert Heijn en de Hema.\n")
    result = CliRunner().invoke(main, ["deidentify", "--project", str(ROOT)], input=text)
    assert result.exit_code == 0, result.output
    out = result.output
    for name in ("Bakker", "Daan", "Pieter", "Jan-Willem", "Th."):
        assert gone(name, out), out
    assert "bij de Albert Heijn en de Hema." in out


def test_rijk_check_shows_a_restrisico_and_a_confirmation_silences_it(tmp_path: Path) -> None:
    """A known surname the rules leave readable ("Brood", a singer here) is a restrisico at
    its line; a coordinator's confirmation in taxonomy/privacy.yml (committed) silences it."""
    body = "De muziek van Brood klonk hard.\nDaarna ging het over de Hoogvliet."
    project = make_project(tmp_path / "p", {"2019/zo-2019-001.md": story_text(
        "zo-2019-001", body)})
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--project", str(project),
                                  str(project / "stories")])
    findings = [line for line in result.output.splitlines() if "restrisico" in line]
    assert findings, result.output
    assert any(":14:" in line and "'Brood'" in line for line in findings), findings
    (project / "taxonomy" / "privacy.yml").write_text(textwrap.dedent("""\
        confirmed:
          - word: Brood
            confirmed_by: Coby Mulder (coördinator)
            date: 2026-12-01
            reason: "Herman Brood, de zanger: een publieke naam, geen bewoner."
        """), encoding="utf-8")
    again = runner.invoke(main, ["check", "--project", str(project),
                                 str(project / "stories")])
    assert not [line for line in again.output.splitlines() if "Brood" in line], again.output


def test_an_incomplete_confirmation_is_an_error_at_its_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"2019/zo-2019-001.md": story_text(
        "zo-2019-001", "Een gewone tekst.")})
    (project / "taxonomy" / "privacy.yml").write_text(
        "confirmed:\n  - word: Boschma\n    confirmed_by: Coby\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--project", str(project),
                                       str(project / "stories")])
    assert result.exit_code == 1
    assert re.search(r"privacy\.yml:2: bevestiging onvolledig", result.output), result.output


@pytest.mark.slow
def test_a_real_build_publishes_none_of_the_ways_a_name_is_written(tmp_path: Path) -> None:
    """Every form at once in one published story: none of the names is in any file of the
    built site (pages, search index, sitemap, downloads), the shops are."""
    body = "\n\n".join([*(text for _k, text, _n in NAMES), *UNCHANGED[:3]])
    story = story_text("zo-2019-001", body, title="Over Mevlüde en Jan-Willem",
                       author="Marieke Smit")  # the author stays readable on the page
    project = make_project(tmp_path / "p", {"2019/zo-2019-001.md": story})
    config = project / "rijk.yml"
    if config.exists():
        text = config.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^nlp: .*$", "nlp: false", text)
        text = re.sub(r"(?m)^evaluate: .*$", "evaluate: false", text)
        config.write_text(text, encoding="utf-8")
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr[-3000:]
    texts = site_text(site)
    page = next(t for p, t in texts.items() if "zo-2019-001" in p.as_posix()
                and p.name == "index.html")
    assert "Albert Heijn" in page
    # "Haar" of "heer ter Haar" is also the pronoun in "Haar oom, ...": such words of the
    # combined body prove nothing on their own
    names = {n for _k, _t, ns in NAMES for n in ns if len(n) > 3 and n[-1] != "."
             and n.lower() not in NOT_NAMES}
    # a surname that is a Dutch word ("Meer", "Berg") is in the site's own text too ("Lees
    # meer", "Meer verhalen"): those are checked by the test above, on the story's text
    words = {n for n in names if n.lower() in plain_words()}
    for path, text in texts.items():
        leaked = sorted(n for n in names - words if not gone(n, text))
        assert not leaked, f"{path.relative_to(site)}: {leaked}"


def test_privacy_report_lists_what_was_replaced_never_the_original(tmp_path: Path) -> None:
    """The privacy officer's report: per published story kinds and counts, restrisico with
    its status, deduce's version; no name from any story, and no withheld story."""
    project = make_project(tmp_path / "p", {
        "2019/zo-2019-001.md": story_text(
            "zo-2019-001", "Mevrouw Wójcik belde op 06-12345678. De muziek van Brood klonk."),
        "2019/zo-2019-002.md": story_text("zo-2019-002", "Meneer Kowalczyk, nog een concept.",
                                          status="draft"),
    })
    out = tmp_path / "rapport.md"
    result = CliRunner().invoke(main, ["privacy", "report", "--project", str(project),
                                       "--year", "2019", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "| zo-2019-001 |" in text and "naam 1" in text and "telefoonnummer 1" in text
    assert "zo-2019-002" not in text and "draft: 1" in text
    assert re.search(r"\| zo-2019-001 \| zo-2019-001\.md:14 \| Brood \| open \|", text), text
    assert "deduce 3." in text
    for secret in ("Wójcik", "12345678", "Kowalczyk"):
        assert secret not in text


@pytest.mark.slow
def test_strict_build_fails_on_an_open_restrisico_and_leaves_no_site(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"2019/zo-2019-001.md": story_text(
        "zo-2019-001", "De muziek van Brood klonk hard in de buurtkamer.")})
    config = project / "rijk.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^nlp: .*$", "nlp: false", text)
    config.write_text(re.sub(r"(?m)^evaluate: .*$", "evaluate: false", text), encoding="utf-8")
    site = project / "site"
    strict = mkdocs_build(project, site, strict=True)
    assert strict.returncode != 0
    assert "restrisico" in strict.stdout + strict.stderr
    assert not site.exists()
    plain = mkdocs_build(project, site)
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert "zo-2019-001.md:14: restrisico: 'Brood'" in plain.stdout + plain.stderr


@pytest.mark.parametrize("author", ["Jan", "a", "A"])
def test_a_one_word_author_keeps_no_resident_readable(author: str) -> None:
    """An author field of one word ("Jan", a stray "a") must not become a keep phrase: it
    would leave every resident called Jan, and the initial of "A. Bakker", in the site."""
    from types import SimpleNamespace

    from generator.privacy import Deidentifier
    from generator.privacy.keep import keep_phrases
    from generator.project import Project

    taxonomy = Project.find(Path(__file__).resolve().parent.parent).taxonomy()
    stories = [SimpleNamespace(author=author, team="Jan"),
               SimpleNamespace(author="Marieke de Graaf", team="Buurtteam Zuidoost")]
    keep = keep_phrases(taxonomy, stories)
    assert author not in keep and "Jan" not in keep
    assert "Marieke de Graaf" in keep and "Buurtteam Zuidoost" in keep
    out = Deidentifier(keep=keep).deidentify(
        "Jan kwam langs met zijn moeder. Het gesprek was met A. Bakker over zijn schulden.")
    assert "Jan" not in out and "Bakker" not in out and "A[" not in out, out
