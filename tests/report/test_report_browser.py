"""The report in headless Chromium (Debian ``chromium`` + ``chromium-driver``, driven by selenium).

Opened from disk as ``file://``: the page loads without console errors, the arc plot renders,
players play, and the page script does what it promises (playhead, opening a linked scene).
Skipped only where no Chromium is installed; ``scripts/setup.sh`` installs it.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scenescore.report import build_report, read_run_view

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # A test has no user gesture to start playback with; there is no sound card to play to.
    "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--window-size=1300,1000",
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless browser test needs Debian's chromium and chromium-driver "
           "(apt-get install chromium chromium-driver; see scripts/apt-packages.txt)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


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
