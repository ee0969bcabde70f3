from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from emotion_support import build_scene
from typer.testing import CliRunner

from scenescore.cli import app, main
from scenescore.emotion import EMOTION_COLUMNS
from scenescore.io import scenes_to_frame, write_table

runner = CliRunner()


def test_analyze_text_prints_one_object_per_line(tmp_path) -> None:
    source = tmp_path / "texts.txt"
    source.write_text("I love this, it is wonderful!\n\nThe gun goes off. Everyone SCREAMS!\n", "utf-8")
    result = runner.invoke(app, ["analyze-text", str(source)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[0]["valence"] > 0.5 and rows[2]["arousal"] > 0.5 and rows[1]["valence"] == 0.0
    assert {"valence", "arousal", "emotions", "confidence", "evidence"} <= set(rows[0])
    assert rows[0]["emotions"][0]["label"] == "joy"


def test_analyze_text_reads_stdin() -> None:
    result = runner.invoke(app, ["analyze-text", "-"], input="calm\nfurious!\n")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 2


def test_analyze_scene_table_writes_emotions(tmp_path) -> None:
    scenes = [build_scene(1, action="She weeps alone."),
              build_scene(2, action="They dance and laugh.", timeline="flashback")]
    table = write_table(scenes_to_frame(scenes), tmp_path / "scenes.csv")
    out = tmp_path / "emotions.parquet"
    result = runner.invoke(app, ["analyze", str(table), "-o", str(out), "--carry", "0.5"])
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(EMOTION_COLUMNS) and len(frame) == 2
    assert frame.iloc[1]["memory_event"] == "open"
    assert frame.iloc[1]["mood"] == "bittersweet" and "turning points" in result.stdout


def test_analyze_screenplay_without_memory(tmp_path, corpus_dir) -> None:
    out = tmp_path / "emotions.csv"
    result = runner.invoke(app, ["analyze", str(corpus_dir / "sample.fountain"), "--no-memory",
                                 "-q", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out)
    assert set(frame["memory_event"]) == {"off"}
    assert (frame["valence"] == frame["context_valence"]).all()


def test_errors_are_one_line_and_exit_1(tmp_path, capsys) -> None:
    source = tmp_path / "t.txt"
    source.write_text("hello\n", "utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["analyze-text", str(source), "--backend", "nope"])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unknown emotion backend 'nope'") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exc:
        main(["analyze", str(tmp_path / "missing.csv")])
    assert exc.value.code == 1


def test_cli_import_stays_light() -> None:
    code = ("import sys, scenescore.cli, scenescore.emotion, scenescore.memory; "
            "print(sorted(m for m in ('torch', 'transformers', 'openai') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
