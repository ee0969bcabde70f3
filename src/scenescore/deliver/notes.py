"""Spotting notes: the cue list as a music editor reads it (timecodes, in/out, mood, palette)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scenescore.errors import OptionsError
from scenescore.spotting.options import SpotOptions
from scenescore.spotting.records import Cue
from scenescore.timecode import ZERO, duration_text, format_timecode

if TYPE_CHECKING:  # pragma: no cover
    import os
    from pathlib import Path

    import pandas as pd

    from scenescore.conditions.schema import MusicCondition


#: Spotting-note columns in order (the CSV a music editor opens).
NOTES_COLUMNS: tuple[str, ...] = (
    "cue", "start", "end", "duration", "scenes", "in", "out", "mood", "palette", "themes",
    "function", "valence", "arousal", "timing_basis", "timeline", "reason", "start_s", "end_s",
)


def timecode(seconds: float, fps: int = 24, *, start: str | tuple[int, int, int, int] = ZERO) -> str:
    """``HH:MM:SS:FF`` (non-drop) of a time in seconds after ``start``; negative times are refused."""
    if seconds < 0:
        raise OptionsError(f"timecode of a negative time ({seconds})")
    return format_timecode(seconds, int(fps), start=start, drop_frame=False)


def spotting_notes_frame(cues: Sequence[Cue], conditions: Sequence[MusicCondition] | None = None,
                         *, options: SpotOptions | None = None) -> pd.DataFrame:
    """The spotting notes as a table; ``palette`` and ``themes`` come from the conditions."""
    import pandas as pd

    opts = options or SpotOptions()
    by_cue = {c.cue_id: c for c in conditions or ()}
    rows = []
    for cue in cues:
        cond = by_cue.get(cue.cue_id)
        if cond is not None:
            palette = ", ".join(i.name for i in cond.instrumentation)
            themes = "; ".join(f"{t.motif} {t.transformation}" for t in cond.themes)
        else:
            palette, themes = "", "; ".join(cue.theme_characters)
        rows.append({
            "cue": cue.cue_id,
            "start": timecode(opts.timecode_start_s + cue.start_s, opts.fps),
            "end": timecode(opts.timecode_start_s + cue.end_s, opts.fps),
            "duration": duration_text(cue.duration_s),
            "scenes": " ".join(str(s) for s in cue.scene_ids),
            "in": cue.in_point, "out": cue.out_point, "mood": cue.mood, "palette": palette,
            "themes": themes, "function": str(cue.function), "valence": round(cue.valence, 3),
            "arousal": round(cue.arousal, 3), "timing_basis": cue.timing_basis,
            "timeline": cue.timeline, "reason": cue.reason, "start_s": round(cue.start_s, 3),
            "end_s": round(cue.end_s, 3),
        })
    return pd.DataFrame(rows, columns=list(NOTES_COLUMNS))


def write_spotting_notes(cues: Sequence[Cue], path: str | os.PathLike[str],
                         conditions: Sequence[MusicCondition] | None = None, *,
                         options: SpotOptions | None = None, overwrite: bool = True) -> Path:
    """Write the spotting notes (CSV, or any table format of :func:`scenescore.io.write_table`)."""
    from scenescore.io import write_table

    return write_table(spotting_notes_frame(cues, conditions, options=options), path,
                       overwrite=overwrite, nested=frozenset())
