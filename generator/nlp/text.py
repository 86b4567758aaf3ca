"""Dutch text processing: sentences and lemmas with spaCy, and the terms the models see.

Two steps with different costs, kept apart on purpose:

* :class:`DutchProcessor` turns a text into sentences (character offsets) with the lemma of
  every word. This is the expensive per-story step, so its output is what
  :mod:`generator.nlp.cache` stores, keyed by content hash. It keeps stop words, so that
  editing the stop list never invalidates the cache.
* :class:`TermExtractor` turns those lemmas into terms: content lemmas (Dutch stop words and the
  domain stop list in ``taxonomy/stopwords.yml`` removed) plus the multi-word phrases of the
  taxonomy (``huiselijk geweld``, ``eigen regie``), matched on the full lemma sequence so that a
  phrase made of stop words (``zelf doen``) still counts. It is cheap and redone every build.

The default pipeline is ``spacy.blank("nl")`` with the lookup tables of spacy-lookups-data: it
needs no download and is fast. The plain lookup table misses many inflected forms
(``moeders``, ``kinderen``, ``vrouwen``), so a miss falls back to the irregular-form tables and
the suffix rules of the same package, accepting a candidate only when it is a known lemma.
A trained ``nl_core_news_*`` pipeline is used instead when one is installed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
import yaml

from generator.nlp.compounds import split_compound
from generator.taxonomy import taxonomy_file

PIPELINE_VERSION = "rijk-nlp-3"
"""Bump when the lemma extraction below changes: it is part of every cache key."""

TRAINED_PIPELINES = ("nl_core_news_lg", "nl_core_news_md", "nl_core_news_sm")

_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{0,60}\]")
"""De-identified text carries placeholders such as ``[naam]``; they are not words."""

_WORD = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*$")
_SENTENCE_END = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
_BLOCK_START = frozenset({"-", "*", "#", "##", "###", ">", "•"})
_UNSEEN: tuple[str, ...] = ("<unseen>",)
_POS_ORDER = ("noun", "adj", "verb")


@dataclass(frozen=True)
class ProcessedText:
    """One text as sentences: ``(start, end)`` character offsets and the sentence's lemmas.

    Lemmas are lower case and include stop words; numbers, punctuation and placeholders are
    left out. This is exactly what the cache stores.
    """

    spans: tuple[tuple[int, int], ...]
    lemmas: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict:
        return {"spans": [list(s) for s in self.spans],
                "lemmas": [" ".join(s) for s in self.lemmas]}

    @classmethod
    def from_json(cls, data: dict) -> ProcessedText:
        return cls(
            spans=tuple((int(a), int(b)) for a, b in data["spans"]),
            # interned: the same few thousand lemmas recur millions of times in a large corpus
            lemmas=tuple(tuple(map(sys.intern, s.split())) for s in data["lemmas"]),
        )


class LookupLemmatizer:
    """Lemmas from spacy-lookups-data without part-of-speech tags, memoised per word form."""

    def __init__(self) -> None:
        from spacy.lookups import load_lookups

        tables = load_lookups("nl", ["lemma_lookup", "lemma_index", "lemma_exc", "lemma_rules"])
        self._lookup = tables.get_table("lemma_lookup")
        self._exc = {p: tables.get_table("lemma_exc").get(p, {}) for p in _POS_ORDER}
        self._index = {p: frozenset(tables.get_table("lemma_index").get(p, ())) for p in _POS_ORDER}
        self._rules = {p: tables.get_table("lemma_rules").get(p, []) for p in _POS_ORDER}
        self._memo: dict[str, str] = {}
        from spacy.lang.nl.stop_words import STOP_WORDS

        self._stop = frozenset(STOP_WORDS)  # function words keep their own form

    def __call__(self, word: str) -> str:
        lemma = self._memo.get(word)
        if lemma is None:
            found = self._lemmatize(word).strip()
            # the tables hold a few lemmas with spaces ("sloten" → "slot "): one token, one
            # word, or the cache (which stores a sentence's lemmas space-separated) would
            # read back something else than was computed
            lemma = self._memo[word] = found if found and " " not in found else word
        return lemma

    def _lemmatize(self, word: str) -> str:
        # The lookup table maps many base forms to a verb (``buurt`` → ``buurten``, ``licht`` →
        # ``lichten``), so a word that is itself a known noun or adjective stays as it is.
        if word in self._stop or word in self._index["noun"] or word in self._index["adj"]:
            return word
        forms = self._exc["noun"].get(word)
        if forms:
            return forms[0]
        if word in self._index["verb"]:
            return word
        found = self._lookup.get(word)
        if found:
            return found
        for pos in ("adj", "verb"):
            forms = self._exc[pos].get(word)
            if forms:
                return forms[0]
        for pos in ("noun", "adj"):  # verb suffix rules without a tag do more harm than good
            for old, new in self._rules[pos]:
                if word.endswith(old) and len(word) > len(old) + 2:
                    candidate = word[: len(word) - len(old)] + new
                    if candidate in self._index[pos]:
                        return candidate
        return word


class DutchProcessor:
    """spaCy Dutch: a trained ``nl_core_news_*`` pipeline if installed, else blank + lookups.

    ``name`` identifies the pipeline and its version; it is part of the cache key, so installing
    a trained pipeline reprocesses everything once.
    """

    def __init__(self, prefer_trained: bool = True) -> None:
        self._nlp = None
        if prefer_trained:
            for model in TRAINED_PIPELINES:
                if spacy.util.is_package(model):
                    self._nlp = spacy.load(model, exclude=["ner", "parser", "textcat"])
                    break
        if self._nlp is None:
            self._nlp = spacy.blank("nl")
            self._lemmatizer: LookupLemmatizer | None = LookupLemmatizer()
            import spacy_lookups_data

            lookups = getattr(spacy_lookups_data, "__version__", "?")
            self.name = f"blank-nl+lookups-{lookups}"
        else:
            self._lemmatizer = None
            meta = self._nlp.meta
            self.name = f"{meta['lang']}_{meta['name']}-{meta['version']}"
        self.name = f"{PIPELINE_VERSION}/{self.name}/spacy-{spacy.__version__}"
        self._abbreviations = frozenset(self._nlp.tokenizer.rules or {})

    @property
    def trained(self) -> bool:
        return self._lemmatizer is None

    def process(self, texts: Sequence[str], batch_size: int = 64) -> list[ProcessedText]:
        """Sentences and lemmas for each text, in order."""
        cleaned = (_PLACEHOLDER.sub(lambda m: " " * len(m.group()), t) for t in texts)
        return [self._extract(doc) for doc in self._nlp.pipe(cleaned, batch_size=batch_size)]

    def _extract(self, doc) -> ProcessedText:
        """Sentences (character spans) and their lemmas. The token attributes are read once
        into lists: indexing a spaCy ``Doc`` per token costs more than the rest of the loop."""
        spans: list[tuple[int, int]] = []
        lemmas: list[tuple[str, ...]] = []
        start: int | None = None
        end = 0
        current: list[str] = []
        lemmatize = self._lemmatizer
        abbreviations = self._abbreviations
        tokens = list(doc)
        texts = [t.text for t in tokens]
        following = [*texts[1:], ""]

        def close() -> None:
            nonlocal start, current
            if start is not None and current:
                spans.append((start, end))
                lemmas.append(tuple(current))
            start, current = None, []

        for token, text, after in zip(tokens, texts, following, strict=True):
            if token.is_space:
                if "\n\n" in text or ("\n" in text and after in _BLOCK_START):
                    close()
                continue
            if start is None and text not in _BLOCK_START:
                start = token.idx
            if start is not None:
                end = token.idx + len(text)
            if text in _SENTENCE_END:
                close()
                continue
            whitespace = token.whitespace_
            if "\n\n" in whitespace + text:
                close()
            # spaCy keeps the full stop on mixed-case words (``DigiD.``); before a capital that
            # is the end of a sentence, unless the token is a known abbreviation (``mevr.``).
            ends = (len(text) >= 3 and text.endswith(".") and text not in abbreviations
                    and (not after or after[:1].isupper() or after[:1] in "\"'“‘"))
            if ends:
                text = text[:-1]
            if token.is_alpha or (_WORD.match(text) and len(text) > 1):
                lower = text.lower()
                lemma = lemmatize(lower) if lemmatize else token.lemma_.lower().strip() or lower
                current.append(lemma if " " not in lemma else lower)
            if ends:
                close()
                continue
            if "\n" in whitespace and after in _BLOCK_START:
                close()
        close()
        return ProcessedText(spans=tuple(spans), lemmas=tuple(lemmas))

    def lemma(self, word: str) -> str:
        """The lemma of one lower-case word without context (compound parts): the lookup
        lemmatiser, or the trained pipeline's lemma of the word alone."""
        if self._lemmatizer is not None:
            return self._lemmatizer(word)
        doc = self._nlp(word)
        return doc[0].lemma_.lower() if len(doc) == 1 and doc[0].lemma_ else word

    def lemmatize_phrase(self, phrase: str) -> tuple[str, ...]:
        """The lemmas of a short phrase (a taxonomy example or a stop word), in order."""
        processed = self.process([phrase])[0]
        return tuple(lemma for sentence in processed.lemmas for lemma in sentence)


def load_domain_stopwords(taxonomy_dir: Path | None) -> list[str]:
    """The domain stop list from ``taxonomy/stopwords.yml`` (``words: [...]``), else the shipped
    default; none when ``taxonomy_dir`` is ``None``."""
    if taxonomy_dir is None:
        return []
    path = taxonomy_file(taxonomy_dir, "stopwords.yml")
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    words = data.get("words", []) if isinstance(data, dict) else data
    return [str(w).strip().lower() for w in words or [] if str(w).strip()]


class TermExtractor:
    """Turns cached lemma sentences into terms: content lemmas, their compound parts
    (:mod:`generator.nlp.compounds`) and taxonomy phrases.

    Parameters
    ----------
    processor:
        Used once, to lemmatise the stop words and the taxonomy phrases the same way as the text.
    stopwords:
        Extra (domain) stop words on top of spaCy's Dutch list.
    phrases:
        Taxonomy examples. A single-word example is never a stop word (``alleen``, ``samen`` and
        ``zelf`` matter for eenzaamheid, betrokkenheid and autonomie); a multi-word example becomes
        one term when its lemma sequence occurs in a sentence.
    """

    def __init__(self, processor: DutchProcessor, stopwords: Iterable[str] = (),
                 phrases: Iterable[str] = (), split_compounds: bool = True) -> None:
        from spacy.lang.nl.stop_words import STOP_WORDS

        self.split_compounds = split_compounds
        self._lemma = processor.lemma
        self._part_memo: dict[str, tuple[str, ...] | None] = {}

        lemma_of = processor.lemmatize_phrase
        protected: set[str] = set()
        self.phrases: dict[tuple[str, ...], str] = {}
        for phrase in phrases:
            lemmas = lemma_of(phrase)
            if len(lemmas) == 1:
                protected.add(lemmas[0])
            elif 1 < len(lemmas) <= 4:
                self.phrases[lemmas] = " ".join(lemmas)
        stop: set[str] = set()
        for word in [*STOP_WORDS, *stopwords]:
            stop.add(word.lower())
            stop.update(lemma_of(word))
        self.stopwords = frozenset(stop - protected)
        self._phrase_starts = frozenset(p[0] for p in self.phrases)
        self._phrase_lengths = sorted({len(p) for p in self.phrases}, reverse=True)

    def sentence_terms(self, lemmas: Sequence[str]) -> list[str]:
        """Terms of one sentence: content lemmas in order, then their compound parts, then
        the phrases found."""
        terms: list[str] = []
        parts: list[str] = []
        for word in lemmas:
            found = self.word_terms(word)
            if found:
                terms.append(found[0])
                parts.extend(found[1:])
        terms += parts
        terms += self.sentence_phrases(lemmas)
        return terms

    def word_terms(self, word: str) -> tuple[str, ...]:
        """The terms one lemma brings wherever it stands: itself and its compound parts, or
        nothing for a stop word (memoised; :meth:`sentence_terms` is this per word, in order,
        plus the phrases)."""
        found = self._part_memo.get(word, _UNSEEN)
        if found is _UNSEEN:
            found = self._part_memo[word] = self._parts(word)
        return () if found is None else (word, *found)

    def sentence_phrases(self, lemmas: Sequence[str]) -> list[str]:
        """The taxonomy phrases in one sentence, in order (every length that matches)."""
        starts = self._phrase_starts
        if not starts or starts.isdisjoint(lemmas):
            return []
        found = []
        for i, word in enumerate(lemmas):
            if word in starts:
                for n in self._phrase_lengths:
                    term = self.phrases.get(tuple(lemmas[i : i + n]))
                    if term:
                        found.append(term)
        return found

    def _parts(self, word: str) -> tuple[str, ...] | None:
        """None for a word that is no term (a stop word or one letter); else the content parts
        of a compound, lemmatised (``huurachterstanden`` is already the lemma
        ``huurachterstand`` → ``huur``, ``achterstand``), or () for a word that is no
        compound or when splitting is off. Memoised per word by :meth:`sentence_terms`."""
        if len(word) <= 1 or word in self.stopwords:
            return None
        if not self.split_compounds:
            return ()
        lemma = self._lemma
        return tuple(dict.fromkeys(
            p for p in (lemma(part) for part in split_compound(word))
            if p not in self.stopwords and p != word))

    def document_terms(self, processed: ProcessedText) -> list[list[str]]:
        return [self.sentence_terms(s) for s in processed.lemmas]

    def phrase_terms(self, phrase: str, processor: DutchProcessor) -> list[str]:
        """Terms of a taxonomy phrase: its content lemmas and, if multi-word, the phrase itself."""
        lemmas = processor.lemmatize_phrase(phrase)
        terms = [w for w in lemmas if len(w) > 1 and w not in self.stopwords]
        if len(lemmas) > 1 and lemmas in self.phrases:
            terms.append(self.phrases[lemmas])
        return terms
