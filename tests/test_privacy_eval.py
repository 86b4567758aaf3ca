"""The de-identification evaluation set (tests/data/privacy/dev.yml) and its evaluator.

Three layers: the set itself is big and varied enough; the evaluator counts exactly right on a
tiny hand-made set with a fake de-identifier (no deduce involved); and a real run of our
pipeline against stock deduce on the dev set, which prints both reports.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.privacy.evaluation import (
    CLEAN_FORMS,
    DEV_SET,
    KINDS,
    NAME_FORMS,
    EvalSetError,
    compare_markdown,
    evaluate,
    load_set,
    occurs,
    ours_fields,
    stock_deduce_fields,
)

# -- the dev set -----------------------------------------------------------------------


def test_dev_set_loads_and_is_big_enough() -> None:
    dev = load_set(DEV_SET)
    assert len(dev.texts) >= 70
    assert len(dev.items) >= 330
    forms = dev.count_by_form()
    for form in NAME_FORMS:
        assert forms[form] >= 15, (form, forms[form])
    kinds = dev.count_by_kind()
    for kind in KINDS:
        if kind != "naam":
            assert kinds[kind] >= 10, (kind, kinds[kind])
    assert len(dev.clean) >= 320
    clean_forms = dev.count_clean_by_form()
    for form in CLEAN_FORMS:
        assert clean_forms[form] >= 20, (form, clean_forms[form])
    assert set(clean_forms) <= set(CLEAN_FORMS)
    names = [item.text for _, item in dev.items if item.kind == "naam"]
    assert len(set(names)) >= 200  # many different names, hardly reused


def test_dev_set_bsns_pass_the_elfproef() -> None:
    for _, item in load_set(DEV_SET).items:
        if item.kind == "bsn":
            digits = [int(d) for d in item.text]
            assert len(digits) == 9
            assert (sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=False))
                    - digits[8]) % 11 == 0, item.text


# -- the evaluator, on a tiny set --------------------------------------------------------

TINY = """\
texts:
  - id: t-1
    voice: "test"
    title: "Bij mevrouw Jansen"
    body: |
      Mevrouw Jansen woont in Noord. Bel
      06-12345678 na vijf uur.
    expect:
      - {text: "Jansen", kind: naam, form: titel}
      - {text: "06-12345678", kind: telefoonnummer}
    keep: ["Noord"]
  - id: t-2
    voice: "test"
    body: |
      Piet en Klaas kwamen langs bij de Hema.
    expect:
      - {text: "Piet", kind: naam, form: opsomming}
      - {text: "Klaas", kind: naam, form: opsomming}
    keep: ["Hema"]
clean:
  - {text: "We gingen naar de Hema.", form: winkel}
  - {text: "Het UWV belde op dinsdag.", form: instantie}
"""


def fake(fields: dict[str, str]) -> dict[str, str]:
    """Knows Jansen, Piet and (wrongly) Hema; misses Klaas and the phone number."""
    return {name: re.sub(r"\b(Jansen|Piet)\b", "[naam]", text).replace("Hema", "[winkel]")
            for name, text in fields.items()}


def tiny(tmp_path: Path, text: str = TINY) -> Path:
    path = tmp_path / "tiny.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluator_counts_exactly(tmp_path: Path) -> None:
    report = evaluate(load_set(tiny(tmp_path)), fake, name="nep")
    assert (report.total.found, report.total.total) == (2, 4)
    assert report.recall == 0.5
    assert {k: (t.found, t.total) for k, t in report.per_kind.items()} == {
        "naam": (2, 3), "telefoonnummer": (0, 1)}
    assert {k: (t.found, t.total) for k, t in report.per_form.items()} == {
        "titel": (1, 1), "opsomming": (1, 2), "telefoonnummer": (0, 1)}
    assert [(m.id, m.text, m.form) for m in report.misses] == [
        ("t-1", "06-12345678", "telefoonnummer"), ("t-2", "Klaas", "opsomming")]
    assert [(k.id, k.text) for k in report.keep_losses] == [("t-2", "Hema")]
    assert report.clean_sentences == 2
    assert report.clean_words == 10
    assert report.clean_words_lost == 1
    assert report.false_redaction_rate == 0.5
    assert report.word_false_redaction_rate == 0.1
    [wrong] = report.false_redactions
    assert (wrong.form, wrong.output, wrong.lost) == (
        "winkel", "We gingen naar de [winkel].", ("Hema",))
    markdown = report.as_markdown()
    assert "## nep" in markdown and "| t-2 | Klaas | naam | opsomming |" in markdown
    assert "| opsomming | 1 | 2 | 50.0 % |" in markdown
    assert "| nep |" in compare_markdown([report]).splitlines()[2]


def test_perfect_and_identity_deidentifiers(tmp_path: Path) -> None:
    dev = load_set(tiny(tmp_path))
    identity = evaluate(dev, dict)
    assert identity.recall == 0.0 and identity.word_false_redaction_rate == 0.0
    assert not identity.keep_losses and not identity.false_redactions
    blank = evaluate(dev, lambda fields: {name: "" for name in fields})
    assert blank.recall == 1.0
    assert blank.false_redaction_rate == 1.0 and blank.word_false_redaction_rate == 1.0


def test_matching_is_whole_word_case_sensitive_any_whitespace() -> None:
    assert occurs("Ama Asantewaa", {"body": "zijn vrouw, Ama\n  Asantewaa, werkte"})
    # a possessive is the name (a leak of "Egbert" in "Egberts nummer"); a longer word is not
    assert occurs("Jansen", {"body": "Jansens fiets"})
    assert not occurs("Jansen", {"body": "Jansenisme"})
    assert not occurs("Jansen", {"body": "mevrouw jansen"})
    assert occurs("Joris", {"body": "Joris' fiets"})
    assert occurs("+31 6 48213377", {"title": "x", "body": "bel +31 6 48213377."})
    assert not occurs("Piet", {"body": "[naam]"})


@pytest.mark.parametrize(("broken", "message"), [
    (TINY.replace('{text: "Klaas"', '{text: "Kees"'), "t-2: expect[1]: 'Kees' staat niet"),
    (TINY.replace("kind: telefoonnummer", "kind: telefoon"), "t-1: expect[1]: kind 'telefoon'"),
    (TINY.replace("id: t-2", "id: t-1"), "t-1: id komt twee keer voor"),
    (TINY.replace('keep: ["Hema"]', 'keep: ["Zeeman"]'), "t-2: keep 'Zeeman'"),
    (TINY.replace(", form: opsomming}", "}", 1), "t-2: expect[0]: een naam heeft een 'form'"),
    (TINY.replace(", form: winkel", ""), "clean[0]: 'form' ontbreekt"),
    ("texts: 3\n", "lijst 'texts'"),
])
def test_load_set_names_the_broken_item(tmp_path: Path, broken: str, message: str) -> None:
    with pytest.raises(EvalSetError, match=re.escape(message)):
        load_set(tiny(tmp_path, broken))


# -- a real run: ours against stock deduce ------------------------------------------------


@pytest.mark.parametrize(("name", "min_recall"), [("dev", 0.97), ("dev2", 0.97),
                                                  ("dev3", 0.97), ("heldout", 0.95),
                                                  ("heldout2", 0.97), ("heldout3", 0.95)])
def test_ours_beats_stock_deduce(name: str, min_recall: float) -> None:
    """On every set: never below stock deduce for any kind or name form, false redaction of
    ordinary words ≤ 1 %, and overall recall at least ``min_recall``. dev, dev2 and dev3 were
    used to improve the rules; heldout2 too, after its first untouched measurement (96.5 %
    recall, 1.3 % sentences changed); heldout and heldout3 are only measured, so their bar is
    lower."""
    if not (DEV_SET.parent / f"{name}.yml").exists():
        pytest.skip(f"{name}.yml is not there")
    eval_set = load_set(DEV_SET.parent / f"{name}.yml")
    ours = evaluate(eval_set, ours_fields(), name="ours")
    stock = evaluate(eval_set, stock_deduce_fields, name="stock deduce")
    print(compare_markdown([ours, stock]))
    print(ours.as_markdown())
    for kind, tally in stock.per_kind.items():
        assert ours.per_kind[kind].recall >= tally.recall, kind
    for form, tally in stock.per_form.items():
        assert ours.per_form[form].recall >= tally.recall, form
    assert ours.word_false_redaction_rate <= 0.01
    assert ours.recall >= min_recall
