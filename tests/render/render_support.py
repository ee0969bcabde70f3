"""Conditions and helpers the render tests share."""

from __future__ import annotations

from scenescore.conditions.schema import Instrument, IntensityPoint, MusicCondition, ThemeUse


def theme(transformation: str, character: str = "Ella", motif: str = "ELLA-A") -> ThemeUse:
    return ThemeUse(character=character, character_id=character.lower(), motif=motif,
                    transformation=transformation)  # type: ignore[arg-type]


def condition(cue_id: str = "1M01", *, seconds: float = 24.0, key: str = "D", mode: str = "minor",
              meter: str = "4/4", tempo: float = 90.0, valence: float = -0.4, arousal: float = 0.0,
              themes: list[ThemeUse] | None = None, instruments: list[Instrument] | None = None,
              dynamics: str = "mf", articulation: str = "legato", harmony: str = "diatonic triads",
              avoid: list[str] | None = None, curve: list[tuple[float, float]] | None = None,
              density: float = 0.5) -> MusicCondition:
    """A hand-built condition, as the translate stage would write one."""
    return MusicCondition(
        cue_id=cue_id, duration_s=seconds, prompt="sparse piano and strings, tense", genre="orchestral",
        instrumentation=instruments or [
            Instrument(name="Piano", program=0, role="melody"),
            Instrument(name="Strings", program=48, role="harmony"),
            Instrument(name="Contrabass", program=43, role="bass"),
        ],
        tempo_bpm=tempo, key=key, mode=mode, meter=meter, dynamics=dynamics,  # type: ignore[arg-type]
        intensity_curve=[IntensityPoint(at=a, intensity=i) for a, i in (curve or [(0, 0.4), (1, 0.6)])],
        articulation=articulation, harmony=harmony, note_density=density, themes=themes or [],  # type: ignore[arg-type]
        avoid=avoid or [], valence=valence, arousal=arousal, backend="test",
    )
