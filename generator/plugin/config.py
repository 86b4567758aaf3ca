"""Options of the plugin under ``plugins:`` in ``mkdocs.yml``.

The project configuration lives in ``rijk.yml`` (:mod:`generator.build.config`); these keys
are still accepted for older projects and are merged into it by
:func:`generator.build.config.load_config` (a key set differently in both files is an error).
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c


class RijkeVerantwoordingConfig(base.Config):
    """Legacy options; leave them out and use ``rijk.yml``. Privacy cannot be switched off."""

    stories_dir = c.Optional(c.Type(str))
    taxonomy_dir = c.Optional(c.Type(str))
    figures_dir = c.Optional(c.Type(str))
    cache_dir = c.Optional(c.Type(str))
    nlp = c.Optional(c.Type(bool))
    evaluate = c.Optional(c.Type(bool))
    random_state = c.Optional(c.Type(int))
