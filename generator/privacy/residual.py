"""The second, independent check: names that de-identification left in published text.

De-identification decides by rules what is a name. This check does not trust those rules: every
capitalised word that is still readable after de-identification and that a first-name or
surname list knows (deduce's lists plus ``data/first_names.txt`` and ``data/surnames.txt``) is
a *restrisico* finding, unless it is in a keep list (taxonomy places, teams, organisations,
``data/keep.txt``) or a coordinator confirmed it in ``taxonomy/privacy.yml``.

Findings are warnings for the author and the coordinator (``rijk check``, the form's review
screen, the build log, ``rijk privacy report``); ``rijk build --strict`` fails on an
unconfirmed one. The scan of exact leaked strings (:mod:`.scan`) stays fail-closed always.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from generator.privacy.model import Span
from generator.privacy.rules import tokens_of
from generator.privacy.words import (
    NOT_NAMES,
    PARTICLES,
    TITLES,
    dutch_places,
    first_names,
    known_names,
    ordinary_words,
    word_frequency,
)

CONFIRMATIONS_FILE = "privacy.yml"


def residual_advice(word: str) -> str:
    """What the author or coordinator does about a restrisico, in Dutch (check and form)."""
    return (f"'{word}' staat in een namenlijst en blijft leesbaar. Is het een persoon, haal de "
            "naam weg of schrijf 'mevrouw [naam]'; is het geen naam, laat een coördinator het "
            "bevestigen in taxonomy/privacy.yml.")


@dataclass(frozen=True)
class ResidualRisk:
    """A known name left readable: ``word`` at ``line`` (1-based within the field's text)."""

    field: str
    line: int
    word: str
    confirmed_by: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by is not None


class Confirmation(BaseModel):
    """A coordinator's decision that a word is not personal data (``taxonomy/privacy.yml``).

    ``story`` limits it to one story id; without it the word is fine everywhere."""

    word: str = Field(min_length=2)
    confirmed_by: str = Field(min_length=2)
    date: date
    reason: str = Field(min_length=3)
    story: str | None = None


class ConfirmationError(ValueError):
    """``taxonomy/privacy.yml`` cannot be read; ``path``, ``line`` and a Dutch ``reason``."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


def load_confirmations(taxonomy_dir: Path) -> list[Confirmation]:
    """The confirmed words of ``taxonomy/privacy.yml`` (``confirmed:`` list); none if absent.

    Raises :class:`ConfirmationError` naming file and line for an invalid entry."""
    path = Path(taxonomy_dir) / CONFIRMATIONS_FILE
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.BaseLoader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfirmationError(path, (mark.line + 1) if mark else 1,
                                f"ongeldige YAML: {getattr(exc, 'problem', exc)}") from exc
    entries = data.get("confirmed", []) if isinstance(data, dict) else []
    lines = _entry_lines(node)
    out = []
    for index, entry in enumerate(entries or []):
        try:
            out.append(Confirmation.model_validate(entry))
        except ValidationError as exc:
            where = lines[index] if index < len(lines) else 1
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
            raise ConfirmationError(
                path, where, f"bevestiging onvolledig of ongeldig ({fields}). Elke regel onder "
                "'confirmed:' heeft word, confirmed_by, date (JJJJ-MM-DD) en reason.") from exc
    return out


def _entry_lines(node: yaml.Node | None) -> list[int]:
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "confirmed" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


SENTENCE_START_ZIPF = 5.2
"""At the start of a sentence a first name this frequent as a Dutch word is the word ("Tien
jaar", "Kamer 3": 5.2 and 5.3 on wordfreq's Zipf scale); "Jan" (5.18) and rarer names are
still flagged. On a 2,000-story bench corpus "Tien" and "Kamer" were the only findings (50)."""


def residual_risks(fields: Mapping[str, str], analysis: Mapping[str, list[Span]],
                   keep: re.Pattern[str] | None, confirmations: Iterable[Confirmation] = (),
                   story_id: str | None = None) -> list[ResidualRisk]:
    """Known names in the readable part of each field (outside every span of ``analysis``
    and every match of the ``keep`` phrases).

    A word at the start of a sentence that is also a Dutch word and no first name ("Pas",
    "Visser") is not a finding: there the capital says nothing. Confirmed words come back
    with ``confirmed_by`` set."""
    names = known_names()
    ordinary = ordinary_words()
    firsts = first_names()
    confirmed = {c.word.lower(): c.confirmed_by for c in confirmations
                 if c.story in (None, story_id)}
    risks: list[ResidualRisk] = []
    for name, text in fields.items():
        spans = list(analysis.get(name, []))
        if keep is not None:
            spans += [Span(m.start(), m.end(), "keep") for m in keep.finditer(text)]
        tokens = tokens_of(text)
        for i, (start, end, word) in enumerate(tokens.items):
            lower = word.lower()
            if not (word[:1].isupper()) or len(word) < 3:
                continue
            if lower not in names or lower in NOT_NAMES or lower in dutch_places() \
                    or lower in PARTICLES or lower in TITLES:
                continue
            if any(s.start < end and start < s.end for s in spans):
                continue
            if text[max(0, start - 1):start] == "[":
                continue  # our own placeholder
            if tokens.sentence_initial(i) and lower in ordinary and (
                    word not in firsts or word_frequency(lower) >= SENTENCE_START_ZIPF):
                continue  # "Pas", and "Aan"/"Dan"/"Tien"/"Kamer" that a first-name list holds
            risks.append(ResidualRisk(name, text.count("\n", 0, start) + 1, word,
                                      confirmed.get(lower)))
    return risks
