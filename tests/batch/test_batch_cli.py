"""``scenescore batch`` in-process (typer's CliRunner)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.errors import OptionsError
from scenescore.render.fluidsynth import fluidsynth_available

needs_fluidsynth = pytest.mark.skipif(
    not fluidsynth_available(),
    reason="FluidSynth or a General MIDI SoundFont is missing: apt-get install fluidsynth fluid-soundfont-gm")


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
    # Not a terminal: a plain line per finished film, counted of the total; the failed one says so.
    finished = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert sorted(line.split()[0] for line in finished) == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert [line.split()[2] for line in finished].count("ok") == 3
    assert any(line.split()[1:3] == ["broken", "FAILED:"] and "binary file" in line for line in finished)
    assert all("elapsed" in line for line in finished) and "\x1b[" not in result.stderr

    good = CliRunner().invoke(app, ["batch", *inputs[:2], "--out", str(out), "--executor", "serial", "--to", "translate"],
                              env={"COLUMNS": "200"})
    assert good.exit_code == 0, good.output
    assert "up to date" in good.stdout and "2 ok, 0 failed" in good.stderr

    quiet = CliRunner().invoke(app, ["batch", *inputs[:2], "--out", str(out), "--executor", "serial", "--to", "translate",
                                     "-q"], env={"COLUMNS": "200"})
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stdout == "" and quiet.stderr == ""  # -q and all ok: nothing at all
    quiet = CliRunner().invoke(app, ["batch", inputs[0], inputs[3], "--out", str(out), "--executor", "serial",
                                     "--to", "translate", "-q"], env={"COLUMNS": "200"})
    assert quiet.exit_code == 1 and quiet.stdout == ""
    # -q and a film failed: that film's error and the summary line, no progress and no table
    first = quiet.stderr.splitlines()[0]
    assert first.startswith("broken: failed: ") and "binary file, not a screenplay" in first
    assert "1 ok, 1 failed of 2 films" in quiet.stderr and len(quiet.stderr.splitlines()) == 2


@needs_fluidsynth
def test_batch_command_shows_each_films_audio_off_a_terminal(tmp_path: Path, short_script: Path) -> None:
    profile = tmp_path / "cheap.toml"  # what batch_support.cheap_render sets, as a --config profile
    profile.write_text('[render]\nmusicxml = false\n\n[render.audio]\nsample_rate = 22050\ntemp_track = false\n\n'
                       '[render.audio.fluidsynth]\nreverb = false\ninterpolation = "linear"\nworkers = 1\n',
                       encoding="utf-8")
    result = CliRunner().invoke(app, ["--config", str(profile), "batch", str(short_script), "--out", str(tmp_path / "runs"),
                                      "--workers", "1", "--to", "render"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    audio = [line for line in lines if line.startswith("  short: audio ")]
    finished = next(line for line in lines if line.startswith("[1/1] short ok"))
    cues = int(finished.split("(")[1].split()[0])  # "(4 cues, 2.3 min of music)"
    # a line per quarter of the film's music at most, never for its last cue (the finished line says it)
    assert 1 <= len(audio) <= 3 and all(f"/{cues} cues" in line and "left" in line for line in audio)
    assert lines.index(finished) > lines.index(audio[-1])
    assert (tmp_path / "runs" / "short" / "audio").is_dir()


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
