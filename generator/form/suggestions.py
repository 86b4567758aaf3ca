"""Theme and value suggestions for the form: the analysis's reading, offered to the author.

Fitting the label models takes a few seconds, so it happens once, in a background thread, when
the server starts (like the privacy check). Until it is ready, or if it fails, the form works
as before and simply shows no suggestion: a suggestion is a help, never a gate.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from generator.project import Project

log = logging.getLogger("rijk.form.suggestions")


class SuggestionService:
    """Owns the one :class:`generator.nlp.suggest.LabelSuggester` of the server process."""

    def __init__(self, project: Project, enabled: bool = True) -> None:
        self.project = project
        self.enabled = enabled
        self._suggester: Any = None
        self._lock = threading.Lock()
        self._ready = threading.Event()
        if not enabled:
            self._ready.set()

    def start(self) -> None:
        if self.enabled:
            threading.Thread(target=self._load, name="rijk-suggestions", daemon=True).start()

    def wait(self, timeout: float) -> bool:
        self._ready.wait(timeout)
        return self._suggester is not None

    def suggest(self, text: str, themes: list[str], values: list[str]) -> dict[str, Any] | None:
        """The labels the analysis reads in ``text`` that the author has not chosen, as
        ``{"themes": [...], "values": [...], "sentence": str}``; None while not available or
        when there is nothing new to suggest."""
        if self._suggester is None or not text.strip():
            return None
        try:
            with self._lock:
                found = self._suggester.suggest(text).new(themes, values)
        except Exception:  # a crash in the analysis must not take the form down
            log.exception("suggesties mislukt")
            return None
        return None if found.empty else found.as_dict()

    def _load(self) -> None:
        try:
            from generator.nlp import Document, label_terms, load_domain_stopwords
            from generator.nlp.suggest import LabelSuggester
            from generator.nlp.training import training_documents
            from generator.pipeline import gate

            taxonomy = self.project.taxonomy()
            themes, values = label_terms(taxonomy.themes), label_terms(taxonomy.values)
            public, _ = gate(self.project.check().stories)
            corpus = [Document(id=s.id, text=s.text_for_analysis(),
                               declared_themes=tuple(s.themes), declared_values=tuple(s.values))
                      for s in public]
            self._suggester = LabelSuggester(
                themes, values, stopwords=load_domain_stopwords(self.project.taxonomy_dir),
                random_state=self.project.config.random_state,
            ).fit(corpus, training_documents(self.project.taxonomy_dir, themes, values))
        except Exception as exc:
            log.warning("suggesties niet beschikbaar: %s", exc)
        finally:
            self._ready.set()
