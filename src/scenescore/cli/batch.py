"""The ``batch`` command: many films scored in parallel, each into its run folder.

Thin: it builds :class:`~scenescore.batch.BatchOptions` and
:class:`~scenescore.options.ScoreOptions` and calls :func:`scenescore.batch.batch`, drawing the
progress from the library's two callbacks (a film's status, and its stages and cues while it is
scored): on a terminal a bar per running film and an overall bar under the latest finished
films; otherwise plain lines; with ``--quiet`` nothing. Only typer is imported at module level. Library errors propagate to :func:`scenescore.cli.main` (one line, exit
1); a batch with any failed film also exits 1, after its table and summary are written.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from scenescore.cli.common import (
    EXIT_DEGRADED,
    all_stage_options,
    clock,
    ingest_options,
    stage_options,
)

#: Above this many films the final table lists only the ones that did not succeed.
_FULL_TABLE_FILMS = 50
#: Finished films kept in the live table above the running ones' bars.
_LIVE_FINISHED = 8
#: Off a terminal, a film's audio line at most every this share of its music.
_PLAIN_STEP = 0.25


def batch(
    ctx: typer.Context,
    inputs: Annotated[list[str] | None, typer.Argument(
        help="Screenplay files or IMSDB titles (or none, with --corpus).", show_default=False)] = None,
    corpus: Annotated[Path | None, typer.Option(
        "--corpus", help="Corpus store: score its fetched scripts (or resolve titles there).")] = None,
    genre: Annotated[str | None, typer.Option("--genre", help="With --corpus: only films of this genre.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Parent folder of the run folders and batch_summary.csv (default: as `score`).")] = None,
    style: Annotated[str | None, typer.Option("--style", help="Film-level brief for every film.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed for everything random (default: as `score`).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First stage to run.")] = None,
    stop: Annotated[str | None, typer.Option("--to", help="Last stage to run.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-run stages even when unchanged.")] = False,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", help="Films scored at once (default: up to 4 processes; Ray: the cluster's CPUs).")] = None,
    executor: Annotated[str | None, typer.Option(
        "--executor", help="process (this machine, default), ray (a Ray cluster) or serial.")] = None,
    address: Annotated[str | None, typer.Option(
        "--address", help="Ray cluster address, e.g. auto or ray://head:10001 (default: a local Ray).")] = None,
    audio: Annotated[str | None, typer.Option(
        "--audio", help="Audio backend: fluidsynth (default, offline), musicgen (GPU) or none.")] = None,
    max_mb: Annotated[float | None, typer.Option("--max-mb", help="Refuse inputs over this size.")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress and no table; only failed films and the summary line when any failed.")] = False,
) -> None:
    """Score many films in parallel; one film's failure is recorded and the rest go on."""
    from rich.console import Console

    from scenescore.batch import batch as run_batch

    score_options = stage_options(ctx, "score", out=str(out) if out is not None else None,
                                  style=style, seed=seed, start=start, stop=stop,
                                  force=force or None)
    options = stage_options(ctx, "batch", workers=workers, executor=executor, address=address)
    stage_table = all_stage_options(ctx, ingest=ingest_options(ctx, None, max_mb),
                                    render=stage_options(ctx, "render", {"audio.backend": audio}))

    err = Console(stderr=True)
    with BatchDisplay(err, quiet=quiet) as display:
        report = run_batch(inputs or None, corpus=str(corpus) if corpus else None, genre=genre,
                           options=options, score_options=score_options, stage_options=stage_table,
                           progress=display.film, film_progress=display.inside)
    failed = report.failed
    degraded = [f for f in report.ok if f.degraded]
    if quiet:
        from rich.markup import escape

        for f in failed:
            err.print(f"[red]{escape(f.film)}[/]: {f.status}: {escape(f.error or '')}", highlight=False,
                      soft_wrap=True)
    else:
        _print_final_table(report.films, Console())
    colour = "red" if failed else "green"
    if not quiet or failed or degraded:
        err.print(f"[{colour}]{len(report.ok)} ok, {len(failed)} failed[/] of {len(report.films)} films "
                  f"in {report.seconds:.1f}s; summary: {report.summary}")
    if degraded:
        err.print(f"[yellow]{len(degraded)} degraded[/] (see the summary's degraded column; "
                  "their next run retries the degraded stages)")
    if failed:
        raise typer.Exit(1)
    if degraded:
        raise typer.Exit(EXIT_DEGRADED)


class BatchDisplay:
    """The batch's progress, fed by the library's callbacks (``film``: a film's status;
    ``inside``: a running film's stage or cue). On a terminal: the latest finished films, a bar
    per running film (its stage, then cues and minutes of music done of its total, elapsed and
    remaining) and an overall bar (films done of the total, minutes of music done, elapsed and
    remaining). Off a terminal: a line per finished film and a line per quarter of a film's
    music. With ``quiet``: nothing."""

    def __init__(self, console: Any, *, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.plain = not console.is_terminal
        self.started = time.monotonic()
        self.films: dict[int, Any] = {}  # index → the film's latest FilmResult
        self.finished: list[int] = []
        self.progress: dict[int, Any] = {}  # index → the running film's latest FilmProgress
        self.render_started: dict[int, float] = {}
        self.printed_share: dict[int, float] = {}
        self.tasks: dict[int, Any] = {}  # index → its bar
        self.live = self.bars = self.overall = None
        if quiet or self.plain:
            return
        from rich.live import Live
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.bars = Progress(TextColumn("{task.description}"), BarColumn(bar_width=30), TimeElapsedColumn(),
                             TextColumn("{task.fields[detail]}"), console=console)
        self.overall = Progress(TextColumn("[bold]{task.description}"), BarColumn(bar_width=30), TimeElapsedColumn(),
                                TextColumn("{task.fields[detail]}"), console=console)
        self.overall_task = self.overall.add_task(_name("all films"), total=None, detail="")
        self.live = Live(self._render(), console=console, refresh_per_second=4, transient=True)

    def __enter__(self) -> BatchDisplay:
        if self.live is not None:
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)

    # ---- the library's callbacks
    def film(self, film: Any) -> None:
        """``batch(progress=...)``: a film is queued, running, ok or failed."""
        if self.quiet:
            return
        self.films[film.index] = film
        if film.status == "running":  # also a lost film tried again: its bar starts over
            self.progress.pop(film.index, None)
            self.render_started.pop(film.index, None)
            self.printed_share.pop(film.index, None)
            if self.bars is not None:
                self._drop_bar(film.index)
                self.tasks[film.index] = self.bars.add_task(_name(film.film), total=None, detail="starting")
        elif film.status == "queued":  # again: its worker was lost, it waits to be tried alone
            self.progress.pop(film.index, None)
            if self.bars is not None:
                self._drop_bar(film.index)
        elif film.status in ("ok", "failed"):
            self.finished.append(film.index)
            self.progress.pop(film.index, None)
            if self.bars is not None:
                self._drop_bar(film.index)
            else:
                self._print_finished(film)
        self._refresh()

    def inside(self, event: Any) -> None:
        """``batch(film_progress=...)``: a running film entered a stage or wrote a cue's audio."""
        if self.quiet:
            return
        self.progress[event.index] = event
        if event.stage == "render":
            self.render_started.setdefault(event.index, time.monotonic())
        if self.bars is not None:
            task = self.tasks.get(event.index)
            if task is not None:
                if event.cue_id is None:
                    self.bars.update(task, detail=f"{event.stage} …")
                else:
                    self.bars.update(task, total=event.music_total_s / 60, completed=event.music_done_s / 60,
                                     detail=self._cue_detail(event))
            self._refresh()
        elif event.cue_id is not None:
            share = event.music_done_s / event.music_total_s if event.music_total_s else 1.0
            last = self.printed_share.get(event.index, 0.0)
            if share - last >= _PLAIN_STEP - 1e-9 and event.cues_done < event.cues_total:
                self.printed_share[event.index] = share
                self.console.print(f"  {event.film}: audio {self._cue_detail(event)}", highlight=False,
                                   markup=False, soft_wrap=True)

    # ---- what is shown
    def _cue_detail(self, event: Any) -> str:
        share = event.music_done_s / event.music_total_s if event.music_total_s else 1.0
        elapsed = time.monotonic() - self.render_started.get(event.index, time.monotonic())
        left = elapsed * (1 - share) / share if share > 0 else 0.0
        return (f"{event.cues_done}/{event.cues_total} cues · {event.music_done_s / 60:.1f}/"
                f"{event.music_total_s / 60:.1f} min of music · about {clock(left)} left")

    def _totals(self) -> tuple[int, int, float, float, str]:
        """Films done, films in all, the batch's share done (running films by their music),
        minutes of music done, and the time left as text."""
        total = len(self.films)
        done = len(self.finished)
        running = [e.music_done_s / e.music_total_s for e in self.progress.values()
                   if e.cue_id is not None and e.music_total_s]
        share = (done + sum(running)) / total if total else 0.0
        minutes = sum(f.minutes_of_music or 0.0 for i in self.finished if (f := self.films[i]).status == "ok")
        minutes += sum(e.music_done_s for e in self.progress.values() if e.cue_id is not None) / 60
        elapsed = time.monotonic() - self.started
        left = f"about {clock(elapsed * (1 - share) / share)} left" if 0 < share < 1 else ""
        return done, total, share, minutes, left

    def _overall_text(self) -> str:
        done, total, _, minutes, left = self._totals()
        failed = sum(1 for i in self.finished if self.films[i].status == "failed")
        parts = [f"{done}/{total} films", f"{failed} failed" if failed else "", f"{minutes:.1f} min of music done", left]
        return " · ".join(p for p in parts if p)

    def _print_finished(self, film: Any) -> None:
        done, total, _, _, left = self._totals()
        if film.status == "ok":
            what = "ok, degraded" if film.degraded else "ok (up to date)" if film.up_to_date else "ok"
            counts = [f"{film.cues} cues" if film.cues is not None else "",
                      f"{film.minutes_of_music:.1f} min of music" if film.minutes_of_music is not None else ""]
            detail = ", ".join(c for c in counts if c)
            what += f" in {film.seconds or 0.0:.1f}s" + (f" ({detail})" if detail else "")
        else:
            what = f"FAILED: {film.error}"
        elapsed = clock(time.monotonic() - self.started)
        self.console.print(f"[{done}/{total}] {film.film} {what} · {elapsed} elapsed" + (f", {left}" if left else ""),
                           highlight=False, markup=False, soft_wrap=True)

    def _drop_bar(self, index: int) -> None:
        task = self.tasks.pop(index, None)
        if task is not None:
            self.bars.remove_task(task)

    def _refresh(self) -> None:
        if self.live is None:
            return
        _, total, share, _, _ = self._totals()
        self.overall.update(self.overall_task, total=1.0 if total else None, completed=share,
                            detail=self._overall_text())
        self.live.update(self._render())

    def _render(self) -> Any:
        from rich.console import Group

        latest = [self.films[i] for i in self.finished[-_LIVE_FINISHED:]]
        parts = [_table(latest)] if latest else []
        return Group(*parts, self.bars, self.overall)


def _name(film: str, width: int = 24) -> str:
    from rich.markup import escape

    text = film if len(film) <= width else film[: width - 1] + "…"
    return escape(f"{text:<{width}}")


def _status(film: Any) -> str:
    if film.status == "ok" and getattr(film, "degraded", None):
        return "[yellow]ok, degraded[/]"
    if film.status == "ok":
        return "[green]ok[/] [dim](up to date)[/]" if film.up_to_date else "[green]ok[/]"
    colour = {"failed": "red", "running": "yellow", "not run": "magenta"}.get(film.status, "dim")
    return f"[{colour}]{film.status}[/]"


def _table(films: list[Any], title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold")
    table.add_column("film", no_wrap=True, max_width=32, overflow="ellipsis")
    table.add_column("status", no_wrap=True)
    for name in ("scenes", "cues", "music min", "time s"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("error", overflow="fold", min_width=12)
    for f in films:
        table.add_row(
            f.film, _status(f),
            "" if f.scenes is None else str(f.scenes),
            "" if f.cues is None else str(f.cues),
            "" if f.minutes_of_music is None else f"{f.minutes_of_music:.1f}",
            "" if f.seconds is None else f"{f.seconds:.1f}",
            f.error or "",
        )
    return table


def _print_final_table(films: list[Any], console: Any) -> None:
    if len(films) > _FULL_TABLE_FILMS:
        films = [f for f in films if f.status != "ok"]
        if not films:
            return
        title = "films that did not succeed"
    else:
        title = None
    console.print(_table(films, title))


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the main app."""
    app.command("batch")(batch)
