"""Score line typing and scene boundaries against gold files.

    python scripts/eval_segment.py [CORPUS_DIR ...] [--errors N]

For every ``<stem>.<fmt>.gold.jsonl`` in the folders given (default: corpus/sample and the
variants in eval/layouts when present), parses the matching screenplay and prints line
accuracy per type and scene-heading precision/recall, per file and overall.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.evaluate import LineScore, format_score, read_gold, score_lines  # noqa: E402
from scenescore.segment import parse_screenplay  # noqa: E402

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
            score = score_lines(parse_screenplay(source), read_gold(gold))
            overall.add(score)
            print(format_score(score, source.relative_to(ROOT) if source.is_relative_to(ROOT) else source))
            for line, gtype, ptype, text in score.errors[: args.errors]:
                print(f"      line {line}: gold {gtype}, got {ptype}: {text.strip()[:70]}")
    print(format_score(overall, "OVERALL"))


if __name__ == "__main__":
    main()
