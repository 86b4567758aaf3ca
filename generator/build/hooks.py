"""Hook point "after the engine, before the scan": post-process the built output.

A hook gets the temporary output folder (not yet ``site/``) and the build context, and may
change files in it, e.g. fold diacritics in the search index. Because the privacy scan runs
after the hooks, whatever a hook writes is scanned too; a hook that raises fails the build and
the previous ``site/`` stays as it was.

Register in code with :func:`after_engine`, or from another package with an entry point in
the group ``rijk.after_engine`` (``name = "package.module:function"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

GROUP = "rijk.after_engine"


@dataclass
class HookContext:
    """What a hook may want to know: the engine, the project, the pipeline data."""

    engine: str
    project: Any
    data: Any
    search_index: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[Path, HookContext], None]
_HOOKS: list[Hook] = []


def after_engine(hook: Hook) -> Hook:
    """Register ``hook(output_dir, context)``; usable as a decorator."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def registered() -> list[Hook]:
    hooks = list(_HOOKS)
    for entry in entry_points(group=GROUP):
        hook = entry.load()
        if hook not in hooks:
            hooks.append(hook)
    return hooks


def run_hooks(output: Path, context: HookContext) -> list[str]:
    """Run every hook in order; returns their names (for the progress line)."""
    names = []
    for hook in registered():
        hook(output, context)
        names.append(getattr(hook, "__name__", repr(hook)))
    return names


def search_index(output: Path, engine: str) -> Path | None:
    """Where the engine wrote its search index (MkDocs: ``search/search_index.json``,
    Zensical: ``search.json``)."""
    path = output / ("search/search_index.json" if engine == "mkdocs" else "search.json")
    return path if path.exists() else None
