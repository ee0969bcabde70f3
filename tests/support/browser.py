"""Debian's headless Chromium driven by selenium, for the page tests (report, studio)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # A test has no user gesture to start playback with; there is no sound card to play to.
    "--autoplay-policy=no-user-gesture-required", "--mute-audio",
)

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="headless browser test needs Debian's chromium and chromium-driver "
           "(apt-get install chromium chromium-driver; see scripts/apt-packages.txt)",
)


@contextmanager
def chromium(profile: Path, *, window: str = "1300,1000") -> Iterator[object]:
    """A fresh headless Chromium with its own profile folder and the console log kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--window-size={window}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()
