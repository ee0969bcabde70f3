"""Helpers the batch tests hand to worker processes (importable there: spawn copies sys.path)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from scenescore.batch import FilmJob, FilmResult, score_film

CRASH_ONCE = "crash-once"
CRASH_ALWAYS = "crash-always"


def crashing_work(job: FilmJob) -> FilmResult:
    """Kill the worker process (as the OOM killer would) for films named so, once or always.

    ``crash-always`` first waits (a minute at most) for ``crash-once`` to have crashed: under
    load its own death could break the pool before ``crash-once`` ever ran, and ``crash-once``
    would then crash for the first time when tried alone, and rightly fail."""
    marker = Path(job.score_options.out) / f".crashed-{job.film}"
    if job.film == CRASH_ALWAYS:
        other = Path(job.score_options.out) / f".crashed-{CRASH_ONCE}"
        deadline = time.monotonic() + 60.0
        while not other.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    if job.film == CRASH_ALWAYS or (job.film == CRASH_ONCE and not marker.exists()):
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os._exit(9)
    return score_film(job)


def cheap_render() -> dict[str, object]:
    """Stage options for a quick FluidSynth render: dry, low rate, no MusicXML, no temp track."""
    from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions

    audio = AudioOptions(sample_rate=22050, temp_track=False,
                         fluidsynth=FluidSynthOptions(reverb=False, interpolation="linear", workers=1))
    return {"render": RenderOptions(musicxml=False, audio=audio)}
