"""The ``render`` and ``sketch`` commands: music conditions to MIDI, MusicXML and audio.

Thin: each command parses its arguments, builds :class:`RenderOptions` and calls one library
function. Only typer is imported at module level; the render stage (numpy, mido,
FluidSynth, torch) loads when a command runs. Library errors propagate to
:func:`scenescore.cli.main`, which prints one line and exits 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scenescore.cli.common import stage_options


def _options(ctx: typer.Context, *, seed: int | None = None, fps: float | None = None,
             audio: str | None = None, soundfont: Path | None = None, model: str | None = None,
             device: str | None = None, workers: int | None = None, musicxml: bool | None = None,
             temp_track: bool | None = None, overwrite: bool | None = None,
             allow_download: bool = False):  # noqa: ANN202 - RenderOptions, imported lazily
    """The profile's ``[render]`` options under the flags given (``None``: not given)."""
    return stage_options(ctx, "render", {
        "sketch.seed": seed, "midi.fps": fps, "audio.backend": audio,
        "audio.fluidsynth.soundfont": str(soundfont) if soundfont else None,
        "audio.fluidsynth.workers": workers, "audio.musicgen.model": model,
        "audio.musicgen.device": device,
        "audio.musicgen.local_files_only": False if allow_download else None,
        "audio.temp_track": temp_track, "musicxml": musicxml, "overwrite": overwrite})


def _read_conditions(path: Path) -> tuple[list, list[float | None]]:  # noqa: ANN001
    """Conditions from JSONL (one per line; an optional ``start_s`` key beside the fields)."""
    from pydantic import ValidationError

    from scenescore.conditions.schema import MusicCondition
    from scenescore.errors import InputError
    from scenescore.io import read_input_bytes

    conditions, starts = [], []
    text = read_input_bytes(path, max_bytes=64 * 1024 * 1024).decode("utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            start = record.pop("start_s", None) if isinstance(record, dict) else None
            conditions.append(MusicCondition.model_validate(record))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise InputError(path, f"line {number}: not a music condition ({first})") from None
        starts.append(float(start) if start is not None else None)
    if not conditions:
        raise InputError(path, "no conditions")
    return conditions, starts


def _read_starts(path: Path) -> dict[str, float]:
    """Cue starts from spotting notes (CSV with ``cue_id``/``cue`` and ``start_s``/``start``)."""
    import csv
    import io

    from scenescore.errors import InputError
    from scenescore.io import read_input_bytes

    rows = list(csv.DictReader(io.StringIO(read_input_bytes(path, max_bytes=16 * 1024 * 1024).decode("utf-8"))))
    if not rows:
        raise InputError(path, "no cues")
    cue_col = next((c for c in ("cue_id", "cue") if c in rows[0]), None)
    start_col = next((c for c in ("start_s", "start") if c in rows[0]), None)
    if cue_col is None or start_col is None:
        raise InputError(path, f"needs columns cue_id (or cue) and start_s (or start); has {', '.join(rows[0])}")
    try:
        return {r[cue_col]: float(r[start_col]) for r in rows}
    except ValueError as exc:
        raise InputError(path, f"a start is not a number of seconds ({exc})") from None


def render(
    ctx: typer.Context,
    conditions_file: Annotated[Path, typer.Argument(
        help="Music conditions, one JSON object per line (conditions.jsonl); a start_s key is allowed.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for midi/, xml/, audio/ and themes.json.")],
    cues: Annotated[Path | None, typer.Option(
        "--cues", help="Spotting notes CSV with cue_id and start_s (default: start_s in the JSONL, else "
                       "cues back to back with a crossfade's gap).")] = None,
    audio: Annotated[str | None, typer.Option(
        "--audio", help="Audio backend: fluidsynth (default), musicgen or none.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the sketches (same seed, same MIDI).")] = None,
    fps: Annotated[float | None, typer.Option(
        "--fps", help="SMPTE frame rate: 23.976, 24, 25, 29.97 (drop frame) or 30.")] = None,
    title: Annotated[str, typer.Option("--title", help="Name of the whole-film MIDI's first track.")] = "film",
    soundfont: Annotated[Path | None, typer.Option(
        "--soundfont", help="General MIDI .sf2 for FluidSynth (default: the OS package's).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", help="Parallel FluidSynth processes (0: every CPU).")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", help="MusicGen model id in the HF cache or a local folder.")] = None,
    device: Annotated[str | None, typer.Option("--device", help="MusicGen device: auto, cuda or cpu.")] = None,
    allow_download: Annotated[bool, typer.Option(
        "--allow-download", help="Let MusicGen fetch weights from the Hugging Face Hub.")] = False,
    xml: Annotated[bool | None, typer.Option(
        "--xml/--no-xml", help="Write MusicXML per cue (default: yes).", show_default=False)] = None,
    temp_track: Annotated[bool | None, typer.Option(
        "--temp-track/--no-temp-track", help="Write the whole-film temp track (default: yes).",
        show_default=False)] = None,
    overwrite: Annotated[bool | None, typer.Option(
        "--overwrite/--no-overwrite", help="Replace existing files (default: yes).", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or summary.")] = False,
) -> None:
    """Render music conditions to MIDI sketches, MusicXML and audio, with a whole-film temp track."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from scenescore.render.film import render_film

    conditions, inline = _read_conditions(conditions_file)
    options = _options(ctx, seed=seed, fps=fps, audio=audio, soundfont=soundfont, model=model,
                       device=device, workers=workers, musicxml=xml, temp_track=temp_track,
                       overwrite=overwrite, allow_download=allow_download)
    if cues is not None:
        table = _read_starts(cues)
        missing = [c.cue_id for c in conditions if c.cue_id not in table]
        if missing:
            from scenescore.errors import InputError

            raise InputError(cues, f"no start for {', '.join(missing[:5])}")
        starts = [table[c.cue_id] for c in conditions]
    elif all(s is not None for s in inline):
        starts = [float(s) for s in inline]  # type: ignore[arg-type]
    else:
        starts, t = [], 0.0
        for c in conditions:
            starts.append(t)
            t += c.duration_s + options.audio.crossfade_s
    err = Console(stderr=True)
    labels = {"sketch": "sketching", "musicxml": "MusicXML", "audio": f"audio ({options.audio.backend})"}
    with Progress(TextColumn("{task.description:<18}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=quiet) as progress:
        tasks: dict[str, int] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(labels.get(stage, stage), total=total)
            progress.update(tasks[stage], completed=done, total=total)

        film = render_film(conditions, starts, out, options=options, title=title, progress=report)
    if quiet:
        return
    from rich.table import Table

    table = Table(title=f"{len(film.cues)} cues rendered to {out}", header_style="bold")
    for column in ("cue", "start", "dur.", "key", "tempo", "themes", "audio"):
        table.add_column(column)
    by_id = {c.cue_id: c for c in conditions}
    for cue in film.cues:
        c = by_id[cue.cue_id]
        table.add_row(cue.cue_id, cue.timecode, f"{cue.duration_s:.0f}s", f"{c.key} {c.mode} {c.meter}",
                      f"{c.tempo_bpm:g}", ", ".join(f"{t.motif} {t.transformation.replace('_', ' ')}" for t in c.themes)
                      or "-", cue.audio.name if cue.audio else "-")
    Console().print(table)
    err.print(f"whole film: {film.midi}" + (f", {film.temp_track}" if film.temp_track else "") + f"; themes: {film.themes}")


def sketch(
    ctx: typer.Context,
    valence: Annotated[float, typer.Option("--valence", min=-1.0, max=1.0, help="Valence, -1 (negative) to 1.")],
    arousal: Annotated[float, typer.Option("--arousal", min=-1.0, max=1.0, help="Arousal, -1 (calm) to 1 (excited).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Write .mid (or .musicxml).")],
    seconds: Annotated[float, typer.Option("--seconds", min=1.0, max=3600.0, help="Length of the sketch.")] = 30.0,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed (same seed, same MIDI).")] = None,
    theme: Annotated[str | None, typer.Option(
        "--theme", help="State a character theme in the sketch (a character's name).")] = None,
    overwrite: Annotated[bool | None, typer.Option(
        "--overwrite/--no-overwrite", help="Replace an existing file (default: yes).", show_default=False)] = None,
) -> None:
    """Render one sketch from a valence/arousal pair (for auditioning and evaluation)."""
    from rich.console import Console

    from scenescore.conditions.schema import ThemeUse
    from scenescore.render.film import write_sketch
    from scenescore.render.mapping import condition_from_va

    options = _options(ctx, seed=seed, overwrite=overwrite)
    themes = []
    if theme:
        slug = "".join(ch for ch in theme.upper() if ch.isalnum())[:12] or "THEME"
        themes = [ThemeUse(character=theme, character_id=slug.lower(), motif=f"{slug}-A", transformation="statement")]
    condition = condition_from_va(valence, arousal, seconds=seconds, seed=options.sketch.seed, themes=themes)
    path = write_sketch(condition, output, options=options, overwrite=options.overwrite)
    Console(stderr=True).print(
        f"wrote {path}: {condition.key} {condition.mode}, {condition.meter}, {condition.tempo_bpm:g} bpm, "
        f"{condition.dynamics}, {condition.articulation}, {seconds:g} s")


def register(app: typer.Typer) -> None:
    """Add ``render`` and ``sketch`` to the main app."""
    app.command(name="render")(render)
    app.command(name="sketch")(sketch)
