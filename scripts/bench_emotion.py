"""Benchmark: a 150-scene film analyzed with memory (analyze + remember + arc), median of runs.

    python scripts/bench_emotion.py [--scenes 150] [--runs 7] [--backend fitted]

The film repeats the sample screenplay's scenes (corpus/sample/sample.fountain) with fresh ids,
keeping its flashbacks, dream, intercut and montage; without the sample it synthesizes scenes.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.emotion import AnalyzeOptions, analyze_screenplay, create_backend  # noqa: E402
from scenescore.records import DialogueLine, Scene, Timeline  # noqa: E402

SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"


def _synthetic(n: int) -> list[Scene]:
    timelines = [Timeline.PRESENT] * 5 + [Timeline.FLASHBACK] * 3 + [Timeline.INTERCUT] * 2
    action = ("Rain hammers the window. She sits alone at the table, the letter untouched. "
              "A door SLAMS somewhere below. She does not move.")
    lines = (DialogueLine("ANA", "(quietly)", "I kept waiting for you to call."),
             DialogueLine("BEN", "", "I know. I'm sorry. I love you, I always did!"))
    return [Scene(scene_id=i + 1, number=str(i + 1), heading="INT. KITCHEN - NIGHT", int_ext="INT",
                  location="KITCHEN", time_of_day="NIGHT", timeline=timelines[i % len(timelines)],
                  characters=("ANA", "BEN"), dialogue=lines * 4, action=action * 2,
                  text=action * 2, word_count=160, eighths=8, est_seconds=60.0, start_line=1,
                  end_line=20) for i in range(n)]


def build_film(n: int) -> tuple[list[Scene], str]:
    if SAMPLE.exists():
        from scenescore.segment import segment_screenplay

        base = segment_screenplay(SAMPLE).scenes
        if base:
            film = [dataclasses.replace(base[i % len(base)], scene_id=i + 1) for i in range(n)]
            return film, f"sample.fountain's {len(base)} scenes repeated"
    return _synthetic(n), "synthetic scenes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=150)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backend", default=AnalyzeOptions().backend)
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()

    scenes, source = build_film(args.scenes)
    options = AnalyzeOptions(backend=args.backend)
    t0 = time.perf_counter()
    backend = create_backend(options)  # loads the lexicon (or model) once, as a run would
    load_s = time.perf_counter() - t0
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        analysis = analyze_screenplay(scenes, options=options, backend=backend)
        times.append(time.perf_counter() - t)
    assert len(analysis.states) == len(scenes)
    result = {
        "scenes": len(scenes), "film": source, "backend": args.backend, "runs": args.runs,
        "median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4),
        "max_s": round(max(times), 4), "backend_load_s": round(load_s, 4),
        "words": sum(s.word_count for s in scenes),
        "machine": f"{platform.machine()} {_cpu_name()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>15}: {value}")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
