"""The spotting session: people's edits to the draft, kept across every re-run.

    from scenescore.session import read_edits, apply_cue_edits, apply_condition_edits
    edits = read_edits("spotting.toml")
    edited = apply_cue_edits(cues, screenplay.scenes, edits, analysis=analysis)   # after spot
    after = apply_condition_edits(translation.conditions, edited)                # after translate

``edits`` is the schema of ``spotting.toml`` (docs/spotting-session.md), ``refs`` names scenes
stably, ``ids`` keeps cue ids stable, ``apply`` applies edits, ``revision`` compares a revised
draft with an earlier run.
"""

from scenescore.session.apply import (
    EditedConditions,
    EditedCues,
    EditNote,
    Known,
    LockedCue,
    apply_condition_edits,
    apply_cue_edits,
    override_condition,
    pin_motif,
)
from scenescore.session.edits import (
    EDITS_FILE,
    EditError,
    SpottingEdits,
    edits_to_toml,
    find_edits,
    parse_edits,
    read_edits,
)
from scenescore.session.ids import insert_id, number_new_cues, parse_cue_id, stabilize_ids
from scenescore.session.refs import SceneIndex, scene_keys, scene_timings
from scenescore.session.revision import CueChange, Revision, SceneDiff, diff_cues, diff_scenes

__all__ = [
    "EDITS_FILE", "CueChange", "EditError", "EditNote", "EditedConditions", "EditedCues", "Known", "LockedCue",
    "Revision", "SceneDiff", "SceneIndex", "SpottingEdits", "apply_condition_edits", "apply_cue_edits",
    "diff_cues", "diff_scenes", "edits_to_toml", "find_edits", "insert_id", "number_new_cues", "override_condition",
    "parse_cue_id", "parse_edits", "pin_motif", "read_edits", "scene_keys", "scene_timings", "stabilize_ids",
]
