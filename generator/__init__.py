"""Rijke Verantwoording: verhalen van buurtteams als rijke verantwoording naast de cijfers.

The package is a library first: the MkDocs plugin (:mod:`generator.plugin`), the ``rijk`` CLI
(:mod:`generator.cli`) and the web form (:mod:`generator.form`) are thin layers over it.
"""

__version__ = "0.1.0"
