"""The deliver stage: what leaves the run folder for people (the temp cue sheet, the spotting
notes; the HTML report is :mod:`scenescore.report`).

It comes last and may import every earlier stage; it reads the files render wrote from the
run's ``manifest.json`` rather than re-deriving their names.
"""

from scenescore.deliver.cuesheet import (
           CUE_SHEET_COLUMNS,
           USAGE_BACKGROUND,
           cue_sheet_rows,
           timecode,
)
from scenescore.deliver.notes import NOTES_COLUMNS, spotting_notes_frame, write_spotting_notes
from scenescore.timecode import duration_text

__all__ = ["CUE_SHEET_COLUMNS", "NOTES_COLUMNS", "USAGE_BACKGROUND", "cue_sheet_rows", "duration_text",
           "spotting_notes_frame", "timecode", "write_spotting_notes"]
