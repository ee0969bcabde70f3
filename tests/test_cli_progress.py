"""The score command's progress display: plain lines off a terminal, a live bar on one, nothing
with --quiet (fed the library's own progress events)."""

from __future__ import annotations

import io

from rich.console import Console

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
