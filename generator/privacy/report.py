"""The privacy report for the privacy officer (``rijk privacy report``): an appendix to a DPIA.

Per published story what de-identification replaced (kind and count, never the original), the
restrisico findings and who confirmed them, the keep lists in force and the version of deduce.
It is written outside the site and never published: it names no person, but it says where the
risks are.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

from generator.checks import check_corpus
from generator.privacy.deidentifier import Deidentifier
from generator.privacy.engine import deduce_version
from generator.privacy.residual import load_confirmations
from generator.privacy.words import keep_names
from generator.taxonomy import Taxonomy


def privacy_report(stories_dir: Path, taxonomy_dir: Path, keep: list[str],
                   year: int | None = None, cache_dir: Path | None = None,
                   now: datetime | None = None) -> str:
    """The report as Markdown (Dutch). ``keep``: the project's keep phrases (taxonomy places,
    teams, organisations, authors); ``year`` limits it to stories of that year.

    Raises :class:`generator.privacy.DeidentificationUnavailable` when deduce cannot run and
    :class:`generator.privacy.residual.ConfirmationError` for an invalid privacy.yml."""
    taxonomy = Taxonomy.load(taxonomy_dir)
    checked = check_corpus([stories_dir], taxonomy)
    confirmations = load_confirmations(taxonomy_dir)
    deidentifier = Deidentifier(keep=keep, cache_dir=cache_dir, confirmations=confirmations)
    public = sorted((s for s in checked.stories if s.is_public
                     and (year is None or s.year == year)), key=lambda s: s.id)
    withheld = Counter(s.status if s.status != "published" else "zonder toestemming"
                       for s in checked.stories if not s.is_public
                       and (year is None or s.year == year))
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    lines = [f"# Privacyrapport{f' {year}' if year else ''}", "",
             f"Gemaakt op {stamp} met deduce {deduce_version()}. Dit rapport is niet "
             "gepubliceerd en noemt geen persoonsgegevens: alleen wat er per verhaal is vervangen "
             "(soort en aantal) en welke woorden de tweede controle liet zien.", "",
             "## Samenvatting", "",
             f"- gepubliceerde verhalen: {len(public)}",
             f"- niet gepubliceerd: {sum(withheld.values())} "
             f"({', '.join(f'{k}: {v}' for k, v in sorted(withheld.items())) or 'geen'})",
             f"- verhalen met fouten (niet gepubliceerd): "
             f"{len({p.path for p in checked.errors})}"]
    rows: list[str] = []
    risks_rows: list[str] = []
    totals: Counter[str] = Counter()
    open_risks = 0
    for story in public:
        fields = {"title": story.title, "summary": story.summary or "", "body": story.body}
        fields.update({f"signal_{i}": sig.text for i, sig in enumerate(story.signals)})
        analysis = deidentifier.analyse(fields)
        kinds = Counter(span.kind for spans in analysis.values() for span in spans)
        totals.update(kinds)
        rows.append(f"| {story.id} | {story.date.isoformat()} | "
                    f"{', '.join(f'{k} {n}' for k, n in sorted(kinds.items())) or '–'} |")
        for risk in deidentifier.residual(fields, analysis, story_id=story.id):
            open_risks += not risk.confirmed
            line = story.line_of(risk.field) if risk.field != "body" \
                else story.body_line + risk.line - 1
            risks_rows.append(
                f"| {story.id} | {Path(story.path).name}:{line} | {risk.word} | "
                f"{'bevestigd door ' + risk.confirmed_by if risk.confirmed else 'open'} |")
    lines += [f"- vervangen: {sum(totals.values())} "
              f"({', '.join(f'{k} {n}' for k, n in sorted(totals.items())) or 'niets'})",
              f"- restrisico: {len(risks_rows)} woord(en), waarvan {open_risks} niet bevestigd",
              "", "## Per gepubliceerd verhaal", "",
              "| verhaal | datum | vervangen (soort en aantal) |", "|---|---|---|", *rows, "",
              "## Restrisico", "",
              "Woorden die na de de-identificatie leesbaar bleven en in een lijst met voor- of "
              "achternamen staan. Een coördinator bevestigt in `taxonomy/privacy.yml` (in git) "
              "dat een woord geen persoon is; `rijk build --strict` faalt op open punten.", ""]
    lines += (["| verhaal | plek | woord | status |", "|---|---|---|---|", *risks_rows]
              if risks_rows else ["Geen."])
    lines += ["", "## Bevestigde woorden (taxonomy/privacy.yml)", ""]
    lines += ([f"- {c.word}: {c.reason} ({c.confirmed_by}, {c.date.isoformat()}"
               f"{', alleen ' + c.story if c.story else ''})" for c in confirmations]
              or ["Geen."])
    lines += ["", "## Leesbaar gehouden namen (keep-lijsten)", "",
              f"Uit de taxonomie en de auteurs en teams ({len(set(keep))}): "
              + ", ".join(sorted(set(keep))), "",
              f"Ingebouwd (generator/privacy/data/keep.txt, {len(keep_names())}): "
              + ", ".join(keep_names()), "",
              "## Methode", "",
              "Titel, samenvatting en tekst worden samen gede-identificeerd: deduce plus regels "
              "voor het sociaal domein (aanspreekvormen, initialen, namen in hoofdletters of "
              "kleine letters, bezitsvormen, opsommingen, tussenvoegsels, namen met diakrieten, "
              "labels als 'Naam:'). Na de bouw doorzoekt de bouw elk bestand van de site op de "
              "gevonden gegevens van alle bronverhalen (ook concepten); één treffer laat de bouw "
              "falen en de vorige site blijft staan.", ""]
    return "\n".join(lines)
