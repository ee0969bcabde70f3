from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.render.fluidsynth import fluidsynth_available

SCRIPT = """\
                              THE KEEPER

                              written by
                              A. Writer

FADE IN:

1     INT. LIGHTHOUSE - NIGHT                                     1

     Wind. A lamp turns. NORA (60s) climbs the stairs.

                         NORA
               (to herself)
          Almost there.

                                                       CUT TO:

2     EXT. CLIFF - DAY                                            2

     The sea below.
"""


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "keeper.txt"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


def test_parse_jsonl_one_object_per_line(script: Path) -> None:
    result = CliRunner().invoke(app, ["parse", str(script), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["line"] for r in rows] == list(range(1, SCRIPT.count("\n") + 1))
    assert [r["text"] for r in rows] == SCRIPT.splitlines()
    types = {r["text"].strip(): r["type"] for r in rows if r["text"].strip()}
    assert types["NORA"] == "character"
    assert types["(to herself)"] == "parenthetical"
    assert types["Almost there."] == "dialogue"
    assert types["CUT TO:"] == "transition"
    assert types["written by"] == "metadata"
    assert types["1     INT. LIGHTHOUSE - NIGHT                                     1"] == "scene_heading"


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".json"])
def test_segment_writes_table(script: Path, tmp_path: Path, suffix: str) -> None:
    from scenescore.io import read_scene_table

    out = tmp_path / f"scenes{suffix}"
    result = CliRunner().invoke(app, ["segment", str(script), "-o", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    frame = read_scene_table(out)
    assert list(frame["heading"]) == ["INT. LIGHTHOUSE - NIGHT", "EXT. CLIFF - DAY"]
    assert list(frame["number"].astype(str)) == ["1", "2"]
    assert list(frame["characters"][0]) == ["NORA"]
    first_dialogue = frame["dialogue"][0][0]
    assert first_dialogue["speaker"] == "NORA" and first_dialogue["parenthetical"] == "(to herself)"
    assert isinstance(frame, pd.DataFrame)


def test_segment_prints_summary(script: Path) -> None:
    result = CliRunner().invoke(app, ["segment", str(script)])
    assert result.exit_code == 0
    assert "LIGHTHOUSE" in result.stdout and "2 scenes" in result.stdout


def test_unknown_table_suffix_is_an_error(script: Path, tmp_path: Path) -> None:
    from scenescore.errors import OutputError

    result = CliRunner().invoke(app, ["segment", str(script), "-o", str(tmp_path / "x.xlsx"), "-q"])
    assert isinstance(result.exception, OutputError)
    assert not (tmp_path / "x.xlsx").exists()


def test_help_imports_nothing_heavy() -> None:
    code = ("import sys, scenescore.cli\n"
            "heavy = [m for m in ('torch', 'transformers', 'pandas', 'pyarrow', 'pdfplumber', 'music21',"
            " 'openai', 'ray', 'spacy') if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_runs() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "segment" in result.stdout


def test_config_profile_and_flag_precedence(script: Path, tmp_path: Path) -> None:
    from scenescore.io import read_scene_table

    profile = tmp_path / "profile.toml"
    profile.write_text("[segment]\ntarget_runtime_s = 120.0\n", encoding="utf-8")
    out = tmp_path / "scenes.csv"
    result = CliRunner().invoke(app, ["--config", str(profile), "segment", str(script), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert read_scene_table(out)["est_seconds"].sum() == pytest.approx(120, abs=0.05)
    result = CliRunner().invoke(app, ["--config", str(profile), "segment", str(script), "-o", str(out), "-q",
                                      "--target-runtime", "3"])
    assert read_scene_table(out)["est_seconds"].sum() == pytest.approx(180, abs=0.05)


def test_config_with_unknown_key_is_refused(script: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from scenescore.cli import main

    profile = tmp_path / "profile.toml"
    profile.write_text("[segment]\nlines_per_pag = 50\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["--config", str(profile), "segment", str(script)])
    assert info.value.code == 1
    assert "unknown key(s) in [segment]: lines_per_pag" in capsys.readouterr().err


def test_score_end_to_end_with_audio(tmp_path: Path) -> None:
    """The README's main job: the sample screenplay to a temp score, offline."""
    import wave

    if not fluidsynth_available():
        pytest.skip("fluidsynth is not installed (scripts/setup.sh installs it as root)")
    sample = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "sample.fountain"
    result = CliRunner().invoke(app, ["score", str(sample), "--out", str(tmp_path), "--name", "film"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "film"
    cues = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
    assert len(cues) >= 5 and cues[0]["cue_id"] == "1M01"
    for cue in cues:
        assert (folder / "midi" / f"{cue['cue_id']}.mid").exists()
        assert (folder / "xml" / f"{cue['cue_id']}.musicxml").exists()
        assert list((folder / "audio").glob(f"{cue['cue_id']}_*.wav"))
    with wave.open(str(folder / "audio" / "temp_score.wav")) as wav:
        assert wav.getframerate() == 48000 and wav.getsampwidth() == 3
        assert wav.getnframes() / 48000 >= cues[-1]["end_s"] - 1
    sheet = (folder / "cue_sheet.csv").read_text(encoding="utf-8").splitlines()
    assert len(sheet) == len(cues) + 1 and all("TEMP" in row for row in sheet[1:])
    assert "1M01" in result.stdout


def test_shipped_profiles_are_valid() -> None:
    """Every profile in configs/ parses, names only known options, and says what it means."""
    from scenescore.config import check_config, options_from_config, read_config

    folder = Path(__file__).resolve().parents[1] / "configs"
    profiles = sorted(folder.glob("*.toml"))
    assert {p.name for p in profiles} >= {"default.toml", "draft.toml"}
    for path in profiles:
        check_config(read_config(path))
    draft = options_from_config(read_config(folder / "draft.toml"), "render").audio.fluidsynth
    assert (draft.interpolation, draft.reverb) == ("linear", False)
