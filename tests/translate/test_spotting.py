"""The spot stage: cue grouping, ids per reel, timing, functions and spotting notes."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from translate_support import build_analysis, build_scene

from scenescore.errors import OptionsError
from scenescore.spotting import (
    NOTES_COLUMNS,
    CueFunction,
    SpotOptions,
    spot_cues,
    spotting_notes_frame,
    timecode,
    write_spotting_notes,
)

# Unit tests of grouping score every scene; coverage has its own test.
FULL = SpotOptions(coverage=1.0)
NO_TURNS = SpotOptions(use_turning_points=False, coverage=1.0)


def test_sample_cues_tile_the_film(sample) -> None:
    cues = sample.cues
    assert 6 <= len(cues) <= 16
    assert [sid for c in cues for sid in c.scene_ids] == [s.scene_id for s in sample.scenes]
    assert cues[0].start_s == 0.0
    for a, b in zip(cues, cues[1:], strict=False):
        assert b.start_s == pytest.approx(a.end_s, abs=1e-3)
    assert cues[-1].end_s == pytest.approx(sum(s.est_seconds for s in sample.scenes), abs=0.01)
    assert all(re.fullmatch(r"\d+M\d{2}", c.cue_id) for c in cues)
    assert [c.cue_id for c in cues] == [f"1M{i:02d}" for i in range(1, len(cues) + 1)]  # 11 min: reel 1
    by_id = {s.scene_id: s for s in sample.scenes}
    for cue in cues:  # one timeline per cue
        assert {str(by_id[sid].timeline) for sid in cue.scene_ids} == {cue.timeline}
        assert cue.in_point.startswith(f"sc. {cue.scene_ids[0]} ")
        assert cue.out_point and cue.function in set(CueFunction)
    flashback = [c for c in cues if c.timeline == "flashback"]
    assert {6, 7, 8, 9} <= {sid for c in flashback for sid in c.scene_ids}
    assert cues[0].function == CueFunction.THEME_STATEMENT
    assert cues[-1].out_point.endswith("tail out at the end of the film")
    assert any("hard out on the cut to flashback" in c.out_point for c in cues)
    # Markers are not moments: no "BEGIN FLASHBACK:" as an in or out.
    assert not any(re.search(r"FLASHBACK:|THE END|DREAM SEQUENCE", c.in_point + c.out_point)
                   for c in cues)
    assert {"ELLA", "THEO", "JUNE"} == {n for c in cues for n in c.theme_characters}


def test_close_scenes_merge_and_a_strong_shift_splits() -> None:
    scenes = [build_scene(i, characters=["ANA"]) for i in range(1, 6)]
    analysis = build_analysis(scenes, [(-0.5, -0.3), (-0.45, -0.25), (-0.5, -0.3), (0.6, 0.6), (0.55, 0.6)])
    cues = spot_cues(scenes, analysis, options=NO_TURNS)
    assert [c.scene_ids for c in cues] == [(1, 2, 3), (4, 5)]
    assert cues[1].reason.startswith("emotional shift")
    assert cues[0].valence < 0 < cues[1].valence


def test_timeline_change_always_splits_even_when_emotion_is_flat() -> None:
    scenes = [build_scene(1), build_scene(2, timeline="flashback"), build_scene(3, timeline="flashback"),
              build_scene(4), build_scene(5, timeline="dream"), build_scene(6)]
    cues = spot_cues(scenes, None, options=FULL)
    assert [c.scene_ids for c in cues] == [(1,), (2, 3), (4,), (5,), (6,)]
    assert [c.timeline for c in cues] == ["present", "flashback", "present", "dream", "present"]
    assert cues[1].reason == "timeline: present → flashback"


def test_short_scenes_join_their_neighbour() -> None:
    scenes = [build_scene(1, seconds=30), build_scene(2, seconds=4), build_scene(3, seconds=30),
              build_scene(4, seconds=5, timeline="flashback"), build_scene(5, seconds=3),
              build_scene(6, seconds=40)]
    analysis = build_analysis(scenes, [(-0.5, 0.0), (0.9, 0.9), (-0.5, 0.0), (0.0, 0.0), (0.9, 0.9), (0.9, 0.8)])
    cues = spot_cues(scenes, analysis, options=NO_TURNS)
    # scene 2 (4 s) stays in the first cue despite its shift; the 3 s scene 5 joins scene 6.
    assert [c.scene_ids for c in cues] == [(1, 2, 3), (4,), (5, 6)]
    assert cues[1].function == CueFunction.TRANSITION  # 5 s between two other timelines


def test_a_turning_point_starts_a_cue_even_in_a_short_or_low_need_scene() -> None:
    import dataclasses

    from scenescore.emotion import TurningPoint

    scenes = [build_scene(1, seconds=30), build_scene(2, seconds=5), build_scene(3, seconds=5),
              build_scene(4, seconds=30), build_scene(5, seconds=30), build_scene(6, seconds=60),
              build_scene(7, seconds=30)]
    analysis = build_analysis(scenes, [(-0.1, 0.0)] * 7)
    turns = tuple(TurningPoint(scene_id=sid, valence_shift=0.0, arousal_shift=0.0, magnitude=0.0,
                               direction="darkens", label=f"TP{i}") for i, sid in enumerate((3, 6), 1))
    analysis = dataclasses.replace(analysis, arc=dataclasses.replace(analysis.arc, turning_points=turns))
    cues = spot_cues(scenes, analysis, options=FULL)
    # The 5 s turning-point scene 3 starts a cue (the 5 s scene 2 before it joins the cue before,
    # not the turning point's); flat affect would otherwise make one cue of everything.
    assert [c.scene_ids for c in cues] == [(1, 2), (3, 4, 5), (6, 7)]
    assert cues[1].reason == "turning point: darkens"
    # At 20% coverage the turning points still get music (coverage is a target, they come first).
    sparse = spot_cues(scenes, analysis, options=SpotOptions(coverage=0.2))
    starts = {c.scene_ids[0] for c in sparse}
    assert {3, 6} <= starts
    assert spot_cues(scenes, analysis, options=NO_TURNS)[0].scene_ids == (1, 2, 3, 4, 5, 6, 7)


def test_reels_restart_cue_numbers_and_cues_never_cross_a_reel() -> None:
    scenes = [build_scene(i, seconds=60.0) for i in range(1, 61)]  # one hour, all alike
    cues = spot_cues(scenes, None, options=SpotOptions(max_cue_s=300, coverage=1.0))
    reel_s = 20 * 60
    assert {c.reel for c in cues} == {1, 2, 3}
    for cue in cues:
        assert int(cue.start_s // reel_s) + 1 == cue.reel
        assert cue.end_s <= cue.reel * reel_s + 1e-6
        assert cue.duration_s <= 300
    ids = [c.cue_id for c in cues]
    assert ids[0] == "1M01" and "2M01" in ids and "3M01" in ids
    first_of_2 = next(c for c in cues if c.cue_id == "2M01")
    assert first_of_2.start_s == reel_s and first_of_2.reason == "reel 2 starts"


def test_functions_build_release_and_dialogue() -> None:
    talk = [("ANA", "We should talk about the house and the money and the boat and him."),
            ("BO", "I know, I know, we always say we will and we never do, do we.")]
    scenes = [build_scene(1, characters=["ANA"]),
              build_scene(2, characters=["ANA"]),
              build_scene(3, characters=["ANA"]),
              build_scene(4, action="They sit.", dialogue=talk * 3)]
    analysis = build_analysis(scenes, [(0.0, -0.2), (-0.4, 0.5), (-0.1, -0.3), (-0.1, -0.3)])
    cues = spot_cues(scenes, analysis, options=SpotOptions(use_turning_points=False, coverage=1.0,
                                                            shift_threshold=0.25))
    functions = [c.function for c in cues]
    assert functions[0] == CueFunction.THEME_STATEMENT
    assert functions[1] == CueFunction.BUILD_TENSION
    assert functions[2] == CueFunction.RELEASE
    assert cues[-1].dialogue_share > 0.45


def test_footage_spans_set_the_times_and_the_basis() -> None:
    scenes = [build_scene(1), build_scene(2, timeline="flashback")]
    cues = spot_cues(scenes, None, options=FULL, spans={1: (12.0, 50.0), 2: (50.0, 95.5)})
    assert (cues[0].start_s, cues[0].end_s, cues[0].timing_basis) == (12.0, 50.0, "footage")
    assert (cues[1].start_s, cues[1].end_s) == (50.0, 95.5)
    partial = spot_cues([build_scene(1), build_scene(2)], None, options=FULL, spans={1: (0.0, 30.0)})
    assert partial[0].timing_basis == "mixed"


def test_timecode() -> None:
    assert timecode(0) == "00:00:00:00"
    assert timecode(3661.5, 24) == "01:01:01:12"
    assert timecode(59.99, 25) == "00:01:00:00"  # rounds to the nearest frame
    assert timecode(10.5, 30) == "00:00:10:15"
    with pytest.raises(OptionsError):
        timecode(-1)


def test_invalid_options_are_refused() -> None:
    with pytest.raises(OptionsError, match="fps"):
        spot_cues([build_scene(1)], None, options=SpotOptions(fps=0))
    with pytest.raises(OptionsError, match="reel_minutes"):
        spot_cues([build_scene(1)], None, options=SpotOptions(reel_minutes=0))
    assert spot_cues([], None) == []


def test_spotting_notes_csv(sample, tmp_path) -> None:
    from scenescore.conditions import translate_cues

    translation = translate_cues(sample.cues, sample.scenes, sample.analysis)
    path = write_spotting_notes(sample.cues, tmp_path / "cues.csv", translation.conditions,
                                options=SpotOptions(timecode_start_s=3600.0))
    frame = pd.read_csv(path, keep_default_na=False)
    assert tuple(frame.columns) == NOTES_COLUMNS
    assert list(frame["cue"]) == [c.cue_id for c in sample.cues]
    assert frame["start"].iloc[0] == "01:00:00:00"
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d:\d\d", t) for t in frame["end"])
    assert all(frame["palette"].str.len() > 0)
    assert "ELLA-A statement" in frame["themes"].iloc[0]
    bare = spotting_notes_frame(sample.cues)  # before translation: the theme characters
    assert "ELLA" in bare["themes"].iloc[0] and (bare["palette"] == "").all()


def test_coverage_leaves_scenes_dry_by_need(sample) -> None:
    """A music editor leaves scenes dry: the default scores about two thirds of the film."""
    opts = SpotOptions()
    cues = spot_cues(sample.scenes, sample.analysis, options=opts)
    total = sum(s.est_seconds for s in sample.scenes)
    music = sum(c.end_s - c.start_s for c in cues)
    assert opts.coverage * total <= music <= opts.coverage * total + max(s.est_seconds for s in sample.scenes)
    scored = {sid for c in cues for sid in c.scene_ids}
    ids = [s.scene_id for s in sample.scenes]
    assert ids[0] in scored and ids[-1] in scored
    layered = {s.scene_id for s in sample.scenes if str(s.timeline) != "present"}
    assert len(layered & scored) >= 0.8 * len(layered)  # turning points come first (issue 16)
    assert {t.scene_id for t in sample.analysis.arc.turning_points} <= scored
    assert set(ids) - scored  # some scenes are dry
    timing = {}
    clock = 0.0
    for s in sample.scenes:
        timing[s.scene_id] = (clock, clock + s.est_seconds)
        clock += s.est_seconds
    for cue in cues:  # a cue never runs over a dry scene
        assert cue.start_s == pytest.approx(timing[cue.scene_ids[0]][0], abs=1e-3)
        assert cue.end_s == pytest.approx(timing[cue.scene_ids[-1]][1], abs=1e-3)
        assert list(cue.scene_ids) == list(range(cue.scene_ids[0], cue.scene_ids[-1] + 1))
    with pytest.raises(OptionsError, match="coverage"):
        spot_cues(sample.scenes, sample.analysis, options=SpotOptions(coverage=0))
