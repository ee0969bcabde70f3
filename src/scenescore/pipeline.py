"""``score``: every stage from screenplay to temp score, into one resumable run folder.

A run folder holds ``manifest.json`` (input hashes, options, versions, and per stage its key,
status and the sha256 of each file it wrote) next to the stage outputs. A stage's key is a
hash of its own options, its code version and the keys of the stages it reads, so:

* a stage whose key is unchanged and whose files are all present and intact is skipped;
* changing one option changes that stage's key and the keys of the stages after it, and only
  those run again;
* files are written atomically and a stage is recorded only after all its files are written,
  so a run killed at any point and started again redoes the interrupted stage and ends with the
  same files as an uninterrupted run.

Stages that are skipped are not loaded unless a later stage needs their results; cheap stages
(segment, analyze, spot) are then recomputed in memory, which is deterministic and takes a
fraction of a second, and expensive ones load what they wrote (conditions).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenescore import __version__
from scenescore.errors import InputError, OptionsError, ScenescoreError
from scenescore.io import atomic_write_bytes, sha256_file
from scenescore.options import ScoreOptions

log = logging.getLogger(__name__)

#: Bumped when the run-folder layout or manifest meaning changes.
MANIFEST_VERSION = 1

class Emit:
    """How a stage writes its files: ``emit(rel, data)`` writes atomically and records the hash;
    ``emit.record(rel)`` records a file the stage wrote itself (atomically) into the folder."""

    def __init__(self, folder: Path, stage: str) -> None:
        self.folder = folder
        self.stage = stage
        self.outputs: dict[str, str] = {}
        self.sizes: dict[str, int] = {}

    def __call__(self, rel: str, data: bytes) -> None:
        if rel in self.outputs:
            raise ScenescoreError(f"stage {self.stage} wrote {rel} twice")
        atomic_write_bytes(self.folder / rel, data)
        self.outputs[rel] = sha256_bytes(data)
        self.sizes[rel] = len(data)

    def record(self, rel: str) -> None:
        path = self.folder / rel
        self.outputs[rel] = sha256_file(path)
        self.sizes[rel] = path.stat().st_size
ProgressCallback = Callable[[str, str], None]  # (stage, status)


@dataclass(slots=True)
class Stage:
    """One stage: what it reads, how it computes its result, and how it writes its files."""

    name: str
    version: str
    reads: tuple[str, ...]
    compute: Callable[[Run], Any]
    write: Callable[[Run, Any, Emit], None]
    options: Callable[[Run], Any] = lambda run: None
    load: Callable[[Run], Any] | None = None


@dataclass
class RunResult:
    folder: Path
    statuses: dict[str, str]
    seconds: dict[str, float]
    manifest: dict[str, Any]


def slugify(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:80] or "film"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _plain(value: Any) -> Any:
    """Options as JSON-able data, for keys and the manifest."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class Run:
    """One film's run: the folder, the manifest, and the stages' results computed on demand."""

    def __init__(self, source: str, data: bytes, folder: Path, stages: Sequence[Stage],
                 options: ScoreOptions, stage_options: dict[str, Any],
                 progress: ProgressCallback | None = None) -> None:
        self.source = source
        self.data = data
        self.folder = folder
        self.stages = {s.name: s for s in stages}
        self.order = [s.name for s in stages]
        self.options = options
        self.stage_options = stage_options
        self.progress = progress
        self.input_sha = sha256_bytes(data)
        self._values: dict[str, Any] = {}
        self._keys: dict[str, str] = {}
        self.manifest = self._load_manifest()

    # manifest ---------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def _load_manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("%s: unreadable manifest, starting the run afresh", self.manifest_path)
            return {}
        if manifest.get("manifest_version") != MANIFEST_VERSION:
            return {}
        return manifest

    def _save_manifest(self) -> None:
        self.manifest["manifest_version"] = MANIFEST_VERSION
        self.manifest["input"] = {"source": self.source, "sha256": self.input_sha, "bytes": len(self.data)}
        # Where the run folder lives is not part of what it holds: a copied folder stays valid.
        self.manifest["options"] = {k: v for k, v in _plain(self.options).items() if k not in ("out", "name")}
        self.manifest["versions"] = _versions()
        text = json.dumps(self.manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        atomic_write_bytes(self.manifest_path, text.encode("utf-8"))

    # keys and values --------------------------------------------------------------------
    def key(self, name: str) -> str:
        if name not in self._keys:
            stage = self.stages[name]
            payload = {
                "stage": name, "version": stage.version, "options": _plain(stage.options(self)),
                "reads": {r: self.key(r) for r in stage.reads},
                "input": self.input_sha if not stage.reads else None,
                "seed": self.options.seed,
            }
            self._keys[name] = sha256_bytes(json.dumps(payload, sort_keys=True, default=str).encode())[:32]
        return self._keys[name]

    def value(self, name: str) -> Any:
        """A stage's result: computed (or loaded) once per process."""
        if name not in self._values:
            stage = self.stages[name]
            if stage.load is not None and self.is_current(name):
                self._values[name] = stage.load(self)
            else:
                self._values[name] = stage.compute(self)
        return self._values[name]

    def is_current(self, name: str) -> bool:
        """The manifest records this stage done with the same key, and its files are intact."""
        record = self.manifest.get("stages", {}).get(name)
        if not record or record.get("status") != "done" or record.get("key") != self.key(name):
            return False
        for rel, digest in record.get("outputs", {}).items():
            path = self.folder / rel
            if not path.is_file() or path.stat().st_size != record.get("sizes", {}).get(rel, -1):
                return False
            if sha256_file(path) != digest:
                return False
        return True

    # running ----------------------------------------------------------------------------
    def run_stage(self, name: str) -> str:
        if not self.options.force and self.is_current(name):
            return "skipped"
        stage = self.stages[name]
        value = self.value(name)
        emit = Emit(self.folder, name)
        outputs, sizes = emit.outputs, emit.sizes
        stages = self.manifest.setdefault("stages", {})
        previous = stages.pop(name, None)  # recorded again only when every file is written
        self._save_manifest()
        stage.write(self, value, emit)
        if previous:
            for rel in set(previous.get("outputs", {})) - set(outputs):
                stale = self.folder / rel
                if stale.is_file():
                    stale.unlink()
        stages[name] = {"key": self.key(name), "status": "done", "outputs": dict(sorted(outputs.items())),
                        "sizes": dict(sorted(sizes.items())), "options": _plain(stage.options(self)),
                        "version": stage.version}
        self._save_manifest()
        return "ran"

    def run(self) -> RunResult:
        start = self.options.start or self.order[0]
        stop = self.options.stop or self.order[-1]
        for label, value in (("--from", start), ("--to", stop)):
            if value not in self.stages:
                raise OptionsError(f"{label}: unknown stage {value!r}; stages: {', '.join(self.order)}")
        lo, hi = self.order.index(start), self.order.index(stop)
        if lo > hi:
            raise OptionsError(f"--from {start} comes after --to {stop}")
        for name in self.order[:lo]:
            if not self.is_current(name):
                raise OptionsError(f"--from {start}: stage {name!r} has not run with these inputs and "
                                   f"options in {self.folder}; run it first (or drop --from)")
        self.folder.mkdir(parents=True, exist_ok=True)
        statuses: dict[str, str] = {}
        seconds: dict[str, float] = {}
        for name in self.order:
            if not lo <= self.order.index(name) <= hi:
                statuses[name] = "not in slice"
                continue
            if self.progress:
                self.progress(name, "start")
            t0 = time.perf_counter()
            statuses[name] = self.run_stage(name)
            seconds[name] = round(time.perf_counter() - t0, 3)
            log.info("%s: %s %s in %.2fs", self.folder.name, name, statuses[name], seconds[name])
            if self.progress:
                self.progress(name, statuses[name])
        return RunResult(self.folder, statuses, seconds, self.manifest)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"scenescore": __version__}
    for package in ("pandas", "pyarrow", "mido", "numpy", "transformers", "torch", "openai"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    from scenescore.render.fluidsynth import version as fluidsynth_version

    if (fs := fluidsynth_version()) is not None:  # the synthesizer the audio came from
        out["fluidsynth"] = fs
    return out


def resolve_input(script: str | os.PathLike[str], *, corpus: str | None = None,
                  max_bytes: int | None = None, crawl: Any = None) -> tuple[str, bytes, str]:
    """A path, or an IMSDB title fetched into the corpus store: (source, bytes, film name)."""
    from scenescore.io import read_input_bytes
    from scenescore.options import IngestOptions

    limit = max_bytes or IngestOptions().max_bytes
    path = Path(script)
    if path.exists():
        return str(path), read_input_bytes(path, max_bytes=limit), slugify(path.stem)
    text = str(script)
    if re.search(r"[\\/]|\.(fountain|fdx|html?|txt|pdf)$", text, re.I):
        raise InputError(text, "no such file")
    from scenescore.corpus import fetch_film
    from scenescore.corpus.store import SCRIPT_PAGE, CorpusStore

    record = fetch_film(text, corpus=corpus, options=crawl)
    if record.status != "ok":
        raise InputError(text, f"IMSDB has no script for it ({record.status}"
                               f"{': ' + record.error if record.error else ''})")
    store = CorpusStore(corpus if corpus is not None else getattr(crawl, "corpus_dir", None))
    page = store.read_file(record.slug, SCRIPT_PAGE)
    if page is None:
        raise InputError(text, "the corpus store lost the script page; fetch it again with --refresh")
    if len(page) > limit:
        raise InputError(text, f"script page is {len(page):,} bytes, over the {limit:,}-byte limit")
    return f"imsdb:{record.title}", page, slugify(record.title)


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
    from scenescore.io import elements_to_jsonl, scenes_to_frame

    emit("elements.jsonl", elements_to_jsonl(screenplay.elements).encode("utf-8"))
    frame = scenes_to_frame(screenplay.scenes)
    emit("scenes.parquet", _frame_bytes(frame, ".parquet"))
    emit("scenes.csv", _frame_bytes(frame, ".csv"))


def _analyze(run: Run) -> Any:
    from scenescore.emotion import analyze_screenplay

    visual = None
    if "evidence" in run.stages:
        visual = {sid: (ev.visual_valence, ev.visual_arousal, ev.confidence)
                  for sid, ev in run.value("evidence").items() if ev.visual_valence is not None}
    return analyze_screenplay(run.value("segment").scenes, options=_opt(run, "analyze"),
                              memory=_opt(run, "memory"), visual=visual)


def _analyze_write(run: Run, analysis: Any, emit: Emit) -> None:
    from scenescore.emotion.table import NESTED_EMOTION_COLUMNS, emotions_to_frame

    frame = emotions_to_frame(analysis)
    emit("emotions.parquet", _frame_bytes(frame, ".parquet", NESTED_EMOTION_COLUMNS))
    emit("emotions.csv", _frame_bytes(frame, ".csv", NESTED_EMOTION_COLUMNS))
    arc = {
        "points": [dataclasses.asdict(p) for p in analysis.arc.points],
        "turning_points": [dataclasses.asdict(t) for t in analysis.arc.turning_points],
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
    cues = spot_cues(run.value("segment").scenes, run.value("analyze"), options=_opt(run, "spot"),
                     spans=spans)
    return spot_session(cues, run.value("segment").scenes, run.folder, _session(run),
                        analysis=run.value("analyze"), spans=spans, options=_opt(run, "spot"))


def _session(run: Run) -> Any:
    """The run's spotting-session edits (read once; their digest keys the spot stage)."""
    if "session" not in run._values:
        from scenescore.session.stage import session_inputs

        run._values["session"] = session_inputs(run.source, run.folder)
    return run._values["session"]


def _spot_options(run: Run) -> Any:
    digest = _session(run).digest
    return _opt(run, "spot") if digest is None else {"spot": _opt(run, "spot"), "edits": digest}


def _spot_write(run: Run, cues: Any, emit: Emit) -> None:
    from scenescore.spotting import spotting_notes_frame

    rows = [cue.to_dict() for cue in cues]
    emit("cues.json", (json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    frame = spotting_notes_frame(cues, options=_opt(run, "spot"))
    emit("cues.csv", _frame_bytes(frame, ".csv", frozenset()))
    from scenescore.session.stage import spot_files

    for rel, data in spot_files(cues, run.value("segment").scenes).items():
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
    translation = translate_cues(run.value("spot"), run.value("segment").scenes, run.value("analyze"),
                                 options=_translate_options(run), evidence=evidence)
    from scenescore.session.stage import translate_session, with_conditions

    session = translate_session(run.value("spot"), translation.conditions, run.value("segment").scenes)
    translation = with_conditions(translation, session.conditions)
    run._values["session_files"] = session.files
    return translation


def _translate_write(run: Run, translation: Any, emit: Emit) -> None:
    from scenescore.conditions.translate import conditions_to_jsonl
    from scenescore.spotting import spotting_notes_frame

    emit("conditions.jsonl", conditions_to_jsonl(translation.conditions).encode("utf-8"))
    # The spotting notes again, now with each cue's palette and themes: what a music editor reads.
    frame = spotting_notes_frame(run.value("spot"), translation.conditions, options=_opt(run, "spot"))
    emit("spotting_notes.csv", _frame_bytes(frame, ".csv", frozenset()))
    reports = [r.to_dict() for r in translation.reports]
    emit("translate_report.json", (json.dumps({"cues": reports, "usage": _plain(translation.usage)},
                                              indent=1, sort_keys=True, default=str) + "\n").encode("utf-8"))
    for rel, data in run._values.get("session_files", {}).items():
        emit(rel, data)


def _translate_load(run: Run) -> Any:
    from scenescore.conditions.translate import read_conditions

    return _Loaded(conditions=read_conditions(run.folder / "conditions.jsonl"))


def _render_options(run: Run) -> Any:
    options = _opt(run, "render")
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


def _render_write(run: Run, trusted: Any, emit: Emit) -> None:

    cues = run.value("spot")
    conditions = run.value("translate").conditions
    by_id = {c.cue_id: c for c in cues}
    starts = [by_id[c.cue_id].start_s for c in conditions]
    markers: list[tuple[float, str]] = []
    t = 0.0
    for scene in run.value("segment").scenes:
        markers.append((t, f"sc. {scene.scene_id} {scene.heading}".strip()))
        t += scene.est_seconds
    title = run.value("segment").title or run.folder.name
    from scenescore.render.incremental import read_state, render_film_incremental, state_bytes
    from scenescore.render.themes import ThemeBook
    from scenescore.session.stage import locked_cues, pinned_motifs

    options = _render_options(run)
    book = ThemeBook(seed=options.sketch.seed, pinned=pinned_motifs(_session(run)))
    result = render_film_incremental(conditions, starts, run.folder, options=options, scenes=markers, title=title,
                                     themes=book, previous=read_state(run.folder), trusted=trusted,
                                     frozen=locked_cues(cues))
    rendered = result.film
    emit("render_state.json", state_bytes(result.state))
    paths = [rendered.midi, rendered.themes, rendered.temp_track]
    for cue in rendered.cues:
        paths += [cue.midi, cue.musicxml, cue.audio]
    for path in paths:
        if path is not None:
            emit.record(Path(path).resolve().relative_to(run.folder.resolve()).as_posix())


def _render_stage_options(run: Run) -> Any:
    """Render's options, with the themes a spotting session pins (when it pins any)."""
    from scenescore.session.stage import pinned_motifs

    motifs = {k: [list(v[0]), list(v[1])] for k, v in sorted(pinned_motifs(_session(run)).items())}
    return {"render": _render_options(run), "motifs": motifs} if motifs else _render_options(run)


def _deliver_write(run: Run, _value: Any, emit: Emit) -> None:
    import pandas as pd

    from scenescore.deliver import CUE_SHEET_COLUMNS, cue_sheet_rows

    title = run.value("segment").title or run.folder.name
    rows = cue_sheet_rows(run.value("spot"), run.value("translate").conditions, production=title,
                          fps=_opt(run, "spot").fps)
    emit("cue_sheet.csv", _frame_bytes(pd.DataFrame(rows, columns=list(CUE_SHEET_COLUMNS)), ".csv", frozenset()))
    from scenescore.report import arc_png, build_report

    emit("report.html", build_report(run.folder))
    emit("arc.png", arc_png(run.folder))
    temp = run.folder / "audio" / "temp_score.wav"
    if run.options.video and temp.is_file():
        from scenescore.align import mux_audio

        suffix = Path(run.options.video).suffix.lower()
        rel = f"review/{run.folder.name}_temp_score{suffix if suffix in ('.mp4', '.mov', '.mkv') else '.mp4'}"
        mux_audio(run.options.video, temp, run.folder / rel, overwrite=True)
        emit.record(rel)


@dataclass
class _Loaded:
    """A stage result read back from the run folder (only what later stages use)."""

    conditions: list[Any]


def default_stages(options: ScoreOptions | None = None, evidence: bool = False) -> list[Stage]:
    """The stages of ``score``, in order (``align`` only with footage, ``evidence`` only when a
    caption or CLIP model is configured too)."""
    video = bool(options and options.video)
    evidence = video and evidence
    picture = ("align",) if video else ()
    stages = [
        Stage("segment", "1", (), _segment, _segment_write,
              options=lambda run: {"ingest": _opt(run, "ingest"), "segment": _opt(run, "segment")}),
        Stage("analyze", "1", ("segment", *(("evidence",) if evidence else ())), _analyze, _analyze_write,
              options=lambda run: {"analyze": _opt(run, "analyze"), "memory": _opt(run, "memory")}),
        Stage("spot", "1", ("segment", "analyze", *picture), _spot, _spot_write,
              options=_spot_options),
        Stage("translate", "1", ("segment", "analyze", "spot", *(("evidence",) if evidence else ())),
              _translate, _translate_write,
              options=_translate_options, load=_translate_load),
        Stage("render", "1", ("segment", "spot", "translate"), _render_previous, _render_write,
              options=_render_stage_options),
        Stage("deliver", "1", ("segment", "analyze", "spot", "translate", "render", *picture), lambda run: None,
              _deliver_write),
    ]
    if video:
        stages.insert(1, Stage("align", "1", ("segment",), _align, _align_write, options=_align_options))
    if evidence:
        stages.insert(2, Stage("evidence", "1", ("align",), _evidence, _evidence_write,
                               options=lambda run: _opt(run, "evidence")))
    return stages


def score(script: str | os.PathLike[str], *, options: ScoreOptions | None = None,
          stage_options: dict[str, Any] | None = None, corpus: str | None = None,
          progress: ProgressCallback | None = None) -> RunResult:
    """Score one film into ``options.out/<name>/`` (see the module docstring)."""
    options = options or ScoreOptions()
    stage_options = dict(stage_options or {})
    ingest = stage_options.get("ingest")
    source, data, name = resolve_input(script, corpus=corpus, max_bytes=getattr(ingest, "max_bytes", None),
                                       crawl=stage_options.get("corpus"))
    folder = Path(options.out) / (options.name or name)
    stages = default_stages(options, evidence=_wants_evidence(stage_options.get("evidence")))
    run = Run(source, data, folder, stages, options, stage_options, progress)
    return run.run()
