"""Dev split for the line CRF: choose features and settings here, never on the held-out sources.

    python scripts/dev_segment.py [--confusions N] [--renderings K] [--dev FILE ... | --cv]

Trains the CRF exactly as ``scripts/train_segment.py`` does but without the DEV sources (three
of the training sources, whole scripts; ``--dev`` names another three), renders them in every
layout class and prints content-line accuracy, scene-heading P/R/F1 and the commonest heading
confusions. ``--cv`` leaves each training source out in turn (one training run per source) and
sums the scores. The held-out sources of ``train_segment.py`` are not touched.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from scenescore.records import ElementType as T  # noqa: E402
from scenescore.segment.learned import type_lines_learned  # noqa: E402
from scenescore.segment.render_layouts import LAYOUT_CLASSES, load_script, rendering  # noqa: E402
from train_segment import SHARED, fit, training_sources  # noqa: E402

DEV = (SHARED / "Silent_as_Murderers.fountain", SHARED / "my_living_memory.fountain",
       ROOT / "eval/layouts/src/plus_one.tagged")
RENDERINGS = 3


def score(model, dev: tuple[Path, ...], renderings: int, counts: Counter, conf: Counter) -> None:
    """Add the dev sources' content-line and heading counts to ``counts`` (n, ok, tp, fp, fn)."""
    for s, path in enumerate(dev):
        script = load_script(path)
        for c, klass in enumerate(LAYOUT_CLASSES):
            for k in range(renderings):
                lines, gold, bold, _ = rendering(script, 500_000 + s * 1000 + c * 10 + k, klass)
                pred = type_lines_learned(lines, bold=bold, model=model)
                for g, y, line in zip(gold, pred, lines, strict=True):
                    if g is T.BLANK:
                        continue
                    counts["n"] += 1
                    counts["ok"] += g is y
                    a, b = g is T.SCENE_HEADING, y is T.SCENE_HEADING
                    counts["tp"] += a and b
                    counts["fp"] += b and not a
                    counts["fn"] += a and not b
                    if (a or b) and g is not y:
                        conf[(klass, g.value, y.value, " ".join(line.split())[:40])] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--confusions", type=int, default=20)
    parser.add_argument("--renderings", type=int, default=RENDERINGS, help="renderings per source and class")
    parser.add_argument("--dev", nargs="+", metavar="FILE",
                        help="other training sources (file names) to leave out and score instead of the default DEV")
    parser.add_argument("--cv", action="store_true",
                        help="leave-one-source-out over all training sources: one training run per source")
    args = parser.parse_args()
    sources = training_sources()
    dev = DEV
    if args.dev:
        by_name = {p.name: p for p in sources}
        unknown = [name for name in args.dev if name not in by_name]
        if unknown:
            parser.error(f"not training sources: {', '.join(unknown)} (known: {', '.join(sorted(by_name))})")
        dev = tuple(by_name[name] for name in args.dev)
    folds = [(p,) for p in sources] if args.cv else [dev]
    counts: Counter = Counter()
    conf: Counter = Counter()
    for fold in folds:
        fold_counts: Counter = Counter()
        score(fit(exclude=tuple(p.name for p in fold)), fold, args.renderings, fold_counts, conf)
        if args.cv:
            tp, fp, fn = fold_counts["tp"], fold_counts["fp"], fold_counts["fn"]
            print(f"  fold {fold[0].name:34} accuracy {fold_counts['ok'] / fold_counts['n']:.4f}  "
                  f"heading tp {tp} fp {fp} fn {fn}", flush=True)
        counts.update(fold_counts)
    n, ok, tp, fp, fn = (counts[k] for k in ("n", "ok", "tp", "fp", "fn"))
    label = "leave-one-source-out over all training sources" if args.cv else ", ".join(p.name for p in dev)
    print(f"DEV ({label}): {n} content lines, accuracy {ok / n:.4f}, "
          f"heading F1 {2 * tp / (2 * tp + fp + fn):.4f}, P {tp / max(tp + fp, 1):.4f}, R {tp / max(tp + fn, 1):.4f} "
          f"(tp {tp}, fp {fp}, fn {fn})")
    for (klass, gold, got, text), count in conf.most_common(args.confusions):
        print(f"{count:4d}  {klass:20} gold {gold:14} got {got:14} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
