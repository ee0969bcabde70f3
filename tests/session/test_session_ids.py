"""Cue ids stay put: inserts get the next free number or a letter, dropped numbers are not reused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scenescore.session import insert_id, number_new_cues, parse_cue_id, stabilize_ids


def test_parse_and_insert_ids() -> None:
    assert parse_cue_id("1M04A") == (1, 4, "A") and parse_cue_id("12M103") == (12, 103, "")
    with pytest.raises(ValueError):
        parse_cue_id("M4")
    taken = {"1M01", "1M02", "1M04", "1M05"}
    assert insert_id(1, "1M02", "1M04", taken) == "1M03"       # a free number between
    assert insert_id(1, "1M04", "1M05", taken) == "1M04A"      # none free: a letter
    assert insert_id(1, "1M04", "1M05", taken | {"1M04A"}) == "1M04B"
    assert insert_id(1, "1M04A", "1M05", taken | {"1M04A"}) == "1M04B"
    assert insert_id(1, "1M05", None, taken) == "1M06"         # after the reel's last cue
    assert insert_id(2, None, None, taken) == "2M01"           # a reel's first cue
    assert insert_id(1, None, "1M01", taken) == "1M00A"        # before the first


def _cues(sample, ids, picks):
    return [replace(sample.cues[i], cue_id=cid) for i, cid in zip(picks, ids, strict=True)]


def test_number_new_cues_keeps_fixed_ids_and_never_reuses_retired_ones(sample) -> None:
    cues = sample.cues[:4]
    out = number_new_cues(cues, {0: "1M01", 2: "1M03"}, retired={"1M02": cues[1].start_s})
    assert [c.cue_id for c in out] == ["1M01", "1M02A", "1M03", "1M04"]
    # a dropped cue that came later is no neighbour: the number between stays free for use
    out = number_new_cues(cues, {0: "1M01", 2: "1M04"}, retired={"1M03": cues[3].start_s})
    assert [c.cue_id for c in out][:3] == ["1M01", "1M02", "1M04"]
    assert out[1].number == 2 and out[1].reel == 1


def test_stabilize_keeps_ids_when_a_cue_is_inserted_or_removed_in_the_middle(sample) -> None:
    from scenescore.session import scene_keys

    keys = scene_keys(sample.scenes)
    previous = [(c.cue_id, c.reel, frozenset(keys[s] for s in c.scene_ids)) for c in sample.cues]
    # spot now proposes one cue more (scene 4) and one fewer (1M05's scene 12), renumbered 1..n
    fresh = list(sample.cues)
    del fresh[4]
    from scenescore.session import scene_timings

    porch = scene_timings(sample.scenes)[3]  # a dry scene between 1M01 and 1M02
    extra = replace(sample.cues[1], scene_ids=(3,), start_s=porch[0], end_s=porch[1])
    fresh.insert(1, extra)
    fresh = [replace(c, cue_id=f"1M{i:02d}", number=i) for i, c in enumerate(fresh, 1)]
    out, mapping = stabilize_ids(fresh, previous, keys)
    assert [c.cue_id for c in out] == ["1M01", "1M01A", *(c.cue_id for c in sample.cues[1:] if c.cue_id != "1M05")]
    assert mapping["1M05"] == "1M04" and mapping["1M02"] == "1M01A"
    # a cue split in two: the larger part keeps the id, the other is an insert
    split = [*sample.cues[:2], replace(sample.cues[2], scene_ids=(6,)), replace(sample.cues[2], scene_ids=(7, 8))]
    out, _ = stabilize_ids(split, previous, keys)
    assert [c.cue_id for c in out] == ["1M01", "1M02", "1M02A", "1M03"]
