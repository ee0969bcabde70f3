"""score --video: scenes on the picture, cues in picture time, the temp score muxed for review."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scenescore.options import ScoreOptions
from scenescore.pipeline import score
from scenescore.render.fluidsynth import fluidsynth_available
from scenescore.render.options import RenderOptions

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


def test_score_with_footage(footage, tmp_path: Path) -> None:  # noqa: ANN001 - the session fixture
    if not fluidsynth_available():
        pytest.skip("fluidsynth is not installed (scripts/setup.sh installs it as root)")
    options = ScoreOptions(out=str(tmp_path), name="film", video=str(footage.video),
                           subtitles=str(footage.subtitles))
    result = score(SAMPLE, options=options, stage_options={"render": RenderOptions(musicxml=False)})
    assert list(result.statuses)[:2] == ["segment", "align"]
    folder = result.folder
    spans = json.loads((folder / "align" / "alignment.json").read_text(encoding="utf-8"))
    assert spans["video"] and (folder / "align" / "scene_spans.csv").exists()
    cues = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
    duration = float(subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(footage.video)],
        capture_output=True, text=True, check=True).stdout)
    assert cues and all(c["timing_basis"] == "footage" for c in cues)
    assert cues[-1]["end_s"] <= duration + 0.5
    # One clock: the scene table holds the picture's spans, and the film MIDI's scene markers,
    # the cues and the report use them.
    import mido
    import pandas as pd

    scenes = pd.read_csv(folder / "scenes.csv")
    placed = json.loads((folder / "align" / "alignment.json").read_text(encoding="utf-8"))
    assert (scenes["time_basis"] == "picture").any()
    spans = pd.read_csv(folder / "align" / "scene_spans.csv")
    picture = dict(zip(spans["scene_id"], spans["start_s"], strict=True))
    for row in scenes.itertuples():
        if row.time_basis == "picture":
            assert abs(row.start_s - picture[row.scene_id]) < 1e-3
    midi = mido.MidiFile(folder / "midi" / "score.mid")
    tempo, seconds, marks = 500000, 0.0, {}
    for msg in mido.merge_tracks(midi.tracks):
        seconds += mido.tick2second(msg.time, midi.ticks_per_beat, tempo)
        if msg.type == "set_tempo":
            tempo = msg.tempo
        elif msg.type == "marker" and msg.text.startswith("sc. "):
            marks[int(msg.text.split()[1])] = seconds
    assert marks and all(abs(marks[sid] - start) < 0.01 for sid, start in zip(scenes["scene_id"], scenes["start_s"],
                                                                                strict=True) if sid in marks)
    assert placed["video"]
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "screen time from the picture" in report and "01:00:00:00" in report
    review = folder / "review" / "film_temp_score.mp4"
    streams = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                              str(review)], capture_output=True, text=True, check=True).stdout.split()
    assert sorted(streams) == ["audio", "video"]
    # Unchanged footage and options: nothing runs again; the review copy is in the manifest.
    again = score(SAMPLE, options=options, stage_options={"render": RenderOptions(musicxml=False)})
    assert set(again.statuses.values()) == {"skipped"}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "review/film_temp_score.mp4" in manifest["stages"]["deliver"]["outputs"]
