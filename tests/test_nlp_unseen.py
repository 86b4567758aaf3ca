"""Themes and values on text the model never saw, with the shipped taxonomy and training text.

The hand-made texts below show a theme by what happens and use none of the taxonomy's label or
example words (the first test checks that, so the texts cannot drift into keyword matching).
They are not in any training or evaluation file.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.nlp import label_terms, load_domain_stopwords
from generator.nlp.suggest import LabelSuggester
from generator.nlp.training import TrainingDataError, load_examples, training_documents
from generator.taxonomy import Taxonomy
from tests.helpers import ROOT, make_project, story_text

OBVIOUS = {
    "schulden": "Op de deurmat lagen drie aanmaningen van de energieleverancier. Ze had al "
                "maanden niets betaald en durfde de enveloppen niet meer open te maken. We "
                "hebben samen alles op een rij gezet en gebeld om het af te lossen in kleine "
                "bedragen per maand.",
    "opvoeding": "De jongen van elf wilde 's ochtends niet meer naar de basisschool en bleef "
                 "onder de dekens liggen. De juf belde twee keer. Met papa en mama bedachten we "
                 "een vast ochtendritueel: om zeven uur op, ontbijt aan tafel, en papa fietst "
                 "mee tot het hek van het schoolplein.",
    "mantelzorg": "Ze wast, kookt en geeft haar man zijn pillen sinds zijn hersenbloeding, en "
                  "slaapt zelf nog maar vier uur per nacht. Sinds deze maand komt er op "
                  "woensdag een vrijwilliger bij hem zitten, zodat zij een middag voor zichzelf "
                  "heeft.",
}
OFF_TOPIC = ("Verwarm de oven voor op honderdtachtig graden. Meng bloem, suiker en boter tot "
             "een glad beslag en bak de cake veertig minuten.")


@pytest.fixture(scope="module")
def suggester() -> LabelSuggester:
    taxonomy = Taxonomy.load(ROOT / "taxonomy")
    themes, values = label_terms(taxonomy.themes), label_terms(taxonomy.values)
    return LabelSuggester(themes, values, stopwords=load_domain_stopwords(ROOT / "taxonomy")
                          ).fit([], training_documents(ROOT / "taxonomy", themes, values))


def _taxonomy_words() -> set[str]:
    """Every content word of every theme's key, label and examples."""
    from spacy.lang.nl.stop_words import STOP_WORDS

    taxonomy = Taxonomy.load(ROOT / "taxonomy")
    words: set[str] = set()
    for term in taxonomy.themes.values():
        for phrase in (term.key, term.label, *term.examples):
            words.update(w for w in re.findall(r"\w+", phrase.lower())
                         if len(w) > 3 and w not in STOP_WORDS)
    return words


def test_the_hand_made_texts_use_no_taxonomy_word() -> None:
    words = _taxonomy_words()
    for theme, text in OBVIOUS.items():
        used = set(re.findall(r"\w+", text.lower())) & words
        assert not used, (theme, used)


@pytest.mark.parametrize("theme", sorted(OBVIOUS))
def test_a_theme_is_recognised_from_what_happens(suggester: LabelSuggester, theme: str) -> None:
    found = suggester.suggest(OBVIOUS[theme])
    assert found.themes and found.themes[0].key == theme, found
    assert found.themes[0].certainty in {"waarschijnlijk", "mogelijk"}


def test_an_off_topic_text_gets_no_clear_theme(suggester: LabelSuggester) -> None:
    found = suggester.suggest(OFF_TOPIC)
    assert found.themes == []
    assert "geen duidelijk thema" in found.new([], []).sentence() or found.values


def test_the_suggestion_asks_the_author_and_leaves_out_what_was_chosen(
        suggester: LabelSuggester) -> None:
    found = suggester.suggest(OBVIOUS["schulden"])
    assert re.match(r"Dit verhaal (lijkt te gaan|gaat misschien) over .*schulden", found.sentence())
    assert found.sentence().endswith("Klopt dat? Kies het dan zelf bij het verhaal.")
    assert "schulden" not in [s.key for s in found.new(["schulden"], []).themes]


def test_rijk_check_suggests_themes_the_author_did_not_choose(tmp_path) -> None:
    project = make_project(tmp_path / "p", {
        "2019/zo-2019-001.md": story_text("zo-2019-001", OBVIOUS["schulden"], themes="[]",
                                          values="[]")})
    result = CliRunner().invoke(main, ["check", "--no-privacy", "--project", str(project),
                                       str(project / "stories")])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "suggestie:" in x)
    assert line.startswith(str(project / "stories" / "2019" / "zo-2019-001.md") + ":") or \
        "zo-2019-001.md:" in line
    assert "schulden" in line and "Klopt dat?" in line and "themes: [schulden" in line
    assert "1 suggestie(s)" in result.output
    quiet = CliRunner().invoke(main, ["check", "--no-privacy", "--no-suggestions", "--project",
                                      str(project), str(project / "stories")])
    assert "suggestie" not in quiet.output


def test_evaluate_against_reports_per_label_scores_on_unseen_stories(tmp_path) -> None:
    project = make_project(tmp_path / "p", copy_stories=True)
    against = tmp_path / "toets"
    against.mkdir()
    for n, (theme, text) in enumerate(sorted(OBVIOUS.items()), start=1):
        (against / f"tt-2024-{n:03d}.md").write_text(
            story_text(f"tt-2024-{n:03d}", text, themes=f"[{theme}]", values="[compassie]"),
            encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--json", "--project", str(project),
                                       "--against", str(against)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    held = report["against"]
    assert held["stories"] == 3
    assert held["main_theme_accuracy"] == 1.0
    by_key = {m["key"]: m for m in held["themes"]}
    assert {k for k, m in by_key.items() if m["support"]} == set(OBVIOUS)
    assert all(by_key[k]["recall"] == 1.0 for k in OBVIOUS)
    assert "themes_macro_f1" in report  # the cross-validation on the corpus, beside it

    table = CliRunner().invoke(main, ["evaluate", "--project", str(project),
                                      "--against", str(against)])
    assert "Niet eerder geziene verhalen: 3" in table.output
    assert "Hoofdthema goed: 1.000" in table.output


def test_evaluate_against_refuses_stories_that_are_also_in_the_corpus(tmp_path) -> None:
    project = make_project(tmp_path / "p", copy_stories=True)
    against = tmp_path / "toets"
    against.mkdir()
    first = sorted((project / "stories").rglob("*.md"))[0]
    (against / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--project", str(project),
                                       "--against", str(against)])
    assert result.exit_code != 0
    assert "ook in het corpus" in result.output


def test_a_wrong_label_in_examples_names_the_file_and_line(tmp_path) -> None:
    taxonomy = tmp_path / "taxonomy"
    taxonomy.mkdir()
    (taxonomy / "examples.yml").write_text(
        "- themes: [schulden]\n  values: [compassie]\n  text: Een verhaal.\n"
        "- themes: [geldzorgen]\n  values: []\n  text: Nog een.\n", encoding="utf-8")
    real = Taxonomy.load(ROOT / "taxonomy")
    with pytest.raises(TrainingDataError, match=r"examples\.yml:4: .*onbekende themes geldzorgen"):
        load_examples(taxonomy, label_terms(real.themes), label_terms(real.values))
