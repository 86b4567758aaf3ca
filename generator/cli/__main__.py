"""``python -m generator.cli`` (``rijk bench`` and the form's rebuild run commands this way)."""

from generator.cli import main

main()
