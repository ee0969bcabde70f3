"""A scored run of the sample (squeezed to one minute, FluidSynth with quick settings: real
audio in seconds) and the studio serving it on 127.0.0.1 in a thread."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the studio needs the [studio] extra: pip install 'scenescore[studio]'")
pytest.importorskip("uvicorn", reason="the studio needs the [studio] extra: pip install 'scenescore[studio]'")

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"


@dataclass
class Served:
    url: str
    port: int
    run_dir: Path
    script: Path
    server: object


def score_sample(folder: Path, audio: str = "fluidsynth") -> tuple[Path, Path]:
    from scenescore.options import ScoreOptions, SegmentOptions
    from scenescore.pipeline import score
    from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions

    script = folder / "film" / "sample.fountain"
    script.parent.mkdir(parents=True)
    shutil.copy(SAMPLE, script)
    stages = {"segment": SegmentOptions(target_runtime_s=60.0),
              "render": RenderOptions(audio=AudioOptions(backend=audio, fluidsynth=FluidSynthOptions(
                  workers=1, reverb=False, interpolation="linear")))}
    result = score(script, options=ScoreOptions(out=str(folder / "runs"), name="lake"), stage_options=stages)
    return result.folder, script


def serve(run_dir: Path, script: Path) -> Iterator[Served]:
    from scenescore.studio.server import make_server, rerun_for

    server, sock = make_server(run_dir, rerun_for(run_dir, script=script), port=0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not getattr(server, "started", False):
        if time.monotonic() > deadline:
            raise RuntimeError("the studio did not start")
        time.sleep(0.02)
    port = sock.getsockname()[1]
    try:
        yield Served(f"http://127.0.0.1:{port}/", port, run_dir, script, server)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
