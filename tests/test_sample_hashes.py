"""The sample's outputs do not drift: the same scenes, emotions, cues, conditions and MIDI as the
hashes recorded from ``main`` before issue 13 restructured the stages (commit 71ca619; phase one of
the restructuring reproduced them exactly, commit fc0f6da), re-recorded from ``main`` at 375885b
after issue 16 made the fitted emotion model the default (a change of the music on purpose), and
reproduced by issue 13's second part (keys, degraded runs, one time base) on top of it, and
re-recorded by issue 15 (conditions gain an ending and a key plan; the MIDI is fitted to picture,
with new harmony, melody and texture; elements, scenes, emotions and cues unchanged), and
re-recorded for the MIDI only when the harmonic rhythm began to follow the intensity (issue 15's
second part) and each pitched part began with a release-time controller (CC72, issue 18).

Only the corrections issue 13 names may change the outputs (the spotting notes' timecodes now
start at the programme start, the scene table gains its time columns), so those are compared
without the corrected columns. When a later change alters the music on purpose, re-record the
hashes with ``python tests/test_sample_hashes.py RUN_FOLDER`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"

#: The scene table's columns before issue 13 (later columns are additions, compared elsewhere).
SCENE_COLUMNS = ["scene_id", "number", "heading", "int_ext", "location", "time_of_day", "timeline",
                 "characters", "dialogue", "action", "text", "word_count", "eighths", "est_seconds",
                 "start_line", "end_line"]

RECORDED = {
    "elements.jsonl": "7d70c00a64ed34c9150c9f9f2a51da40f18360414a62c5a0a42f1ebcc5c1077c",
    "emotions.csv": "7094f4809cba17c0c738db96892bb75403db0e5323aabcd761fd5e943df576c6",
    "cues.json": "87e2e1b465a6bce2f61404ff76c643bde333021abc92d46224cbb13a50579038",
    "conditions.jsonl": "5b6f116ebe347dd869290a18e93758e41b5c207f78d64bbbd894d5875fd547da",
    "cue_sheet.csv": "5139ebb2c501be6c99fa1421a56fd1d274fe93abd7f0c8a381a6e1e08e2883ae",
    "scenes": "77b805121fef978ad36cf7bcd9b9f7275fac764b398727fea5dec8a4dc1f4de2",
    "spotting_notes_untimed": "ad2805e0b1205d4b35102b793bbc0514555c56bea00d77ae27a81c4583c2692a",
    "midi/1M01.mid": "dc2c9ea8226c091ec88c84481819f1c20e836abd64c3293b8c0ac4d914d1a55c",
    "midi/1M02.mid": "e9a75fa8e1d6fd104837b6221160a6a98fe8fb002e3516c68f2dfa6c109d5940",
    "midi/1M03.mid": "fe2b4972ed33c2b389ed67a3542647114dcc81a693a2fa32121be7d40a3a53c5",
    "midi/1M04.mid": "ba1dc5c177f047228c87cca3b8ef2d95b4aba9794a3045caf1bf42b4fc94a9f4",
    "midi/1M05.mid": "4d8200e7bf46ee9c6a62a4437ddda3d5169f903b30254b23d9486a274d560720",
    "midi/1M06.mid": "ccb8d082f45b700b86854165bffdd8b0ef1f0886146877b8618cad72cf240864",
    "midi/1M07.mid": "a9a529495245d603548d5fc45d709d8a6824bac78b47e9e6e24fc02cf9be0c34",
    "midi/1M08.mid": "3bd362054f79e003ac18fd9484877d85f14a9a2eacc1fef86a774e4ebc7e00fc",
    "midi/1M09.mid": "f76dde58ca1965e2d63f6d815030aeb8b0a3e2848826768deeb9f8f52be2b716",
    "midi/score.mid": "74aad87ab4a16357e8bd9277504e8174bd7e5ae3dc4590e88fa615d3bf350a4a",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _table(path: Path, *, keep: list[str] | None = None, drop: tuple[str, ...] = ()) -> str:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if keep is not None:
        frame = frame[keep]
    return _sha(frame.drop(columns=list(drop)).to_csv(index=False).encode("utf-8"))


def output_hashes(folder: Path) -> dict[str, str]:
    """What the comparison hashes: whole files, or tables without the corrected columns."""
    out = {rel: _sha((folder / rel).read_bytes())
           for rel in ("elements.jsonl", "emotions.csv", "cues.json", "conditions.jsonl", "cue_sheet.csv")}
    out["scenes"] = _table(folder / "scenes.csv", keep=SCENE_COLUMNS)
    out["spotting_notes_untimed"] = _table(folder / "spotting_notes.csv", drop=("start", "end"))
    for path in sorted((folder / "midi").glob("*.mid")):
        out[f"midi/{path.name}"] = _sha(path.read_bytes())
    return out


def test_sample_outputs_match_the_recorded_hashes(tmp_path: Path) -> None:
    from scenescore.options import ScoreOptions
    from scenescore.pipeline import score
    from scenescore.render.options import AudioOptions, RenderOptions

    score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"),
          stage_options={"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)})
    folder = tmp_path / "film"
    got = output_hashes(folder)
    assert {k: v for k, v in got.items() if RECORDED.get(k) != v} == {}
    assert set(got) == set(RECORDED)
    # The corrections: one programme start (01:00:00:00) in every deliverable, and the scene
    # table's own times, the clock the cues were spotted on.
    notes = pd.read_csv(folder / "spotting_notes.csv", dtype=str)
    sheet = pd.read_csv(folder / "cue_sheet.csv", dtype=str)
    assert list(notes["start"]) == list(sheet["timing_in"]) and notes["start"].iloc[0] == "01:00:00:00"
    assert list(notes["end"]) == list(sheet["timing_out"])
    assert list(pd.read_csv(folder / "cues.csv", dtype=str)["start"]) == list(notes["start"])
    scenes = pd.read_csv(folder / "scenes.csv")
    assert set(scenes["time_basis"]) == {"estimated"} and scenes["start_s"].iloc[0] == 0.0
    assert (scenes["start_s"].iloc[1:].to_numpy() == scenes["end_s"].iloc[:-1].to_numpy()).all()
    cues = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
    starts = dict(zip(scenes["scene_id"], scenes["start_s"], strict=True))
    assert all(abs(c["start_s"] - starts[c["scene_ids"][0]]) < 1e-3 for c in cues)


if __name__ == "__main__":  # re-record: python tests/test_sample_hashes.py RUN_FOLDER
    print(json.dumps(output_hashes(Path(sys.argv[1])), indent=1))
