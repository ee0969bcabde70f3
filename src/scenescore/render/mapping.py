"""Valence/arousal to musical parameters: a plausible condition for sketches, tests and demos.

The translate stage owns the film's conditions; this mapping is the render stage's own,
self-contained reading of a valence/arousal pair (``scenescore sketch``, the benchmark, the
closed-loop evaluation). Each rule follows the music-and-emotion literature (docs/render.md
has the table and the references):

- mode by valence: major for positive, minor for negative (Hevner 1935; Gagnon & Peretz 2003;
  Eerola, Friberg & Bresin 2013, where mode was the strongest cue to valence);
- tempo, note density and loudness by arousal (Gabrielsson & Lindström 2010; Husain,
  Thompson & Schellenberg 2002; Eerola et al. 2013, where tempo and dynamics drove energy);
- register higher for positive, lower for negative and subdued (Gabrielsson & Lindström 2010);
- articulation staccato when energetic, legato when calm or sad (Juslin 2001);
- consonance falling with valence: added ninths and sixths for positive, sevenths and pedals for
  negative (Blood et al. 1999; the rule systems of Livingstone et al. 2010 and Wallis et al. 2011
  map the same quadrants).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scenescore.conditions.schema import Instrument, IntensityPoint, MusicCondition, ThemeUse
from scenescore.render.sketch import cue_rng

_MAJOR_KEYS = ("C", "D", "F", "G", "Bb", "Eb", "A")
_MINOR_KEYS = ("A", "D", "E", "C", "G", "F#", "B")


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
    """The research-grounded mapping (see the module docstring and docs/render.md)."""
    v = _clip(valence, -1.0, 1.0)
    a = _clip(arousal, -1.0, 1.0)
    mode = "major" if v >= 0 else "minor"
    tempo = round(_clip(96.0 + 40.0 * a + 6.0 * v, 50.0, 150.0))
    dynamics = ("pp" if a < -0.6 else "p" if a < -0.2 else "mp" if a < 0.15 else "mf" if a < 0.45
                else "f" if a < 0.75 else "ff")
    density = round(_clip(0.5 + 0.45 * a + 0.05 * v, 0.05, 0.95), 3)
    if a > 0.7:
        register = "wide"
    elif v > 0.35 and a > -0.2:
        register = "high"
    elif v < -0.35 and a < 0.2:
        register = "low"
    else:
        register = "mid"
    if a > 0.55:
        articulation = "marcato" if v < 0 else "staccato"
    elif a < -0.25 or v < -0.35:
        articulation = "legato"
    else:
        articulation = "tenuto"
    if v > 0.35:
        harmony = "diatonic triads with added ninths and sixths"
    elif v > -0.35:
        harmony = "diatonic triads with suspensions"
    elif a > 0.25:
        harmony = "minor triads, diatonic sevenths over a tonic pedal"
    else:
        harmony = "minor triads with diatonic sevenths"
    if v > 0.2 and a < -0.1:
        meter = "3/4"
    elif v > 0.3 and 0.1 < a < 0.6:
        meter = "6/8"
    else:
        meter = "4/4"
    intensity = round(_clip(0.5 + 0.35 * a, 0.1, 0.95), 3)
    return MusicalParameters(mode=mode, tempo_bpm=float(tempo), dynamics=dynamics, note_density=density,
                             pitch_register=register, articulation=articulation, harmony=harmony,
                             meter=meter, intensity=intensity)


def palette(valence: float, arousal: float) -> list[Instrument]:
    """An orchestral palette per quadrant of the valence/arousal plane."""
    if arousal >= 0.35:
        if valence >= 0:
            return [Instrument(name="French Horn", program=60, role="melody"),
                    Instrument(name="String Ensemble", program=48, role="harmony"),
                    Instrument(name="Flute", program=73, role="counter"),
                    Instrument(name="Contrabass", program=43, role="bass")]
        return [Instrument(name="Cello", program=42, role="melody"),
                Instrument(name="Tremolo Strings", program=44, role="harmony"),
                Instrument(name="Contrabass", program=43, role="bass"),
                Instrument(name="Timpani", program=47, role="percussion")]
    if valence >= 0:
        return [Instrument(name="Clarinet", program=71, role="melody"),
                Instrument(name="Acoustic Grand Piano", program=0, role="harmony"),
                Instrument(name="Slow Strings", program=49, role="pad"),
                Instrument(name="Contrabass", program=43, role="bass")]
    return [Instrument(name="Oboe", program=68, role="melody"),
            Instrument(name="Acoustic Grand Piano", program=0, role="harmony"),
            Instrument(name="Slow Strings", program=49, role="pad"),
            Instrument(name="Contrabass", program=43, role="bass")]


def _mood(valence: float, arousal: float) -> str:
    if arousal >= 0.35:
        return "triumphant, driving" if valence >= 0.35 else "urgent, tense" if valence < -0.35 else "restless, propulsive"
    if arousal <= -0.35:
        return "serene, tender" if valence >= 0.35 else "mournful, still" if valence < -0.35 else "hushed, reflective"
    return "warm, hopeful" if valence >= 0.35 else "uneasy, brooding" if valence < -0.35 else "pensive, open"


def condition_from_va(valence: float, arousal: float, *, seconds: float = 30.0, cue_id: str = "1M01",
                      seed: int = 0, themes: Sequence[ThemeUse] = (),
                      intensity_curve: Sequence[tuple[float, float]] | None = None) -> MusicCondition:
    """A complete :class:`MusicCondition` from a valence/arousal pair (deterministic per seed)."""
    p = musical_parameters(valence, arousal)
    rng = cue_rng(seed, "key", cue_id, f"{valence:.3f}", f"{arousal:.3f}")
    key = rng.choice(_MAJOR_KEYS if p.mode == "major" else _MINOR_KEYS)
    if intensity_curve is None:
        base = p.intensity
        if arousal >= 0.35:  # build to a late peak
            points = [(0.0, base - 0.2), (0.7, base + 0.15), (1.0, base)]
        else:  # a gentle arch
            points = [(0.0, base - 0.1), (0.5, base + 0.1), (1.0, base - 0.1)]
    else:
        points = list(intensity_curve)
    curve = [IntensityPoint(at=_clip(at, 0, 1), intensity=round(_clip(i, 0, 1), 3)) for at, i in points]
    instruments = palette(valence, arousal)
    lead = instruments[0].name.lower()
    prompt = (f"Cinematic orchestral underscore, {_mood(valence, arousal)}, {key} {p.mode}, "
              f"{p.tempo_bpm:g} bpm in {p.meter}, {p.dynamics} dynamics, {lead} melody over "
              f"{instruments[1].name.lower()}, {p.articulation} phrasing")
    if arousal >= 0.35:
        prompt += ", pounding percussion"
    return MusicCondition(
        cue_id=cue_id, duration_s=seconds, prompt=prompt, genre="cinematic orchestral",
        instrumentation=instruments, tempo_bpm=p.tempo_bpm, key=key, mode=p.mode, meter=p.meter,
        dynamics=p.dynamics, intensity_curve=curve, articulation=p.articulation,
        pitch_register=p.pitch_register, harmony=p.harmony, note_density=p.note_density,
        themes=list(themes), valence=valence, arousal=arousal, backend="render-va",
        rationale=(f"valence {valence:+.2f} -> {p.mode}; arousal {arousal:+.2f} -> {p.tempo_bpm:g} bpm, "
                   f"{p.dynamics}, density {p.note_density:.2f}"),
    )
