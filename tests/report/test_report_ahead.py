"""The arc PNG drawn ahead of deliver by a helper process (report/ahead.py): the same bytes as
drawing it in deliver, deliver alone still draws it, and a helper that fails or drew other data
is logged and replaced by deliver's own drawing."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import shutil
import sys
from pathlib import Path

import pytest

from scenescore.options import ScoreOptions
from scenescore.pipeline import score
from scenescore.render.options import AudioOptions, RenderOptions
from scenescore.report import ahead as ahead_module
from scenescore.report import read_run_view
from scenescore.report.ahead import ArcPlotAhead, serve
from scenescore.report.png import arc_plot_data, arc_png, draw_arc

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
FAST = {"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)}


def _score(out: Path, **kwargs: object):  # noqa: ANN202 - test shorthand
    return score(SAMPLE, options=ScoreOptions(out=str(out), name="film", **kwargs), stage_options=FAST)


def test_the_helper_draws_the_bytes_deliver_would(scored_run: Path, caplog: pytest.LogCaptureFixture,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead_module, "READY_WAIT_S", 60.0)
    helper = ArcPlotAhead.start()
    assert helper is not None
    try:
        helper.draw(scored_run)
        with caplog.at_level(logging.DEBUG, logger="scenescore.report.ahead"):
            png = helper.take(arc_plot_data(read_run_view(scored_run)))
    finally:
        helper.close()
    assert "drawn by the helper" in caplog.text
    assert png == arc_png(scored_run) == (scored_run / "arc.png").read_bytes()


def test_a_score_takes_the_helpers_png_and_deliver_alone_draws_the_same(
        tmp_path: Path, scored_run: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    # a MIDI-only sample renders in a fraction of a second: wait for the helper, as a feature's
    # render gives it time to (by default deliver draws the PNG itself when the helper is late)
    monkeypatch.setattr(ahead_module, "READY_WAIT_S", 60.0)
    with caplog.at_level(logging.DEBUG, logger="scenescore.report.ahead"):
        result = _score(tmp_path)
    assert "drawn by the helper" in caplog.text
    first = (result.folder / "arc.png").read_bytes()
    assert first == arc_png(result.folder) == (scored_run / "arc.png").read_bytes()
    # deliver alone (the first stage of its slice): no helper, drawn in deliver, the same file
    (result.folder / "arc.png").unlink()
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="scenescore.report.ahead"):
        again = _score(tmp_path, start="deliver")
    assert again.statuses["deliver"] == "ran"
    assert "helper" not in caplog.text
    assert (result.folder / "arc.png").read_bytes() == first


def test_a_failing_helper_is_logged_and_deliver_draws_the_png(
        tmp_path: Path, scored_run: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(ahead_module, "helper_command",
                        lambda: [sys.executable, "-c", "import sys; sys.stdin.readline(); sys.exit(3)"])
    monkeypatch.setattr(ahead_module, "READY_WAIT_S", 60.0)  # its exit is what deliver reads
    with caplog.at_level(logging.WARNING, logger="scenescore.report.ahead"):
        result = _score(tmp_path)
    assert "the helper failed (exit code 3" in caplog.text
    assert (result.folder / "arc.png").read_bytes() == (scored_run / "arc.png").read_bytes()


def test_a_helper_that_cannot_start_is_logged_and_the_run_goes_on(
        tmp_path: Path, scored_run: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(ahead_module, "helper_command", lambda: [str(tmp_path / "no-such-python")])
    with caplog.at_level(logging.WARNING, logger="scenescore.report.ahead"):
        result = _score(tmp_path)
    assert "no helper process" in caplog.text
    assert (result.folder / "arc.png").read_bytes() == (scored_run / "arc.png").read_bytes()


def test_a_png_of_other_data_is_not_taken(scored_run: Path, caplog: pytest.LogCaptureFixture,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ahead_module, "READY_WAIT_S", 60.0)
    data = arc_plot_data(read_run_view(scored_run))
    moved = dataclasses.replace(data, cues=tuple((c, s + 1.0, e + 1.0) for c, s, e in data.cues))
    assert moved.digest() != data.digest()
    helper = ArcPlotAhead.start()
    assert helper is not None
    try:
        helper.draw(scored_run)
        with caplog.at_level(logging.INFO, logger="scenescore.report.ahead"):
            assert helper.take(moved) is None
    finally:
        helper.close()
    assert "other data" in caplog.text
    assert draw_arc(moved) != draw_arc(data)  # the digest covers what is drawn


def test_a_helper_that_has_not_drawn_yet_is_not_waited_for(
        scored_run: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(ahead_module, "helper_command",
                        lambda: [sys.executable, "-c", "import sys, time; sys.stdin.readline(); time.sleep(30)"])
    helper = ArcPlotAhead.start()
    assert helper is not None
    helper.draw(scored_run)
    with caplog.at_level(logging.INFO, logger="scenescore.report.ahead"):
        assert helper.take(arc_plot_data(read_run_view(scored_run))) is None
    assert "has not drawn it yet" in caplog.text
    assert helper._proc.poll() is not None  # stopped, not left sleeping


def test_the_helper_answers_an_error_for_a_folder_it_cannot_read(tmp_path: Path) -> None:
    out = io.BytesIO()
    request = {"folder": str(tmp_path), "package": ahead_module._package_file()}
    serve(io.BytesIO((json.dumps(request) + "\n").encode()), out)
    header, _, png = out.getvalue().partition(b"\n")
    assert "missing" in json.loads(header)["error"] and png == b""
    # asked nothing (the run ended first): no answer
    quiet = io.BytesIO()
    serve(io.BytesIO(b""), quiet)
    assert quiet.getvalue() == b""


def test_the_helper_of_a_run_whose_deliver_is_skipped_is_stopped(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    _score(tmp_path)
    started: list[ArcPlotAhead] = []
    real = ArcPlotAhead.start

    def start() -> ArcPlotAhead | None:
        helper = real()
        if helper is not None:
            started.append(helper)
        return helper

    monkeypatch.setattr(ArcPlotAhead, "start", staticmethod(start))
    again = _score(tmp_path)
    assert again.statuses["deliver"] == "skipped" and len(started) == 1
    assert started[0]._proc.poll() is not None  # closed with the run, not left behind


def test_a_copied_folder_gives_the_same_digest(scored_run: Path, tmp_path: Path) -> None:
    moved = tmp_path / "elsewhere"
    shutil.copytree(scored_run, moved)
    assert arc_plot_data(read_run_view(moved)).digest() == arc_plot_data(read_run_view(scored_run)).digest()


def test_ahead_off_starts_no_helper(tmp_path: Path, scored_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ScoreOptions(ahead=False) (batch with films side by side): deliver draws the PNG itself."""
    started: list[object] = []
    real = ArcPlotAhead.start

    def recording() -> ArcPlotAhead | None:
        started.append(True)
        return real()

    monkeypatch.setattr(ArcPlotAhead, "start", staticmethod(recording))
    result = _score(tmp_path, ahead=False)
    assert started == []
    assert (result.folder / "arc.png").read_bytes() == (scored_run / "arc.png").read_bytes()
    _score(tmp_path / "on", force=True)
    assert started == [True]
