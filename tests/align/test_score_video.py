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
    review = folder / "review" / "film_temp_score.mp4"
    streams = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
                              str(review)], capture_output=True, text=True, check=True).stdout.split()
    assert sorted(streams) == ["audio", "video"]
    # Unchanged footage and options: nothing runs again; the review copy is in the manifest.
    again = score(SAMPLE, options=options, stage_options={"render": RenderOptions(musicxml=False)})
    assert set(again.statuses.values()) == {"skipped"}
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "review/film_temp_score.mp4" in manifest["stages"]["deliver"]["outputs"]
