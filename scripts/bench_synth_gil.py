"""Benchmark: how long FluidSynth's worker threads wait for the GIL while the main thread runs Python.

A worker renders a cue event by event: it writes the audio up to the next event (FluidSynth, the
GIL released), then sends the event, so it takes the GIL back once per event. While the main
thread runs Python (sketching, MIDI, MusicXML beside synthesis), each take can wait up to the
switch interval. This script renders the first cues of the sample-built feature while the main
thread writes MIDI for a fixed time, at the default switch interval and at the one the render
uses beside Python (``film.python_beside_synthesis``), and with the main thread idle, and prints
the workers' time by state from ``/proc/self/task/*/schedstat`` (Linux): on a CPU, waiting for
one (the machine's load), and blocked (waiting for the GIL), so a loaded machine does not hide it.

    python scripts/bench_synth_gil.py [--cues 6] [--busy 3] [--runs 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_score import build_feature  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cues", type=int, default=6)
    parser.add_argument("--busy", type=float, default=3.0, help="seconds of main-thread Python per trial")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    if not Path(f"/proc/self/task/{threading.get_native_id()}/schedstat").exists():
        raise SystemExit("bench_synth_gil: needs Linux's /proc/self/task/*/schedstat")
    import scenescore.render.fluidsynth as fs
    from scenescore.conditions.schema import MusicCondition
    from scenescore.options import ScoreOptions
    from scenescore.pipeline import score
    from scenescore.render.backends import AudioJob
    from scenescore.render.film import python_beside_synthesis, sketch_film
    from scenescore.render.midi import sketch_to_midi
    from scenescore.render.options import AudioOptions

    with tempfile.TemporaryDirectory() as tmp:
        r = score(build_feature(120, Path(tmp)), options=ScoreOptions(out=Path(tmp) / "out", name="feature",
                                                                      stop="translate"))
        conds = [MusicCondition.model_validate_json(line)
                 for line in r.folder.joinpath("conditions.jsonl").read_text().splitlines()]
        starts = [c["start_s"] for c in json.loads(r.folder.joinpath("cues.json").read_text())]
    sketches = sketch_film(conds, starts)
    jobs = [AudioJob(condition=c, sketch=s) for c, s in zip(conds[:args.cues], sketches[:args.cues], strict=True)]
    options = AudioOptions()
    acc: dict[str, float] = {}
    lock = threading.Lock()

    def schedstat() -> tuple[float, float]:
        text = Path(f"/proc/self/task/{threading.get_native_id()}/schedstat").read_text()
        on_cpu, waiting, _ = text.split()
        return int(on_cpu) / 1e9, int(waiting) / 1e9

    real = fs.Synth._render

    def metered(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        t0, (c0, q0) = time.perf_counter(), schedstat()
        try:
            return real(self, *a, **k)
        finally:
            wall, (c1, q1) = time.perf_counter() - t0, schedstat()
            with lock:
                for key, value in (("wall", wall), ("cpu", c1 - c0), ("runqueue", q1 - q0),
                                   ("blocked", wall - (c1 - c0) - (q1 - q0))):
                    acc[key] = acc.get(key, 0.0) + value

    fs.Synth._render = metered

    def python_for(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            for s, st in zip(sketches[:10], starts[:10], strict=True):
                sketch_to_midi(s, start_s=st)

    import contextlib

    for _ in range(args.runs):
        for label, busy, shorter in (("main thread idle", False, False),
                                     ("main thread in Python, default interval", True, False),
                                     ("main thread in Python, python_beside_synthesis", True, True)):
            acc.clear()
            results = fs.render_fluidsynth(jobs, options=options)
            with python_beside_synthesis() if shorter else contextlib.nullcontext():
                if busy:
                    python_for(args.busy)
            for _ in results:
                pass
            print(f"{label:48s} workers: wall {acc['wall']:5.2f} s, on a CPU {acc['cpu']:5.2f}, waiting for a CPU "
                  f"{acc['runqueue']:5.2f}, blocked (the GIL) {acc['blocked']:5.2f}", flush=True)


if __name__ == "__main__":
    main()
