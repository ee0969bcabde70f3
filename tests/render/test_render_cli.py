"""The render and sketch commands, in-process."""

from __future__ import annotations

import json
import subprocess
import sys

from render_support import condition, theme
from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.render.metrics import read_midi

runner = CliRunner()


def test_sketch_command_writes_a_midi_file(tmp_path):
    out = tmp_path / "s.mid"
    result = runner.invoke(app, ["sketch", "--valence", "-0.5", "--arousal", "0.7", "--seconds", "12",
                                 "--seed", "3", "--theme", "Ella", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reading = read_midi(out.read_bytes())
    assert reading.duration_s == __import__("pytest").approx(12, abs=0.01)
    assert any("ELLA" in n for n in reading.track_names)
    again = tmp_path / "t.mid"
    runner.invoke(app, ["sketch", "--valence", "-0.5", "--arousal", "0.7", "--seconds", "12", "--seed", "3",
                        "--theme", "Ella", "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_render_command_from_jsonl_and_spotting_notes(tmp_path):
    conditions = [condition("1M01", seconds=5, themes=[theme("statement")]),
                  condition("1M02", seconds=4, themes=[theme("mode_change")])]
    jsonl = tmp_path / "conditions.jsonl"
    jsonl.write_text("".join(c.model_dump_json() + "\n" for c in conditions))
    cues = tmp_path / "cues.csv"
    cues.write_text("cue,start,start_s\n1M01,00:00:10:00,10.0\n1M02,00:00:20:00,20.0\n")
    out = tmp_path / "run"
    result = runner.invoke(app, ["render", str(jsonl), "--cues", str(cues), "-o", str(out), "--audio", "none",
                                 "--fps", "25"])
    assert result.exit_code == 0, result.output
    assert (out / "midi" / "1M01.mid").exists() and (out / "midi" / "score.mid").exists()
    assert (out / "xml" / "1M02.musicxml").exists()
    assert json.loads((out / "themes.json").read_text())["history"][1]["transformation"] == "mode_change"
    reading = read_midi((out / "midi" / "1M02.mid").read_bytes())
    assert reading.smpte_offset == (1, 0, 20, 0, 0)
    assert "1M02" in result.output


def test_render_command_reports_bad_input_in_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"cue_id": "1M01"}\n')
    result = subprocess.run([sys.executable, "-m", "scenescore.cli", "render", str(bad), "-o", str(tmp_path / "o")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "line 1: not a music condition" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_import_stays_light():
    code = ("import sys, scenescore.cli; heavy = [m for m in ('torch', 'transformers', 'numpy', 'mido', "
            "'music21') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_render_reads_the_render_table(tmp_path):
    jsonl = tmp_path / "conditions.jsonl"
    jsonl.write_text(condition("1M01", seconds=5).model_dump_json() + "\n")
    profile = tmp_path / "profile.toml"
    profile.write_text('[render]\nmusicxml = false\n\n[render.audio]\nbackend = "none"\n')
    out = tmp_path / "run"
    result = runner.invoke(app, ["--config", str(profile), "render", str(jsonl), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "midi" / "1M01.mid").exists()
    assert not (out / "xml").exists() and not (out / "audio").exists()
    flagged = tmp_path / "flagged"
    result = runner.invoke(app, ["--config", str(profile), "render", str(jsonl), "-o", str(flagged), "-q", "--xml"])
    assert result.exit_code == 0 and (flagged / "xml" / "1M01.musicxml").exists()  # the flag wins


def test_sketch_reads_the_render_table(tmp_path):
    profile = tmp_path / "profile.toml"
    profile.write_text("[render.sketch]\nseed = 7\n")
    args = ["sketch", "--valence", "0.2", "--arousal", "0.4", "--seconds", "8"]
    from_profile, seeded, default = tmp_path / "p.mid", tmp_path / "s.mid", tmp_path / "d.mid"
    assert runner.invoke(app, ["--config", str(profile), *args, "-o", str(from_profile)]).exit_code == 0
    assert runner.invoke(app, [*args, "--seed", "7", "-o", str(seeded)]).exit_code == 0
    assert runner.invoke(app, [*args, "-o", str(default)]).exit_code == 0
    assert from_profile.read_bytes() == seeded.read_bytes() != default.read_bytes()
