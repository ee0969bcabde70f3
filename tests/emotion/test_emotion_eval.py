"""The evaluation harness runs on both input formats and scores held-out rows only."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "eval_emotion.py"


def _run(*args: str) -> list[dict]:
    out = subprocess.run([sys.executable, str(SCRIPT), *args, "--json"], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def test_tsv_with_split(tmp_path) -> None:
    rows = ["text\tvalence\tarousal\tsplit",
            "I love this wonderful day!\t4.5\t4.0\ttest", "She sleeps quietly.\t3.4\t1.2\ttest",
            "He was murdered!\t1.1\t4.6\ttest", "The bus is late.\t2.6\t2.4\ttest",
            "Ignored training row.\t5.0\t5.0\ttrain"]
    path = tmp_path / "rated.tsv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    results = _run(str(path))
    assert [r["backend"] for r in results] == ["fitted", "lexicon", "vader"]
    assert all(r["n"] == 4 and -1 <= r["valence_r"] <= 1 for r in results)
    assert results[0]["valence_r"] > 0.5 and results[1]["valence_r"] > 0.5


def test_arc_figures_of_both_screenplays(tmp_path) -> None:
    path = tmp_path / "rated.tsv"
    path.write_text("text\tvalence\tarousal\tsplit\nGood.\t4\t3\tx\nBad.\t1\t3\tx\nFine.\t3\t2\tx\n", "utf-8")
    out = _run(str(path), "--split", "x", "--backends", "vader", "--arcs")
    assert [a["script"] for a in out["arcs"]] == ["sample.fountain", "let_go_at_the_top.fountain"]
    assert all(len(a["reported"]) == 5 and a["mean_distance"] <= 0.05 for a in out["arcs"])


def test_emobank_layout_and_hash_split(tmp_path) -> None:
    header = "id,split,V,A,D,text"
    lines = [header] + [f"x{i},test,{3 + (i % 3) * 0.5},{2 + (i % 4) * 0.5},3.0,\"Sentence {i}, good or bad!\""
                        for i in range(10)]
    path = tmp_path / "emobank.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert _run(str(path), "--backends", "vader")[0]["n"] == 10
    tsv = tmp_path / "nosplit.tsv"
    tsv.write_text("text\tvalence\tarousal\n" + "".join(
        f"line {i} is {'great' if i % 2 else 'awful'}\t{i % 5}\t{i % 3}\n" for i in range(60)), "utf-8")
    n = _run(str(tsv), "--backends", "lexicon")[0]["n"]
    assert 3 <= n < 60  # only the hashed fifth is scored
