"""The CI skip guard (tests/skip_guard.py) on a small suite of its own, run in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

SUITE = {
    "conftest.py": (
        "from skip_guard import CI_MAY_SKIP, pytest_configure, pytest_make_collect_report,"
        " pytest_runtest_makereport, pytest_terminal_summary  # noqa\n"
        "CI_MAY_SKIP['test_gpu.py::test_needs_a_gpu'] = 'needs a GPU'\n"
    ),
    "test_tools.py": (
        "import pytest\n"
        "def test_passes():\n    pass\n"
        "def test_needs_fluidsynth():\n    pytest.skip('fluidsynth is not installed')\n"
        "@pytest.mark.skipif(True, reason='needs chromium')\n"
        "def test_needs_chromium():\n    pass\n"
        "@pytest.fixture\n"
        "def shared():\n    pytest.skip('../shared/fixtures not present')\n"
        "def test_needs_shared(shared):\n    pass\n"
        "@pytest.mark.xfail(reason='known')\n"
        "def test_expected_failure():\n    assert False\n"
    ),
    "test_extra.py": "import pytest\npytest.importorskip('no_such_module_anywhere')\ndef test_x():\n    pass\n",
    "test_gpu.py": "import pytest\ndef test_needs_a_gpu():\n    pytest.skip('no CUDA device')\n",
}


def _run(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                           "--rootdir", str(folder), str(folder)],
                          capture_output=True, text=True, env=env, cwd=folder, check=False)


def test_skips_pass_locally_and_fail_under_ci(tmp_path: Path) -> None:
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")

    local = _run(tmp_path, None)
    assert local.returncode == 0, local.stdout
    assert "1 passed, 5 skipped, 1 xfailed" in local.stdout
    assert "skips: 3 tests, 1 modules, 1 allowed (GPU/weights)" in local.stdout

    ci = _run(tmp_path, "true")
    assert ci.returncode == 1, ci.stdout
    # A skip in the test body fails it; one in setup (a skipif mark, a fixture) or at import is an
    # error: either way the run is red.
    assert "1 failed, 1 passed, 1 skipped, 1 xfailed, 3 errors" in ci.stdout
    for reason in ("fluidsynth is not installed", "needs chromium", "../shared/fixtures not present",
                   "no_such_module_anywhere"):
        assert f"skipped under CI=true: {reason}" in ci.stdout or reason in ci.stdout
    assert "test skipped under CI=true: fluidsynth is not installed" in ci.stdout
    assert "module skipped under CI=true" in ci.stdout
    assert "skips: 0 tests, 0 modules, 1 allowed (GPU/weights) (CI=true: skips fail)" in ci.stdout
