"""Citations of stories and annual reports: Dutch APA, BibTeX and CSL-JSON.

A director cites a story in the annual report or a council letter; a researcher loads every
story into Zotero or Word. The same record feeds three forms:

* :func:`apa`: APA 7th edition as Dutch universities teach it (e.g. the "APA-richtlijnen" of
  Hogeschool/Universiteit Utrecht): author "Achternaam, V." with Dutch particles after the
  initials ("Vries, J. de"), the date in Dutch, the title in italics, a bracketed description
  ("[Verhaal]"), the publisher and the permanent address;
* :func:`bibtex`: one ``@misc`` entry per story, keyed by its id (``data/verhalen.bib``);
* :func:`csl_json`: CSL-JSON (the Citation Style Language's data format, read by Zotero,
  Mendeley and Word's citation add-ins), type ``webpage`` (``data/verhalen.csl.json``).

Only public, de-identified stories ever reach these functions (they take the structure's
:class:`~generator.pages.structure.StoryView`); the author is the professional, never a resident.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from generator.pages.structure import StoryView

DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                "september", "oktober", "november", "december")
PARTICLES = {"van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "op", "in", "la", "le",
             "du", "da", "el", "al", "ben", "bin", "von", "zu"}
"""Dutch and common foreign surname particles ("tussenvoegsels"), sorted after the initials in
Dutch APA ("Vries, J. de")."""


@dataclass(frozen=True)
class Person:
    """A name split for a reference list: ``given`` ("Samira"), ``particle`` ("van der"),
    ``family`` ("Bakker")."""

    given: str
    particle: str
    family: str

    @classmethod
    def parse(cls, name: str) -> Person:
        words = name.split()
        if len(words) <= 1:
            return cls("", "", name.strip())
        family = len(words) - 1
        particle = family
        while particle > 1 and words[particle - 1].lower() in PARTICLES:
            particle -= 1
        return cls(" ".join(words[:particle]),
                   " ".join(w.lower() for w in words[particle:family]), words[family])

    def initials(self) -> str:
        def one(word: str) -> str:
            if "." in word:  # already initials: "J.W." stays "J. W."
                return " ".join(f"{c}." for c in word.replace(".", " ").split() if c)
            return "-".join(f"{part[0].upper()}." for part in word.split("-") if part)

        return " ".join(one(word) for word in self.given.split())

    def apa(self) -> str:
        if not self.given:
            return self.family
        return f"{self.family}, {self.initials()}" + (f" {self.particle}" if self.particle
                                                       else "")


@dataclass(frozen=True)
class Reference:
    """What every citation form needs of one story."""

    id: str
    title: str
    author: str
    team: str
    place: str
    date: date
    url: str
    publisher: str


def reference(story: StoryView, site_url: str, site_name: str) -> Reference:
    st = story.public.story
    return Reference(id=story.id, title=story.public.title, author=st.author, team=st.team,
                     place=story.neighbourhood.short_name, date=st.date,
                     url=f"{site_url}{story.url}" if site_url else f"/{story.url}",
                     publisher=site_name)


def dutch_date(day: date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def apa(ref: Reference, *, italics: str = "") -> str:
    """``Bakker, S. (2019, 3 mei). Titel [Verhaal, zo-2019-001]. Buurtteam …, Wijk. Site. URL``.

    ``italics`` wraps the title (``"*"`` for Markdown); plain text by default, for copying.
    """
    author = Person.parse(ref.author).apa()
    when = f"{ref.date.year}, {ref.date.day} {DUTCH_MONTHS[ref.date.month - 1]}"
    title = ref.title.rstrip(".")
    return (f"{author} ({when}). {italics}{title}{italics} [Verhaal, {ref.id}]. {ref.team}, "
            f"{ref.place}. {ref.publisher}. {ref.url}")


def apa_report(site_name: str, year: int, url: str, *, italics: str = "") -> str:
    """The annual report as a whole: ``Site (2019). Jaarverslag 2019 [Rijke verantwoording].``"""
    return (f"{site_name.rstrip('.')}. ({year}). {italics}Jaarverslag {year}{italics} [Rijke "
            f"verantwoording]. {url}")


_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_^~])")


def _bibtex_text(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group(1)
        return {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(char, "\\" + char)

    return _BIBTEX_SPECIAL.sub(escape, " ".join(text.split()))


def bibtex(refs: Iterable[Reference]) -> str:
    """One ``@misc`` entry per story (UTF-8; biber and pybtex read it as is)."""
    entries = []
    for ref in sorted(refs, key=lambda r: r.id):
        person = Person.parse(ref.author)
        family = " ".join(p for p in (person.particle, person.family) if p)
        # "von Last, First": BibTeX reads the lower-case particles as the "von" part
        author = f"{_bibtex_text(family)}, {_bibtex_text(person.given)}" if person.given \
            else f"{{{_bibtex_text(family)}}}"
        fields = [
            ("author", author),
            ("title", f"{{{_bibtex_text(ref.title)}}}"),
            ("year", str(ref.date.year)),
            ("month", str(ref.date.month)),
            ("date", ref.date.isoformat()),
            ("howpublished", _bibtex_text(f"{ref.publisher}: {ref.team}, {ref.place}")),
            ("note", _bibtex_text(f"Verhaal {ref.id}")),
            ("url", ref.url),
        ]
        body = ",\n".join(f"  {key} = {{{value}}}" for key, value in fields)
        entries.append(f"@misc{{{ref.id},\n{body}\n}}\n")
    return "\n".join(entries)


def csl_json(refs: Iterable[Reference]) -> str:
    """A CSL-JSON array (https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html)."""
    items = []
    for ref in sorted(refs, key=lambda r: r.id):
        person = Person.parse(ref.author)
        name: dict[str, str] = {"family": person.family}
        if person.given:
            name["given"] = person.given
        if person.particle:
            name["non-dropping-particle"] = person.particle
        items.append({
            "id": ref.id, "type": "webpage", "title": ref.title, "author": [name],
            "issued": {"date-parts": [[ref.date.year, ref.date.month, ref.date.day]]},
            "container-title": ref.publisher, "publisher": ref.team,
            "publisher-place": ref.place, "genre": "Verhaal", "number": ref.id,
            "URL": ref.url, "language": "nl",
        })
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
