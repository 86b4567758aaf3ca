"""NLP: themes and values per story with explanations, clusters, evaluation, cache, determinism.

Unit tests run on small hand-made corpora where the right answer is obvious (seconds); one test
runs real ``mkdocs build``s of a small project to check that pages and exports are identical
between builds and that a changed story is the only one reprocessed.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from generator.checks import check_corpus
from generator.nlp import (
    Document,
    LabelTerm,
    analyse,
    evaluate,
    load_domain_stopwords,
    load_label_terms,
)
from generator.nlp import evaluation as evaluation_module
from generator.nlp.cache import content_key
from generator.nlp.corpus import get_processor
from generator.nlp.evaluation import make_folds
from generator.nlp.labels import LabelModel
from generator.nlp.text import TermExtractor
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, mkdocs_build, story_text

THEMES = [
    LabelTerm("wonen", "Wonen", "Een veilig en betaalbaar thuis: woning, huur en verhuurder.",
              ("woning", "huur", "huurachterstand", "verhuurder", "schimmel", "verhuizen")),
    LabelTerm("schulden", "Schulden", "Geldzorgen, schulden en brieven van incassobureaus.",
              ("schuld", "deurwaarder", "rekening", "incasso", "betalingsregeling", "beslag")),
    LabelTerm("eenzaamheid", "Eenzaamheid", "Er alleen voor staan, weinig contact hebben.",
              ("eenzaam", "alleen", "bezoek", "contact", "koffie", "niemand")),
]
VALUES = [
    LabelTerm("autonomie", "Autonomie", "Zelfstandig het eigen leven leiden.",
              ("zelfstandig", "zelf doen", "eigen kracht", "zonder hulp")),
    LabelTerm("solidariteit", "Solidariteit", "Mensen staan voor elkaar in en delen.",
              ("buren", "elkaar helpen", "delen", "voedselbank", "steunen")),
]
DIGITAAL = LabelTerm(
    "digitaal", "Digitaal meedoen",
    "Meekomen in een digitale samenleving: een computer of telefoon gebruiken, DigiD, "
    "formulieren op internet.",
    ("computer", "laptop", "DigiD", "internet", "wachtwoord", "e-mail", "inloggen"))

SENTENCES = {
    "wonen": [
        "De woning had overal schimmel en de verhuurder deed er niets aan.",
        "Door een huurachterstand dreigde een uitzetting uit de woning.",
        "We belden samen met de verhuurder over de hoge huur.",
        "Na drie maanden kon het gezin verhuizen naar een droge woning.",
        "De huur wordt nu op tijd betaald en de woning is opgeknapt.",
    ],
    "schulden": [
        "Op tafel lag een stapel rekeningen en brieven van de deurwaarder.",
        "Het incassobureau stuurde elke week een nieuwe aanmaning over de schuld.",
        "Met de deurwaarder is een betalingsregeling getroffen.",
        "Het beslag op het loon werd verlaagd zodat er weer geld overbleef.",
        "Alle schulden staan nu op een lijst bij de schuldhulpverlening.",
    ],
    "eenzaamheid": [
        "Hij voelde zich eenzaam sinds zijn vrouw was overleden.",
        "Niemand kwam nog op bezoek en de dagen duurden lang.",
        "Nu drinkt hij elke dinsdag koffie met een buurvrouw.",
        "Het contact met zijn dochter is langzaam hersteld.",
        "Hij zit niet meer de hele dag alleen thuis.",
    ],
    "autonomie": [
        "Ze wilde het zelf doen, zonder hulp van anderen.",
        "Stap voor stap werd ze weer zelfstandig.",
        "Haar eigen kracht bleek groter dan ze dacht.",
    ],
    "solidariteit": [
        "De buren hielpen elkaar met boodschappen.",
        "Via de voedselbank en de buren konden ze het samen dragen.",
        "In de straat delen buren wat ze hebben.",
    ],
    "digitaal": [
        "Zonder computer kon ze niet inloggen met haar DigiD.",
        "Haar kleinzoon liet zien hoe ze op internet een formulier invult.",
        "Ze heeft nu een eigen laptop, een wachtwoord dat ze onthoudt en een e-mailadres.",
    ],
}
THEME_WORDS = {
    "wonen": {"woning", "schimmel", "verhuurder", "huur", "huurachterstand", "verhuizen"},
    "schulden": {"schuld", "deurwaarder", "rekening", "betalingsregeling", "beslag",
                 "incassobureau", "incasso"},  # "incassobureau" is split into "incasso", "bureau"
    "eenzaamheid": {"eenzaam", "niemand", "bezoek", "koffie", "contact", "alleen"},
}
FILLER = ["Het was een koude winter in de wijk.", "De afspraak was op het kantoor aan het plein."]


def body(theme: str, value: str, i: int, extra: str | None = None) -> str:
    """A short story: four theme sentences, two value sentences, filler (rotated by ``i``)."""
    pool, vpool = SENTENCES[theme], SENTENCES[value]
    parts = [pool[(i + k) % len(pool)] for k in range(4)]
    parts += [vpool[(i + k) % len(vpool)] for k in range(2)]
    if extra:
        parts += SENTENCES[extra]
    parts.append(FILLER[i % len(FILLER)])
    return " ".join(parts)


def corpus(per_theme: int = 5, labelled: int | None = None) -> list[Document]:
    """``per_theme`` stories per theme, values alternating; ``labelled`` declared per theme."""
    docs = []
    for t, theme in enumerate(("wonen", "schulden", "eenzaamheid")):
        for i in range(per_theme):
            value = ("autonomie", "solidariteit")[(i + t) % 2]
            declared = labelled is None or i < labelled
            docs.append(Document(
                id=f"t{t}-{i:02d}", text=f"Verhaal {t} {i}\n\n{body(theme, value, i)}",
                declared_themes=(theme,) if declared else (),
                declared_values=(value,) if declared else ()))
    return docs


def truth(doc: Document) -> tuple[str, str]:
    t, i = doc.id[1], int(doc.id.split("-")[1])
    theme = ("wonen", "schulden", "eenzaamheid")[int(t)]
    return theme, ("autonomie", "solidariteit")[(i + int(t)) % 2]


def inferred(analysis, story_id: str, kind: str) -> set[str]:
    return set(analysis.labels[story_id].inferred(kind))


# --- text processing -------------------------------------------------------------------------

def test_dutch_lemmas_and_stop_words_from_the_taxonomy_folder() -> None:
    processor = get_processor()
    assert not processor.trained  # no trained pipeline installed here: the fallback is used
    lemmas = processor.lemmatize_phrase("De kinderen hadden schulden bij de woningen")
    assert {"kind", "schuld", "woning"} <= set(lemmas)
    stopwords = load_domain_stopwords(ROOT / "taxonomy")
    assert "buurtteam" in stopwords and "bewoner" in stopwords
    extractor = TermExtractor(processor, stopwords=stopwords, phrases=["alleen", "eigen regie"])
    terms = extractor.sentence_terms(processor.lemmatize_phrase(
        "Het buurtteam zag dat de bewoner alleen was en de eigen regie wilde houden"))
    assert "buurtteam" not in terms and "bewoner" not in terms and "de" not in terms
    assert "alleen" in terms  # a Dutch stop word that is a taxonomy example is kept
    assert "eigen regie" in terms  # taxonomy phrases become one term


def test_label_terms_come_from_the_taxonomy_files() -> None:
    taxonomy = Taxonomy.load(ROOT / "taxonomy")
    themes = load_label_terms(ROOT / "taxonomy", "themes")
    values = load_label_terms(ROOT / "taxonomy", "values")
    assert [t.key for t in themes] == list(taxonomy.themes)
    assert [v.key for v in values] == list(taxonomy.values)
    assert all(t.description and t.examples for t in [*themes, *values])
    with pytest.raises(ValueError):
        load_label_terms(ROOT / "taxonomy", "domains")  # type: ignore[arg-type]


# --- labels and explanations -------------------------------------------------------------------

def test_obvious_themes_and_values_are_inferred_and_explained() -> None:
    docs = corpus()
    analysis = analyse(docs, THEMES, VALUES)
    for doc in docs:
        theme, value = truth(doc)
        labels = analysis.labels[doc.id]
        assert inferred(analysis, doc.id, "themes") == {theme}, doc.id
        assert value in inferred(analysis, doc.id, "values"), doc.id
        # every theme and every value is scored, highest first
        assert [s.key for s in sorted(labels.themes, key=lambda s: s.key)] == sorted(
            t.key for t in THEMES)
        assert len(labels.values) == len(VALUES)
        for scores in (labels.themes, labels.values):
            assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
            assert all(0.0 <= s.score <= 1.0 for s in scores)
        top = next(s for s in labels.themes if s.key == theme)
        assert top.declared and top.inferred
        # the explanation: its words are the theme's words, its sentence one of the story's
        assert len(set(top.terms[:3]) & THEME_WORDS[theme]) >= 2, top.terms
        assert top.sentence in SENTENCES[theme]
        assert any(word in top.sentence.lower() for word in top.terms)
        # a label that is neither declared nor inferred carries no explanation
        for score in labels.themes:
            if not score.inferred and not score.declared:
                assert score.terms == [] and score.sentence is None


def test_works_with_few_labelled_stories() -> None:
    docs = corpus(per_theme=5, labelled=1)  # one declared story per theme, four without
    analysis = analyse(docs, THEMES, VALUES)
    for doc in docs:
        assert inferred(analysis, doc.id, "themes") == {truth(doc)[0]}, doc.id
        assert truth(doc)[1] in inferred(analysis, doc.id, "values"), doc.id


def test_without_any_declared_label_the_taxonomy_words_decide() -> None:
    docs = corpus(per_theme=4, labelled=0)
    analysis = analyse(docs, THEMES, VALUES)
    for doc in docs:
        assert inferred(analysis, doc.id, "themes") == {truth(doc)[0]}, doc.id
    assert "0 van de 3 labels hebben een leermodel" in analysis.method["Thema's"]


def test_a_new_theme_defined_only_in_the_taxonomy_gets_stories() -> None:
    docs = corpus()
    digital = [
        Document(id=f"d-{i:02d}",
                 text=f"Digitaal {i}\n\n" + body(theme, "autonomie", i, "digitaal"),
                 declared_themes=(theme,), declared_values=("autonomie",))
        for i, theme in enumerate(("wonen", "schulden", "eenzaamheid"))
    ]
    analysis = analyse([*docs, *digital], [*THEMES, DIGITAAL], VALUES)
    for doc in digital:
        score = next(s for s in analysis.labels[doc.id].themes if s.key == "digitaal")
        assert score.inferred and not score.declared, doc.id
        assert {"computer", "digid", "laptop", "internet", "wachtwoord"} & set(score.terms)
        assert score.sentence in SENTENCES["digitaal"]
        assert doc.declared_themes[0] in inferred(analysis, doc.id, "themes")
    for doc in docs:
        assert "digitaal" not in inferred(analysis, doc.id, "themes"), doc.id


def test_an_off_topic_text_gets_no_clear_theme_while_stories_about_something_do() -> None:
    docs = [*corpus(per_theme=2),
            Document(id="x-00", text="Het recept: bloem, suiker en boter. Bak de taart veertig "
                                     "minuten op honderdtachtig graden.")]
    analysis = analyse(docs, THEMES, VALUES)
    assert analysis.labels["x-00"].inferred("themes") == []  # "geen duidelijk thema"
    assert all(analysis.labels[d.id].inferred("themes") for d in docs[:-1])
    certain = [s for d in docs[:-1] for s in analysis.labels[d.id].themes if s.inferred]
    assert {s.certainty for s in certain} <= {"waarschijnlijk", "mogelijk"}


# --- clusters ----------------------------------------------------------------------------------

def test_clusters_find_the_groups_and_are_labelled_with_quotes() -> None:
    docs = [
        *corpus(per_theme=5),
        *(Document(id=f"d-{i:02d}", text=f"Digitaal {i}\n\n" + " ".join(
            SENTENCES["digitaal"][(i + k) % 3] for k in range(3)) + " " + SENTENCES[
            "autonomie"][i % 3]) for i in range(5)),
    ]
    analysis = analyse(docs, THEMES, VALUES)  # the taxonomy does not know "digitaal"
    groups = [doc.id.split("-")[0] for doc in docs]
    found = [analysis.cluster_of[doc.id] for doc in docs]
    assert adjusted_rand_score(groups, found) == pytest.approx(1.0)
    assert [c.id for c in analysis.clusters] == list(range(1, len(analysis.clusters) + 1))
    digital = analysis.clusters[[c.members for c in analysis.clusters].index(
        [d.id for d in docs if d.id.startswith("d-")])]
    assert set(digital.terms[:5]) & {"computer", "digid", "laptop", "internet", "wachtwoord"}
    assert digital.label and digital.label[0].isupper()
    for cluster in analysis.clusters:
        assert set(cluster.representatives) <= set(cluster.members)
        assert 2 <= len(cluster.quotes) <= 3
        assert len({sid for sid, _ in cluster.quotes}) == len(cluster.quotes)
        for sid, quote in cluster.quotes:
            assert sid in cluster.members
            assert quote in next(d.text for d in docs if d.id == sid)
    assert "gekozen uit 3–4 op stabiliteit" in analysis.method["Groepen"]


# --- determinism and cache ---------------------------------------------------------------------

def test_same_input_gives_the_same_analysis_in_any_order(tmp_path: Path) -> None:
    docs = corpus()
    first = dataclasses.asdict(analyse(docs, THEMES, VALUES, cache_dir=tmp_path / "a"))
    second = dataclasses.asdict(analyse(list(reversed(docs)), THEMES, VALUES))
    for result in (first, second):
        result.pop("stats")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_changing_one_story_reprocesses_only_that_story(tmp_path: Path) -> None:
    docs = corpus()
    cache = tmp_path / "cache"
    cold = analyse(docs, THEMES, VALUES, cache_dir=cache)
    assert (cold.stats["processed"], cold.stats["cached"]) == (len(docs), 0)
    warm = analyse(docs, THEMES, VALUES, cache_dir=cache)
    assert (warm.stats["processed"], warm.stats["cached"]) == (0, len(docs))
    assert warm.labels == cold.labels and warm.clusters == cold.clusters
    changed = [dataclasses.replace(docs[0], text=docs[0].text + " Er kwam een zin bij."),
               *docs[1:]]
    again = analyse(changed, THEMES, VALUES, cache_dir=cache)
    assert (again.stats["processed"], again.stats["cached"]) == (1, len(docs) - 1)
    # a damaged cache entry is reprocessed, not trusted
    key = content_key(changed[1].text, get_processor().name)
    with sqlite3.connect(cache / "entries.sqlite") as db:
        assert db.execute("UPDATE entries SET value = '{not json' WHERE key = ?",
                          (key,)).rowcount == 1
    repaired = analyse(changed, THEMES, VALUES, cache_dir=cache)
    assert repaired.stats["processed"] == 1
    assert repaired.labels == again.labels
    # a cache file that is no database at all: everything is processed, nothing fails
    (cache / "entries.sqlite").write_bytes(b"dit is geen database" * 100)
    for leftover in cache.glob("entries.sqlite-*"):
        leftover.unlink()
    broken = analyse(changed, THEMES, VALUES, cache_dir=cache)
    assert broken.stats["processed"] == len(docs)
    assert broken.labels == again.labels


# --- evaluation --------------------------------------------------------------------------------

def known_answer_corpus() -> list[Document]:
    """Six clear housing stories and six clear debt stories, plus two debt stories whose author
    chose *wonen*: the text says debt, so the right answer is known for every story."""
    docs = [d for d in corpus(per_theme=6) if not d.id.startswith("t2")]
    for i in range(2):
        docs.append(Document(id=f"m-{i:02d}", text=f"Verhaal m {i}\n\n"
                             + body("schulden", "autonomie", i + 3),
                             declared_themes=("wonen",), declared_values=("autonomie",)))
    return docs


def test_evaluation_numbers_on_a_fixture_with_known_answers() -> None:
    result = evaluate(known_answer_corpus(), THEMES[:2], VALUES, folds=4)
    wonen, schulden = result.themes
    # schulden: 6 declared, found in those 6 and in the 2 mislabelled stories (the text says
    # debt), so 2 of its 8 findings count as false positives against the authors
    assert (schulden.support, schulden.predicted) == (6, 8)
    assert (schulden.precision, schulden.recall, schulden.f1) == (0.75, 1.0, pytest.approx(0.857))
    # wonen: 8 declared, most found (a mislabelled story may get it as a second theme, learned
    # from the other mislabelled one), and the arithmetic holds
    assert wonen.support == 8 and wonen.recall >= 0.75
    f1 = 2 * wonen.precision * wonen.recall / (wonen.precision + wonen.recall)
    assert wonen.f1 == pytest.approx(f1, abs=1e-3)
    assert result.themes_macro_f1 == pytest.approx((wonen.f1 + schulden.f1) / 2, abs=1e-3)
    assert result.labelled == {"themes": 14, "values": 14}
    # clusters follow the text (two groups of 6 and 8), the authors' main theme does not
    main = ["wonen"] * 6 + ["schulden"] * 6 + ["wonen"] * 2
    groups = [0] * 6 + [1] * 8
    assert result.clusters == 2
    assert result.nmi == round(normalized_mutual_info_score(main, groups), 3)
    assert result.ari == round(adjusted_rand_score(main, groups), 3)
    assert 0 < result.silhouette <= 1
    table = result.as_table()
    assert "macro-F1" in table and f"{schulden.f1:.3f}" in table
    markdown = result.as_markdown()
    nl = lambda x: f"{x:.2f}".replace(".", ",")  # noqa: E731
    assert (f"| Wonen | 8 | {nl(wonen.precision)} | {nl(wonen.recall)} | {nl(wonen.f1)} |"
            in markdown)
    assert "| NMI |" in markdown and "| Silhouette |" in markdown


def test_cross_validation_never_scores_a_story_it_learned_from(monkeypatch) -> None:
    seen: list[tuple[set[bytes], set[bytes]]] = []

    def rows(X) -> set[bytes]:
        dense = X.toarray()
        return {dense[i].tobytes() for i in range(dense.shape[0])}

    class Spy(LabelModel):
        def fit(self, X, Y, seeds, labelled=None, **training):
            seen.append((rows(X), set()))
            return super().fit(X, Y, seeds, labelled, **training)

        def score(self, X):
            seen[-1][1].update(rows(X))
            return super().score(X)

    monkeypatch.setattr(evaluation_module, "LabelModel", Spy)
    docs = corpus(per_theme=5)
    evaluate(docs, THEMES, VALUES, folds=5)
    assert len(seen) == 2 * 5
    for trained, scored in seen:
        assert scored and not trained & scored


def test_folds_cover_every_story_once() -> None:
    strata = ["a"] * 7 + ["b"] * 6 + ["c"] * 2
    folds = make_folds(strata, 5, random_state=0)
    assert len(folds) == 5
    assert sorted(np.concatenate(folds).tolist()) == list(range(len(strata)))
    assert make_folds(strata, 5, random_state=0)[0].tolist() == folds[0].tolist()


def test_demo_corpus_meets_the_quality_targets() -> None:
    taxonomy = Taxonomy.load(ROOT / "taxonomy")
    public = [s for s in check_corpus([ROOT / "stories"], taxonomy).stories if s.is_public]
    docs = [Document(id=s.id, text=s.text_for_analysis(), declared_themes=tuple(s.themes),
                     declared_values=tuple(s.values)) for s in public]
    result = evaluate(docs, load_label_terms(ROOT / "taxonomy", "themes"),
                      load_label_terms(ROOT / "taxonomy", "values"),
                      stopwords=load_domain_stopwords(ROOT / "taxonomy"))
    assert result.themes_macro_f1 >= 0.75, result.as_table()
    assert result.values_macro_f1 >= 0.55, result.as_table()
    assert result.clusters >= 3 and result.nmi > 0.3


# --- the site: real builds ---------------------------------------------------------------------

def project_stories() -> dict[str, str]:
    """Twelve stories on three themes; one author chose *wonen* for a story about debt."""
    stories: dict[str, str] = {}
    keys = {"wonen": "wonen", "schulden": "schulden", "eenzaamheid": "eenzaamheid"}
    n = 0
    for theme in keys:
        for i in range(4):
            n += 1
            value = ("autonomie", "solidariteit")[i % 2]
            declared = "wonen" if (theme, i) == ("schulden", 3) else theme
            stories[f"2019/zo-2019-{n:03d}.md"] = story_text(
                f"zo-2019-{n:03d}", body(theme, value, i), title=f"Verhaal {n} over {theme}",
                themes=f"[{declared}]", values=f"[{value}]",
                date=f"2019-{1 + n % 12:02d}-{1 + n:02d}")
    return stories


def read_site(site: Path, paths: list[str]) -> dict[str, bytes]:
    return {p: (site / p).read_bytes() for p in paths}


def test_two_builds_are_identical_and_one_changed_story_is_reprocessed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", project_stories())
    first = mkdocs_build(project, tmp_path / "site1")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "NLP: 12 verhalen, 12 opnieuw verwerkt, 0 uit de cache" in first.stderr
    second = mkdocs_build(project, tmp_path / "site2")
    assert second.returncode == 0, second.stderr[-3000:]
    assert "NLP: 12 verhalen, 0 opnieuw verwerkt, 12 uit de cache" in second.stderr

    pages = ["data/verhalen.json", "data/clusters.json", "data/verhalen.csv",
             "methode/index.html", "wat-valt-op/index.html", "jaarverslag/2019/index.html",
             "themas/schulden/index.html", "verhalen/zo-2019-008/index.html"]
    assert read_site(tmp_path / "site1", pages) == read_site(tmp_path / "site2", pages)

    site = tmp_path / "site1"
    stories = {s["id"]: s for s in json.loads((site / "data/verhalen.json").read_text())[
        "stories"]}
    clusters = json.loads((site / "data/clusters.json").read_text())["clusters"]
    assert clusters and sorted(m for c in clusters for m in c["members"]) == sorted(stories)
    for cluster in clusters:
        assert cluster["label"] and cluster["terms"] and cluster["quotes"]
    mislabelled = stories["zo-2019-008"]
    assert mislabelled["themes"] == ["wonen"]
    assert mislabelled["inferred_themes"][0]["key"] == "schulden"  # the best one, by score
    assert mislabelled["inferred_themes"][0]["certainty"] in {"waarschijnlijk", "mogelijk"}
    assert mislabelled["cluster"] in {c["id"] for c in clusters}
    for story in stories.values():
        assert story["inferred_themes"] and story["inferred_values"]
        assert all(0 < i["score"] <= 1 for i in story["inferred_themes"])
    csv_text = (site / "data/verhalen.csv").read_text()
    assert re.search(r"zo-2019-008,.*,schulden:0\.\d{4}[,;]", csv_text)

    # where author and analysis differ, the story page says so
    page = (site / "verhalen/zo-2019-008/index.html").read_text()
    assert "Auteur en analyse verschillen" in page
    assert "De analyse herkent <strong>schulden</strong>" in page
    assert re.search(r"Wonen</a> \(thema\)</td>\s*<td[^>]*>ja</td>", page)  # the author's choice
    # the theme page lists stories by score, highest first
    theme_page = (site / "themas/schulden/index.html").read_text()
    listed = re.findall(r'verhalen/(zo-2019-\d{3})/', theme_page)
    expected = sorted(
        (s for s in stories.values() if "schulden" in s["themes"] or any(
            i["key"] == "schulden" for i in s["inferred_themes"])),
        key=lambda s: (-next(i["score"] for i in s["inferred_themes"] if i["key"] == "schulden"),
                       s["id"]))
    assert list(dict.fromkeys(listed)) == [s["id"] for s in expected]
    method = (site / "methode/index.html").read_text()
    assert "macro-F1" in method and "Silhouette" in method

    story = project / "stories/2019/zo-2019-001.md"
    story.write_text(story.read_text() + "\nLater kwam er nog een zin bij.\n")
    third = mkdocs_build(project, tmp_path / "site3")
    assert third.returncode == 0, third.stderr[-3000:]
    assert "NLP: 12 verhalen, 1 opnieuw verwerkt, 11 uit de cache" in third.stderr


def test_rijk_evaluate_prints_a_table_and_json(tmp_path: Path) -> None:
    from generator.cli import main

    project = make_project(tmp_path / "p", project_stories())
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--project", str(project), "--folds", "3"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "NMI" in result.output
    as_json = runner.invoke(main, ["evaluate", "--project", str(project), "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output[as_json.output.index("{"):])
    assert {"themes_macro_f1", "values_macro_f1", "nmi", "ari", "silhouette"} <= set(data)
    assert "zo-2019" not in as_json.output  # numbers and label keys only, no story ids


def test_the_evaluation_of_a_large_corpus_keeps_its_cache_when_a_story_outside_it_changes(
        ) -> None:
    """Above FIT_STORIES the method page's cross-validation measures the stories the models
    train on; a story outside that sample changing must not recompute it (one changed story
    at 10,000 would otherwise cost the whole evaluation), one inside it must."""
    from generator.nlp.analysis import FIT_STORIES
    from generator.nlp.evaluation import evaluation_sample
    from generator.nlp.schema import Document

    def corpus(changed: str | None = None) -> list[Document]:
        return [Document(id=f"s-{i:05d}", text=f"verhaal {i}" + (" anders" if
                                                                  f"s-{i:05d}" == changed else ""),
                         declared_themes=("schulden",) if i % 3 else (),
                         declared_values=("zelfredzaamheid",) if i % 2 else ())
                for i in range(FIT_STORIES + 400)]

    sample = evaluation_sample(corpus())
    assert FIT_STORIES <= len(sample) < FIT_STORIES + 400
    ids = {d.id for d in sample}
    outside = next(f"s-{i:05d}" for i in range(FIT_STORIES + 400) if f"s-{i:05d}" not in ids)
    inside = sample[0].id
    assert evaluation_sample(corpus(changed=outside)) == sample
    assert evaluation_sample(corpus(changed=inside)) != sample
