"""Line typing on the layout-variety set (eval/layouts): real-world formatting conventions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenescore.evaluate import LineScore, read_gold, score_lines
from scenescore.segment import parse_screenplay

LAYOUTS = Path(__file__).resolve().parents[1] / "eval" / "layouts"
SPLIT = json.loads((LAYOUTS / "split.json").read_text(encoding="utf-8")) if LAYOUTS.exists() else {}
FILES = sorted(SPLIT.get("dev", []) + SPLIT.get("test", []))


@pytest.mark.parametrize("name", FILES)
def test_layout_file(name: str) -> None:
    gold = read_gold(LAYOUTS / f"{name}.gold.jsonl")
    score = score_lines(parse_screenplay(LAYOUTS / name), gold)
    assert score.unaligned == 0
    assert score.accuracy >= 0.97, score.errors[:10]


def test_layouts_overall() -> None:
    overall = LineScore()
    for name in FILES:
        overall.add(score_lines(parse_screenplay(LAYOUTS / name), read_gold(LAYOUTS / f"{name}.gold.jsonl")))
    assert overall.accuracy >= 0.995
    # The learned typer never trained on these files (two of their four scripts are held out of
    # its training); the rules were written against this set and scored 1.0 here.
    assert overall.heading_precision >= 0.97 and overall.heading_recall >= 0.98
