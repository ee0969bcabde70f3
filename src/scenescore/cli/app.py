"""The ``scenescore`` app: global options, the command groups, and the one error handler.

The app's callback reads ``--debug``, ``--verbose`` and ``--config`` into a
:class:`~scenescore.cli.common.CliState` on typer's context; every command reads its options
through :func:`~scenescore.cli.common.stage_options`. Errors of the library become one line on
stderr and exit code 1 (``--debug`` re-raises them with the traceback).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from scenescore import __version__
from scenescore.cli import align, batch, corpus, emotion, render, score, segment, studio, translate
from scenescore.cli.common import CliState
from scenescore.errors import ScenescoreError

app = typer.Typer(
    name="scenescore",
    help="Draft film music from a screenplay.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scenescore {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML profile with a table per stage (see configs/default.toml).")] = None,
) -> None:
    """Draft film music from a screenplay."""
    cli_state = ctx.ensure_object(CliState)
    cli_state.debug = debug
    cli_state.config = {}
    if config is not None:
        from scenescore.config import read_config

        try:
            cli_state.config = read_config(config)
        except ScenescoreError as exc:
            if debug:
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


# The order of registration is the order of `scenescore --help`.
segment.register(app)
score.register(app)
corpus.register(app)
emotion.register(app)
translate.register(app)
render.register(app)
batch.register(app)
align.register(app)
studio.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn library errors into one line and exit 1.

    Usage errors, ``--help`` and ``--version`` are click's (standalone mode); any other
    unexpected error also ends in one line and exit 1 unless ``--debug`` is given.
    """
    cli_state = CliState()
    try:
        app(args=argv, prog_name="scenescore", obj=cli_state)
    except ScenescoreError as exc:
        if cli_state.debug:
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if cli_state.debug:
            raise
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)",
                   err=True)
        sys.exit(1)
