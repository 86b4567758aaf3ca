"""The web form: professionals write stories, coordinators review them, git keeps the record.

Every write is a git commit made by :mod:`generator.form.gitstore`, so the repository stays the
single source of truth and its history is the audit trail. The HTTP layer (:mod:`.app`) is thin:
authentication (:mod:`.users`, :mod:`.sessions`, :mod:`.throttle`), story input
(:mod:`.storyform`, :mod:`.storyfile`), the story index (:mod:`.index`), privacy findings
(:mod:`.privacy`) and the background site rebuild (:mod:`.rebuild`) are separate modules.
"""

from generator.form.settings import FormSettings

__all__ = ["FormSettings", "create_app"]


def create_app(*args, **kwargs):  # type: ignore[no-untyped-def]
    """Build the FastAPI app (imported lazily so ``rijk users`` does not load FastAPI)."""
    from generator.form.app import create_app as _create_app

    return _create_app(*args, **kwargs)
