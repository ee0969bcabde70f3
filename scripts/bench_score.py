"""Benchmark: offline ``score`` of a feature-length screenplay, FluidSynth audio for every cue.

Builds a ~120-page script by repeating the sample screenplay's scenes (Fountain), scores it into
a temporary folder from scratch N times and prints the median wall time, the per-stage times,
the minutes of music rendered and the peak resident memory of the scoring process. A baseline
in the same process: the same run with ``--audio none`` (MIDI and MusicXML only).

    python scripts/bench_score.py [--pages 120] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"

CHILD = """
import json, sys, time, resource
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.render.options import AudioOptions, RenderOptions
audio = sys.argv[3]
t = time.perf_counter()
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature"),
          stage_options={"render": RenderOptions(audio=AudioOptions(backend=audio))})
wall = time.perf_counter() - t
cues = json.load(open(r.folder / "cues.json"))
print(json.dumps({"wall": wall, "stages": r.seconds, "cues": len(cues),
                  "music_min": sum(c["end_s"] - c["start_s"] for c in cues) / 60,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def build_feature(pages: int, folder: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    times = max(1, round(pages / 15))  # the sample is about 15 pages
    path = folder / "feature.fountain"
    path.write_text(title + "\n\n" + body * times, encoding="utf-8")
    return path


def run_once(script: Path, audio: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(script), out, audio],
                              capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()} python {platform.python_version()}, "
          f"{len(__import__('os').sched_getaffinity(0))} cores")
    with tempfile.TemporaryDirectory() as tmp:
        script = build_feature(args.pages, Path(tmp))
        for audio in ("none", "fluidsynth"):
            results = [run_once(script, audio) for _ in range(args.runs)]
            wall = statistics.median(r["wall"] for r in results)
            first = results[0]
            stages = {k: round(statistics.median(r["stages"][k] for r in results), 2) for k in first["stages"]}
            print(f"audio={audio:<10} median {wall:6.1f} s over {args.runs} runs; cues {first['cues']}, "
                  f"music {first['music_min']:.1f} min; peak RSS {max(r['peak_mb'] for r in results):.0f} MB "
                  f"(+ children {max(r['children_peak_mb'] for r in results):.0f} MB)")
            print(f"    stages: {stages}")
    _ = (resource, time)


if __name__ == "__main__":
    main()
