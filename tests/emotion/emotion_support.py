"""Hand-built records for the emotion tests (imported by conftest and the property tests)."""

from __future__ import annotations

from collections.abc import Sequence

from scenescore.emotion.records import SceneEmotion
from scenescore.records import DialogueLine, Scene, Timeline


def build_scene(scene_id: int = 1, *, action: str = "", dialogue: Sequence[tuple[str, str, str]] = (),
                timeline: str = "present", characters: Sequence[str] | None = None) -> Scene:
    """A scene record built by hand: dialogue as (speaker, parenthetical, text)."""
    lines = tuple(DialogueLine(speaker=s, parenthetical=p, text=t) for s, p, t in dialogue)
    chars = tuple(characters) if characters is not None else tuple(dict.fromkeys(s for s, _, _ in dialogue))
    text = "\n".join([action, *(f"{d.speaker}\n{d.parenthetical}\n{d.text}" for d in lines)])
    return Scene(
        scene_id=scene_id, number=str(scene_id), heading=f"INT. ROOM {scene_id} - DAY", int_ext="INT",
        location=f"ROOM {scene_id}", time_of_day="DAY", timeline=Timeline(timeline), characters=chars,
        dialogue=lines, action=action, text=text, word_count=len(text.split()), eighths=4,
        est_seconds=30.0, start_line=1, end_line=10,
    )


def build_emotion(scene_id: int, valence: float, arousal: float = 0.0, timeline: str = "present",
                  characters: dict[str, tuple[float, float]] | None = None) -> SceneEmotion:
    return SceneEmotion(scene_id=scene_id, valence=valence, arousal=arousal, emotions=(),
                        confidence=0.5, evidence=(), characters=characters or {}, backend="test",
                        timeline=timeline)
