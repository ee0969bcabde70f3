"""The spot stage: scenes become cues, the way a music editor spots a film.

    from scenescore.spotting import spot_cues
    cues = spot_cues(screenplay.scenes, analysis)    # analysis: EmotionAnalysis or None

Every scene belongs to at most one cue, in order (:mod:`scenescore.spotting.grouping`); each cue
gets a dramatic function (:mod:`~scenescore.spotting.function`) and in/out points in words
(:mod:`~scenescore.spotting.inout`). Cue ids follow the film convention ``1M01``: reel, ``M``,
cue number within the reel; a reel is about 20 minutes of screen time. Musical time is seconds;
timecodes exist only in the deliverables (:mod:`scenescore.deliver`, which writes the spotting
notes).

The emotion and memory records are read through one adapter, :func:`scenescore.memory.scene_affects`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.memory.affect import CharacterAffect, SceneAffect, scene_affects
    from scenescore.memory.context import character_id
    from scenescore.spotting.function import dramatic_function
    from scenescore.spotting.grouping import CueRun, mentions, principal_characters, spot_cues
    from scenescore.spotting.inout import first_moment, last_moment
    from scenescore.spotting.options import SpotOptions, check_spot_options
    from scenescore.spotting.records import Cue, CueFunction

#: Names resolved on first use, so ``SpotOptions`` (read by the config loader) imports neither
#: pandas nor the emotion stage.
_EXPORTS: dict[str, str] = {
    **dict.fromkeys(("SpotOptions", "check_spot_options"), "scenescore.spotting.options"),
    **dict.fromkeys(("Cue", "CueFunction"), "scenescore.spotting.records"),
    **dict.fromkeys(("CueRun", "mentions", "principal_characters", "spot_cues"),
                    "scenescore.spotting.grouping"),
    "dramatic_function": "scenescore.spotting.function",
    **dict.fromkeys(("first_moment", "last_moment"), "scenescore.spotting.inout"),
    # The adapter over the memory's output (an earlier stage), where spotting used to keep it.
    **dict.fromkeys(("CharacterAffect", "SceneAffect", "scene_affects"), "scenescore.memory.affect"),
    "character_id": "scenescore.memory.context",
    # The spotting notes are a deliverable now; their old import path keeps working (the one
    # sanctioned backward import of this stage, see docs/architecture.md).
    **dict.fromkeys(("NOTES_COLUMNS", "spotting_notes_frame", "timecode", "write_spotting_notes"),
                    "scenescore.deliver.notes"),
}

__all__ = [
    "NOTES_COLUMNS", "CharacterAffect", "Cue", "CueFunction", "CueRun", "SceneAffect", "SpotOptions",
    "character_id", "check_spot_options", "dramatic_function", "first_moment", "last_moment",
    "mentions", "principal_characters", "scene_affects", "spot_cues", "spotting_notes_frame",
    "timecode", "write_spotting_notes",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
