"""``python -m scenescore``: the same as the ``scenescore`` command."""

from scenescore.cli import main

main()
