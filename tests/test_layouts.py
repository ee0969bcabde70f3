"""Line typing on the layout-variety set (eval/layouts): real-world formatting conventions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenescore.evaluate import LineScore, read_gold, score_lines
from scenescore.ingest import read_screenplay
from scenescore.segment.typers import type_document

LAYOUTS = Path(__file__).resolve().parents[1] / "eval" / "layouts"
SPLIT = json.loads((LAYOUTS / "split.json").read_text(encoding="utf-8")) if LAYOUTS.exists() else {}
FILES = sorted(SPLIT.get("dev", []) + SPLIT.get("test", []))


def _score(name: str, typer: str) -> LineScore:
    return score_lines(type_document(read_screenplay(LAYOUTS / name), typer), read_gold(LAYOUTS / f"{name}.gold.jsonl"))


@pytest.mark.parametrize("name", FILES)
def test_layout_file(name: str) -> None:
    score = _score(name, "learned")
    assert score.unaligned == 0
    assert score.accuracy >= 0.97, score.errors[:10]


def test_layouts_overall_learned() -> None:
    # The default typer never trained on these files (an independent renderer); its training
    # renders the same four scripts itself (the shipped model trains on all sources; two of the
    # four are held out of the evaluation model only, train_segment.py). Its misses here are secondary slug lines read as camera
    # directions and title-page contact lines read as action.
    overall = LineScore()
    for name in FILES:
        overall.add(_score(name, "learned"))
    assert overall.accuracy >= 0.995
    assert overall.heading_precision >= 0.95 and overall.heading_recall >= 0.95


def test_layouts_overall_rules() -> None:
    # The rule-based typer was written against this set (its regression test).
    overall = LineScore()
    for name in FILES:
        overall.add(_score(name, "rules"))
    assert overall.accuracy >= 0.995
    assert overall.heading_precision >= 0.99 and overall.heading_recall >= 0.98
