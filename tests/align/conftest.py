from __future__ import annotations

from pathlib import Path

import pytest
from align_support import SPEECH_RATE, Footage, need_tools, perform, render, speak, srt

from scenescore.records import Scene
from scenescore.segment import segment_screenplay

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


@pytest.fixture(scope="session")
def sample_scenes() -> list[Scene]:
    return list(segment_screenplay(SAMPLE).scenes)


@pytest.fixture(scope="session")
def footage(tmp_path_factory: pytest.TempPathFactory, sample_scenes: list[Scene]) -> Footage:
    """About 80 s of 480p footage performing the sample screenplay, 20% of lines perturbed."""
    need_tools("ffmpeg", "ffprobe", "espeak-ng")
    folder = tmp_path_factory.mktemp("footage")
    draft = perform(sample_scenes)
    audio = speak([line.text for line in draft.lines], folder)
    durations = {text: len(samples) / SPEECH_RATE for text, samples in audio.items()}
    perf = perform(sample_scenes, durations=durations)
    video = render(perf, audio, folder / "cut.mp4")
    subtitles = folder / "cut.srt"
    subtitles.write_text(srt(perf), encoding="utf-8")
    return Footage(video=video, subtitles=subtitles, performance=perf, scenes=sample_scenes)
