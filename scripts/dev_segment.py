"""Dev split for the line CRF: choose features and settings here, never on the held-out sources.

    python scripts/dev_segment.py [--confusions N] [--renderings K] [--dev FILE ... | --cv] [--long K]
                                  [--long-train K] [--per-class K] [--c1 X] [--c2 X] [--ablate SLOT ...]
                                  [--no-run-in]

Trains the CRF exactly as ``scripts/train_segment.py --hold-out`` does (the evaluation model:
the held-out sources never enter) but also without the DEV sources (three of the training
sources, whole scripts; ``--dev`` names another three), renders them in every
layout class and prints content-line accuracy, scene-heading P/R/F1 and the commonest heading
confusions. ``--cv`` leaves each training source out in turn (one training run per source) and
sums the scores. ``--long K`` also scores K feature-length documents per class stitched from
the left-out sources (a single source repeated: render_layouts.stitched); ``--long-train``,
``--per-class``, ``--c1``/``--c2``, ``--no-run-in`` change the training settings and ``--ablate`` holds feature
slots at 0, to compare a setting or a feature with the default in one run per setting. The
held-out sources of ``train_segment.py`` are not touched.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from scenescore.records import ElementType as T  # noqa: E402
from scenescore.segment import learned  # noqa: E402
from scenescore.segment.learned import type_lines_learned  # noqa: E402
from scenescore.segment.render_layouts import LAYOUT_CLASSES, load_script, rendering, stitched  # noqa: E402
from train_segment import (  # noqa: E402
    C1,
    C2,
    LONG_BLOCKS,
    LONG_PER_CLASS,
    PER_CLASS,
    SHARED,
    fit,
    training_sources,
)

DEV = (SHARED / "Silent_as_Murderers.fountain", SHARED / "my_living_memory.fountain",
       ROOT / "eval/layouts/src/plus_one.tagged")
RENDERINGS = 3


def _renderings(dev: tuple[Path, ...], renderings: int, long: bool):
    """The dev renderings: each source alone in every class, or (``long``) feature-length
    documents stitched from the dev sources (a single source repeated) in every class but excerpts."""
    scripts = [load_script(path) for path in dev]
    if long:
        for c, klass in enumerate(LAYOUT_CLASSES[:-1]):
            for k in range(renderings):
                seed = 700_000 + c * 10 + k
                rng = random.Random(seed)
                yield klass, rendering(stitched(scripts, rng, rng.randint(*LONG_BLOCKS)), seed, klass)
        return
    for s, script in enumerate(scripts):
        for c, klass in enumerate(LAYOUT_CLASSES):
            for k in range(renderings):
                yield klass, rendering(script, 500_000 + s * 1000 + c * 10 + k, klass)


def score(model, dev: tuple[Path, ...], renderings: int, counts: Counter, conf: Counter, long: bool = False) -> None:
    """Add the dev sources' content-line and heading counts to ``counts`` (n, ok, tp, fp, fn)."""
    for klass, (lines, gold, bold, _) in _renderings(dev, renderings, long):
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


def _summary(label: str, counts: Counter) -> str:
    n, ok, tp, fp, fn = (counts[k] for k in ("n", "ok", "tp", "fp", "fn"))
    return (f"{label}: {n} content lines, accuracy {ok / max(n, 1):.4f}, "
            f"heading F1 {2 * tp / max(2 * tp + fp + fn, 1):.4f}, P {tp / max(tp + fp, 1):.4f}, "
            f"R {tp / max(tp + fn, 1):.4f} (tp {tp}, fp {fp}, fn {fn})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--confusions", type=int, default=20)
    parser.add_argument("--renderings", type=int, default=RENDERINGS, help="renderings per source and class")
    parser.add_argument("--dev", nargs="+", metavar="FILE",
                        help="other training sources (file names) to leave out and score instead of the default DEV")
    parser.add_argument("--cv", action="store_true",
                        help="leave-one-source-out over all training sources: one training run per source")
    parser.add_argument("--long", type=int, default=0, metavar="K",
                        help="also score K feature-length documents per class stitched from the left-out "
                             "source(s) (a single source repeated)")
    parser.add_argument("--long-train", type=int, default=LONG_PER_CLASS, metavar="K",
                        help=f"stitched training documents per class (default {LONG_PER_CLASS})")
    parser.add_argument("--per-class", type=int, default=PER_CLASS, help="training renderings per source and class")
    parser.add_argument("--ablate", nargs="+", default=[], metavar="SLOT",
                        help="hold these feature slots at 0 (training and scoring)")
    parser.add_argument("--no-run-in", action="store_true",
                        help="train without run-in capitals (train_segment.RUN_IN_SHARE)")
    parser.add_argument("--c1", type=float, default=C1)
    parser.add_argument("--c2", type=float, default=C2)
    args = parser.parse_args()
    unknown_slots = [name for name in args.ablate if name not in learned.SLOT_NAMES]
    if unknown_slots:
        parser.error(f"unknown slots: {', '.join(unknown_slots)}")
    learned.ABLATE.update(args.ablate)
    sources = training_sources(hold_out=True)
    dev = DEV
    if args.dev:
        by_name = {p.name: p for p in sources}
        unknown = [name for name in args.dev if name not in by_name]
        if unknown:
            parser.error(f"not training sources: {', '.join(unknown)} (known: {', '.join(sorted(by_name))})")
        dev = tuple(by_name[name] for name in args.dev)
    folds = [(p,) for p in sources] if args.cv else [dev]
    counts: Counter = Counter()
    long_counts: Counter = Counter()
    conf: Counter = Counter()
    long_conf: Counter = Counter()
    print(f"settings: long-train {args.long_train}, per-class {args.per_class}, c1 {args.c1}, c2 {args.c2}, "
          f"run-in capitals {'no' if args.no_run_in else 'yes'}, ablated {' '.join(args.ablate) or 'none'}", flush=True)
    for fold in folds:
        fold_counts: Counter = Counter()
        fold_long: Counter = Counter()
        model = fit(hold_out=True, exclude=tuple(p.name for p in fold), long_per_class=args.long_train, c1=args.c1, c2=args.c2,
                    per_class=args.per_class, run_in=not args.no_run_in)
        score(model, fold, args.renderings, fold_counts, conf)
        if args.long:
            score(model, fold, args.long, fold_long, long_conf, long=True)
        if args.cv:
            tp, fp, fn = fold_counts["tp"], fold_counts["fp"], fold_counts["fn"]
            extra = ""
            if args.long:
                extra = (f"  | long accuracy {fold_long['ok'] / max(fold_long['n'], 1):.4f} heading tp {fold_long['tp']} "
                         f"fp {fold_long['fp']} fn {fold_long['fn']}")
            print(f"  fold {fold[0].name:34} accuracy {fold_counts['ok'] / fold_counts['n']:.4f}  "
                  f"heading tp {tp} fp {fp} fn {fn}{extra}", flush=True)
        counts.update(fold_counts)
        long_counts.update(fold_long)
    label = "leave-one-source-out over all training sources" if args.cv else ", ".join(p.name for p in dev)
    print(_summary(f"DEV ({label})", counts))
    if args.long:
        print(_summary(f"DEV LONG ({label}; stitched, {args.long} per class)", long_counts))
    for (klass, gold, got, text), count in conf.most_common(args.confusions):
        print(f"{count:4d}  {klass:20} gold {gold:14} got {got:14} {text}")
    if args.long:
        print("long documents:")
        for (klass, gold, got, text), count in long_conf.most_common(args.confusions):
            print(f"{count:4d}  {klass:20} gold {gold:14} got {got:14} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
