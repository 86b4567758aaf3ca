"""What the site holds, as plain objects: no Markdown or HTML here.

Like Material's blog and tags plugins, the structure (which stories belong to which
neighbourhood, theme, value, year; which figures go beside them) is built first and rendered
separately (:mod:`generator.pages.render`), so that tests can look at the structure and the
templates stay simple.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from generator.figures.store import format_value
from generator.pipeline import PublicStory, SiteData
from generator.taxonomy import Indicator, Neighbourhood, Term

REPORT_INDICATORS = ("inwoners", "wmo_clienten_per_1000", "jeugdzorg_pct", "bijstand",
                     "laag_inkomen_pct")
"""The indicators shown in report tables, in this order (others appear on wijk pages)."""


@dataclass
class LabelView:
    """One theme or value of a story: declared by the author, inferred by the NLP, or both."""

    term: Term
    declared: bool
    inferred: bool
    score: float | None = None
    terms: list[str] = field(default_factory=list)
    sentence: str | None = None
    certainty: str = ""
    """For an inferred label: "waarschijnlijk" or "mogelijk" (see ``generator.nlp.labels``)."""

    @property
    def counted(self) -> bool:
        """Whether this label counts for the story on theme pages and in report counts: the
        author chose it, or the analysis is confident ("waarschijnlijk")."""
        return self.declared or (self.inferred and self.certainty != "mogelijk")

    @property
    def agreement(self) -> str:
        if self.declared and self.inferred:
            return "beide"
        return "auteur" if self.declared else "analyse"


@dataclass
class StoryView:
    """A public story with everything its pages need."""

    public: PublicStory
    neighbourhood: Neighbourhood
    themes: list[LabelView]
    values: list[LabelView]
    domains: list[Term]
    cluster: int | None = None
    effects: list[str] = field(default_factory=list)
    """The effects the author declared (``effects:``)."""
    choices: list[Any] = field(default_factory=list)
    """The waardenkring/MSC choices of this story (:class:`generator.selections.Choice`)."""
    reactions: list[Any] = field(default_factory=list)
    """Residents' approved reactions (:class:`generator.reactions.Reaction`), oldest first."""

    @property
    def id(self) -> str:
        return self.public.id

    @property
    def year(self) -> int:
        return self.public.story.year

    @property
    def url(self) -> str:
        return f"verhalen/{self.id}/"

    @property
    def src(self) -> str:
        return f"verhalen/{self.id}.md"

    def theme_keys(self) -> list[str]:
        """The themes this story counts for: declared, or inferred with confidence."""
        return [label.term.key for label in self.themes if label.counted]

    def value_keys(self) -> list[str]:
        return [label.term.key for label in self.values if label.counted]

    @property
    def unclear_theme(self) -> bool:
        """The analysis found no clear theme ("geen duidelijk thema")."""
        return not any(label.inferred for label in self.themes)

    def score(self, kind: str, key: str) -> float:
        """Score for sorting a theme or value page; declared without a score counts as 1."""
        for label in getattr(self, kind):
            if label.term.key == key:
                if label.score is not None:
                    return label.score
                return 1.0 if label.declared else 0.0
        return 0.0

    @property
    def differences(self) -> list[LabelView]:
        """Labels where the author's reading and the analysis differ."""
        return [lab for lab in [*self.themes, *self.values] if lab.declared != lab.inferred
                and (lab.declared or lab.inferred)]


@dataclass
class KitValue:
    """One value in the waardenkring's preparation kit for a year."""

    term: Term
    questions: list[str]
    stories: list[tuple[StoryView, LabelView]]
    """The stories that carry the value: declared, inferred, or both (the label says which)."""
    differences: list[tuple[StoryView, LabelView]]
    """Where the author's reading and the analysis differ on this value."""
    spread: list[tuple[Neighbourhood, int]]
    """Stories carrying the value per wijk (wijken with at least one)."""
    chosen: list[tuple[Any, StoryView]]
    """Choices already made for this value in this year."""


@dataclass
class FigureCell:
    indicator: Indicator
    text: str
    year: int | None
    source: str = ""


@dataclass
class SiteStructure:
    """All pages' content, computed once per build."""

    data: SiteData
    stories: list[StoryView]
    has_analysis: bool
    _selected: dict[tuple[Any, ...], list[StoryView]] = field(default_factory=dict, repr=False,
                                                            compare=False)
    _counted: dict[tuple[str, int | None], Counter[str]] = field(default_factory=dict,
                                                                 repr=False, compare=False)

    @property
    def taxonomy(self):
        return self.data.taxonomy

    @functools.cached_property
    def years(self) -> list[int]:
        return sorted({s.year for s in self.stories})

    @property
    def latest_year(self) -> int | None:
        return self.years[-1] if self.years else None

    @functools.cached_property
    def _by_year(self) -> dict[int, list[StoryView]]:
        index: dict[int, list[StoryView]] = {}
        for story in self.stories:
            index.setdefault(story.year, []).append(story)
        return index

    @functools.cached_property
    def _by_neighbourhood(self) -> dict[str, list[StoryView]]:
        index: dict[str, list[StoryView]] = {}
        for story in self.stories:
            index.setdefault(story.neighbourhood.key, []).append(story)
        return index

    def select(self, *, year: int | None = None, neighbourhood: str | None = None,
               theme: str | None = None, value: str | None = None) -> list[StoryView]:
        """Stories matching every given criterion, newest first (by score for theme/value).

        Memoised per criteria (templates ask the same question for every wijk and year: at
        10,000 stories a scan per question made the report pages quadratic); callers must not
        change the list they get."""
        key = (year, neighbourhood, theme, value)
        found = self._selected.get(key)
        if found is None:
            found = self._selected[key] = self._select(year, neighbourhood, theme, value)
        return found

    def _select(self, year: int | None, neighbourhood: str | None, theme: str | None,
                value: str | None) -> list[StoryView]:
        pool = self.stories
        if neighbourhood is not None:
            pool = self._by_neighbourhood.get(neighbourhood, [])
        if year is not None:
            by_year = self._by_year.get(year, [])
            pool = by_year if len(by_year) < len(pool) else pool
        found = [
            s for s in pool
            if (year is None or s.year == year)
            and (neighbourhood is None or s.neighbourhood.key == neighbourhood)
            and (theme is None or theme in s.theme_keys())
            and (value is None or value in s.value_keys())
        ]
        if theme is not None:
            return sorted(found, key=lambda s: (-s.score("themes", theme), s.id))
        if value is not None:
            return sorted(found, key=lambda s: (-s.score("values", value), s.id))
        return sorted(found, key=lambda s: (s.public.story.date, s.id), reverse=True)

    def neighbourhoods_with_stories(self, year: int | None = None) -> list[Neighbourhood]:
        keys = {s.neighbourhood.key for s in self.stories if year is None or s.year == year}
        hoods = [self.taxonomy.neighbourhoods[k] for k in keys]
        return sorted(hoods, key=lambda h: (h.city, h.stadsdeel, h.name))

    def counts(self, kind: str, year: int | None = None) -> Counter[str]:
        """How many stories carry each theme or value: declared by the author, or inferred
        with confidence ("waarschijnlijk"); a "mogelijk" label is shown but never counted.
        Memoised like :meth:`select`."""
        found = self._counted.get((kind, year))
        if found is not None:
            return found
        counter: Counter[str] = Counter()
        for story in self.stories if year is None else self._by_year.get(year, []):
            keys = story.theme_keys() if kind == "themes" else story.value_keys()
            counter.update(keys)
        self._counted[(kind, year)] = counter
        return counter

    def figures_for(self, hood: Neighbourhood, year: int,
                    indicators: tuple[str, ...] | None = None) -> list[FigureCell]:
        """Latest figure at or before ``year`` per indicator, with the year it is from."""
        return self.figures_for_code(hood.code, year, indicators)

    def figures_for_code(self, code: str, year: int,
                         indicators: tuple[str, ...] | None = None) -> list[FigureCell]:
        store = self.data.figures
        keys = indicators or tuple(self.taxonomy.indicators)
        cells: list[FigureCell] = []
        for key in keys:
            indicator = self.taxonomy.indicators.get(key)
            if indicator is None or store is None:
                continue
            figure = store.latest(code, key, year)
            if figure is None:
                cells.append(FigureCell(indicator, "geen gegevens", None))
                continue
            cells.append(FigureCell(indicator, format_value(figure.value, indicator),
                                    figure.year, figure.source))
        return cells

    def figure_years(self) -> list[int]:
        store = self.data.figures
        return sorted(store.years()) if store is not None else []

    def effect_stories(self, key: str, year: int | None = None) -> list[tuple[StoryView, str]]:
        """The stories that speak to effect ``key``, each with why: "gekozen" (the author
        declared the effect) or the label of the theme that ties it to the effect (declared or
        inferred with confidence, as counted everywhere). Declared first, then by date."""
        effect = self.taxonomy.effects.get(key)
        if effect is None:
            return []
        pool = self.stories if year is None else self._by_year.get(year, [])
        found: list[tuple[StoryView, str]] = []
        for story in pool:
            if key in story.effects:
                found.append((story, "gekozen"))
                continue
            theme = next((t for t in effect.themes if t in story.theme_keys()), None)
            if theme is not None:
                found.append((story, self.taxonomy.themes[theme].label))
        return sorted(found, key=lambda pair: (pair[1] != "gekozen", pair[0].public.story.date,
                                               pair[0].id))

    def signals(self, year: int | None = None) -> list[tuple[StoryView, Any]]:
        """Every signal of the public stories (de-identified text), with its story; by kind
        (taxonomy order), domain, date."""
        order = {k: i for i, k in enumerate(self.taxonomy.signal_kinds)}
        pool = self.stories if year is None else self._by_year.get(year, [])
        found = [(story, signal) for story in pool for signal in story.public.story.signals]
        return sorted(found, key=lambda pair: (order.get(pair[1].kind, len(order)),
                                               pair[1].domain, pair[0].public.story.date,
                                               pair[0].id))

    def signal_years(self) -> list[int]:
        return sorted({story.year for story, _signal in self.signals()})

    def figure_series(self, code: str, indicator: str) -> list[tuple[int, str]]:
        """``(year, formatted value)`` of one indicator for one region, for every figures
        year ("geen gegevens" where CBS published nothing)."""
        store = self.data.figures
        found = self.taxonomy.indicators.get(indicator)
        if store is None or found is None:
            return []
        series = []
        for year in self.figure_years():
            figure = store.latest(code, indicator, year)
            if figure is not None and figure.year == year:
                series.append((year, format_value(figure.value, found)))
            else:
                series.append((year, "geen gegevens"))
        return series

    def figure_value(self, code: str, indicator: str, year: int) -> float | None:
        """The raw value of one figure in exactly ``year`` (for charts), or ``None``."""
        store = self.data.figures
        figure = store.latest(code, indicator, year) if store is not None else None
        return figure.value if figure is not None and figure.year == year else None

    def figure_sources(self) -> str:
        """The CBS tables behind the figures, for a "Bron: CBS" line: "CBS Kerncijfers wijken
        en buurten 2017 (StatLine 83765NED); …" (the ``source`` column of ``figures/*.csv``)."""
        store = self.data.figures
        sources = store.sources() if store is not None else []
        return "; ".join(sources) or "CBS Kerncijfers wijken en buurten"

    def figure_year(self, year: int) -> int | None:
        """The newest figures year at or before ``year``: what a report table mostly shows."""
        earlier = [y for y in self.figure_years() if y <= year]
        return earlier[-1] if earlier else None

    @functools.cached_property
    def by_id(self) -> dict[str, StoryView]:
        return {story.id: story for story in self.stories}

    def chosen(self, *, year: int | None = None, kind: str | None = None,
               key: str | None = None) -> list[tuple[Any, StoryView]]:
        """``(choice, story)`` for every choice matching the criteria: newest year first,
        then by panel and the taxonomy's order of the value, theme or domain."""
        found = [(c, self.by_id[c.story]) for c in self.data.choices if c.story in self.by_id
                 and (year is None or c.year == year) and (kind is None or c.kind == kind)
                 and (key is None or c.key == key)]
        order = {(k, t): i for k in ("values", "themes", "domains")
                 for i, t in enumerate(getattr(self.taxonomy, k))}
        return sorted(found, key=lambda pair: (-pair[0].year, pair[0].panel.name,
                                               order.get((pair[0].kind, pair[0].key), 0)))

    def choice_years(self) -> list[int]:
        return sorted({c.year for c, _story in self.chosen()})

    def term_of(self, choice: Any) -> Term:
        """The value, theme or domain a choice was made for."""
        return getattr(self.taxonomy, choice.kind)[choice.key]

    def considered(self, choice: Any) -> list[StoryView]:
        """The public stories that were on the table (the chosen one included)."""
        return [self.by_id[i] for i in choice.considered if i in self.by_id]

    def wijk_reactions(self, key: str) -> list[Any]:
        return [r for r in self.data.reactions if r.kind == "wijk" and r.about == key]

    def kit(self, year: int) -> list[KitValue]:
        """The waardenkring's preparation kit for ``year``: per value (taxonomy order) the
        stories that carry it, the differences between author and analysis, the spread over
        the wijken, the questions (``values.yml``) and the choices made so far."""
        pool = self._by_year.get(year, [])
        kit: list[KitValue] = []
        for key, term in self.taxonomy.values.items():
            carrying = [(story, label) for story in pool for label in story.values
                        if label.term.key == key and (label.declared or label.inferred)]
            carrying.sort(key=lambda pair: (-pair[0].score("values", key), pair[0].id))
            spread = Counter(story.neighbourhood.key for story, label in carrying
                             if label.counted)
            hoods = self.taxonomy.neighbourhoods
            kit.append(KitValue(
                term=term, questions=list(term.questions), stories=carrying,
                differences=[(s, lab) for s, lab in carrying if lab.declared != lab.inferred],
                spread=sorted(((hoods[k], n) for k, n in spread.items()),
                              key=lambda pair: (-pair[1], pair[0].name)),
                chosen=self.chosen(year=year, kind="values", key=key)))
        return kit

    def clusters(self) -> list[Any]:
        analysis = self.data.analysis
        return list(analysis.clusters) if analysis is not None else []


def build_structure(data: SiteData) -> SiteStructure:
    """Join stories with taxonomy, NLP labels and clusters."""
    taxonomy = data.taxonomy
    analysis = data.analysis
    views: list[StoryView] = []
    for public in data.stories:
        story = public.story
        labels = analysis.labels.get(story.id) if analysis is not None else None
        views.append(StoryView(
            public=public,
            neighbourhood=taxonomy.neighbourhoods[story.neighbourhood],
            themes=_labels(taxonomy.themes, story.themes, labels.themes if labels else None),
            values=_labels(taxonomy.values, story.values, labels.values if labels else None),
            domains=[taxonomy.domains[d] for d in story.domains if d in taxonomy.domains],
            effects=[e for e in story.effects if e in taxonomy.effects],
            cluster=analysis.cluster_of.get(story.id) if analysis is not None else None,
        ))
    by_id = {view.id: view for view in views}
    for choice in data.choices:
        if choice.story in by_id:
            by_id[choice.story].choices.append(choice)
    for reaction in data.reactions:
        if reaction.kind == "story" and reaction.about in by_id:
            by_id[reaction.about].reactions.append(reaction)
    return SiteStructure(data=data, stories=views, has_analysis=analysis is not None)


def _labels(
    terms: dict[str, Term], declared: list[str], scored: list[Any] | None
) -> list[LabelView]:
    """Declared labels first, then inferred ones, each with its score and explanation."""
    views: dict[str, LabelView] = {}
    for key in declared:
        views[key] = LabelView(term=terms[key], declared=True, inferred=False)
    for item in scored or []:
        if item.key not in terms:
            continue
        view = views.get(item.key)
        if view is None:
            if not item.inferred:
                continue
            view = views[item.key] = LabelView(term=terms[item.key], declared=False,
                                               inferred=True)
        view.inferred = bool(item.inferred)
        view.score = float(item.score)
        view.terms = list(item.terms)
        view.sentence = item.sentence
        view.certainty = getattr(item, "certainty", "")
    return list(views.values())
