"""The report in headless Chromium (Debian ``chromium`` + ``chromium-driver``, driven by selenium).

Opened from disk as ``file://``: the page loads without console errors, the arc plot renders,
players play, and the page script does what it promises (playhead, opening a linked scene).
Skipped only where no Chromium is installed; ``scripts/setup.sh`` installs it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenescore.report import build_report, read_run_view
from support.browser import chromium, needs_chromium

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


@pytest.fixture(scope="module")
def report_url(sample_run: Path) -> str:
    page = sample_run / "report.html"
    page.write_bytes(build_report(sample_run))
    return page.as_uri()


def wait_for(driver: object, script: str, timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)  # type: ignore[attr-defined]
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def console_errors(driver: object) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]  # type: ignore[attr-defined]


def test_page_loads_and_the_arc_renders(browser, report_url: str, sample_run: Path, tmp_path: Path) -> None:
    browser.get(report_url)
    assert wait_for(browser, "return document.readyState === 'complete'")
    view = read_run_view(sample_run)
    box = browser.execute_script("var r = document.getElementById('arc').getBoundingClientRect();"
                                 "return [r.width, r.height];")
    assert box[0] > 600 and box[1] > 200
    sizes = browser.execute_script(
        "return Array.from(document.querySelectorAll('#arc path.series, #arc .cue-bar rect'))"
        ".map(function (e) { var b = e.getBBox(); return [b.width, b.height]; });")
    assert len(sizes) == 4 + len(view.cues)
    assert all(w > 0 for w, _ in sizes) and any(h > 0 for _, h in sizes)
    points = browser.execute_script("return document.querySelectorAll('#arc circle.point').length")
    assert points == 2 * len(view.scenes)
    browser.save_screenshot(str(tmp_path / "report.png"))
    assert console_errors(browser) == []


def test_a_cue_player_and_the_temp_track_play(browser, report_url: str) -> None:
    browser.get(report_url)
    assert wait_for(browser, "return document.readyState === 'complete'")
    started = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "var audio = document.querySelector('article.cue audio');"
        "audio.play().then(function () { done('ok'); }, function (e) { done(String(e)); });")
    assert started == "ok"
    assert wait_for(browser, "var a = document.querySelector('article.cue audio');"
                             "return a.currentTime > 0 && !a.error;")
    # The temp track moves the playhead over the plot and pauses the cue player.
    browser.execute_script("document.getElementById('temp-track').play()")
    assert wait_for(browser, "var t = document.getElementById('temp-track');"
                             "return t.currentTime > 0 && !t.paused;")
    assert browser.execute_script("return document.querySelector('article.cue audio').paused")
    assert wait_for(browser, "var h = document.getElementById('playhead');"
                             "return h.getAttribute('visibility') === 'visible'"
                             " && Number(h.getAttribute('x1')) > Number(document.getElementById('arc').dataset.x0);")
    assert console_errors(browser) == []


def test_a_linked_scene_opens(browser, report_url: str) -> None:
    browser.get(report_url + "#scene-6")
    assert wait_for(browser, "return document.getElementById('scene-6').open")
    assert not browser.execute_script("return document.getElementById('scene-7').open")
    height = browser.execute_script("return document.querySelector('#scene-6 pre').getBoundingClientRect().height")
    assert height > 50
    assert console_errors(browser) == []
