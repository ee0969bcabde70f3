"""The ``score`` command: every stage into one resumable run folder.

Thin: it builds :class:`~scenescore.options.ScoreOptions` and every stage's options (defaults,
``--config``, flags) and calls :func:`scenescore.pipeline.score`. Library errors propagate to
:func:`scenescore.cli.main` (one line, exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scenescore.cli.common import (
    EXIT_DEGRADED,
    FormatOption,
    MaxMbOption,
    ScoreDisplay,
    all_stage_options,
    ingest_options,
    stage_options,
)
from scenescore.options import ScoreOptions

_DEFAULT_SCORE = ScoreOptions()


def score(
    ctx: typer.Context,
    script: Annotated[str, typer.Argument(help="Screenplay file (.fountain, .fdx, .html, .txt, .pdf) or an IMSDB title.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help=f"Parent folder of run folders (default: {_DEFAULT_SCORE.out}).")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Run folder name (default: from the script).")] = None,
    style: Annotated[str | None, typer.Option(
        "--style", help='Film-level brief, e.g. "sparse piano and strings, 1970s thriller".')] = None,
    seed: Annotated[int | None, typer.Option(
        "--seed", help=f"Seed for everything random (default: {_DEFAULT_SCORE.seed}).")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First stage to run.")] = None,
    stop: Annotated[str | None, typer.Option("--to", help="Last stage to run.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-run stages even when unchanged.")] = False,
    audio: Annotated[str | None, typer.Option(
        "--audio", help="Audio backend: fluidsynth (default, offline), musicgen (GPU) or none.")] = None,
    llm: Annotated[str | None, typer.Option(
        "--llm", help="Conditions from an LLM: openai[:MODEL] (any OpenAI-compatible server; base_url "
                      "in --config [translate]) or local:PATH (a causal LM folder). Default: rules.")] = None,
    corpus: Annotated[Path | None, typer.Option("--corpus", help="Corpus store for IMSDB titles.")] = None,
    video: Annotated[Path | None, typer.Option(
        "--video", help="Footage: place scenes on the picture and mux the temp score for review.")] = None,
    subtitles: Annotated[Path | None, typer.Option(
        "--subtitles", help="SRT/WebVTT of the footage (else Whisper transcribes it).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, stage lines or cue table.")] = False,
    input_format: FormatOption = None,
    max_mb: MaxMbOption = None,
) -> None:
    """Score a film: every stage into one resumable run folder (see docs/architecture.md)."""
    from rich.console import Console

    from scenescore.pipeline import score as run_score

    options = stage_options(ctx, "score", out=str(out) if out is not None else None, name=name,
                            style=style, seed=seed, start=start, stop=stop, force=force or None,
                            video=str(video) if video else None,
                            subtitles=str(subtitles) if subtitles else None)
    backend, _, model = (llm or "").partition(":")
    stages = all_stage_options(
        ctx, ingest=ingest_options(ctx, input_format, max_mb),
        translate=stage_options(ctx, "translate", backend=backend.strip().lower() or None,
                                model=model.strip() or None),
        render=stage_options(ctx, "render", {"audio.backend": audio}))
    err = Console(stderr=True)
    with ScoreDisplay(err, quiet=quiet) as display:
        result = run_score(script, options=options, stage_options=stages,
                           corpus=str(corpus) if corpus else None, progress=display.stage, on_cue=display.cue)
    took = sum(result.seconds.values())
    if not quiet:
        _print_cue_summary(result.folder, Console())
    if result.statuses.get("translate") == "ran":
        _print_session(result.folder, err)
    if result.degraded:
        err.print(f"[bold yellow]degraded[/] in {took:.1f}s: {result.folder}")
        from rich.markup import escape

        for stage, why in result.degraded.items():
            err.print(f"  [yellow]{escape(stage)}[/]: {escape(why)}", highlight=False)
        err.print("  the next run retries these stages; the run exits with status 3")
    else:
        err.print(f"[green]done[/] in {took:.1f}s: {result.folder}")
    for name, what in (("report.html", "report"), ("audio/temp_score.wav", "temp score"),
                       ("midi/score.mid", "film MIDI")):
        if (result.folder / name).exists():
            err.print(f"  {what:<11} {result.folder / name}")
    if result.degraded:
        raise typer.Exit(EXIT_DEGRADED)


def _print_session(folder: Path, err, limit: int = 40) -> None:  # noqa: ANN001 - rich imported lazily
    """The spotting session's news: edits that no longer apply, and what changed since the last run."""
    path = folder / "session_report.json"
    if not path.is_file():
        return
    report = json.loads(path.read_text(encoding="utf-8"))
    lines = report.get("lines") or []
    applied = sum(1 for e in report.get("edits", []) if e.get("status") == "applied")
    if report.get("edits_file"):
        err.print(f"  session    {applied} of {len(report.get('edits', []))} edits applied "
                  f"({report['edits_file']})", markup=False, highlight=False)
    for line in lines[:limit]:
        err.print(f"    {line}", markup=False, highlight=False)
    if len(lines) > limit:
        err.print(f"    … {len(lines) - limit} more in {path}", markup=False, highlight=False)


def _print_cue_summary(folder: Path, console) -> None:  # noqa: ANN001 - rich imported lazily
    """The cues as a music editor reads them, from the run folder's files."""
    from rich import box
    from rich.table import Table

    cues_path, conditions_path = folder / "cues.json", folder / "conditions.jsonl"
    if not cues_path.exists() or not conditions_path.exists():
        return
    cues = {c["cue_id"]: c for c in json.loads(cues_path.read_text(encoding="utf-8"))}
    conditions = [json.loads(line) for line in conditions_path.read_text(encoding="utf-8").splitlines() if line]
    table = Table(title=f"{folder.name}: {len(conditions)} cues", box=box.SIMPLE_HEAD, header_style="bold")
    widths = {"cue": 4, "in": 5, "dur.": 4, "scenes": 6, "mood": 11, "key": 14, "bpm": 3,
              "function": 15, "themes": 0}
    if console.width < 110:  # narrow terminals: what a music editor needs first
        widths = {k: v for k, v in widths.items() if k not in ("scenes", "function")}
    # Rich drops narrow columns when one cell is too long, so the free column is cut to fit here.
    room = max(12, console.width - sum(widths.values()) - 3 * len(widths) - 2)
    for column, width in widths.items():
        table.add_column(column, no_wrap=True, min_width=width or None, max_width=width or room,
                         justify="right" if column in ("in", "dur.", "bpm") else "left")
    for c in conditions:
        cue = cues.get(c["cue_id"], {})
        start, end = cue.get("start_s", 0.0), cue.get("end_s", 0.0)
        scenes = cue.get("scene_ids", [])
        cells = {
            "cue": c["cue_id"], "in": f"{int(start // 60)}:{int(start % 60):02d}", "dur.": f"{end - start:.0f}s",
            "scenes": f"{scenes[0]}-{scenes[-1]}" if len(scenes) > 1 else str(scenes[0]) if scenes else "",
            "mood": cue.get("mood", ""), "key": f"{c['key']} {c['mode']}", "bpm": f"{c['tempo_bpm']:.0f}",
            "function": cue.get("function", ""),
            "themes": ", ".join(f"{t['motif']} {t['transformation']}" for t in c.get("themes", [])),
        }
        for key, width in widths.items():
            limit = width or room
            if len(cells[key]) > limit:
                cells[key] = cells[key][: limit - 1] + "…"
        table.add_row(*(cells[k] for k in widths))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``score`` to the main app."""
    app.command("score")(score)
