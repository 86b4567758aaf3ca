"""The small value types of the privacy package: what was found, and where.

Spans carry offsets and a Dutch kind only; the text is always sliced from the source, so a
cached analysis never stores personal data itself.
"""

from __future__ import annotations

from dataclasses import dataclass

PLACEHOLDERS: dict[str, str] = {
    "naam": "[naam]",
    "adres": "[adres]",
    "postcode": "[postcode]",
    "telefoonnummer": "[telefoonnummer]",
    "e-mailadres": "[e-mailadres]",
    "bsn": "[bsn]",
    "rekeningnummer": "[rekeningnummer]",
    "nummer": "[nummer]",
    "kenteken": "[kenteken]",
    "geboortedatum": "[geboortedatum]",
    "datum": "[datum]",
    "leeftijd": "[leeftijd]",
    "website": "[website]",
    "gebruikersnaam": "[gebruikersnaam]",
    "persoonsgegeven": "[persoonsgegeven]",
}
"""Replacements that read as Dutch in running text ("mevrouw [naam] ([leeftijd])")."""

PRIORITY: dict[str, int] = {
    "bsn": 90, "rekeningnummer": 85, "telefoonnummer": 80, "e-mailadres": 75, "website": 70,
    "gebruikersnaam": 68,
    "adres": 65, "kenteken": 62, "postcode": 60, "geboortedatum": 55, "datum": 50, "nummer": 45,
    "leeftijd": 40, "naam": 30, "persoonsgegeven": 10,
}
"""When spans overlap they are merged (fail closed); the merged span takes the strongest kind."""


@dataclass(frozen=True, order=True)
class Span:
    """A piece of personal data in a text: ``text[start:end]`` of a Dutch ``kind``."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Finding:
    """A privacy finding for ``rijk check``: the line (1-based within the text), kind, text."""

    line: int
    kind: str
    text: str

    @property
    def preview(self) -> str:
        """A short start of the found text ("06-…"): enough to find it on the given line,
        without copying the whole phone number or name into CI logs."""
        return self.text if len(self.text) <= 4 else self.text[:3].rstrip() + "…"


@dataclass(frozen=True)
class SiteHit:
    """Personal data from the sources found in a built file (``file`` relative to site/)."""

    file: str
    line: int
    needle: str
