"""Benchmark: does scoring grow linearly with the script's size?

Builds screenplays of 1x, 4x and 16x a feature's size (a feature: ~120 pages, the sample
screenplay's scenes repeated; each copy's characters keep their names, as a long film keeps its
cast) and scores each with ``--audio none`` through the library (``scenescore.pipeline.score``),
each size in a fresh process. Prints per size: the CPU time (what a loaded machine does not
distort) and the wall time, the CPU time of each stage, the peak resident memory, and both per
MB of input; then the ratio of the largest size's time to the smallest's (linear: equal to the size ratio; the bar is 16x the text in at most 20x the time).

    python scripts/bench_scale.py [--sizes 1,4,16] [--runs 1] [--profile 4]
    python scripts/bench_scale.py --sizes 1 --limit     # also texts at the input limits

``--profile N`` runs size N under cProfile and prints the functions with the most cumulative
time (to find what grows faster than the text). ``--limit`` scores a text just under the file
limit (``[ingest] max_bytes``, 50 MB) and one just under the text limit (``max_text_chars``),
each with a deadline (``--limit-timeout``, default 600 s), and reports whether it finished,
failed cleanly (one error line) or ran out of time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
#: Copies of the sample (about 15 pages) in one feature (about 120 pages).
FEATURE_COPIES = 8

CHILD = r"""
import json, resource, sys, time
from scenescore.options import ScoreOptions
from scenescore.pipeline import score
from scenescore.render.options import AudioOptions, RenderOptions
path, out, profile = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
cpu = {}
def progress(stage, state):
    if state == "start":
        cpu[stage] = -time.process_time()
    elif stage in cpu and cpu[stage] < 0:
        cpu[stage] += time.process_time()
def run():
    return score(path, options=ScoreOptions(out=out, name="scale"), progress=progress,
                 stage_options={"render": RenderOptions(audio=AudioOptions(backend="none"))})
t, c = time.perf_counter(), time.process_time()
if profile:
    import cProfile, io, pstats
    prof = cProfile.Profile()
    result = prof.runcall(run)
    stream = io.StringIO()
    pstats.Stats(prof, stream=stream).sort_stats("cumulative").print_stats(40)
    print(stream.getvalue(), file=sys.stderr)
else:
    result = run()
wall, cpu_s = time.perf_counter() - t, time.process_time() - c
cues = json.load(open(result.folder / "cues.json"))
print(json.dumps({"wall": wall, "cpu": cpu_s, "stages": result.seconds, "stage_cpu": cpu, "cues": len(cues),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(copies: int, folder: Path) -> Path:
    """The sample's title page, then its scenes ``copies`` times over (Fountain)."""
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    path = folder / f"scale-{copies}.fountain"
    with path.open("w", encoding="utf-8") as out:
        out.write(title + "\n\n")
        for _ in range(copies):
            out.write(body)
            if not body.endswith("\n\n"):
                out.write("\n\n")
    return path


def copies_under(limit: int, *, chars: bool = False) -> int:
    """Copies of the sample that make a text just under ``limit`` bytes (or characters)."""
    text = SAMPLE.read_text(encoding="utf-8")
    size = len(text) if chars else len(text.encode("utf-8"))
    return max(1, limit // size - 1)


def run_child(path: Path, out: Path, *, profile: bool = False,
              timeout: float | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(out), "1" if profile else "0"],
                          capture_output=True, text=True, env=env, timeout=timeout, check=False)
    if profile:
        print(proc.stderr[-12000:])
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.strip().splitlines() if line.strip()]
        return {"error": lines[-1] if lines else f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,4,16", help="Multiples of a feature's size.")
    parser.add_argument("--runs", type=int, default=1, help="Runs per size (the median is printed).")
    parser.add_argument("--profile", type=int, default=None, help="Profile this size (a multiple).")
    parser.add_argument("--limit", action="store_true", help="Also score a text at the input limit.")
    parser.add_argument("--limit-timeout", type=float, default=600.0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    print(f"scenescore scale benchmark: --audio none, the sample's scenes repeated; "
          f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp)
        if args.profile is not None:
            path = build(args.profile * FEATURE_COPIES, folder)
            run_child(path, folder / "profile", profile=True)
            return
        rows = {}
        for size in sizes:
            path = build(size * FEATURE_COPIES, folder)
            mb = path.stat().st_size / 2**20
            results = [run_child(path, folder / f"out-{size}-{i}") for i in range(args.runs)]
            failed = [r for r in results if "error" in r]
            if failed:
                print(f"{size:>3}x  {mb:7.2f} MB  failed: {failed[0]['error']}")
                continue
            wall = statistics.median(r["wall"] for r in results)
            cpu = statistics.median(r["cpu"] for r in results)
            peak = statistics.median(r["peak_mb"] for r in results)
            stages = {name: statistics.median(r["stage_cpu"].get(name, 0.0) for r in results)
                      for name in results[0]["stage_cpu"]}
            rows[size] = (mb, cpu, peak, wall)
            print(f"{size:>3}x  {mb:6.2f} MB  {results[0]['cues']:>5} cues  CPU {cpu:8.2f} s "
                  f"({cpu / mb:6.1f} s/MB)  wall {wall:8.2f} s  peak {peak:6.0f} MB ({peak / mb:5.0f} MB/MB)")
            print("      CPU s by stage: " + "  ".join(f"{name} {sec:.2f}" for name, sec in stages.items()))
        if len(rows) >= 2:
            low, high = min(rows), max(rows)
            size_ratio = rows[high][0] / rows[low][0]
            print(f"{high}x/{low}x: x{size_ratio:.1f} the text: CPU time x{rows[high][1] / rows[low][1]:.1f}, "
                  f"wall x{rows[high][3] / rows[low][3]:.1f} (bar: at most x{20 * size_ratio / 16:.1f}); "
                  f"peak memory x{rows[high][2] / rows[low][2]:.1f}")
        if args.limit:
            from scenescore.options import IngestOptions

            ingest = IngestOptions()
            for label, copies in (("file limit", copies_under(ingest.max_bytes)),
                                  ("text limit", copies_under(ingest.max_text_chars, chars=True))):
                path = build(copies, folder)
                mb = path.stat().st_size / 2**20
                try:
                    result = run_child(path, folder / label.replace(" ", "-"), timeout=args.limit_timeout)
                except subprocess.TimeoutExpired:
                    print(f"{label}: {mb:6.2f} MB  still running after {args.limit_timeout:.0f} s")
                    continue
                if "error" in result:
                    print(f"{label}: {mb:6.2f} MB  failed cleanly: {result['error']}")
                    continue
                print(f"{label}: {mb:6.2f} MB  {result['cues']:>5} cues  CPU {result['cpu']:8.2f} s  "
                      f"wall {result['wall']:8.2f} s  peak {result['peak_mb']:6.0f} MB")
                print("      CPU s by stage: " + "  ".join(f"{n} {s:.2f}" for n, s in result["stage_cpu"].items()))


if __name__ == "__main__":
    main()
