"""What a condition's avoid list asks of the notes: free-text phrases read into constraints.

The rules backend writes a fixed vocabulary and an LLM writes free text, so each constraint is
recognised by the words a phrase uses (``drum``, ``vocal range``, ``cluster`` ...). A phrase
that names nothing MIDI can break (``lyrics``, ``reverb wash``) constrains nothing here and is
left to the audio backend's prompt. ``tests/render/test_render_avoid.py`` holds the contract:
every renderable phrase the rules or the schema's examples produce is honoured in the written
MIDI, checked by :func:`scenescore.render.metrics.avoid_violations`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The band of the speaking voice's energy a melody should leave free under dialogue (C4-C6:
#: the fundamentals and first formants of speech sit from about 100 Hz to 1 kHz; scoring
#: practice keeps melodic activity out of it: Karlin & Wright 2004, ch. 9 "scoring under
#: dialogue"). MIDI pitches, inclusive.
SPEECH_BAND = (60, 84)
#: General MIDI programs heard as brass (trumpet ... synth brass).
BRASS = frozenset(range(56, 64))
#: Programs heard as electronic: synth leads, pads, effects, synth bass and synth strings/brass.
ELECTRONIC = frozenset(range(80, 104)) | {38, 39, 50, 51, 62, 63}
#: Programs heard as voices (choir aahs, voice oohs, synth voice).
VOCAL = frozenset({52, 53, 54, 85, 91})
#: Acoustic stand-ins for a program the avoid list rules out.
ACOUSTIC_FOR = {"pad": 49, "lead": 73, "bass": 43, "other": 48}


@dataclass(frozen=True, slots=True)
class Avoid:
    """The renderable part of an avoid list."""

    speech_band: bool = False  # no busy melody in the vocal range
    drums: bool = False  # no drum kit or percussion
    loud_hits: bool = False  # no sudden accents, crashes or rolls
    fanfares: bool = False  # no brass (the fanfare's colour)
    clusters: bool = False  # no minor seconds / major sevenths struck together
    fast_ostinati: bool = False  # no repeated notes faster than about four a second
    electronic: bool = False  # no synthesizer programs
    vocals: bool = False  # no choir programs

    @property
    def any(self) -> bool:
        return any(getattr(self, f) for f in self.__slots__)  # type: ignore[attr-defined]


def read_avoid(phrases: Iterable[str]) -> Avoid:
    """The constraints a list of avoid phrases names (unknown phrases constrain nothing)."""
    flags: dict[str, bool] = {}
    for phrase in phrases:
        p = phrase.lower()
        if ("vocal range" in p or "speech" in p or "under dialogue" in p
                or ("melody" in p and ("dialogue" in p or "voice" in p))):
            flags["speech_band"] = True
        elif "drum" in p or "percussion" in p:
            flags["drums"] = True
        elif "loud hit" in p or "sudden" in p or "stinger" in p or "stab" in p:
            flags["loud_hits"] = True
        elif "fanfare" in p or "brass" in p:
            flags["fanfares"] = True
        elif "cluster" in p or "dissonan" in p:
            flags["clusters"] = True
        elif "ostinat" in p or "fast" in p:
            flags["fast_ostinati"] = True
        elif "electronic" in p or "synth" in p:
            flags["electronic"] = True
        elif "vocal" in p or "choir" in p or "singing" in p:
            flags["vocals"] = True
    return Avoid(**flags)


def allowed_program(program: int, role: str, avoid: Avoid) -> int:
    """``program``, or an acoustic stand-in where the avoid list rules its sound out."""
    if avoid.electronic and program in ELECTRONIC or avoid.vocals and program in VOCAL:
        kind = "bass" if role == "bass" else "pad" if role in ("pad", "harmony") else "lead"
        return ACOUSTIC_FOR[kind]
    if avoid.fanfares and program in BRASS:
        return 42 if role == "bass" else 49 if role in ("pad", "harmony") else 71  # cello, strings, clarinet
    return program
