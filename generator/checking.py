"""``rijk check`` in full: the story checks plus privacy findings.

Privacy findings are warnings, not errors: the author decides how to rewrite, and the
publication step de-identifies anyway. They carry the line in the source file, so an editor
can jump straight to the phone number.
"""

from __future__ import annotations

from pathlib import Path

from generator.checks import CheckResult, story_files
from generator.loader import read_source
from generator.problems import Problem
from generator.project import Project


def check_with_privacy(project: Project, paths: list[Path], privacy: bool = True,
                       suggestions: bool = False) -> CheckResult:
    """Run every story check and, unless disabled, look for personal data in the text; with
    ``suggestions``, also offer the themes and values the analysis reads in each story."""
    taxonomy = project.taxonomy()
    responses = [p for p in paths if _under(p, project.selections_dir)
                 or _under(p, project.reactions_dir)]
    paths = [p for p in paths if p not in responses]
    result = project.check(paths, taxonomy) if paths else CheckResult()
    whole = any(Path(p).resolve() == project.stories_dir.resolve() for p in paths)
    # the choices and reactions are checked against every story of the project, read once
    every_story = (result.stories if whole else project.check(None, taxonomy).stories) \
        if responses or whole else []
    if responses or whole:
        result.problems.extend(response_problems(project, taxonomy, responses, result, whole,
                                                 every_story))
    result.problems.extend(readability_problems(result))
    if suggestions and result.stories:
        result.problems.extend(label_suggestions(project, result))
        result.problems.extend(effect_suggestions(project, result))
        result.problems.sort(key=lambda p: (p.path, p.line))
    if not privacy or not (paths or responses):
        return result
    try:
        from generator.privacy import DeidentificationUnavailable, Deidentifier
        from generator.privacy.keep import keep_phrases
        from generator.privacy.residual import ConfirmationError, load_confirmations
    except ImportError as exc:  # pragma: no cover - only when the package is broken
        result.problems.append(Problem("rijk", 1, f"privacycontrole niet uitgevoerd: {exc}",
                                       "warning"))
        return result
    try:
        confirmations = load_confirmations(project.taxonomy_dir)
    except ConfirmationError as exc:
        result.problems.append(Problem(str(exc.path), exc.line, exc.reason))
        confirmations = []
    try:
        deidentifier = Deidentifier(keep=keep_phrases(taxonomy, result.stories),
                                    confirmations=confirmations)
        findings = privacy_findings(deidentifier, result, paths)
        if responses or whole:
            findings += choice_privacy_findings(project, taxonomy, deidentifier, every_story)
    except DeidentificationUnavailable as exc:
        result.problems.append(Problem("rijk", 1, f"privacycontrole niet uitgevoerd: {exc}",
                                       "warning"))
        return result
    result.problems.extend(findings)
    result.problems.sort(key=lambda p: (p.path, p.line))
    return result


def _under(path: Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


def response_problems(project: Project, taxonomy, paths: list[Path], result: CheckResult,
                      whole: bool, stories: list) -> list[Problem]:
    """Problems in the panels' choices (``selections/``) and the approved reactions
    (``reactions/``): all of them when the whole stories folder is checked, else those in
    ``paths``. Checked against ``stories``: every story of the project (public or not)."""
    from generator.reactions import load_reactions
    from generator.selections import load_selections

    wanted = {Path(p).resolve() for p in paths}

    def asked(problem: Problem) -> bool:
        where = Path(problem.path).resolve()
        return whole or any(where == w or where.is_relative_to(w) for w in wanted)

    from generator.reactions import reaction_files
    from generator.selections import selection_files

    found = [*load_selections(project.selections_dir, taxonomy, stories).problems,
             *load_reactions(project.reactions_dir, taxonomy, stories).problems]
    files = [*selection_files(project.selections_dir), *reaction_files(project.reactions_dir)]
    result.files += sum(1 for f in files if asked(Problem(str(f), 1, "")))
    return [p for p in found if asked(p)]


def choice_privacy_findings(project: Project, taxonomy, deidentifier,
                            stories: list) -> list[Problem]:
    """Personal data in the panels' reasons and roles, and a panel name that holds a person's
    name, as warnings at the choice's line: the build de-identifies them, but the file in git
    should not hold them (a panel has roles, never names)."""
    from generator.pipeline import keepable_panel_names
    from generator.selections import load_selections

    choices = load_selections(project.selections_dir, taxonomy, stories).choices
    keepable = set(keepable_panel_names(choices, taxonomy, stories))
    problems: list[Problem] = []
    for choice in choices:
        if choice.panel.name not in keepable and len(choice.panel.name.split()) >= 2:
            problems.append(Problem(choice.path, choice.line, (
                f"de naam van panel '{choice.panel.name}' lijkt een persoonsnaam te bevatten; "
                "noem een panel naar de plaats en het jaar (Waardenkring Gaasperdam 2019). De "
                "site toont de naam gede-identificeerd."), "warning", "privacy"))
        for what, text in (("de reden", choice.reason), ("de rollen",
                                                         ", ".join(choice.panel.roles))):
            for finding in deidentifier.findings(text, residual=False):
                problems.append(Problem(choice.path, choice.line,
                                        f"{what}: {finding_message(finding)}", "warning",
                                        "privacy"))
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.message))


def readability_problems(result: CheckResult) -> list[Problem]:
    """A warning for each published story whose summary is above language level B1 (see
    :mod:`generator.readability`): residents read it on the wijk page and the wijkbericht."""
    from generator.readability import readability

    out: list[Problem] = []
    for story in result.stories:
        if not story.is_public or not story.summary:
            continue
        scores = readability(story.summary)
        if scores.above_b1:
            out.append(Problem(str(story.path), story.line_of("summary"), (
                f"de samenvatting is moeilijker dan taalniveau B1: {scores.advice()}. Bewoners "
                "lezen haar op de wijkpagina en het wijkbericht."), "warning", "summary"))
    return out


def privacy_findings(deidentifier, result: CheckResult,
                     paths: list[Path] | None = None) -> list[Problem]:
    """Findings for title, summary and body of every story, at their source lines: valid
    stories, and also files with errors (read as far as they go), so the author sees the phone
    number in the same run as the wrong date instead of after fixing it."""
    parts: list[tuple[str, str, int]] = []
    for story in result.stories:
        parts += [(str(story.path), story.title, story.line_of("title")),
                  (str(story.path), story.summary or "", story.line_of("summary")),
                  (str(story.path), story.body, story.body_line)]
        parts += [(str(story.path), signal.text, story.line_of("signals"))
                  for signal in story.signals]
    valid = {Path(story.path).resolve() for story in result.stories}
    for path in story_files(paths or []):
        if path.resolve() in valid:
            continue
        source = read_source(path)
        for key in ("title", "summary"):
            if isinstance(source.meta.get(key), str):
                parts.append((str(path), source.meta[key], source.lines.get(key, 1)))
        parts.append((str(path), source.body, source.body_line))
    problems: list[Problem] = []
    for where, text, first_line in parts:
        for finding in deidentifier.findings(text):
            problems.append(Problem(where, first_line + finding.line - 1, finding_message(finding),
                                    "warning", "privacy"))
    return problems


def finding_message(finding) -> str:
    """The Dutch message for a privacy finding, with what to do about it."""
    if finding.kind == "restrisico":
        from generator.privacy.residual import residual_advice

        return f"restrisico: {residual_advice(finding.text)}"
    return (f"mogelijk persoonsgegeven ({finding.kind}): {finding.preview} — haal het weg of "
            "maak het algemeen.")


def source_text(path: Path) -> str:
    """The raw body of a file, also when its front-matter is broken (for privacy previews)."""
    return read_source(path).body


def effect_suggestions(project: Project, result: CheckResult) -> list[Problem]:
    """One suggestion per story whose chosen themes bear on a social effect
    (``taxonomy/effects.yml``) it does not name yet: the author confirms or leaves it."""
    effects = project.taxonomy().effects
    out: list[Problem] = []
    for story in result.stories:
        fitting = [(key, e, next(t for t in e.themes if t in story.themes))
                   for key, e in effects.items()
                   if key not in story.effects and any(t in story.themes for t in e.themes)]
        if not fitting:
            continue
        names = " en ".join(f"'{e.label}' (via thema {theme})" for _k, e, theme in fitting)
        fix = f"effects: [{', '.join([*story.effects, *(k for k, _e, _t in fitting)])}]"
        line = story.line_of("effects") if story.effects else story.line_of("themes")
        out.append(Problem(str(story.path), line, (
            f"Dit verhaal past misschien bij het maatschappelijk effect {names}. Klopt dat? "
            f"(in de front-matter: {fix})"), "suggestion", "effects"))
    return out


def label_suggestions(project: Project, result: CheckResult) -> list[Problem]:
    """One suggestion per checked story whose text points to themes or values its author did
    not choose (see :mod:`generator.nlp.suggest`). The analysis learns from the published
    stories and the taxonomy's training text, in memory only."""
    try:
        from generator.nlp import Document, label_terms, load_domain_stopwords
        from generator.nlp.suggest import LabelSuggester
        from generator.nlp.training import TrainingDataError, training_documents
        from generator.pipeline import gate
    except ImportError as exc:  # pragma: no cover - only when the package is broken
        return [Problem("rijk", 1, f"suggesties niet beschikbaar: {exc}", "warning")]
    taxonomy = project.taxonomy()
    themes, values = label_terms(taxonomy.themes), label_terms(taxonomy.values)
    try:
        training = training_documents(project.taxonomy_dir, themes, values)
    except TrainingDataError as exc:
        return [Problem("rijk", 1, f"suggesties niet beschikbaar: {exc}", "warning")]
    public, _ = gate(project.check().stories)
    corpus = [Document(id=s.id, text=s.text_for_analysis(), declared_themes=tuple(s.themes),
                       declared_values=tuple(s.values)) for s in public]
    suggester = LabelSuggester(themes, values,
                               stopwords=load_domain_stopwords(project.taxonomy_dir),
                               random_state=project.config.random_state).fit(corpus, training)
    from generator.scaffold import BODY_TEMPLATE

    out: list[Problem] = []
    for story in result.stories:
        if story.body.strip() == BODY_TEMPLATE.strip():
            continue  # still the text of `rijk new`: nothing of the author's to read yet
        found = suggester.suggest(story.text_for_analysis())
        fresh = found.new(story.themes, story.values)
        if fresh.empty:
            continue
        keys = {"themes": [*story.themes, *(s.key for s in fresh.themes)],
                "values": [*story.values, *(s.key for s in fresh.values)]}
        fix = " en ".join(f"{kind}: [{', '.join(keys[kind])}]" for kind in ("themes", "values")
                          if getattr(fresh, kind))
        line = story.line_of("themes") if fresh.themes else story.line_of("values")
        out.append(Problem(str(story.path), line,
                           f"{fresh.sentence()} (in de front-matter: {fix})", "suggestion",
                           "themes" if fresh.themes else "values"))
    return out
