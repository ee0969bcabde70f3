from __future__ import annotations

import logging
from pathlib import Path

import pytest

from skip_guard import (  # noqa: F401 - hooks: under CI=true a skip fails; the skip count
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_makereport,
    pytest_terminal_summary,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "sample"
PEERS = ROOT.parent / "shared" / "fixtures" / "fountain-peers"


@pytest.fixture(autouse=True)
def _fail_on_error_logs(caplog: pytest.LogCaptureFixture):
    """An ERROR log record in a test fails it (STYLE: errors are raised, not logged away)."""
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, f"ERROR logged: {[r.getMessage() for r in errors]}"


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.exists():
        pytest.skip("sample corpus not built")
    return CORPUS
