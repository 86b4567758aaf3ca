"""The build pipeline as small steps: load → validate → gate → de-identify → NLP → figures.

Each step is a function with plain inputs and outputs so the MkDocs plugin, ``rijk bench`` and
the tests can run the same code. The publication gate sits before anything that produces text
for the site: a story that is not ``published`` with ``consent: true`` never reaches
de-identification, NLP, pages or exports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import markdown
import nh3

from generator.checks import CheckResult, check_corpus
from generator.problems import Problem
from generator.story import Story
from generator.taxonomy import Taxonomy

log = logging.getLogger("mkdocs.plugins.rijke-verantwoording")

ALLOWED_TAGS = {
    "p", "br", "em", "strong", "b", "i", "u", "s", "blockquote", "ul", "ol", "li", "h2", "h3",
    "h4", "h5", "h6", "a", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
    "abbr", "sup", "sub", "dl", "dt", "dd", "figure", "figcaption", "mark", "small",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}


class PublicationError(RuntimeError):
    """The site cannot be published safely (fail closed); the message says why in Dutch."""


@dataclass(frozen=True)
class PipelinePaths:
    """Where the pipeline reads from and caches to."""

    stories: Path
    taxonomy: Path
    figures: Path
    cache: Path | None = None


@dataclass
class PublicStory:
    """A story that passed the gate, with de-identified text and sanitised body HTML."""

    story: Story
    title: str
    summary: str
    body: str
    body_html: str

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
    withheld: int = 0
    personal_data: set[str] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.checked.problems


def gate(stories: list[Story]) -> tuple[list[Story], int]:
    """Keep only ``status: published`` with ``consent: true``; count what was withheld."""
    public = [s for s in stories if s.is_public]
    return sorted(public, key=lambda s: (s.date, s.id)), len(stories) - len(public)


def render_body(text: str) -> str:
    """Markdown → HTML → nh3: no script, no event handlers, no ``javascript:`` links."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def keep_phrases(taxonomy: Taxonomy, stories: Iterable[Any]) -> list[str]:
    """What de-identification must leave readable: places, teams and organisations of the
    taxonomy, and the author and team of every story (anything with ``.author`` and ``.team``:
    a :class:`Story`, or the web form's index entry). One list for build, check and form."""
    stories = list(stories)
    return sorted({*taxonomy.readable_names(), *(s.author for s in stories),
                   *(s.team for s in stories)} - {""})


def story_fields(story: Story) -> dict[str, str]:
    """The text fields that are published, de-identified together (one person, one name)."""
    return {"title": story.title, "summary": story.summary or "", "body": story.body}


def deidentify(stories: list[Story], taxonomy: Taxonomy, cache: Path | None,
               all_stories: list[Story]) -> tuple[list[PublicStory], set[str]]:
    """De-identify every public story (fail closed) and collect the personal data found in
    all sources, for the scan of the built site."""
    try:
        from generator.privacy import DeidentificationUnavailable, Deidentifier, collect_needles
    except ImportError as exc:
        raise PublicationError(f"de-identificatie is niet beschikbaar ({exc}); er wordt niets "
                               "gepubliceerd.") from exc
    try:
        deidentifier = Deidentifier(keep=keep_phrases(taxonomy, all_stories),
                                    cache_dir=cache / "privacy" if cache else None)
        sources = [story_fields(s) for s in all_stories]
        deidentifier.analyse_many(sources)  # one pass (parallel when large, cached)
        public: list[PublicStory] = []
        for story in stories:
            fields = deidentifier.deidentify_fields(story_fields(story))
            public.append(PublicStory(story=story, title=fields["title"],
                                      summary=fields["summary"], body=fields["body"],
                                      body_html=render_body(fields["body"])))
        needles = collect_needles(deidentifier, sources)
    except DeidentificationUnavailable as exc:
        raise PublicationError(f"de-identificatie kon niet draaien: {exc}. Er wordt niets "
                               "gepubliceerd.") from exc
    return public, set(needles)


def analyse(stories: list[PublicStory], taxonomy: Taxonomy, cache: Path | None,
            random_state: int = 0) -> Any:
    """Themes, values and clusters for the public stories (see :mod:`generator.nlp`)."""
    from generator.nlp import Document, label_terms, load_domain_stopwords
    from generator.nlp import analyse as run_analysis

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
                        stopwords=load_domain_stopwords(taxonomy.directory))


def load_figures(paths: PipelinePaths, taxonomy: Taxonomy) -> Any:
    from generator.figures.store import load_figures as load

    return load(paths.figures, taxonomy.indicators)


def prepare(paths: PipelinePaths, *, nlp: bool = True, random_state: int = 0,
            clock: Callable[[], float] | None = None) -> SiteData:
    """Run every step and return what the pages are made from."""
    import time

    now = clock or time.perf_counter
    timings: dict[str, float] = {}
    start = now()
    taxonomy = Taxonomy.load(paths.taxonomy)
    checked = check_corpus([paths.stories], taxonomy)
    timings["load_validate"] = now() - start
    public, withheld = gate(checked.stories)
    start = now()
    stories, needles = deidentify(public, taxonomy, paths.cache, checked.stories)
    timings["deidentify"] = now() - start
    data = SiteData(taxonomy=taxonomy, checked=checked, stories=stories, withheld=withheld,
                    personal_data=needles, timings=timings)
    start = now()
    data.figures = load_figures(paths, taxonomy)
    timings["figures"] = now() - start
    if nlp and stories:
        start = now()
        data.analysis = analyse(stories, taxonomy, paths.cache, random_state)
        timings["nlp"] = now() - start
    return data


def evaluate_labels(data: SiteData, cache: Path | None, random_state: int = 0) -> tuple[Any, str]:
    """Cross-validated quality of the labels, for the method page (see ``rijk evaluate``)."""
    from generator.nlp import Document, evaluate, label_terms, load_domain_stopwords

    documents = [
        Document(id=s.id, text=s.analysis_text(), declared_themes=tuple(s.story.themes),
                 declared_values=tuple(s.story.values))
        for s in data.stories
    ]
    assert data.taxonomy.directory is not None
    themes = label_terms(data.taxonomy.themes)
    values = label_terms(data.taxonomy.values)
    evaluation = evaluate(documents, themes, values, cache_dir=cache / "nlp" if cache else None,
                          random_state=random_state,
                          stopwords=load_domain_stopwords(data.taxonomy.directory))
    return evaluation, evaluation_markdown(evaluation)


def evaluation_markdown(evaluation: Any) -> str:
    """The evaluation as Markdown tables (per label, plus cluster quality)."""
    if hasattr(evaluation, "as_markdown"):
        return evaluation.as_markdown()
    return "```text\n" + evaluation.as_table() + "\n```"
