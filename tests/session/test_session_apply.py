"""Each kind of edit applied to the sample's cues and conditions; mistakes refused by name."""

from __future__ import annotations

import pytest

from scenescore.conditions.translate import translate_cues
from scenescore.session import (
    EditError,
    Known,
    LockedCue,
    apply_condition_edits,
    apply_cue_edits,
    override_condition,
    parse_cue_id,
    parse_edits,
    pin_motif,
    scene_timings,
)
from scenescore.session.edits import ThemePin

BOATHOUSE = "INT. BOATHOUSE - CONTINUOUS"        # scene 5, the end of 1M02 (4, 5)
FLASHBACK_DOCK = "EXT. MARROW LAKE - DOCK - DAY - 1993"  # scene 6, first of 1M03 (6, 7, 8, 9)
TRUCK = "INT./EXT. THEO'S PICKUP TRUCK - DAY"      # scene 7
BEDROOM = "INT. MARSH HOUSE - BEDROOM - NIGHT"     # scene 11, 1M04 alone
KITCHEN_NIGHT = "INT. MARSH HOUSE - KITCHEN - NIGHT"  # scene 15, first of 1M07 (15, 16)
JUNE = "INT. JUNE'S APARTMENT - CHICAGO - NIGHT"   # scene 16
PORCH = "EXT. MARSH HOUSE - PORCH - DAY"           # scene 3, dry


def edit(sample, data, **kwargs):
    return apply_cue_edits(sample.cues, sample.scenes, parse_edits(data), analysis=sample.analysis, **kwargs)


def by_id(result):
    return {c.cue_id: c for c in result.cues}


def test_the_sample_is_spotted_as_these_tests_assume(sample) -> None:
    got = {c.cue_id: c.scene_ids for c in sample.cues}
    assert got["1M02"] == (4, 5) and got["1M03"] == (6, 7, 8, 9) and got["1M04"] == (11,)
    assert got["1M07"] == (15, 16)
    assert all(3 not in c.scene_ids for c in sample.cues)


def test_no_edits_change_nothing(sample) -> None:
    result = edit(sample, {})
    assert result.cues == sample.cues and not result.notes and not result.changed


def test_move_in_and_out_to_a_scene_a_line_and_a_time(sample) -> None:
    times = scene_timings(sample.scenes)
    out = round(times[5][1] - 5.0, 1)
    result = edit(sample, {"cue": [
        {"id": "1M03", "out": TRUCK},
        {"id": "1M02", "in": {"line": "Theo's tools hang on a pegboard"}, "out": out},
    ]})
    cues = by_id(result)
    assert cues["1M03"].end_s == round(times[7][1], 3) and cues["1M03"].scene_ids == (6, 7)
    assert cues["1M02"].end_s == out and cues["1M02"].scene_ids == (5,)
    assert times[5][0] < cues["1M02"].start_s < out
    assert set(result.changed) == {"1M02", "1M03"}
    assert f"out at {int(out // 60)}:{out % 60:04.1f}" in result.notes[1].detail
    # the cues no edit touched are exactly as spot made them
    for cue in sample.cues:
        if cue.cue_id not in ("1M02", "1M03"):
            assert cues[cue.cue_id] == cue


def test_merge_split_delete_and_add(sample) -> None:
    result = edit(sample, {
        "cue": [{"id": "1M04", "merge": "1M05"}, {"id": "1M03", "split_at": TRUCK}, {"id": "1M07", "delete": True}],
        "add": [{"scenes": [PORCH], "function": "transition"}],
    })
    cues = by_id(result)
    assert cues["1M04"].scene_ids == (11, 12) and "1M05" not in cues
    assert cues["1M03"].scene_ids == (6,) and cues["1M03A"].scene_ids == (7, 8, 9)
    assert "1M07" not in cues and result.removed["1M07"].startswith("deleted")
    added = next(c for c in result.cues if c.scene_ids == (3,))
    assert added.cue_id == "1M01A" and str(added.function) == "transition"
    assert [c.cue_id for c in result.cues] == sorted((c.cue_id for c in result.cues), key=parse_cue_id)


def test_scene_dry_splits_trims_or_drops_a_cue_and_force_adds_one(sample) -> None:
    result = edit(sample, {"scene": [{"scene": TRUCK, "music": "dry"}, {"scene": JUNE, "music": "dry"},
                                     {"scene": BEDROOM, "music": "dry"}, {"scene": PORCH, "music": "force"}]})
    cues = by_id(result)
    assert cues["1M03"].scene_ids == (6,) and cues["1M03A"].scene_ids == (8, 9)
    assert cues["1M07"].scene_ids == (15,)
    assert "1M04" not in cues
    assert any(c.scene_ids == (3,) for c in result.cues)
    assert all(n.status == "applied" for n in result.notes)


def test_overrides_of_every_condition_field(sample) -> None:
    result = edit(sample, {"cue": [{"id": "1M04", "music": {
        "style": "solo cello, sparse", "key": "F# dorian", "tempo": 66, "meter": "3/4",
        "instrumentation": ["cello", "harp", "contrabass"], "themes": ["JUNE"], "theme_transformation": "inversion",
        "intensity": 0.5, "ending": "fade", "dynamics": "pp", "articulation": "tenuto", "avoid": ["drums"]}}]})
    translation = translate_cues(result.cues, sample.scenes, sample.analysis)
    after = apply_condition_edits(translation.conditions, result)
    cond = next(c for c in after.conditions if c.cue_id == "1M04")
    before = next(c for c in translation.conditions if c.cue_id == "1M04")
    assert (cond.key, cond.mode, cond.tempo_bpm, cond.meter, cond.dynamics, cond.articulation) == \
        ("F#", "dorian", 66.0, "3/4", "pp", "tenuto")
    assert cond.genre == "solo cello, sparse" and cond.prompt.startswith("Solo cello, sparse.")
    assert "in F# dorian at 66 bpm" in cond.prompt and "fading out" in cond.prompt
    assert [(i.name, i.program, i.role) for i in cond.instrumentation] == [
        ("cello", 42, "melody"), ("harp", 46, "counter"), ("contrabass", 43, "bass")]
    assert [(t.motif, t.transformation) for t in cond.themes] == [("JUNE-A", "inversion")]
    assert max(p.intensity for p in cond.intensity_curve[:-1]) == pytest.approx(0.5, abs=1e-3)
    assert cond.intensity_curve[-1].intensity == 0.0 and cond.avoid == ["drums"]
    assert "Spotting session [[cue]] #1 1M04" in cond.rationale
    assert after.changed == {"1M04": ["[[cue]] #1 1M04"]}
    others = [c for c in after.conditions if c.cue_id != "1M04"]
    assert others == [c for c in translation.conditions if c.cue_id != "1M04"] and before != cond


@pytest.mark.parametrize("ending", ["fade", "tail out", "hard out", "button", "segue"])
def test_each_ending_shapes_the_last_of_the_curve(sample, ending: str) -> None:
    translation = translate_cues(sample.cues[:2], sample.scenes, sample.analysis)
    cond = translation.conditions[1]
    edited = override_condition(cond, parse_edits({"cue": [{"id": "1M02", "music": {"ending": ending}}]}).cue[0].music)
    peak = max(p.intensity for p in cond.intensity_curve)
    last = edited.intensity_curve[-1].intensity
    expected = {"fade": 0.0, "tail out": 0.25 * peak, "hard out": peak, "segue": 0.5 * peak,
                "button": min(1.0, peak + 0.15)}[ending]
    assert last == pytest.approx(expected, abs=1e-3)


def test_lock_freezes_the_proposal_and_the_condition(sample) -> None:
    data = {"cue": [{"id": "1M03", "lock": True}]}
    first = edit(sample, data)
    assert first.cues == sample.cues  # locking alone changes nothing
    lock = first.locks["1M03"]
    assert lock.scene_keys == (FLASHBACK_DOCK, TRUCK, "INT. MARSH HOUSE - KITCHEN - NIGHT (FLASHBACK)",
                               "EXT. MARROW LAKE - DOCK - NIGHT - 1993")
    translation = translate_cues(first.cues, sample.scenes, sample.analysis)
    frozen = apply_condition_edits(translation.conditions, first).locks["1M03"]
    assert frozen.condition is not None
    # Re-spotted with other options, the locked cue keeps its scenes and its condition.
    from scenescore.spotting import SpotOptions, spot_cues

    other = spot_cues(sample.scenes, sample.analysis, options=SpotOptions(coverage=1.0, shift_threshold=0.1))
    again = apply_cue_edits(other, sample.scenes, parse_edits(data), analysis=sample.analysis,
                            locks={"1M03": LockedCue.from_dict(frozen.to_dict())})
    locked = by_id(again)["1M03"]
    original = by_id(first)["1M03"]
    assert locked == original
    assert not any(set(c.scene_ids) & {6, 7, 8, 9} for c in again.cues if c.cue_id != "1M03")
    translated = translate_cues(again.cues, sample.scenes, sample.analysis)
    conds = apply_condition_edits(translated.conditions, again)
    assert next(c for c in conds.conditions if c.cue_id == "1M03").model_dump() == frozen.condition


def test_pinned_theme_by_notes_or_degrees(sample) -> None:
    assert pin_motif(ThemePin(character="ELLA", notes=["E4", "G4", "A4", "G4", "C5"])) == \
        ((2, 4, 5, 4, 7), (1.0, 1.0, 1.0, 1.0, 2.0))
    assert pin_motif(ThemePin(character="ELLA", notes=["D", "F", "A", "D"], key="D minor"))[0] == (0, 2, 4, 7)
    assert pin_motif(ThemePin(character="ELLA", notes=["C#4", "E4"], key="C"))[0] == (0, 2)  # C# read as C
    assert pin_motif(ThemePin(character="X", degrees=[1, 3, 5, 8, -5], rhythm=[1, 1, 1, 1, 4])) == \
        ((0, 2, 4, 7, -3), (1.0, 1.0, 1.0, 1.0, 4.0))
    result = edit(sample, {"theme": [{"character": "McCREE", "degrees": [1, 2, 3]}]})
    translation = translate_cues(result.cues, sample.scenes, sample.analysis)
    after = apply_condition_edits(translation.conditions, result)
    assert after.motifs == {"MCCREE-A": ((0, 1, 2), (1.0, 1.0, 2.0))}
    with_theme = [c.cue_id for c in after.conditions if any(t.motif == "MCCREE-A" for t in c.themes)]
    cues_with = [c.cue_id for c in result.cues if "McCREE" in c.characters]
    assert with_theme and set(with_theme) <= set(cues_with)


def test_unknown_cue_and_unknown_scene_are_errors_naming_the_edit(sample) -> None:
    with pytest.raises(EditError, match=r"^spotting.toml: \[\[cue\]\] #1 1M42: unknown cue 1M42; cues: 1M01"):
        edit(sample, {"cue": [{"id": "1M42", "music": {"tempo": 90}}]})
    with pytest.raises(EditError, match=r"\[\[scene\]\] #1 INT. NOWHERE: no scene 'INT. NOWHERE'"):
        edit(sample, {"scene": [{"scene": "INT. NOWHERE", "music": "dry"}]})
    with pytest.raises(EditError, match=r"\[\[cue\]\] #1 1M02: no line “nobody says this”"):
        edit(sample, {"cue": [{"id": "1M02", "out": {"line": "nobody says this"}}]})


def test_overlapping_cues_are_an_error_naming_the_edits(sample) -> None:
    with pytest.raises(EditError, match=r"\[\[cue\]\] #1 1M02: cues 1M02 and 1M03 overlap"):
        edit(sample, {"cue": [{"id": "1M02", "out": TRUCK}]})
    with pytest.raises(EditError, match=r"\[\[add\]\] #1.*overlap"):
        edit(sample, {"add": [{"scenes": [FLASHBACK_DOCK]}]})
    with pytest.raises(EditError, match=r"in after out"):
        edit(sample, {"cue": [{"id": "1M02", "in": 400}]})


def test_a_key_that_does_not_exist_or_a_tempo_out_of_range_from_code(sample) -> None:
    translation = translate_cues(sample.cues[:1], sample.scenes, sample.analysis)
    from scenescore.session.edits import Music

    bad = Music.model_construct(tempo=0.0)  # what a caller that skips validation would pass
    with pytest.raises(EditError, match=r"\[\[cue\]\] #1 1M01: tempo_bpm"):
        override_condition(translation.conditions[0], bad, label="[[cue]] #1 1M01")


def test_edits_about_things_an_earlier_draft_had_are_reported_not_refused(sample) -> None:
    known = Known(scene_keys=frozenset({"INT. GONE - DAY"}), cue_ids=frozenset({"1M42"}))
    result = edit(sample, {"cue": [{"id": "1M42", "delete": True}, {"id": "1M02", "music": {"tempo": 90}}],
                           "scene": [{"scene": "INT. GONE - DAY", "music": "dry"}],
                           "theme": [{"character": "NOBODY", "degrees": [1, 2]}]}, known=known)
    status = {n.edit: (n.status, n.detail) for n in result.notes}
    assert status["[[cue]] #1 1M42"] == ("stale", "cue 1M42 is no longer in the film")
    assert status["[[scene]] #1 INT. GONE - DAY"] == ("stale", "scene 'INT. GONE - DAY' is no longer in the script")
    assert status["[[theme]] #1 NOBODY"][0] == "stale"
    assert status["[[cue]] #2 1M02"][0] == "applied"
