"""Shot detection speed against real time at 480p: median of several runs.

    python scripts/bench_shots.py [--seconds 120] [--runs 3] [--fps 24] [--detector content]

Builds synthetic 854x480 H.264 footage with ffmpeg (a hard cut every 2-5 s), then times
:func:`scenescore.align.detect_shots` on it. Prints one line per run and the median speed-up
(seconds of footage per second of detection); the issue's bar is 5x.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from scenescore.align import AlignOptions, detect_shots, probe_video

COLOURS = ("#e03c3c", "#1e2878", "#f0f046", "#145a1e", "#50dcdc", "#641464")


def make_footage(path: Path, seconds: float, fps: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    graph, t, n = [], 0.0, 0
    while t < seconds:
        d = min(rng.uniform(2.0, 5.0), seconds - t)
        graph.append(f"testsrc2=s=854x480:r={fps}:d={d:.3f},"
                     f"drawbox=c={COLOURS[n % len(COLOURS)]}@0.7:t=fill[v{n}]")
        t, n = t + d, n + 1
    graph.append("".join(f"[v{i}]" for i in range(n)) + f"concat=n={n}:v=1:a=0[out]")
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-filter_complex", ";".join(graph),
                    "-map", "[out]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return n - 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fps", type=int, default=24)
    parser.add_argument("--detector", default=AlignOptions().detector)
    args = parser.parse_args(argv)
    options = replace(AlignOptions(), detector=args.detector)
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "bench.mp4"
        cuts = make_footage(video, args.seconds, args.fps)
        info = probe_video(video)
        speeds = []
        for run in range(args.runs):
            start = time.perf_counter()
            shots = detect_shots(video, options=options, frame_rate=info.frame_rate,
                                 total_frames=info.frames)
            took = time.perf_counter() - start
            speeds.append(info.duration_s / took)
            print(f"run {run + 1}: {info.duration_s:.1f} s of {info.width}x{info.height} in "
                  f"{took:.2f} s = {speeds[-1]:.1f}x real time, {len(shots) - 1} cuts "
                  f"(made {cuts})")
    median = statistics.median(speeds)
    print(f"median: {median:.1f}x real time ({args.detector}, {args.fps} fps, 480p); bar 5x: "
          f"{'met' if median >= 5 else 'NOT met'}")
    return 0 if median >= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
