"""What ``score`` shows while it works: the stage, and while the render stage writes audio, a bar
of cues and minutes of music done of the film's total with the time elapsed and left.

On a terminal it is a rich progress display on stderr; otherwise (a log, a pipe) plain lines,
a cue line at most every tenth of the music; with ``--quiet`` nothing. The library reports
through its callbacks (stage start/end, ``render.film.CueProgress``); nothing here computes.
"""

from __future__ import annotations

import time
from typing import Any


def _clock(seconds: float) -> str:
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
                  f"about {_clock(left)} left")
        if self.live is not None:
            if self.cue_task is None:
                self.cue_task = self.live.add_task(f"{self.label}audio", total=total_min, detail=detail)
            self.live.update(self.cue_task, completed=done_min, total=total_min, detail=detail)
            return
        if share - self.printed_share < 0.1 - 1e-9 and event.cues_done < event.cues_total:
            return
        self.printed_share = share
        self.console.print(f"  {self.label}audio      {detail} ({_clock(elapsed)} elapsed)", highlight=False,
                           soft_wrap=True)
