"""Score line typing and scene boundaries against gold files and held-out renderings.

    python scripts/eval_segment.py [CORPUS_DIR ...] [--errors N] [--typer learned|rules|both]

1. For every ``<stem>.<fmt>.gold.jsonl`` in the folders given (default: corpus/sample and the
   variants in eval/layouts when present), parses the matching screenplay and prints line
   accuracy per type and scene-heading precision/recall, per file and overall.
2. Held-out sources (whole scripts: two real screenplays from ../shared/data/screenplays and
   two of eval/layouts/src, see scripts/train_segment.py) rendered in every layout class
   (segment/render_layouts.py), with exact labels: content-line accuracy per layout class, per
   source and per type, and scene-heading F1, for the learned typer next to the rules, in the
   same run. The shipped model is trained on these sources too, so the learned column never
   scores it: it scores the **evaluation model**, the same recipe without the held-out sources
   (``train_segment.py --hold-out``), trained here in-process (a minute or so) or read from
   ``--model PATH``. The output names the model scored.

Part 1 types the gold files with the shipped model (``--typer``); two of eval/layouts' scripts
(winter_line, harbor_precinct) are among its training sources.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.evaluate import LineScore, format_score, read_gold, score_lines  # noqa: E402
from scenescore.ingest import read_screenplay  # noqa: E402
from scenescore.records import Element, ElementType  # noqa: E402
from scenescore.segment import build_scenes  # noqa: E402
from scenescore.segment.lines import type_layout_lines  # noqa: E402
from scenescore.segment.typers import type_document  # noqa: E402

SUFFIX = {"fountain": ".fountain", "fdx": ".fdx", "html": ".html", "txt": ".txt", "pdf": ".pdf"}


def gold_pairs(folder: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for gold in sorted(folder.glob("*.gold.jsonl")):
        stem, fmt = gold.name[: -len(".gold.jsonl")].rsplit(".", 1)
        if fmt == "flat":
            source = folder / f"{stem}_flat.txt"
        else:
            source = folder / f"{stem}{SUFFIX.get(fmt, '.' + fmt)}"
        if source.exists():
            pairs.append((source, gold))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--errors", type=int, default=10, help="show this many errors per file")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all",
                        help="for folders with a split.json: which half to score")
    parser.add_argument("--typer", choices=["learned", "rules"], default="learned",
                        help="line typer for the gold files (the held-out part always shows both)")
    parser.add_argument("--renderings", type=int, default=2, help="held-out renderings per source and class")
    parser.add_argument("--no-heldout", action="store_true", help="skip the held-out renderings")
    parser.add_argument("--model", type=Path,
                        help="held-out part: the evaluation model's weights file (train_segment.py --hold-out); "
                             "default: train it here")
    parser.add_argument("--source-labels", action="store_true",
                        help="held-out gold as each source's markup types it, not relabelled to the slug convention")
    parser.add_argument("--heading-errors", type=int, default=0, metavar="N",
                        help="held-out part: list the N commonest lines the learned typer wrongly types as a "
                             "heading, or misses as one, per source (text, gold and predicted type, renderings)")
    args = parser.parse_args()
    folders = args.folders or [p for p in (ROOT / "corpus" / "sample", ROOT / "eval" / "layouts") if p.exists()]
    overall = LineScore()
    for folder in folders:
        split_file = folder / "split.json"
        chosen = None
        if split_file.exists() and args.split != "all":
            chosen = set(json.loads(split_file.read_text(encoding="utf-8"))[args.split])
        for source, gold in gold_pairs(folder):
            if chosen is not None and source.name not in chosen:
                continue
            score = score_lines(type_document(read_screenplay(source), args.typer), read_gold(gold))
            overall.add(score)
            print(format_score(score, source.relative_to(ROOT) if source.is_relative_to(ROOT) else source))
            for line, gtype, ptype, text in score.errors[: args.errors]:
                print(f"      line {line}: gold {gtype}, got {ptype}: {text.strip()[:70]}")
    print(format_score(overall, "OVERALL"))
    if not args.no_heldout:
        model, name = evaluation_model(args.model)
        heldout(args.renderings, convention=not args.source_labels, model=model, model_name=name,
                heading_errors=args.heading_errors)


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def _pr(tp: int, fp: int, fn: int) -> str:
    return f"P {tp / (tp + fp) if tp + fp else 1.0:.4f} R {tp / (tp + fn) if tp + fn else 1.0:.4f}"


def evaluation_model(path: Path | None):
    """The model trained without the held-out sources: read from ``path`` (a file written by
    ``train_segment.py --hold-out``) or trained now with the shipped recipe. Returns (model, name)."""
    import gzip
    import hashlib
    import time

    sys.path.insert(0, str(ROOT / "scripts"))
    from scenescore.segment.learned import LineCRF
    from train_segment import SEED, fit, serialise

    if path is not None:
        try:
            raw = path.read_bytes()
            model = LineCRF.from_dict(json.loads(gzip.decompress(raw)))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SystemExit(f"{path}: not a line CRF weights file ({exc})") from None
        return model, f"{path} (sha256 {hashlib.sha256(raw).hexdigest()[:12]})"
    t0 = time.perf_counter()
    model = fit(SEED, hold_out=True)
    digest = hashlib.sha256(serialise(model)).hexdigest()[:12]
    return model, (f"evaluation model trained here without the held-out sources (train_segment.py --hold-out, "
                   f"seed {SEED}, sha256 {digest}, {time.perf_counter() - t0:.0f} s)")


def heldout_sources() -> list[Path]:
    sys.path.insert(0, str(ROOT / "scripts"))
    from train_segment import HELD_OUT_FDX, HELD_OUT_OWN, HELD_OUT_SHARED, SHARED

    return [ROOT / p for p in HELD_OUT_OWN] + [SHARED / n for n in HELD_OUT_SHARED + HELD_OUT_FDX
                                               if (SHARED / n).exists()]


def heldout(renderings: int, *, model, model_name: str, convention: bool = True,
            only: set[str] | None = None, show: bool = True, heading_errors: int = 0):
    """Held-out sources in every layout class: learned typer (``model``) vs rules, content lines
    only. ``convention``: gold slug lines relabelled as in training (render_layouts.normalise_slugs).
    ``only``: score these source file names (same renderings, same seeds as in the full run).
    ``heading_errors``: also print the N commonest heading confusions of the learned typer per
    source. Returns (acc, heads): per key [lines, rules correct, learned correct] and per
    (key, typer) heading [tp, fp, fn]."""
    from collections import Counter, defaultdict

    from scenescore.segment.learned import type_lines_learned
    from scenescore.segment.render_layouts import LAYOUT_CLASSES, load_script, rendering

    sources = heldout_sources()
    # key -> [lines, rules correct, learned correct]; headings: key -> [tp, fp, fn] per typer
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    heads: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    within: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # renderings whose scene count is within 30%
    confusions: Counter = Counter()  # (source, gold, learned, text) for learned heading errors
    for s_index, path in enumerate(sources):
        if only is not None and path.name not in only:
            continue
        script = load_script(path, convention=convention)
        for c_index, klass in enumerate(LAYOUT_CLASSES):
            for k in range(renderings):
                lines, gold, bold, _layout = rendering(script, 900_000 + s_index * 1000 + c_index * 10 + k, klass)
                typed = {"rules": type_layout_lines(lines, bold=bold),
                         "learned": type_lines_learned(lines, bold=bold, model=model)}
                gold_scenes = sum(g is ElementType.SCENE_HEADING for g in gold)
                if gold_scenes >= 10:
                    for name, types in typed.items():
                        elements = [Element(i + 1, t, line) for i, (t, line) in enumerate(zip(types, lines, strict=True))]
                        found = len(build_scenes(elements)[0])
                        within[name][0] += abs(found - gold_scenes) <= 0.3 * gold_scenes
                        within[name][1] += 1
                for i, g in enumerate(gold):
                    if g is ElementType.BLANK:
                        continue
                    keys = ("ALL", f"class {klass}", f"source {path.name}", f"type {g.value}")
                    for key in keys:
                        row = acc[key]
                        row[0] += 1
                        row[1] += typed["rules"][i] is g
                        row[2] += typed["learned"][i] is g
                    learned_type = typed["learned"][i]
                    if (g is ElementType.SCENE_HEADING) != (learned_type is ElementType.SCENE_HEADING):
                        confusions[(path.name, g.value, learned_type.value, " ".join(lines[i].split()))] += 1
                    for name, types in typed.items():
                        for key in ("ALL", f"class {klass}", f"source {path.name}"):
                            h = heads[(key, name)]
                            is_gold = g is ElementType.SCENE_HEADING
                            is_pred = types[i] is ElementType.SCENE_HEADING
                            h[0] += is_gold and is_pred
                            h[1] += is_pred and not is_gold
                            h[2] += is_gold and not is_pred
    if not show:
        return acc, heads
    print()
    print(f"learned = {model_name}")
    print(f"HELD-OUT sources ({', '.join(p.name for p in sources if only is None or p.name in only)}), {renderings} renderings per layout class; "
          "content lines (blank lines excluded); gold slug lines "
          + ("relabelled to the slug convention" if convention else "as each source's markup types them"))
    print("renderings (>= 10 headings) whose scene count is within 30% of the gold headings: "
          + ", ".join(f"{name} {ok}/{n}" for name, (ok, n) in within.items()))
    print(f"{'':34} {'lines':>7} {'rules':>8} {'learned':>8}   {'heading F1 rules':>16} {'learned':>8}   "
          "learned heading P/R")
    order = sorted(acc, key=lambda key: (key != "ALL", key.split()[0], key))
    for key in order:
        n, rules_ok, learned_ok = acc[key]
        hr = heads.get((key, "rules"))
        hl = heads.get((key, "learned"))
        f1 = f"{_f1(*hr):16.4f} {_f1(*hl):8.4f}   {_pr(*hl)}" if hr and hl else ""
        print(f"{key:34} {n:7d} {rules_ok / n:8.4f} {learned_ok / n:8.4f}   {f1}")
    if heading_errors:
        print(f"learned heading errors, the {heading_errors} commonest lines per source "
              "(renderings: how many of the source's renderings type the line so):")
        for source in dict.fromkeys(key[0] for key in confusions):
            rows = [(count, key) for key, count in confusions.items() if key[0] == source]
            fp = sum(c for c, key in rows if key[2] == ElementType.SCENE_HEADING.value)
            print(f"  {source}: {fp} false headings, {sum(c for c, _ in rows) - fp} missed")
            for count, (_src, gold, got, text) in sorted(rows, key=lambda r: (-r[0], r[1]))[:heading_errors]:
                print(f"    {count:4d}  gold {gold:14} got {got:14} {text[:60]}")
    return acc, heads


if __name__ == "__main__":
    main()
