"""Compare the wijken of a CBS file with the project's ``taxonomy/neighbourhoods.yml``.

CBS renumbers wijken when a municipality merges or redraws its wijken (Leeuwarden took in
Leeuwarderadeel in 2018; every wijk code changed). Figures are stored by CBS code, so a wijk
whose code changed would silently lose its new figures. :func:`code_changes` finds those wijken
by name and says what to change; :func:`municipality_codes` says which gemeenten a project
covers (the gemeente number is digits 3–6 of every wijk code, a CBS rule).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from generator.taxonomy import Neighbourhood


@dataclass(frozen=True)
class CodeChange:
    """A wijk of the taxonomy that the CBS file lists under another code."""

    key: str
    name: str
    old: str
    new: str

    def message(self) -> str:
        return (f"wijk '{self.name}' ({self.key}) heeft in dit bestand code {self.new}, in "
                f"taxonomy/neighbourhoods.yml staat {self.old}. CBS heeft de wijk hernummerd "
                f"(gemeentelijke herindeling of nieuwe wijkindeling): zet bij '{self.key}' "
                f"code: {self.new}, anders krijgt deze wijk geen cijfers voor dit jaar.")


def municipality_codes(neighbourhoods: Iterable[Neighbourhood]) -> list[str]:
    """The GM codes of the gemeenten the wijken belong to (``WK034401`` → ``GM0344``)."""
    return sorted({f"GM{hood.code[2:6]}" for hood in neighbourhoods})


def code_changes(neighbourhoods: Mapping[str, Neighbourhood],
                 names: Mapping[str, str]) -> list[CodeChange]:
    """Taxonomy wijken whose code is not in the file while a wijk of the same name is.

    ``names`` is code → name as read from the file (wijken only are compared). Names are
    compared without case, CBS's "Wijk 01 " numbering and punctuation.
    """
    in_file = {code for code in names if code.startswith("WK")}
    by_name = {_plain(name): code for code, name in names.items() if code.startswith("WK")}
    changes = []
    for key, hood in neighbourhoods.items():
        if hood.code in in_file:
            continue
        new = by_name.get(_plain(hood.name))
        if new and new != hood.code:
            changes.append(CodeChange(key=key, name=hood.name, old=hood.code, new=new))
    return changes


def _plain(name: str) -> str:
    name = re.sub(r"^wijk\s+\d+\s+", "", name.strip().lower())
    return re.sub(r"[^0-9a-zà-ÿ]+", " ", name).strip()
