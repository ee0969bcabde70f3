"""Benchmark: a 150-scene film analyzed with memory (analyze + remember + arc), median of runs.

    python scripts/bench_emotion.py [--scenes 150] [--runs 7] [--backend fitted] [--film PATH]

The film repeats the sample screenplay's scenes (corpus/sample/sample.fountain) with fresh ids,
keeping its flashbacks, dream, intercut and montage; without the sample it synthesizes scenes.
``--film`` takes the first scenes of a real screenplay instead (its lines are not repeated, so
the fitted backend's scoring of a repeated line once per batch does not help it). With the fitted
backend the same film is also analyzed, interleaved run by run, with the text-by-text reference
path (``FittedBackend.score_one``, the scoring before the batched path) and the ratio printed.
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


def build_film(n: int, film: Path | None = None) -> tuple[list[Scene], str]:
    if film is not None:
        from scenescore.segment import segment_screenplay

        real = segment_screenplay(film).scenes[:n]
        return real, f"the first {len(real)} scenes of {film.name}"
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
    parser.add_argument("--film", type=Path, help="a real screenplay: its first --scenes scenes")
    parser.add_argument("--json", action="store_true", help="Print one JSON object.")
    args = parser.parse_args()

    scenes, source = build_film(args.scenes, args.film)
    options = AnalyzeOptions(backend=args.backend)
    t0 = time.perf_counter()
    backend = create_backend(options)  # loads the lexicon (or model) once, as a run would
    load_s = time.perf_counter() - t0
    reference = _OneByOne(backend) if hasattr(backend, "score_one") else None
    times, ref_times = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        analysis = analyze_screenplay(scenes, options=options, backend=backend)
        times.append(time.perf_counter() - t)
        if reference is not None:
            t = time.perf_counter()
            ref = analyze_screenplay(scenes, options=options, backend=reference)
            ref_times.append(time.perf_counter() - t)
            assert ref.emotions == analysis.emotions  # the batched path changes no output
    assert len(analysis.states) == len(scenes)
    result = {
        "scenes": len(scenes), "film": source, "backend": args.backend, "runs": args.runs,
        "median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4),
        "max_s": round(max(times), 4), "backend_load_s": round(load_s, 4),
        "words": sum(s.word_count for s in scenes),
        **({"reference_median_s": round(statistics.median(ref_times), 4),
            "speedup": round(statistics.median(ref_times) / statistics.median(times), 2)} if ref_times else {}),
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "machine": f"{platform.machine()} {_cpu_name()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}",
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>15}: {value}")


class _OneByOne:
    """The fitted backend scoring text by text (its reference path), for the ratio."""

    def __init__(self, backend: object) -> None:
        self.backend = backend
        self.name, self.unit = backend.name, backend.unit  # type: ignore[attr-defined]
        self.reads_delivery = getattr(backend, "reads_delivery", False)

    def score_texts(self, texts: list[str]) -> list:
        return [self.backend.score_one(t) for t in texts]  # type: ignore[attr-defined]


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
