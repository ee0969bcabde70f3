"""The note model of a sketch: notes in seconds, parts, markers, and the cue's sketch record.

Everything the writers (MIDI, MusicXML, audio) read. Musical time is seconds here; quarters
exist only while a cue is being planned (:class:`Voice`), ticks only in the MIDI writer.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from scenescore.conditions.schema import Instrument, MusicCondition
from scenescore.render.themes import ThemePhrase
from scenescore.render.theory import Meter

#: Velocity of each dynamic marking (the mean of a part before intensity shapes it).
DYNAMICS_VELOCITY = {"ppp": 28, "pp": 38, "p": 50, "mp": 62, "mf": 74, "f": 88, "ff": 102, "fff": 114}
#: Sounding share of a note's written length, by articulation.
ARTICULATION_LENGTH = {"legato": 1.0, "tenuto": 0.95, "marcato": 0.75, "staccato": 0.5,
                       "pizzicato": 0.35, "mixed": 0.85}
ROLE_ORDER = ("melody", "theme", "counter", "harmony", "pad", "bass", "percussion", "drums")


@dataclass(frozen=True, slots=True)
class Note:
    start_s: float
    end_s: float
    pitch: int
    velocity: int


@dataclass(frozen=True, slots=True)
class Marker:
    time_s: float
    text: str


@dataclass(frozen=True, slots=True)
class Part:
    """One track of a sketch: a voice with its General MIDI program and channel."""

    name: str  # track name shown in a DAW
    role: str  # melody, theme, counter, harmony, pad, bass, percussion
    slot: str  # the whole-film track it joins, e.g. "harmony 2", "theme ELLA-A"
    instrument: str
    program: int
    channel: int  # 0-based; 9 is General MIDI drums
    is_drum: bool
    articulation: str
    notes: tuple[Note, ...]
    controls: tuple[tuple[float, int, int], ...] = ()  # (time_s, controller, value)


@dataclass(frozen=True, slots=True)
class Sketch:
    """A cue's notes in seconds with the musical frame a MIDI or MusicXML file needs."""

    cue_id: str
    duration_s: float
    tempo_bpm: float
    meter: Meter
    key: str
    mode: str
    key_signature: str  # mido key name
    parts: tuple[Part, ...]
    markers: tuple[Marker, ...]
    chords: tuple[tuple[float, str], ...]  # (time_s, roman numeral)
    themes: tuple[ThemePhrase, ...] = ()
    valence: float = 0.0
    arousal: float = 0.0
    #: (seconds, bpm) of every tempo change, the first at 0; empty: ``tempo_bpm`` throughout.
    tempo_map: tuple[tuple[float, float], ...] = ()
    #: How the cue ends (the condition's ending, or what the sketcher read from its harmony).
    ending: str = "resolve"
    #: (seconds, kind) of every phrase cadence: authentic, half, deceptive, plagal.
    cadences: tuple[tuple[float, str], ...] = ()
    #: The form fitted to picture (sections, caught and missed hit points), when there is one.
    form: Any = field(default=None, repr=False, compare=False)

    def tempo_changes(self) -> tuple[tuple[float, float], ...]:
        return self.tempo_map or ((0.0, self.tempo_bpm),)

    def quarters(self, seconds: float) -> float:
        """Quarter notes from the cue's start to ``seconds`` through the tempo map."""
        changes = self.tempo_changes()
        q = 0.0
        for (t0, bpm), nxt in zip(changes, [*changes[1:], None], strict=True):
            t1 = seconds if nxt is None else min(seconds, nxt[0])
            if t1 <= t0:
                break
            q += (t1 - t0) * bpm / 60.0
        return q

    def notes(self, *, drums: bool = True) -> list[Note]:
        return [n for p in self.parts if drums or not p.is_drum for n in p.notes]


def cue_rng(seed: int, *parts: str) -> random.Random:
    digest = hashlib.sha256(":".join([str(seed), *parts]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def intensity_at(condition: MusicCondition, position: float) -> float:
    """Linear interpolation of the intensity curve at a position of the cue (0..1)."""
    pts = condition.intensity_curve
    if position <= pts[0].at:
        return pts[0].intensity
    for a, b in zip(pts, pts[1:], strict=False):
        if position <= b.at:
            span = b.at - a.at
            return b.intensity if span <= 0 else a.intensity + (b.intensity - a.intensity) * (position - a.at) / span
    return pts[-1].intensity


@dataclass(slots=True)
class Voice:
    """A part while it is planned: notes in quarters (start, end, pitch, velocity)."""

    instrument: Instrument
    role: str
    slot: str
    channel: int
    notes: list[tuple[float, float, int, int]] = field(default_factory=list)  # quarters
    controls: list[tuple[float, int, int]] = field(default_factory=list)


