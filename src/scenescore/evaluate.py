"""Scoring line typing and scene boundaries against gold labels.

Gold files are JSONL, one object per line of the normalized text: ``{"line", "type",
"text"}``. When a reader's normalized text differs from the gold text (PDF, where blank
lines are recovered from geometry), non-blank lines are aligned by their text first.
"""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scenescore.records import Element, ElementType

_CONTENT_TYPES = tuple(t for t in ElementType if t is not ElementType.BLANK)


@dataclass
class LineScore:
    """Accuracy of line types, per type, and scene-heading precision/recall."""

    total: int = 0
    correct: int = 0
    per_type: dict[str, list[int]] = field(default_factory=dict)  # gold type -> [correct, total]
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted)
    heading_tp: int = 0
    heading_fp: int = 0
    heading_fn: int = 0
    unaligned: int = 0
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, gold, pred, text

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0

    @property
    def heading_precision(self) -> float:
        found = self.heading_tp + self.heading_fp
        return self.heading_tp / found if found else 1.0

    @property
    def heading_recall(self) -> float:
        gold = self.heading_tp + self.heading_fn
        return self.heading_tp / gold if gold else 1.0

    def add(self, other: LineScore) -> None:
        self.total += other.total
        self.correct += other.correct
        for key, (ok, n) in other.per_type.items():
            acc = self.per_type.setdefault(key, [0, 0])
            acc[0] += ok
            acc[1] += n
        self.confusion.update(other.confusion)
        self.heading_tp += other.heading_tp
        self.heading_fp += other.heading_fp
        self.heading_fn += other.heading_fn
        self.unaligned += other.unaligned
        self.errors.extend(other.errors)


def read_gold(path: str | os.PathLike[str]) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _pairs(pred: Sequence[Element], gold: Sequence[dict]) -> tuple[list[tuple[int, int]], int]:
    """Index pairs (pred, gold) of the same line; the number of gold lines left unaligned."""
    if [e.text for e in pred] == [g["text"] for g in gold] or (
            len(pred) == len(gold) and all(e.text == str(g["text"]).expandtabs(8) for e, g in zip(pred, gold, strict=True))):
        return [(i, i) for i in range(len(gold))], 0
    p_idx = [i for i, e in enumerate(pred) if e.text.strip()]
    g_idx = [i for i, g in enumerate(gold) if str(g["text"]).strip()]
    matcher = difflib.SequenceMatcher(None, [_norm(pred[i].text) for i in p_idx],
                                      [_norm(gold[i]["text"]) for i in g_idx], autojunk=False)
    pairs = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs.append((p_idx[block.a + k], g_idx[block.b + k]))
    return pairs, len(g_idx) - len(pairs)


def score_lines(pred: Sequence[Element], gold: Sequence[dict], *, skip_blank: bool = False) -> LineScore:
    """Compare predicted line types with gold ones (``skip_blank`` scores content lines only)."""
    score = LineScore()
    pairs, unaligned = _pairs(pred, gold)
    score.unaligned = unaligned
    aligned_gold = set()
    for pi, gi in pairs:
        g = gold[gi]
        gtype = str(g["type"])
        if skip_blank and gtype == "blank":
            continue
        aligned_gold.add(gi)
        ptype = str(pred[pi].type)
        score.total += 1
        ok = ptype == gtype
        score.correct += ok
        acc = score.per_type.setdefault(gtype, [0, 0])
        acc[0] += ok
        acc[1] += 1
        score.confusion[(gtype, ptype)] += 1
        if not ok:
            score.errors.append((int(g.get("line", gi + 1)), gtype, ptype, str(g["text"])))
        if gtype == "scene_heading" and ptype == "scene_heading":
            score.heading_tp += 1
        elif gtype == "scene_heading":
            score.heading_fn += 1
        elif ptype == "scene_heading":
            score.heading_fp += 1
    # Gold lines that could not be aligned count as wrong.
    for gi, g in enumerate(gold):
        if gi in aligned_gold or not str(g["text"]).strip():
            continue
        gtype = str(g["type"])
        score.total += 1
        acc = score.per_type.setdefault(gtype, [0, 0])
        acc[1] += 1
        score.confusion[(gtype, "<missing>")] += 1
        if gtype == "scene_heading":
            score.heading_fn += 1
    return score


def format_score(score: LineScore, title: str = "") -> str:
    rows = [f"{title} line accuracy {score.accuracy:.2%} ({score.correct}/{score.total}); "
            f"scene headings P {score.heading_precision:.2%} R {score.heading_recall:.2%}"
            + (f"; {score.unaligned} gold lines unaligned" if score.unaligned else "")]
    for key in sorted(score.per_type):
        ok, n = score.per_type[key]
        rows.append(f"    {key:<14} {ok / n:7.2%}  ({ok}/{n})")
    return "\n".join(rows)


def score_files(pairs: Iterable[tuple[Path, Path]], *, skip_blank: bool = False) -> dict[str, LineScore]:
    """Score each (screenplay, gold) pair; keys are the screenplay file names."""
    from scenescore.segment import parse_screenplay

    out = {}
    for source, gold_path in pairs:
        out[source.name] = score_lines(parse_screenplay(source), read_gold(gold_path), skip_blank=skip_blank)
    return out
