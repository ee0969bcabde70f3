"""The run report (deliver stage): one self-contained HTML page and a PNG of the emotional arc.

Both are pure functions of a run folder's files (see ``docs/report.md``): the same folder gives
the same bytes, with no timestamps and no absolute paths, so the ``deliver`` stage stays
reproducible. The page opens from disk: CSS, script and the arc plot (SVG) are inline, nothing is
fetched from the network, and audio, MIDI and MusicXML are linked by paths relative to the run
folder, as the render stage recorded them in ``manifest.json``.

Parts: :mod:`~scenescore.report.run` reads the folder, :mod:`~scenescore.report.svg` lays out the
arc, :mod:`~scenescore.report.html` renders the Jinja2 templates (``templates/``, with the
stylesheet and script in ``static/``), :mod:`~scenescore.report.png` draws the PNG.
"""

from scenescore.report.html import build_report, csp, render_page
from scenescore.report.png import arc_png
from scenescore.report.run import (
    DATA_FILES,
    CueView,
    RunView,
    SceneView,
    read_run_view,
    render_files,
    timeline_spans,
)
from scenescore.report.style import (
    AROUSAL_COLOUR,
    CUE_COLOURS,
    TIMELINE_COLOURS,
    VALENCE_COLOUR,
    clock,
)

#: The whole film's temp track and MIDI file, where render writes them (the report itself reads
#: their names from the manifest).
TEMP_TRACK = "audio/temp_score.wav"
SCORE_MIDI = "midi/score.mid"

__all__ = [
    "AROUSAL_COLOUR", "CUE_COLOURS", "DATA_FILES", "SCORE_MIDI", "TEMP_TRACK", "TIMELINE_COLOURS",
    "VALENCE_COLOUR", "CueView", "RunView", "SceneView", "arc_png", "build_report", "clock", "csp",
    "read_run_view", "render_files", "render_page", "timeline_spans",
]
