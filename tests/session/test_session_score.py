"""``score`` with a spotting.toml: edits honoured, only touched cues re-rendered, locks kept,
a revised draft diffed, bad edits one line and exit 1."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from session_support import SAMPLE, revise

from scenescore.options import ScoreOptions, SegmentOptions
from scenescore.pipeline import score
from scenescore.render.fluidsynth import fluidsynth_available
from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions
from scenescore.session import EditError

needs_fluidsynth = pytest.mark.skipif(not fluidsynth_available(), reason="FluidSynth or a GM SoundFont is missing")
#: The sample squeezed into one minute, synthesized quickly: real audio in a few seconds.
STAGES = {"segment": SegmentOptions(target_runtime_s=60.0),
          "render": RenderOptions(audio=AudioOptions(fluidsynth=FluidSynthOptions(workers=1, reverb=False,
                                                                                  interpolation="linear")))}


def run(script: Path, out: Path, edits: str | None = None, **stages) -> tuple:
    if edits is not None:
        (script.parent / "spotting.toml").write_text(edits, encoding="utf-8")
    result = score(script, options=ScoreOptions(out=str(out), name="lake"), stage_options={**STAGES, **stages})
    return result, result.folder


def outputs(folder: Path, stage: str) -> dict[str, str]:
    return json.loads((folder / "manifest.json").read_text())["stages"][stage]["outputs"]


def mtimes(folder: Path, prefix: str) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.rglob(f"{prefix}*") if p.is_file()}


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "film" / "sample.fountain"
    path.parent.mkdir()
    shutil.copy(SAMPLE, path)
    return path


@needs_fluidsynth
def test_one_cue_edit_re_renders_that_cue_alone_and_a_locked_cue_stays_byte_identical(script: Path,
                                                                                      tmp_path: Path) -> None:
    first, folder = run(script, tmp_path / "runs", '[[cue]]\nid = "1M03"\nlock = true\n')
    assert set(first.statuses.values()) == {"ran"}
    locked = {rel: d for rel, d in outputs(folder, "render").items() if re.search(r"/1M03[._]", rel)}
    before = mtimes(folder, "1M0")
    cues = json.loads((folder / "cues.json").read_text())
    assert [c["cue_id"] for c in cues][:4] == ["1M01", "1M02", "1M03", "1M04"]

    second, _ = run(script, tmp_path / "runs", '[[cue]]\nid = "1M03"\nlock = true\n\n'
                                               '[[cue]]\nid = "1M05"\nmusic = { tempo = 126, key = "E minor" }\n')
    assert second.statuses["spot"] == "ran" and second.statuses["render"] == "ran"
    state = json.loads((folder / "render_state.json").read_text())
    conditions = {json.loads(x)["cue_id"]: json.loads(x) for x in (folder / "conditions.jsonl").read_text().splitlines()}
    assert conditions["1M05"]["tempo_bpm"] == 126 and conditions["1M05"]["key"] == "E"
    after = mtimes(folder, "1M0")
    redone = sorted(n for n in after if after[n] != before.get(n))
    assert redone and all(n.startswith("1M05") for n in redone), redone
    assert state["cues"]["1M05"]["key"] != ""
    report = json.loads((folder / "session_report.json").read_text())
    assert report["changed_by_edits"] == {"1M05": ["[[cue]] #2 1M05"]}
    assert any(c["cue_id"] == "1M05" and "tempo_bpm" in " ".join(c["reasons"]) for c in report["cues"])

    # Other spotting options re-spot the film: the locked cue keeps its files, byte for byte.
    from scenescore.spotting import SpotOptions

    third, _ = run(script, tmp_path / "runs", None, spot=SpotOptions(coverage=1.0))
    assert third.statuses["spot"] == "ran"
    assert {rel: d for rel, d in outputs(folder, "render").items() if re.search(r"/1M03[._]", rel)} == locked
    assert all(after[n] == before[n] for n in mtimes(folder, "1M03") if re.match(r"1M03[._]", n))
    respotted = json.loads((folder / "cues.json").read_text())
    assert [c["scene_ids"] for c in respotted] != [c["scene_ids"] for c in cues]  # spot proposed another film
    locked_now = next(c for c in respotted if c["cue_id"] == "1M03")
    assert locked_now == next(c for c in cues if c["cue_id"] == "1M03")


def test_a_bad_edit_stops_the_run_before_anything_is_written(script: Path, tmp_path: Path, capsys) -> None:
    stages = {**STAGES, "render": replace(STAGES["render"], audio=AudioOptions(backend="none"))}
    (script.parent / "spotting.toml").write_text('[[cue]]\nid = "1M02"\nout = "INT./EXT. THEO\'S PICKUP TRUCK - DAY"\n')
    with pytest.raises(EditError, match=r"spotting.toml: \[\[cue\]\] #1 1M02: cues 1M02 and 1M03 overlap"):
        score(script, options=ScoreOptions(out=str(tmp_path / "runs"), name="lake"), stage_options=stages)
    assert not (tmp_path / "runs" / "lake" / "cues.json").exists()

    from scenescore.cli import main

    (script.parent / "spotting.toml").write_text('[[cue]]\nid = "1M02"\nmusic = { tempo = 0 }\n')
    with pytest.raises(SystemExit) as info:
        main(["score", str(script), "--out", str(tmp_path / "runs"), "--audio", "none", "-q"])
    assert info.value.code == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("error: ") and err[-1].endswith(
        "spotting.toml: [[cue]] #1 1M02: music.tempo: tempo 0 bpm: must be between 30 and 240")


def test_a_revised_draft_keeps_ids_reports_stale_edits_and_diffs(script: Path, tmp_path: Path, capsys) -> None:
    stages = {**STAGES, "render": replace(STAGES["render"], audio=AudioOptions(backend="none"))}
    edits = ('[[scene]]\nscene = "INT. MARSH HOUSE - KITCHEN - NIGHT"\nmusic = "force"\n\n'
             '[[cue]]\nid = "1M08"\nmusic = { ending = "button" }\n')
    run(script, tmp_path / "runs", edits, **stages)
    script.write_text(revise(script.read_text(encoding="utf-8")), encoding="utf-8")
    # the revision is scored from the command line: the console lists what changed
    from scenescore.cli import main

    profile = tmp_path / "profile.toml"
    profile.write_text("[segment]\ntarget_runtime_s = 60.0\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["--config", str(profile), "score", str(script), "--out", str(tmp_path / "runs"), "--name", "lake",
              "--audio", "none", "-q"])
    assert done.value.code == 0
    err = capsys.readouterr().err
    assert "1 of 2 edits applied" in err
    assert "scene inserted: EXT. MARSH HOUSE - GARDEN - DAY" in err
    assert "scene renamed: INT. BOATHOUSE - NIGHT → INT. WORKSHOP - NIGHT" in err
    assert "edit [[scene]] #1 INT. MARSH HOUSE - KITCHEN - NIGHT no longer applies" in err
    folder = tmp_path / "runs" / "lake"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 'id="session"' in html and "scene deleted: INT. MARSH HOUSE - KITCHEN - NIGHT" in html
    assert "[[scene]] #1 INT. MARSH HOUSE - KITCHEN - NIGHT: stale" in html
    report = json.loads((folder / "session_report.json").read_text())
    assert report["scenes"]["inserted"] == ["EXT. MARSH HOUSE - GARDEN - DAY"]
    assert report["scenes"]["deleted"] == ["INT. MARSH HOUSE - KITCHEN - NIGHT"]
    assert report["scenes"]["renamed"] == [["INT. BOATHOUSE - NIGHT", "INT. WORKSHOP - NIGHT"]]
    notes = {n["edit"]: n for n in report["edits"]}
    assert notes["[[scene]] #1 INT. MARSH HOUSE - KITCHEN - NIGHT"]["status"] == "stale"
    assert notes["[[cue]] #1 1M08"]["status"] == "applied"
    assert any(line.startswith("scene inserted: EXT. MARSH HOUSE - GARDEN - DAY") for line in report["lines"])
    assert any("no longer applies" in line for line in report["lines"])
