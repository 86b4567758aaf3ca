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
    # diminutives, plurals and in-laws: "de broertjes bakker", "De kinderen, Dessislava en
    # Kaloyan", "schoonzus Marleen"
    "broertje", "broertjes", "zusje", "zusjes", "broers", "zussen", "dochters", "zoons",
    "zonen", "kinderen", "kleinkinderen", "kleinzonen", "kleindochters", "neefje", "nichtje",
    "neefjes", "nichtjes", "schoonzus", "schoonzoon", "schoondochter", "schoonmoeder",
    "schoonvader", "schoonbroer", "zwager", "stiefvader", "stiefmoeder", "stiefzoon",
    "stiefdochter", "pleegmoeder", "pleegvader", "pleegzoon", "pleegdochter", "pleegkind",
    "tweeling", "buurjongen", "buurmeisje", "vriendje", "vriendinnetje", "verloofde",
    # professionals addressed by name: "Geachte dokter Kromowidjojo", "zuster Annie"
    "dokter", "zuster", "broeder", "pastoor", "dominee", "imam", "docent", "mentor",
    # their abbreviations, with a full stop: "Zr. Lieveld", "Ds. Blijd", "Dr. Kartosen"
    "zr", "br", "ds", "dr", "drs", "ir", "ing", "mr", "prof", "pastor",
}
"""Words that introduce a person's name directly after them ("mevrouw Owusu", "oma Truus")."""

STRONG_TITLES = {"mevrouw", "meneer", "mijnheer", "mevr", "mw", "dhr", "heer", "juffrouw",
                 "mej", "familie", "fam", "gezin"}
"""Titles that are part of how deduce writes a name; kept visible before "[naam]"."""

PARTICLES = {"van", "de", "der", "den", "ter", "ten", "te", "el", "al", "ben", "bin",
             "da", "dos", "do", "du", "la", "le", "'t", "von", "a", "ait", "ou",
             "bou", "abou", "abu", "vd"}
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




def _data_lines(name: str) -> list[str]:
    """The entries of a list under ``data/``: one per line, ``#`` starts a comment line."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#")]


def _deduce_list(*parts: str) -> list[str]:
    """One of deduce's own lookup lists (``data/lookup/src/...``), as written; empty if
    deduce is not installed (the lists sharpen rules, de-identification itself fails closed
    elsewhere)."""
    try:
        from generator.privacy.engine import import_deduce

        folder = Path(import_deduce().__file__).parent / "data" / "lookup" / "src"
        text = folder.joinpath(*parts, "items.txt").read_text(encoding="utf-8")
    except Exception:  # pragma: no cover - deduce missing
        return []
    return [w.strip() for w in text.splitlines() if w.strip()]


NOT_NAMES: frozenset[str] = frozenset(w.lower() for w in _data_lines("not_names.txt"))
"""Capitalised words in this domain that are never a person (languages, feasts, agencies,
sentence openers such as "Bij" and "Via"): ``data/not_names.txt``."""


@functools.cache
def lower_case_words() -> frozenset[str]:
    """``data/lower_case_words.txt``: in lower case a Dutch word, although a name list has
    it ("maatje", "nam")."""
    return frozenset(_data_lines("lower_case_words.txt"))


@functools.cache
def extra_first_names() -> frozenset[str]:
    """Our own first names from varied backgrounds (``data/first_names.txt``), as written."""
    return frozenset(_data_lines("first_names.txt"))


@functools.cache
def first_names() -> frozenset[str]:
    """Every first name we know, as written (capitalised): deduce's list (14,881 names, mostly
    from the Dutch population register) plus ours."""
    return frozenset(_deduce_list("names", "lst_first_name")) | extra_first_names()


@functools.cache
def surnames() -> frozenset[str]:
    """Every surname we know, as written, without particles: deduce's surnames (plain and
    the part after a particle, "Vries" of "de Vries") plus ``data/surnames.txt``."""
    found = set(_deduce_list("names", "lst_surname"))
    for entry in _deduce_list("names", "lst_interfix_surname"):
        found.add(entry.split()[-1])
    found.update(_data_lines("surnames.txt"))
    return frozenset(found)


@functools.cache
def known_names() -> frozenset[str]:
    """First names and surnames, lower case: for all-caps and lower-case spellings."""
    return frozenset(w.lower() for w in first_names() | surnames())


@functools.cache
def keep_names() -> tuple[str, ...]:
    """Shops, chains, brands and national bodies that are never a person (``data/keep.txt``):
    "Albert Heijn" has a first name in it, "Hema" is a surname in deduce's list."""
    return tuple(_data_lines("keep.txt"))


@functools.cache
def plain_words() -> frozenset[str]:
    """Lower-case ordinary Dutch words that are NOT also a known first name or surname, plus
    words that are never a person. The spaCy lemma table also lists names ("daan", "pieter",
    "jan"), so :func:`ordinary_words` alone would veto real names at the start of a sentence;
    this set can veto safely."""
    names = known_names()
    common = {w.lower() for w in _deduce_list("whitelist", "lst_common_word")}
    return frozenset((ordinary_words() - names) | common | NOT_NAMES)


@functools.cache
def dutch_places() -> frozenset[str]:
    """Dutch towns and municipalities, lower case (deduce's ``lst_residence`` and
    ``lst_municipality``): the city after a postcode is not part of the address."""
    names = (_deduce_list("locations", "lst_placename", "lst_residence")
             + _deduce_list("locations", "lst_placename", "lst_municipality"))
    return frozenset(n.lower() for n in names)


@functools.cache
def finite_verbs() -> frozenset[str]:
    """``data/finite_verbs.txt``: finite forms of strong Dutch verbs ("kwam", "zei")."""
    return frozenset(w.lower() for line in _data_lines("finite_verbs.txt") for w in line.split())


@functools.cache
def lower_abbreviations() -> frozenset[str]:
    """``data/abbreviations.txt``: "o.a.", "d.w.z.", "i.p.v.": lower-case letters with full
    stops that are no initials (written without spaces)."""
    return frozenset(line.replace(" ", "").lower() for line in _data_lines("abbreviations.txt"))


@functools.cache
def not_streets() -> frozenset[str]:
    """``data/not_streets.txt``: words that with a number after them are no address ("Lijn
    9", "groep 7", "kamer 12")."""
    return frozenset(_data_lines("not_streets.txt"))


@functools.cache
def name_labels() -> tuple[str, ...]:
    """Labels of forms and files after which a name follows ("Naam:", "Cliënt:", "Partner:"):
    ``data/name_labels.txt``."""
    return tuple(_data_lines("name_labels.txt"))


@functools.cache
def world_places() -> frozenset[str]:
    """Cities and countries residents come from or travel to (``data/places.txt``): after
    "uit", "naar", "in" they are places, not persons ("gevlucht uit Asmara")."""
    return frozenset(_data_lines("places.txt"))


def is_place(name: str) -> bool:
    """Whether ``name`` (as written) is a town or country: ``data/places.txt`` (case as
    written) or deduce's Dutch towns and municipalities (any case)."""
    return name in world_places() or name.lower() in dutch_places()


def word_frequency(word: str) -> float:
    """How common ``word`` is in Dutch, on the Zipf scale (wordfreq's ``nl`` list: 6 is "de",
    3 is rare, 0 unknown). Names are in that list too, so a high value means "a word or a
    common name", never "not a name". 0.0 when wordfreq is not installed (fail closed: the
    callers then treat the word as rare, which redacts more)."""
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover
        return 0.0
    return zipf_frequency(word, "nl")


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


@functools.cache
def lemma_table() -> dict[str, str]:
    """spaCy's Dutch lemma lookup (form → lemma, lower case): "toon" → "tonen", "vissers" →
    "visser", "lieve" → "lief". A word whose lemma differs from it is an inflected Dutch word;
    a name is its own lemma. Empty without spacy-lookups-data."""
    try:
        import spacy_lookups_data

        path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
        table = json.loads(gzip.decompress(path.read_bytes()))
    except Exception:  # pragma: no cover
        return {}
    return {k.lower(): v.lower() for k, v in table.items()}


@functools.cache
def lemma_index() -> dict[str, frozenset[str]]:
    """spaCy's Dutch lemma index by part of speech ("verb": "gaan", "bellen"; "adj": "zwart";
    "noun": "visser", but also names such as "daan"). Empty without spacy-lookups-data."""
    try:
        import spacy_lookups_data

        path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_index.json.gz"
        index = json.loads(gzip.decompress(path.read_bytes()))
    except Exception:  # pragma: no cover
        return {}
    return {pos: frozenset(words) for pos, words in index.items()}


def verb_lemmas() -> frozenset[str]:
    """The verbs of spaCy's Dutch lemma index ("gaan", "bellen", "hebben")."""
    return lemma_index().get("verb", frozenset())


IRREGULAR_STEMS = {"ben": "zijn", "heb": "hebben", "kan": "kunnen", "mag": "mogen",
                   "zal": "zullen", "wil": "willen", "ga": "gaan", "sta": "staan", "doe": "doen",
                   "zie": "zien", "sla": "slaan"}


def verb_stem(lower: str) -> str | None:
    """The infinitive when ``lower`` is the stem of a Dutch verb (the imperative and the
    "ik" form: "toon" → "tonen", "leen" → "lenen", "dien" → "dienen", "wil" → "willen",
    "leef" → "leven"), by Dutch spelling rules checked against spaCy's verb list."""
    if lower in IRREGULAR_STEMS:
        return IRREGULAR_STEMS[lower]
    if len(lower) < 3:
        return None
    verbs = verb_lemmas()
    base = lower[:-1] + {"f": "v", "s": "z"}.get(lower[-1], lower[-1])
    candidates = [lower + "en", base + "en", lower + lower[-1] + "en"]
    if len(lower) >= 3 and lower[-2] == lower[-3] and lower[-2] in "aeou":
        candidates += [lower[:-2] + lower[-1] + "en", base[:-2] + base[-1] + "en"]
    return next((c for c in candidates if c in verbs), None)


@functools.cache
def common_words() -> frozenset[str]:
    """deduce's list of common Dutch words that are also names ("winter", "hoop", "kok")."""
    return frozenset(w.lower() for w in _deduce_list("whitelist", "lst_common_word"))
