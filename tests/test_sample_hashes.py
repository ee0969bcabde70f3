"""The sample's outputs do not drift: the same scenes, emotions, cues, conditions and MIDI as the
hashes recorded from ``main`` before issue 13 restructured the stages (commit 71ca619).

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
    "scenes": "77b805121fef978ad36cf7bcd9b9f7275fac764b398727fea5dec8a4dc1f4de2",
    "emotions.csv": "4b21a1b272bfc97789a700ea60961f164b948c167bb17e332f968aa4b99a0dcf",
    "cues.json": "eabc972b2859a93d6f1c548ba2fcd12ba1edd1cde53020cbe3d0a2457bfd9266",
    "conditions.jsonl": "228da35c6f2452d45fe58a9bec68fdf1ab8d879dacd5e3c9f8899ab1a3879b8f",
    "cue_sheet.csv": "0a3c278eaf023e944d24e2dee11b4413c4032f053759b9c47fc52ba8a8dacbcb",
    "spotting_notes_untimed": "4e63baede057b7482f12fd08fe6da9d1a63c33c7b36e01248f69a7d6e5bacfe6",
    "midi/1M01.mid": "45a9249c0ead467d1e9746a9ff1356384992904ecc0cdb7af2c8342446939c40",
    "midi/1M02.mid": "80a1cbcf2eaa3ddd0ec8f9527cfb427d15a0fe2a1576cc61a7138f76173516fb",
    "midi/1M03.mid": "164a44c8883f9edd9370036540bedae33fd2500d72cfd16ca22272bc3d533408",
    "midi/1M04.mid": "be68cd20138a11b34ef3b4df9313019a4e94773d80cd56b750695953929ed705",
    "midi/1M05.mid": "ef8bfa8c1931d6172f6f55593740733057ca71090512f8f3a8808c1e7595eef7",
    "midi/1M06.mid": "d71e33cab5c82badc0a73db7a97ff2a21a95860c21f8208cbb51b9a6a8432337",
    "midi/1M07.mid": "c47a08d31a78aec6b5b8e08c1bf5179f77c6cdd327685a7ec619a1d167b5242d",
    "midi/1M08.mid": "0ce8f8af32d1f614f66f7b7e3e195944d7bda2eb58037859ed6d0d786d9e2c3b",
    "midi/1M09.mid": "b1d56f2733ad3130c21140f40aad3e9e162fa7cd8f6cc768ab598acd30c4739c",
    "midi/score.mid": "b21fd9a9557c984fbb4cfb0c0a8a14621d87aef7c78cbdf840f2c09cec1e08ee",
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
    got = output_hashes(tmp_path / "film")
    assert {k: v for k, v in got.items() if RECORDED.get(k) != v} == {}
    assert set(got) == set(RECORDED)


if __name__ == "__main__":  # re-record: python tests/test_sample_hashes.py RUN_FOLDER
    print(json.dumps(output_hashes(Path(sys.argv[1])), indent=1))
