"""``--config`` reaches every command, and a bad profile is one line naming the file and the key.

The per-command tests of ``align`` and ``corpus`` sit beside their fixtures (tests/align,
tests/corpus); ``render`` and ``sketch`` in tests/render.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from scenescore.cli import app, main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
runner = CliRunner()


def _profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run ``main`` as the console does; the one stderr line of a refused run."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


# ---------------------------------------------------------------------------------------------
# Each command reads its tables from the profile
# ---------------------------------------------------------------------------------------------


def test_parse_reads_the_ingest_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(tmp_path, "[ingest]\nmax_bytes = 100\n")
    err = _refused(["--config", str(profile), "parse", str(SAMPLE)], capsys)
    assert "sample.fountain" in err and "100" in err
    # A flag still wins over the profile.
    result = runner.invoke(app, ["--config", str(profile), "parse", str(SAMPLE), "--max-mb", "1"])
    assert result.exit_code == 0, result.output


def test_analyze_reads_its_tables(tmp_path: Path) -> None:
    profile = _profile(tmp_path, "[analyze]\ntop_emotions = 1\n\n[memory]\nenabled = false\n")
    out = tmp_path / "emotions.json"
    result = runner.invoke(app, ["--config", str(profile), "analyze", str(SAMPLE), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert rows and all(len(row["emotions"]) == 1 for row in rows)
    default = tmp_path / "default.json"
    runner.invoke(app, ["analyze", str(SAMPLE), "-o", str(default), "-q"])
    assert max(len(row["emotions"]) for row in json.loads(default.read_text(encoding="utf-8"))) > 1


def test_analyze_text_reads_the_analyze_table(tmp_path: Path) -> None:
    lines = tmp_path / "lines.txt"
    lines.write_text("I love you and I am afraid of the dark storm.\n", encoding="utf-8")
    profile = _profile(tmp_path, "[analyze]\ntop_emotions = 1\n")
    result = runner.invoke(app, ["--config", str(profile), "analyze-text", str(lines)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["emotions"]) == 1
    plain = runner.invoke(app, ["analyze-text", str(lines)])
    assert len(json.loads(plain.stdout)["emotions"]) > 1


def test_spot_reads_the_spot_table(tmp_path: Path) -> None:
    profile = _profile(tmp_path, "[spot]\ntimecode_start_s = 3600.0\n")
    notes = tmp_path / "cues.csv"
    result = runner.invoke(app, ["--config", str(profile), "spot", str(SAMPLE), "-o", str(notes), "-q"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(notes, keep_default_na=False)
    assert frame["start"].iloc[0].startswith("01:")


def test_translate_reads_the_translate_table(tmp_path: Path) -> None:
    profile = _profile(tmp_path, '[translate]\nstyle = "warm folk guitar"\n')
    out = tmp_path / "conditions.jsonl"
    result = runner.invoke(app, ["--config", str(profile), "translate", str(SAMPLE), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    conditions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert conditions and all(c["genre"] == "warm folk film score" for c in conditions)


def test_score_reads_the_score_and_stage_tables(tmp_path: Path) -> None:
    profile = _profile(tmp_path, f'[score]\nout = "{(tmp_path / "runs").as_posix()}"\n'
                                 'name = "from-profile"\nstop = "spot"\n\n'
                                 "[spot]\ncoverage = 1.0\n")
    result = runner.invoke(app, ["--config", str(profile), "score", str(SAMPLE), "-q"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "runs" / "from-profile"
    cues = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
    assert not (folder / "conditions.jsonl").exists()  # stopped after spot, as the profile says
    scored = {s for c in cues for s in c["scene_ids"]}
    assert len(scored) == 21  # coverage 1.0: every scene has music (the default leaves some dry)


def test_batch_reads_the_batch_and_score_tables(tmp_path: Path) -> None:
    profile = _profile(tmp_path, f'[batch]\nexecutor = "serial"\n\n[score]\nstop = "segment"\n'
                                 f'out = "{(tmp_path / "runs").as_posix()}"\n')
    result = runner.invoke(app, ["--config", str(profile), "batch", str(SAMPLE)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    folder = tmp_path / "runs" / "sample"
    assert (folder / "scenes.parquet").is_file() and not (folder / "cues.json").exists()


# ---------------------------------------------------------------------------------------------
# A bad profile: one line naming the file, the table and the key; exit 1
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ('[spot]\ncoverage = "0.5"\n', '[spot] coverage = "0.5": input should be a valid number'),
    ("[spot]\ncoverage = 1.5\n", "[spot] coverage = 1.5: input should be less than or equal to 1"),
    ("[segment]\nlines_per_pag = 50\n", "unknown key(s) in [segment]: lines_per_pag; known: "),
    ("[render.audio.fluidsynth]\nreverb = 1\n", "[render.audio.fluidsynth] reverb = 1: input should be a valid boolean"),
    ("[render.audio]\nfluidsynt = {}\n", "unknown key(s) in [render.audio]: fluidsynt"),
    ("[memory]\ncarry = -0.1\n", "[memory] carry = -0.1: input should be greater than or equal to 0"),
    ("[corpus]\nworkers = -2\n", "[corpus] workers = -2: input should be greater than or equal to 0"),
    ("[corpus]\nbase_url = \"ftp://x\"\n", "[corpus] base_url = \"ftp://x\": base_url must be an http(s) URL"),
    ("[score]\nseed = 1.5\n", "[score] seed = 1.5: input should be a valid integer"),
    ("[rendr]\nmusicxml = false\n", "unknown config table(s): rendr"),
    ("coverage = 0.5\n", "unknown config table(s): coverage"),
    ("[spot\n", "invalid TOML"),
])
def test_a_bad_profile_is_one_line_naming_file_and_key(tmp_path: Path, text: str, expected: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(tmp_path, text)
    err = _refused(["--config", str(profile), "segment", str(SAMPLE), "-q"], capsys)
    assert f"error: {profile}: " in err
    assert expected in err


def test_every_problem_of_a_profile_is_in_the_one_line(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    profile = _profile(tmp_path, '[spot]\ncoverage = "0.5"\nfps = 0\n\n[analyze]\nbackend = 3\n')
    err = _refused(["--config", str(profile), "parse", str(SAMPLE)], capsys)
    assert "[spot] coverage" in err and "[spot] fps = 0" in err and "[analyze] backend = 3" in err


def test_a_good_profile_keeps_toml_arrays_as_the_options_tuples(tmp_path: Path) -> None:
    from scenescore.config import options_from_config, read_config

    profile = _profile(tmp_path, "[memory]\nreset_at = [3, 5]\n\n[render.midi]\nprogramme_start = [0, 59, 58, 0]\n"
                                 "\n[segment]\ntarget_runtime_s = 90\n")
    config = read_config(profile)
    assert options_from_config(config, "memory").reset_at == (3, 5)
    assert options_from_config(config, "render").midi.programme_start == (0, 59, 58, 0)
    assert options_from_config(config, "segment").target_runtime_s == 90.0


def test_the_shipped_profiles_pass_the_strict_check() -> None:
    from scenescore.config import read_config

    for path in sorted((ROOT / "configs").glob("*.toml")):
        read_config(path)


# ---------------------------------------------------------------------------------------------
# The package's shape
# ---------------------------------------------------------------------------------------------


def test_python_dash_m_scenescore_runs_the_app(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "scenescore", "--version"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("scenescore ")
    bad = _profile(tmp_path, '[spot]\ncoverage = "0.5"\n')
    result = subprocess.run([sys.executable, "-m", "scenescore", "--config", str(bad), "parse", str(SAMPLE)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "[spot] coverage" in result.stderr


def test_the_cli_modules_import_only_common_and_the_library() -> None:
    """No circle: a command module imports ``scenescore.cli.common`` and the library, never the
    app or another command module; ``common`` imports no other CLI module."""
    import ast

    folder = ROOT / "src" / "scenescore" / "cli"
    groups = {p.stem for p in folder.glob("*.py")} - {"__init__", "__main__", "app", "common"}
    assert groups >= {"segment", "score", "corpus", "emotion", "translate", "render", "batch", "align"}
    for name in [*groups, "common"]:
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
                imported.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
        cli = {m for m in imported if m == "scenescore.cli" or m.startswith("scenescore.cli.")}
        allowed = set() if name == "common" else {"scenescore.cli.common"} | {
            m for m in cli if m.startswith("scenescore.cli.common.")}
        assert cli <= allowed, f"{name}.py imports {sorted(cli - allowed)}"
