"""CI cannot be green by skipping: under ``CI=true`` a skipped test fails instead.

Tests skip when something the machine should have is missing: FluidSynth, ffmpeg, Chromium,
Ray, an optional extra, ``../shared/fixtures`` or ``../shared/data``. On a developer's laptop
that is a convenience; on CI it would hide whole areas untested behind a green run. So when the
environment variable ``CI`` is true (GitHub Actions, GitLab and ``.ci/run`` set it), every skip
— a ``pytest.skip`` in a test or fixture, a ``skipif`` mark, a module-level
``pytest.importorskip`` — is turned into a failure that keeps the skip's reason, except for the
tests listed in :data:`CI_MAY_SKIP` (they need a GPU or real model weights, which no CI machine
of this project has). ``xfail`` is not a skip and is left alone.

Every run ends with a line counting its skips (``skips: N``), with the allowed ones apart.
Loaded by ``tests/conftest.py``.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

#: The only tests that may skip under ``CI=true``, by node id (``path::name``, the path from the
#: repository root; a path alone covers every test of the file) → why. Only tests that need a GPU
#: or real model weights belong here.
CI_MAY_SKIP: dict[str, str] = {}

_TRUE = {"1", "true", "yes", "on"}
_skips: Counter[str] = Counter()


def ci_strict() -> bool:
    """Whether skips fail (``CI`` set to a true value)."""
    return os.environ.get("CI", "").strip().lower() in _TRUE


def _allowed(nodeid: str) -> str | None:
    for key, why in CI_MAY_SKIP.items():
        if nodeid == key or nodeid.startswith(key + "::") or nodeid.startswith(key + "["):
            return why
    return None


def _reason(report: pytest.BaseReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail(report: pytest.BaseReport, what: str) -> None:
    report.outcome = "failed"
    report.longrepr = (f"{what} skipped under CI=true: {_reason(report)}\n"
                       "CI must run every test: install what is missing (scripts/setup.sh, "
                       "scripts/apt-packages.txt, ../shared), or, for a test that needs a GPU or "
                       "real weights, list it in tests/skip_guard.py CI_MAY_SKIP.")


def pytest_configure(config: pytest.Config) -> None:
    """Under CI a skipping module is a collection error; the rest of the suite still runs."""
    if ci_strict():
        config.option.continue_on_collection_errors = True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail"):
        return
    why = _allowed(item.nodeid)
    if why is not None:
        _skips["allowed"] += 1
    elif ci_strict():
        _fail(report, "test")
    else:
        _skips["skipped"] += 1


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):  # noqa: ANN201
    """A module that skips itself at import (``pytest.importorskip`` at the top)."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or not isinstance(collector, pytest.Module):
        return
    if _allowed(report.nodeid) is not None:
        _skips["allowed modules"] += 1
    elif ci_strict():
        _fail(report, "module")
    else:
        _skips["skipped modules"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The skip count, always printed (0 is the figure CI must show)."""
    parts = [f"{_skips['skipped']} tests", f"{_skips['skipped modules']} modules"]
    if _skips["allowed"] or _skips["allowed modules"]:
        parts.append(f"{_skips['allowed'] + _skips['allowed modules']} allowed (GPU/weights)")
    mode = "CI=true: skips fail" if ci_strict() else "set CI=true to make skips fail"
    terminalreporter.write_line(f"skips: {', '.join(parts)} ({mode})")
