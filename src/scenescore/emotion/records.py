"""Records of the analyze and remember stages.

Valence and arousal are in [-1, 1] everywhere: valence from unpleasant to pleasant, arousal from
asleep to frantic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def _round(x: float | None, ndigits: int = 4) -> float | None:
    return None if x is None else round(float(x), ndigits)


@dataclass(frozen=True, slots=True)
class TextEmotion:
    """The emotion of one piece of text, as a backend reads it."""

    valence: float
    arousal: float
    #: Discrete emotions, best first: (label, score in [0, 1]).
    emotions: tuple[tuple[str, float], ...] = ()
    confidence: float = 0.0
    #: The words, cues or reasons that moved the estimate, strongest first.
    evidence: tuple[str, ...] = ()
    #: How much sentiment-bearing material the backend found (lexicon hits; 1 for models).
    weight: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "valence": _round(self.valence),
            "arousal": _round(self.arousal),
            "emotions": [{"label": label, "score": _round(score)} for label, score in self.emotions],
            "confidence": _round(self.confidence),
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class SceneEmotion:
    """One scene read on its own (no memory): the analyze stage's row."""

    scene_id: int
    valence: float
    arousal: float
    emotions: tuple[tuple[str, float], ...]
    confidence: float
    evidence: tuple[str, ...]
    #: Character name → (valence, arousal) within this scene (silent characters get the scene's).
    characters: Mapping[str, tuple[float, float]]
    backend: str
    #: The scene's timeline, copied from the scene table so the memory needs nothing else.
    timeline: str = "present"
    #: Arousal signals of the screenplay and their values in [-1, 1] (see ``arousal.py``).
    signals: Mapping[str, float] = field(default_factory=dict)
    #: Arousal of the words alone, before the screenplay signals were blended in.
    text_arousal: float = 0.0

    @property
    def top_emotion(self) -> str | None:
        return self.emotions[0][0] if self.emotions else None


@dataclass(frozen=True, slots=True)
class CharacterState:
    """A character's carried state after a scene they appear in."""

    #: Stable id for themes later: a slug of the normalized name (``MRS. O'NEILL`` → ``mrs-o-neill``).
    character_id: str
    name: str
    valence: float
    arousal: float
    #: Valence/arousal in this scene alone, before their previous state was blended in.
    scene_valence: float
    scene_arousal: float
    #: Scene of their previous appearance whose state was carried here (``None``: first one).
    carried_from: int | None
    appearances: int
    last_scene_id: int
    #: Step of the memory when last seen (for least-recently-seen eviction).
    last_step: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "character_id": self.character_id,
            "name": self.name,
            "valence": _round(self.valence),
            "arousal": _round(self.arousal),
            "scene_valence": _round(self.scene_valence),
            "scene_arousal": _round(self.scene_arousal),
            "carried_from": self.carried_from,
            "appearances": self.appearances,
        }


@dataclass(frozen=True, slots=True)
class ContextState:
    """The memory after a scene: what the audience feels, and why.

    ``valence = weights["scene"] * scene_valence + weights["memory"] * prior_valence
    + weights["frame"] * frame_valence`` (and the same for arousal).
    """

    scene_id: int
    timeline: str
    #: Contextual valence/arousal: the scene blended with what came before.
    valence: float
    arousal: float
    #: ``joyful``, ``tender``, ``tense``, ``sorrowful``, ``neutral``, ``bittersweet``, ``wistful``.
    mood: str
    scene_valence: float
    scene_arousal: float
    #: The layer's memory this scene blended with (``None``: first scene of its layer).
    prior_valence: float | None
    prior_arousal: float | None
    #: Timeline layers, outermost first, e.g. ``("present", "flashback")``.
    timeline_stack: tuple[str, ...]
    #: The scene whose state frames this layer (the present scene a flashback was recalled from).
    inherited_from: int | None
    frame_valence: float | None
    frame_arousal: float | None
    #: Shares of scene, memory and frame in the result; they sum to 1.
    weights: Mapping[str, float]
    #: ``start``, ``continue``, ``open``, ``return``, ``reset``, ``off``.
    event: str
    #: Scene whose layer state a ``return`` restored.
    restored_from: int | None
    #: Scenes that share this state (an intercut group), this one included.
    shared_with: tuple[int, ...]
    #: Carried state of the characters who appear in this scene.
    characters: Mapping[str, CharacterState]
    #: Characters tracked in the current layer after this scene (bounded by ``max_characters``).
    tracked_characters: int
    #: One line for people: what the memory did here.
    note: str


@dataclass(frozen=True, slots=True)
class TurningPoint:
    """A sustained shift of the contextual curve, starting at ``scene_id``."""

    scene_id: int
    valence_shift: float
    arousal_shift: float
    magnitude: float
    #: ``darkens``, ``brightens``, ``intensifies`` or ``calms`` (the dominant change).
    direction: str
    #: ``TP1``..``TP5`` for the narrative turning points (``emotion/turning.py``); empty for a
    #: raw shift of the curve.
    label: str = ""
    #: ``opportunity``, ``change of plans``, ``point of no return``, ``major setback``, ``climax``.
    kind: str = ""
    #: Share of the script where the scene starts (0..1).
    position: float | None = None
    #: Why this scene: position against the manual one, time jumps, locations, shifts, reversals.
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArcPoint:
    scene_id: int
    valence: float
    arousal: float
    #: Centered moving averages over ``arc_window`` scenes.
    smooth_valence: float
    smooth_arousal: float


@dataclass(frozen=True, slots=True)
class EmotionalArc:
    """The film's emotional curve (contextual) and its largest sustained shifts."""

    points: tuple[ArcPoint, ...]
    turning_points: tuple[TurningPoint, ...]


@dataclass(frozen=True, slots=True)
class EmotionAnalysis:
    """Everything the analyze + remember stages produce for one film."""

    emotions: tuple[SceneEmotion, ...]
    states: tuple[ContextState, ...]
    arc: EmotionalArc
    backend: str
    #: The film's genre and tone estimate (``emotion.tone.FilmTone``), when it was made.
    tone: Any = None
