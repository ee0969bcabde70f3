"""The text limit: a screenplay too long to score in minutes is one clear error, at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scenescore.cli import main
from scenescore.errors import InputError
from scenescore.ingest import read_screenplay
from scenescore.options import IngestOptions

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "sample.fountain"


def test_a_text_over_the_limit_is_refused_naming_the_file() -> None:
    chars = len(SAMPLE.read_text(encoding="utf-8"))
    assert read_screenplay(SAMPLE, IngestOptions(max_text_chars=chars + 100)).lines
    with pytest.raises(InputError, match=r"sample\.fountain: the screenplay's text is [\d,]+ characters, "
                                         r"over the 1,000-character limit"):
        read_screenplay(SAMPLE, IngestOptions(max_text_chars=1000))


def test_score_fails_cleanly_and_quickly_on_a_text_over_the_limit(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "long.fountain"
    body = SAMPLE.read_text(encoding="utf-8").partition("\n\n")[2]
    big.write_text("Title: Long\n\n" + body * 40, encoding="utf-8")  # ~0.6 MB of text
    profile = tmp_path / "profile.toml"
    profile.write_text("[ingest]\nmax_text_chars = 100000\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(SystemExit) as info:
        main(["--config", str(profile), "score", str(big), "--out", str(tmp_path / "runs"), "-q"])
    assert info.value.code == 1 and time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert err.startswith(f"error: {big}: the screenplay's text is ") and err.count("\n") == 1
    assert not list((tmp_path / "runs").rglob("*.parquet"))  # nothing half-written
