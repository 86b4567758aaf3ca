"""Privacy findings and de-identified previews for the form, without blocking the form.

Loading deduce takes seconds, so it happens once, in a background thread, when the server
starts. Until it is ready (or when it cannot load at all) the form keeps working and says the
privacy check is not available yet. De-identification fails closed: :meth:`PrivacyService.
deidentify_fields` raises instead of ever returning raw text, so no page can show the original
as if it were de-identified.
"""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("rijk.form.privacy")

LOADING, READY, UNAVAILABLE, DISABLED = "laden", "klaar", "niet beschikbaar", "uit"


class PrivacyUnavailable(RuntimeError):
    """De-identification cannot run now; the message says why, in Dutch."""


@dataclass(frozen=True)
class FormFinding:
    """One finding as the form shows it: which field, which line, what and what to do."""

    field: str
    line: int
    kind: str
    text: str

    @property
    def advice(self) -> str:
        if self.kind == "restrisico":
            from generator.privacy.residual import residual_advice

            return residual_advice(self.text)
        return (f"Dit lijkt een {self.kind} ('{self.text}') — haal het weg of maak het "
                "algemeen.")

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "line": self.line, "kind": self.kind, "text": self.text,
                "advice": self.advice}


class PrivacyService:
    """Owns the one :class:`generator.privacy.Deidentifier` of the server process."""

    def __init__(self, keep: list[str], cache_dir: Path | None = None,
                 enabled: bool = True, taxonomy_dir: Path | None = None) -> None:
        self.keep = sorted({k for k in keep if k})
        self.taxonomy_dir = taxonomy_dir
        self.cache_dir = cache_dir
        self.state = LOADING if enabled else DISABLED
        self.reason = "" if enabled else "de privacycheck is uitgezet voor deze server."
        self._deidentifier: Any = None
        self._lock = threading.Lock()  # deduce is not documented as thread-safe
        self._ready = threading.Event()
        if not enabled:
            self._ready.set()

    def start(self) -> None:
        if self.state == LOADING:
            threading.Thread(target=self._load, name="rijk-privacy", daemon=True).start()

    def wait(self, timeout: float) -> bool:
        """Wait until loading finished (ready or not); True when it is ready."""
        self._ready.wait(timeout)
        return self.state == READY

    @property
    def ready(self) -> bool:
        return self.state == READY

    def message(self) -> str:
        """A Dutch sentence for the page: what the privacy check can do right now."""
        if self.state == READY:
            return "De privacycheck is actief."
        if self.state == LOADING:
            return ("De privacycheck wordt nog geladen; je kunt gewoon schrijven. Controleer "
                    "straks met 'Voorbeeld' of er persoonsgegevens in staan.")
        return f"De privacycheck is niet beschikbaar: {self.reason}"

    def findings(self, fields: dict[str, str]) -> list[FormFinding] | None:
        """Findings per field; None while the check is not available."""
        if self.state != READY:
            return None
        found: list[FormFinding] = []
        try:
            with self._lock:
                for name, text in fields.items():
                    if text.strip():
                        found += [FormFinding(name, f.line, str(f.kind), str(f.text))
                                  for f in self._deidentifier.findings(text)]
        except Exception as exc:  # a crash in the NLP must not take the form down
            log.exception("privacycheck mislukt")
            self._fail(f"de privacycheck liep vast ({exc}).")
            return None
        return found

    def deidentify_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """De-identified copies of the fields, or :class:`PrivacyUnavailable` (fail closed)."""
        if self.state != READY:
            raise PrivacyUnavailable(self.message())
        try:
            with self._lock:
                result = self._deidentifier.deidentify_fields(dict(fields))
        except Exception as exc:
            log.exception("de-identificatie mislukt")
            raise PrivacyUnavailable(f"de-identificatie mislukte: {exc}") from exc
        if not isinstance(result, dict) or set(result) != set(fields):
            raise PrivacyUnavailable("de-identificatie gaf een onvolledig resultaat.")
        return {k: str(v) for k, v in result.items()}

    def _load(self) -> None:
        try:
            from generator.privacy import Deidentifier
            from generator.privacy.residual import load_confirmations

            confirmations = load_confirmations(self.taxonomy_dir) if self.taxonomy_dir else []
            deidentifier = Deidentifier(keep=self.keep, cache_dir=self.cache_dir,
                                        confirmations=confirmations)
            deidentifier.findings("Bel mevrouw Jansen op 06-12345678.")  # load deduce now
        except ImportError as exc:
            self._fail(f"het privacy-onderdeel ontbreekt ({exc}).")
            return
        except Exception as exc:  # DeidentificationUnavailable and anything deduce throws
            log.warning("privacycheck niet beschikbaar: %s", exc)
            self._fail(str(exc) or exc.__class__.__name__)
            return
        # deduce's lookup tables are millions of long-lived objects: move them out of the
        # cyclic garbage collector's view, or every full collection (and the interpreter's exit)
        # walks them all again (measured: 10 s at exit, and latency spikes in requests)
        gc.freeze()
        self._deidentifier = deidentifier
        self.state = READY
        self._ready.set()
        log.info("privacycheck geladen")

    def _fail(self, reason: str) -> None:
        self.reason = reason
        self.state = UNAVAILABLE
        self._ready.set()
