"""Whisper transcripts with a tiny random model built from a config (no download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from align_support import Footage, need_scenedetect

from scenescore.align import AlignOptions, align_screenplay
from scenescore.align.transcribe import load_whisper, transcribe
from scenescore.errors import OptionsError


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch", reason="needs torch (scenescore[video])")
    pytest.importorskip("transformers", reason="needs transformers (scenescore[video])")
    from whisper_support import build_tiny_whisper

    return build_tiny_whisper(tmp_path_factory.mktemp("whisper"))


def test_transcribe_gives_timed_lines(tiny_whisper: Path) -> None:
    audio = (np.random.default_rng(0).standard_normal(16_000 * 6) * 0.1).astype(np.float32)
    lines = transcribe(audio, load_whisper(tiny_whisper), language="en")
    assert lines, "the pipeline returned no chunk"
    assert all(0.0 <= x.start_s <= x.end_s <= 6.0 and x.text for x in lines)


def test_transcribe_fills_open_ended_chunks() -> None:
    def fake(_audio, **_kw):  # noqa: ANN001, ANN202 - stands in for the transformers pipeline
        return {"chunks": [{"timestamp": (0.5, None), "text": " Hello "},
                           {"timestamp": (2.0, 3.0), "text": ""},
                           {"timestamp": (4.0, None), "text": "bye"}]}

    lines = transcribe(np.zeros(16_000 * 5, dtype=np.float32), fake)
    assert [(x.start_s, x.end_s, x.text) for x in lines] == [(0.5, 2.0, "Hello"),
                                                             (4.0, 5.0, "bye")]


def test_align_with_whisper_runs_offline(footage: Footage, tiny_whisper: Path) -> None:
    need_scenedetect()
    alignment = align_screenplay(footage.scenes, footage.video, subtitles=None,
                                 options=AlignOptions(whisper_model=str(tiny_whisper)))
    assert alignment.transcript_source == "whisper"
    assert len(alignment.scenes) == 21  # random words match nothing: placed by estimate
    assert alignment.scenes[-1].end_s == pytest.approx(footage.performance.frames / 24, abs=0.1)


def test_whisper_model_must_be_a_local_folder(tmp_path: Path) -> None:
    with pytest.raises(OptionsError, match="local folder"):
        load_whisper(tmp_path / "openai/whisper-small")
