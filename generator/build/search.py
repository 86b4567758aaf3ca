"""Search for residents who type without accents: ``client`` finds ``cliënt``, ``ruine``
finds ``ruïne``, ``cafe`` finds ``café``.

Neither engine folds diacritics: Material's lunr and Zensical's search match the letters as
typed. This hook runs after the engine (:mod:`generator.build.hooks`) and adds, to every entry
of the search index whose title or text holds a word with a diacritic, the folded forms of
those words in a ``hidden`` span (searchable, never shown). A word typed *with* its accent
still matches the original text. The privacy scan runs after the hooks, so what is added here
is scanned like everything else.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.build.hooks import HookContext, after_engine
from generator.folding import fold

TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"\w+")
MARK = 'data-rijk="zoekvormen"'


def folded_words(text: str) -> list[str]:
    """The folded forms of the words in ``text`` (HTML tags ignored) that differ from the
    word itself, each once, in order of appearance."""
    if text.isascii():  # nothing to fold (most entries; 10 s a build at 10,000 stories)
        return []
    plain = TAG.sub(" ", text)
    return list(dict.fromkeys(f for w in WORD.findall(plain)
                              if not w.isascii() and (f := fold(w)) != w))


def fold_index(path: Path) -> int:
    """Add the folded forms to every entry of the index at ``path`` (MkDocs ``docs`` or
    Zensical ``items``); returns how many entries changed. Running it twice changes nothing
    the second time."""
    data = json.loads(path.read_text(encoding="utf-8"))
    entries = data.get("docs") if isinstance(data.get("docs"), list) else data.get("items")
    changed = 0
    for entry in entries or []:
        text = str(entry.get("text") or "")
        if MARK in text:
            continue
        extra = folded_words(f"{entry.get('title') or ''} {text}")
        if extra:
            entry["text"] = f'{text} <span hidden {MARK}>{" ".join(extra)}</span>'
            changed += 1
    if changed:
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                        encoding="utf-8")
    return changed


@after_engine
def fold_search_index(output: Path, context: HookContext) -> None:
    """The hook: fold the engine's search index in the temporary output, if there is one."""
    if context.search_index is not None and context.search_index.exists():
        fold_index(context.search_index)
