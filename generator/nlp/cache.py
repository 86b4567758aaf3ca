"""Per-story cache of the expensive text processing, keyed by content hash.

Lemmatising is the only per-story step that costs real time; the corpus-wide models are cheap
and refitted every build. Each text's :class:`~generator.nlp.text.ProcessedText` is stored in its
own entry of a :class:`~generator.jsonstore.JsonStore` keyed by ``sha256(pipeline name +
text)``, so a changed story misses the cache and every other story hits it, and installing
another spaCy pipeline reprocesses everything.
The counters (:attr:`LemmaCache.processed`, :attr:`LemmaCache.hits`) let tests and ``rijk bench``
see how much work a build did.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator.jsonstore import JsonStore
from generator.nlp.text import DutchProcessor, ProcessedText

PARALLEL_MIN = 400
"""From this many cache misses, texts are processed in worker processes, one per core (at most
four): a cold 10,000-story corpus halves its text step on two cores. Fewer texts are not worth
starting processes for."""
CHUNK = 200

_worker_processor: DutchProcessor | None = None


def _process_chunk(texts: list[str]) -> list[ProcessedText]:
    assert _worker_processor is not None
    return _worker_processor.process(texts)


def process_texts(processor: DutchProcessor, texts: Sequence[str]) -> list[ProcessedText]:
    """``processor.process(texts)``, split over worker processes when there are many.

    The workers are forked from this process, so they share the loaded pipeline instead of
    loading it again; results come back in order, so the outcome is the same as one process.
    Forking is only done from the main thread (a fork from a server's worker thread could
    copy a held lock) and where the platform has ``fork``; otherwise one process does it all.
    """
    workers = min(4, len(os.sched_getaffinity(0)))
    if (len(texts) < PARALLEL_MIN or workers < 2
            or threading.current_thread() is not threading.main_thread()
            or "fork" not in multiprocessing.get_all_start_methods()):
        return processor.process(texts)
    global _worker_processor
    _worker_processor = processor
    chunks = [list(texts[i:i + CHUNK]) for i in range(0, len(texts), CHUNK)]
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            return [p for chunk in pool.map(_process_chunk, chunks) for p in chunk]
    finally:
        _worker_processor = None


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

    @staticmethod
    def _parse(data: object) -> ProcessedText | None:
        if data is None:
            return None
        try:
            return ProcessedText.from_json(data)  # type: ignore[arg-type]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # damaged: process again and overwrite

    def process(self, texts: Sequence[str]) -> list[ProcessedText]:
        """The processed form of every text, in order; only cache misses reach spaCy."""
        keys = [content_key(t, self.processor.name) for t in texts]
        stored = self.store.get_many(keys) if self.store is not None else [None] * len(keys)
        results: list[ProcessedText | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        for i, (key, data) in enumerate(zip(keys, stored, strict=True)):
            if key in todo:
                todo[key].append(i)
                continue
            cached = self._parse(data)
            if cached is None:
                todo[key] = [i]
            else:
                results[i] = cached
                self.hits += 1
        if todo:
            order = list(todo)
            fresh = process_texts(self.processor, [texts[todo[k][0]] for k in order])
            if self.store is not None:
                self.store.put_many((key, p.to_json()) for key, p in zip(order, fresh,
                                                                        strict=True))
            for key, processed in zip(order, fresh, strict=True):
                for i in todo[key]:
                    results[i] = processed
            self.processed += len(order)
            self.processed_keys.extend(order)
        return [r for r in results if r is not None]
