"""``scenescore spot`` and ``scenescore translate``, in process."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from translate_support import SAMPLE, FakeOpenAI
from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.conditions import read_conditions
from scenescore.errors import OptionsError
from scenescore.spotting import NOTES_COLUMNS


def test_spot_writes_spotting_notes(tmp_path) -> None:
    out = tmp_path / "cues.csv"
    result = CliRunner().invoke(app, ["spot", str(SAMPLE), "-o", str(out), "--fps", "25"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, keep_default_na=False)
    assert tuple(frame.columns) == NOTES_COLUMNS and len(frame) >= 6
    assert frame["cue"].iloc[0] == "1M01" and frame["start"].iloc[0] == "01:00:00:00"  # the programme start
    assert all(int(tc.split(":")[3]) < 25 for tc in frame["end"])
    assert "1M01" in result.stdout


def test_translate_rules_writes_conditions_and_notes(tmp_path) -> None:
    out, notes = tmp_path / "conditions.jsonl", tmp_path / "cues.csv"
    result = CliRunner().invoke(app, ["translate", str(SAMPLE), "-o", str(out), "--notes", str(notes),
                                      "--style", "sparse piano and strings, 1970s thriller", "-q"])
    assert result.exit_code == 0, result.output
    conditions = read_conditions(out)
    assert conditions and all(c.backend == "rules" for c in conditions)
    assert all(c.genre == "1970s thriller film score" for c in conditions)
    assert len(pd.read_csv(notes)) == len(conditions)


def test_translate_prints_jsonl_without_output() -> None:
    result = CliRunner().invoke(app, ["translate", str(SAMPLE), "-q"])
    assert result.exit_code == 0
    assert result.stdout.count('"cue_id"') == result.stdout.count("\n") >= 6


def test_translate_openai_through_the_cli(tmp_path, monkeypatch) -> None:
    pytest.importorskip("openai")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    out = tmp_path / "conditions.jsonl"
    with FakeOpenAI() as server:
        result = CliRunner().invoke(app, [
            "translate", str(SAMPLE), "-o", str(out), "-b", "openai", "--base-url", server.base_url,
            "--model", "fake-model", "--cache-dir", str(tmp_path / "cache"), "-q"])
        assert result.exit_code == 0, result.output
        conditions = read_conditions(out)
        n = len(conditions)
        assert all(c.backend == "openai" for c in conditions) and len(server.requests) == n
        assert f"tokens: {120 * n} prompt + {80 * n} completion in {n} requests" in result.stderr
        again = CliRunner().invoke(app, [
            "translate", str(SAMPLE), "-o", str(out), "-b", "openai", "--base-url", server.base_url,
            "--model", "fake-model", "--cache-dir", str(tmp_path / "cache"), "-q"])
        assert again.exit_code == 0 and f"{n} cached" in again.stderr and len(server.requests) == n


def test_unknown_backend_is_an_options_error() -> None:
    result = CliRunner().invoke(app, ["translate", str(SAMPLE), "-b", "magic", "-q"])
    assert isinstance(result.exception, OptionsError)
    assert "known: rules, openai, local" in str(result.exception)


def test_importing_the_commands_stays_light() -> None:
    code = ("import sys, scenescore.cli.translate\n"
            "print(','.join(m for m in ('pandas', 'openai', 'transformers', 'torch', 'pydantic',"
            " 'scenescore.conditions', 'scenescore.spotting') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_config_tables_then_flags(tmp_path, monkeypatch) -> None:
    from scenescore.conditions import TranslateOptions
    from scenescore.config import OPTION_TABLES
    from scenescore.spotting import SpotOptions

    monkeypatch.setitem(OPTION_TABLES, "spot", SpotOptions)
    monkeypatch.setitem(OPTION_TABLES, "translate", TranslateOptions)
    profile = tmp_path / "profile.toml"
    profile.write_text('[spot]\nfps = 30\ntimecode_start_s = 3600.0\n\n'
                       '[translate]\nstyle = "warm folk guitar"\n', encoding="utf-8")
    notes, out = tmp_path / "cues.csv", tmp_path / "c.jsonl"
    result = CliRunner().invoke(app, ["--config", str(profile), "translate", str(SAMPLE), "-o", str(out),
                                      "--notes", str(notes), "--fps", "25", "-q"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(notes, keep_default_na=False)
    assert frame["start"].iloc[0] == "01:00:00:00"  # from the profile
    assert max(int(tc.split(":")[3]) for tc in frame["end"]) < 25  # the flag wins over fps = 30
    assert all(c.genre == "warm folk film score" for c in read_conditions(out))


def test_options_modules_are_light_for_the_config_loader() -> None:
    code = ("import sys\n"
            "from scenescore.conditions.options import TranslateOptions\n"
            "from scenescore.spotting import SpotOptions\n"
            "import scenescore.conditions as c\n"
            "assert sorted(c.__all__) == sorted(c._EXPORTS)\n"
            "print(','.join(m for m in ('pydantic', 'pandas', 'openai', 'scenescore.emotion')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
