"""What every command group shares: the run's state on typer's context and the option helper.

The command modules import this module and the library, nothing else of the CLI, so the
package has no import circle. The state (``--debug``, the ``--config`` profile) lives on the
click context (``ctx.obj``) that typer passes to every command, not in a module global, so two
invocations in one process (tests, a notebook) never see each other's profile.

Only typer is imported at module level: ``scenescore --help`` must stay fast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from scenescore.options import IngestOptions

#: Suffixes read as a scene table rather than a screenplay.
TABLE_SUFFIXES = (".parquet", ".csv", ".json", ".jsonl")
_DEFAULT_INGEST = IngestOptions()

#: Exit status of a run that finished but degraded (translate fell back to the rules, MusicGen
#: padded audio): every file is written, and the next run retries the degraded stages.
EXIT_DEGRADED = 3


@dataclass(slots=True)
class CliState:
    """What the app's callback learned from the global options, for the commands below it."""

    #: ``--debug``: re-raise errors with their traceback instead of one line.
    debug: bool = False
    #: The validated ``--config`` profile (table → values); empty without one.
    config: dict[str, Any] = field(default_factory=dict)


def state(ctx: typer.Context) -> CliState:
    """The state of this invocation (a fresh default one when a command runs without the app's
    callback, e.g. invoked directly in a test)."""
    found = ctx.find_object(CliState)
    return found if found is not None else CliState()


def stage_options(ctx: typer.Context, table: str, given: Mapping[str, object] | None = None,
                  /, **flags: object) -> Any:
    """The options of one config table: defaults, then the ``--config`` profile, then the flags
    the user gave.

    A flag of ``None`` means "not given" and keeps the profile's value. Nested options are
    named by dotted paths in ``given`` (``{"audio.fluidsynth.soundfont": path}``); ``flags``
    are top-level fields. This is the one place the precedence is decided.
    """
    from scenescore.config import options_from_config

    options = options_from_config(state(ctx).config, table)
    changes = {k: v for k, v in {**(given or {}), **flags}.items() if v is not None}
    return _replace_paths(options, changes) if changes else options


def _replace_paths(options: Any, changes: Mapping[str, object]) -> Any:
    """``dataclasses.replace`` for dotted paths into nested option dataclasses."""
    here: dict[str, object] = {}
    nested: dict[str, dict[str, object]] = {}
    for path, value in changes.items():
        head, _, rest = path.partition(".")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            here[head] = value
    for head, inner in nested.items():
        here[head] = _replace_paths(getattr(options, head), inner)
    return dataclasses.replace(options, **here)


def all_stage_options(ctx: typer.Context, **given: object) -> dict[str, object]:
    """Every stage's options from the ``--config`` profile, with ``given`` on top (for the
    commands that run the whole pipeline: ``score`` and ``batch``)."""
    from scenescore.config import OPTION_TABLES

    out: dict[str, object] = {table: stage_options(ctx, table) for table in OPTION_TABLES}
    out.update({k: v for k, v in given.items() if v is not None})
    return out


def ingest_options(ctx: typer.Context, fmt: str | None = None,
                   max_mb: float | None = None) -> IngestOptions:
    """The reader's options: the profile's ``[ingest]`` table under ``--input-format``/``--max-mb``."""
    return stage_options(ctx, "ingest", format=fmt,
                         max_bytes=int(max_mb * 1024 * 1024) if max_mb else None)


def read_scenes(ctx: typer.Context, source: Path) -> list:
    """Scenes from a scene table or a screenplay (read and segmented with the profile's options)."""
    if source.suffix.lower() in TABLE_SUFFIXES:
        from scenescore.emotion import scenes_from_frame
        from scenescore.io import read_scene_table

        return scenes_from_frame(read_scene_table(source), source=str(source))
    from scenescore.segment import segment_screenplay

    return list(segment_screenplay(source, ingest=ingest_options(ctx),
                                   options=stage_options(ctx, "segment")).scenes)


FormatOption = Annotated[str | None, typer.Option(
    "--input-format", help="Force the reader: fountain, fdx, html, text, pdf (default: detect).")]
MaxMbOption = Annotated[float | None, typer.Option(
    "--max-mb", help=f"Refuse inputs over this size (default {_DEFAULT_INGEST.max_bytes // 2**20} MB).")]
