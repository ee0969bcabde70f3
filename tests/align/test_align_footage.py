"""The bar of issue 8 on synthetic footage: cuts within a frame, scenes within 0.5 s."""

from __future__ import annotations

import subprocess
import sys
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from align_support import Footage, need_scenedetect, need_tools
from typer.testing import CliRunner

from scenescore.align import (
    AlignOptions,
    align_screenplay,
    detect_shots,
    mux_audio,
    probe_video,
)
from scenescore.errors import OptionsError, OutputError
from scenescore.spotting import spot_cues


def test_every_cut_is_found_within_one_frame(footage: Footage) -> None:
    need_scenedetect()
    info = probe_video(footage.video)
    shots = detect_shots(footage.video, frame_rate=info.frame_rate, total_frames=info.frames)
    found = [s.start_frame for s in shots[1:]]
    truth = footage.performance.cuts
    assert len(found) == len(truth)
    assert all(abs(f - t) <= 1 for f, t in zip(found, truth, strict=True))
    assert shots[-1].end_frame == footage.performance.frames


def test_adaptive_detector_finds_the_cuts_too(footage: Footage) -> None:
    need_scenedetect()
    shots = detect_shots(footage.video, options=AlignOptions(detector="adaptive"))
    truth = footage.performance.cuts
    hits = sum(any(abs(s.start_frame - t) <= 1 for s in shots[1:]) for t in truth)
    assert hits >= 0.9 * len(truth)


def test_unknown_detector_lists_the_known_ones(footage: Footage) -> None:
    need_scenedetect()
    with pytest.raises(OptionsError, match="adaptive, content"):
        detect_shots(footage.video, options=AlignOptions(detector="transnet"))


def test_scenes_from_subtitles_land_within_half_a_second(footage: Footage) -> None:
    """20% of the lines dropped or swapped, some paraphrased, two ad-libs added."""
    need_scenedetect()
    progress: list[tuple[str, float]] = []
    alignment = align_screenplay(footage.scenes, footage.video, subtitles=footage.subtitles,
                                 options=AlignOptions(), progress=lambda s, f: progress.append((s, f)))
    perf = footage.performance
    fps = perf.fps
    ends = {sid: perf.scene_starts.get(sid + 1, perf.frames) for sid in perf.scene_starts}
    close = [abs(s.start_s - perf.scene_starts[s.scene_id] / fps) <= 0.5
             and abs(s.end_s - ends[s.scene_id] / fps) <= 0.5 for s in alignment.scenes]
    assert len(close) == len(footage.scenes) == 21
    assert sum(close) / len(close) >= 0.95
    assert all(s.timing_basis == "picture" for s in alignment.scenes)
    assert all(0.0 <= s.confidence <= 1.0 for s in alignment.scenes)
    dialogue = [s for s in alignment.scenes if s.method == "dialogue"]
    assert min(s.confidence for s in dialogue) > max(
        s.confidence for s in alignment.scenes if s.method == "interpolated")
    # Ad-libs are left unassigned; every other line lands in its own scene.
    by_text: dict[str, set[int]] = {}
    for spoken in perf.lines:
        by_text.setdefault(spoken.text, set()).add(spoken.scene_id)
    for line in alignment.transcript:
        if line.text.startswith(("Hey, did you", "Wait for me")):
            assert line.scene_id is None
        else:
            assert line.scene_id in by_text[line.text]
    assert {step for step, _ in progress} == {"shots", "transcript", "align"}
    # Timecodes at the footage's rate; spans feed the spotting stage directly.
    first = alignment.scenes[1]
    assert first.start_tc == f"00:00:{int(first.start_s):02d}:{round(first.start_s * fps) % fps:02d}"
    cues = spot_cues(footage.scenes, None, spans=alignment.spans)
    assert cues and all(c.timing_basis == "footage" for c in cues)
    assert cues[0].start_s == 0.0
    assert cues[-1].end_s == pytest.approx(alignment.scenes[-1].end_s, abs=1e-3)


def test_whisper_needs_a_model_or_subtitles(footage: Footage) -> None:
    need_scenedetect()
    with pytest.raises(OptionsError, match="--subtitles"):
        align_screenplay(footage.scenes, footage.video, subtitles=None, options=AlignOptions())


def _sine_wav(path: Path, seconds: float, rate: int = 48_000) -> Path:
    t = np.arange(round(seconds * rate)) / rate
    samples = (0.2 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes(samples.tobytes())
    return path


def test_mux_audio_keeps_the_picture_and_replaces_the_sound(footage: Footage, tmp_path: Path) -> None:
    need_tools("ffmpeg", "ffprobe")
    source = probe_video(footage.video)
    wav = _sine_wav(tmp_path / "score.wav", seconds=30.0)  # shorter than the picture: padded
    out = mux_audio(footage.video, wav, tmp_path / "review.mp4")
    muxed = probe_video(out)
    assert muxed.has_audio
    assert muxed.frames == source.frames and muxed.frame_rate == source.frame_rate
    assert muxed.duration_s == pytest.approx(source.duration_s, abs=0.1)
    audio = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries",
                            "stream=codec_name,duration", "-of", "csv=p=0", str(out)],
                           capture_output=True, text=True, check=True).stdout
    codec, seconds = audio.strip().split(",")
    assert codec == "aac" and float(seconds) == pytest.approx(source.duration_s, abs=0.2)
    with pytest.raises(OutputError, match="exists"):
        mux_audio(footage.video, wav, out)
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_align_command_writes_the_tables(footage: Footage, tmp_path: Path) -> None:
    need_scenedetect()
    import pandas as pd

    from scenescore.cli import app

    out = tmp_path / "align"
    args = ["align", str(Path(__file__).resolve().parents[2] / "corpus/sample/sample.fountain"),
            str(footage.video), "--subtitles", str(footage.subtitles), "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    spans = pd.read_csv(out / "scene_spans.csv")
    assert list(spans["scene_id"]) == list(range(1, 22))
    assert set(spans["timing_basis"]) == {"picture"}
    assert {p.name for p in out.iterdir()} == {"scene_spans.csv", "shots.csv", "transcript.csv",
                                              "alignment.json"}
    again = CliRunner().invoke(app, args)
    assert again.exit_code != 0  # refuses to overwrite without --overwrite


def test_cli_import_stays_light() -> None:
    code = ("import sys, scenescore.cli, scenescore.align; "
            "print(sorted(m for m in ('torch', 'transformers', 'scenedetect', 'cv2') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_options_are_replaceable() -> None:
    assert replace(AlignOptions(), threshold=20.0).threshold == 20.0


def test_align_command_reads_the_align_table(footage: Footage, tmp_path: Path) -> None:
    need_scenedetect()
    import pandas as pd

    from scenescore.cli import app

    script = Path(__file__).resolve().parents[2] / "corpus/sample/sample.fountain"
    runs = {}
    for name, profile_text in (("default", ""), ("profile", "[align]\nmin_shot_frames = 100000\n")):
        profile = tmp_path / f"{name}.toml"
        profile.write_text(profile_text, encoding="utf-8")
        out = tmp_path / name
        result = CliRunner().invoke(app, ["--config", str(profile), "align", str(script), str(footage.video),
                                          "--subtitles", str(footage.subtitles), "--out", str(out)])
        assert result.exit_code == 0, result.output
        runs[name] = len(pd.read_csv(out / "shots.csv"))
    # Shots shorter than the profile's minimum are merged away: one shot is left.
    assert runs["default"] > 1 and runs["profile"] == 1
