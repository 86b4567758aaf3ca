"""Downloads: ``data/verhalen.json``, ``data/verhalen.csv``, ``data/clusters.json``,
``data/cijfers.csv`` (the CBS figures per wijk), ``data/verhalen.bib`` and
``data/verhalen.csl.json`` (citations) and ``data/datapackage.json`` (a Frictionless data
package describing the CSV files, for a council analyst's tools).

Built only from the structure (so only from public, de-identified stories) and written
deterministically — sorted keys and rows, fixed number formatting — so that two builds of the
same input give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from generator.pages.citations import bibtex, csl_json, reference
from generator.pages.structure import SiteStructure, StoryView

CSV_COLUMNS = (
    "id", "title", "date", "year", "neighbourhood", "neighbourhood_name", "cbs_code",
    "stadsdeel", "team", "author", "themes", "values", "domains", "inferred_themes",
    "inferred_values", "cluster", "url",
)


def story_record(story: StoryView, site_url: str) -> dict[str, Any]:
    st = story.public.story
    return {
        "id": story.id,
        "title": story.public.title,
        "date": st.date.isoformat(),
        "year": st.year,
        "neighbourhood": story.neighbourhood.key,
        "neighbourhood_name": story.neighbourhood.short_name,
        "cbs_code": story.neighbourhood.code,
        "stadsdeel": story.neighbourhood.stadsdeel,
        "team": st.team,
        "author": st.author,
        "themes": list(st.themes),
        "values": list(st.values),
        "domains": list(st.domains),
        "inferred_themes": _inferred(story.themes),
        "inferred_values": _inferred(story.values),
        "cluster": story.cluster,
        "signals": [{"kind": sig.kind, "domain": sig.domain, "text": sig.text}
                    for sig in st.signals],
        "summary": story.public.summary,
        "text": story.public.body,
        "url": f"{site_url}{story.url}",
    }


def _inferred(labels) -> list[dict[str, Any]]:
    return [{"key": lab.term.key, "score": round(lab.score, 4), "certainty": lab.certainty}
            for lab in sorted(labels, key=lambda lab: (-(lab.score or 0), lab.term.key))
            if lab.inferred and lab.score is not None]


def stories_json(structure: SiteStructure, site_url: str = "") -> str:
    records = [story_record(s, site_url) for s in sorted(structure.stories, key=lambda s: s.id)]
    return json.dumps({"stories": records, "source": "Rijke Verantwoording"},
                      ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def stories_csv(structure: SiteStructure, site_url: str = "") -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    for story in sorted(structure.stories, key=lambda s: s.id):
        record = story_record(story, site_url)
        for key in ("themes", "values", "domains"):
            record[key] = ";".join(record[key])
        for key in ("inferred_themes", "inferred_values"):
            record[key] = ";".join(f"{i['key']}:{i['score']:.4f}" for i in record[key])
        record["cluster"] = "" if record["cluster"] is None else record["cluster"]
        writer.writerow(record)
    return buffer.getvalue()


def clusters_json(structure: SiteStructure) -> str:
    clusters = [
        {"id": c.id, "label": c.label, "terms": list(c.terms), "members": sorted(c.members),
         "representatives": list(c.representatives),
         "closest_theme": c.closest_theme, "theme_overlap": c.theme_overlap,
         "quotes": [{"story": sid, "text": text} for sid, text in c.quotes]}
        for c in structure.clusters()
    ]
    return json.dumps({"clusters": clusters}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


FIGURE_COLUMNS = ("year", "cbs_code", "neighbourhood", "neighbourhood_name", "indicator",
                  "label", "unit", "value", "source")


def figures_csv(structure: SiteStructure) -> str:
    """Every figure of ``figures/*.csv`` for a wijk of the taxonomy or a gemeente, long format,
    with the indicator's label and unit; an empty ``value`` is missing at CBS, never 0."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIGURE_COLUMNS)
    store = structure.data.figures
    tax = structure.taxonomy
    hoods = {hood.code: hood for hood in tax.neighbourhoods.values()}
    gemeenten = tax.municipalities()
    for figure in sorted(store or [], key=lambda f: (f.year, f.neighbourhood, f.indicator)):
        hood = hoods.get(figure.neighbourhood)
        if hood is None and figure.neighbourhood not in gemeenten:
            continue
        indicator = tax.indicators.get(figure.indicator)
        writer.writerow([
            figure.year, figure.neighbourhood, hood.key if hood else "",
            hood.short_name if hood else gemeenten[figure.neighbourhood], figure.indicator,
            indicator.label if indicator else "", indicator.unit if indicator else "",
            _number(figure.value), figure.source])
    return buffer.getvalue()


SIGNAL_COLUMNS = ("story", "year", "kind", "kind_label", "domain", "text", "neighbourhood",
                  "cbs_code", "url")


def signals_csv(structure: SiteStructure, site_url: str = "") -> str:
    """One row per signal for policy, with its story's id, wijk and address."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SIGNAL_COLUMNS)
    kinds = structure.taxonomy.signal_kinds
    for story, sig in structure.signals():
        writer.writerow([story.id, story.year, sig.kind,
                         kinds[sig.kind].label if sig.kind in kinds else "", sig.domain,
                         sig.text, story.neighbourhood.key, story.neighbourhood.code,
                         f"{site_url}{story.url}"])
    return buffer.getvalue()


SIGNAL_FIELDS: dict[str, tuple[str, str]] = {
    "story": ("string", "Id van het verhaal waar het signaal uit komt"),
    "year": ("year", "Jaar van het verhaal"),
    "kind": ("string", "Soort signaal (sleutel uit taxonomy/signals.yml)"),
    "kind_label": ("string", "Naam van de soort"),
    "domain": ("string", "Domein (jeugdwet, wmo …), leeg als niet genoemd"),
    "text": ("string", "Wat er in de weg zat, in één regel (gede-identificeerd)"),
    "neighbourhood": ("string", "Sleutel van de wijk"),
    "cbs_code": ("string", "CBS-wijkcode"),
    "url": ("string", "Vast adres van het verhaal"),
}


def _number(value: float | None) -> str:
    """``18260`` for a whole number, ``15.2`` otherwise, "" for missing (never 0)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


STORY_FIELDS: dict[str, tuple[str, str]] = {
    "id": ("string", "Vaste citeer-id van het verhaal (prefix-jaar-nummer)"),
    "title": ("string", "Titel (gede-identificeerd)"),
    "date": ("date", "Datum van het verhaal"),
    "year": ("year", "Jaar van het verhaal"),
    "neighbourhood": ("string", "Sleutel van de wijk in taxonomy/neighbourhoods.yml"),
    "neighbourhood_name": ("string", "Naam van de wijk (CBS)"),
    "cbs_code": ("string", "CBS-wijkcode (WK…)"),
    "stadsdeel": ("string", "Stadsdeel of gebied van de wijk"),
    "team": ("string", "Team van de professional"),
    "author": ("string", "De professional die het verhaal schreef"),
    "themes": ("string", "Thema's die de auteur koos, gescheiden door ;"),
    "values": ("string", "Waarden die de auteur koos, gescheiden door ;"),
    "domains": ("string", "Wetten of domeinen (jeugdwet, wmo …), gescheiden door ;"),
    "inferred_themes": ("string", "Door de analyse gevonden thema's als sleutel:score, ;"),
    "inferred_values": ("string", "Door de analyse gevonden waarden als sleutel:score, ;"),
    "cluster": ("integer", "Groep uit 'Wat valt op' (leeg: geen groep)"),
    "url": ("string", "Vast adres van het verhaal"),
}
FIGURE_FIELDS: dict[str, tuple[str, str]] = {
    "year": ("year", "Jaar van de CBS-tabel"),
    "cbs_code": ("string", "CBS-code van de wijk (WK…) of gemeente (GM…)"),
    "neighbourhood": ("string", "Sleutel van de wijk (leeg voor de gemeente)"),
    "neighbourhood_name": ("string", "Naam van de wijk of gemeente"),
    "indicator": ("string", "Sleutel van de indicator in taxonomy/indicators.yml"),
    "label": ("string", "Naam van de indicator"),
    "unit": ("string", "Eenheid van de waarde (aantal, %, x 1.000 euro …)"),
    "value": ("number", "De waarde; leeg als CBS geen cijfer publiceerde (nooit 0)"),
    "source": ("string", "CBS-tabel (jaar en StatLine-nummer)"),
}


def datapackage_json(structure: SiteStructure, site_url: str = "", site_name: str = "") -> str:
    """A Frictionless Data Package (https://specs.frictionlessdata.io/data-package/)
    describing ``verhalen.csv`` and ``cijfers.csv``: fields, types, units, licences, sources."""

    def schema(fields: dict[str, tuple[str, str]], key: str) -> dict[str, Any]:
        found: dict[str, Any] = {"fields": [{"name": name, "type": kind, "description": text}
                                            for name, (kind, text) in fields.items()],
                                 "missingValues": [""]}
        if key:  # signals have none: a story may give two signals of one kind
            found["primaryKey"] = key
        return found

    figure_schema = schema(FIGURE_FIELDS, "")
    figure_schema["primaryKey"] = ["year", "cbs_code", "indicator"]
    package = {
        "profile": "tabular-data-package",
        "name": "rijke-verantwoording",
        "title": site_name or "Rijke Verantwoording",
        "description": ("Gepubliceerde, gede-identificeerde verhalen van professionals uit het "
                        "sociaal domein, met thema's en waarden, naast de CBS Kerncijfers wijken "
                        "en buurten per wijk en jaar."),
        "homepage": site_url or None,
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            {"name": "verhalen", "path": "verhalen.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "Verhalen", "schema": schema(STORY_FIELDS, "id"),
             "sources": [{"title": site_name or "Rijke Verantwoording"}]},
            {"name": "signalen", "path": "signalen.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "Signalen voor beleid", "schema": schema(SIGNAL_FIELDS, ""),
             "sources": [{"title": site_name or "Rijke Verantwoording"}]},
            {"name": "cijfers", "path": "cijfers.csv", "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": "CBS-cijfers per wijk en jaar", "schema": figure_schema,
             "sources": [{"title": f"Bron: CBS, {structure.figure_sources()}",
                          "path": "https://www.cbs.nl/nl-nl/reeksen/kerncijfers-wijken-en-buurten"}]},
        ],
    }
    if not site_url:
        del package["homepage"]
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def all_exports(structure: SiteStructure, site_url: str = "",
                site_name: str = "") -> dict[str, str]:
    """Download path → content."""
    refs = [reference(story, site_url, site_name or "Rijke Verantwoording")
            for story in structure.stories]
    return {
        "data/verhalen.json": stories_json(structure, site_url),
        "data/verhalen.csv": stories_csv(structure, site_url),
        "data/clusters.json": clusters_json(structure),
        "data/cijfers.csv": figures_csv(structure),
        "data/signalen.csv": signals_csv(structure, site_url),
        "data/verhalen.bib": bibtex(refs),
        "data/verhalen.csl.json": csl_json(refs),
        "data/datapackage.json": datapackage_json(structure, site_url, site_name),
    }
