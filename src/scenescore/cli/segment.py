"""The ``parse`` and ``segment`` commands: a screenplay's typed lines and its scene table.

Thin: each command builds the ingest and segment options (defaults, ``--config``, flags) and
calls one function of :mod:`scenescore.segment`. Library errors propagate to
:func:`scenescore.cli.main` (one line, exit 1).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from scenescore.cli.common import FormatOption, MaxMbOption, ingest_options, stage_options
from scenescore.options import SegmentOptions


class LineFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"
    text = "text"


def parse(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Screenplay: .fountain, .fdx, .html, .txt or .pdf.")],
    format: Annotated[LineFormat, typer.Option("--format", "-f", help="Output format.")] = LineFormat.jsonl,
    input_format: FormatOption = None,
    max_mb: MaxMbOption = None,
) -> None:
    """Type every line of a screenplay (one JSON object per line of the normalized text)."""
    from scenescore.segment import parse_screenplay

    elements = parse_screenplay(file, ingest=ingest_options(ctx, input_format, max_mb))
    out = sys.stdout
    if format is LineFormat.jsonl:
        for element in elements:
            out.write(json.dumps(element.to_dict(), ensure_ascii=False) + "\n")
    elif format is LineFormat.text:
        for element in elements:
            out.write(f"{element.line:>6} {element.type:<14} {element.text}\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table("line", "type", "text", box=None)
        for element in elements:
            table.add_row(str(element.line), str(element.type), element.text.strip())
        Console().print(table)


def segment(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Screenplay: .fountain, .fdx, .html, .txt or .pdf.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the scene table: .parquet, .csv, .json or .jsonl.")] = None,
    target_runtime: Annotated[float | None, typer.Option(
        "--target-runtime", help="Scale scene durations so the film runs this many minutes.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite/--no-overwrite",
                                            help="Replace an existing output file.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the summary table.")] = False,
    input_format: FormatOption = None,
    max_mb: MaxMbOption = None,
) -> None:
    """Split a screenplay into scenes and print (or write) the scene table."""
    from rich.console import Console

    from scenescore.io import scenes_to_frame, write_table
    from scenescore.segment import segment_screenplay

    options: SegmentOptions = stage_options(
        ctx, "segment", target_runtime_s=target_runtime * 60 if target_runtime else None)
    screenplay = segment_screenplay(file, ingest=ingest_options(ctx, input_format, max_mb), options=options)
    err = Console(stderr=True)
    for warning in screenplay.warnings:
        err.print(f"[yellow]warning:[/] {warning}")
    if output is not None:
        write_table(scenes_to_frame(screenplay.scenes), output, overwrite=overwrite)
    if not quiet:
        _print_scene_table(screenplay, Console())
    if output is not None:
        err.print(f"wrote {len(screenplay.scenes)} scenes to {output}")


def _print_scene_table(screenplay, console) -> None:  # noqa: ANN001 - rich types imported lazily
    from rich import box
    from rich.table import Table

    total = sum(s.est_seconds for s in screenplay.scenes)
    eighths = sum(s.eighths for s in screenplay.scenes)
    title = (f"{screenplay.title or Path(screenplay.source).name}: {len(screenplay.scenes)} scenes, "
             f"{eighths // 8} {eighths % 8}/8 pages, ~{total / 60:.1f} min ({screenplay.format})")
    table = Table(title=title, header_style="bold", box=box.SIMPLE_HEAD)
    roomy = console.width >= 110
    columns = [("#", "right", 3, 3), ("no.", "right", 4, 5), ("heading", "left", 12, 44 if roomy else 26),
               ("timeline", "left", 9, 12), ("characters", "left", 8, 30 if roomy else 14),
               ("8ths", "right", 6, 6), ("est.", "right", 5, 5), ("lines", "right", 9, 11)]
    if not roomy:
        columns = [c for c in columns if c[0] not in ("no.", "lines")]
    for column, justify, low, high in columns:
        # Fixed widths: rich shrinks nothing to zero and long text ends in an ellipsis.
        table.add_column(column, justify=justify, no_wrap=True, min_width=low,  # type: ignore[arg-type]
                         max_width=high, overflow="ellipsis")
    for s in screenplay.scenes:
        timeline = str(s.timeline)
        style = {"present": "", "flashback": "magenta", "dream": "cyan", "flashforward": "blue",
                 "montage": "green", "intercut": "yellow"}.get(timeline, "")
        cells = {
            "#": str(s.scene_id), "no.": s.number or "", "heading": s.heading,
            "timeline": f"[{style}]{timeline}[/]" if style else timeline,
            "characters": ", ".join(s.characters),
            "8ths": f"{s.eighths // 8} {s.eighths % 8}/8" if s.eighths >= 8 else f"{s.eighths}/8",
            "est.": f"{s.est_seconds:.0f}s", "lines": f"{s.start_line}-{s.end_line}",
        }
        table.add_row(*(cells[c[0]] for c in columns))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``parse`` and ``segment`` to the main app."""
    app.command("parse")(parse)
    app.command("segment")(segment)
