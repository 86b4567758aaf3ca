"""Typed configuration of the plugin, as written under ``plugins:`` in ``mkdocs.yml``."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class RijkeVerantwoordingConfig(base.Config):
    """Folders are relative to ``mkdocs.yml``. Privacy cannot be switched off: fail closed."""

    stories_dir = c.Type(str, default="stories")
    taxonomy_dir = c.Type(str, default="taxonomy")
    figures_dir = c.Type(str, default="figures")
    cache_dir = c.Type(str, default=".cache/rijk")
    nlp = c.Type(bool, default=True)
    evaluate = c.Type(bool, default=True)
    random_state = c.Type(int, default=0)
