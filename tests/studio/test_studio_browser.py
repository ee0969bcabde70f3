"""The studio in headless Chromium (Debian ``chromium`` + ``chromium-driver`` through selenium):
drag a cue's out point on the arc, make a scene dry, re-render; the page shows the new cue with
its audio, the moved cue, and logs no console error."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from studio_support import score_sample, serve

from scenescore.render.fluidsynth import fluidsynth_available
from support.browser import chromium, needs_chromium

pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not fluidsynth_available(), reason="needs FluidSynth and a GM SoundFont"),
]


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory):
    run_dir, script = score_sample(tmp_path_factory.mktemp("studio-browser"))
    yield from serve(run_dir, script)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with chromium(tmp_path_factory.mktemp("chromium-profile"), window="1400,1000") as driver:
        yield driver


def wait_for(driver: object, script: str, timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script)  # type: ignore[attr-defined]
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_drag_an_out_point_make_a_scene_dry_and_re_render(browser, studio) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    cues = {c["cue_id"]: c for c in json.loads((studio.run_dir / "cues.json").read_text())}
    scenes = {s["scene_id"]: s for s in json.loads(
        (studio.run_dir / "session.json").read_text())["scenes"]}
    # a cue of three scenes or more loses its middle scene; the last cue of the film is shortened
    split = next(c for c in cues.values() if len(c["scene_ids"]) >= 3)
    middle = split["scene_ids"][1]
    moved = list(cues)[-1]
    assert moved != split["cue_id"]
    from scenescore.session import scene_keys

    keys = scene_keys([type("S", (), {"scene_id": k, "heading": v["heading"]})() for k, v in sorted(scenes.items())])
    browser.get(studio.url)
    assert wait_for(browser, "return document.body.dataset.ready === '1'")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".cue-card audio")) == len(cues)

    # Drag the last cue's out point to the left, a third of the cue.
    handle = browser.find_element(By.CSS_SELECTOR, f'.handle-out[data-cue="{moved}"]')
    rect = browser.find_element(By.ID, f"arc-{moved}")
    width = rect.rect["width"]
    ActionChains(browser).click_and_hold(handle).move_by_offset(-round(width / 3), 0).pause(0.1) \
        .move_by_offset(-1, 0).release().perform()
    dragged = browser.execute_script(f"return document.querySelector('[data-cue-field=\"{moved}-out\"]').value")
    assert dragged, "the drag set no out point"

    # Make the middle scene of the long cue dry.
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, ".scene-row")
               if r.get_attribute("data-scene") == keys[middle])
    Select(row.find_element(By.TAG_NAME, "select")).select_by_value("dry")

    browser.find_element(By.ID, "rerender").click()
    assert wait_for(browser, "return document.body.dataset.job === '1'", timeout=120), \
        browser.find_element(By.ID, "status").text + browser.find_element(By.ID, "problems").text

    # The new cue (the part of the long cue after the dry scene) is on the page with audio that loads.
    new = split["cue_id"] + "A"
    assert wait_for(browser, f"return !!document.getElementById('cue-{new}')")
    assert wait_for(browser, f"""
        const a = document.querySelector('#cue-{new} audio');
        return a && a.readyState >= 1 && a.duration > 0;""")
    assert "changed" in browser.find_element(By.ID, f"cue-{new}").get_attribute("class")
    status = browser.find_element(By.ID, "status").text
    assert new in status and moved in status

    after = {c["cue_id"]: c for c in json.loads((studio.run_dir / "cues.json").read_text())}
    assert after[split["cue_id"]]["scene_ids"] == split["scene_ids"][:1]
    assert after[new]["scene_ids"] == split["scene_ids"][2:]
    length = cues[moved]["end_s"] - cues[moved]["start_s"]
    assert after[moved]["end_s"] < cues[moved]["end_s"] - length / 5
    toml = (studio.run_dir / "spotting.toml").read_text()
    assert f'id = "{moved}"' in toml and "out = " in toml and 'music = "dry"' in toml
    # the page's arc follows: the moved cue is narrower than before the drag
    assert browser.find_element(By.ID, f"arc-{moved}").rect["width"] < width - 2
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors
