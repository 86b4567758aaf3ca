"""The build pipeline as small steps: load → validate → gate → de-identify → NLP → figures.

Each step is a function with plain inputs and outputs so ``rijk build``/``rijk serve``
(:mod:`generator.build`), the MkDocs plugin, ``rijk bench`` and the tests run the same code.
The publication gate sits before anything that produces text for the site: a story that is
not ``published`` with ``consent: true`` never reaches de-identification, NLP, pages or
exports.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.checks import CheckResult, check_corpus
from generator.jsonstore import JsonStore
from generator.privacy.keep import keep_phrases
from generator.problems import Problem
from generator.story import Story
from generator.storybody import render_body, render_version
from generator.taxonomy import Taxonomy

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")

class PublicationError(RuntimeError):
    """The site cannot be published safely (fail closed); the message says why in Dutch."""


@dataclass(frozen=True)
class PipelinePaths:
    """Where the pipeline reads from and caches to."""

    stories: Path
    taxonomy: Path
    figures: Path
    cache: Path | None = None
    selections: Path | None = None
    """``selections/``: waardenkring and MSC choices (:mod:`generator.selections`)."""
    reactions: Path | None = None
    """``reactions/``: residents' approved reactions (:mod:`generator.reactions`)."""


@dataclass
class PublicStory:
    """A story that passed the gate, with de-identified text and sanitised body HTML.

    ``story`` is a copy of the source story whose title, summary and body are the
    de-identified ones and whose feedback is gone: the source text is not reachable from
    here (the line numbers still point into the source file, for the build log)."""

    story: Story
    title: str
    summary: str
    body: str
    body_html: str
    residual: list[Any] = field(default_factory=list)
    """Restrisico findings (:class:`generator.privacy.residual.ResidualRisk`): known names
    left readable; the build logs them and ``--strict`` fails on unconfirmed ones."""

    @property
    def id(self) -> str:
        return self.story.id

    def analysis_text(self) -> str:
        return "\n\n".join(p for p in (self.title, self.summary, self.body) if p)


@dataclass
class SiteData:
    """Everything the pages and exports are made from."""

    taxonomy: Taxonomy
    checked: CheckResult
    stories: list[PublicStory]
    figures: Any = None
    analysis: Any = None
    evaluation: Any = None
    evaluation_markdown: str = ""
    held_out: Any = None
    held_out_markdown: str = ""
    withheld: int = 0
    personal_data: dict[str, str] = field(default_factory=dict)
    """The needles of the post-build scan: ``{personal data found: source file it came from}``."""
    timings: dict[str, float] = field(default_factory=dict)
    choices: list[Any] = field(default_factory=list)
    """Valid waardenkring/MSC choices of public stories, with de-identified panel name, roles
    and reason (:class:`generator.selections.Choice`)."""
    reactions: list[Any] = field(default_factory=list)
    """Approved reactions to public stories and wijken, de-identified again
    (:class:`generator.reactions.Reaction`)."""

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems


def gate(stories: list[Story]) -> tuple[list[Story], int]:
    """Keep only ``status: published`` with ``consent: true``; count what was withheld."""
    public = [s for s in stories if s.is_public]
    return sorted(public, key=lambda s: (s.date, s.id)), len(stories) - len(public)


def story_fields(story: Story) -> dict[str, str]:
    """The text fields that are published, de-identified together (one person, one name):
    title, summary, body and each signal's text (``signal_0`` …)."""
    fields = {"title": story.title, "summary": story.summary or "", "body": story.body}
    fields.update({f"signal_{i}": signal.text for i, signal in enumerate(story.signals)})
    return fields


ISOLATE_FROM = 1000
"""From this many source stories a build runs deduce in its own process (see
:class:`generator.privacy.Deidentifier`): at 10,000 the two added up to 2.4 GB. Below it the
build's own memory is small (about 0.3 GB for the demo) and a spawned process costs 2–3 s of
imports per build."""


def deidentify(stories: list[Story], taxonomy: Taxonomy, cache: Path | None,
               all_stories: list[Story], extra: list[dict[str, str]] | None = None,
               keep_also: list[str] | None = None,
               extra_origins: list[str] | None = None, isolated: bool = False,
               ) -> tuple[list[PublicStory], dict[str, str]]:
    """De-identify every public story (fail closed) and collect the personal data found in
    all sources, for the scan of the built site. ``extra`` are other published texts (a
    panel's reason, a resident's reaction) as field dicts: de-identified in place, and their
    personal data joins the needles. ``keep_also``: phrases that stay readable, like the
    taxonomy's organisations (the names of the panels: "Waardenkring Gaasperdam 2019").
    ``extra_origins``: the source file of each of ``extra``. Returns the public stories and
    ``{needle: source file}`` (see :func:`generator.privacy.collect_needles`)."""
    try:
        from generator.privacy import DeidentificationUnavailable, Deidentifier, collect_needles
    except ImportError as exc:
        raise PublicationError(f"de-identificatie is niet beschikbaar ({exc}); er wordt niets "
                               "gepubliceerd.") from exc
    from generator.privacy.residual import ConfirmationError, load_confirmations

    try:
        confirmations = (load_confirmations(taxonomy.directory)
                         if taxonomy.directory is not None else [])
    except ConfirmationError as exc:
        raise PublicationError(f"{exc}. Er wordt niets gepubliceerd.") from exc
    try:
        deidentifier = Deidentifier(keep=[*keep_phrases(taxonomy, all_stories),
                                          *(keep_also or [])],
                                    cache_dir=cache / "privacy" if cache else None,
                                    confirmations=confirmations,
                                    isolated=isolated and len(all_stories) >= ISOLATE_FROM)
        sources = [story_fields(s) for s in all_stories]
        extra_sources = [dict(fields) for fields in extra or []]
        deidentifier.analyse_many(sources)  # one pass (parallel when large, cached)
        public = _published_stories(stories, deidentifier, confirmations, cache)
        for fields in extra or []:
            fields.update(deidentifier.deidentify_fields(dict(fields)))
        origins = [s.path or s.id for s in all_stories]
        origins += extra_origins if extra_origins is not None else [""] * len(extra_sources)
        needles = collect_needles(deidentifier, [*sources, *extra_sources], origins)
    except DeidentificationUnavailable as exc:
        raise PublicationError(f"de-identificatie kon niet draaien: {exc}. Er wordt niets "
                               "gepubliceerd.") from exc
    return public, needles


def _published_stories(stories: list[Story], deidentifier: Any, confirmations: list[Any],
                       cache: Path | None) -> list[PublicStory]:
    """Each story's de-identified fields, body HTML and restrisico findings, cached per story
    by everything they depend on (the text, the keep phrases, the confirmations, the privacy
    code and the body renderer): at 10,000 unchanged stories rendering and re-checking every
    body cost 34 s a build."""
    from generator.privacy.cache import code_version
    from generator.privacy.residual import ResidualRisk

    store = JsonStore(cache / "privacy" / "published") if cache else None
    settings = [code_version(), render_version(), list(deidentifier.keep),
                sorted(json.dumps(c.model_dump(mode="json"), sort_keys=True)
                       for c in confirmations)]
    originals = [story_fields(story) for story in stories]
    keys = [hashlib.sha256(json.dumps([settings, story.id, sorted(original.items())],
                                      ensure_ascii=False).encode()).hexdigest()
            for story, original in zip(stories, originals, strict=True)]
    stored = store.get_many(keys) if store is not None else [None] * len(keys)
    public: list[PublicStory] = []
    new: list[tuple[str, Any]] = []
    for story, original, key, value in zip(stories, originals, keys, stored, strict=True):
        try:
            fields = dict(value["fields"])
            body_html = str(value["body_html"])
            residual = [ResidualRisk(**risk) for risk in value["residual"]]
            if set(fields) != set(original):
                raise ValueError("fields changed")
        except (TypeError, KeyError, ValueError):
            fields = deidentifier.deidentify_fields(original)
            body_html = render_body(fields["body"])
            residual = deidentifier.residual(original, story_id=story.id)
            new.append((key, {"fields": fields, "body_html": body_html,
                              "residual": [dataclasses.asdict(r) for r in residual]}))
        # the story object the pages see holds the de-identified text only (and no
        # reviewer feedback): nothing in a template can reach the source text
        published = story.model_copy(update={
            "title": fields["title"], "summary": fields["summary"] or None,
            "body": fields["body"], "feedback": None,
            "signals": [signal.model_copy(update={"text": fields[f"signal_{i}"]})
                        for i, signal in enumerate(story.signals)]})
        public.append(PublicStory(story=published, title=fields["title"],
                                  summary=fields["summary"], body=fields["body"],
                                  body_html=body_html, residual=residual))
    if store is not None:
        store.put_many(new)
    return public


def analyse(stories: list[PublicStory], taxonomy: Taxonomy, cache: Path | None,
            random_state: int = 0) -> Any:
    """Themes, values and clusters for the public stories (see :mod:`generator.nlp`)."""
    from generator.nlp import Document, label_terms, load_domain_stopwords
    from generator.nlp import analyse as run_analysis
    from generator.nlp.training import training_documents

    documents = [
        Document(id=s.id, text=s.analysis_text(), declared_themes=tuple(s.story.themes),
                 declared_values=tuple(s.story.values))
        for s in stories
    ]
    assert taxonomy.directory is not None
    themes = label_terms(taxonomy.themes)
    values = label_terms(taxonomy.values)
    return run_analysis(documents, themes, values,
                        cache_dir=cache / "nlp" if cache else None, random_state=random_state,
                        stopwords=load_domain_stopwords(taxonomy.directory),
                        training=training_documents(taxonomy.directory, themes, values))


def load_responses(paths: PipelinePaths, taxonomy: Taxonomy,
                   checked: CheckResult) -> tuple[list[Any], list[Any]]:
    """The choices (``selections/``) and approved reactions (``reactions/``) that may be
    published; their problems join ``checked.problems`` (an invalid choice is left out, the
    build goes on, ``--strict`` fails)."""
    from generator.reactions import load_reactions
    from generator.selections import load_selections

    choices: list[Any] = []
    reactions: list[Any] = []
    if paths.selections is not None:
        found = load_selections(paths.selections, taxonomy, checked.stories)
        checked.problems.extend(found.problems)
        choices = found.choices
    if paths.reactions is not None:
        answered = load_reactions(paths.reactions, taxonomy, checked.stories)
        checked.problems.extend(answered.problems)
        reactions = answered.reactions
    return choices, reactions


def keepable_panel_names(choices: list[Any], taxonomy: Taxonomy,
                         all_stories: list[Story]) -> list[str]:
    """Panel names that stay readable ("Waardenkring Gaasperdam 2019": read as a name and an
    address otherwise): two words or more, and no capitalised word in it that is a known first
    name or surname unless it is also a place or organisation of the taxonomy ("Noord"). Any
    other panel name is de-identified like story text ("Waardenkring van [naam]")."""
    import re

    from generator.privacy.words import known_names

    names = known_names()
    safe = {w.lower() for phrase in keep_phrases(taxonomy, all_stories)
            for w in re.findall(r"\w+", phrase)}
    kept = set()
    for choice in choices:
        name = choice.panel.name
        capitals = [w for w in re.findall(r"\w+", name) if w[:1].isupper()]
        if len(name.split()) >= 2 and not any(w.lower() in names and w.lower() not in safe
                                              for w in capitals):
            kept.add(name)
    return sorted(kept)


def choice_fields(choice: Any) -> dict[str, str]:
    """The published text of a choice, de-identified like a story: panel name, roles, reason."""
    return {"panel": choice.panel.name, "roles": "; ".join(choice.panel.roles),
            "reason": choice.reason}


def with_choice_fields(choice: Any, fields: dict[str, str]) -> Any:
    roles = tuple(r.strip() for r in fields["roles"].split(";") if r.strip())
    panel = replace(choice.panel, name=fields["panel"], roles=roles)
    return replace(choice, panel=panel, reason=fields["reason"])


def load_figures(paths: PipelinePaths, taxonomy: Taxonomy) -> Any:
    from generator.figures.store import load_figures as load

    return load(paths.figures, taxonomy.indicators)


def prepare(paths: PipelinePaths, *, nlp: bool = True, random_state: int = 0,
            clock: Callable[[], float] | None = None,
            on_step: Callable[[str, float], None] | None = None,
            isolate_deduce: bool = False) -> SiteData:
    """Run every step and return what the pages are made from; ``on_step(name, seconds)`` is
    called after each step (the build prints one line per step). ``isolate_deduce``: load
    deduce in a separate process (see :class:`generator.privacy.Deidentifier`), for a
    one-off build; a server that rebuilds keeps it loaded in-process."""
    import time

    now = clock or time.perf_counter
    timings: dict[str, float] = {}

    def done(name: str, start: float) -> None:
        timings[name] = now() - start
        if on_step is not None:
            on_step(name, timings[name])

    start = now()
    taxonomy = Taxonomy.load(paths.taxonomy)
    checked = check_corpus([paths.stories], taxonomy)
    choices, reactions = load_responses(paths, taxonomy, checked)
    done("load_validate", start)
    public, withheld = gate(checked.stories)
    start = now()
    extra = [choice_fields(c) for c in choices] + [{"text": r.text} for r in reactions]
    stories, needles = deidentify(public, taxonomy, paths.cache, checked.stories, extra,
                                  keep_also=keepable_panel_names(choices, taxonomy,
                                                                 checked.stories),
                                  extra_origins=[c.path for c in choices]
                                  + [r.path for r in reactions], isolated=isolate_deduce)
    done("deidentify", start)
    data = SiteData(taxonomy=taxonomy, checked=checked, stories=stories, withheld=withheld,
                    personal_data=needles, timings=timings,
                    choices=[with_choice_fields(c, f) for c, f in
                             zip(choices, extra[:len(choices)], strict=True)],
                    reactions=[replace(r, text=f["text"]) for r, f in
                               zip(reactions, extra[len(choices):], strict=True)])
    start = now()
    data.figures = load_figures(paths, taxonomy)
    done("figures", start)
    if nlp and stories:
        start = now()
        data.analysis = analyse(stories, taxonomy, paths.cache, random_state)
        done("nlp", start)
    return data


EVALUATION_CACHE_VERSION = "1"


def _nlp_inputs(data: SiteData) -> tuple[list[Any], list[Any], list[Any], list[str], list[Any]]:
    """What every evaluation reads: the published stories as NLP documents, the label terms,
    the stop words and the taxonomy's training text."""
    from generator.nlp import Document, label_terms, load_domain_stopwords
    from generator.nlp.training import training_documents

    assert data.taxonomy.directory is not None
    documents = [
        Document(id=s.id, text=s.analysis_text(), declared_themes=tuple(s.story.themes),
                 declared_values=tuple(s.story.values))
        for s in data.stories
    ]
    themes = label_terms(data.taxonomy.themes)
    values = label_terms(data.taxonomy.values)
    return (documents, themes, values, load_domain_stopwords(data.taxonomy.directory),
            training_documents(data.taxonomy.directory, themes, values))


def evaluate_labels(data: SiteData, cache: Path | None, random_state: int = 0) -> tuple[Any, str]:
    """Cross-validated quality of the labels, for the method page (see ``rijk evaluate``).

    Cached under ``cache/evaluation/`` by a hash of everything it depends on (the documents
    it measures, see :func:`~generator.nlp.evaluation.evaluation_sample`, the label terms, the
    stop words, the seed and the NLP code), so an unchanged sample costs nothing and any change
    to it recomputes it."""
    from generator.nlp import evaluate
    from generator.nlp.evaluation import evaluation_sample

    documents, themes, values, stopwords, training = _nlp_inputs(data)
    documents = evaluation_sample(documents)  # one changed story outside it: still cached
    key = _evaluation_key([*documents, *training], themes, values, stopwords, random_state)
    cached = _read_evaluation(cache, key)
    if cached is not None:
        return cached, evaluation_markdown(cached)
    evaluation = evaluate(documents, themes, values, cache_dir=cache / "nlp" if cache else None,
                          random_state=random_state, stopwords=stopwords,
                          training=training)
    _write_evaluation(cache, key, evaluation)
    return evaluation, evaluation_markdown(evaluation)


def evaluate_held_out(data: SiteData, folder: Path, cache: Path | None,
                      random_state: int = 0) -> tuple[Any, str]:
    """Label quality on the labelled stories of ``folder`` that the model never trained on
    (``evaluate_against`` in ``rijk.yml``, ``rijk evaluate --against``), for the method page;
    cached like :func:`evaluate_labels`. Raises ``ValueError`` naming the file of a story that
    cannot be read, or when the folder holds no labelled story."""
    from generator.checks import check_corpus
    from generator.nlp import Document
    from generator.nlp.evaluation import evaluate_against

    checked = check_corpus([folder], data.taxonomy)
    errors = [p for p in checked.problems if p.is_error]
    if errors:
        raise ValueError("; ".join(p.format() for p in errors[:5]))
    held_out = [Document(id=s.id, text=s.text_for_analysis(), declared_themes=tuple(s.themes),
                         declared_values=tuple(s.values)) for s in checked.stories]
    documents, themes, values, stopwords, training = _nlp_inputs(data)
    key = _evaluation_key([*documents, *training, "held-out", *held_out], themes, values,
                          stopwords, random_state)
    cached = _read_evaluation(cache, key, "evaluation-held-out")
    if cached is None:
        cached = evaluate_against(documents, held_out, themes, values,
                                  cache_dir=cache / "nlp" if cache else None,
                                  random_state=random_state, stopwords=stopwords,
                                  training=training, source=folder.name)
        _write_evaluation(cache, key, cached, "evaluation-held-out")
    return cached, cached.as_markdown()


def _evaluation_key(documents: list[Any], themes: Any, values: Any, stopwords: Any,
                    random_state: int) -> str:
    import hashlib

    import generator.nlp

    digest = hashlib.sha256(EVALUATION_CACHE_VERSION.encode())
    for part in (documents, themes, values, sorted(stopwords), random_state):
        digest.update(repr(part).encode("utf-8"))
        digest.update(b"\0")
    nlp_dir = Path(generator.nlp.__file__).parent  # a change in the NLP code recomputes
    for source in sorted(nlp_dir.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:32]


def _read_evaluation(cache: Path | None, key: str, name: str = "evaluation") -> Any:
    import pickle

    if cache is None:
        return None
    try:
        return pickle.loads((cache / name / f"{key}.pickle").read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def _write_evaluation(cache: Path | None, key: str, evaluation: Any,
                      name: str = "evaluation") -> None:
    import os
    import pickle

    if cache is None:
        return
    folder = cache / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pickle"):  # one entry: the newest corpus
        old.unlink(missing_ok=True)
    temp = folder / f".{key}.{os.getpid()}.tmp"
    temp.write_bytes(pickle.dumps(evaluation))
    os.replace(temp, folder / f"{key}.pickle")


def evaluation_markdown(evaluation: Any) -> str:
    """The evaluation as Markdown tables (per label, plus cluster quality)."""
    if hasattr(evaluation, "as_markdown"):
        return evaluation.as_markdown()
    return "```text\n" + evaluation.as_table() + "\n```"
