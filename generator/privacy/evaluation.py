"""Measuring a de-identifier on a hand-written evaluation set (tests/data/privacy/*.yml).

An evaluation set holds short texts with every piece of personal data in them listed
(``expect``) and "clean" sentences that must come back unchanged. :func:`load_set` reads and
validates such a file, :func:`evaluate` runs any de-identifier over it and returns an
:class:`EvalReport` with recall per kind and per form, the misses and the false redactions.

A de-identifier here is a function ``fields -> fields``: it gets ``{"title": …, "summary": …,
"body": …}`` (only the fields a text has) and returns the same keys with de-identified text,
the shape of :meth:`generator.privacy.Deidentifier.deidentify_fields`. Two ready-made ones:
:func:`ours_fields` (our pipeline) and :func:`stock_deduce_fields` (deduce as shipped, for
comparison).

Scoring, on purpose simple and strict about leaks rather than about spans:

* an expected item counts as FOUND when its exact string (case-sensitive, as a whole word,
  any whitespace between its words) no longer occurs in any output field of its text. So
  "Owusu" listed once covers every occurrence, and redacting "Bakker" in "A. Bakker" also
  removes the item "A. Bakker";
* a ``keep`` string of a text must still occur (same matching) in some output field;
* a clean sentence is falsely redacted when the output differs from the input at all; its
  lost words are the words (runs of word characters, joined by ``- ' . , : /``) of the input
  that are no longer in the output (counted as a multiset).

No click, no printing: the test suite and ad-hoc scripts call this.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "tests" / "data" / "privacy" / "dev.yml"
HELDOUT_SET = ROOT / "tests" / "data" / "privacy" / "heldout.yml"

FIELDS = ("title", "summary", "body")
KINDS = ("naam", "adres", "postcode", "telefoonnummer", "e-mailadres", "bsn", "geboortedatum")
NAME_FORMS = ("initiaal", "zinsbegin", "koppelteken", "hoofdletters", "kleine-letters",
              "bezitsvorm", "opsomming", "tussenvoegsel", "diakrieten", "achternaam-herhaald",
              "titel", "samenvatting", "gewoon")
CLEAN_FORMS = ("winkel", "instantie", "zinsopener", "domeinwoord", "plaats", "datum-tijd",
               "feestdag-taal", "getal")

WORD = re.compile(r"\w+(?:[-'’.,:/]\w+)*")

DeidentifyFields = Callable[[dict[str, str]], dict[str, str]]


class EvalSetError(ValueError):
    """The evaluation file does not have the expected format; the message names the item."""


# -- the set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One expected piece of personal data: the string exactly as written in the text."""

    text: str
    kind: str
    form: str | None = None

    @property
    def group(self) -> str:
        """The form, or the kind when no form is given (per-form tables use this)."""
        return self.form or self.kind


@dataclass(frozen=True)
class EvalText:
    """One text: ``fields`` holds title/summary/body (only those present)."""

    id: str
    voice: str
    fields: dict[str, str]
    expect: tuple[Item, ...]
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class CleanSentence:
    """A sentence without personal data that must come back unchanged."""

    text: str
    form: str
    index: int  # position in the file's ``clean`` list, 0-based


@dataclass(frozen=True)
class EvalSet:
    path: Path
    texts: tuple[EvalText, ...]
    clean: tuple[CleanSentence, ...]

    @property
    def items(self) -> list[tuple[EvalText, Item]]:
        return [(text, item) for text in self.texts for item in text.expect]

    def count_by_kind(self) -> Counter[str]:
        """Number of expected items per kind."""
        return Counter(item.kind for _, item in self.items)

    def count_by_form(self) -> Counter[str]:
        """Number of expected items per form (kind for items without a form)."""
        return Counter(item.group for _, item in self.items)

    def count_clean_by_form(self) -> Counter[str]:
        return Counter(sentence.form for sentence in self.clean)


def pattern(text: str) -> re.Pattern[str]:
    """``text`` as a whole word, case-sensitive, any whitespace between its words; a
    possessive ending counts as the name ("Egberts", "Joris'", "Sanne's" hold "Egbert" …)."""
    words = text.split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words)
                      + r"(?:'s|’s|'|’|s)?(?!\w)")


def occurs(text: str, fields: Mapping[str, str]) -> bool:
    """Whether ``text`` occurs as a whole word in any of ``fields``' values."""
    regex = pattern(text)
    return any(regex.search(value) for value in fields.values())


PARTICLE_WORDS = {"van", "de", "der", "den", "ter", "ten", "te", "el", "al", "ben", "bin", "da",
                  "dos", "du", "la", "le", "op", "in", "het", "'t", "a", "mw", "dhr"}


def leaks(item: Item, output: Mapping[str, str]) -> bool:
    """Whether any of ``item`` is still readable: the whole string, or for a name any of its
    words of three letters or more other than particles ("Zubaidi" left of "Hamid al
    Zubaidi" is a leak; "al" is not)."""
    if occurs(item.text, output):
        return True
    if item.kind != "naam":
        return False
    words = [w for w in WORD.findall(item.text) if len(w) >= 3 and w.lower() not in
             PARTICLE_WORDS]
    return len(words) > 1 and any(occurs(w, output) for w in words)


def load_set(path: str | Path) -> EvalSet:
    """Read and validate an evaluation file (UTF-8 YAML, format in tests/data/privacy/dev.yml).

    Raises :class:`EvalSetError` naming the file and the text id (or clean index) on a missing
    or mistyped field, a duplicate id, an unknown kind, or an ``expect``/``keep`` string that
    does not occur in the text's title, summary or body.
    """
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalSetError(f"{path}: niet te lezen: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("texts"), list):
        raise EvalSetError(f"{path}: verwacht een mapping met een lijst 'texts'")
    texts: list[EvalText] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["texts"]):
        text = _text(path, number, raw)
        if text.id in seen:
            raise EvalSetError(f"{path}: {text.id}: id komt twee keer voor")
        seen.add(text.id)
        texts.append(text)
    raw_clean = data.get("clean") or []
    if not isinstance(raw_clean, list):
        raise EvalSetError(f"{path}: 'clean' moet een lijst zijn")
    clean = [_clean(path, index, raw) for index, raw in enumerate(raw_clean)]
    return EvalSet(path=path, texts=tuple(texts), clean=tuple(clean))


def _text(path: Path, number: int, raw: Any) -> EvalText:
    where = f"{path}: texts[{number}]"
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: verwacht een mapping")
    ident = raw.get("id")
    if not isinstance(ident, str) or not ident.strip():
        raise EvalSetError(f"{where}: 'id' ontbreekt of is geen tekst")
    where = f"{path}: {ident}"
    unknown = set(raw) - {"id", "voice", "expect", "keep", *FIELDS}
    if unknown:
        raise EvalSetError(f"{where}: onbekende velden {sorted(unknown)}")
    fields: dict[str, str] = {}
    for name in FIELDS:
        if name in raw and raw[name] is not None:
            if not isinstance(raw[name], str):
                raise EvalSetError(f"{where}: '{name}' moet tekst zijn")
            fields[name] = raw[name]
    if not fields.get("body", "").strip():
        raise EvalSetError(f"{where}: 'body' ontbreekt of is leeg")
    voice = raw.get("voice", "")
    if not isinstance(voice, str):
        raise EvalSetError(f"{where}: 'voice' moet tekst zijn")
    expect_raw = raw.get("expect")
    if not isinstance(expect_raw, list) or not expect_raw:
        raise EvalSetError(f"{where}: 'expect' ontbreekt of is leeg")
    items: list[Item] = []
    for index, entry in enumerate(expect_raw):
        item = _item(f"{where}: expect[{index}]", entry)
        if item in items:
            raise EvalSetError(f"{where}: expect[{index}]: {item.text!r} staat er twee keer")
        if not occurs(item.text, fields):
            raise EvalSetError(
                f"{where}: expect[{index}]: {item.text!r} staat niet in title/summary/body")
        items.append(item)
    keep_raw = raw.get("keep") or []
    if not isinstance(keep_raw, list) or not all(isinstance(k, str) and k.strip()
                                                 for k in keep_raw):
        raise EvalSetError(f"{where}: 'keep' moet een lijst met teksten zijn")
    for keep in keep_raw:
        if not occurs(keep, fields):
            raise EvalSetError(f"{where}: keep {keep!r} staat niet in title/summary/body")
    return EvalText(id=ident, voice=voice, fields=fields, expect=tuple(items),
                    keep=tuple(keep_raw))


def _item(where: str, entry: Any) -> Item:
    if not isinstance(entry, dict):
        raise EvalSetError(f"{where}: verwacht {{text, kind, form}}")
    unknown = set(entry) - {"text", "kind", "form"}
    if unknown:
        raise EvalSetError(f"{where}: onbekende velden {sorted(unknown)}")
    text, kind, form = entry.get("text"), entry.get("kind"), entry.get("form")
    if not isinstance(text, str) or not text.strip():
        raise EvalSetError(f"{where}: 'text' ontbreekt of is leeg")
    if kind not in KINDS:
        raise EvalSetError(f"{where}: kind {kind!r} onbekend (kies uit {', '.join(KINDS)})")
    if form is not None and (not isinstance(form, str) or not form.strip()):
        raise EvalSetError(f"{where}: 'form' moet tekst zijn")
    if kind == "naam" and form is None:
        raise EvalSetError(f"{where}: een naam heeft een 'form' nodig")
    return Item(text=text, kind=kind, form=form)


def _clean(path: Path, index: int, raw: Any) -> CleanSentence:
    where = f"{path}: clean[{index}]"
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: verwacht {{text, form}}")
    text, form = raw.get("text"), raw.get("form")
    if not isinstance(text, str) or not text.strip():
        raise EvalSetError(f"{where}: 'text' ontbreekt of is leeg")
    if not isinstance(form, str) or not form.strip():
        raise EvalSetError(f"{where}: 'form' ontbreekt ({text[:40]!r})")
    return CleanSentence(text=text, form=form, index=index)


# -- the report ------------------------------------------------------------------------


@dataclass
class Tally:
    """``found`` of ``total`` expected items; ``recall`` is found/total (1.0 when empty)."""

    found: int = 0
    total: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.total if self.total else 1.0


@dataclass(frozen=True)
class Miss:
    """An expected item whose string is still in the output of text ``id``."""

    id: str
    text: str
    kind: str
    form: str


@dataclass(frozen=True)
class KeepLoss:
    """A keep string of text ``id`` that is gone from the output."""

    id: str
    text: str


@dataclass(frozen=True)
class FalseRedaction:
    """A clean sentence that came back changed; ``lost`` are the input words now missing."""

    form: str
    text: str
    output: str
    lost: tuple[str, ...]


@dataclass
class EvalReport:
    """The outcome of :func:`evaluate`.

    ``per_kind``/``per_form``: recall tallies (items); ``clean_sentences``/``clean_words``:
    sizes of the clean part; ``clean_words_lost``: words of clean sentences missing from the
    output. Rates are fractions in [0, 1].
    """

    name: str
    per_kind: dict[str, Tally] = field(default_factory=dict)
    per_form: dict[str, Tally] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    keep_losses: list[KeepLoss] = field(default_factory=list)
    false_redactions: list[FalseRedaction] = field(default_factory=list)
    clean_per_form: dict[str, Tally] = field(default_factory=dict)  # found = unchanged
    clean_sentences: int = 0
    clean_words: int = 0
    clean_words_lost: int = 0
    texts: int = 0

    @property
    def total(self) -> Tally:
        """All expected items together."""
        return Tally(sum(t.found for t in self.per_kind.values()),
                     sum(t.total for t in self.per_kind.values()))

    @property
    def recall(self) -> float:
        """Found items / all expected items."""
        return self.total.recall

    @property
    def false_redaction_rate(self) -> float:
        """Changed clean sentences / all clean sentences."""
        return len(self.false_redactions) / self.clean_sentences if self.clean_sentences else 0.0

    @property
    def word_false_redaction_rate(self) -> float:
        """Words lost from clean sentences / all words of clean sentences."""
        return self.clean_words_lost / self.clean_words if self.clean_words else 0.0

    def as_markdown(self, misses: int | None = None) -> str:
        """The report as Markdown tables (Dutch headings); ``misses`` caps the miss list."""
        lines = [f"## {self.name}", "",
                 f"- teksten: {self.texts}, verwachte items: {self.total.total}, "
                 f"gevonden: {self.total.found} (recall {_pct(self.recall)})",
                 f"- schone zinnen: {self.clean_sentences}, onterecht gewijzigd: "
                 f"{len(self.false_redactions)} ({_pct(self.false_redaction_rate)}); woorden "
                 f"verloren: {self.clean_words_lost} van {self.clean_words} "
                 f"({_pct(self.word_false_redaction_rate)})",
                 f"- keep-teksten verdwenen: {len(self.keep_losses)}", ""]
        lines += _tally_table("Soort", self.per_kind)
        lines += _tally_table("Vorm", self.per_form)
        lines += _tally_table("Schone zinnen (vorm)", self.clean_per_form, "ongewijzigd")
        shown = self.misses if misses is None else self.misses[:misses]
        lines += ["### Gemist", "", "| id | tekst | soort | vorm |", "|---|---|---|---|"]
        lines += [f"| {m.id} | {_cell(m.text)} | {m.kind} | {m.form} |" for m in shown]
        if len(shown) < len(self.misses):
            lines.append(f"| … | nog {len(self.misses) - len(shown)} | | |")
        lines += ["", "### Onterecht geredigeerd", "", "| vorm | zin | uitvoer | verloren |",
                  "|---|---|---|---|"]
        lines += [f"| {f.form} | {_cell(f.text)} | {_cell(f.output)} | "
                  f"{_cell(', '.join(f.lost))} |" for f in self.false_redactions]
        if self.keep_losses:
            lines += ["", "### Keep-teksten verdwenen", "", "| id | tekst |", "|---|---|"]
            lines += [f"| {k.id} | {_cell(k.text)} |" for k in self.keep_losses]
        return "\n".join(lines) + "\n"


def compare_markdown(reports: Sequence[EvalReport]) -> str:
    """Recall per kind and per form, and the clean-sentence rates, side by side (Markdown)."""
    names = [r.name for r in reports]
    head = "| | " + " | ".join(names) + " |"
    rule = "|---|" + "---|" * len(reports)
    lines = ["## Vergelijking", "", head, rule]
    lines.append("| **recall totaal** | " + " | ".join(
        f"{_pct(r.recall)} ({r.total.found}/{r.total.total})" for r in reports) + " |")
    lines.append("| onterecht gewijzigde zinnen | " + " | ".join(
        f"{_pct(r.false_redaction_rate)} ({len(r.false_redactions)}/{r.clean_sentences})"
        for r in reports) + " |")
    lines.append("| verloren woorden | " + " | ".join(
        f"{_pct(r.word_false_redaction_rate)} ({r.clean_words_lost}/{r.clean_words})"
        for r in reports) + " |")
    for title, attr in (("Soort", "per_kind"), ("Vorm", "per_form")):
        lines += ["", f"| {title} | " + " | ".join(names) + " |", rule]
        keys = sorted({k for r in reports for k in getattr(r, attr)})
        for key in keys:
            cells = []
            for report in reports:
                tally = getattr(report, attr).get(key, Tally())
                cells.append(f"{_pct(tally.recall)} ({tally.found}/{tally.total})")
            lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _tally_table(title: str, tallies: Mapping[str, Tally], found: str = "gevonden") -> list[str]:
    lines = [f"### {title}", "", f"| {title.split()[0].lower()} | {found} | totaal | recall |",
             "|---|---:|---:|---:|"]
    for key in sorted(tallies, key=lambda k: (tallies[k].recall, k)):
        tally = tallies[key]
        lines.append(f"| {key} | {tally.found} | {tally.total} | {_pct(tally.recall)} |")
    return [*lines, ""]


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


# -- running ---------------------------------------------------------------------------


def evaluate(eval_set: EvalSet, deidentify_fields: DeidentifyFields,
             name: str = "de-identificatie") -> EvalReport:
    """Run ``deidentify_fields`` over every text and clean sentence of ``eval_set``.

    ``deidentify_fields`` gets a fresh ``dict`` of the fields a text has (title, summary,
    body; a clean sentence is ``{"body": sentence}``) and must return a dict with the same
    keys. Scoring is described in the module docstring.
    """
    report = EvalReport(name=name, texts=len(eval_set.texts))
    for text in eval_set.texts:
        output = _run(deidentify_fields, text.fields, text.id)
        for item in text.expect:
            found = not leaks(item, output)
            for table, key in ((report.per_kind, item.kind), (report.per_form, item.group)):
                tally = table.setdefault(key, Tally())
                tally.total += 1
                tally.found += found
            if not found:
                report.misses.append(Miss(text.id, item.text, item.kind, item.group))
        report.keep_losses += [KeepLoss(text.id, keep) for keep in text.keep
                               if not occurs(keep, output)]
    for sentence in eval_set.clean:
        output = _run(deidentify_fields, {"body": sentence.text},
                      f"clean[{sentence.index}]")["body"]
        words = WORD.findall(sentence.text)
        lost = Counter(words) - Counter(WORD.findall(output))
        report.clean_sentences += 1
        report.clean_words += len(words)
        report.clean_words_lost += sum(lost.values())
        tally = report.clean_per_form.setdefault(sentence.form, Tally())
        tally.total += 1
        if output == sentence.text:
            tally.found += 1
        else:
            report.false_redactions.append(FalseRedaction(
                sentence.form, sentence.text, output, tuple(lost.elements())))
    return report


def _run(deidentify_fields: DeidentifyFields, fields: Mapping[str, str],
         where: str) -> dict[str, str]:
    output = deidentify_fields(dict(fields))
    if set(output) != set(fields):
        raise ValueError(f"{where}: de-identificatie gaf velden {sorted(output)} terug, "
                         f"verwacht {sorted(fields)}")
    return output


def stock_deduce_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """deduce as shipped (its default processors, including its own redactor that writes
    ``[PERSOON-1]`` and the like), applied to each field separately; the process-wide model
    of :func:`generator.privacy.engine.model` (first load ~10 s, ~1 min on a new machine)."""
    from generator.privacy.engine import model

    deduce = model()
    return {name: deduce.deidentify(text).deidentified_text if text.strip() else text
            for name, text in fields.items()}


def default_keep() -> list[str]:
    """The names that must stay readable on the site: places, teams and organisations from
    the project's taxonomy (what the build passes as ``keep``)."""
    from generator.taxonomy import Taxonomy

    return Taxonomy.load(ROOT / "taxonomy").readable_names()


def ours_fields(keep: Sequence[str] | None = None) -> DeidentifyFields:
    """Our pipeline, :meth:`generator.privacy.Deidentifier.deidentify_fields`, with ``keep``
    (default :func:`default_keep`) and no disk cache."""
    from generator.privacy import Deidentifier

    deidentifier = Deidentifier(keep=default_keep() if keep is None else list(keep))
    return deidentifier.deidentify_fields
