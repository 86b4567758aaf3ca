"""The ways a name is written that a rule for "mevrouw Jansen" does not see.

Each function takes a text and returns :class:`Span` objects of kind ``naam``:

- :func:`initial_spans`: initials and a surname ("A. Bakker", "Th. de Groot", "J.W. van Dijk");
- :func:`hyphenated_spans`: a hyphenated first name or surname ("Jan-Willem", "Owusu-Ansah");
- :func:`capitals_spans`: a name in capitals ("mevrouw BAKKER", "DE VRIES, Anna");
- :func:`lower_case_spans`: a name in lower case after a form of address ("mevrouw de vries")
  or a first name no Dutch word is spelled like ("toen ron binnenkwam");
- :func:`possessive_spans`: a possessive of a first name ("Mohammeds moeder", "Anouks broer");
- :func:`foreign_letter_spans`: a capitalised word with letters Dutch words do not use
  ("Wójcik", "Yıldız", "Łukasz");
- :func:`list_spans`: the other members of a list that holds a name ("Sanne, Ilias en Bram").

Where the rules look words up: the name lists of deduce plus ``data/first_names.txt`` and
``data/surnames.txt`` (:mod:`.words`); Dutch words are spaCy's Dutch lemma table minus the
names in it (:func:`~generator.privacy.words.plain_words`).
"""

from __future__ import annotations

import bisect
import functools
import re

from generator.nlp.compounds import split_compound
from generator.privacy.model import Span
from generator.privacy.rules import TOKEN, Tokens, blank, tokens_of
from generator.privacy.words import (
    INTRODUCERS,
    NOT_NAMES,
    PARTICLES,
    SPEECH,
    TITLES,
    dutch_places,
    finite_verbs,
    first_names,
    is_place,
    known_names,
    lemma_index,
    lemma_table,
    lower_abbreviations,
    lower_case_words,
    name_labels,
    ordinary_words,
    plain_words,
    surnames,
    verb_lemmas,
    verb_stem,
    word_frequency,
    world_places,
)

NAME_WORD = r"[^\W\d_][^\W\d_'’\-]*(?:-[^\W\d_][^\W\d_'’\-]*)*"
PARTICLE_RE = (r"(?:(?:[Vv]an|[Dd]e|[Dd]er|[Dd]en|[Tt]er|[Tt]en|te|[Ee]l|[Aa]l|[Bb]en|bin|da|dos|"
               r"du|la|le|von|op|in|'t)[ \t]+|[Vv]\.[ \t]?[Dd]\.[ \t]?|[Vv]\.[ \t]?|[Vv]d[ \t]+)")
"""Particles between initials and a surname, also abbreviated ("C. v.d. Wetering")."""
UPPER_LATIN = "".join(ch for ch in map(chr, range(0x41, 0x250)) if ch.isupper())
"""Capital letters of the Latin alphabets (A–Z, Ö, Ş, Ł, Ž…): initials come in all of them."""
INITIALS = re.compile(
    r"(?<![\w.])(?P<initials>(?:(?:[" + UPPER_LATIN + r"]|Th|Ch|Chr|Ph)\.[ \t]?){1,4})"
    r"(?P<rest>" + PARTICLE_RE + r"*(?P<surname>" + NAME_WORD + r"))")
TITLE_ABBREVIATIONS = {"mw", "dhr", "mevr", "mej", "fam", "dr", "drs", "mr", "ir", "ing", "prof",
                       "st", "nr", "ca", "bijv", "evt", "zgn", "jl", "mln", "tel", "vs"}
DUTCH_LETTERS = set("abcdefghijklmnopqrstuvwxyzéèëêïíöóüúäáàâôûç")
PARTICLE_PREFIX = re.compile(r"^(?:al|el|ben|bin|abu|abou|ait|ibn)-[^\W\d_]", re.I)
LOWER_CASE_CUES = {"mevrouw", "meneer", "mijnheer", "mevr", "mw", "dhr", "mej", "juffrouw",
                   "fam", "familie"}
"""Forms of address after which a lower-case word can be a surname ("meneer yilmaz")."""
SIGN_OFFS = {"groetjes", "groeten", "groet", "liefs", "mvg", "gr", "vriendelijke", "hartelijke"}
"""Words before a signature ("groetjes marian"): a cue for a lower-case first name."""
PLACE_PREPOSITIONS = {"uit", "naar", "in", "te", "via", "vanuit", "rond", "bij"}
COMPASS_PARTS = {"noord", "zuid", "oost", "west", "noordoost", "noordwest", "zuidoost",
                 "zuidwest", "centrum", "midden", "binnenstad", "dorp", "stad"}
"""Last parts of a hyphenated place name: a quarter of a town, never of a person's name."""
LIST_JOINS = re.compile(r"[ \t]*(?:,|\ben\b|\bof\b|&)[ \t]*(?:\ben\b[ \t]*)?")


def _is_name_word(word: str) -> bool:
    """A word that reads as a name: in a name list (in any case), or unlike any Dutch word."""
    lower = word.lower()
    return (lower in known_names()
            or (lower not in plain_words() and lower not in ordinary_words()))


def initial_spans(text: str) -> list[Span]:
    """Initials before a surname: "A. Bakker", "Th. Bakker", "J.W. van Dijk", "K.A. Mensah".

    The surname must read as a name (a known surname, or no Dutch word): "mevrouw B. Daarna
    belde ze" is an anonymised resident followed by a new sentence, not "B. Daarna"."""
    spans: list[Span] = []
    for match in INITIALS.finditer(text):
        surname = match.group("surname")
        parts = surname.split("-")
        end = match.end()
        if len(parts) > 1 and parts[-1] in PARTICLES:  # "J.P. Balkenende-de Wit"
            rest = re.match(r"(?:[ \t]+(?:" + PARTICLE_RE + r")*)?[ \t]*(" + NAME_WORD + ")",
                            text[end:])
            if rest is None or not rest.group(1)[:1].isupper():
                continue
            parts, end = [*parts[:-1], rest.group(1)], end + rest.end()
        if not all(p[:1].isupper() for p in parts):
            continue
        if surname.lower() in NOT_NAMES or not any(_is_name_word(p) for p in parts):
            continue
        spans.append(Span(match.start(), end, "naam"))
    return spans


def hyphenated_spans(tokens: Tokens) -> list[Span]:
    """A hyphenated token whose parts are all capitalised and one of them a known name
    ("Jan-Willem", "Owusu-Ansah"); "Wmo-consulent" and "Noord-Holland" are not."""
    firsts, lasts = first_names(), surnames()
    spans = []
    for start, end, word in tokens.items:
        if "-" not in word:
            continue
        parts = [p for p in word.split("-") if p]
        if len(parts) < 2 or not all(p[:1].isupper() and not p.isupper() for p in parts):
            continue
        if word.lower() in NOT_NAMES or any(p.lower() in NOT_NAMES for p in parts):
            continue
        if parts[-1].lower() in COMPASS_PARTS:
            continue  # "Woensel-Noord", "Amsterdam-Zuidoost": a part of a town
        named = [p for p in parts if (p in firsts or p in lasts)
                 and p.lower() not in plain_words()]
        if named:
            spans.append(Span(start, end, "naam"))
    return spans


def capitals_spans(tokens: Tokens, acronyms: set[str]) -> list[Span]:
    """A known name written in capitals ("mevrouw BAKKER", "DE VRIES, Anna"), with capital
    particles before it; acronyms of organisations (``acronyms``: GGD, UWV, …) stay."""
    names = known_names()
    spans = []
    items = tokens.items
    for i, (_start, end, word) in enumerate(items):
        if len(word) < 3 or not word.isupper() or word in acronyms:
            continue
        parts = [p for p in word.split("-") if p]
        after_particle = i > 0 and items[i - 1][2].isupper() and (
            items[i - 1][2].lower() in PARTICLES | {"t"}) and (
            blank(tokens.gap(i)) or tokens.gap(i).strip() in ("'", "’"))
        if after_particle and items[i - 1][2].lower() in FOREIGN_PARTICLES:
            known = True  # "DOS REIS", "EL AMRANI"
        else:
            known = any(p.lower() in names and (p.lower() not in plain_words() or after_particle)
                        for p in parts)  # "DE BOER", "VAN DEN BERG": a particle says surname
        unknown = (len(word) >= 5 and word.lower() not in ordinary_words()
                   and word.lower() not in plain_words() and word_frequency(word) < 2.5)
        if not (known or unknown):
            continue
        k = i
        while k > 0 and items[k - 1][2].lower() in PARTICLES | {"t"} and \
                items[k - 1][2].isupper() and (blank(tokens.gap(k))
                                               or tokens.gap(k).strip() in ("'", "’")):
            k -= 1  # "VAN 'T ZAND"
        addressed = k > 0 and items[k - 1][2].lower() in TITLES  # "Fam. DE BOER"
        if not addressed and _capital_place(tokens, k, i):
            continue  # "WOONPLAATS: DEN HAAG", "'S-GRAVENHAGE"
        spans.append(Span(items[k][0], end, "naam"))
        j = i + 1  # "MENSAH, Gift": in a register the first names follow the surname
        if j < len(items) and tokens.gap(j).strip() == "," and "\n" not in tokens.gap(j):
            last = j
            while last < len(items) and (last == j or blank(tokens.gap(last))) and \
                    items[last][2][:1].isupper() and not items[last][2].isupper() and \
                    items[last][2].lower() not in NOT_NAMES:
                last += 1
            if last > j:
                spans.append(Span(items[j][0], items[last - 1][1], "naam"))
    return spans


def _capital_place(tokens: Tokens, first: int, last: int) -> bool:
    """Whether the capitals from token ``first`` to ``last`` (and the "'S-" or "DEN" before
    them) spell a Dutch town or a known place."""
    items = tokens.items
    places = {p.lower() for p in world_places()} | dutch_places()
    for k in (first, max(0, first - 1)):
        words = " ".join(w for _s, _e, w in items[k:last + 1]).lower()
        start = items[k][0]
        if start >= 1 and tokens.text[start - 1] in "'’":
            words = "'" + words  # "'S-GRAVENHAGE": the token starts after the apostrophe
        if words in places:
            return True
    return False


LOWER_FOREIGN_PARTICLES = {"el", "ait", "ibn", "abou", "abu", "dos", "bou"}
"""Particles no Dutch sentence uses in lower case ("al" and "ben" are Dutch words)."""


def lower_case_spans(tokens: Tokens) -> list[Span]:
    """Names in lower case: after a form of address ("mevrouw de vries", "meneer yilmaz"),
    and a first name near a cue ("hoe heet ie, ah ja, dylan", "haar dochter, kim, zei",
    "dylan zegt"). Without a cue a lower-case word is a word: "toen ron binnenkwam" stays
    (a first-name list holds "Nam", "Storm" and "Maatje")."""
    items = tokens.items
    names, plain, ordinary, firsts = known_names(), plain_words(), ordinary_words(), first_names()
    spans = []
    for i, (start, _end, word) in enumerate(items):
        if not word.islower():
            continue
        if i > 0 and items[i - 1][2].lower() in LOWER_CASE_CUES and (re.fullmatch(
                r"\.?[ \t]+", tokens.gap(i)) or (_apostrophe_t(tokens, i) and re.fullmatch(
                r"\.?[ \t]+['’]", tokens.gap(i)))):
            k = i
            if _apostrophe_t(tokens, i):
                start -= 1  # the apostrophe of "'t" is part of the name
            while k < len(items) - 1 and (items[k][2] in PARTICLES or _in_t(tokens, k)
                                          or _apostrophe_t(tokens, k) or _op_de(tokens, k)) and \
                    (blank(tokens.gap(k + 1)) or tokens.gap(k + 1) in (" '", " ’")):
                k += 1
            last = items[k][2]
            if last in PARTICLES or last in NOT_NAMES:
                continue
            if k > i:  # "de vries", "van dijk": a particle makes a known surname a name
                parts = [p for p in last.split("-") if p] or [last]
                named = last in names or parts[0] in names or (
                    last not in ordinary and word_frequency(last) < 3.5)
            elif "-" in last:  # "mevrouw jansen-kok": a double surname
                parts = [p for p in last.split("-") if p]
                named = bool(parts) and parts[0] in names and parts[0] not in plain
            else:  # "meneer yilmaz", "mevrouw bakker" yes, "mevrouw lacht" no
                named = (last not in plain and (
                    (last in names and (last not in ordinary or word_frequency(last) < 3.0))
                    or (last not in ordinary and word_frequency(last) < 2.5))
                ) or _surname_not_verb(last)  # "mw kok", "dhr vos": a surname, a noun
            if named:
                tail = last.rsplit("-", 1)[-1]
                while tail in PARTICLES and k + 1 < len(items) and blank(tokens.gap(k + 1)):
                    k += 1  # "bakker-de jong", "jansen-van der berg": the part after a particle
                    tail = items[k][2]
                if k + 1 < len(items) and blank(tokens.gap(k + 1)) and \
                        _lower_surname(items[k + 1][2]):
                    k += 1  # "mw. baukje haagsma": first name and surname
                spans.append(Span(start, items[k][1], "naam"))
            continue
        if word in LOWER_FOREIGN_PARTICLES and i + 1 < len(items) and blank(
                tokens.gap(i + 1)):
            nxt = items[i + 1][2]
            if nxt.islower() and len(nxt) >= 3 and nxt not in ordinary and nxt not in plain:
                spans.append(Span(start, items[i + 1][1], "naam"))  # "el amrani"
                continue
        if len(word) >= 4 and (_umlaut(word) or not set(word) <= DUTCH_LETTERS | {"-"}) \
                and word not in ordinary and word not in NOT_NAMES:
            # "arbër krasniqi", "broer dritëro": letters no Dutch word has, with a surname or
            # a cue ("börek, roti" is food)
            surname = (i + 1 < len(items) and blank(tokens.gap(i + 1))
                       and items[i + 1][2].islower() and len(items[i + 1][2]) >= 3
                       and items[i + 1][2] not in ordinary and items[i + 1][2] not in plain)
            if surname or _near_cue(tokens, i):
                spans.append(Span(start, items[i + 1 if surname else i][1], "naam"))
                continue
        if i > 0 and items[i - 1][2].lower() in TITLES and blank(tokens.gap(i)) and \
                _surname_not_verb(word) and (word not in plain or word_frequency(word) < 4.5) \
                and verb_stem(word) is None:  # not "oma praat"
            spans.append(Span(start, _end, "naam"))  # "de broertjes bakker"
            continue
        full = _lower_full_name(tokens, i)
        if full is not None:
            spans.append(Span(start, items[full][1], "naam"))
            continue
        if _unmistakable_lower_first_name(word) or (
                len(word) >= 3 and "-" not in word and word.capitalize() in firsts
                and word not in plain and word not in PARTICLES and word not in TITLES
                and (word not in ordinary or word_frequency(word) < 4.6)
                and lemma_table().get(word, word) == word  # "normen" is "norm", a word
                and _near_cue(tokens, i)):
            last = i  # a lower-case surname right after it belongs to it ("baukje haagsma")
            if i + 1 < len(items) and blank(tokens.gap(i + 1)) and \
                    _lower_surname(items[i + 1][2]):
                last = i + 1
            spans.append(Span(start, items[last][1], "naam"))
        elif (i > 0 and items[i - 1][2].lower() in SIGN_OFFS and len(word) >= 3
              and word not in ordinary and word not in NOT_NAMES):
            last = i  # "mvg, dewanand ramlal": the words of a signature
            while last + 1 < len(items) and blank(tokens.gap(last + 1)) and \
                    items[last + 1][2].islower() and items[last + 1][2] not in ordinary:
                last += 1
            spans.append(Span(start, items[last][1], "naam"))
    return spans


def _in_t(tokens: Tokens, k: int) -> bool:
    """"in 't" of "mw. in 't veld": "in" before "'t", and that "t"."""
    items = tokens.items
    if items[k][2] == "in":
        return k + 1 < len(items) and items[k + 1][2] == "t" and \
            tokens.gap(k + 1) in (" '", " ’")
    return items[k][2] == "t" and k > 0 and items[k - 1][2] == "in" and \
        tokens.gap(k) in (" '", " ’")


def _apostrophe_t(tokens: Tokens, k: int) -> bool:
    """The "t" of "'t" ("meneer 't hart", "mevrouw van 't hof"): a particle, not a word."""
    return tokens.items[k][2] == "t" and tokens.gap(k).endswith(("'", "’"))


def _op_de(tokens: Tokens, k: int) -> bool:
    """"op" of "mw. op de weegh": a particle before "de", "den" or "ten"."""
    items = tokens.items
    return items[k][2] == "op" and k + 1 < len(items) and \
        items[k + 1][2] in ("de", "den", "ten") and blank(tokens.gap(k + 1))


def _surname_not_verb(lower: str) -> bool:
    """"bakker" after "mevrouw": a known surname that is a noun here; "mevrouw lacht",
    "meneer had", "mevrouw zelf" are a verb or a little word (no surname, or a verb form)."""
    if lower.capitalize() not in surnames() or len(lower) < 3:
        return False
    lemma = lemma_table().get(lower, lower)
    return (lemma not in verb_lemmas() and lemma in lemma_index().get("noun", frozenset())
            and word_frequency(lower) < 5.0)  # "bos" (4.9) yes; "wilde" (5.3), "extra" no


LOWER_INITIAL = re.compile(
    r"(?<![\w.])(?P<initial>(?:[a-z]\.[ \t]?){1,4})[ \t]?"
    r"(?P<particles>(?:(?:van|de|der|den|ter|ten|el|v\.d\.|vd)[ \t]+)*)"
    r"(?P<surname>[a-z][a-z\-]{2,})\b")


def lower_initial_spans(text: str) -> list[Span]:
    """"r. schaap", "a.j. bakker": lower-case initials and a known surname. Abbreviations
    ("o.a.", "d.w.z.", "i.p.v.": ``data/abbreviations.txt``) are no initials, and a surname has
    three letters or more."""
    spans = []
    abbreviations = lower_abbreviations()
    for match in LOWER_INITIAL.finditer(text):
        initials = re.sub(r"\s", "", match.group("initial"))
        if initials in abbreviations:
            continue
        surname = match.group("surname")
        if surname.capitalize() in surnames() and (
                match.group("particles")  # "j. de jong": initial and particle say name
                or surname not in plain_words() or _surname_not_verb(surname)):
            spans.append(Span(match.start(), match.end(), "naam"))
    return spans


def _unmistakable_lower_first_name(word: str) -> bool:
    """A lower-case word that is a known first name and no Dutch word ("sytske", "kofi",
    "wojciech", "anne-fleur": every part a first name): a name without any cue. Words that
    name lists hold but that are Dutch in lower case ("maatje", "nam") are in
    ``data/lower_case_words.txt``."""
    firsts, ordinary = first_names(), ordinary_words()
    if len(word) < 3 or ("-" not in word and (word in ordinary or word.capitalize()
                                              not in firsts)):
        return False  # most lower-case words end here: a Dutch word, or no first name
    if word in PARTICLES or word in TITLES or word in NOT_NAMES or word in lower_case_words():
        return False
    parts = [p for p in word.split("-") if p]
    if not parts or not all(len(p) >= 2 and p.capitalize() in firsts for p in parts):
        return False
    if len(parts) > 1 and any(p not in plain_words() for p in parts):
        return True  # "dirk-jan", "anne-fleur": two first names joined are one name
    return any(p not in ordinary for p in parts) and (len(parts) > 1 or parts[0] not in ordinary)


def _lower_surname(word: str) -> bool:
    return (word.islower() and len(word) >= 3 and word.capitalize() in surnames()
            and word not in ordinary_words() and word not in PARTICLES)


def _lower_full_name(tokens: Tokens, i: int) -> int | None:
    """"ron de wit", "fatima el amrani": a lower-case first name, particles and a known
    surname form a name; returns the index of its last token."""
    items = tokens.items
    if (items[i][2].capitalize() not in first_names() or items[i][2] in PARTICLES
            or items[i][2] in plain_words()):
        return None  # "door de wijk", "dan de school": a Dutch word, not "ron de wit"
    k = i + 1
    while k < len(items) and items[k][2] in PARTICLES and blank(tokens.gap(k)):
        k += 1
    if k == i + 1 or k >= len(items) or not blank(tokens.gap(k)):
        return None
    last = items[k][2]
    return k if last.islower() and last.capitalize() in surnames() else None


def _near_cue(tokens: Tokens, i: int) -> bool:
    """A word that introduces a person within the four words before ``i`` ("heet",
    "dochter", "mevrouw"), or a speech verb right after it ("dylan zegt")."""
    items = tokens.items
    before = {w.lower() for _s, _e, w in items[max(0, i - 4):i]}
    if before & (INTRODUCERS | TITLES | SIGN_OFFS):
        return True
    return i + 1 < len(items) and items[i + 1][2].lower() in SPEECH


def possessive_spans(tokens: Tokens) -> list[Span]:
    """The possessive of a first name written as one word ("Mohammeds", "Anouks")."""
    firsts = first_names()
    spans = []
    text = tokens.text
    for start, end, word in tokens.items:
        if (len(word) >= 4 and word.endswith("s") and word[:1].isupper()
                and word[:-1] in firsts and word.lower() not in NOT_NAMES
                and word[:-1].lower() not in plain_words()):
            spans.append(Span(start, end, "naam"))
        elif (word.islower() and len(word) >= 3 and text[end:end + 2] in ("'s", "’s")
              and word.capitalize() in firsts and word not in plain_words()
              and word not in TITLES and word not in NOT_NAMES):
            spans.append(Span(start, end, "naam"))  # "daphne's brommer" (not "auto's")
    return spans


def foreign_letter_spans(tokens: Tokens) -> list[Span]:
    """A capitalised word with a letter no Dutch word uses (ş, ı, ğ, ł, ń, ż, ą, ř, ...):
    in a Dutch story that is a name ("Wójcik", "Yıldız"), unless it is a Dutch word."""
    spans = []
    for start, end, word in tokens.items:
        if not word[:1].isupper() or word.isupper():
            continue
        if {c for c in word.lower() if c.isalpha()} <= DUTCH_LETTERS and \
                not _umlaut(word.lower()):
            continue
        if any(part[:1].islower() for part in word.split("-")[1:]):
            continue  # "Tết-feest": a compound with a Dutch word
        if word.lower() in ordinary_words() or word.lower() in NOT_NAMES or \
                is_place(word):
            continue
        spans.append(Span(start, end, "naam"))
    return spans


def unknown_opener_spans(tokens: Tokens) -> list[Span]:
    """A word no Dutch list knows, at the start of a sentence, with an apposition that holds
    a family word: "Shurelly, zijn zus, komt". Not a Dutch compound, a place or a frequent
    word. (A verb after it is no evidence: "Carnisse telt", "Respijtzorg geeft" are a buurt
    and a word; measured on the dev sets, that variant cost more than it found.)"""
    items = tokens.items
    lemmas = lemma_table()
    spans = []
    for i, (start, end, word) in enumerate(items):
        if i + 1 >= len(items) or not tokens.sentence_initial(i):
            continue
        lower = word.lower()
        if (len(word) < 3 or not word[:1].isupper() or not word[1:].islower()
                or lower in plain_words() or lower in ordinary_words() or lower in NOT_NAMES
                or lower in lemmas or word_frequency(word) >= 3.0
                or is_place(word) or split_compound(lower)):
            continue
        rest = []  # the apposition: up to four words, to the next comma
        for k in range(i + 1, min(i + 5, len(items))):
            if k > i + 1 and tokens.gap(k).strip():
                break
            rest.append(items[k][2].lower())
        nxt = items[i + 1][2]
        if tokens.gap(i + 1).strip() == "," and any(w in TITLES for w in rest) and \
                word_frequency(word) < 2.0:
            spans.append(Span(start, end, "naam"))
        elif blank(tokens.gap(i + 1)) and not _dutch_compound(lower) and (
                (_finite_verb(rest[0]) and rest[0] not in PLACE_VERBS) or rest[0] in TITLES
                or (nxt[:1].isupper() and nxt[1:].islower() and word_frequency(word) < 1.0
                    and nxt.lower() not in plain_words() and not is_place(nxt))):
            # "Tesfamariam kwam gisteren", "Tesfamariams zoon", "Faadumo Cali Xasan": a verb,
            # a family word, or a second unknown capitalised word
            spans.append(Span(start, end, "naam"))
    return spans


PLACE_VERBS = {"is", "was", "ligt", "lag", "heeft", "had", "telt", "telde", "krijgt", "kreeg",
               "werd", "wordt", "grenst", "kent", "biedt", "blijft", "bleef", "staat", "stond",
               "hoort", "valt", "viel", "bestaat", "omvat", "vormt", "begint", "eindigt"}
"""Verbs that say as much of a neighbourhood, a dish or a feast as of a person ("Beijum
ligt", "Transvaal heeft", "Harira is"): no evidence of a name after an unknown opener."""


def _finite_verb(lower: str) -> bool:
    """A finite verb form: "kwam", "had" (``data/finite_verbs.txt``), "belde", "wachtte",
    "woont" (a verb's stem with -de/-te/-den/-ten/-t, checked against spaCy's verb list), or
    an inflected form spaCy's lookup knows ("geeft" → "geven"). The infinitive does not count.
    """
    if lower in finite_verbs():
        return True
    for ending in ("den", "ten", "de", "te", "t"):
        if lower.endswith(ending) and len(lower) > len(ending) + 1 and \
                verb_stem(lower[: -len(ending)]) is not None:
            return True
    lemma = lemma_table().get(lower)
    return lemma is not None and lemma != lower and lemma in verb_lemmas()


def _dutch_compound(lower: str) -> bool:
    """Two Dutch words joined, each of three letters or more, with or without a linking s
    or e: "respijtzorg", "vroegsignalering". Looser than :func:`split_compound` (made for the
    NLP, which wants frequent parts), because here a miss turns a word into [naam]."""
    plain = plain_words()
    for i in range(3, len(lower) - 2):
        left, right = lower[:i], lower[i:]
        if right in plain and (left in plain or (left[-1:] in ("s", "e")
                                                  and left[:-1] in plain)):
            return True
    return False


def _umlaut(lower: str) -> bool:
    """"gülizar", "öztürk", "arbër": ü, ö, ä, ë or ï at the start of a word or after a consonant.
    A Dutch trema only ever follows a vowel ("reünie", "coördinator", "naïef")."""
    return any(c in "üöäëï" and (i == 0 or lower[i - 1] not in "aeiouy")
               for i, c in enumerate(lower))


FOREIGN_PARTICLES = {"dos", "das", "da", "do", "el", "al", "ben", "bin", "ibn", "abu", "abou",
                     "ait", "ou"}
"""Particles of Portuguese, Cape Verdean, Arabic and Berber names: no Dutch phrase has one
between two capitalised words, so "Ivone dos Reis" is a name although "Reis" is a word."""


def foreign_particle_spans(tokens: Tokens) -> list[Span]:
    """A capitalised word, a foreign particle and a capitalised word: "Ivone dos Reis",
    "Hamid al Zubaidi", "Nadia ben Ali"."""
    items = tokens.items
    spans = []
    for i in range(len(items) - 2):
        first, particle, last = items[i][2], items[i + 1][2], items[i + 2][2]
        if (particle in FOREIGN_PARTICLES and first[:1].isupper() and last[:1].isupper()
                and blank(tokens.gap(i + 1)) and blank(tokens.gap(i + 2))
                and first.lower() not in NOT_NAMES and first.lower() not in plain_words()):
            spans.append(Span(items[i][0], items[i + 2][1], "naam"))
    return spans


def list_spans(text: str, tokens: Tokens, names: list[Span]) -> list[Span]:
    """The other capitalised members of a list that holds a name: in "Sanne, Ilias en Bram"
    one known name makes the list a list of names."""
    if not names:
        return []
    items = tokens.items
    starts = [s for s, _e, _w in items]
    covered: set[int] = set()
    for name in names:  # the tokens inside each name, found by bisection
        i = bisect.bisect_left(starts, name.start)
        while i < len(items) and items[i][1] <= name.end:
            covered.add(i)
            i += 1
    spans = []
    for i in sorted(covered):
        for step in (-1, 1):
            j = i
            while 0 <= j + step < len(items):
                k = j + step
                if items[k][2] in ("en", "of") and 0 <= k + step < len(items):
                    k += step  # "Adaeze en Chioma": the joining word is a token too
                a, b = (j, k) if step > 0 else (k, j)
                gap = text[items[a][1]:items[b][0]]
                if not LIST_JOINS.fullmatch(gap) or not gap.strip():
                    break
                j = k
                word = items[j][2]
                if j in covered:
                    continue
                if (not word[:1].isupper() or word.isupper() or word.lower() in NOT_NAMES
                        or word.lower() in plain_words()
                        or (word not in first_names() and is_place(word))
                        or (tokens.sentence_initial(j) and word.lower() in ordinary_words()
                            and word not in first_names())):
                    break
                spans.append(Span(items[j][0], items[j][1], "naam"))
    return spans


def extra_name_spans(text: str, found: list[Span], acronyms: set[str]) -> list[Span]:
    """Every rule of this module on one text; ``found`` are the spans other rules found
    (a list is a list of names when one of its members is one). Place vetoes ("plaats")
    come back too, for :func:`~generator.privacy.resolve.without_places`."""
    tokens = tokens_of(text)
    spans = (initial_spans(text) + lower_initial_spans(text) + hyphenated_spans(tokens)
             + capitals_spans(tokens, acronyms)
             + lower_case_spans(tokens) + possessive_spans(tokens)
             + foreign_letter_spans(tokens) + foreign_particle_spans(tokens)
             + unknown_opener_spans(tokens) + particle_opener_spans(tokens)
             + first_name_spans(tokens)
             + labelled_spans(text) + pair_spans(tokens))
    spans += (signature_spans(tokens) + apposition_spans(tokens) + titled_particle_spans(tokens)
              + lower_unknown_spans(tokens) + unknown_word_spans(tokens))
    names = [s for s in (*found, *spans) if s.kind == "naam"]
    wider = widen_names(tokens, names)
    wider += nickname_spans(tokens, names + wider)
    return spans + wider + list_spans(text, tokens, names + wider) + place_spans(tokens)


OPENING_PARTICLES = {"Van", "De", "Den", "Ter", "Ten", "Te", "El", "Al"}


def particle_opener_spans(tokens: Tokens) -> list[Span]:
    """A surname with a capital particle at the start of a sentence: "Van Dijk kwam", "De
    Boer had geen tijd", "Van der Linden vertelde". A Dutch noun after an article is written
    in lower case, so "De Boer" with a capital B is a name when "Boer" is a known surname; a
    place ("De Pijp", "Den Haag") is not."""
    items = tokens.items
    spans = []
    for i, (start, _end, word) in enumerate(items):
        if word not in OPENING_PARTICLES or not tokens.sentence_initial(i):
            continue
        k = i + 1
        while k < len(items) and items[k][2] in PARTICLES and blank(tokens.gap(k)):
            k += 1  # "Van der", "Van de"
        if k >= len(items) or not blank(tokens.gap(k)):
            continue
        surname = items[k][2]
        if not (surname[:1].isupper() and surname[1:].islower()) or surname not in surnames():
            continue
        phrase = " ".join(w for _s, _e, w in items[i:k + 1])
        if (word != "Van" and is_place(phrase)) or surname.lower() in NOT_NAMES:
            continue  # "Den Haag", "Ter Apel", "De Pijp"; "Dijk" and "Boer" are hamlets too
        if k + 1 < len(items) and blank(tokens.gap(k + 1)) and items[k + 1][2][:1].isupper():
            continue  # "De Nieuwe Kerk", "De Johan Cruijff Arena": a name of a thing
        spans.append(Span(start, items[k][1], "naam"))
    return spans


def first_name_spans(tokens: Tokens) -> list[Span]:
    """A known first name that is no common word, with the capitalised words that follow it
    ("Wilhelmina Tjoe-Awie", "Daan" at the start of a sentence): deduce does this with its
    own list, this rule with ours and deduce's together."""
    firsts, plain = first_names(), plain_words()
    items = tokens.items
    spans = []
    for i, (start, _end, word) in enumerate(items):
        if word not in firsts or word.lower() in plain or word.lower() in NOT_NAMES:
            continue
        last = i
        while last + 1 < len(items) and blank(tokens.gap(last + 1)):
            nxt = items[last + 1][2]
            if PARTICLE_PREFIX.match(nxt):  # "al-Khatib", "el-Amrani"
                last += 1
                continue
            if nxt.lower() in PARTICLES:  # "al Zubaidi", "van Dijk": only before a name
                after = last + 2
                while after < len(items) and items[after][2].lower() in PARTICLES:
                    after += 1
                if (after < len(items) and items[after][2][:1].isupper()
                        and items[after][2].lower() not in plain
                        and items[after][2].lower() not in NOT_NAMES
                        and all(blank(tokens.gap(g))
                                for g in range(last + 1, after + 1))):
                    last = after
                    continue
                break
            if not nxt[:1].isupper() or nxt.lower() in plain or nxt.lower() in NOT_NAMES:
                break
            last += 1
        spans.append(Span(start, items[last][1], "naam"))
    return spans


def widen_names(tokens: Tokens, names: list[Span]) -> list[Span]:
    """A capitalised unknown word right before a name is part of it ("Mevlüde" before
    "Kılıç"): in "Over Mevlüde" later, the first name is then known too."""
    plain, ordinary = plain_words(), ordinary_words()
    items = tokens.items
    starts = {s.start for s in names if s.kind == "naam"}
    spans = []
    for i in range(1, len(items)):
        if items[i][0] not in starts or not blank(tokens.gap(i)):
            continue
        word = items[i - 1][2]
        if not word[:1].isupper() or word.isupper() or word.lower() in NOT_NAMES:
            continue
        unknown = word.lower() not in plain and word.lower() not in ordinary
        # "zaten Wiel Lardinois": a first name that is also a word, capitalised mid-sentence
        first_mid = word in first_names() and not tokens.sentence_initial(i - 1)
        if unknown or first_mid:
            spans.append(Span(items[i - 1][0], items[i - 1][1], "naam"))
    return spans


def nickname_spans(tokens: Tokens, names: list[Span]) -> list[Span]:
    """A capitalised word in brackets right after a name is its nickname: "Małgorzata
    Zielińska (Gosia)", "Johannes (Hans) de Wit"."""
    ends = {s.end for s in names if s.kind == "naam"}
    items = tokens.items
    spans = []
    for i in range(1, len(items)):
        word = items[i][2]
        if (items[i - 1][1] in ends and re.fullmatch(r"[ \t]*\(", tokens.gap(i))
                and i + 1 <= len(items) and tokens.text[items[i][1]:items[i][1] + 1] == ")"
                and word[:1].isupper() and not word.isupper()
                and word.lower() not in NOT_NAMES and word.lower() not in plain_words()):
            spans.append(Span(items[i][0], items[i][1], "naam"))
    return spans


def titled_particle_spans(tokens: Tokens) -> list[Span]:
    """A form of address, particles and a capitalised word: "heer ter Haar", "mevrouw van
    Dam". After "mevrouw" and a particle the word is a surname, even a pronoun or a place."""
    items = tokens.items
    spans = []
    for i in range(1, len(items) - 1):
        if items[i - 1][2].lower() not in LOWER_CASE_CUES | {"heer"} or \
                items[i][2] not in PARTICLES:
            continue
        k = i
        while k < len(items) and items[k][2] in PARTICLES and blank(tokens.gap(k)):
            k += 1
        if k < len(items) and blank(tokens.gap(k)) and items[k][2][:1].isupper():
            spans.append(Span(items[i][0], items[k][1], "naam"))
    return spans


DEMONYM_ENDINGS = ("ezen", "enaren", "naren")
"""Plurals of the people of a place ("Jordanezen", "Leidenaren", "Tilburgenaren"): a group,
never one person's name."""


def unknown_word_spans(tokens: Tokens) -> list[Span]:
    """A capitalised word in the middle of a sentence that no Dutch list and no frequency
    list knows, that is no compound of Dutch words and no place: a name ("Ik heb Xhemile
    gebeld", "Volgens Mebrahtu"). Organisations are compounds ("Werkplein") or in the keep
    lists; acronyms are in capitals."""
    items = tokens.items
    spans = []
    for i, (start, end, word) in enumerate(items):
        if i == 0 or tokens.sentence_initial(i) or not word[:1].isupper() or \
                not word[1:].islower() or len(word) < 4 or not word.isalpha():
            continue
        lower = word.lower()
        if (lower in plain_words() or lower in ordinary_words() or lower in NOT_NAMES
                or lower in lemma_table() or word_frequency(word) >= 1.0
                or is_place(word) or lower.endswith(DEMONYM_ENDINGS)
                or split_compound(lower)):
            continue
        spans.append(Span(start, end, "naam"))
    return spans


def lower_unknown_spans(tokens: Tokens) -> list[Span]:
    """Lower-case words that no Dutch list knows, as a name: two in a row ("wie heeft
    lumturije berisha gezien"), or one right after a family word ("zijn zus blerta")."""
    items = tokens.items
    spans = []

    def unknown(i: int) -> bool:
        word = items[i][2]
        return (word.islower() and len(word) >= 4 and word.isalpha()
                and word not in ordinary_words() and word not in plain_words()
                and word not in NOT_NAMES and word not in lemma_table()
                and word_frequency(word) < 2.0 and not split_compound(word))

    i = 0
    while i < len(items):
        if unknown(i):
            if i + 1 < len(items) and blank(tokens.gap(i + 1)) and unknown(i + 1):
                spans.append(Span(items[i][0], items[i + 1][1], "naam"))
                i += 2
                continue
            if i > 0 and items[i - 1][2].lower() in TITLES and blank(tokens.gap(i)):
                spans.append(Span(items[i][0], items[i][1], "naam"))
            elif i > 0 and items[i - 1][2].lower() in PERSON_PREPOSITIONS and \
                    blank(tokens.gap(i)) and word_frequency(items[i][2]) < 1.0 and \
                    not _dutch_compound(items[i][2]) and not _dutch_head(items[i][2]):
                spans.append(Span(items[i][0], items[i][1], "naam"))  # "met ramautar"
        i += 1
    return spans


def _dutch_head(lower: str) -> bool:
    """Ends in a Dutch word of five letters or more after three or more other letters: a
    compound with a foreign first part ("jollofrijst", "injeraplaat"), not a name."""
    plain = plain_words()
    return any(lower[i:] in plain for i in range(3, len(lower) - 4))


PERSON_PREPOSITIONS = {"met", "bij", "voor", "naast", "tegen", "namens"}
"""Words after which a lower-case word no list or frequency table knows is a person ("belde
met ramautar", "langs bij kowalczyk"): "met" a person far more often than a thing no
dictionary has."""


def apposition_spans(tokens: Tokens) -> list[Span]:
    """The capitalised words between commas after a family word: "Haar moeder, Faadumo
    Cali, spreekt", "met zijn vrouw, Tukiyem." (one to three words, then a comma, full stop
    or the end)."""
    items = tokens.items
    spans = []
    for i in range(1, len(items)):
        if items[i - 1][2].lower() not in TITLES or tokens.gap(i).strip() != ",":
            continue
        last = i
        while last < len(items) and last - i < 3 and (last == i or blank(tokens.gap(last))) \
                and (items[last][2][:1].isupper() or (last > i and items[last][2] in PARTICLES)):
            last += 1
        words = [w for _s, _e, w in items[i:last]]
        end_gap = tokens.text[items[last - 1][1]:items[last][0]] if last < len(items) else ""
        if (not words or words[-1] in PARTICLES or last - i > 3
                or end_gap.strip()[:1] not in (",", ".", "")
                or any(w.lower() in NOT_NAMES or w.isupper() for w in words)
                or all(w.lower() in plain_words() for w in words)):
            continue
        spans.append(Span(items[i][0], items[last - 1][1], "naam"))
    return spans


def signature_spans(tokens: Tokens) -> list[Span]:
    """The capitalised words after a closing greeting: "groet Lindita", "Liefs, Sanne",
    "mvg Jeroen Smit"."""
    items = tokens.items
    spans = []
    for i in range(1, len(items)):
        if items[i - 1][2].lower() not in SIGN_OFFS - {"vriendelijke", "hartelijke"} or \
                not re.fullmatch(r"[ \t]*,?[ \t\n]*", tokens.gap(i)):
            continue
        last = i
        while last < len(items) and _signature_word(items[last][2]) and (
                last == i or blank(tokens.gap(last))):
            last += 1
        if last > i:
            spans.append(Span(items[i][0], items[last - 1][1], "naam"))
    return spans


def _signature_word(word: str) -> bool:
    return (word[:1].isupper() and not word.isupper() and word.lower() not in NOT_NAMES
            and word.lower() not in plain_words()) or word in PARTICLES


def place_spans(tokens: Tokens) -> list[Span]:
    """Vetoes ("plaats") for a city or country after "uit", "naar", "in": "gevlucht uit
    Asmara" is a place. A form of address still wins ("mevrouw Asmara")."""
    places = world_places()
    items = tokens.items
    spans = []
    for i, (start, end, word) in enumerate(items):
        if word in places and i > 0 and items[i - 1][2].lower() in PLACE_PREPOSITIONS:
            spans.append(Span(start, end, "plaats"))
    return spans


def labelled_spans(text: str) -> list[Span]:
    """The value after a label of a form or file ("Naam aanvrager: Stoyan Georgiev",
    "Partner: Radostina Georgieva-Ivanova"; labels in ``data/name_labels.txt``): up to five
    capitalised words and particles, on the same line."""
    spans = []
    for match in label_pattern().finditer(text):
        start, value = match.start("name"), match.group("name")
        words = list(TOKEN.finditer(value))
        while words and words[0].group(0).lower() in NOT_NAMES:
            words.pop(0)  # "Mantelzorger: Goedemiddag zuster": a greeting, not a name
        if not words or all(w.group(0).lower() in plain_words() for w in words):
            continue
        spans.append(Span(start + words[0].start(), match.end("name"), "naam"))
    return spans


@functools.cache
def label_pattern() -> re.Pattern[str]:
    labels = sorted(name_labels(), key=len, reverse=True)
    word = r"[^\W\d_][^\W\d_'’.\-]*"
    return re.compile(
        r"(?im)^[ \t*\-•]*(?:" + "|".join(re.escape(x) for x in labels) + r")[ \t]*:[ \t]*"
        r"(?P<name>(?-i:[A-Z" + "ÀÁÂÄÇÉÈËÍÏÓÖÚÜŞĞİŁŚŻŹĆŃ" + r"])" + word
        + r"(?:[ \t]+(?:(?:van|de|der|den|ter|ten|el|al|ben|bin|da|dos|du|la|le)[ \t]+)*"
        + r"(?-i:[A-Z" + "ÀÁÂÄÇÉÈËÍÏÓÖÚÜŞĞİŁŚŻŹĆŃ" + r"])" + word + r"){0,4})")


def pair_spans(tokens: Tokens) -> list[Span]:
    """Two capitalised words in a row that no Dutch word list knows and that are rare even as
    words ("Najibullah Sultani", "Desislava Petrova"): a first name and a surname."""
    plain, ordinary = plain_words(), ordinary_words()
    items = tokens.items
    spans = []

    def unknown(word: str) -> bool:
        lower = word.lower()
        return (word[:1].isupper() and not word.isupper() and len(word) >= 3
                and lower not in plain and lower not in ordinary and lower not in NOT_NAMES
                and word_frequency(word) < 3.0)

    for i in range(len(items) - 1):
        first, second = items[i][2], items[i + 1][2]
        if blank(tokens.gap(i + 1)) and unknown(first) and unknown(second):
            spans.append(Span(items[i][0], items[i + 1][1], "naam"))
    return spans
