"""Does adding a real screenplay to the line CRF's training help the other held-out sources?

    python scripts/added_source_segment.py [--renderings K]

The evidence behind shipping a model trained on every source (scripts/train_segment.py): in one
session, the evaluation model (training sources only, ``--hold-out``) is compared with the same
recipe plus one held-out real feature, on held-out sources that neither model saw, rendered
exactly as in scripts/eval_segment.py (same seeds):

(a) + Big-Fish, scored on Brick-and-Steel (Fountain and Final Draft types), winter_line,
    harbor_precinct;
(b) + Brick-and-Steel, scored on Big-Fish (Fountain and Final Draft types).

Prints content-line accuracy and scene-heading P/R/F1 per source and in all, aggregates only.
It also checks that the evaluation model trained here is byte for byte the one
``train_segment.py --hold-out`` writes (same function, same seed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_segment import heldout  # noqa: E402
from train_segment import HELD_OUT_OWN, SEED, fit  # noqa: E402

OWN = tuple(Path(p).name for p in HELD_OUT_OWN)
EXPERIMENTS = (
    ("Big-Fish", ("Brick-and-Steel.fountain",) + OWN,
     {"Brick-and-Steel.fountain", "Brick-and-Steel.fdx"} | set(OWN)),
    ("Brick-and-Steel", ("Big-Fish.fountain",) + OWN, {"Big-Fish.fountain", "Big-Fish.fdx"}),
)


def _row(label: str, acc, heads, key: str) -> str:
    n, _rules, ok = acc[key]
    tp, fp, fn = heads[(key, "learned")]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return (f"| {key.removeprefix('source ')} | {label} | {n:,} | {ok / n:.4f} | {p:.4f} | {r:.4f} | {f1:.4f} "
            f"| {fp} / {fn} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--renderings", type=int, default=2, help="renderings per source and layout class")
    args = parser.parse_args()
    t0 = time.perf_counter()
    base = fit(SEED, hold_out=True)
    print(f"evaluation model (training sources only) fitted in {time.perf_counter() - t0:.0f} s", flush=True)
    print("| source | model | content lines | accuracy | heading P | heading R | heading F1 | heading fp / fn |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for added, exclude, scored in EXPERIMENTS:
        t0 = time.perf_counter()
        model = fit(SEED, exclude=exclude)
        print(f"<!-- training sources + {added} fitted in {time.perf_counter() - t0:.0f} s -->", flush=True)
        runs = [("training sources only", base), (f"+ {added}", model)]
        results = [(label, *heldout(args.renderings, model=m, model_name=label, only=scored, show=False))
                   for label, m in runs]
        keys = sorted(k for k in results[0][1] if k.startswith("source ")) + ["ALL"]
        for key in keys:
            for label, acc, heads in results:
                print(_row(label, acc, heads, key), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
