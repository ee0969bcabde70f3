"""What every command group shares: the run's state on typer's context and the option helper.

The command modules import this module and the library, nothing else of the CLI, so the
package has no import circle. The state (``--debug``, the ``--config`` profile) lives on the
click context (``ctx.obj``) that typer passes to every command, not in a module global, so two
invocations in one process (tests, a notebook) never see each other's profile.

Only typer is imported at module level: ``scenescore --help`` must stay fast.
"""

from __future__ import annotations

import dataclasses
import time
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


# ---- the score command's progress display -------------------------------------------------
# What ``score`` shows while it works: the stage, and while the render stage writes audio, a bar
# of cues and minutes of music done of the film's total with the time elapsed and left. On a
# terminal a rich progress display on stderr; otherwise (a log, a pipe) plain lines, a cue line
# at most every tenth of the music; with ``--quiet`` nothing. The library reports through its
# callbacks (stage start/end, ``render.film.CueProgress``); nothing here computes.
def clock(seconds: float) -> str:
    """Seconds as ``h:mm:ss`` (the progress displays' elapsed and remaining times)."""
    seconds = max(0, round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class ScoreDisplay:
    """Stage lines and the render stage's per-cue bar, for one film."""

    def __init__(self, console: Any, *, quiet: bool = False, label: str = "") -> None:
        self.console = console
        self.quiet = quiet
        self.label = f"{label}: " if label else ""
        self.plain = not console.is_terminal
        self.live = None
        self.stage_task = self.cue_task = None
        self.render_started = 0.0
        self.printed_share = -1.0
        if not quiet and not self.plain:
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.live = Progress(SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(),
                                 TimeElapsedColumn(), TextColumn("{task.fields[detail]}"), console=console,
                                 transient=True)
            self.stage_task = self.live.add_task(f"{self.label}starting", total=None, detail="")

    def __enter__(self) -> ScoreDisplay:
        if self.live is not None:
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)

    def stage(self, stage: str, state: str) -> None:
        """The pipeline's progress callback: (stage, "start" | "ran" | "skipped" ...)."""
        if self.quiet:
            return
        if state == "start":
            if stage == "render":
                self.render_started = time.monotonic()
            if self.live is not None:
                self.live.update(self.stage_task, description=f"{self.label}{stage} …")
            return
        if self.cue_task is not None and stage == "render":
            self.live.remove_task(self.cue_task)
            self.cue_task = None
        self.console.print(f"  {self.label}{stage:<10} {state}", highlight=False, soft_wrap=True)

    def cue(self, event: Any) -> None:
        """The render stage's per-cue callback (``CueProgress``)."""
        if self.quiet:
            return
        done_min, total_min = event.music_done_s / 60, event.music_total_s / 60
        share = event.music_done_s / event.music_total_s if event.music_total_s else 1.0
        elapsed = time.monotonic() - (self.render_started or time.monotonic())
        left = elapsed * (1 - share) / share if share > 0 else 0.0
        detail = (f"{event.cues_done}/{event.cues_total} cues · {done_min:.1f}/{total_min:.1f} min of music · "
                  f"about {clock(left)} left")
        if self.live is not None:
            if self.cue_task is None:
                self.cue_task = self.live.add_task(f"{self.label}audio", total=total_min, detail=detail)
            self.live.update(self.cue_task, completed=done_min, total=total_min, detail=detail)
            return
        if share - self.printed_share < 0.1 - 1e-9 and event.cues_done < event.cues_total:
            return
        self.printed_share = share
        self.console.print(f"  {self.label}audio      {detail} ({clock(elapsed)} elapsed)", highlight=False,
                           soft_wrap=True)
