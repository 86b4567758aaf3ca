"""From raw annotations to the final spans: tidy deduce's names, spread a name to its later
mentions, leave keep phrases readable and merge overlaps.

Order matters and is fail-closed: everything that might be a person is collected first, and
only spans that fall entirely inside a keep phrase (a taxonomy place, team, organisation or
the professional author) are given back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from generator.folding import fold as fold_diacritics
from generator.privacy.model import PRIORITY, Span
from generator.privacy.rules import TOKEN, tokens_of
from generator.privacy.words import (
    NOT_NAMES,
    PARTICLES,
    SPEECH,
    STRONG_TITLES,
    TITLES,
    common_words,
    dutch_places,
    first_names,
    is_place,
    lemma_index,
    lemma_table,
    ordinary_words,
    plain_words,
    surnames,
    verb_lemmas,
    verb_stem,
    word_frequency,
    world_places,
)

ABBREVIATED_TITLES = {"mevr", "mw", "dhr", "mej", "fam"}
"""Titles written with a full stop ("mw. Visser"); after "gezin." a new sentence begins."""

LEADING_TITLE = re.compile(
    r"^(?:(?:de\s+heer|mevrouw|meneer|mijnheer|mevr\.?|mw\.?|dhr\.?|mej\.?|juffrouw|dr\.?|"
    r"drs\.?|mr\.?|ir\.?|ing\.?|prof\.?|collega)\s+)+", re.I)


def keep_pattern(keep: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for every keep phrase, whole words, any case or spacing.

    The phrases are folded into a trie ("albert heijn" and "albert cuyp" share "albert "), so
    ``re`` tries each starting letter once instead of every phrase in turn: the same matches
    as a plain alternation, longest first, at a fraction of the cost per story."""
    phrases = {" ".join(k.split()).lower() for k in keep if k and k.strip()}
    if not phrases:
        return None
    return re.compile(r"(?<!\w)" + _trie_regex(sorted(phrases)) + r"(?!\w)", re.I)


def _trie_regex(phrases: list[str]) -> str:
    """A regex matching exactly ``phrases`` (lower case, single spaces), longest first."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [(r"\s+" if char == " " else re.escape(char)) + emit(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:  # a phrase ends here: try the longer ones first, then stop
            return "(?:" + body + ")?" if len(branches) > 1 or len(body) > 1 else body + "?"
        return body

    return "(?:" + emit(trie) + ")"


def name_words_in(words: list[str]) -> list[str]:
    """The words of a found name that can be a name: no particles, no words that are never
    a person, except right after a particle ("ter Haar": "haar" is a pronoun, "Haar" after
    "ter" a surname)."""
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        if lower in PARTICLES:
            continue
        if lower in NOT_NAMES and not (i > 0 and words[i - 1].lower() in PARTICLES
                                       and word[:1].isupper()):
            continue
        out.append(word)
    return out


def tidy_deduce_names(spans: list[Span], text: str, keep_single: set[str]) -> list[Span]:
    """Keep "mevrouw"/"meneer" visible, and drop deduce's sentence-initial ordinary words
    ("Pas na drie weken", "Stap voor stap") and words that are never a person ("Engels")."""
    ordinary = plain_words()
    tokens = tokens_of(text)
    starts = {s: i for i, (s, _e, _w) in enumerate(tokens.items)}
    capitalised_mid = {w for i, (_s, _e, w) in enumerate(tokens.items)
                       if w[:1].isupper() and not tokens.sentence_initial(i)}
    out: list[Span] = []
    for span in spans:
        if span.kind != "naam":
            out.append(span)
            continue
        found = text[span.start:span.end]
        title = LEADING_TITLE.match(found)
        start = span.start + (title.end() if title else 0)
        words = TOKEN.findall(text[start:span.end])
        names = name_words_in(words)
        if not names:
            continue  # never drop a lower-case or capitals name deduce found ("ron", "JANSEN")
        first = words[0]
        if first.endswith(("se", "s")) and first[:-2 if first.endswith("se") else -1] in \
                keep_single:
            continue  # "Amsterdamse Poort": an adjective of a kept place, not a person
        if len(names) == 1 and len(words) == 1 and first.lower() in ordinary:
            i = starts.get(start)
            if (i is not None and tokens.sentence_initial(i) and first not in capitalised_mid
                    and first not in first_names()):
                continue  # "Pas na drie weken"; a first name stays a name ("Storm, haar broertje")
        lead = re.match(r"(?:(?:van|de|der|den)\s+)+", text[start:span.end])
        if lead and len(words) - len(lead.group(0).split()) == 1 and not title \
                and strong_title_before(text, start) is None:
            start += lead.end()  # "de moeder van Bas": "van" is a preposition here
        if (not title and strong_title_before(text, span.start) is None
                and not _family_word_before(text, span.start)
                and _is_place(text[span.start:span.end])):
            continue  # "van Groningen", "Den Bosch": deduce reads a town as a surname
        if start < span.end:
            out.append(Span(start, span.end, "naam"))
    return out


def _is_place(found: str) -> bool:
    """Whether a name deduce found is a town or country as a whole, with or without the
    particles before it ("van Dokkum", "Den Bosch", "uit Asmara")."""
    words = TOKEN.findall(found)
    while words and words[0].lower() in PARTICLES:
        if is_place(" ".join(words)):  # "Den Bosch" with its particle
            return True
        words.pop(0)
    return bool(words) and is_place(" ".join(words))


OPENER_FOLLOWERS = {
    "je", "jij", "u", "jullie", "we", "wij", "ze", "zij", "hij", "het", "de", "een", "geen",
    "nooit", "niet", "dit", "dat", "deze", "die", "uw", "jouw", "mijn", "onze", "ons", "er",
    "alleen", "altijd", "eerst", "even", "ook", "zo", "nu", "samen", "op", "na", "bij", "met",
    "in", "aan", "voor", "uit", "tot", "om", "over", "door", "van", "naar", "en", "of", "te"}
"""Words after which a sentence-initial word is a verb or a noun, not a person: an imperative
or a question ("Mark de datum", "Wil je", "Koop geen", "Dien het bezwaar in"), a noun
("Zomer in de stad", "Storm en regen"). A person is followed by a verb ("Daan ging")."""


def drop_sentence_openers(spans: list[Span], text: str) -> list[Span]:
    """Give back a one-word "name" at the start of a sentence that is a Dutch word there.

    First names and surnames that are also Dutch words begin many sentences: imperatives
    ("Mark", "Toon", "Dien", "Leen", "Koop"), questions ("Wil je", "Ben je"), nouns ("Winter",
    "Vissers", "Bloemen"). Such a word is given back only when all of these hold, so a real
    name at the start of a sentence stays replaced ("Daan ging weer naar school"):

    - the word is an inflected Dutch word (its lemma differs: "toon" → "tonen", "vissers" →
      "visser") or deduce lists it as a common word ("winter");
    - it is not written capitalised in the middle of a sentence anywhere in this text, and
      not part of a longer name (those are evidence of a person);
    - the next word says verb or noun: one of :data:`OPENER_FOLLOWERS`, a lower-case Dutch
      word that is no finite verb form ("Koop schoolboeken", "Bakkers beginnen", "Kok
      worden"). After a finite verb ("Toon belde", "Winter betekent"), a comma or nothing,
      it stays a name: fail closed.
    """
    tokens = tokens_of(text)
    items = tokens.items
    if not items:
        return spans
    starts = {s: i for i, (s, _e, _w) in enumerate(items)}
    mid = {w for i, (_s, _e, w) in enumerate(items)
           if w[:1].isupper() and not tokens.sentence_initial(i)}
    in_longer: set[str] = set()  # words of a longer name: "Mark" of "Mark Jansen"
    for span in spans:
        if span.kind == "naam":
            words = TOKEN.findall(text[span.start:span.end])
            if len([w for w in words if w.lower() not in PARTICLES]) > 1:
                in_longer.update(words)
    lemmas, verbs, common = lemma_table(), verb_lemmas(), common_words()
    out = []
    for span in spans:
        i = starts.get(span.start)
        if span.kind == "naam" and i is not None and tokens.sentence_initial(i) and \
                strong_title_before(text, span.start) is None:  # "mw. Pieters de envelop"
            words = TOKEN.findall(text[span.start:span.end])
            first = items[i][2]
            rest = [w for w in words[1:] if w.lower() not in PARTICLES]
            if not rest and re.match(r"\.[ \t]+[a-z]", text[span.end:span.end + 3]):
                continue  # "Max. twaalf deelnemers": an abbreviation, not "Max"
            if not rest and first not in mid and first not in in_longer and (
                    (_dutch_word(first, lemmas, common)
                     and _opener_follower(tokens, i + 1, lemmas, verbs,
                                          plural=_plural_noun(first.lower(), lemmas)))
                    or _imperative(tokens, i)):
                continue
        out.append(span)
    return out


ARTICLES = {"de", "het", "een", "je", "jouw", "uw", "deze", "dit", "alle"}


def _imperative(tokens, i: int) -> bool:
    """"Fleur de ruimte op", "Toon het briefje": the stem of a verb, then an article and a
    lower-case word. A person is followed by a verb; "Fleur de Wit" has a capital after
    "de"."""
    items = tokens.items
    if i + 2 >= len(items) or verb_stem(items[i][2].lower()) is None:
        return False
    article, noun = items[i + 1][2], items[i + 2][2]
    return (article in ARTICLES and noun.islower() and noun not in PARTICLES
            and re.fullmatch(r"[ \t]+", tokens.gap(i + 1)) is not None
            and re.fullmatch(r"[ \t]+", tokens.gap(i + 2)) is not None)


def _plural_noun(lower: str, lemmas: dict[str, str]) -> bool:
    """"schilders", "boeren": a plural of a Dutch noun that is no first name."""
    if not lower.endswith(("s", "en")):
        return False
    lemma = lemmas.get(lower)
    if lemma is not None and lemma != lower:
        return True
    single = lower[:-1] if lower.endswith("s") else lower[:-2]
    return single in lemma_index().get("noun", frozenset()) and \
        single.capitalize() not in first_names()


def _dutch_word(word: str, lemmas: dict[str, str], common: frozenset[str]) -> bool:
    """Whether a capitalised sentence-initial ``word`` is also a Dutch word: a common word
    (deduce), an inflected form ("bakkers" → "bakker", "lieve" → "lief"), the stem of a verb
    ("toon" → "tonen"); for a word that is no first name also a noun or adjective of spaCy's
    lists ("visser", "zwart"), which hold first names too and so cannot speak for those."""
    lower = word.lower()
    if lower in common:
        return True
    infinitive = verb_stem(lower)
    if infinitive and (word not in first_names() or word_frequency(infinitive) >= 3.0):
        return True  # a first name only for a common verb ("Toon", not "Bram" → "bramen")
    lemma = lemmas.get(lower)
    if lemma is not None and lemma != lower and lemma.capitalize() not in first_names():
        return True
    if word in first_names():
        return False
    index = lemma_index()
    nouns, adjectives = index.get("noun", frozenset()), index.get("adj", frozenset())
    stripped = lower[:-1] if lower.endswith("s") else lower[:-2] if lower.endswith("en") else ""
    return (lower in adjectives or lower in nouns
            or (bool(stripped) and stripped in nouns
                and stripped.capitalize() not in first_names()))


def _opener_follower(tokens, j: int, lemmas: dict[str, str], verbs: frozenset[str],
                     plural: bool = False) -> bool:
    """Whether the word at ``j`` shows that the word before it is no person (see
    :func:`drop_sentence_openers`); ``plural``: that word is a plural noun ("Schilders")."""
    if j >= len(tokens.items) or not re.fullmatch(r"[ \t]+", tokens.gap(j)):
        return False  # a comma, a full stop or the end: could be a name ("Storm, haar broer")
    nxt = tokens.items[j][2]
    lower = nxt.lower()
    if lower in TITLES:
        return False  # "Pieters moeder", "Storm zijn zus": a possessive of a person
    if lower in ("en", "of"):  # "Storm en regen" yes, "Storm en Daan" no
        after = j + 1
        return after < len(tokens.items) and tokens.items[after][2].islower()
    if lower in OPENER_FOLLOWERS:
        return True
    if not nxt.islower() or lower in SPEECH:
        return False
    if lower in ("zijn", "haar", "z'n", "d'r") and not plural:
        return False  # "Tim zijn fiets": the spoken possessive of a person
    lemma = lemmas.get(lower)
    finite = (lemma is not None and lemma in verbs and lemma != lower
              and not lower.endswith("en"))
    if finite:
        return False  # "Daan ging", "Toon belde", "Winter betekent": fail closed
    return lower in ordinary_words()


STREET_NAME = re.compile(r"[^\W\d_][\w'’]*(?:[ \t]+[^\W\d_][\w'’]*)+")
"""Words joined by spaces only, as in a street named after a person ("Martin Luther
Kingweg"); "Khalid - Lindenhoutstraat" is a name and an address."""

PLACE_CUE = re.compile(r"(?i)\b(?:in|uit|naar|te|bij|via|vanuit|richting|tot|rond|van|nabij|"
                       r"omgeving|regio|gemeente|dorp|stad|provincie)\s+$")


def without_places(spans: list[Span], text: str) -> list[Span]:
    """Drop the "plaats" vetoes and every name that lies inside one ("naar Purmerend" is a
    town). A place only vetoes after a word that says place ("uit Asmara", "naar Dokkum"):
    "komt Wessel, een student" is a person although a village is called Wessel; and a form
    of address or a family word always says person ("mevrouw Breda", "dochter Saba")."""
    spans = trim_name_edges(spans, text)  # "Vanuit Kampen" (deduce) is "Kampen" after "Vanuit"
    places = [s for s in spans if s.kind == "plaats"
              and PLACE_CUE.search(text[max(0, s.start - 20):s.start])]
    places += [s for s in spans if s.kind == "instelling"
               and text[s.start:s.end] not in first_names()]  # "St. Antonius" may be Antonius
    places += [s for s in spans if s.kind == "naam" and STREET_NAME.fullmatch(text[s.start:s.end])
               and strong_title_before(text, s.start) is None and _named_after(s, text)]
    # "Martin Luther Kingweg" is a street: "Martin" found on its own inside it goes too
    out = []
    for span in spans:
        if span.kind in ("plaats", "instelling"):
            continue
        if (span.kind == "naam" and strong_title_before(text, span.start) is None
                and not _family_word_before(text, span.start)
                and (any(p.start <= span.start and span.end <= p.end for p in places)
                     or _after_locative(span, text) or _shop_name(span, text)
                     or _named_after(span, text))):
            continue
        out.append(span)
    return out


NAMED_AFTER_SUFFIX = re.compile(
    r"(?:straat|laan|plein|singel|kade|gracht|dreef|steeg|plantsoen|school|college|lyceum|"
    r"gymnasium|ziekenhuis|gasthuis|kliniek|academie|stadion|stichting|brug|instituut)$", re.I)
NAMED_AFTER_WORDS = {"Huis", "Stichting", "Fonds", "Centrum", "Instituut", "Wonen", "Zorg",
                     "Welzijn", "Groep", "Bank", "Kliniek", "Gymnasium", "College", "Lyceum",
                     "School", "Ziekenhuis", "Academie", "Brug", "Foundation"}
"""Capitalised words after a person's name that make it an organisation: "Ronald McDonald
Huis", "William Schrikker Stichting", "Dudok Wonen"."""
"""What a street, school or building named after a person ends in: "Paul Krugerlaan",
"Albert Schweitzer ziekenhuis", "Erasmus College", "Anne Frankschool". Not "huis", "hof",
"dijk", "weg" or "berg": surnames end in them (Nijhuis, Kerkhof, Hogeweg)."""


SURNAME_LIKE_SUFFIX = re.compile(r"(?:weg|dijk|hof|park|pad|markt|burg|berg)$")
"""Street endings that surnames have too (Hogeweg, Kerkhof, Nijenburg): a street only when
the word is no known surname and the name before it has two words or more."""


def _street_compound(word: str) -> bool:
    """"Kingweg", "Dreesweg": a capitalised compound of a stem of three letters or more and
    a street ending, that is not itself a known surname."""
    match = SURNAME_LIKE_SUFFIX.search(word)
    return (match is not None and match.start() >= 3 and word[:1].isupper()
            and not word.isupper() and "-" not in word and word not in surnames())


NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w\-]*)")


def _named_after(span: Span, text: str) -> bool:
    """A name that is part of the name of a street, school or building: its last word, or
    the word right after it, ends in :data:`NAMED_AFTER_SUFFIX` ("Paul Krugerlaan", "Maria
    Montessori school"). A house number after it makes it an address, found by the address
    rules on its own."""
    words = TOKEN.findall(text[span.start:span.end])
    if words and len(words[-1]) > 6 and not words[-1].isupper() and \
            NAMED_AFTER_SUFFIX.search(words[-1]):
        return True
    if len(words) >= 2 and _street_compound(words[-1]):
        return True  # "Martin Luther Kingweg": a full name glued to "weg" is a street
    if any(w in NAMED_AFTER_WORDS for w in words):
        return True  # "Johan Cruijff Foundation" found as one name
    # up to two more capitalised words may come first: "Maria [Montessori] school"
    pos = span.end
    for k in range(3):
        match = NEXT_WORD.match(text, pos)
        if match is None:
            return False
        pos = match.end()
        last = match.group(1).split("-")[-1]
        if (NAMED_AFTER_SUFFIX.fullmatch(last.lower()) is not None or last in NAMED_AFTER_WORDS
                or (len(last) > 6 and last[:1].isupper() and not last.isupper()
                    and NAMED_AFTER_SUFFIX.search(last) is not None)):
            return True
        if k == 2 or not last[:1].isupper():
            return False
    return False


LOCATIVES = {"in", "uit", "te", "vanuit", "nabij"}
"""Prepositions after which one capitalised word is a place, never a person: "in
Bloemhof", "uit Lewenborg" (nobody lives "in Jansen"); not "naar" or "bij", which go to
people too ("naar Fatima", "bij Jansen")."""


def _after_locative(span: Span, text: str) -> bool:
    """One to three capitalised words, none a first name, right after a locative ("in
    Bloemhof", "In Leidsche Rijn")."""
    words = text[span.start:span.end].split()
    if not 1 <= len(words) <= 3 or not all(
            TOKEN.fullmatch(w) and w[:1].isupper() and not w.isupper()
            and w not in first_names() for w in words):
        return False
    before = re.search(r"(?<![\w-])(\w+)[ \t]+$", text[max(0, span.start - 12):span.start])
    return bool(before) and before.group(1).lower() in LOCATIVES


PLACE_ENDINGS = ("wijk", "buurt", "kwartier", "eiland")
"""Endings of a one-word neighbourhood ("Schilderswijk", "Tarwewijk", "Kanaleneiland"); a known
surname with such an ending ("Noordwijk"?) stays a name."""


def _shop_name(span: Span, text: str) -> bool:
    """A first name after the article "de" is a shop or a place, not a person: "bij de
    Dirk", "naar de Jumbo" ("de Vries" is a surname: surnames do not count); so is a river
    or region of ``data/places.txt`` ("langs de Maas")."""
    found = text[span.start:span.end]
    words = found.split()
    if re.search(r"(?<!\w)het[ \t]+$", text[max(0, span.start - 5):span.start]):
        return True  # "het Oude Westen", "het Martini": nobody is "het Jansen"
    before = re.search(r"([^\W\d_]+)[ \t]+$", text[max(0, span.start - 30):span.start])
    if before and before.group(1)[:1].isupper():
        words = [before.group(1), *words]  # "Leidsche [Rijn]": the adjective before the span
    if words and (words[0].endswith("sche") or (
            words[0].endswith("se") and words[0][:-2].lower() in dutch_places())):
        return True  # "Leidsche Rijn", "de Hoornse Plas": an adjective of a place
    if len(words) == 2 and words[0].lower() == "de" and words[1] in world_places():
        return True  # "de Maas" read as a surname with its particle: a river
    if not TOKEN.fullmatch(found):
        return False
    after_article = re.search(r"(?<!\w)de[ \t]+$", text[max(0, span.start - 4):span.start])
    if after_article and found in world_places():
        return True  # "langs de Maas", "de Kempen": a river or a region
    if len(found) > 7 and found.lower().endswith(PLACE_ENDINGS) and found not in surnames():
        return True  # "Schilderswijk", "Kanaleneiland": a neighbourhood
    if found not in first_names() or found in surnames():
        return False
    return after_article is not None


def _family_word_before(text: str, start: int) -> bool:
    match = re.search(r"(\w+)\s+$", text[max(0, start - 20):start])
    return bool(match) and match.group(1).lower() in TITLES


PARTICLED = re.compile(r"\b(?:[Vv]an(?:[ \t]+(?:der|den|de|het|'t))?|[Dd]e|[Dd]en|[Tt]er|[Tt]en)"
                       r"[ \t]+[A-Z][^\W\d_]{2,}\b")
"""A particle and the surname after it ("de Vries", "van der Berg")."""


def fold(word: str) -> str:
    """``word`` without diacritics ("Çelik" → "Celik", "Yıldız" → "Yildiz"): a name is
    written both ways in one story."""
    return fold_diacritics(word.replace("ı", "i"))


def name_words(spans: Iterable[Span], text: str) -> set[str]:
    """The words of every name found, capitalised as a name is ("Fatima" after "Fatima El
    Amrani", "Owusu" after "mevrouw Owusu", "Bakker" after "mevrouw BAKKER", "Al-Khatib" and
    "Khatib" after "al-Khatib"), to find their later mentions."""
    words: set[str] = set()
    for span in spans:
        if span.kind != "naam":
            continue
        particled = PARTICLED.search(text[span.start:span.end])
        if particled:  # "de vries" later, in lower case, after "mevrouw de Vries"
            words.add(" ".join(particled.group(0).lower().split()))
        for token in TOKEN.findall(text[span.start:span.end]):
            forms = {token}
            if "-" in token:
                forms.update(p for p in token.split("-") if p[:1].isupper())
            for form in forms:
                lower = form.lower()
                if len(form) < 3 or lower in PARTICLES or lower in TITLES or lower in NOT_NAMES:
                    continue
                if form.isupper() or form.islower():
                    form = "-".join(p[:1].upper() + p[1:].lower() for p in form.split("-"))
                else:
                    form = form[:1].upper() + form[1:]
                words.add(form)
    return words


def lower_case_names(spans: Iterable[Span], text: str) -> set[str]:
    """Name words written in lower case in this text ("ron" of "ron de wit"): their later
    lower-case mentions are the same person, although "ron" is never spread from "Ron"."""
    found: set[str] = set()
    for span in spans:
        if span.kind == "naam":
            found.update(w for w in TOKEN.findall(text[span.start:span.end])
                         if w.islower() and len(w) >= 3 and w not in PARTICLES
                         and w not in NOT_NAMES and w not in TITLES)
    return found


def mentions(words: set[str], text: str) -> list[Span]:
    """Every whole-word mention of a name word, also in capitals and with a possessive
    ending ("Owusu", "OWUSU", "Owusu's", "Mohammeds"). Case-sensitive for a name that is also a
    Dutch word ("Roos" the resident, not "roos" the flower); other names also in lower case."""
    if not words:
        return []
    plain = plain_words()
    forms: set[str] = set()
    for word in words:
        forms |= {word, word.upper()}
        if word.lower() not in plain and word.lower() not in ordinary_words() \
                and word_frequency(word) < 3.0:
            forms.add(word.lower())  # "ron" after "Ron", not "koos" (kiezen) after "Koos"
    forms |= {fold(form) for form in forms}  # "Celik" after "Çelik", and the other way
    if all(TOKEN.fullmatch(form) for form in forms):
        return _token_mentions(forms, text)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
        re.escape(w) for w in sorted(forms, key=len, reverse=True))
        + r")(?:'s|’s|s|'|’)?(?![\w-])")
    return [Span(m.start(), m.end() - _suffix(m.group(0)), "naam")
            for m in pattern.finditer(text)]


def _token_mentions(forms: set[str], text: str) -> list[Span]:
    """:func:`mentions` for one-word forms, read off the shared token list instead of compiling
    a pattern per story: the same spans (a possessive ending stays outside the token anyway,
    "Mohammeds" is one token, replaced whole) for less than the compile alone costs."""
    spans = []
    for start, end, word in tokens_of(text).items:
        if word not in forms and not (word[-1:] == "s" and word[:-1] in forms):
            folded = fold(word)
            if folded == word or (folded not in forms and not (
                    folded[-1:] == "s" and folded[:-1] in forms)):
                continue
        if (start > 0 and _joins(text[start - 1])) or (end < len(text) and _joins(text[end])):
            continue  # part of a longer word: "Owusu-Ansah", "_Owusu"
        spans.append(Span(start, end, "naam"))
    return spans


def _joins(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _suffix(found: str) -> int:
    """Length of a possessive ending to leave outside the span ("Fatima's" → "[naam]'s"),
    except a plain "s" ("Mohammeds" is one word, replaced whole)."""
    for end in ("'s", "’s", "'", "’"):
        if found.endswith(end):
            return len(end)
    return 0


def without_keep(spans: list[Span], text: str, keep: re.Pattern[str] | None) -> list[Span]:
    """Give back keep phrases: a span inside a keep phrase goes; a name that only partly
    overlaps one is trimmed to the rest ("Bijlmer" stays, "Kerkstraat 12" goes)."""
    if keep is None:
        return spans
    ranges = [m.span() for m in keep.finditer(text)]
    if not ranges:
        return spans
    out: list[Span] = []
    for span in spans:
        pieces = [(span.start, span.end)]
        for k_start, k_end in ranges:
            if k_end <= span.start or k_start >= span.end:
                continue
            next_pieces = []
            for a, b in pieces:
                if k_end <= a or k_start >= b:
                    next_pieces.append((a, b))
                    continue
                if span.kind != "naam" and not (k_start <= a and b <= k_end):
                    next_pieces.append((a, b))  # numbers and addresses: never trimmed
                    continue
                next_pieces.extend(p for p in ((a, k_start), (k_end, b)) if p[0] < p[1])
            pieces = next_pieces
        for a, b in pieces:
            piece = text[a:b]
            if span.kind == "naam":
                words = name_words_in(TOKEN.findall(piece))
                if not words:
                    continue
                if (a, b) != (span.start, span.end) and _is_place(piece.strip(" -,")):
                    continue  # "WIJ Groningen", "CJG Amersfoort": the kept body's town
                lead = len(piece) - len(piece.lstrip(" -,"))
                a, b = a + lead, b - (len(piece) - len(piece.rstrip(" -,")))
                b = a + len(_without_trailing_particles(text[a:b]))
            if re.search(r"\w", text[a:b]):
                out.append(Span(a, b, span.kind))
    return out


def merge(spans: list[Span], text: str) -> list[Span]:
    """Overlapping spans merge into one (strongest kind wins); names separated only by a
    space or hyphen become one "[naam]" instead of "[naam] [naam]"."""
    merged: list[Span] = []
    for span in sorted((_with_elided_prefix(s, text) for s in spans),
                       key=lambda s: (s.start, -s.end)):
        if merged:
            last = merged[-1]
            cut = _name_cut_before(last, span, text)
            if cut is not None:
                merged[-1] = last = cut
            joinable = (last.kind == span.kind == "naam"
                        and re.fullmatch(r"[ \t]*[-'’]?[ \t]*", text[last.end:span.start]))
            if span.start < last.end or joinable:
                kind = max(last.kind, span.kind, key=lambda k: PRIORITY.get(k, 0))
                merged[-1] = Span(last.start, max(last.end, span.end), kind)
                continue
        merged.append(span)
    return merged


def _with_elided_prefix(span: Span, text: str) -> Span:
    """A name after "O'", "D'" or "N'" takes that prefix along ("O’Connor" → "[naam]", not
    "O’[naam]")."""
    start = span.start
    if (span.kind == "naam" and start >= 2 and text[start - 1] in "'’"
            and text[start - 2].isupper() and (start == 2 or not text[start - 3].isalnum())):
        return Span(start - 2, span.end, span.kind)
    return span


def _name_cut_before(name: Span, other: Span, text: str) -> Span | None:
    """A name that runs into an address ("Kwaku Boakye van de Gooioord 45": the name rule
    reads "van de Gooioord" as a surname) ends where the address begins, without its trailing
    particles, so the text reads "meneer [naam] van de [adres]" and the name is still known
    as a name (the post-build scan looks for its words)."""
    if not (name.kind == "naam" and other.kind != "naam"
            and name.start < other.start < name.end < other.end):
        return None
    end = other.start
    while True:
        before = re.search(r"(\w+)\s*$", text[name.start:end])
        if before is None or before.group(1).lower() not in PARTICLES:
            break
        end = name.start + before.start()
    end = name.start + len(text[name.start:end].rstrip())
    if end <= name.start:
        return None
    return Span(name.start, end, "naam")


def strong_title_before(text: str, start: int) -> str | None:
    """"mevrouw" in "mevrouw [Visser]": the form of address right before a name, if any."""
    match = re.search(r"(\w+)(\.?)\s+$", text[max(0, start - 20):start])
    if match and match.group(1).lower() in STRONG_TITLES and (
            not match.group(2) or match.group(1).lower() in ABBREVIATED_TITLES):
        return match.group(0).rstrip()
    return None


def _without_trailing_particles(found: str) -> str:
    """"de Vries van de" (of "mevrouw de Vries van de Voedselbank", the shop kept): the
    particles at the end belong to the kept phrase, not to the name."""
    while True:
        match = re.search(r"[ \t]+(\w+)[ \t]*$", found)
        if match is None or match.group(1).lower() not in PARTICLES:
            return found.rstrip()
        found = found[:match.start()]


EDGE_WORDS = TITLES - STRONG_TITLES
"""Family words before a name ("Echtgenote Gülşen", "Broer Vikash") stay readable: they say
who, not which person. Strong titles ("mevrouw") are kept out of the span elsewhere."""


def trim_name_edges(spans: list[Span], text: str) -> list[Span]:
    """The last step: a name span starts at its first name word and ends at its last, so
    "Broer Vikash" reads "Broer [naam]" and "Goedemiddag Fatma" reads "Goedemiddag [naam]";
    a span of nothing but such words stays as it was found (fail closed)."""
    out = []
    for span in spans:
        if span.kind != "naam":
            out.append(span)
            continue
        start = span.start
        for match in TOKEN.finditer(text, span.start, span.end):
            word = match.group(0).lower()
            if word not in EDGE_WORDS and (word not in NOT_NAMES
                                           or match.group(0) in first_names()):
                break  # "Frans Pattiasina": a language, but here a first name
            gap = text[match.end():span.end]
            stripped = gap.lstrip(" \t")
            if not stripped or stripped[0] in ",.:;" or not stripped[0].isalpha():
                break  # "Broer." or "Echtgenote:" ends the span: keep as found
            start = match.end() + len(gap) - len(stripped)
        end = start + len(_without_trailing_particles(text[start:span.end]))
        if re.search(r"\w", text[start:end]):
            out.append(Span(start, end, "naam"))
    return out
