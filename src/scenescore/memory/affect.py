"""What later stages read of the analyze and remember stages: one adapter over their records.

:func:`scene_affects` turns an ``EmotionAnalysis`` (scene emotions, the memory's context states,
the arc) into one :class:`SceneAffect` per scene, so spotting and translation never read the
emotion records themselves and a change in their shape is fixed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scenescore.emotion.labels import mood_of
from scenescore.memory.context import character_id


@dataclass(frozen=True, slots=True)
class CharacterAffect:
    """A character's carried state after a scene (from the memory)."""

    name: str
    character_id: str
    valence: float
    arousal: float
    appearances: int = 1


@dataclass(frozen=True, slots=True)
class SceneAffect:
    """What spotting and translation need to know about a scene's emotion and its context."""

    scene_id: int
    #: Contextual valence/arousal (the scene blended with what came before).
    valence: float = 0.0
    arousal: float = 0.0
    #: The scene read on its own.
    scene_valence: float = 0.0
    scene_arousal: float = 0.0
    mood: str = "neutral"
    emotions: tuple[tuple[str, float], ...] = ()
    evidence: tuple[str, ...] = ()
    timeline_stack: tuple[str, ...] = ("present",)
    inherited_from: int | None = None
    event: str = "continue"
    memory_note: str = ""
    characters: Mapping[str, CharacterAffect] = field(default_factory=dict)
    #: Direction of a turning point of the arc starting here (``darkens``...), if any.
    turning_point: str | None = None


def scene_affects(analysis: Any) -> dict[int, SceneAffect]:
    """Scene id → :class:`SceneAffect` from an ``EmotionAnalysis`` (``emotions``, ``states``, ``arc``).

    The one place that reads the emotion/memory records; ``None`` gives an empty mapping (every
    scene neutral).
    """
    if analysis is None:
        return {}
    states = {s.scene_id: s for s in getattr(analysis, "states", ())}
    arc = getattr(analysis, "arc", None)
    turns = {t.scene_id: t.direction for t in getattr(arc, "turning_points", ())} if arc else {}
    out: dict[int, SceneAffect] = {}
    for e in getattr(analysis, "emotions", ()):
        s = states.get(e.scene_id)
        chars: dict[str, CharacterAffect] = {}
        if s is not None:
            for name, c in s.characters.items():
                chars[name] = CharacterAffect(name=name, character_id=c.character_id,
                                              valence=float(c.valence), arousal=float(c.arousal),
                                              appearances=int(c.appearances))
        else:
            for name, (v, a) in e.characters.items():
                chars[name] = CharacterAffect(name=name, character_id=character_id(name),
                                              valence=float(v), arousal=float(a))
        out[e.scene_id] = SceneAffect(
            scene_id=e.scene_id,
            valence=float(s.valence if s is not None else e.valence),
            arousal=float(s.arousal if s is not None else e.arousal),
            scene_valence=float(e.valence), scene_arousal=float(e.arousal),
            mood=s.mood if s is not None else mood_of(e.valence, e.arousal),
            emotions=tuple((str(k), float(v)) for k, v in e.emotions),
            evidence=tuple(e.evidence),
            timeline_stack=tuple(s.timeline_stack) if s is not None else (e.timeline,),
            inherited_from=s.inherited_from if s is not None else None,
            event=s.event if s is not None else "continue",
            memory_note=s.note if s is not None else "",
            characters=chars,
            turning_point=turns.get(e.scene_id),
        )
    return out
