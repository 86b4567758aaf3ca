"""Word lists the rules rely on, loaded lazily and once.

Why our own lists next to deduce's: deduce's name lists are Dutch-heavy, and social-domain
prose introduces people with forms of address ("mevrouw", "oma", "de familie") that a
medical-record tool has no reason to know.
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"

TITLES = {
    "mevrouw", "meneer", "mijnheer", "mevr", "mw", "dhr", "heer", "juffrouw", "mej",
    "familie", "fam", "gezin", "oma", "opa", "tante", "oom", "juf", "meester", "buurman",
    "buurvrouw", "dochter", "zoon", "vader", "moeder", "broer", "zus", "kleinzoon",
    "kleindochter", "neef", "nicht", "vriendin", "vriend", "partner", "man", "vrouw",
    "echtgenoot", "echtgenote", "baby", "tiener",
}
"""Words that introduce a person's name directly after them ("mevrouw Owusu", "oma Truus")."""

STRONG_TITLES = {"mevrouw", "meneer", "mijnheer", "mevr", "mw", "dhr", "heer", "juffrouw",
                 "mej", "familie", "fam", "gezin"}
"""Titles that are part of how deduce writes a name; kept visible before "[naam]"."""

PARTICLES = {"van", "de", "der", "den", "ter", "ten", "te", "el", "al", "ben", "bin",
             "da", "dos", "do", "du", "la", "le", "'t", "von", "a", "ait", "ou",
             "bou", "abou", "abu"}
"""Lower-case name particles ("van der", "el", "ben", "ait"): part of a name, never alone."""

INTRODUCERS = {"heet", "heette", "genaamd", "noem", "noemen", "noemde", "noemt", "naam",
               "zegt", "zei", "vertelt", "vertelde", "vraagt", "vroeg", "lacht", "lachte",
               "antwoordt", "antwoordde", "zucht", "zuchtte", "knikt", "knikte", "roept",
               "riep", "schrijft", "schreef", "appt", "appte", "belt", "belde", "mailde"}
"""Verbs after which a capitalised word is a person ("vertelt Kwame", "noem haar Esi")."""

SPEECH = {"zegt", "zei", "vertelt", "vertelde", "vraagt", "vroeg", "lacht", "lachte",
          "antwoordt", "antwoordde", "zucht", "zuchtte", "knikt", "knikte", "belt", "belde",
          "appt", "appte", "mailt", "mailde", "durft", "durfde", "huilt",
          "huilde"}
"""Verbs after which a sentence-initial unknown capitalised word is a person ("Adjoa zegt")."""

NOT_NAMES = {
    "engels", "nederlands", "turks", "arabisch", "marokkaans", "surinaams", "ghanees",
    "pools", "papiaments", "berbers", "tamazight", "twi", "sranantongo", "sranan", "frans",
    "duits", "spaans", "hindi", "sarnami", "koerdisch", "somalisch", "tigrinya", "portugees",
    "wilhelmus", "ramadan", "suikerfeest", "offerfeest", "kerst", "kerstmis", "pasen",
    "pinksteren", "sinterklaas", "keti", "koti", "divali", "diwali", "holi", "god", "allah",
    "koran", "bijbel", "moskee", "kerk", "wmo", "jeugdwet", "participatiewet", "uwv", "svb",
    "cak", "duo", "ind", "cjib", "belastingdienst", "toeslagen", "gemeente", "ziekenhuis",
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december", "nederland", "suriname", "turkije", "marokko",
    "ghana", "curaçao", "curacao", "aruba", "bonaire", "somalië", "eritrea", "polen",
    "whatsapp", "facebook", "instagram", "google", "teams", "zoom", "corona", "covid",
    "ik", "wij", "we", "zij", "ze", "hij", "het", "dat", "die", "dit", "deze", "er", "daar",
    "toen", "nu", "maar", "en", "of", "want", "dus", "ook", "nog", "al", "wel", "niet",
    "daarmee", "daarna", "daarom", "daardoor", "daarbij", "daarin", "daarvoor", "straks",
    "eerst", "later", "inmiddels", "vervolgens", "uiteindelijk", "gelukkig", "helaas", "samen",
    "sindsdien", "soms", "vaak", "nooit", "altijd", "eén", "één", "twee", "drie", "vier",
    "intussen", "ondertussen", "ineens", "opeens", "meteen", "eindelijk", "juist", "zelfs",
}
"""Capitalised words in this domain that are never a person (languages, feasts, agencies)."""


@functools.cache
def extra_first_names() -> frozenset[str]:
    """First names from varied backgrounds (data/first_names.txt), as written."""
    lines = (DATA / "first_names.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


@functools.cache
def ordinary_words() -> frozenset[str]:
    """Lower-case ordinary Dutch words: spaCy's Dutch lemma lookup plus deduce's common and
    stop words. Used to tell "Pas na drie weken" (a word) from "met Roos" (a name), and to
    leave ordinary words out of the post-build scan."""
    words: set[str] = set(NOT_NAMES)
    try:
        import spacy_lookups_data

        path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
        table = json.loads(gzip.decompress(path.read_bytes()))
        words.update(k.lower() for k in table)
        words.update(v.lower() for v in table.values())
        index = json.loads(gzip.decompress(
            (path.parent / "nl_lemma_index.json.gz").read_bytes()))
        for lemmas in index.values():
            words.update(w.lower() for w in lemmas)
        from spacy.lang.nl.stop_words import STOP_WORDS

        words.update(STOP_WORDS)
    except Exception:  # pragma: no cover - the list only sharpens rules, never required
        pass
    try:
        from generator.privacy.engine import import_deduce

        src = Path(import_deduce().__file__).parent / "data" / "lookup" / "src" / "whitelist"
        for name in ("lst_common_word", "lst_stop_word"):
            text = (src / name / "items.txt").read_text(encoding="utf-8")
            words.update(w.strip().lower() for w in text.splitlines() if w.strip())
    except Exception:  # pragma: no cover
        pass
    return frozenset(words)
