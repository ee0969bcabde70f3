"""A run whose translation fell back to the rules says it is degraded and retries next time."""

from __future__ import annotations

import json
from pathlib import Path

from translate_support import FakeOpenAI, error, good
from typer.testing import CliRunner

from scenescore.cli import app
from scenescore.cli.score import EXIT_DEGRADED

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


def _score(tmp_path: Path, profile: Path) -> object:
    return CliRunner().invoke(app, ["--config", str(profile), "score", str(SAMPLE), "--out", str(tmp_path / "runs"),
                                    "--name", "film", "--llm", "openai:tiny-model", "--audio", "none", "-q"])


def test_fallback_run_is_degraded_and_the_next_run_retries(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    folder = tmp_path / "runs" / "film"
    with FakeOpenAI(lambda request: error(500, "model melted")) as server:
        profile = tmp_path / "llm.toml"
        profile.write_text(f'[translate]\nbase_url = "{server.base_url}"\ncache = false\nmax_retries = 0\n'
                           "[render]\nmusicxml = false\n", encoding="utf-8")
        first = _score(tmp_path, profile)
        assert first.exit_code == EXIT_DEGRADED, first.output
        assert "degraded" in first.output and "fell back to the rules" in first.output
        asked = len(server.requests)
        assert asked > 0
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["stages"]["translate"]["status"] == "degraded"
        assert "fell back to the rules" in manifest["degraded"]["translate"]
        assert "Degraded run" in (folder / "report.html").read_text(encoding="utf-8")

        # Still failing: the stage is asked again (not skipped), and the run is still degraded.
        again = _score(tmp_path, profile)
        assert again.exit_code == EXIT_DEGRADED, again.output
        assert len(server.requests) > asked
        render_before = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["stages"]["render"]

        # The server recovers: the retry succeeds, the conditions change, so render and deliver
        # run again from them, and the run is clean.
        server.default = lambda request: good()
        fixed = _score(tmp_path, profile)
        assert fixed.exit_code == 0, fixed.output
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "degraded" not in manifest
    assert {s["status"] for s in manifest["stages"].values()} == {"done"}
    conditions = [json.loads(line) for line in (folder / "conditions.jsonl").read_text().splitlines()]
    assert {c["backend"] for c in conditions} == {"openai"}
    assert "Degraded run" not in (folder / "report.html").read_text(encoding="utf-8")
    # render ran again from the new conditions (with -q the console has no stage lines since issue 18)
    assert manifest["stages"]["render"]["inputs"] != render_before["inputs"]
    assert manifest["stages"]["render"]["outputs"] != render_before["outputs"]


def test_batch_reports_a_degraded_film(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import csv

    from scenescore.batch import BatchOptions, batch
    from scenescore.conditions.options import TranslateOptions
    from scenescore.options import ScoreOptions
    from scenescore.render.options import AudioOptions, RenderOptions

    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    with FakeOpenAI(lambda request: error(503, "overloaded")) as server:
        translate = TranslateOptions(backend="openai", model="tiny-model", base_url=server.base_url,
                                     cache=False, max_retries=0)
        report = batch([str(SAMPLE)], options=BatchOptions(executor="serial"),
                       score_options=ScoreOptions(out=str(tmp_path)),
                       stage_options={"translate": translate,
                                      "render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)})
    (film,) = report.films
    assert film.status == "ok" and film.degraded and "fell back to the rules" in film.degraded
    (row,) = list(csv.DictReader((tmp_path / "batch_summary.csv").open(encoding="utf-8")))
    assert row["status"] == "ok" and row["degraded"].startswith("translate: ")
