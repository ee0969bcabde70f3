"""``scenescore batch`` in-process (typer's CliRunner)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.errors import OptionsError


def test_batch_command_reports_each_film_and_exits_1_when_one_failed(tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "runs"
    result = CliRunner().invoke(app, ["batch", *inputs, "--out", str(out), "--workers", "2", "--to", "translate"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "3 ok, 1 failed" in result.stderr
    table = result.stdout
    for name in ("sample-fountain", "sample-fdx", "sample-html", "broken"):
        assert name in table
    assert "binary file, not a screenplay" in table
    assert (out / "batch_summary.csv").is_file()

    good = CliRunner().invoke(app, ["batch", *inputs[:2], "--out", str(out), "--executor", "serial", "--to", "translate"],
                              env={"COLUMNS": "200"})
    assert good.exit_code == 0, good.output
    assert "up to date" in good.stdout and "2 ok, 0 failed" in good.stderr


def test_batch_command_over_a_corpus_genre(tmp_path: Path, corpus_store: Path) -> None:
    result = CliRunner().invoke(app, ["batch", "--to", "translate", "--corpus", str(corpus_store), "--genre", "thriller",
                                      "--out", str(tmp_path), "--executor", "serial", "--to", "segment"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "cold-water" in result.stdout and "marrow-lake" not in result.stdout
    assert (tmp_path / "cold-water" / "scenes.parquet").is_file()
    assert not (tmp_path / "cold-water" / "cues.json").exists()


def test_batch_command_bad_executor_is_an_options_error(tmp_path: Path, inputs: list[str]) -> None:
    result = CliRunner().invoke(app, ["batch", *inputs, "--out", str(tmp_path), "--executor", "nope"])
    assert result.exit_code == 1 and isinstance(result.exception, OptionsError)


def test_importing_the_cli_does_not_import_batch_machinery() -> None:
    code = ("import sys, scenescore.cli; "
            "bad = [m for m in ('ray', 'scenescore.batch', 'concurrent.futures.process') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
