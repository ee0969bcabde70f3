"""The ``studio`` command: the spotting session as a local web page over a run folder.

Thin: the re-run and the server come from :mod:`scenescore.studio`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def studio(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `scenescore score`.")],
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    script: Annotated[Path | None, typer.Option(
        "--script", help="The screenplay to re-run (default: the one the run was made from).")] = None,
    audio: Annotated[str | None, typer.Option(
        "--audio", help="Audio backend for re-renders (default: the run's own).")] = None,
) -> None:
    """Open a run in the studio: drag cues, make scenes dry, change the music, re-render."""
    from scenescore.studio.server import make_server, rerun_for

    rerun = rerun_for(run_dir, script=script, audio=audio)
    server, sock = make_server(run_dir, rerun, port=port)
    host, bound = sock.getsockname()[:2]
    typer.echo(f"studio: http://{host}:{bound}/  (Ctrl+C to stop; local only)", err=True)
    server.run(sockets=[sock])


def register(app: typer.Typer) -> None:
    """Add ``studio`` to the main app."""
    app.command("studio")(studio)
