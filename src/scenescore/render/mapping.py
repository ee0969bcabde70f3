"""A condition from a valence/arousal pair, through the product's own mapping (the rules backend).

There is one valence/arousal-to-music mapping, :mod:`scenescore.conditions.rules` (sources in
docs/conditions.md). ``scenescore sketch``, the benchmarks and the closed-loop evaluation need a
condition without a screenplay, so this module dresses the pair up as a one-cue film (an
atmosphere cue, neutral mood, present timeline, the film's end after it) and asks the rules for
its condition: what the closed loop measures is what the product does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scenescore.conditions.schema import IntensityPoint, MusicCondition, ThemeUse


def _clip(x: float, low: float, high: float) -> float:
    return max(low, min(high, x))


@dataclass(frozen=True, slots=True)
class MusicalParameters:
    """What a valence/arousal pair asks of the music, before instruments and a prompt."""

    mode: str
    tempo_bpm: float
    dynamics: str
    note_density: float
    pitch_register: str
    articulation: str
    harmony: str
    meter: str
    intensity: float


def musical_parameters(valence: float, arousal: float) -> MusicalParameters:
    """The rules backend's musical choices for a valence/arousal pair."""
    c = condition_from_va(valence, arousal)
    mean = sum(p.intensity for p in c.intensity_curve) / len(c.intensity_curve)
    return MusicalParameters(mode=c.mode, tempo_bpm=c.tempo_bpm, dynamics=c.dynamics,
                             note_density=c.note_density, pitch_register=c.pitch_register,
                             articulation=c.articulation, harmony=c.harmony, meter=c.meter,
                             intensity=round(mean, 3))


def condition_from_va(valence: float, arousal: float, *, seconds: float = 30.0, cue_id: str = "1M01",
                      seed: int = 0, themes: Sequence[ThemeUse] = (),
                      intensity_curve: Sequence[tuple[float, float]] | None = None,
                      function: str = "atmosphere", timeline: str = "present") -> MusicCondition:
    """A complete :class:`MusicCondition` for a valence/arousal pair, from the rules backend.

    ``seed`` is accepted for callers that vary it; the rules are deterministic (the key comes
    from the film's palette and key plan, not from chance).
    """
    from scenescore.conditions.context import CueContext
    from scenescore.conditions.palette import choose_palette
    from scenescore.conditions.rules import rules_condition
    from scenescore.spotting import Cue, CueFunction

    del seed
    v, a = _clip(valence, -1.0, 1.0), _clip(arousal, -1.0, 1.0)
    cue = Cue(cue_id=cue_id, reel=1, number=1, scene_ids=(), start_s=0.0, end_s=float(seconds),
              timeline=timeline, in_point="", out_point="tail out at the end of the film",
              function=CueFunction(function), mood="neutral", valence=v, arousal=a, valence_in=v,
              arousal_in=a, valence_out=v, arousal_out=a,
              characters=tuple(t.character for t in themes), theme_characters=tuple(t.character for t in themes))
    palette = choose_palette([cue], [(t.character_id, t.character) for t in themes])
    ctx = CueContext(cue=cue, scenes=(), affects=(), themes=tuple(themes), palette=palette)
    condition = rules_condition(ctx)
    if intensity_curve is not None:
        curve = [IntensityPoint(at=_clip(at, 0, 1), intensity=round(_clip(i, 0, 1), 3)) for at, i in intensity_curve]
        condition = condition.model_copy(update={"intensity_curve": curve})
    return condition.model_copy(update={"backend": "rules (valence/arousal)"})


__all__ = ["MusicalParameters", "condition_from_va", "musical_parameters"]
