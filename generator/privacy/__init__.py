"""De-identification of published stories, failing closed.

Stories are about vulnerable residents: a leaked name, address or phone number on a public
municipal site is a data breach. This package finds personal data with deduce (Dutch,
rule-based) plus rules for social-domain writing that deduce misses, replaces it with readable
Dutch placeholders ("[naam]", "[adres]"), and verifies the built site afterwards.

Modules: :mod:`.engine` (loading deduce once per process), :mod:`.rules` (extra rules),
:mod:`.resolve` (keep phrases, overlaps), :mod:`.replace`, :mod:`.cache`, :mod:`.deidentifier`,
:mod:`.scan` (post-build check) and :mod:`.keep` (what stays readable); the commands are in
:mod:`generator.cli.privacy`.
"""

from __future__ import annotations

from generator.privacy.deidentifier import Deidentifier
from generator.privacy.engine import DeidentificationUnavailable
from generator.privacy.model import Finding, SiteHit, Span
from generator.privacy.scan import collect_needles, scan_site

__all__ = ["DeidentificationUnavailable", "Deidentifier", "Finding", "SiteHit", "Span",
           "collect_needles", "scan_site"]
