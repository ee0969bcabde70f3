"""Dev split for the line CRF: choose features and settings here, never on the held-out sources.

    python scripts/dev_segment.py [--confusions N] [--renderings K] [--dev FILE ...]

Trains the CRF exactly as ``scripts/train_segment.py`` does but without the DEV sources (three
of the training sources, whole scripts; ``--dev`` names another three), renders them in every
layout class and prints content-line accuracy, scene-heading P/R/F1 and the commonest heading
confusions. The held-out sources of ``train_segment.py`` are not touched.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--confusions", type=int, default=20)
    parser.add_argument("--renderings", type=int, default=RENDERINGS, help="renderings per source and class")
    parser.add_argument("--dev", nargs="+", metavar="FILE",
                        help="other training sources (file names) to leave out and score instead of the default DEV")
    args = parser.parse_args()
    dev = DEV
    if args.dev:
        by_name = {p.name: p for p in training_sources()}
        unknown = [name for name in args.dev if name not in by_name]
        if unknown:
            parser.error(f"not training sources: {', '.join(unknown)} (known: {', '.join(sorted(by_name))})")
        dev = tuple(by_name[name] for name in args.dev)
    model = fit(exclude=tuple(p.name for p in dev))
    tp = fp = fn = n = ok = 0
    conf: Counter = Counter()
    for s, path in enumerate(dev):
        script = load_script(path)
        for c, klass in enumerate(LAYOUT_CLASSES):
            for k in range(args.renderings):
                lines, gold, bold, _ = rendering(script, 500_000 + s * 1000 + c * 10 + k, klass)
                pred = type_lines_learned(lines, bold=bold, model=model)
                for g, y, line in zip(gold, pred, lines, strict=True):
                    if g is T.BLANK:
                        continue
                    n += 1
                    ok += g is y
                    a, b = g is T.SCENE_HEADING, y is T.SCENE_HEADING
                    tp += a and b
                    fp += b and not a
                    fn += a and not b
                    if (a or b) and g is not y:
                        conf[(klass, g.value, y.value, " ".join(line.split())[:40])] += 1
    print(f"DEV ({', '.join(p.name for p in dev)}): {n} content lines, accuracy {ok / n:.4f}, "
          f"heading F1 {2 * tp / (2 * tp + fp + fn):.4f}, P {tp / max(tp + fp, 1):.4f}, R {tp / max(tp + fn, 1):.4f} "
          f"(tp {tp}, fp {fp}, fn {fn})")
    for (klass, gold, got, text), count in conf.most_common(args.confusions):
        print(f"{count:4d}  {klass:20} gold {gold:14} got {got:14} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
