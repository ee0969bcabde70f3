"""Run folders for the report tests.

``sample_run``: the sample screenplay scored for real (MIDI only, which takes about two seconds),
then given the files the render stage writes and that we do not want to render in a unit test:
a short WAV per cue named like render names them, a temp track and MusicXML placeholders.
``hostile_run``: a hand-made folder whose screenplay and model text try to break out of the page.
"""

from __future__ import annotations

import math
import shutil
import struct
import wave
from pathlib import Path

import pytest

from scenescore.options import ScoreOptions
from scenescore.pipeline import score
from scenescore.render.options import AudioOptions, RenderOptions

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
INJECTION = '<script>alert("x")</script><img src=x onerror=alert(1)>"\' & </pre></details>'


def write_wav(path: Path, seconds: float = 0.6, *, rate: int = 22050, hz: float = 440.0) -> Path:
    """A quiet sine, 16-bit mono: enough for a browser to play."""
    frames = round(seconds * rate)
    samples = (round(6000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(frames))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return path


def add_render_placeholders(folder: Path) -> None:
    """Audio and MusicXML files for every cue, recorded in the manifest as render records them."""
    import json

    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["stages"]["render"]["files"]
    for cue in json.loads((folder / "cues.json").read_text(encoding="utf-8")):
        cue_id = cue["cue_id"]
        start = int(cue["start_s"])
        audio = f"audio/{cue_id}_01-00-{start // 60:02d}-{start % 60:02d}.wav"
        write_wav(folder / audio, 0.4)
        xml = folder / "xml" / f"{cue_id}.musicxml"
        xml.parent.mkdir(exist_ok=True)
        xml.write_text('<?xml version="1.0"?><score-partwise version="4.0"/>\n', encoding="utf-8")
        files["cues"][cue_id].update(audio=audio, musicxml=f"xml/{cue_id}.musicxml")
    write_wav(folder / "audio" / "temp_score.wav", 2.0, hz=330.0)
    files["temp_track"] = "audio/temp_score.wav"
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")


@pytest.fixture(scope="session")
def scored_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample scored through ``deliver`` with MIDI only (no audio, no MusicXML)."""
    if not SAMPLE.exists():
        pytest.skip("sample corpus not built")
    out = tmp_path_factory.mktemp("runs")
    render = RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)
    result = score(SAMPLE, options=ScoreOptions(out=str(out), name="sample"), stage_options={"render": render})
    return result.folder


@pytest.fixture(scope="session")
def sample_run(scored_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of ``scored_run`` with every file render writes (placeholders for audio and XML)."""
    folder = tmp_path_factory.mktemp("full") / "sample"
    shutil.copytree(scored_run, folder)
    add_render_placeholders(folder)
    return folder


@pytest.fixture
def hostile_run(tmp_path: Path) -> Path:
    """Two scenes and one cue, with markup in every text field the report shows."""
    import json

    import pandas as pd

    folder = tmp_path / "hostile"
    folder.mkdir()
    scenes = pd.DataFrame([
        {"scene_id": 1, "heading": f"INT. LAB {INJECTION}", "timeline": "present",
         "characters": [f"EVE {INJECTION}"], "text": f"INT. LAB\nEVE types {INJECTION}", "est_seconds": 30.0},
        {"scene_id": 2, "heading": "EXT. ROOF - NIGHT", "timeline": "dream",
         "characters": ["EVE"], "text": "She flies.", "est_seconds": 20.0},
    ])
    scenes.to_parquet(folder / "scenes.parquet")
    emotions = pd.DataFrame([
        {"scene_id": 1, "valence": -0.4, "arousal": 0.2, "context_valence": -0.3, "context_arousal": 0.1,
         "mood": f"tense {INJECTION}", "top_emotion": "fear", "memory_note": f"note {INJECTION}",
         "turning_point": False, "turn_direction": None},
        {"scene_id": 2, "valence": 0.6, "arousal": 0.7, "context_valence": 0.2, "context_arousal": 0.5,
         "mood": "euphoric", "top_emotion": "joy", "memory_note": "", "turning_point": True,
         "turn_direction": "brightens"},
    ])
    emotions.to_parquet(folder / "emotions.parquet")
    cue_id = f'1M01"><b onmouseover=alert(1)>{INJECTION}'
    cues = [{"cue_id": cue_id, "scene_ids": [1, 2], "start_s": 0.0, "end_s": 50.0, "function": INJECTION,
             "mood": INJECTION, "in": f"sc. 1 {INJECTION}", "out": INJECTION, "reason": INJECTION,
             "valence": -0.1, "arousal": 0.3, "timeline": "present"}]
    (folder / "cues.json").write_text(json.dumps(cues), encoding="utf-8")
    condition = {"cue_id": cue_id, "prompt": INJECTION, "rationale": INJECTION, "genre": INJECTION,
                 "instrumentation": [{"name": INJECTION, "role": INJECTION, "program": 0}],
                 "tempo_bpm": 90, "key": "C", "mode": "minor", "themes": [{"motif": INJECTION}],
                 "avoid": [INJECTION], "backend": "openai", "model": INJECTION, "fallback": INJECTION,
                 "intensity_curve": [{"at": 0, "intensity": 0.2}, {"at": 1, "intensity": 0.9}]}
    (folder / "conditions.jsonl").write_text(json.dumps(condition) + "\n", encoding="utf-8")
    elements = [{"line": 1, "type": "metadata", "text": f"Title: {INJECTION}"}]
    (folder / "elements.jsonl").write_text("".join(json.dumps(e) + "\n" for e in elements), encoding="utf-8")
    return folder
