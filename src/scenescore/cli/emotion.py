"""The ``analyze`` and ``analyze-text`` commands: each scene's emotion and the context memory.

Thin: each command builds the analyze and memory options (defaults, ``--config``, flags) and
calls one library function. Library errors propagate to :func:`scenescore.cli.main`, which
prints one line and exits 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from scenescore.cli.common import read_scenes, stage_options
from scenescore.emotion.backends import BACKENDS
from scenescore.emotion.options import AnalyzeOptions, MemoryOptions

_ANALYZE = AnalyzeOptions()
_MEMORY = MemoryOptions()

BackendOption = Annotated[str | None, typer.Option(
    "--backend", "-b", help=f"Emotion backend: {', '.join(BACKENDS)} (default {_ANALYZE.backend}; "
                         "transformers and llm need a model or a server).")]
ModelOption = Annotated[str | None, typer.Option(
    "--model", help="transformers backend: local model folder or a model id in the HF cache.")]
BaseUrlOption = Annotated[str | None, typer.Option(
    "--base-url", help="llm backend: OpenAI-compatible endpoint (default: api.openai.com).")]
LLMModelOption = Annotated[str | None, typer.Option(
    "--llm-model", help=f"llm backend: model name (default {_ANALYZE.llm.model}).")]


def _analyze_options(ctx: typer.Context, backend: str | None, model: str | None,
                     base_url: str | None, llm_model: str | None) -> Any:
    return stage_options(ctx, "analyze", {"backend": backend, "transformers.model": model,
                                          "llm.base_url": base_url, "llm.model": llm_model})


def analyze(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(
        help="Scene table (.parquet, .csv, .json, .jsonl) or screenplay (.fountain, .fdx, .html, .txt, .pdf).")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the emotions table: .parquet, .csv, .json or .jsonl.")] = None,
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    llm_model: LLMModelOption = None,
    memory: Annotated[bool | None, typer.Option(
        "--memory/--no-memory",
        help=f"Blend each scene with what came before (context memory; default {'on' if _MEMORY.enabled else 'off'}).",
        show_default=False)] = None,
    carry: Annotated[float | None, typer.Option(
        "--carry", min=0.0, max=1.0,
        help=f"Share of the previous context kept per scene (default {_MEMORY.carry}).")] = None,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite/--no-overwrite", help="Replace an existing output file.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the summary table.")] = False,
) -> None:
    """Score each scene's emotion and carry a context memory across the film."""
    from rich.console import Console
    from rich.progress import Progress

    from scenescore.emotion import analyze_screenplay, write_emotions

    scenes = read_scenes(ctx, source)
    options = _analyze_options(ctx, backend, model, base_url, llm_model)
    memory_options = stage_options(ctx, "memory", enabled=memory, carry=carry)
    err = Console(stderr=True)
    with Progress(console=err, transient=True, disable=quiet) as progress:
        task = progress.add_task(f"analyzing ({options.backend})", total=len(scenes))
        analysis = analyze_screenplay(
            scenes, options=options, memory=memory_options,
            progress=lambda done, total: progress.update(task, completed=done, total=total))
    if output is not None:
        write_emotions(analysis, output, overwrite=overwrite)
    if not quiet:
        _print_analysis(analysis, Console())
    if output is not None:
        err.print(f"wrote {len(analysis.emotions)} scene emotions to {output}")


def _print_analysis(analysis, console) -> None:  # noqa: ANN001 - rich types imported lazily
    from rich.table import Table

    table = Table(title=f"emotion ({analysis.backend}), context memory", header_style="bold")
    for column, justify in (("#", "right"), ("timeline", "left"), ("val", "right"), ("aro", "right"),
                            ("ctx val", "right"), ("ctx aro", "right"), ("mood", "left"),
                            ("emotion", "left"), ("memory", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    turns = {t.scene_id: t for t in analysis.arc.turning_points}
    for e, s in zip(analysis.emotions, analysis.states, strict=True):
        turn = turns.get(e.scene_id)
        source = s.inherited_from if s.event != "return" else s.restored_from
        table.add_row(
            str(e.scene_id) + (" *" if turn else ""), e.timeline,
            f"{e.valence:+.2f}", f"{e.arousal:+.2f}", f"{s.valence:+.2f}", f"{s.arousal:+.2f}",
            s.mood, e.top_emotion or "", s.event + (f" <{source}" if source is not None else ""),
        )
    console.print(table)
    tone = getattr(analysis, "tone", None)
    if tone is not None:
        console.print(f"film tone: {tone.genre} ({tone.source}; {tone.mode} modes): " + "; ".join(tone.evidence))
    if analysis.arc.turning_points:
        console.print("turning points (*): " + ", ".join(
            f"scene {t.scene_id} {t.direction} ({t.magnitude:.2f})" for t in analysis.arc.turning_points))


def analyze_text(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Text file, one text per line ('-' reads stdin).")],
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    llm_model: LLMModelOption = None,
) -> None:
    """Score each line of a text file; print one JSON object per input line, in order."""
    from scenescore.emotion import analyze_texts

    if str(file) == "-":
        text = sys.stdin.read()
    else:
        from scenescore.io import read_input_bytes

        max_bytes = stage_options(ctx, "ingest").max_bytes
        text = read_input_bytes(file, max_bytes=max_bytes).decode("utf-8", errors="replace")
    lines = text.splitlines()
    results = analyze_texts(lines, options=_analyze_options(ctx, backend, model, base_url, llm_model))
    out = sys.stdout
    for result in results:
        out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")


def register(app: typer.Typer) -> None:
    """Add ``analyze`` and ``analyze-text`` to the main app."""
    app.command("analyze")(analyze)
    app.command("analyze-text")(analyze_text)
