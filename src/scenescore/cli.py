"""The ``scenescore`` command: a thin typer layer over the library.

Each command parses its arguments, builds an options object and calls one public function by
keyword. Errors of the library become one line on stderr and exit code 1 (``--debug``
re-raises them with the traceback).
"""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from scenescore import __version__
from scenescore.errors import ScenescoreError
from scenescore.options import IngestOptions, ScoreOptions, SegmentOptions

app = typer.Typer(
    name="scenescore",
    help="Draft film music from a screenplay.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_STATE: dict = {"debug": False, "config": {}}
_DEFAULT_INGEST = IngestOptions()
_DEFAULT_SCORE = ScoreOptions()


class LineFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"
    text = "text"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scenescore {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="TOML profile with a table per stage (see configs/default.toml).")] = None,
) -> None:
    """Draft film music from a screenplay."""
    _STATE["debug"] = debug
    _STATE["config"] = {}
    if config is not None:
        from scenescore.config import check_config, read_config

        try:
            _STATE["config"] = read_config(config)
            check_config(_STATE["config"])
        except ScenescoreError as exc:
            if debug:
                raise
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def _stage_options(table: str, **flags: object):  # noqa: ANN202 - the stage's options class
    """Defaults, then the --config profile, then flags the user gave (None means not given)."""
    from dataclasses import replace

    from scenescore.config import options_from_config

    options = options_from_config(_STATE["config"], table)
    given = {k: v for k, v in flags.items() if v is not None}
    return replace(options, **given) if given else options


def _ingest_options(fmt: str | None, max_mb: float | None) -> IngestOptions:
    return _stage_options("ingest", format=fmt,
                          max_bytes=int(max_mb * 1024 * 1024) if max_mb else None)


FormatOption = Annotated[str | None, typer.Option(
    "--input-format", help="Force the reader: fountain, fdx, html, text, pdf (default: detect).")]
MaxMbOption = Annotated[float | None, typer.Option(
    "--max-mb", help=f"Refuse inputs over this size (default {_DEFAULT_INGEST.max_bytes // 2**20} MB).")]


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="Screenplay: .fountain, .fdx, .html, .txt or .pdf.")],
    format: Annotated[LineFormat, typer.Option("--format", "-f", help="Output format.")] = LineFormat.jsonl,
    input_format: FormatOption = None,
    max_mb: MaxMbOption = None,
) -> None:
    """Type every line of a screenplay (one JSON object per line of the normalized text)."""
    from scenescore.segment import parse_screenplay

    elements = parse_screenplay(file, ingest=_ingest_options(input_format, max_mb))
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


@app.command()
def segment(
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

    options: SegmentOptions = _stage_options(
        "segment", target_runtime_s=target_runtime * 60 if target_runtime else None)
    screenplay = segment_screenplay(file, ingest=_ingest_options(input_format, max_mb), options=options)
    err = Console(stderr=True)
    for warning in screenplay.warnings:
        err.print(f"[yellow]warning:[/] {warning}")
    if output is not None:
        write_table(scenes_to_frame(screenplay.scenes), output, overwrite=overwrite)
    if not quiet:
        _print_scene_table(screenplay, Console())
    if output is not None:
        err.print(f"wrote {len(screenplay.scenes)} scenes to {output}")


@app.command()
def score(
    script: Annotated[str, typer.Argument(help="Screenplay file (.fountain, .fdx, .html, .txt, .pdf) or an IMSDB title.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Parent folder of run folders.")] = Path(_DEFAULT_SCORE.out),
    name: Annotated[str | None, typer.Option("--name", help="Run folder name (default: from the script).")] = None,
    style: Annotated[str | None, typer.Option(
        "--style", help='Film-level brief, e.g. "sparse piano and strings, 1970s thriller".')] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed for everything random.")] = _DEFAULT_SCORE.seed,
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not print the cue table.")] = False,
    input_format: FormatOption = None,
    max_mb: MaxMbOption = None,
) -> None:
    """Score a film: every stage into one resumable run folder (see docs/architecture.md)."""
    from rich.console import Console

    from scenescore.pipeline import ScoreOptions
    from scenescore.pipeline import score as run_score

    options = ScoreOptions(out=str(out), name=name, style=style, seed=seed, start=start, stop=stop,
                           force=force, video=str(video) if video else None,
                           subtitles=str(subtitles) if subtitles else None)
    stage_options = _all_stage_options(ingest=_ingest_options(input_format, max_mb))
    if llm is not None:
        from dataclasses import replace

        backend, _, model = llm.partition(":")
        translate = stage_options["translate"]
        stage_options["translate"] = replace(translate, backend=backend.strip().lower(),  # type: ignore[type-var]
                                             model=model.strip() or translate.model)  # type: ignore[attr-defined]
    if audio is not None:
        from dataclasses import replace

        render = stage_options["render"]
        stage_options["render"] = replace(render, audio=replace(render.audio, backend=audio))  # type: ignore[attr-defined]
    err = Console(stderr=True)
    with err.status("scoring") as status:
        def progress(stage: str, state: str) -> None:
            if state == "start":
                status.update(f"[bold]{stage}[/] …")
            else:
                err.print(f"  {stage:<10} {state}")

        result = run_score(script, options=options, stage_options=stage_options,
                           corpus=str(corpus) if corpus else None, progress=progress)
    took = sum(result.seconds.values())
    if not quiet:
        _print_cue_summary(result.folder, Console())
    err.print(f"[green]done[/] in {took:.1f}s: {result.folder}")
    for name, what in (("report.html", "report"), ("audio/temp_score.wav", "temp score"),
                       ("midi/score.mid", "film MIDI")):
        if (result.folder / name).exists():
            err.print(f"  {what:<11} {result.folder / name}")


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


def _all_stage_options(**given: object) -> dict[str, object]:
    """Every registered stage's options from the --config profile, with ``given`` on top."""
    from scenescore.config import OPTION_TABLES

    out: dict[str, object] = {table: _stage_options(table) for table in OPTION_TABLES}
    out.update({k: v for k, v in given.items() if v is not None})
    return out


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


from scenescore.cli_corpus import corpus_app  # noqa: E402 - sub-apps are registered here

app.add_typer(corpus_app, name="corpus")
from scenescore.cli_emotion import register as _register_emotion  # noqa: E402

_register_emotion(app)
from scenescore.cli_translate import register as _register_translate  # noqa: E402

_register_translate(app)
from scenescore.cli_render import register as _register_render  # noqa: E402

_register_render(app)

from scenescore.cli_batch import register as _register_batch  # noqa: E402

_register_batch(app)

from scenescore.cli_align import register as _register_align  # noqa: E402

_register_align(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app and turn library errors into one line and exit 1.

    Usage errors, ``--help`` and ``--version`` are click's (standalone mode); any other
    unexpected error also ends in one line and exit 1 unless ``--debug`` is given.
    """
    try:
        app(args=argv, prog_name="scenescore")
    except ScenescoreError as exc:
        if _STATE["debug"]:
            raise
        typer.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if _STATE["debug"]:
            raise
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)",
                   err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
