"""Train the learned line typer (a linear-chain CRF) and write its weights into the package.

    python scripts/train_segment.py            # the shipped model: src/scenescore/data/line_crf.json.gz
    python scripts/train_segment.py --check    # exit 1 if the shipped file is not what training gives
    python scripts/train_segment.py --hold-out [--out PATH]   # the evaluation model (not shipped)

Two models, one recipe (same seed, settings and renderings per source):

* the **shipped** model (default) is fitted on every source with exact labels: the training
  sources below and the four held-out ones (HELD_OUT_OWN, HELD_OUT_SHARED), so what the real
  features teach reaches users. ``tests/segment/test_learned_typer.py`` checks its hash.
* the **evaluation** model (``--hold-out``) leaves the held-out sources out; the recipe is chosen
  and scored with it (``scripts/eval_segment.py`` trains it in-process or reads ``--model``;
  ``scripts/dev_segment.py`` splits only the training sources). It is written to ``--out``
  (default build/line_crf_holdout.json.gz), never into the package.

Sources with exact element types (whole scripts): the project's own tagged scripts
(corpus/sample, the four of eval/layouts/src) and the real Fountain screenplays in
``../shared/data/screenplays/`` (copyrighted: read at training time, never committed). Only
their Fountain files train; the held-out scripts' Final Draft files are a second annotation,
used in evaluation only. Slug lines are relabelled to one convention first (master and place
slugs are headings, camera directions and subject slugs are shots: render_layouts.normalise_slugs), so
sources whose markup disagrees do not train contradictory targets. Each source is rendered
into every layout class several times with random
parameters (:mod:`scenescore.segment.render_layouts`), feature-length documents stitched from
all of them are rendered once per layout class (none of the sources is a feature: long documents
repeat page furniture, cues and headings hundreds of times), and python-crfsuite fits the CRF with
L-BFGS. Training is seeded and deterministic; weights are rounded before they are saved, so the
file's hash is stable and ``tests/segment/test_learned_typer.py`` can check it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.segment.learned import (  # noqa: E402
    LABELS,
    SLOT_OFFSETS,
    SLOTS,
    LineCRF,
    feature_strings,
    line_features,
)
from scenescore.segment.render_layouts import (  # noqa: E402
    LAYOUT_CLASSES,
    load_script,
    rendering,
    run_in_capitals,
    stitched,
)

SHARED = ROOT.parent / "shared" / "data" / "screenplays"
OUT = ROOT / "src" / "scenescore" / "data" / "line_crf.json.gz"
SEED = 17
#: Renderings per source and layout class.
PER_CLASS = 3
#: Feature-length documents stitched from all training sources, per layout class (excerpts
#: aside), and how many blocks each has (a 120-page feature has about 1,500).
LONG_PER_CLASS = 1
LONG_BLOCKS = (1000, 2000)
#: L1 and L2 regularisation of the CRF.
C1, C2 = 0.2, 3.0
#: Share of the renderings whose script first gets run-in capitals (render_layouts.run_in_capitals:
#: a noun phrase of an action sentence on a line of its own), and the rates drawn from; the
#: same shape as the secondary slugs the renderer inserts (30% of renderings, 2-4% of blocks).
RUN_IN_SHARE = 0.3
RUN_IN_RATES = (0.02, 0.04)

TRAIN_OWN = ("corpus/sample/sample.tagged", "eval/layouts/src/salt_road.tagged", "eval/layouts/src/plus_one.tagged")
TRAIN_SHARED = ("The-Last-Birthday-Card.fountain", "Silent_as_Murderers.fountain", "my_living_memory.fountain",
                "printing_trouble.fountain", "run_like_hell_teaser.fountain")
#: Whole scripts kept out of the evaluation model's training (``--hold-out``), for
#: scripts/eval_segment.py; the shipped model trains on them too.
HELD_OUT_OWN = ("eval/layouts/src/winter_line.tagged", "eval/layouts/src/harbor_precinct.tagged")
HELD_OUT_SHARED = ("Big-Fish.fountain", "Brick-and-Steel.fountain")
#: The same held-out scripts with Final Draft's own paragraph types (a second annotation: the
#: two files disagree on a few secondary slug lines).
HELD_OUT_FDX = ("Big-Fish.fdx", "Brick-and-Steel.fdx")


def training_sources(exclude: tuple[str, ...] = (), *, hold_out: bool = False) -> list[Path]:
    """The sources a model trains on, in a fixed order: the training sources, then (unless
    ``hold_out``) the held-out ones; less ``exclude`` (file names)."""
    shared = TRAIN_SHARED if hold_out else TRAIN_SHARED + HELD_OUT_SHARED
    missing = [name for name in shared if not (SHARED / name).exists()]
    if missing:
        raise SystemExit(f"training needs {SHARED} (missing: {', '.join(missing)})")
    paths = [ROOT / p for p in TRAIN_OWN] + [SHARED / name for name in TRAIN_SHARED]
    if not hold_out:
        paths += [ROOT / p for p in HELD_OUT_OWN] + [SHARED / name for name in HELD_OUT_SHARED]
    return [p for p in paths if p.name not in exclude]


def sequences(seed: int = SEED, per_class: int = PER_CLASS, exclude: tuple[str, ...] = (),
              long_per_class: int = LONG_PER_CLASS, *, hold_out: bool = False, run_in: bool = True):
    """(features, labels) for every rendering, in a fixed order: each source alone, then
    feature-length documents stitched from all of them (render_layouts.stitched); with
    ``run_in``, some renderings' scripts get run-in capitals first (RUN_IN_SHARE)."""
    scripts = [load_script(path) for path in training_sources(exclude, hold_out=hold_out)]
    for s_index, script in enumerate(scripts):
        for c_index, klass in enumerate(LAYOUT_CLASSES):
            for k in range(per_class):
                rseed = seed * 1_000_003 + s_index * 10_007 + c_index * 101 + k
                yield _labelled(rendering(_with_run_in(script, rseed, run_in), rseed, klass))
    for c_index, klass in enumerate(LAYOUT_CLASSES[:-1]):  # an excerpt of a long script is a short one
        for k in range(long_per_class):
            rseed = seed * 1_000_003 + 7_000_000 + c_index * 101 + k
            rng = random.Random(rseed)
            long = stitched(scripts, rng, rng.randint(*LONG_BLOCKS))
            yield _labelled(rendering(_with_run_in(long, rseed, run_in), rseed, klass))


def _with_run_in(script, rseed: int, run_in: bool):
    """The script, or (for RUN_IN_SHARE of the renderings) the script with run-in capitals;
    drawn from its own generator, so the rendering's own randomness is unchanged."""
    if not run_in:
        return script
    rng = random.Random(rseed * 7 + 1)
    if rng.random() >= RUN_IN_SHARE:
        return script
    return run_in_capitals(script, rng, rng.choice(RUN_IN_RATES))


def _labelled(rendered) -> tuple[list[dict[str, float]], list[str]]:
    lines, types, bold, _layout = rendered
    index, values = line_features(lines, bold)
    return feature_strings(values), [types[i].value for i in index.tolist()]


def train(seed: int = SEED, *, verbose: bool = False, hold_out: bool = False) -> bytes:
    """Fit the CRF (the shipped model, or with ``hold_out`` the evaluation model) and return
    the gzipped, rounded weights file."""
    return serialise(fit(seed, verbose=verbose, hold_out=hold_out))


def serialise(model: LineCRF) -> bytes:
    """The gzipped weights file of a fitted model (what load_model reads)."""
    payload = json.dumps(model.to_dict(), sort_keys=True, separators=(",", ":")).encode("utf-8")
    return gzip.compress(payload, compresslevel=9, mtime=0)


def fit(seed: int = SEED, *, verbose: bool = False, exclude: tuple[str, ...] = (),
        long_per_class: int = LONG_PER_CLASS, c1: float = C1, c2: float = C2,
        per_class: int = PER_CLASS, hold_out: bool = False, run_in: bool = True) -> LineCRF:
    """Fit the CRF on the sources (all of them, or with ``hold_out`` the training sources only;
    less ``exclude``, file names) and return it rounded."""
    import numpy as np
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    n_items = 0
    for xseq, yseq in sequences(seed, per_class, exclude, long_per_class, hold_out=hold_out, run_in=run_in):
        if not yseq:
            continue
        trainer.append(xseq, yseq)
        n_items += len(yseq)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": 100,
                        "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "crf.model")
        t0 = time.perf_counter()
        trainer.train(path)
        if verbose:
            print(f"trained on {n_items:,} lines in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        info = tagger.info()
        tagger.close()
    label_index = {t.value: k for k, t in enumerate(LABELS)}
    slot_index = {name: k for k, (name, _size) in enumerate(SLOTS)}
    state = np.zeros((int(SLOT_OFFSETS[-1] + SLOTS[-1][1]), len(LABELS)))
    for (attr, label), weight in info.state_features.items():
        name, _, value = attr.partition("=")
        state[int(SLOT_OFFSETS[slot_index[name]]) + int(value), label_index[label]] = weight
    trans = np.zeros((len(LABELS), len(LABELS)))
    for (a, b), weight in info.transitions.items():
        trans[label_index[a], label_index[b]] = weight
    return LineCRF.from_dict(LineCRF(state, trans).to_dict())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the shipped file instead of writing it")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--hold-out", action="store_true",
                        help="the evaluation model: without the held-out sources, written to --out")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "line_crf_holdout.json.gz",
                        help="where --hold-out writes its model")
    args = parser.parse_args()
    if args.hold_out and args.check:
        parser.error("--check compares the shipped model; --hold-out trains the evaluation model")
    t0 = time.perf_counter()
    data = train(args.seed, verbose=True, hold_out=args.hold_out)
    digest = hashlib.sha256(data).hexdigest()
    print(f"{len(data):,} bytes, sha256 {digest}, {time.perf_counter() - t0:.1f} s in all")
    if args.hold_out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
        print(f"wrote {args.out} (evaluation model, held-out sources left out)")
        return 0
    if args.check:
        shipped = OUT.read_bytes() if OUT.exists() else b""
        if shipped != data:
            print(f"{OUT.relative_to(ROOT)} is not what training produces", file=sys.stderr)
            return 1
        return 0
    OUT.write_bytes(data)
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
