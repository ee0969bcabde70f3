from __future__ import annotations

import json

import pandas as pd
import pytest

from scenescore.emotion import (
    EMOTION_COLUMNS,
    analyze_screenplay,
    emotions_to_frame,
    scenes_from_frame,
    write_emotions,
)
from scenescore.errors import InputError, OutputError
from scenescore.io import read_scene_table, scenes_to_frame, write_table


@pytest.fixture
def analysis(make_scene):
    scenes = [
        make_scene(1, action="Rain on the grave. She is alone.", dialogue=[("ANA", "(quietly)", "Goodbye.")]),
        make_scene(2, action="Summer. They laugh and swim.", dialogue=[("ANA", "", "I love this!")],
                   timeline="flashback"),
        make_scene(3, action="The phone rings.", timeline="intercut", characters=["ANA", "BEN"]),
        make_scene(4, action="BEN answers.", timeline="intercut", characters=["BEN"]),
    ]
    return scenes, analyze_screenplay(scenes)


def test_frame_has_the_declared_columns(analysis) -> None:
    _, result = analysis
    frame = emotions_to_frame(result)
    assert tuple(frame.columns) == EMOTION_COLUMNS and len(frame) == 4
    row = frame.iloc[1]
    assert row["timeline_stack"] == ["present", "flashback"] and row["inherited_from"] == 1
    assert row["memory_event"] == "open" and row["mood"] == "bittersweet"
    assert frame.iloc[2]["shared_with"] == [3, 4]
    empty = emotions_to_frame(analyze_screenplay([]))
    assert tuple(empty.columns) == EMOTION_COLUMNS and empty.empty


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_written_table_reads_back(analysis, tmp_path, suffix) -> None:
    _, result = analysis
    path = write_emotions(result, tmp_path / f"emotions{suffix}")
    if suffix == ".parquet":
        back = pd.read_parquet(path)
        assert list(back.iloc[1]["timeline_stack"]) == ["present", "flashback"]
    elif suffix == ".csv":
        back = pd.read_csv(path)
        assert json.loads(back.iloc[1]["timeline_stack"]) == ["present", "flashback"]
        assert json.loads(back.iloc[0]["characters"])[0]["name"] == "ANA"
    else:
        back = pd.read_json(path, lines=True)
    assert list(back.columns) == list(EMOTION_COLUMNS) and len(back) == 4
    with pytest.raises(OutputError):
        write_emotions(result, path, overwrite=False)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_scene_table_round_trip(analysis, tmp_path, suffix) -> None:
    scenes, _ = analysis
    path = write_table(scenes_to_frame(scenes), tmp_path / f"scenes{suffix}")
    assert scenes_from_frame(read_scene_table(path)) == scenes


def test_not_a_scene_table() -> None:
    with pytest.raises(InputError, match="missing columns"):
        scenes_from_frame(pd.DataFrame({"a": [1]}), source="x.csv")
