"""Train the fitted emotion model (the default ``fitted`` backend) on EmoBank's train split.

    python scripts/train_emotion.py [--data PATH] [--out PATH] [--search] [--check]

Data: EmoBank (Buechel & Hahn, EACL 2017; CC-BY-SA 4.0), ``emobank_train_dev.csv`` in
``../shared/data/emobank/``: 8,062 train and 1,000 dev sentences rated for valence and arousal
(1-5). The model is fitted on **train** only; the settings below were chosen on **dev** with
``--search`` (which prints the grid); the test split is withheld and never read here.

Model: ridge regression, one per dimension, over hashed word 1-2-grams and character 2-5-grams
(sublinear tf x idf, L2-normalised per group) plus the dense features of
``scenescore.emotion.features`` (standardised). Solved by conjugate gradients in numpy (no
scikit-learn), deterministic; weights are rounded to float16 before saving so the file's hash is
stable. Seeded although nothing is random (the seed is recorded for form's sake and for
``--search``'s order). A test re-runs this script and compares the hash with the shipped file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.emotion.features import (  # noqa: E402
    DENSE_FEATURES,
    N_BUCKETS,
    design,
    sparse_text,
)

DATA = ROOT.parent / "shared" / "data" / "emobank" / "emobank_train_dev.csv"
OUT = ROOT / "src" / "scenescore" / "data" / "emotion_model.npz"
SEED = 16
#: Chosen on dev with --search (see docs/emotion.md for the grid and the dev figures).
SETTINGS = {
    "valence": {"alpha": 3.0},
    "arousal": {"alpha": 3.0},
    "group_weights": [1.0, 1.0],
    "dense_weight": 0.5,
}
CG_ITERATIONS = 400
CG_TOL = 1e-7


def read_emobank(path: Path) -> dict[str, list[tuple[str, float, float]]]:
    splits: dict[str, list[tuple[str, float, float]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            splits.setdefault(row["split"], []).append((row["text"] or "", float(row["V"]), float(row["A"])))
    if "test" in splits:
        raise SystemExit(f"{path}: holds test rows; the test split must stay withheld")
    return splits


def idf_of(texts: list[str]) -> np.ndarray:
    df = np.zeros(N_BUCKETS)
    for t in texts:
        s = sparse_text(t)
        df[s.word_buckets] += 1
        df[s.char_buckets] += 1
    return np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0


def solve_ridge(rows, cols, vals, n_rows: int, n_cols: int, y: np.ndarray, alpha: float) -> np.ndarray:
    """(X'X + alpha I) w = X'y by conjugate gradients; X given in coordinate form."""
    def xv(w: np.ndarray) -> np.ndarray:
        return np.bincount(rows, weights=vals * w[cols], minlength=n_rows)

    def xtv(r: np.ndarray) -> np.ndarray:
        return np.bincount(cols, weights=vals * r[rows], minlength=n_cols)

    def dot(a: np.ndarray, c: np.ndarray) -> float:
        return float(np.sum(a * c))  # numpy's own summation, not BLAS: same bits whatever kernel

    b = xtv(y)
    w = np.zeros(n_cols)
    r = b.copy()
    p = r.copy()
    rs = dot(r, r)
    stop = CG_TOL * CG_TOL * dot(b, b)
    for _ in range(CG_ITERATIONS):
        ap = xtv(xv(p)) + alpha * p
        step = rs / dot(p, ap)
        w += step * p
        r -= step * ap
        rs_new = dot(r, r)
        if rs_new < stop:
            break
        p = r + (rs_new / rs) * p
        rs = rs_new
    return w


class Featurized:
    """A split turned into coordinate-form rows, with the dense block appended as columns."""

    def __init__(self, texts, idf, group_weights, mean, scale, dense_weight) -> None:
        rows, cols, vals, dense, _ = design(texts, idf, tuple(group_weights), mean, scale)
        n, k = dense.shape
        d_rows = np.repeat(np.arange(n), k + 1)
        d_cols = np.tile(np.arange(N_BUCKETS, N_BUCKETS + k + 1), n)
        d_vals = np.hstack([dense_weight * dense, np.ones((n, 1))]).ravel()
        self.rows = np.concatenate([rows, d_rows])
        self.cols = np.concatenate([cols, d_cols])
        self.vals = np.concatenate([vals, d_vals])
        self.n = n
        self.n_cols = N_BUCKETS + k + 1

    def predict(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.rows, weights=self.vals * w[self.cols], minlength=self.n)


def dense_stats(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    from scenescore.emotion.features import dense_features

    block = np.array([dense_features(t) for t in texts])
    mean = block.mean(axis=0)
    scale = block.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return np.round(mean, 4), np.round(scale, 4)


def fit(train, settings, idf, mean, scale) -> tuple[np.ndarray, np.ndarray]:
    texts = [t for t, _, _ in train]
    X = Featurized(texts, idf, settings["group_weights"], mean, scale, settings["dense_weight"])
    out = []
    for k, name in ((1, "valence"), (2, "arousal")):
        y = np.array([row[k] for row in train])
        out.append(solve_ridge(X.rows, X.cols, X.vals, X.n, X.n_cols, y, settings[name]["alpha"]))
    return out[0], out[1]


def pearson(a, b) -> float:
    return statistics.correlation([float(x) for x in a], [float(x) for x in b])


def model_bytes(w_v, w_a, idf, mean, scale, train, settings, pred_v, pred_a) -> bytes:
    yv = np.array([r[1] for r in train])
    ya = np.array([r[2] for r in train])
    meta = {
        "settings": settings, "seed": SEED, "dense_features": list(DENSE_FEATURES),
        "n_buckets": N_BUCKETS, "n_train": len(train),
        "target": {"valence_mean": round(float(yv.mean()), 4), "valence_std": round(float(yv.std()), 4),
                   "arousal_mean": round(float(ya.mean()), 4), "arousal_std": round(float(ya.std()), 4)},
        # The backend maps a prediction p to (p - mean) / (2 std) of the training predictions:
        # one standard deviation of the model's own spread reads 0.5 on scenescore's [-1, 1].
        "prediction": {"valence_mean": round(float(pred_v.mean()), 4),
                       "valence_std": round(float(pred_v.std()), 4),
                       "arousal_mean": round(float(pred_a.mean()), 4),
                       "arousal_std": round(float(pred_a.std()), 4)},
        "data": "EmoBank train split (Buechel & Hahn 2017), CC-BY-SA 4.0",
        "licence": "CC-BY-SA-4.0 (derived from EmoBank's ratings)",
    }
    buf = io.BytesIO()
    np.savez_compressed(
        buf, w_valence=w_v.astype(np.float16), w_arousal=w_a.astype(np.float16),
        idf=idf.astype(np.float16), dense_mean=mean.astype(np.float32),
        dense_scale=scale.astype(np.float32), meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8))
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--search", action="store_true", help="print dev r over a grid of settings")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from a fresh fit")
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data}: not found (EmoBank train+dev, see ../shared/data/emobank)")
    started = time.perf_counter()
    splits = read_emobank(args.data)
    train, dev = splits["train"], splits["dev"]
    texts = [t for t, _, _ in train]
    idf = idf_of(texts)
    mean, scale = dense_stats(texts)
    dev_texts = [t for t, _, _ in dev]

    def dev_r(settings, w_v, w_a) -> tuple[float, float]:
        X = Featurized(dev_texts, idf, settings["group_weights"], mean, scale, settings["dense_weight"])
        return (pearson(X.predict(w_v.astype(np.float16).astype(np.float64)), [r[1] for r in dev]),
                pearson(X.predict(w_a.astype(np.float16).astype(np.float64)), [r[2] for r in dev]))

    if args.search:
        for gw in ([1.0, 1.0], [1.0, 0.5], [0.5, 1.0]):
            for dw in (0.25, 0.5, 1.0):
                for alpha in (1.0, 3.0, 10.0):
                    s = {"valence": {"alpha": alpha}, "arousal": {"alpha": alpha},
                         "group_weights": gw, "dense_weight": dw}
                    rv, ra = dev_r(s, *fit(train, s, idf, mean, scale))
                    print(f"groups={gw} dense={dw} alpha={alpha}: dev r valence {rv:.4f} arousal {ra:.4f}",
                          flush=True)
        return
    w_v, w_a = fit(train, SETTINGS, idf, mean, scale)
    X = Featurized(texts, idf, SETTINGS["group_weights"], mean, scale, SETTINGS["dense_weight"])
    pred_v = X.predict(w_v.astype(np.float16).astype(np.float64))
    pred_a = X.predict(w_a.astype(np.float16).astype(np.float64))
    data = model_bytes(w_v, w_a, idf, mean, scale, train, SETTINGS, pred_v, pred_a)
    rv, ra = dev_r(SETTINGS, w_v, w_a)
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        same = args.out.exists() and args.out.read_bytes() == data
        print(f"{args.out}: {'matches' if same else 'DIFFERS from'} a fresh fit (sha256 {digest})")
        raise SystemExit(0 if same else 1)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data) / 1e6:.2f} MB, sha256 {digest}) in {time.perf_counter() - started:.1f} s")
    print(f"dev r (the split the settings were chosen on): valence {rv:.4f}, arousal {ra:.4f}")


if __name__ == "__main__":
    main()
