"""Benchmark: the offline default spots the sample screenplay and writes a valid condition per cue.

Times, as the median of several runs, (1) spot + translate (rules backend) from the analysed
scenes, the stage under the < 1 s bar, and (2) the whole offline path from the file
(segment + analyze/remember + spot + translate). Every condition is re-validated against the
schema. Exit status 1 when the bar is missed or a condition is invalid.

    python scripts/bench_translate.py [--runs 7] [--script corpus/sample/sample.fountain]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.conditions import MusicCondition, translate_cues  # noqa: E402
from scenescore.emotion import analyze_screenplay  # noqa: E402
from scenescore.segment import segment_screenplay  # noqa: E402
from scenescore.spotting import spot_cues  # noqa: E402

BAR_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--script", type=Path, default=ROOT / "corpus" / "sample" / "sample.fountain")
    args = parser.parse_args()

    stage: list[float] = []
    whole: list[float] = []
    conditions: tuple[MusicCondition, ...] = ()
    for _ in range(max(1, args.runs)):
        t0 = time.perf_counter()
        scenes = segment_screenplay(args.script).scenes
        analysis = analyze_screenplay(scenes)
        t1 = time.perf_counter()
        cues = spot_cues(scenes, analysis)
        conditions = translate_cues(cues, scenes, analysis).conditions
        t2 = time.perf_counter()
        stage.append(t2 - t1)
        whole.append(t2 - t0)
    invalid = 0
    for condition in conditions:
        try:
            MusicCondition.model_validate_json(condition.model_dump_json())
        except ValueError:
            invalid += 1
    median_stage, median_whole = statistics.median(stage), statistics.median(whole)
    print(f"python {platform.python_version()} on {platform.machine()}; {args.runs} runs; "
          f"{args.script.name}: {len(scenes)} scenes, {len(cues)} cues")
    print(f"spot + translate (rules): median {median_stage * 1000:.1f} ms "
          f"(min {min(stage) * 1000:.1f}, max {max(stage) * 1000:.1f}); bar {BAR_S:.0f} s: "
          f"{BAR_S / median_stage:.0f}x under")
    print(f"file to conditions (segment + analyze + spot + translate): median "
          f"{median_whole * 1000:.1f} ms (min {min(whole) * 1000:.1f}, max {max(whole) * 1000:.1f})")
    print(f"valid conditions: {len(conditions) - invalid}/{len(conditions)}")
    ok = invalid == 0 and len(conditions) == len(cues) and median_whole < BAR_S
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
