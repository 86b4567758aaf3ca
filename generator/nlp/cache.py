"""Per-story cache of the expensive text processing, keyed by content hash.

Lemmatising is the only per-story step that costs real time; the corpus-wide models are cheap
and refitted every build. Each text's :class:`~generator.nlp.text.ProcessedText` is stored in its
own small JSON file named by ``sha256(pipeline name + text)``, so a changed story misses the cache
and every other story hits it, and installing another spaCy pipeline reprocesses everything.
The counters (:attr:`LemmaCache.processed`, :attr:`LemmaCache.hits`) let tests and ``rijk bench``
see how much work a build did.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from generator.jsonstore import JsonStore
from generator.nlp.text import DutchProcessor, ProcessedText


def content_key(text: str, pipeline: str) -> str:
    """The cache key of one text under one pipeline version."""
    return hashlib.sha256(f"{pipeline}\x00{text}".encode()).hexdigest()


class LemmaCache:
    """Processes texts through a :class:`DutchProcessor`, reusing earlier results on disk.

    Without a directory it still works (everything is processed, nothing stored), which is what
    a one-off evaluation or a test without ``tmp_path`` wants.
    """

    def __init__(self, processor: DutchProcessor, directory: Path | None = None) -> None:
        self.processor = processor
        self.store = JsonStore(directory) if directory is not None else None
        self.processed = 0
        """Texts that went through spaCy during the life of this object."""
        self.hits = 0
        """Texts read back from disk."""
        self.processed_keys: list[str] = []

    def _read(self, key: str) -> ProcessedText | None:
        data = self.store.get(key) if self.store is not None else None
        if data is None:
            return None
        try:
            return ProcessedText.from_json(data)
        except (ValueError, KeyError, TypeError):
            return None  # damaged: process again and overwrite

    def _write(self, key: str, processed: ProcessedText) -> None:
        if self.store is not None:
            self.store.put(key, processed.to_json())

    def process(self, texts: Sequence[str]) -> list[ProcessedText]:
        """The processed form of every text, in order; only cache misses reach spaCy."""
        keys = [content_key(t, self.processor.name) for t in texts]
        results: list[ProcessedText | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        for i, key in enumerate(keys):
            if key in todo:
                todo[key].append(i)
                continue
            cached = self._read(key)
            if cached is None:
                todo[key] = [i]
            else:
                results[i] = cached
                self.hits += 1
        if todo:
            order = list(todo)
            fresh = self.processor.process([texts[todo[k][0]] for k in order])
            for key, processed in zip(order, fresh, strict=True):
                self._write(key, processed)
                for i in todo[key]:
                    results[i] = processed
            self.processed += len(order)
            self.processed_keys.extend(order)
        return [r for r in results if r is not None]
