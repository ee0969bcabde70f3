"""The music condition: what one cue should sound like, for MusicGen and for the MIDI sketcher.

One pydantic model is the contract between the translate stage (rules, an OpenAI-compatible
LLM, a local LM) and the render stage (MIDI sketches, FluidSynth, MusicGen). Its JSON schema
(``MusicCondition.model_json_schema()``) is what LLM backends are asked to fill.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Bump when the meaning of a field or the prompt to LLMs changes (it keys the cache).
SCHEMA_VERSION = "2"

Mode = Literal["major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "aeolian", "locrian",
               "harmonic minor"]
Dynamics = Literal["ppp", "pp", "p", "mp", "mf", "f", "ff", "fff"]
Articulation = Literal["legato", "staccato", "marcato", "tenuto", "pizzicato", "mixed"]
Role = Literal["melody", "harmony", "bass", "pad", "percussion", "counter"]
Register = Literal["low", "mid", "high", "wide"]
Transformation = Literal["statement", "restatement", "mode_change", "transposition", "augmentation",
                         "diminution", "fragmentation", "reharmonisation", "inversion", "recall"]
#: How the cue ends (film-music practice: Karlin & Wright, *On the Track*, 2004, ch. 10):
#: ``resolve`` closes on the tonic with a ritardando; ``button`` a short final tonic accent;
#: ``open`` stays unresolved (a build, a question, a dream); ``segue`` leads into the next cue
#: without closing; ``hard_out`` stops on the cut mid-phrase.
Ending = Literal["resolve", "button", "open", "segue", "hard_out"]
KEYS = ("C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B")


class Instrument(BaseModel):
    """One voice of the cue as a General MIDI program (0-based, 0-127); drums use channel 10."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    program: int = Field(ge=0, le=127, description="General MIDI program number, 0-based")
    role: Role
    is_drum: bool = False


class IntensityPoint(BaseModel):
    """Intensity (0 silent … 1 full) at a position of the cue (0 start … 1 end)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: float = Field(ge=0.0, le=1.0)
    intensity: float = Field(ge=0.0, le=1.0)


class ThemeUse(BaseModel):
    """Which character motif the cue uses and how it is transformed here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    character: str = Field(min_length=1)
    character_id: str = Field(min_length=1, description="stable id from the memory stage")
    motif: str = Field(min_length=1, description="motif id, e.g. 'ELLA-A'")
    transformation: Transformation
    note: str = ""


class MusicCondition(BaseModel):
    """What one cue should sound like, with the reasons and who decided."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cue_id: str = Field(pattern=r"^\d+M\d{2,}[A-Z]?$",
                        description="film convention: reel, M, cue number; a letter for a split or inserted cue (1M02A)")
    duration_s: float = Field(gt=0.0, le=3600.0)
    prompt: str = Field(min_length=1, max_length=600,
                        description="caption-style text prompt for a text-to-music model (~30 words)")
    genre: str = Field(min_length=1, max_length=80)
    instrumentation: list[Instrument] = Field(min_length=1, max_length=16)
    tempo_bpm: float = Field(ge=30.0, le=240.0)
    key: str = Field(description="tonic, e.g. 'D', 'F#', 'Bb'")
    mode: Mode
    meter: str = Field(pattern=r"^(2|3|4|5|6|7|9|12)/(2|4|8)$")
    dynamics: Dynamics
    intensity_curve: list[IntensityPoint] = Field(min_length=2, max_length=32)
    articulation: Articulation
    pitch_register: Register = "mid"
    harmony: str = Field(default="diatonic triads", max_length=120)
    note_density: float = Field(default=0.5, ge=0.0, le=1.0, description="0 sparse … 1 busy")
    themes: list[ThemeUse] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list, max_length=12)
    key_reason: str = Field(default="", max_length=200, description="where the film's key plan puts this cue")
    ending: Ending | None = Field(default=None, description="how the cue ends: resolve, button, open (no tonic "
                                  "resolution), segue (into the next cue), hard_out (stops on the cut)")
    rationale: str = Field(default="", max_length=2000)
    valence: float = Field(ge=-1.0, le=1.0)
    arousal: float = Field(ge=-1.0, le=1.0)
    backend: str = Field(min_length=1, description="rules, openai, local, ...")
    model: str | None = None
    fallback: str | None = Field(default=None, description="why another backend's answer was replaced")
    schema_version: str = SCHEMA_VERSION

    @field_validator("key")
    @classmethod
    def _known_key(cls, value: str) -> str:
        v = value.strip()
        v = v[:1].upper() + v[1:].replace("♯", "#").replace("♭", "b")
        if v not in KEYS:
            raise ValueError(f"unknown key {value!r}; one of {', '.join(KEYS)}")
        return v

    @field_validator("intensity_curve")
    @classmethod
    def _ordered(cls, points: list[IntensityPoint]) -> list[IntensityPoint]:
        if any(b.at < a.at for a, b in zip(points, points[1:], strict=False)):
            raise ValueError("intensity_curve points must be in order of 'at'")
        return points


def condition_json_schema() -> dict:
    """The JSON schema LLM backends fill (structured output)."""
    return MusicCondition.model_json_schema()
