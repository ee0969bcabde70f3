"""The temp cue sheet.

The cue sheet follows the shape of a music cue sheet as performing-rights societies ask for it
(production, cue number, title, usage, timing in and out, duration, composer, publisher) but is
marked TEMP on every row: the music is a draft made by software, not for registration.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scenescore.timecode import PROGRAMME_START, duration_text, format_timecode

#: Columns of the temp cue sheet, in order.
CUE_SHEET_COLUMNS: tuple[str, ...] = (
    "status", "production", "cue", "title", "usage", "timing_in", "timing_out", "duration",
    "composer", "publisher", "backend", "notes",
)
#: Usage codes as cue sheets write them: BI background instrumental, VI visual instrumental.
USAGE_BACKGROUND = "BI"


def timecode(seconds: float, fps: int = 24, *, start: str | tuple[int, int, int, int] = PROGRAMME_START) -> str:
    """HH:MM:SS:FF after the programme start (01:00:00:00 by convention, the MIDI files' own)."""
    return format_timecode(max(0.0, seconds), fps, start=start)


def cue_sheet_rows(cues: Sequence[Any], conditions: Sequence[Any], *, production: str,
                   fps: int = 24, start: str | tuple[int, int, int, int] = PROGRAMME_START) -> list[dict[str, Any]]:
    """One row per cue, every row flagged TEMP."""
    by_id = {c.cue_id: c for c in conditions}
    rows = []
    for cue in cues:
        condition = by_id.get(cue.cue_id)
        mood = getattr(cue, "mood", "") or ""
        title = f"{production} {cue.cue_id}" + (f" ({mood})" if mood else "")
        rows.append({
            "status": "TEMP - not for registration",
            "production": production,
            "cue": cue.cue_id,
            "title": title,
            "usage": USAGE_BACKGROUND,
            "timing_in": timecode(cue.start_s, fps, start=start),
            "timing_out": timecode(cue.end_s, fps, start=start),
            "duration": duration_text(cue.end_s - cue.start_s),
            "composer": "TEMP (scenescore draft)",
            "publisher": "",
            "backend": getattr(condition, "backend", "") if condition else "",
            "notes": str(getattr(cue, "function", "")),
        })
    return rows
