"""Reading a run folder into what the report shows (:class:`RunView`).

Scene times are the scene table's ``start_s``/``end_s`` columns (estimated, or picture time when
the run was aligned to footage); a table written before those columns existed falls back to
laying ``est_seconds`` end to end. The files render wrote for each cue are read from the render
stage's record in ``manifest.json``, never guessed from render's naming rules.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from scenescore.errors import InputError

#: Data files of the run folder linked from the report when present (never the report itself).
DATA_FILES: tuple[str, ...] = (
    "cue_sheet.csv", "spotting_notes.csv", "cues.csv", "conditions.jsonl", "scenes.csv",
    "emotions.csv", "arc.json", "themes.json", "key_plan.json", "manifest.json", "session_report.json",
)


@dataclass(frozen=True, slots=True)
class SceneView:
    """One scene as the report shows it: the scene table joined with its emotion row."""

    scene_id: int
    heading: str
    timeline: str
    start_s: float
    end_s: float
    characters: tuple[str, ...]
    text: str
    raw_valence: float | None
    raw_arousal: float | None
    valence: float | None  # in context (after the memory)
    arousal: float | None
    mood: str
    top_emotion: str
    memory_note: str
    turn: str  # "" or the turning point's direction

    @property
    def mid_s(self) -> float:
        return (self.start_s + self.end_s) / 2


@dataclass(frozen=True, slots=True)
class CueView:
    """One cue: its spotting note, its music condition and the files render wrote for it."""

    cue: dict[str, Any]
    condition: dict[str, Any] | None
    audio: str | None
    midi: str | None
    musicxml: str | None

    @property
    def cue_id(self) -> str:
        return str(self.cue.get("cue_id", ""))

    @property
    def start_s(self) -> float:
        return num(self.cue.get("start_s")) or 0.0

    @property
    def end_s(self) -> float:
        return max(num(self.cue.get("end_s")) or 0.0, self.start_s)


@dataclass(frozen=True, slots=True)
class RunView:
    """What the report shows, read once from the run folder."""

    title: str
    source: str
    input_sha256: str
    seed: Any
    version: str
    scenes: tuple[SceneView, ...]
    cues: tuple[CueView, ...]
    temp_track: str | None
    score_midi: str | None
    data_files: tuple[str, ...]
    #: Programme start of the deliverables' timecodes (``01:00:00:00``), when the run records it.
    programme_start: str = ""
    #: ``ok``, or ``degraded`` with what fell back (the manifest's ``status``).
    status: str = "ok"
    degraded: tuple[str, ...] = ()
    #: What the stages noticed about the input (``stage: warning``; the manifest's ``warnings``).
    warnings: tuple[str, ...] = ()
    #: ``estimated`` screen time, or ``picture`` when the scenes were aligned to footage.
    time_basis: str = "estimated"
    #: The film's tone from ``arc.json`` (genre, where it came from, its evidence), when recorded.
    tone: str = ""
    tone_evidence: tuple[str, ...] = ()
    #: The spotting session (``session_report.json``): each edit applied or stale, and what
    #: changed since the run before (scenes of a revised draft, cues and why).
    session_edits: tuple[str, ...] = ()
    session_changes: tuple[str, ...] = ()
    #: The film's key plan (``key_plan.json`` as the translate stage recorded it): the home key,
    #: each theme's home key and each cue's key, mode and reason; ``None`` when not written.
    key_plan: KeyPlanView | None = None

    @property
    def duration_s(self) -> float:
        ends = [s.end_s for s in self.scenes] + [c.end_s for c in self.cues]
        return max([1.0, *ends])


def num(value: Any) -> float | None:
    """A finite float, or None for missing, NaN and anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _read_parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    if not path.is_file():
        raise InputError(path, "missing: the report needs a run folder written by `scenescore score`")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, f"not a readable table ({exc})") from None
    # Through JSON: numpy arrays become lists, NaN and <NA> become None.
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(path, f"not readable JSON ({exc})") from None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror or exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise InputError(path, f"line {number} is not JSON ({exc})") from None
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _title(folder: Path, manifest: dict[str, Any]) -> str:
    """The title page's title, else the input file's name (never the folder's: it may be renamed)."""
    elements = _read_jsonl(folder / "elements.jsonl")
    metadata = [text(e.get("text")) for e in elements if e.get("type") == "metadata"]
    for i, line in enumerate(metadata):
        key, _, value = line.partition(":")
        if key.strip().lower() == "title":
            value = value.strip() or (metadata[i + 1] if i + 1 < len(metadata) else "")
            value = re.sub(r"[*_]+", "", value).strip()
            if value:
                return value
    source = text((manifest.get("input") or {}).get("source"))
    return Path(source.removeprefix("imsdb:")).stem if source else "Untitled screenplay"


def _media(folder: Path, rel: Any) -> str | None:
    """A file the manifest names, if it is a plain relative path inside the folder and exists."""
    if not isinstance(rel, str) or not rel:
        return None
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts:
        return None
    return rel if (folder / path).is_file() else None


@dataclass(frozen=True, slots=True)
class KeyPlanView:
    """Where the tonal centre travels over the film, as the report shows it."""

    home: str
    #: (character, home key) by prominence.
    themes: tuple[tuple[str, str], ...]
    #: (cue id, key, mode, reason) in film order.
    cues: tuple[tuple[str, str, str, str], ...]


def stage_file(folder: Path, manifest: dict[str, Any], stage: str, name: str) -> Path | None:
    """The file ``name`` among what ``stage`` recorded it wrote, if it is there."""
    stages = manifest.get("stages") if isinstance(manifest.get("stages"), dict) else {}
    record = stages.get(stage) if isinstance(stages.get(stage), dict) else {}
    outputs = record.get("outputs") if isinstance(record.get("outputs"), dict) else {}
    for rel in outputs:
        if isinstance(rel, str) and PurePosixPath(rel).name == name and _media(folder, rel):
            return folder / rel
    return None


def _key_plan(folder: Path, manifest: dict[str, Any]) -> KeyPlanView | None:
    path = stage_file(folder, manifest, "translate", "key_plan.json")
    plan = _read_json(path, {}) if path is not None else {}
    if not isinstance(plan, dict) or not isinstance(plan.get("cues"), list):
        return None
    themes = tuple((text(t.get("character")), text(t.get("home_key")))
                   for t in plan.get("themes") or () if isinstance(t, dict))
    cues = tuple((text(c.get("cue_id")), text(c.get("key")), text(c.get("mode")), text(c.get("reason")))
                 for c in plan["cues"] if isinstance(c, dict))
    return KeyPlanView(home=text(plan.get("home")), themes=themes, cues=cues)


def render_files(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the render stage recorded it wrote: ``{"cues": {cue_id: {"midi", "musicxml",
    "audio"}}, "midi", "temp_track", "themes"}`` (empty when render has not run)."""
    stages = manifest.get("stages") if isinstance(manifest.get("stages"), dict) else {}
    record = stages.get("render") if isinstance(stages.get("render"), dict) else {}
    files = record.get("files")
    return files if isinstance(files, dict) else {}


def read_run_view(folder: str | Path) -> RunView:
    """Read what the report shows from a run folder (scenes and emotions are required)."""
    folder = Path(folder)
    manifest = _read_json(folder / "manifest.json", {})
    manifest = manifest if isinstance(manifest, dict) else {}
    scene_rows = _read_parquet_rows(folder / "scenes.parquet")
    emotion_rows = {row.get("scene_id"): row for row in _read_parquet_rows(folder / "emotions.parquet")}

    scenes: list[SceneView] = []
    clock = 0.0
    for row in scene_rows:
        emotion = emotion_rows.get(row.get("scene_id"), {})
        start, end = num(row.get("start_s")), num(row.get("end_s"))
        if start is None or end is None:
            length = max(num(row.get("est_seconds")) or 0.0, 0.0)
            start, end = clock, clock + length
        scenes.append(SceneView(
            scene_id=int(row["scene_id"]) if row.get("scene_id") is not None else len(scenes) + 1,
            heading=text(row.get("heading")),
            timeline=text(row.get("timeline")) or "present",
            start_s=round(start, 3),
            end_s=round(max(start, end), 3),
            characters=tuple(text(c) for c in row.get("characters") or ()),
            text=text(row.get("text")),
            raw_valence=num(emotion.get("valence")),
            raw_arousal=num(emotion.get("arousal")),
            valence=num(emotion.get("context_valence")),
            arousal=num(emotion.get("context_arousal")),
            mood=text(emotion.get("mood")),
            top_emotion=text(emotion.get("top_emotion")),
            memory_note=text(emotion.get("memory_note")),
            turn=(text(emotion.get("turn_direction")) or "turn") if emotion.get("turning_point") else "",
        ))
        clock = max(start, end)

    cue_rows = _read_json(folder / "cues.json", [])
    conditions = {text(c.get("cue_id")): c for c in _read_jsonl(folder / "conditions.jsonl")}
    rendered = render_files(manifest)
    cue_files = rendered.get("cues") if isinstance(rendered.get("cues"), dict) else {}
    cues: list[CueView] = []
    for cue in cue_rows if isinstance(cue_rows, list) else []:
        if not isinstance(cue, dict):
            continue
        cue_id = text(cue.get("cue_id"))
        files = cue_files.get(cue_id) if isinstance(cue_files.get(cue_id), dict) else {}
        cues.append(CueView(
            cue=cue, condition=conditions.get(cue_id),
            audio=_media(folder, files.get("audio")),
            midi=_media(folder, files.get("midi")),
            musicxml=_media(folder, files.get("musicxml")),
        ))

    versions = manifest.get("versions") or {}
    degraded = manifest.get("degraded") if isinstance(manifest.get("degraded"), dict) else {}
    warnings = manifest.get("warnings") if isinstance(manifest.get("warnings"), dict) else {}
    timing = manifest.get("timing") if isinstance(manifest.get("timing"), dict) else {}
    arc = _read_json(folder / "arc.json", {})
    tone = arc.get("tone") if isinstance(arc, dict) and isinstance(arc.get("tone"), dict) else {}
    return RunView(
        title=_title(folder, manifest),
        source=text((manifest.get("input") or {}).get("source")),
        input_sha256=text((manifest.get("input") or {}).get("sha256")),
        seed=(manifest.get("options") or {}).get("seed"),
        version=text(versions.get("scenescore")) if isinstance(versions, dict) else "",
        scenes=tuple(scenes),
        cues=tuple(cues),
        temp_track=_media(folder, rendered.get("temp_track")),
        score_midi=_media(folder, rendered.get("midi")),
        data_files=tuple(f for f in DATA_FILES if (folder / f).is_file()),
        programme_start=text(timing.get("programme_start")),
        status="degraded" if degraded else "ok",
        degraded=tuple(f"{stage}: {text(why)}" for stage, why in sorted(degraded.items())),
        warnings=tuple(f"{stage}: {text(w)}" for stage, ws in sorted(warnings.items())
                       if isinstance(ws, list) for w in ws),
        **_session(folder),
        time_basis=text(timing.get("basis")) or "estimated",
        tone=f"{text(tone.get('genre'))} ({text(tone.get('source'))})" if tone.get("genre") else "",
        tone_evidence=tuple(text(e) for e in tone.get("evidence") or () if e),
        key_plan=_key_plan(folder, manifest),
    )


def timeline_spans(scenes: Iterable[SceneView]) -> list[tuple[str, float, float]]:
    """Runs of consecutive scenes outside the present: (timeline, start_s, end_s)."""
    spans: list[tuple[str, float, float]] = []
    for scene in scenes:
        if scene.timeline == "present" or scene.end_s <= scene.start_s:
            continue
        if spans and spans[-1][0] == scene.timeline and math.isclose(spans[-1][2], scene.start_s):
            spans[-1] = (scene.timeline, spans[-1][1], scene.end_s)
        else:
            spans.append((scene.timeline, scene.start_s, scene.end_s))
    return spans


def _session(folder: Path) -> dict[str, tuple[str, ...]]:
    """The spotting session's lines for the report (none without a session report)."""
    report = _read_json(folder / "session_report.json", {})
    if not isinstance(report, dict):
        return {}
    edits = tuple(f"{text(e.get('edit'))}: {text(e.get('status'))}" + (f" ({text(e.get('detail'))})"
                                                                       if e.get("detail") else "")
                  for e in report.get("edits") or () if isinstance(e, dict))
    changes = tuple(text(line) for line in report.get("lines") or () if "no longer applies" not in text(line))
    return {"session_edits": edits, "session_changes": changes}
