"""A revised draft (a scene inserted, one deleted, one renamed) against a run with ten edits.

The films are spotted neutral (see ``session_support``). Expected outcome of each edit, written
with the edits before this version of the test first ran: seven still apply; three name what is
gone (a renamed scene, a deleted scene, a cue whose scenes left the score).
"""

from __future__ import annotations

from scenescore.conditions.translate import translate_cues
from scenescore.session import apply_condition_edits, diff_cues, parse_edits, scene_keys
from scenescore.session.state import PreviousRun, edit_spotting, scene_rows

EDITS = {
    "cue": [
        {"id": "1M03", "music": {"tempo": 70}},                                    # 1 applies
        {"id": "1M04", "in": "INT. BOATHOUSE - NIGHT"},                            # 2 renamed: stale
        {"scenes": ["INT. ST. BRIDGET'S HOSPITAL - MATERNITY - NIGHT - 1984"], "lock": True},  # 5 applies
        {"id": "1M10", "music": {"ending": "fade"}},                               # 7 applies
        {"id": "1M01", "out": {"line": "She pours his coffee"}},                   # 8 applies
        {"id": "1M07", "split_at": "INT. JUNE'S APARTMENT - CHICAGO - NIGHT"},     # 9 cue gone: stale
    ],
    "scene": [
        {"scene": "INT. MARSH HOUSE - KITCHEN - NIGHT", "music": "force"},         # 3 deleted: stale
        {"scene": "INT./EXT. THEO'S PICKUP TRUCK - DAY", "music": "dry"},          # 10 applies
    ],
    "theme": [{"character": "ELLA", "notes": "E4 G4 A4 G4 C5"}],                  # 4 applies
    "add": [{"scenes": ["EXT. MARSH HOUSE - PORCH - DAY"]}],                       # 6 applies
}
STALE = {"[[cue]] #2 1M04": "scene 'INT. BOATHOUSE - NIGHT' is no longer in the script",
         "[[cue]] #6 1M07": "cue 1M07 is no longer in the film",
         "[[scene]] #1 INT. MARSH HOUSE - KITCHEN - NIGHT": "no longer in the script"}


def _run(film, edits, previous=None, locks=None):
    session = edit_spotting(film.cues, film.scenes, edits, analysis=film.analysis, previous=previous, locks=locks)
    translation = translate_cues(session.edited.cues, film.scenes, film.analysis)
    conditions = apply_condition_edits(translation.conditions, session.edited)
    return session, conditions


def test_ten_edits_survive_a_revised_draft_or_are_reported_by_name(sample, revised) -> None:
    edits = parse_edits(EDITS)
    first, first_conditions = _run(sample, edits)
    assert [n.status for n in first.edited.notes] == ["applied"] * 10, first.edited.notes
    previous = PreviousRun(
        scenes=scene_rows(sample.scenes),
        spotted=[(c.cue_id, c.reel, frozenset(scene_keys(sample.scenes)[s] for s in c.scene_ids))
                 for c in first.spotted],
        cues=[c.to_dict() for c in first.edited.cues],
        conditions={c.cue_id: c.model_dump(mode="json") for c in first_conditions.conditions})
    second, second_conditions = _run(revised, edits, previous=PreviousRun.from_dict(previous.to_dict()),
                                     locks=first_conditions.locks)
    notes = {n.edit: n for n in second.edited.notes}
    assert len(notes) == 10
    stale = {name: n.detail for name, n in notes.items() if n.status == "stale"}
    assert set(stale) == set(STALE), stale
    for name, words in STALE.items():
        assert words in stale[name]
    applied = [n for n in notes.values() if n.status == "applied"]
    assert len(applied) == 7

    cues = {c.cue_id: c for c in second.edited.cues}
    conds = {c.cue_id: c for c in second_conditions.conditions}
    keys = scene_keys(revised.scenes)
    assert conds["1M03"].tempo_bpm == 70                              # 1
    assert conds["1M10"].intensity_curve[-1].intensity == 0.0         # 7
    assert second_conditions.motifs["ELLA-A"][0] == (2, 4, 5, 4, 7)   # 4
    assert cues["1M01"].end_s < cues["1M01"].start_s + 23.09          # 8: out before the scene ends
    assert [keys[s] for s in cues["1M03"].scene_ids] == ["EXT. MARROW LAKE - DOCK - DAY - 1993"]   # 10
    assert any([keys[s] for s in c.scene_ids] == ["EXT. MARSH HOUSE - PORCH - DAY"]
               for c in second.edited.cues)                            # 6
    # 5: the locked cue's condition is the one frozen in the first run, id and all
    locked_id = next(iter(first_conditions.locks))
    assert locked_id == "1M08" and "1M08" in cues  # spot proposed it as 1M07 in the revision
    assert second_conditions.locks[locked_id].condition == first_conditions.locks[locked_id].condition
    assert conds[locked_id].model_dump(mode="json") == first_conditions.locks[locked_id].condition

    # The diff: scenes inserted, deleted, renamed; cues changed with their reasons.
    scenes = second.scenes
    assert scenes.inserted == ("EXT. MARSH HOUSE - GARDEN - DAY",)
    assert scenes.deleted == ("INT. MARSH HOUSE - KITCHEN - NIGHT",)
    assert scenes.renamed == (("INT. BOATHOUSE - NIGHT", "INT. WORKSHOP - NIGHT"),)
    changes = diff_cues(previous.cues, [c.to_dict() for c in second.edited.cues],
                        old_keys=scene_keys(sample.scenes), new_keys=keys,
                        old_conditions=previous.conditions,
                        new_conditions={c.cue_id: c.model_dump(mode="json") for c in second_conditions.conditions},
                        edits=second.edited.changed, scenes=scenes)
    by_id = {c.cue_id: c for c in changes}
    assert by_id["1M07"].status == "removed"
    assert "scene INT. MARSH HOUSE - KITCHEN - NIGHT deleted" in by_id["1M07"].reasons
    assert by_id["1M04"].status == "changed"
    assert any(r.startswith("renamed INT. BOATHOUSE - NIGHT → INT. WORKSHOP - NIGHT") for r in by_id["1M04"].reasons)
    assert locked_id not in by_id or all(not r.startswith(("tempo", "key", "mode")) for r in by_id[locked_id].reasons)
    for change in changes:
        assert change.reasons or change.status != "changed"
