"""The ``spot`` and ``translate`` commands: cues with timecodes, and a music condition per cue.

Thin: each command reads the scenes, runs the analysis the stage needs, builds options and calls
one library function per stage. Only typer is imported at module level; the library, pandas and
the backends load inside the commands. Library errors propagate to :func:`scenescore.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from scenescore.cli.common import read_scenes, stage_options

SourceArgument = Annotated[Path, typer.Argument(
    help="Screenplay (.fountain, .fdx, .html, .txt, .pdf) or scene table (.parquet, .csv, .json, .jsonl).")]
FpsOption = Annotated[int | None, typer.Option(
    "--fps", min=1, help="Frames per second of the timecodes (default 24, non-drop).")]
ReelOption = Annotated[float | None, typer.Option(
    "--reel-minutes", min=1.0, help="Screen minutes per reel (default 20).")]
ShiftOption = Annotated[float | None, typer.Option(
    "--shift", min=0.01, help="Valence/arousal distance that starts a new cue (default 0.3).")]
StyleOption = Annotated[str | None, typer.Option(
    "--style", help='Film-level brief, e.g. "sparse piano and strings, 1970s thriller".')]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the summary table.")]
OverwriteOption = Annotated[bool, typer.Option("--overwrite/--no-overwrite",
                                               help="Replace existing output files.")]


def _scenes_and_analysis(ctx: typer.Context, source: Path) -> tuple[list, Any]:
    """Scenes from a screenplay or a scene table, and their emotion analysis (the profile's
    analyze and memory options; offline by default)."""
    from scenescore.emotion import analyze_screenplay

    scenes = read_scenes(ctx, source)
    return scenes, analyze_screenplay(scenes, options=stage_options(ctx, "analyze"),
                                      memory=stage_options(ctx, "memory"))


def spot(
    ctx: typer.Context,
    source: SourceArgument,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the spotting notes (.csv, or .parquet/.json/.jsonl).")] = None,
    fps: FpsOption = None,
    reel_minutes: ReelOption = None,
    shift: ShiftOption = None,
    style: StyleOption = None,
    overwrite: OverwriteOption = True,
    quiet: QuietOption = False,
) -> None:
    """Spot a film: group scenes into cues (1M01...) and write spotting notes with timecodes."""
    from dataclasses import replace

    from rich.console import Console

    from scenescore.conditions import translate_cues
    from scenescore.spotting import spot_cues, write_spotting_notes

    spot_options = stage_options(ctx, "spot", fps=fps, reel_minutes=reel_minutes,
                                 shift_threshold=shift)
    translate_options = stage_options(ctx, "translate", style=style)
    scenes, analysis = _scenes_and_analysis(ctx, source)
    cues = spot_cues(scenes, analysis, options=spot_options)
    # The palette and themes of the notes come from the offline rules (no tokens spent here).
    translation = translate_cues(cues, scenes, analysis,
                                 options=replace(translate_options, backend="rules"))
    if output is not None:
        write_spotting_notes(cues, output, translation.conditions, options=spot_options,
                             overwrite=overwrite)
    if not quiet:
        _print_cues(cues, translation, spot_options, Console())
    if output is not None:
        Console(stderr=True).print(f"wrote {len(cues)} cues to {output}")


def translate(
    ctx: typer.Context,
    source: SourceArgument,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the conditions, one JSON object per line (.jsonl).")] = None,
    notes: Annotated[Path | None, typer.Option(
        "--notes", help="Also write the spotting notes (.csv) with this backend's palette and themes.")] = None,
    backend: Annotated[str | None, typer.Option(
        "--backend", "-b", help="rules (offline, default), openai or local.")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="openai: model name (default gpt-4o-mini); local: a local model folder.")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="openai: OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp...).")] = None,
    style: StyleOption = None,
    concurrency: Annotated[int | None, typer.Option(
        "--concurrency", min=1, help="openai: requests in flight at once (default 4).")] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", min=0.1, help="Seconds per request before it is retried (default 60).")] = None,
    cache: Annotated[bool | None, typer.Option(
        "--cache/--no-cache", help="Reuse conditions cached for the same inputs (default on).")] = None,
    cache_dir: Annotated[Path | None, typer.Option(
        "--cache-dir", help="Cache folder (default: the user cache folder).")] = None,
    fps: FpsOption = None,
    reel_minutes: ReelOption = None,
    shift: ShiftOption = None,
    overwrite: OverwriteOption = True,
    quiet: QuietOption = False,
) -> None:
    """Write one music condition per cue (prompt, instruments, tempo, key, themes...)."""
    from rich.console import Console
    from rich.progress import Progress

    from scenescore.conditions import translate_cues, write_conditions
    from scenescore.spotting import spot_cues, write_spotting_notes

    spot_options = stage_options(ctx, "spot", fps=fps, reel_minutes=reel_minutes,
                                 shift_threshold=shift)
    options = stage_options(ctx, "translate", backend=backend, model=model,
                       base_url=base_url, style=style, concurrency=concurrency, timeout_s=timeout,
                       cache=cache, cache_dir=str(cache_dir) if cache_dir else None)
    scenes, analysis = _scenes_and_analysis(ctx, source)
    cues = spot_cues(scenes, analysis, options=spot_options)
    err = Console(stderr=True)
    with Progress(console=err, transient=True, disable=quiet) as progress:
        task = progress.add_task(f"translating ({options.backend})", total=len(cues))
        translation = translate_cues(
            cues, scenes, analysis, options=options,
            progress=lambda done, total: progress.update(task, completed=done, total=total))
    if output is not None:
        write_conditions(translation.conditions, output, overwrite=overwrite)
    else:
        for condition in translation.conditions:
            sys.stdout.write(condition.model_dump_json() + "\n")
    if notes is not None:
        write_spotting_notes(cues, notes, translation.conditions, options=spot_options,
                             overwrite=overwrite)
    if not quiet and output is not None:
        _print_cues(cues, translation, spot_options, Console())
    usage = translation.usage
    summary = (f"{len(translation.conditions)} conditions ({translation.backend}"
               + (f" {translation.model}" if translation.model else "") + ")")
    if translation.backend != "rules":
        summary += (f"; {translation.count('cached')} cached, {translation.count('repaired')} "
                    f"repaired, {translation.count('fallback')} fell back to rules; tokens: "
                    f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion in "
                    f"{usage.requests} requests")
    err.print(summary + (f"; wrote {output}" if output is not None else ""))
    for report in translation.reports:
        if report.status == "fallback":
            err.print(f"[yellow]warning:[/] {report.cue_id}: {report.note}")


def _print_cues(cues, translation, options, console) -> None:  # noqa: ANN001 - rich types lazily
    from rich import box
    from rich.table import Table

    from scenescore.spotting import timecode

    by_cue = {c.cue_id: c for c in translation.conditions}
    table = Table(title=f"{len(cues)} cues ({translation.backend}); palette: "
                        f"{translation.palette.genre}, home key {translation.palette.tonic}",
                  header_style="bold", box=box.SIMPLE_HEAD)
    roomy = console.width >= 140
    columns = [("cue", "left", 4, 6), ("in", "right", 11, 11), ("dur", "right", 4, 5),
               ("scenes", "left", 6, 12), ("timeline", "left", 8, 10), ("function", "left", 8, 19),
               ("mood", "left", 7, 11), ("music", "left", 12, 28), ("themes", "left", 10, 60)]
    if not roomy:
        columns = [c for c in columns if c[0] not in ("scenes", "themes")]
    for column, justify, low, high in columns:
        table.add_column(column, justify=justify, no_wrap=True, min_width=low,  # type: ignore[arg-type]
                         max_width=high, overflow="ellipsis")
    for cue in cues:
        cond = by_cue.get(cue.cue_id)
        music = themes = ""
        if cond is not None:
            music = f"{cond.key} {cond.mode}, {cond.tempo_bpm:.0f} bpm, {cond.dynamics}"
            themes = ", ".join(f"{t.motif} {t.transformation}" for t in cond.themes)
        cells = {"cue": cue.cue_id,
                 "in": timecode(options.timecode_start_s + cue.start_s, options.fps),
                 "dur": f"{cue.duration_s:.0f}s", "scenes": " ".join(str(s) for s in cue.scene_ids),
                 "timeline": cue.timeline, "function": str(cue.function), "mood": cue.mood,
                 "music": music, "themes": themes}
        table.add_row(*(cells[c[0]] for c in columns))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``spot`` and ``translate`` to the main app."""
    app.command("spot")(spot)
    app.command("translate")(translate)
