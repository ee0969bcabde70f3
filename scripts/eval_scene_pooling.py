"""How to pool line readings into a scene reading: a check on held-out human ratings.

    python scripts/eval_scene_pooling.py [--data PATH]

A scene's valence is a weighted mean of its lines' readings (``emotion/scene.py``). No rated
screenplay scenes exist here, so the check builds pseudo-scenes from EmoBank's **dev** split (the
fitted model never trained on it): consecutive sentences of one source document, in runs of 4 to
12, scored by the fitted backend sentence by sentence, pooled by each method, and compared with
the mean human valence of the same sentences (Pearson r over pseudo-scenes). The documents are
split in two halves by a hash of their id: half A to choose a method, half B to confirm it. The
methods were written down before the first run:

- ``current``: weight 0.5 + 0.25 x lexicon hits (at most 4) + 2 |valence| (what ships);
- ``no_extremity``: the same without the 2 |valence| term (a strong reading gains no extra say);
- ``words``: weight = the sentence's word count (material by length);
- ``uniform``: every sentence weighs 1.

All pool as sum(w v) / (sum(w) + 1) (``VALENCE_SHRINK``); the scene's tanh gain is monotone and
does not change r, so it is fitted separately (least squares of tanh(gain x pooled) against the
human mean mapped to the backend's scale, on half A; the error on half B at that gain and at the
shipped 2.0). EmoBank is not screenplay text (no fragments, no action lines, fewer neutral
sentences): the check says which pooling tracks human ratings of running prose, not which reads
a screenplay best. A second table asks whether the model over-reads short fragments ("Badly.",
"No."): per length band of dev sentences, r and the slope of the human rating on the prediction.
Written for issue 16 (the sample's flashback); see docs/emotion.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.emotion import AnalyzeOptions, create_backend  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "emobank" / "emobank_train_dev.csv"
RUN_MIN, RUN_MAX = 4, 12
_SPAN = re.compile(r"(.+)_(\d+)_(\d+)")


def pseudo_scenes(path: Path) -> list[tuple[str, list[tuple[str, float]]]]:
    """(document id, [(text, valence)]) runs of consecutive dev sentences of one document."""
    docs: dict[str, list[tuple[int, str, float]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] != "dev" or not (row["text"] or "").strip():
                continue
            m = _SPAN.fullmatch(row["id"])
            if m is None:  # SemEval headlines: single sentences, no document
                continue
            doc, start = m.group(1), m.group(2)
            docs.setdefault(doc, []).append((int(start), row["text"], float(row["V"])))
    out = []
    for doc, rows in sorted(docs.items()):
        rows.sort()
        for i in range(0, len(rows), RUN_MAX):
            run = rows[i:i + RUN_MAX]
            if len(run) >= RUN_MIN:
                out.append((doc, [(t, v) for _, t, v in run]))
    return out


def pooled(readings, method: str) -> float:
    weights = []
    for text, r in readings:
        base = r.weight - 2.0 * abs(r.valence)
        weights.append({"current": r.weight, "no_extremity": base, "words": float(len(text.split())),
                        "uniform": 1.0}[method])
    return sum(w * r.valence for w, (_, r) in zip(weights, readings, strict=True)) / (sum(weights) + 1.0)


#: Scene gains tried: tanh(gain x pooled) against the human mean on the backend's scale.
GAINS = [round(0.1 * k, 1) for k in range(5, 81)]


def squared_error(rows, method: str, gain: float, scale: tuple[float, float]) -> float:
    """Sum over pseudo-scenes of (tanh(gain x pooled) - human mean)^2, the human ratings mapped
    to the backend's [-1, 1] the way its predictions are ((V - centre) / scale)."""
    centre, spread = scale
    return sum((math.tanh(gain * pooled(rd, method)) - statistics.mean((v - centre) / spread for v in gold)) ** 2
               for rd, gold in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data}: not found (EmoBank train+dev, see ../shared/data/emobank)")
    scenes = pseudo_scenes(args.data)
    backend = create_backend(AnalyzeOptions())
    texts = [t for _, run in scenes for t, _ in run]
    scored = dict(zip(texts, backend.score_texts(texts), strict=True))
    halves: dict[str, list] = {"A": [], "B": []}
    for doc, run in scenes:
        half = "A" if int(hashlib.sha1(doc.encode()).hexdigest(), 16) % 2 == 0 else "B"
        halves[half].append(([(t, scored[t]) for t, _ in run], [v for _, v in run]))
    scale = (backend._v_center, backend._v_scale)
    print(f"{args.data.name} dev: {len(scenes)} pseudo-scenes of {RUN_MIN}-{RUN_MAX} sentences "
          f"(A {len(halves['A'])}, B {len(halves['B'])})\n")
    print("| pooling | r half A (choose) | r half B (confirm) | gain fitted on A | B: squared error at it / at 2.0 |\n"
          "| --- | ---: | ---: | ---: | ---: |")
    for method in ("current", "no_extremity", "words", "uniform"):
        rs = [statistics.correlation([pooled(rd, method) for rd, _ in rows], [statistics.mean(g) for _, g in rows])
              for rows in (halves["A"], halves["B"])]
        gain = min(GAINS, key=lambda g: squared_error(halves["A"], method, g, scale))
        print(f"| {method} | {rs[0]:.4f} | {rs[1]:.4f} | {gain:.1f} | "
              f"{squared_error(halves['B'], method, gain, scale):.3f} / "
              f"{squared_error(halves['B'], method, 2.0, scale):.3f} |")
    length_calibration(args.data, backend)


def length_calibration(path: Path, backend) -> None:  # noqa: ANN001
    """Are short fragments over-read? Per length band of dev sentences: r, and the slope of the
    human valence (on the backend's scale) on the prediction (below 1: predictions overshoot)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["split"] == "dev" and (r["text"] or "").strip()]
    preds = backend.score_texts([r["text"] for r in rows])
    centre, spread = backend._v_center, backend._v_scale
    print("\n| words | n | r | slope of human on predicted |\n| --- | ---: | ---: | ---: |")
    for lo, hi in ((1, 3), (4, 6), (7, 12), (13, 25), (26, 10_000)):
        pairs = [(p.valence, (float(r["V"]) - centre) / spread) for r, p in zip(rows, preds, strict=True)
                 if lo <= len(r["text"].split()) <= hi]
        xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
        print(f"| {lo}-{hi if hi < 10_000 else ''} | {len(pairs)} | {statistics.correlation(xs, ys):.3f} | "
              f"{statistics.linear_regression(xs, ys).slope:.2f} |")


if __name__ == "__main__":
    main()
