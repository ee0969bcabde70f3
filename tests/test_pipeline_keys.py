"""Runs never serve stale results: an upgrade or a changed shipped data file re-runs the stages
that depend on it, and only those."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scenescore.options import ScoreOptions
from scenescore.pipeline import engine
from scenescore.pipeline.stages import STAGE_DATA
from scenescore.render.options import AudioOptions, RenderOptions

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "sample.fountain"
FAST = {"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)}


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped data folder standing in for it (the files the keys hash)."""
    copy = tmp_path / "data"
    shutil.copytree(engine.DATA_DIR, copy)
    monkeypatch.setattr(engine, "DATA_DIR", copy)
    return copy


def engine_score(tmp_path: Path):  # noqa: ANN201
    from scenescore.pipeline import score

    return score(SAMPLE, options=ScoreOptions(out=str(tmp_path / "runs"), name="film"), stage_options=FAST)


def test_a_changed_lexicon_reruns_analyze_and_what_follows_never_segment(tmp_path: Path, data_dir: Path) -> None:
    assert set(engine_score(tmp_path).statuses.values()) == {"ran"}
    assert set(engine_score(tmp_path).statuses.values()) == {"skipped"}
    with (data_dir / "affect_lexicon.tsv").open("a", encoding="utf-8") as lexicon:
        lexicon.write("\n")  # any change to the file's bytes
    statuses = engine_score(tmp_path).statuses
    assert statuses["segment"] == "skipped"
    assert {statuses[s] for s in ("analyze", "spot", "translate", "render", "deliver")} == {"ran"}
    assert set(engine_score(tmp_path).statuses.values()) == {"skipped"}


def test_a_new_model_file_reruns_only_the_stage_that_declares_it(tmp_path: Path, data_dir: Path) -> None:
    engine_score(tmp_path)
    assert "sketch*" in STAGE_DATA["render"]
    (data_dir / "sketch_weights.npz").write_bytes(b"\x00" * 64)
    statuses = engine_score(tmp_path).statuses
    assert [s for s, v in statuses.items() if v == "ran"] == ["render", "deliver"]


def test_a_data_file_no_stage_claims_reruns_every_stage(tmp_path: Path, data_dir: Path) -> None:
    engine_score(tmp_path)
    (data_dir / "mystery_model.bin").write_bytes(b"weights")
    assert set(engine_score(tmp_path).statuses.values()) == {"ran"}
    (data_dir / "README.md").write_text("documentation only\n", encoding="utf-8")
    assert set(engine_score(tmp_path).statuses.values()) == {"skipped"}


def test_an_upgrade_reruns_every_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine_score(tmp_path)
    monkeypatch.setattr(engine, "__version__", "99.0.0")
    result = engine_score(tmp_path)
    assert set(result.statuses.values()) == {"ran"}
    assert {r["code"]["scenescore"] for r in result.manifest["stages"].values()} == {"99.0.0"}


def test_a_code_change_reruns_the_stage_that_runs_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between releases the version stays put; the source digest still sees the change."""
    copy = tmp_path / "scenescore"
    shutil.copytree(engine.SOURCE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    monkeypatch.setattr(engine, "SOURCE_DIR", copy)
    engine_score(tmp_path)
    with (copy / "render" / "midi.py").open("a", encoding="utf-8") as module:
        module.write("\n# a change to render\n")
    statuses = engine_score(tmp_path).statuses
    assert [s for s, v in statuses.items() if v == "ran"] == ["render", "deliver"]
    with (copy / "report" / "templates" / "report.html.j2").open("a", encoding="utf-8") as template:
        template.write("\n")
    statuses = engine_score(tmp_path).statuses
    assert [s for s, v in statuses.items() if v == "ran"] == ["deliver"]
