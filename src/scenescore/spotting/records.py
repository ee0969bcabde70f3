"""The spot stage's records: a cue and its dramatic function."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class CueFunction(StrEnum):
    """What the music does dramatically in a cue."""

    UNDERSCORE_DIALOGUE = "underscore dialogue"
    BUILD_TENSION = "build tension"
    RELEASE = "release"
    TRANSITION = "transition"
    THEME_STATEMENT = "theme statement"
    #: Sets place and mood under action when none of the above applies.
    ATMOSPHERE = "atmosphere"


@dataclass(frozen=True, slots=True)
class Cue:
    """One music cue: which scenes it covers, when, and what it does."""

    cue_id: str
    reel: int
    number: int
    scene_ids: tuple[int, ...]
    start_s: float
    end_s: float
    #: The scenes' timeline (``present``, ``flashback``, ``dream``, ``montage``...).
    timeline: str
    #: Where the music comes in and goes out, in words (the music editor's "in" and "out").
    in_point: str
    out_point: str
    function: CueFunction
    mood: str
    #: Duration-weighted contextual valence/arousal, and the values at the cue's first/last scene.
    valence: float
    arousal: float
    valence_in: float
    arousal_in: float
    valence_out: float
    arousal_out: float
    #: Characters on screen, most present first, and those with a theme here (on screen or named).
    characters: tuple[str, ...] = ()
    theme_characters: tuple[str, ...] = ()
    dialogue_share: float = 0.0
    #: Why a new cue starts here (``film start``, ``timeline: flashback``, ``shift 0.42``...).
    reason: str = ""
    #: ``estimated`` (page/dialogue estimate) or ``footage`` (aligned scene spans).
    timing_basis: str = "estimated"

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "cue_id": self.cue_id, "reel": self.reel, "number": self.number,
            "scene_ids": list(self.scene_ids), "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3), "timeline": self.timeline, "in": self.in_point,
            "out": self.out_point, "function": str(self.function), "mood": self.mood,
            "valence": round(self.valence, 4), "arousal": round(self.arousal, 4),
            "valence_in": round(self.valence_in, 4), "arousal_in": round(self.arousal_in, 4),
            "valence_out": round(self.valence_out, 4), "arousal_out": round(self.arousal_out, 4),
            "characters": list(self.characters), "theme_characters": list(self.theme_characters),
            "dialogue_share": round(self.dialogue_share, 3), "reason": self.reason,
            "timing_basis": self.timing_basis,
        }
