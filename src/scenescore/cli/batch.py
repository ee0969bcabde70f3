"""The ``batch`` command: many films scored in parallel, each into its run folder.

Thin: it builds :class:`~scenescore.batch.BatchOptions` and
:class:`~scenescore.options.ScoreOptions` and calls :func:`scenescore.batch.batch`, drawing an
overall progress bar and a status table from the library's progress callback. Only typer is
imported at module level. Library errors propagate to :func:`scenescore.cli.main` (one line, exit
1); a batch with any failed film also exits 1, after its table and summary are written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scenescore.cli.common import EXIT_DEGRADED, all_stage_options, ingest_options, stage_options

#: Above this many films the final table lists only the ones that did not succeed.
_FULL_TABLE_FILMS = 50
#: Finished films kept in the live table beside the running ones.
_LIVE_FINISHED = 8


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
    max_mb: Annotated[float | None, typer.Option("--max-mb", help="Refuse inputs over this size.")] = None,
) -> None:
    """Score many films in parallel; one film's failure is recorded and the rest go on."""
    from rich.console import Console

    from scenescore.batch import batch as run_batch

    score_options = stage_options(ctx, "score", out=str(out) if out is not None else None,
                                  style=style, seed=seed, start=start, stop=stop,
                                  force=force or None)
    options = stage_options(ctx, "batch", workers=workers, executor=executor, address=address)
    stage_table = all_stage_options(ctx, ingest=ingest_options(ctx, None, max_mb))

    err = Console(stderr=True)
    display = _Display(err)
    with display:
        report = run_batch(inputs or None, corpus=str(corpus) if corpus else None, genre=genre,
                           options=options, score_options=score_options,
                           stage_options=stage_table, progress=display.update)
    _print_final_table(report.films, Console())
    failed = report.failed
    colour = "red" if failed else "green"
    degraded = [f for f in report.ok if f.degraded]
    err.print(f"[{colour}]{len(report.ok)} ok, {len(failed)} failed[/] of {len(report.films)} films "
              f"in {report.seconds:.1f}s; summary: {report.summary}")
    if degraded:
        err.print(f"[yellow]{len(degraded)} degraded[/] (see the summary's degraded column; "
                  "their next run retries the degraded stages)")
    if failed:
        raise typer.Exit(1)
    if degraded:
        raise typer.Exit(EXIT_DEGRADED)


class _Display:
    """An overall progress bar under a table of the running and latest finished films."""

    def __init__(self, console: Any) -> None:
        from rich.live import Live
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.films: dict[int, Any] = {}
        self.finished: list[int] = []
        self.bar = Progress(TextColumn("[bold]batch"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                            console=console)
        self.task = self.bar.add_task("batch", total=None, failed=0)
        self.live = Live(self._render(), console=console, refresh_per_second=8, transient=True)

    def __enter__(self) -> _Display:
        self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.live.__exit__(*exc)

    def update(self, film: Any) -> None:
        self.films[film.index] = film
        if film.status in ("ok", "failed"):
            self.finished.append(film.index)
        failed = sum(1 for f in self.films.values() if f.status == "failed")
        self.bar.update(self.task, total=len(self.films), completed=len(self.finished), failed=failed)
        self.live.update(self._render())

    def _render(self) -> Any:
        from rich.console import Group

        running = [f for f in self.films.values() if f.status == "running"]
        latest = [self.films[i] for i in self.finished[-_LIVE_FINISHED:]]
        return Group(_table(latest + running), self.bar)


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
