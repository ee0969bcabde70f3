"""The stages of ``score`` as engine stages: what each computes, writes, and keys on.

Each adapter imports its stage lazily, so importing the pipeline stays cheap.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from scenescore.errors import InputError
from scenescore.io import sha256_file
from scenescore.options import ScoreOptions
from scenescore.pipeline.engine import Ahead, Emit, ProgressCallback, Run, RunResult, Stage, _plain
from scenescore.pipeline.inputs import resolve_input


@dataclass
class ScoreRequest:
    """Everything one ``score`` run needs; the CLI and ``batch`` build these."""

    script: str
    options: ScoreOptions = field(default_factory=ScoreOptions)
    stage_options: dict[str, Any] = field(default_factory=dict)


# ---- stages ------------------------------------------------------------------------------
def _opt(run: Run, table: str) -> Any:
    from scenescore.config import OPTION_TABLES

    value = run.stage_options.get(table)
    return value if value is not None else OPTION_TABLES[table]()


def _frame_bytes(frame: Any, suffix: str, nested: frozenset[str] | None = None) -> bytes:
    """A table as the bytes ``io.write_table`` writes (written here through ``emit``)."""
    from scenescore.io import NESTED_SCENE_COLUMNS, table_bytes

    return table_bytes(frame, suffix, nested=nested if nested is not None else NESTED_SCENE_COLUMNS)


def _segment(run: Run) -> Any:
    from scenescore.ingest import read_screenplay_bytes
    from scenescore.segment import segment_document

    document = read_screenplay_bytes(run.data, run.source, _opt(run, "ingest"))
    screenplay = segment_document(document, _opt(run, "segment"))
    if not screenplay.scenes:
        raise InputError(run.source, "no scenes found in the screenplay")
    return screenplay


def _segment_write(run: Run, screenplay: Any, emit: Emit) -> None:
    from scenescore.io import elements_to_jsonl

    emit("elements.jsonl", elements_to_jsonl(screenplay.elements).encode("utf-8"))
    emit.warnings.extend(screenplay.warnings)  # logged when found; kept for the report
    if "align" not in run.stages:  # with footage the scene table waits for the picture's times
        _write_scene_table(screenplay.scenes, emit)


def _segment_options(run: Run) -> Any:
    # Who writes the scene table is part of what segment writes.
    return {"ingest": _opt(run, "ingest"), "segment": _opt(run, "segment"),
            "scene_table": "align" not in run.stages}


def _write_scene_table(scenes: Any, emit: Emit) -> None:
    from scenescore.io import scenes_to_frame

    frame = scenes_to_frame(scenes)
    emit("scenes.parquet", _frame_bytes(frame, ".parquet"))
    emit("scenes.csv", _frame_bytes(frame, ".csv"))


def timed_scenes(run: Run) -> tuple[Any, ...]:
    """The scenes with the run's one clock: the picture's spans when aligned, else the estimate.
    Spot, translate, render's markers and the report all read their times from these."""
    scenes = run.value("segment").scenes
    if "align" not in run.stages:
        return scenes
    from scenescore.segment import place_scenes_in_time

    return place_scenes_in_time(scenes, run.value("align").spans)


def _analyze(run: Run) -> Any:
    from scenescore.memory import analyze_screenplay

    visual = None
    if "evidence" in run.stages:
        visual = {sid: (ev.visual_valence, ev.visual_arousal, ev.confidence)
                  for sid, ev in run.value("evidence").items() if ev.visual_valence is not None}
    return analyze_screenplay(run.value("segment").scenes, options=_opt(run, "analyze"),
                              memory=_opt(run, "memory"), visual=visual, style=run.options.style,
                              tags=_genre_tags(run))


def _genre_tags(run: Run) -> tuple[str, ...]:
    """An IMSDB script page's genre tags (its Writers/Genres footer), for the film's tone."""
    if not (run.source.startswith("imsdb:") or run.source.lower().endswith((".html", ".htm"))):
        return ()
    from scenescore.corpus.imsdb import script_page_genres

    return script_page_genres(run.data, run.source)


def _analyze_write(run: Run, analysis: Any, emit: Emit) -> None:
    from scenescore.emotion.table import NESTED_EMOTION_COLUMNS, emotions_to_frame

    frame = emotions_to_frame(analysis)
    emit("emotions.parquet", _frame_bytes(frame, ".parquet", NESTED_EMOTION_COLUMNS))
    emit("emotions.csv", _frame_bytes(frame, ".csv", NESTED_EMOTION_COLUMNS))
    arc = {
        "points": [dataclasses.asdict(p) for p in analysis.arc.points],
        "turning_points": [dataclasses.asdict(t) for t in analysis.arc.turning_points],
        "tone": analysis.tone.to_dict() if analysis.tone is not None else None,
    }
    emit("arc.json", (json.dumps(arc, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _align(run: Run) -> Any:
    from scenescore.align import align_screenplay

    return align_screenplay(run.value("segment"), run.options.video, subtitles=run.options.subtitles,
                            options=_opt(run, "align"))


def _align_options(run: Run) -> Any:
    """The footage and subtitles are inputs: their hashes are part of the stage's key."""
    return {"align": _opt(run, "align"), "video_sha256": _file_sha(run.options.video),
            "subtitles_sha256": _file_sha(run.options.subtitles)}


def _file_sha(path: str | None) -> str | None:
    if path is None:
        return None
    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file")
    return sha256_file(p)


def _align_write(run: Run, alignment: Any, emit: Emit) -> None:
    import tempfile

    from scenescore.align import write_alignment

    with tempfile.TemporaryDirectory() as tmp:
        for path in write_alignment(alignment, tmp, overwrite=True):
            emit(f"align/{Path(path).name}", Path(path).read_bytes())
    _write_scene_table(timed_scenes(run), emit)  # the scene table, in picture time


def _evidence(run: Run) -> Any:
    from scenescore.align import gather_evidence

    return gather_evidence(run.options.video, run.value("align"), options=_opt(run, "evidence"))


def _evidence_write(run: Run, evidence: Any, emit: Emit) -> None:
    rows = {str(sid): ev.to_dict() for sid, ev in sorted(evidence.items())}
    emit("align/evidence.json", (json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False, default=str)
                                 + "\n").encode("utf-8"))


def _wants_evidence(options: Any) -> bool:
    return bool(getattr(options, "caption_model", None) or getattr(options, "clip_model", None))


def _spot(run: Run) -> Any:
    from scenescore.session.stage import spot_session
    from scenescore.spotting import spot_cues

    spans = run.value("align").spans if "align" in run.stages else None
    scenes = timed_scenes(run)
    cues = spot_cues(scenes, run.value("analyze"), options=_spot_options(run), spans=spans)
    return spot_session(cues, scenes, run.folder, _session(run), analysis=run.value("analyze"), spans=spans,
                        options=_spot_options(run))


def _session(run: Run) -> Any:
    """The run's spotting-session edits (read once; their digest keys the spot stage)."""
    if "session" not in run._values:
        from scenescore.session.stage import session_inputs

        run._values["session"] = session_inputs(run.source, run.folder)
    return run._values["session"]


def _spot_key(run: Run) -> Any:
    """What keys the spot stage: its options, and the session's edits when there are any."""
    digest = _session(run).digest
    return _spot_options(run) if digest is None else {"spot": _spot_options(run), "edits": digest}


def _spot_options(run: Run) -> Any:
    """The spot options with the run's programme start (the spotting notes' first timecode)."""
    from scenescore.timecode import label_to_frame, parse_start

    options = _opt(run, "spot")
    frames = label_to_frame(parse_start(run.options.programme_start), Fraction(int(options.fps)), drop_frame=False)
    return dataclasses.replace(options, timecode_start_s=frames / int(options.fps))


def _spot_write(run: Run, cues: Any, emit: Emit) -> None:
    from scenescore.deliver.notes import spotting_notes_frame

    rows = [cue.to_dict() for cue in cues]
    emit("cues.json", (json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    frame = spotting_notes_frame(cues, options=_spot_options(run))
    emit("cues.csv", _frame_bytes(frame, ".csv", frozenset()))
    from scenescore.session.stage import spot_files

    for rel, data in spot_files(cues, timed_scenes(run)).items():
        emit(rel, data)


def _translate_options(run: Run) -> Any:
    options = _opt(run, "translate")
    if run.options.style and not options.style:
        options = dataclasses.replace(options, style=run.options.style)
    return options


def _translate(run: Run) -> Any:
    from scenescore.conditions.translate import translate_cues

    evidence = None
    if "evidence" in run.stages:
        from scenescore.align import evidence_for_prompt

        evidence = evidence_for_prompt(run.value("evidence"))
    translation = translate_cues(run.value("spot"), timed_scenes(run), run.value("analyze"),
                                 options=_translate_options(run), evidence=evidence)
    from scenescore.session.stage import translate_session, with_conditions

    session = translate_session(run.value("spot"), translation.conditions, timed_scenes(run))
    run._values["session_files"] = session.files
    return with_conditions(translation, session.conditions)


def _translate_write(run: Run, translation: Any, emit: Emit) -> None:
    from scenescore.conditions.translate import conditions_to_jsonl
    from scenescore.deliver.notes import spotting_notes_frame

    emit("conditions.jsonl", conditions_to_jsonl(translation.conditions).encode("utf-8"))
    emit.degraded = translation_degraded(translation)
    # The spotting notes again, now with each cue's palette and themes: what a music editor reads.
    frame = spotting_notes_frame(run.value("spot"), translation.conditions, options=_spot_options(run))
    emit("spotting_notes.csv", _frame_bytes(frame, ".csv", frozenset()))
    reports = [r.to_dict() for r in translation.reports]
    emit("translate_report.json", (json.dumps({"cues": reports, "usage": _plain(translation.usage),
                                               "palette": translation.palette.to_dict()},
                                              indent=1, sort_keys=True, default=str) + "\n").encode("utf-8"))
    from scenescore.conditions.keyplan_record import key_plan_record

    emit("key_plan.json", (json.dumps(key_plan_record(translation.conditions, translation.palette),
                                      indent=1, sort_keys=True) + "\n").encode("utf-8"))
    for rel, data in run._values.get("session_files", {}).items():
        emit(rel, data)


def translation_degraded(translation: Any) -> str | None:
    """Why a translation is worse than asked for: cues whose model answer was replaced by the
    rules (the rules backend itself, asked for, is not a degradation)."""
    fallbacks = [r for r in translation.reports if r.status == "fallback"]
    if not fallbacks:
        return None
    first = next((r.note for r in fallbacks if r.note), "")
    return (f"{len(fallbacks)} of {len(translation.reports)} cues fell back to the rules"
            + (f" ({first[:200]})" if first else ""))


def _translate_load(run: Run) -> Any:
    from scenescore.conditions.translate import read_conditions

    return _Loaded(conditions=read_conditions(run.folder / "conditions.jsonl"))


def _render_options(run: Run) -> Any:
    from scenescore.timecode import parse_start

    options = _opt(run, "render")
    start = parse_start(run.options.programme_start)  # one programme start for every deliverable
    if options.midi.programme_start != start:
        options = dataclasses.replace(options, midi=dataclasses.replace(options.midi, programme_start=start))
    if options.sketch.seed != run.options.seed:
        options = dataclasses.replace(options, sketch=dataclasses.replace(options.sketch, seed=run.options.seed))
    if "align" in run.stages:  # picture time: the MIDI SMPTE offsets use the footage's frame rate
        from scenescore.align.media import probe_video

        fps = float(probe_video(run.options.video).frame_rate)
        options = dataclasses.replace(options, midi=dataclasses.replace(options.midi, fps=round(fps, 3)))
    return options


def _render_previous(run: Run) -> Any:
    """The files the last complete render recorded (read before the stage's record is dropped):
    what the incremental render may reuse without reading them back."""
    record = run.manifest.get("stages", {}).get("render") or {}
    if record.get("status") != "done":
        return None
    sizes = record.get("sizes", {})
    return {rel: [digest, sizes.get(rel)] for rel, digest in record.get("outputs", {}).items()}


def _render_stage_options(run: Run) -> Any:
    """Render's options, with the themes a spotting session pins (when it pins any)."""
    from scenescore.session.stage import pinned_motifs

    motifs = {k: [list(v[0]), list(v[1])] for k, v in sorted(pinned_motifs(_session(run)).items())}
    return {"render": _render_options(run), "motifs": motifs} if motifs else _render_options(run)


def _render_write(run: Run, trusted: Any, emit: Emit) -> None:
    from scenescore.render.incremental import read_state, render_film_incremental, state_bytes
    from scenescore.render.themes import ThemeBook
    from scenescore.session.stage import locked_cues, pinned_motifs

    cues = run.value("spot")
    conditions = run.value("translate").conditions
    by_id = {c.cue_id: c for c in cues}
    starts = [by_id[c.cue_id].start_s for c in conditions]
    # Scene markers on the same clock as the cues: the picture's when aligned.
    markers = [(float(scene.start_s), f"sc. {scene.scene_id} {scene.heading}".strip())
               for scene in timed_scenes(run)]
    title = run.value("segment").title or run.folder.name
    from scenescore.render.drama import cue_maps  # what each cue plays against (cue_maps.json)

    maps = cue_maps([by_id[c.cue_id] for c in conditions], timed_scenes(run), run.value("analyze"),
                    elements=run.value("segment").elements)
    # Only the cues whose condition or notes changed are rendered again (render/incremental.py).
    options = _render_options(run)
    book = ThemeBook(seed=options.sketch.seed, pinned=pinned_motifs(_session(run)))
    result = render_film_incremental(conditions, starts, run.folder, options=options, scenes=markers, title=title,
                                     themes=book, previous=read_state(run.folder), trusted=trusted,
                                     frozen=locked_cues(cues), maps=maps, on_cue=run.on_cue)
    rendered = result.film
    emit("render_state.json", state_bytes(result.state))
    def rel(path: Any) -> str | None:
        return None if path is None else Path(path).resolve().relative_to(run.folder.resolve()).as_posix()

    paths = [rendered.midi, rendered.themes, rendered.temp_track, rendered.cue_maps]
    for cue in rendered.cues:
        paths += [cue.midi, cue.musicxml, cue.audio]
    for path in paths:
        if path is not None:
            emit.record(rel(path))
    if rendered.degraded:
        emit.degraded = "; ".join(rendered.degraded)[:500]
    # What each file is, for deliver and the report: they read names here, never re-derive them.
    emit.files = {
        "midi": rel(rendered.midi), "themes": rel(rendered.themes), "temp_track": rel(rendered.temp_track),
        "cue_maps": rel(rendered.cue_maps),
        "cues": {cue.cue_id: {"midi": rel(cue.midi), "musicxml": rel(cue.musicxml), "audio": rel(cue.audio)}
                 for cue in rendered.cues},
    }


def _deliver_options(run: Run) -> Any:
    """The report states which stages degraded: a change there is a change of what deliver writes."""
    stages = run.manifest.get("stages", {})
    return {"degraded": {name: stages[name].get("degraded") for name in run.stages["deliver"].reads
                         if stages.get(name, {}).get("status") == "degraded"},
            "programme_start": run.options.programme_start}


def _deliver_write(run: Run, _value: Any, emit: Emit) -> None:
    import pandas as pd

    from scenescore.deliver import CUE_SHEET_COLUMNS, cue_sheet_rows

    title = run.value("segment").title or run.folder.name
    rows = cue_sheet_rows(run.value("spot"), run.value("translate").conditions, production=title,
                          fps=_opt(run, "spot").fps, start=run.options.programme_start)
    emit("cue_sheet.csv", _frame_bytes(pd.DataFrame(rows, columns=list(CUE_SHEET_COLUMNS)), ".csv", frozenset()))
    from scenescore.report import read_run_view, render_page
    from scenescore.report.png import arc_plot_data, draw_arc

    view = read_run_view(run.folder)  # once, for the page and the PNG
    emit("report.html", render_page(view).encode("utf-8"))
    arc = arc_plot_data(view)
    helper = run.ahead.get("deliver")  # the PNG drawn while the film rendered, if it is this one
    png = helper.take(arc) if helper is not None else None
    emit("arc.png", png if png is not None else draw_arc(arc))
    from scenescore.report import render_files

    temp_rel = render_files(run.manifest).get("temp_track")
    temp = run.folder / temp_rel if temp_rel else None
    if run.options.video and temp is not None and temp.is_file():
        from scenescore.align import mux_audio

        suffix = Path(run.options.video).suffix.lower()
        rel = f"review/{run.folder.name}_temp_score{suffix if suffix in ('.mp4', '.mov', '.mkv') else '.mp4'}"
        mux_audio(run.options.video, temp, run.folder / rel, overwrite=True)
        emit.record(rel)


def _soundfont_start(run: Run) -> Any:
    audio = _opt(run, "render").audio
    if audio.backend != "fluidsynth":
        return None
    from scenescore.render.fluidsynth import SoundFontPreload

    return SoundFontPreload(audio)


#: FluidSynth loads the SoundFont in a thread while the stages before the render run, so the
#: render's synthesizers find its samples cached (render/fluidsynth.py).
_SOUNDFONT_AHEAD = Ahead(after=(), start=_soundfont_start, go=lambda run, handle: None)


def _arc_plot_start(run: Run) -> Any:
    from scenescore.report.ahead import ArcPlotAhead

    return ArcPlotAhead.start()


def _arc_plot_go(run: Run, helper: Any) -> None:
    helper.draw(run.folder)


#: Deliver's arc PNG needs only the scene table, the emotions, the cues and the title: a helper
#: process draws it once spot is done, beside the render (report/ahead.py).
_ARC_PLOT_AHEAD = Ahead(after=("segment", "align", "analyze", "spot"), start=_arc_plot_start, go=_arc_plot_go)


@dataclass
class _Loaded:
    """A stage result read back from the run folder (only what later stages use)."""

    conditions: list[Any]


#: The shipped data files (globs under ``scenescore/data/``, ``*`` crossing folders) each stage
#: reads: their sha256 are part of its key, so a new lexicon or model re-runs it. Ship a stage's
#: files under its package's name (``emotion/…``, ``segment_…``) or add the glob here; a file no
#: glob claims re-runs every stage when it changes.
STAGE_DATA: dict[str, tuple[str, ...]] = {
    "segment": ("ingest*", "segment*", "line*"),  # line*: the line-typing model (issue 17's line_crf)
    "align": ("align*",),
    "evidence": ("evidence*", "clip*"),
    "analyze": ("affect_lexicon.tsv", "emotion*", "memory*"),
    "spot": ("spot*",),
    "translate": ("conditions*", "translate*"),
    "render": ("render*", "sketch*", "themes*"),
    "deliver": ("report*", "deliver*"),
}


#: The package's source files each stage runs (globs under ``scenescore/``): their digest is part
#: of its key. Every stage also runs the shared modules and its adapter here.
_SHARED_SOURCE = ("records.py", "options.py", "io.py", "errors.py", "timecode.py", "circumplex.py",
                  "pipeline/stages.py")
STAGE_SOURCE: dict[str, tuple[str, ...]] = {
    "segment": ("ingest/*", "segment/*"),
    "align": ("align/*",),
    "evidence": ("align/*",),
    "analyze": ("emotion/*", "memory/*"),
    "spot": ("spotting/*", "memory/*", "deliver/notes.py"),
    "translate": ("conditions/*", "deliver/notes.py"),
    "render": ("render/*",),
    "deliver": ("deliver/*", "report/*"),
}


def default_stages(options: ScoreOptions | None = None, evidence: bool = False) -> list[Stage]:
    """The stages of ``score``, in order (``align`` only with footage, ``evidence`` only when a
    caption or CLIP model is configured too)."""
    video = bool(options and options.video)
    evidence = video and evidence
    picture = ("align",) if video else ()
    stages = [
        Stage("segment", "1", (), _segment, _segment_write,
              options=_segment_options),
        Stage("analyze", "1", ("segment", *(("evidence",) if evidence else ())), _analyze, _analyze_write,
              options=lambda run: {"analyze": _opt(run, "analyze"), "memory": _opt(run, "memory"),
                                   "style": run.options.style}),
        Stage("spot", "1", ("segment", "analyze", *picture), _spot, _spot_write,
              options=_spot_key),
        Stage("translate", "1", ("segment", "analyze", "spot", *(("evidence",) if evidence else ())),
              _translate, _translate_write,
              options=_translate_options, load=_translate_load),
        Stage("render", "2", ("segment", "analyze", "spot", "translate"), _render_previous, _render_write,
              options=_render_stage_options, ahead=_SOUNDFONT_AHEAD),
        Stage("deliver", "1", ("segment", "analyze", "spot", "translate", "render", *picture), lambda run: None,
              _deliver_write, options=_deliver_options, ahead=_ARC_PLOT_AHEAD),
    ]
    if video:
        stages.insert(1, Stage("align", "1", ("segment",), _align, _align_write, options=_align_options))
    if evidence:
        stages.insert(2, Stage("evidence", "1", ("align",), _evidence, _evidence_write,
                               options=lambda run: _opt(run, "evidence")))
    for stage in stages:
        stage.data = STAGE_DATA.get(stage.name, ())
        stage.source = (*_SHARED_SOURCE, *STAGE_SOURCE.get(stage.name, ()))
    return stages


def score(script: str | os.PathLike[str], *, options: ScoreOptions | None = None,
          stage_options: dict[str, Any] | None = None, corpus: str | None = None,
          progress: ProgressCallback | None = None, on_cue: Callable[[Any], None] | None = None) -> RunResult:
    """Score one film into ``options.out/<name>/`` (see the module docstring)."""
    options = options or ScoreOptions()
    stage_options = dict(stage_options or {})
    ingest = stage_options.get("ingest")
    source, data, name = resolve_input(script, corpus=corpus, max_bytes=getattr(ingest, "max_bytes", None),
                                       crawl=stage_options.get("corpus"))
    folder = Path(options.out) / (options.name or name)
    stages = default_stages(options, evidence=_wants_evidence(stage_options.get("evidence")))
    run = Run(source, data, folder, stages, options, stage_options, progress, on_cue)
    run.manifest["timing"] = timing_record(options)
    return run.run()


def timing_record(options: ScoreOptions) -> dict[str, str]:
    """The run's clock as the manifest states it (what the report shows next to the timecodes)."""
    from scenescore.timecode import parse_start

    h, m, s, f = parse_start(options.programme_start)
    return {"programme_start": f"{h:02d}:{m:02d}:{s:02d}:{f:02d}",
            "basis": "picture" if options.video else "estimated"}
