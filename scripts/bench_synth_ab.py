"""A/B: FluidSynth CPU time per minute of music, two checkouts of scenescore, interleaved runs.

    python scripts/bench_synth_ab.py BASE_SRC BRANCH_SRC [--pages 30] [--runs 3]

Each run is ``bench_score.py``'s synthesis child (score to translate, sketch every cue, render
with FluidSynth at the default quality, discard) with ``PYTHONPATH`` set to one checkout's
``src``; base and branch alternate so the machine's load falls on both alike. Prints every run
and the median CPU seconds per minute of music of each, and their ratio (branch / base).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_score  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_src")
    parser.add_argument("branch_src")
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    srcs = {"base": args.base_src, "branch": args.branch_src}
    results: dict[str, list[dict]] = {k: [] for k in srcs}
    with tempfile.TemporaryDirectory() as tmp:
        script = bench_score.build_feature(args.pages, Path(tmp))
        for _ in range(args.runs):
            for name, src in srcs.items():
                with tempfile.TemporaryDirectory() as out:
                    env = dict(os.environ, PYTHONPATH=src)
                    proc = subprocess.run([sys.executable, "-c", bench_score.SYNTH_CHILD, str(script), out, "{}"],
                                          capture_output=True, text=True, check=True, env=env)
                run = json.loads(proc.stdout.strip().splitlines()[-1])
                results[name].append(run)
                print(name, run, flush=True)
    medians = {}
    for name, runs in results.items():
        medians[name] = statistics.median(r["cpu"] / (r["music_s"] / 60) for r in runs)
        wall = statistics.median(r["wall"] / (r["music_s"] / 60) for r in runs)
        print(f"{name}: CPU s per minute of music, median {medians[name]:.3f} (wall {wall:.3f}); "
              f"music {runs[0]['music_s'] / 60:.1f} min")
    print(f"ratio branch/base: {medians['branch'] / medians['base']:.3f}")


if __name__ == "__main__":
    main()
