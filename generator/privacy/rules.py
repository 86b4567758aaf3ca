"""Rules for social-domain writing that deduce misses.

deduce was made for Dutch medical records. Stories of buurtteams introduce people by a form of
address ("mevrouw Owusu", "oma Truus", "de familie Yılmaz"), by a verb ("vertelt Kwame"),
mention ages as "een jongen van 15" or "mevrouw (82)", and have residents of Surinamese,
Turkish, Moroccan and Ghanaian descent whose names deduce's Dutch-heavy lists do not know.
Each rule returns :class:`Span` objects; :mod:`.resolve` merges them with deduce's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from generator.privacy.model import Span
from generator.privacy.words import (
    INTRODUCERS,
    NOT_NAMES,
    PARTICLES,
    SPEECH,
    TITLES,
    extra_first_names,
    plain_words,
)

TOKEN = re.compile(r"[^\W\d_](?:[\w\-]*[^\W_])?")
PREPOSITIONS = {"in", "uit", "naar", "op", "bij", "van", "te", "met", "voor", "door", "over"}
ABBREVIATIONS = {"mw", "dhr", "mevr", "mej", "fam", "zr", "br", "ds", "dr", "drs", "ir", "ing",
                 "mr", "prof"}
PRONOUNS = {"haar", "hem", "ik", "we", "wij", "hier", "ze", "zij", "hen", "hun", "hij", "die",
            "dan", "even", "maar", "gewoon", "voortaan"}
MONTHS = (r"januari|jan|februari|feb|maart|mrt|april|apr|mei|juni|jun|juli|jul|augustus|aug|"
          r"september|sept|sep|oktober|okt|november|nov|december|dec")
STREET = (r"straat|str|laan|weg|plein|gracht|kade|dreef|hof|pad|dijk|singel|steeg|park|markt|"
          r"dam|baan|plantsoen|erf|kwartier|boulevard|burg|oord|veld|pleintje|dwarsstraat|"
          r"wal|haven|polder|stein|berg|kamp|rijk|land|hoek|lei|hout|meer|poort|werf")

SIDECODES = ("LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL",
             "DD-LLL-D", "D-LLL-DD", "LL-DDD-L", "L-DDD-LL", "LLL-DD-L", "L-DD-LLL",
             "D-LL-DDD", "DDD-LL-D")


def _plate(separator: str) -> str:
    return "|".join(separator.join("".join({"L": "[A-Z]", "D": r"\d"}[c] for c in group)
                                   for group in code.split("-")) for code in SIDECODES)


PLATE = _plate("-")
"""Dutch licence plates, the RDW's sidecodes 1 to 14 ("XX-99-99" … "999-XX-9"), with
dashes as on the plate, in any case, or with dots in capitals ("12.ABC.3"); without dashes
(or with spaces) only after the word "kenteken", "nummerplaat" or "nummerbord" in the same
sentence."""

HANDLE = re.compile(r"(?<![\w@.\-])@[^\W\d_][\w.\-]{0,38}[^\W_]|(?<![\w@.\-])@[^\W\d_]{2}")
"""A social-media handle ("@jan.devries", "@samira_b"): an account is a person."""

_SCRIPTS = ("\u0530-\u058F\u0590-\u08FF\u0900-\u0DFF\u0E00-\u0EFF\u10A0-\u10FF\u1200-\u139F"
            "\u2D80-\u2DDF\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF")
NON_LATIN = re.compile(f"[{_SCRIPTS}]+(?:[ \t]+[{_SCRIPTS}]+)*")
"""Words in Arabic, Hebrew, Armenian, Georgian, Ethiopic (Tigrinya, Amharic), Indic, Thai,
Chinese, Japanese or Korean script: in a Dutch story these are names ("محمد العمري", "张伟",
"ሰምሃር"), or a greeting that fails closed. No rule of ours can read them, so all go."""

REGEX_RULES: list[tuple[str, re.Pattern[str], int]] = [
    ("e-mailadres", re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}"), 0),
    ("website", re.compile(  # never the quote that closes an href="…"
        r"\bhttps?://[^\s<>()\[\]\"']+|\bwww\.[^\s<>()\[\]\"']+[\w/]"), 0),
    ("gebruikersnaam", HANDLE, 0),
    ("naam", NON_LATIN, 0),
    ("naam", re.compile(  # "ze heet hoop", "haar naam is bloem": whatever word comes next
        r"(?i)\b(?:(?:ik|ze|zij|hij|jij|je|u|dochter|zoon|moeder|vader|kind|baby|broer|zus|"
        r"man|vrouw|vriend|vriendin|buurman|buurvrouw)[ \t]+(?:heet|heette|heten)|"
        r"(?:mijn|zijn|haar|wiens|diens)[ \t]+(?:voor)?naam[ \t]+(?:is|was)|genaamd)[ \t]+"
        r"(?!(?:trouwens|eigenlijk|officieel|ook|nu|echt|dus|zelf|gewoon|voluit|niet|vroeger|"
        r"sinds|tegenwoordig|volgens)\b)([^\W\d_][\w'’\-]*)"), 1),
    ("gebruikersnaam", re.compile(  # "Snapchat: mo_ams020", "insta fatima.amrani"
        r"(?i)\b(?:snapchat|snap|insta(?:gram)?|tiktok|facebook|fb|twitter|telegram|discord|"
        r"gebruikersnaam|username|account(?:naam)?)[ \t]*(?::[ \t]*(@?[\w][\w.\-]{1,38}[\w])|"
        r"[ \t](@?[^\W\d_]+[._\d][\w.\-]{0,37}[\w]))"), -1),
    ("nummer", re.compile(  # "paspoortnummer NXP1234C5", "dossiernummer: 2019-0345"
        r"(?i)\b\w*?(?:paspoort|id-kaart|identiteitskaart|rijbewijs|document|dossier|cli[eë]nt|"
        r"klant|pas|polis|zaak|verblijfs(?:vergunning|document)|v-)(?:nummer|nr)\b\.?[ \t]*"
        r"[:=]?[ \t]*(?:is[ \t]+)?(\d{4}(?:[ ]\d{4}){1,4}(?!\d)|"  # "6064 3690 1234 5678"
        r"(?=[A-Z0-9\-./]*\d)[A-Z0-9][A-Z0-9\-./]{4,18}[A-Z0-9])"), 1),  # a digit in it
    ("postcode", re.compile(  # "postcode 1103 ab": in lower case after the word itself
        r"(?i)\bpostcode\b[ \t]*:?[ \t]*([1-9]\d{3}[ \t]?[a-z]{2})\b"), 1),
    ("telefoonnummer", re.compile(
        r"(?<![\w+])(?:(?:\+|00)31[ \-.]?(?:\(0\)[ \-.]?)?|\(?0)(?:\d[ \-.)]{0,3}){8}\d(?![\d\w])"),
     0),
    ("telefoonnummer", re.compile(  # abroad: "+48 512 384 907", "0040 723 118 406"
        r"(?<![\w+])(?:\+|00)(?!31)[1-9]\d{0,2}[ \-.]?(?:\(0\)[ \-.]?)?(?:\d[ \-.]?){6,11}"
        r"\d(?![\d\w])"), 0),
    ("rekeningnummer", re.compile(r"\b[A-Z]{2}\d{2} ?[A-Z]{4}(?: ?\d){10}\b"), 0),
    ("bsn", re.compile(r"(?i)\b(?:bsn|burgerservicenummer|sofinummer)\W{1,4}([\d .]{8,12}\d)"), 1),
    ("bsn", re.compile(r"(?<![\d.])(\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d.])"), 1),
    ("nummer", re.compile(r"(?<![\d.])(?<!GM|WK|BU)\d{7,}(?![\d.])"), 0),  # no CBS code
    ("kenteken", re.compile(r"(?i)(?<![\w-])(?:" + PLATE + r")(?![\w-])"), 0),
    ("kenteken", re.compile(  # "12.ABC.3": with dots, in capitals, never a Dutch word
        r"(?<![\w.-])(?:" + _plate(r"\.") + r")(?![\w-]|\.\w)"), 0),
    ("kenteken", re.compile(  # "het kenteken van de bus was 12abc3", "nummerbord GH 123 K"
        r"(?i)\b(?:kenteken|nummerplaat|nummerbord)\w*\b[^.\n]{0,40}?(?<![\w-])("
        + _plate("[- .]?") + r")(?![\w-])"), 1),
    ("postcode", re.compile(r"\b[1-9]\d{3} ?(?!SS|SA|SD)[A-Z]{2}\b"), 0),
    ("adres", re.compile(
        r"\b[A-Z][\w'\-]*(?:" + STREET + r")\s+\d{1,5}"
        r"(?:\s?bis\b|-(?:hs|h|bg|sous)\b|\s?[a-zA-Z]\b|[-\s](?:hoog|huis|bis|"
        r"[IVX]{1,3}|[A-Z]\b)|-\d{1,4})?"), 0),
    ("adres", re.compile(
        r"(?i:\b(?:woon\w*|verhuisd\w*|adres|wonen|woning|flat|portiek)\b[^.\n]{0,30}?)"
        r"(?:op|aan|in|bij)\s+(?:de\s+|het\s+)?"
        r"([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+)?\s+\d{1,5}(?:\s?[a-zA-Z]\b|[-\s](?:hoog|huis|bis|"
        r"[IVX]{1,3}|[A-Z]\b)|-\d{1,4})?)"), 1),
    ("adres", re.compile(r"\b(?:huis)?nummer\s+(\d{1,5}[a-zA-Z]?)\b"), 1),
    ("adres", re.compile(  # in capitals, as forms are filled in: "ZUIDERPARKLAAN 88"
        r"\b[A-Z][A-Z'\-]*(?:" + STREET.upper() + r")\s+\d{1,5}(?:\s?[A-Za-z]\b|-\d{1,4})?"), 0),
    ("adres", re.compile(  # in lower case, a compound street name only: "vlasstraat 4"
        r"\b[a-z][a-z'\-]{2,}(?:straat|laan|weg|plein|gracht|kade|dreef|singel|steeg|dijk|"
        r"pad|hof)\s+\d{1,5}(?:\s?[a-z]\b|-\d{1,4})?"), 0),
    ("postcode", re.compile(  # "2565 ka Den Haag": lower-case letters before a place name
        r"\b([1-9]\d{3} ?(?!en|of|in|op|om|te|de|al|na|zo|nu|is|ik|je|we|ze|er|ja|nr)[a-z]{2})"
        r"(?=[ \t]+[A-Z][a-z])"), 1),
    ("geboortedatum", re.compile(
        r"(?i)\b(?:geboren|geb\.|geboortedatum:?|geboortejaar:?)\s+(?:op\s+|in\s+|op:?\s*)?"
        r"((?:\d{1,2}[-/. ]\s?(?:\d{1,2}|" + MONTHS + r")(?:[-/. ]\s?\d{2,4})?)|(?:19|20)\d{2})\b"),
     1),
    ("datum", re.compile(r"(?i)(?<!\d)\d{1,2}[-/. ](?:" + MONTHS + r"|\d{1,2})[-/. ](?:19|20)\d{2}"
                         r"(?!\d)"), 0),
    ("leeftijd", re.compile(r"(?<=[^\W\d_])\s\((\d{1,3})\)"), 1),
    ("leeftijd", re.compile(r"\b(\d{1,3})-jarige?\b"), 1),
    ("leeftijd", re.compile(
        r"(?i)\b(?:jongen|meisje|zoon|zoontje|dochter|dochtertje|kind|kindje|kleinkind|man|vrouw|"
        r"moeder|vader|broer|broertje|zus|zusje|baby|tiener|puber|jongere|weduwe|weduwnaar|oma|"
        r"opa|bewoner|bewoonster|meneer|mevrouw|jongeman|dame|heer|tweeling|leeftijd)\s+van\s+"
        r"(\d{1,3}(?:\s+jaar(?:\s+oud)?)?)\b"), 1),
    ("leeftijd", re.compile(r"(?i)\b(?:is|was|werd|wordt|ben|word)\s+(\d{1,3})"
                            r"(?=\s*(?:[.,;!?](?!\d)|jaar|geworden|\n|$))"), 1),
    ("leeftijd", re.compile(r"(?i)\b(\d{1,3}\s+jaar\s+oud)\b"), 1),
]
"""(kind, pattern, group): regular patterns for numbers, addresses, dates and ages; group -1
is whichever group matched."""


def _elfproef(digits: str) -> bool:
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


_DIGITS = re.compile(r"\d+")
_BEFORE_DIGIT = 200
_AFTER_DIGIT = 60
"""Characters a pattern reaches before its first and after its last digit, with room to spare:
the longest is the address cue (``woont sinds kort op de Lange Kerkstraat 5``, ~90)."""


def digit_windows(text: str) -> list[tuple[int, int]]:
    """``[(start, end)]``: the parts of ``text`` around its digits, merged where they touch.

    Every pattern but e-mail and website needs a digit, and Python's ``re`` tries a pattern at
    every position; searching only near digits gives the same matches in a fraction of the time
    (``pos`` keeps the text before it visible to ``\\b`` and look-behind)."""
    windows: list[tuple[int, int]] = []
    for match in _DIGITS.finditer(text):
        start = max(0, match.start() - _BEFORE_DIGIT)
        end = min(len(text), match.end() + _AFTER_DIGIT)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _needs_digit(kind: str) -> bool:
    return kind not in {"e-mailadres", "website", "gebruikersnaam", "naam"}


def regex_spans(text: str) -> list[Span]:
    """Numbers, e-mail, addresses, dates and ages by pattern."""
    spans: list[Span] = []
    whole = [(0, len(text))]
    windows = digit_windows(text)
    for kind, pattern, group in REGEX_RULES:
        if kind == "e-mailadres" and "@" not in text:
            continue
        if kind == "website" and "http" not in text and "www." not in text:
            continue
        if pattern is HANDLE and "@" not in text:
            continue
        if pattern is NON_LATIN and text.isascii():
            continue
        found = (match for start, end in (windows if _needs_digit(kind) else whole)
                 for match in pattern.finditer(text, start, end))
        for match in found:
            # group -1: the first of the pattern's groups that took part in the match
            start, end = match.span(group if group >= 0 else next(
                k for k in range(1, (match.re.groups or 0) + 1) if match.group(k) is not None))
            if start < 0:
                continue
            labelled = match.group(0).lower().startswith(("bsn", "burger", "sofi"))
            if (kind == "bsn" and group == 1 and not labelled
                    and not _elfproef(re.sub(r"\D", "", match.group(1)))):
                continue
            if kind == "leeftijd" and not _plausible_age(match.group(group)):
                continue
            if text[start] == "(" and ")" not in text[start:end]:
                start += 1  # "(06-12345678)": the brackets around the number stay
            spans.append(Span(start, end, kind))
    return spans


def _plausible_age(found: str) -> bool:
    digits = re.match(r"\d+", found)
    return bool(digits) and 0 < int(digits.group(0)) <= 120


def blank(gap: str) -> bool:
    """Whether ``gap`` is one or more spaces or tabs and nothing else (no line break)."""
    return gap != "" and not gap.strip(" \t")


class Tokens:
    """The words of a text with the helpers the name rules need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.items = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]

    def gap(self, i: int) -> str:
        """The characters between token ``i-1`` and token ``i``."""
        prev_end = self.items[i - 1][1] if i > 0 else 0
        return self.text[prev_end:self.items[i][0]]

    def sentence_initial(self, i: int) -> bool:
        stripped = self.gap(i).strip(" \t\"'“”‘’*_([")
        return i == 0 or "\n" in self.gap(i) or (stripped[-1:] in {".", "!", "?", ":", "-", "—"}
                                                  and stripped != "-")


@lru_cache(maxsize=32)
def tokens_of(text: str) -> Tokens:
    """The shared, read-only :class:`Tokens` of ``text``: every rule of one story reads the
    same word list instead of splitting the text again."""
    return Tokens(text)


def name_like(word: str) -> bool:
    """Capitalised, not an acronym (GGD) and not a word we know is never a person."""
    return (word[:1].isupper() and not (len(word) > 1 and word.isupper())
            and word.lower() not in NOT_NAMES)


def _consume_name(tokens: Tokens, i: int, keep_words: set[str]) -> tuple[int, int] | None:
    """From token ``i``: the longest run of name-like words and particles ("Tjon A Fong",
    "van der Berg", "El Amrani"); returns the token range of the name, or None."""
    last = None
    j = i
    while j < len(tokens.items) and j - i < 6:
        abbreviated = j > i and tokens.items[j - 1][2].lower() in SHORT_PARTICLES
        if j > i and not re.fullmatch(r"[ \t]+|[ \t]*-[ \t]*", tokens.gap(j)) and not (
                abbreviated and re.fullmatch(r"\.[ \t]*", tokens.gap(j))):
            break
        word = tokens.items[j][2]
        if word in keep_words:
            break
        if name_like(word) and not (word.lower() in SHORT_PARTICLES and _dotted(tokens, j)):
            last = j
        elif word.lower() not in PARTICLES and not (word.lower() in SHORT_PARTICLES
                                                     and _dotted(tokens, j)):
            break
        j += 1
    return (i, last) if last is not None else None


SHORT_PARTICLES = {"v", "d", "vd", "vdr"}
"""Particles abbreviated with a full stop: "v.d. Berg", "v. Dam", "vd. Meer"."""


def _dotted(tokens: Tokens, j: int) -> bool:
    """Token ``j`` is followed by a full stop and then a word ("v." of "v. Dam")."""
    return j + 1 < len(tokens.items) and re.fullmatch(r"\.[ \t]*", tokens.gap(j + 1)) is not None


def name_spans(text: str, keep_words: Iterable[str] = ()) -> list[Span]:
    """Persons introduced by a form of address, a verb, a possessive, or a first name from
    our list of names from varied backgrounds."""
    keep = set(keep_words)
    tokens = tokens_of(text)
    items = tokens.items
    ordinary = plain_words()
    firsts = extra_first_names()
    found: list[tuple[int, int]] = []
    for i, (_s, end, word) in enumerate(items):
        lower = word.lower()
        nxt = i + 1
        if nxt >= len(items):  # the last word can only be a known first name ("over Abena")
            if word in firsts and name_like(word):
                found.append((i, i))
            break
        gap = tokens.gap(nxt)
        if lower in TITLES and (blank(gap) or (
                lower in ABBREVIATIONS and re.fullmatch(r"\.[ \t]+", gap))):
            run = _consume_name(tokens, nxt, keep)
            if run and (lower not in ("man", "vrouw", "vriend", "vriendin", "partner")
                        or items[run[0]][2].lower() not in ordinary):
                found.append(run)
        elif lower in INTRODUCERS:
            k = nxt
            while k < len(items) and k - nxt < 2 and items[k][2].lower() in PRONOUNS:
                k += 1
            if k < len(items) and name_like(items[k][2]) and not tokens.sentence_initial(k):
                run = _consume_name(tokens, k, keep)
                if run:
                    found.append(run)
        if word in firsts and name_like(word):
            run = _consume_name(tokens, i, keep)
            if run:
                found.append(run)
        elif (name_like(word) and lower not in ordinary and word not in keep
              and (i == 0 or items[i - 1][2].lower() not in PREPOSITIONS)
              and ((items[nxt][2].lower() in SPEECH and tokens.gap(nxt) in (" ", ", "))
                   or text[end:end + 2] in ("'s", "’s"))):
            found.append((i, i))
    return [Span(items[a][0], items[b][1], "naam") for a, b in found]
