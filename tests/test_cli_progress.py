"""The score and batch commands' progress displays: plain lines off a terminal, live bars on one,
nothing with --quiet (fed the library's own progress events)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from scenescore.batch import FilmProgress, FilmResult
from scenescore.cli.batch import BatchDisplay
from scenescore.cli.common import ScoreDisplay
from scenescore.render.film import CueProgress


def _feed(display: ScoreDisplay) -> None:
    display.stage("translate", "start")
    display.stage("translate", "ran")
    display.stage("render", "start")
    lengths = [30.0, 5.0, 5.0, 5.0, 60.0, 45.0]
    done = 0.0
    for k, seconds in enumerate(lengths, 1):
        done += seconds
        display.cue(CueProgress(cue_id=f"1M{k:02d}", cues_done=k, cues_total=len(lengths), music_done_s=done,
                                music_total_s=sum(lengths)))
    display.stage("render", "ran")


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with ScoreDisplay(Console(file=out, force_terminal=False, width=60)) as display:
        _feed(display)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["translate", "ran"] and lines[-1].split() == ["render", "ran"]
    audio = [line for line in lines if line.strip().startswith("audio")]
    # a line per tenth of the music at most (the three short cues make one), and the last cue
    assert len(audio) == 4 and "6/6 cues · 2.5/2.5 min of music" in audio[-1]
    assert all("left" in line and "elapsed" in line for line in audio)
    assert all(len(line.splitlines()) == 1 for line in audio)  # never wrapped at the console width


def test_quiet_prints_nothing_and_a_terminal_gets_a_bar():
    out = io.StringIO()
    with ScoreDisplay(Console(file=out, force_terminal=False), quiet=True) as display:
        _feed(display)
    assert out.getvalue() == ""
    tty = io.StringIO()
    with ScoreDisplay(Console(file=tty, force_terminal=True, width=150), label="lake") as display:
        _feed(display)
    text = tty.getvalue()
    assert "lake: render" in text and "cues" in text


# ---- batch: a bar per running film and an overall bar ----------------------------------------
def _feed_batch(display: BatchDisplay) -> None:
    """Three films: lake writes its four cues and ends ok, broken fails, pond is still in translate."""
    names = ["lake", "broken", "pond"]
    for i, name in enumerate(names):
        display.film(FilmResult(film=name, source=name, index=i))
    for i, name in enumerate(names):
        display.film(FilmResult(film=name, source=name, index=i, status="running"))
    display.inside(FilmProgress(index=2, film="pond", stage="translate"))
    display.inside(FilmProgress(index=0, film="lake", stage="render"))
    lengths = [30.0, 6.0, 30.0, 54.0]
    for k in range(1, 5):
        display.inside(FilmProgress(index=0, film="lake", stage="render", cue_id=f"1M0{k}", cues_done=k, cues_total=4,
                                    music_done_s=sum(lengths[:k]), music_total_s=sum(lengths)))
        if k == 2:
            display.film(FilmResult(film="broken", source="broken", index=1, status="failed",
                                    error="broken.fountain: binary file, not a screenplay"))
    display.film(FilmResult(film="lake", source="lake", index=0, status="ok", scenes=5, cues=4,
                            minutes_of_music=2.0, seconds=3.5, stages={"render": "ran"}))


def test_batch_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with BatchDisplay(Console(file=out, force_terminal=False, width=60)) as display:
        _feed_batch(display)
    lines = out.getvalue().splitlines()
    # lake's audio at a quarter of its music at most (cue 1 is one, cues 2 and 3 another), never its last cue
    assert [line.split()[:3] for line in lines] == [["lake:", "audio", "1/4"], ["[1/3]", "broken", "FAILED:"],
                                                    ["lake:", "audio", "3/4"], ["[2/3]", "lake", "ok"]]
    assert "binary file, not a screenplay" in lines[1] and "0.5/2.0 min of music" in lines[0]
    assert "(4 cues, 2.0 min of music)" in lines[3] and "left" in lines[3]  # pond is not done
    assert all("\x1b[" not in line for line in lines)


def test_batch_quiet_prints_nothing_and_a_terminal_gets_bars():
    out = io.StringIO()
    with BatchDisplay(Console(file=out, force_terminal=False), quiet=True) as display:
        _feed_batch(display)
    assert out.getvalue() == ""
    tty = io.StringIO()
    display = BatchDisplay(Console(file=tty, force_terminal=True, width=160))
    with display:
        _feed_batch(display)
    assert "all films" in tty.getvalue()  # drawn live (transient: cleared at the end)
    still = io.StringIO()
    Console(file=still, width=160).print(display._render())  # the last frame, without the live codes
    frame = still.getvalue()
    assert "pond" in frame and "translate …" in frame  # the running film's bar names its stage
    assert "lake" in frame and "broken" in frame and "failed" in frame  # the finished ones in the table
    assert "2/3 films · 1 failed · 2.0 min of music done" in frame
    running = display.bars.tasks
    assert [t.description.strip() for t in running] == ["pond"]
    overall = display.overall.tasks[0]
    assert overall.completed == pytest.approx(2 / 3) and overall.total == 1.0


def test_batch_a_lost_film_loses_its_bar_until_it_runs_again():
    display = BatchDisplay(Console(file=io.StringIO(), force_terminal=True, width=160))
    with display:
        display.film(FilmResult(film="lake", source="lake", index=0))
        display.film(FilmResult(film="lake", source="lake", index=0, status="running"))
        display.inside(FilmProgress(index=0, film="lake", stage="render", cue_id="1M01", cues_done=1, cues_total=2,
                                    music_done_s=30.0, music_total_s=60.0))
        assert display.overall.tasks[0].completed == pytest.approx(0.5)
        display.film(FilmResult(film="lake", source="lake", index=0, status="queued"))  # its worker died
        assert not display.bars.tasks and display.overall.tasks[0].completed == 0
        display.film(FilmResult(film="lake", source="lake", index=0, status="running"))
        assert [t.description.strip() for t in display.bars.tasks] == ["lake"]
        assert display.bars.tasks[0].completed == 0
