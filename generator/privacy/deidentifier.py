"""The :class:`Deidentifier`: analyse a story once, then replace, report or collect.

Analysis of one story = deduce's annotations + our social-domain rules, per field, then the
names found in any field are looked for in every field (a first name introduced in the body
is also replaced in the title), keep phrases are given back and overlaps merged. Results are
memoised in the process and cached on disk by content hash.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.privacy import engine
from generator.privacy.cache import Analysis, AnalysisCache, cache_key
from generator.privacy.forms import extra_name_spans
from generator.privacy.markup import mask_markup, split_at_markup, widen_over_underscores
from generator.privacy.model import Finding, Span
from generator.privacy.replace import findings as to_findings
from generator.privacy.replace import replace
from generator.privacy.residual import Confirmation, ResidualRisk, residual_risks
from generator.privacy.resolve import (
    drop_sentence_openers,
    keep_pattern,
    lower_case_names,
    mentions,
    merge,
    name_words,
    tidy_deduce_names,
    trim_name_edges,
    without_keep,
    without_places,
)
from generator.privacy.rules import name_spans, regex_spans
from generator.privacy.words import PARTICLES, first_names, keep_names

PARALLEL_FROM = 400
"""Fork workers only for this many uncached stories: below it the fork costs more."""

_worker_self: Deidentifier | None = None


class Deidentifier:
    """De-identifies stories; ``keep`` are phrases never redacted (places, teams, authors)."""

    def __init__(self, keep: Sequence[str], cache_dir: Path | None = None,
                 confirmations: Sequence[Confirmation] = (), isolated: bool = False) -> None:
        """``isolated``: analyse cache misses in a separate, spawned process unless deduce is
        already loaded here. deduce's lookup tables take about 1.25 GB (measured on
        deduce 3.0); a build holds 10,000 stories, their pages and the NLP next to them, so
        loaded in one process the two add up (2.4 GB measured at 10,000 stories). Apart, the
        peak is the larger of the two. A long-running server keeps it in-process instead:
        there a loaded model answers the next story in milliseconds."""
        engine.check_available()
        self.isolated = isolated
        self.confirmations = list(confirmations)
        # a single-word shop that is also a first name ("Dirk") would make every Dirk readable:
        # fail closed, such entries of the built-in list do not count
        builtin = [k for k in keep_names() if " " in k or k not in first_names()]
        self.keep = sorted({k.strip() for k in (*keep, *builtin) if k and k.strip()})
        self._keep_re = keep_pattern(self.keep)
        self._keep_single = {k for k in self.keep if " " not in k}
        self._acronyms = {k for k in self.keep if k.isupper()}
        self._cache = AnalysisCache(cache_dir) if cache_dir else None
        self._memo: dict[str, Analysis] = {}

    # -- public API ---------------------------------------------------------------------

    def deidentify(self, text: str) -> str:
        return self.deidentify_fields({"text": text})["text"]

    def deidentify_fields(self, fields: Mapping[str, str]) -> dict[str, str]:
        """Title, summary and body of one story; a name found in one field is replaced in
        all of them."""
        analysis = self.analyse(fields)
        return {name: replace(text, analysis[name]) for name, text in fields.items()}

    def findings(self, text: str, residual: bool = True) -> list[Finding]:
        """What would be replaced, and (``residual``) the known names left readable, as
        findings of kind "restrisico" (see :mod:`.residual`), in text order."""
        analysis = self.analyse({"text": text})
        found = to_findings(text, analysis["text"])
        if residual:
            found += [Finding(r.line, "restrisico", r.word)
                      for r in self.residual({"text": text}, analysis) if not r.confirmed]
        return sorted(found, key=lambda f: f.line)

    def residual(self, fields: Mapping[str, str], analysis: Analysis | None = None,
                 story_id: str | None = None) -> list[ResidualRisk]:
        """Known names that stay readable after de-identification of ``fields`` (the second,
        independent check), confirmed ones marked with who confirmed them."""
        analysis = analysis if analysis is not None else self.analyse(fields)
        return residual_risks(fields, analysis, self._keep_re, self.confirmations, story_id)

    def analyse(self, fields: Mapping[str, str]) -> Analysis:
        """The final spans per field (memoised, cached on disk)."""
        return self.analyse_many([fields])[0]

    def analyse_many(self, stories: Sequence[Mapping[str, str]]) -> list[Analysis]:
        """Analyse many stories; cache misses run in forked workers when that pays off.

        Each story is analysed independently and results come back in input order, so the
        outcome is the same with or without workers.
        """
        keys = [cache_key(fields, self.keep) for fields in stories]
        results: dict[str, Analysis] = {}
        missing: dict[str, Mapping[str, str]] = {}
        for key, fields in zip(keys, stories, strict=True):
            found = self._memo.get(key) or (self._cache.get(key) if self._cache else None)
            if found is not None and set(found) == set(fields):
                results[key] = found
            else:
                missing[key] = fields
        if missing:
            computed = self._run(list(missing.values()))
            for key, analysis in zip(missing, computed, strict=True):
                results[key] = analysis
                if self._cache:
                    self._cache.put(key, analysis)
        self._memo.update(results)
        return [results[key] for key in keys]

    # -- work ---------------------------------------------------------------------------

    def _run(self, stories: list[Mapping[str, str]]) -> list[Analysis]:
        if self.isolated and not engine.loaded():
            return _run_apart(self.keep, stories)
        engine.model()  # load (or fail) before forking, so workers share the loaded model
        workers = min(os.cpu_count() or 1, 8)
        if (len(stories) < PARALLEL_FROM or workers < 2
                or "fork" not in multiprocessing.get_all_start_methods()):
            return [self._analyse_now(fields) for fields in stories]
        global _worker_self
        _worker_self = self
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return pool.map(_analyse_in_worker, stories, chunksize=64)
        except engine.DeidentificationUnavailable:
            raise
        except Exception as exc:
            raise engine.DeidentificationUnavailable(
                f"de-identificatie in parallel mislukt: {exc}") from exc
        finally:
            _worker_self = None

    def _analyse_now(self, fields: Mapping[str, str]) -> Analysis:
        raw: dict[str, list[Span]] = {}
        # the name rules read the text with emphasis and user-name underscores blanked out
        # ("*mevrouw* *bakker*", "Jan_Jansen"); same length, so spans fit the original
        masked = {name: mask_markup(text) for name, text in fields.items()}
        for name, original in fields.items():
            text = masked[name]
            spans = tidy_deduce_names(engine.annotate(text), text, self._keep_single)
            spans += regex_spans(original) + name_spans(text)
            spans += extra_name_spans(text, spans, self._acronyms)
            raw[name] = without_places(without_coded_names(spans, text), text)
        words: set[str] = set()
        for name, text in masked.items():
            # "Bloemen van de Voedselbank": only with the shop given back is "Bloemen" a
            # sentence opener on its own
            raw[name] = drop_sentence_openers(without_keep(raw[name], text, self._keep_re),
                                              text)
            kept = raw[name]
            words |= name_words(kept, text)
            words |= lower_case_names(kept, text)  # "ron de wit", later "ron" alone
        out: Analysis = {}
        for name, text in masked.items():
            spans = raw[name] + mentions(words, text)
            spans = trim_name_edges(merge(without_keep(spans, text, self._keep_re), text),
                                    text)
            if "_" in fields[name]:  # "Jan_Jansen": the whole user name, merged again
                spans = merge(widen_over_underscores(spans, fields[name]), fields[name])
            out[name] = split_at_markup(spans, fields[name])
        return out


CBS_PREFIXES = ("GM", "WK", "BU")
"""CBS codes of gemeente, wijk and buurt ("BU03630000"): public, never a person's number."""


def without_coded_names(spans: list[Span], text: str) -> list[Span]:
    """Drop what only looks like personal data because of how codes are written:

    - a "name" with a digit in it is a code: a story id ("ce-2019-001"), a CBS code
      ("WK036396"), a standard ("NEN-3140"); taken for a name, a story id became a needle for
      the post-build scan and failed every build that cites the story;
    - a "name" of one hyphenated word that ends in a lower-case word is a compound noun
      ("CBS-code", "GGD-arts"), never a name ("Owusu-Ansah", "Jan-Willem");
    - a number glued to a CBS prefix ("BU03630000") is a CBS code."""
    out = []
    for span in spans:
        found = text[span.start:span.end]
        if span.kind == "naam":
            if any(ch.isdigit() for ch in found):
                continue
            parts = found.split("-")
            if len(parts) > 1 and " " not in found and parts[0][:1].isupper() and \
                    parts[-1].islower() and parts[-1] not in PARTICLES:
                continue
        if span.kind == "nummer" and text[max(0, span.start - 2):span.start] in CBS_PREFIXES:
            continue
        out.append(span)
    return out


def _run_apart(keep: Sequence[str], stories: list[Mapping[str, str]]) -> list[Analysis]:
    """Analyse ``stories`` in a freshly spawned process that loads deduce, forks its own
    workers when that pays off, and exits (its memory with it). Fails closed: any fault
    of the child is :class:`~.engine.DeidentificationUnavailable`."""
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=1,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            return pool.submit(_analyse_in_child, list(keep), list(stories)).result()
    except engine.DeidentificationUnavailable:
        raise
    except Exception as exc:
        raise engine.DeidentificationUnavailable(
            f"de-identificatie in een apart proces mislukt: {exc!r}") from exc


def _analyse_in_child(keep: list[str], stories: list[Mapping[str, str]]) -> list[Analysis]:
    return Deidentifier(keep)._run(stories)


def _analyse_in_worker(fields: Mapping[str, str]) -> Analysis:
    assert _worker_self is not None
    return _worker_self._analyse_now(fields)
