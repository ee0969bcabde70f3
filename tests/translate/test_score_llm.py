"""score --llm openai: conditions from an OpenAI-compatible server, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from translate_support import FakeOpenAI, good
from typer.testing import CliRunner

from scenescore.cli import app

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


def test_score_with_llm_flag_and_profile(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    with FakeOpenAI(lambda request: good()) as server:
        profile = tmp_path / "llm.toml"
        profile.write_text(f'[translate]\nbase_url = "{server.base_url}"\ncache = false\n', encoding="utf-8")
        result = CliRunner().invoke(app, ["--config", str(profile), "score", str(SAMPLE), "--out",
                                          str(tmp_path / "runs"), "--name", "film", "--llm", "openai:tiny-model",
                                          "--to", "translate", "-q"])
        assert result.exit_code == 0, result.output
        assert server.requests  # the model was asked
    lines = (tmp_path / "runs" / "film" / "conditions.jsonl").read_text(encoding="utf-8").splitlines()
    conditions = [json.loads(line) for line in lines]
    assert conditions and {c["model"] for c in conditions} == {"tiny-model"}
    assert all(c["backend"] in ("openai", "rules") for c in conditions)
