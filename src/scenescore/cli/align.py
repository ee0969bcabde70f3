"""The ``align`` command: the screenplay's scenes placed on the footage.

Thin: it builds :class:`~scenescore.align.AlignOptions`, calls
:func:`scenescore.align.align_screenplay` and writes the tables with
:func:`scenescore.align.write_alignment`. Only typer is imported at module level; PySceneDetect,
OpenCV and transformers load inside the align stage. Library errors propagate to
:func:`scenescore.cli.main` (one line, exit 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from scenescore.cli.common import ingest_options, stage_options


def align(
    ctx: typer.Context,
    script: Annotated[Path, typer.Argument(help="Screenplay file (Fountain, FDX, PDF, HTML, text).")],
    video: Annotated[Path, typer.Argument(help="The footage (a rough cut or an assembly).")],
    subtitles: Annotated[Path | None, typer.Option(
        "--subtitles", "-s", help="SRT or WebVTT of the footage's dialogue (else Whisper).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for scene_spans, shots, "
                                      "transcript tables and alignment.json.")] = Path("align"),
    whisper_model: Annotated[str | None, typer.Option(
        "--whisper-model", help="Local Whisper model folder, used when no subtitles are given.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Whisper language (e.g. en).")] = None,
    device: Annotated[str | None, typer.Option("--device", help="Whisper device (cpu, cuda...).")] = None,
    detector: Annotated[str | None, typer.Option(
        "--detector", help="Shot detector: content or adaptive.")] = None,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Content detector threshold (lower finds more cuts).")] = None,
    table_format: Annotated[str, typer.Option("--format", help="Table format: csv, parquet, json.")] = "csv",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace existing outputs.")] = False,
) -> None:
    """Place the screenplay's scenes on the footage: shots, transcript, scene spans in picture time."""
    from rich.console import Console
    from rich.progress import Progress

    from scenescore.align import align_screenplay, write_alignment
    from scenescore.segment import segment_screenplay

    options = stage_options(ctx, "align", whisper_model=whisper_model, language=language,
                            device=device, detector=detector, threshold=threshold)
    screenplay = segment_screenplay(script, ingest=ingest_options(ctx),
                                    options=stage_options(ctx, "segment"))
    err = Console(stderr=True)
    with Progress(console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(step: str, fraction: float) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=1.0)
            bar.update(tasks[step], completed=fraction)

        alignment = align_screenplay(screenplay, video, subtitles=subtitles, options=options,
                                     progress=progress)
    written = write_alignment(alignment, out, overwrite=overwrite, table_format=table_format.lstrip("."))
    _print_spans(alignment, Console())
    for warning in alignment.warnings:
        err.print(f"[yellow]warning:[/] {warning}")
    info = alignment.video
    err.print(f"{len(alignment.shots)} shots, {len(alignment.transcript)} transcript lines "
              f"({alignment.transcript_source}), {float(info.frame_rate):.3f} fps; "
              f"wrote {', '.join(p.name for p in written)} to {out}")


def _print_spans(alignment: Any, console: Any) -> None:
    from rich import box
    from rich.table import Table

    table = Table(header_style="bold", box=box.SIMPLE_HEAD)
    for column, justify in (("scene", "right"), ("start", "left"), ("end", "left"),
                            ("method", "left"), ("conf.", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for s in alignment.scenes:
        table.add_row(str(s.scene_id), s.start_tc, s.end_tc, s.method, f"{s.confidence:.2f}")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("align")(align)
