"""``rijk build`` and ``rijk serve``: the generator as its own step, in front of an engine.

load → check → gate → de-identify → NLP (:mod:`generator.pipeline`) → generated Markdown pages
and data files in a generated docs folder (:mod:`.generate`) → the engine, MkDocs/Material or
Zensical, in a subprocess on a generated configuration (:mod:`.engines`) → hooks after the
engine (:mod:`.hooks`) → scan of the output for personal data → atomic swap into ``site/``
(:mod:`.output`). :mod:`.run` ties the steps together, :mod:`.serve` watches and regenerates.
The project configuration is :mod:`.config` (``rijk.yml``).

Nothing here is imported by ``generator.project`` except :mod:`.config`, which stays light.
"""
