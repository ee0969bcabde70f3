"""The ``scenescore`` command: a thin typer layer over the library.

Layout (no module imports one that imports it back):

- ``app``: the typer app, its global options and :func:`main` (the console entry point);
- ``common``: the state on typer's context and the one option helper (defaults, then the
  ``--config`` profile, then the flags given);
- one module per command group (``segment``, ``score``, ``corpus``, ``emotion``, ``translate``,
  ``render``, ``batch``, ``align``), importing only ``common`` and the library.

Each command parses its arguments, builds an options object and calls one public function by
keyword. Only typer is imported at start-up; the library loads when a command runs.
"""

from scenescore.cli.app import app, main

__all__ = ["app", "main"]
