"""--executor ray on a local Ray cluster started by the test (two CPUs, no dashboard)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenescore.batch import BatchOptions, FilmProgress, FilmResult, batch
from scenescore.options import ScoreOptions

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'scenescore[distributed]'")


def test_cli_starts_and_stops_its_own_local_ray(tmp_path: Path, inputs: list[str]) -> None:
    """Runs first: with no Ray in this process, ``--executor ray`` starts one and shuts it down."""
    from typer.testing import CliRunner

    from scenescore.cli import app

    if ray.is_initialized():
        pytest.skip("Ray is already running in this process")
    result = CliRunner().invoke(app, ["batch", *inputs[:2], "--out", str(tmp_path), "--executor", "ray", "--to", "translate",
                                      "--workers", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "2 ok, 0 failed" in result.stderr
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def test_batch_on_a_local_ray_cluster(local_ray: None, tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "runs"
    heard: list[FilmResult | FilmProgress] = []
    report = batch(inputs, options=BatchOptions(executor="ray"), score_options=ScoreOptions(stop="translate", out=str(out)),
                   progress=heard.append, film_progress=heard.append)
    assert [f.status for f in report.films] == ["ok", "ok", "ok", "failed"]
    for film in report.ok:  # every stage it ran, from its Ray task, between its running and its ok
        mine = [e for e in heard if e.film == film.film]
        inside = [e.stage for e in mine if isinstance(e, FilmProgress)]
        assert inside == [name for name, state in film.stages.items() if state == "ran"]
        assert mine[0].status == "queued" and mine[1].status == "running" and mine[-1].status == "ok"
    assert "binary file" in (report.films[3].error or "")
    assert all((out / f.film / "manifest.json").is_file() for f in report.ok)
    assert all(f.scenes and f.cues for f in report.ok)
    with open(report.summary, newline="", encoding="utf-8") as fh:
        assert [r["status"] for r in csv.DictReader(fh)] == ["ok", "ok", "ok", "failed"]
    assert ray.is_initialized()  # a Ray the caller started is left running for the caller
