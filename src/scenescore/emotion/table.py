"""The emotions table (one row per scene, beside the scene table), declared once.

Nested columns are lists of records with fixed keys, so parquet stores them as typed lists and CSV
as JSON (via :func:`scenescore.io.write_table`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.emotion.records import EmotionAnalysis
from scenescore.errors import InputError
from scenescore.records import DialogueLine, Scene, Timeline

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Emotion table columns in order.
EMOTION_COLUMNS: tuple[str, ...] = (
    "scene_id", "timeline", "backend",
    # the scene on its own (analyze)
    "valence", "arousal", "text_arousal", "confidence", "top_emotion", "emotions", "evidence",
    "characters", "signals",
    # the scene in context (remember)
    "context_valence", "context_arousal", "mood", "prior_valence", "prior_arousal",
    "timeline_stack", "inherited_from", "frame_valence", "frame_arousal", "weight_scene",
    "weight_memory", "weight_frame", "memory_event", "restored_from", "shared_with",
    "character_states", "tracked_characters", "memory_note",
    # the film's arc
    "arc_valence", "arc_arousal", "turning_point", "turn_direction", "turn_magnitude",
)
#: Columns holding lists (JSON in CSV).
NESTED_EMOTION_COLUMNS: frozenset[str] = frozenset({
    "emotions", "evidence", "characters", "signals", "timeline_stack", "shared_with",
    "character_states",
})


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def emotion_rows(analysis: EmotionAnalysis) -> list[dict[str, Any]]:
    """One plain dict per scene, with the declared columns."""
    points = {p.scene_id: p for p in analysis.arc.points}
    turns = {t.scene_id: t for t in analysis.arc.turning_points}
    rows: list[dict[str, Any]] = []
    for e, s in zip(analysis.emotions, analysis.states, strict=True):
        point = points.get(e.scene_id)
        turn = turns.get(e.scene_id)
        rows.append({
            "scene_id": e.scene_id,
            "timeline": e.timeline,
            "backend": e.backend,
            "valence": _r(e.valence),
            "arousal": _r(e.arousal),
            "text_arousal": _r(e.text_arousal),
            "confidence": _r(e.confidence),
            "top_emotion": e.top_emotion,
            "emotions": [{"label": k, "score": _r(v)} for k, v in e.emotions],
            "evidence": list(e.evidence),
            "characters": [{"name": k, "valence": _r(v), "arousal": _r(a)}
                           for k, (v, a) in e.characters.items()],
            "signals": [{"signal": k, "value": _r(v)} for k, v in e.signals.items()],
            "context_valence": _r(s.valence),
            "context_arousal": _r(s.arousal),
            "mood": s.mood,
            "prior_valence": _r(s.prior_valence),
            "prior_arousal": _r(s.prior_arousal),
            "timeline_stack": list(s.timeline_stack),
            "inherited_from": s.inherited_from,
            "frame_valence": _r(s.frame_valence),
            "frame_arousal": _r(s.frame_arousal),
            "weight_scene": s.weights.get("scene"),
            "weight_memory": s.weights.get("memory"),
            "weight_frame": s.weights.get("frame"),
            "memory_event": s.event,
            "restored_from": s.restored_from,
            "shared_with": list(s.shared_with),
            "character_states": [c.to_dict() for c in s.characters.values()],
            "tracked_characters": s.tracked_characters,
            "memory_note": s.note,
            "arc_valence": point.smooth_valence if point else None,
            "arc_arousal": point.smooth_arousal if point else None,
            "turning_point": turn is not None,
            "turn_direction": turn.direction if turn else None,
            "turn_magnitude": turn.magnitude if turn else None,
        })
    return rows


def emotions_to_frame(analysis: EmotionAnalysis) -> pd.DataFrame:
    """The emotions table as pandas, columns in the declared order (also for zero scenes)."""
    import pandas as pd

    frame = pd.DataFrame(emotion_rows(analysis), columns=list(EMOTION_COLUMNS))
    for col in ("inherited_from", "restored_from"):
        frame[col] = frame[col].astype("Int64")
    return frame


def write_emotions(analysis: EmotionAnalysis, path: str | os.PathLike[str], *,
                   overwrite: bool = True) -> Path:
    """Write the emotions table (parquet, csv, json, jsonl), atomically."""
    from scenescore.io import write_table

    return write_table(emotions_to_frame(analysis), path, overwrite=overwrite,
                       nested=NESTED_EMOTION_COLUMNS)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return json.loads(value) if value.strip() else []
    return list(value)


def scenes_from_frame(frame: pd.DataFrame, source: str = "scene table") -> list[Scene]:
    """Scene records from a scene table read back with :func:`scenescore.io.read_scene_table`."""
    required = {"scene_id", "heading", "timeline", "action"}
    missing = required - set(frame.columns)
    if missing:
        raise InputError(source, f"not a scene table: missing columns {', '.join(sorted(missing))}")
    scenes: list[Scene] = []
    for row in frame.to_dict(orient="records"):
        try:
            timeline = Timeline(str(row.get("timeline") or "present"))
        except ValueError:
            raise InputError(source, f"scene {row.get('scene_id')}: unknown timeline "
                                     f"{row.get('timeline')!r}") from None
        dialogue = tuple(
            DialogueLine(speaker=str(d.get("speaker", "")), parenthetical=str(d.get("parenthetical") or ""),
                         text=str(d.get("text", "")))
            for d in _as_list(row.get("dialogue")))

        def text(key: str, row: dict[str, Any] = row) -> str | None:
            value = row.get(key)
            return None if value is None or (isinstance(value, float) and value != value) else str(value)

        scenes.append(Scene(
            scene_id=int(row["scene_id"]), number=text("number") or None, heading=text("heading") or "",
            int_ext=text("int_ext") or None, location=text("location") or None,
            time_of_day=text("time_of_day") or None, timeline=timeline,
            characters=tuple(str(c) for c in _as_list(row.get("characters"))),
            dialogue=dialogue, action=text("action") or "", text=text("text") or "",
            word_count=int(row.get("word_count") or 0), eighths=int(row.get("eighths") or 0),
            est_seconds=float(row.get("est_seconds") or 0.0),
            start_line=int(row.get("start_line") or 0), end_line=int(row.get("end_line") or 0),
            start_s=_seconds(row.get("start_s")), end_s=_seconds(row.get("end_s")),
            time_basis=text("time_basis") or "estimated",
        ))
    return scenes


def _seconds(value: Any) -> float | None:
    """A time column's value (missing in tables written before the scene table had times)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None
