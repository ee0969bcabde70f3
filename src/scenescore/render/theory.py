"""Pitch, scale, chord and meter arithmetic the sketcher and the theme book share.

Everything here is pure and small: pitch classes are ints 0-11, MIDI pitches ints 0-127,
scale degrees 0-based ints that may run past the octave (7 is the tonic an octave up).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Semitones above the tonic for each mode the condition schema allows.
MODE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "locrian": (0, 1, 3, 5, 6, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
}
#: Modes heard as "minor" (a minor third above the tonic).
MINOR_FAMILY = frozenset({"minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic minor"})
#: Offset of each mode from its parent major scale, in scale steps (for key signatures).
_MODE_DEGREE_IN_MAJOR = {"major": 0, "dorian": 1, "phrygian": 2, "lydian": 3, "mixolydian": 4,
                         "minor": 5, "aeolian": 5, "locrian": 6, "harmonic minor": 5}

PITCH_CLASS = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6,
               "Gb": 6, "G": 7, "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11}
_SHARP_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_FLAT_NAMES = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
#: Key-signature names mido accepts, by number of sharps (positive) or flats (negative).
_MAJOR_BY_SF = {-7: "Cb", -6: "Gb", -5: "Db", -4: "Ab", -3: "Eb", -2: "Bb", -1: "F", 0: "C",
                1: "G", 2: "D", 3: "A", 4: "E", 5: "B", 6: "F#", 7: "C#"}
_MINOR_BY_SF = {-7: "Abm", -6: "Ebm", -5: "Bbm", -4: "Fm", -3: "Cm", -2: "Gm", -1: "Dm", 0: "Am",
                1: "Em", 2: "Bm", 3: "F#m", 4: "C#m", 5: "G#m", 6: "D#m", 7: "A#m"}
_SF_OF_MAJOR_PC = {0: 0, 7: 1, 2: 2, 9: 3, 4: 4, 11: 5, 6: 6, 1: -5, 8: -4, 3: -3, 10: -2, 5: -1}


def tonic_pc(key: str) -> int:
    """Pitch class of a key name from the schema's list (``'F#'``, ``'Bb'``)."""
    return PITCH_CLASS[key]


def pitch_name(pitch: int, prefer_flats: bool = False) -> str:
    names = _FLAT_NAMES if prefer_flats else _SHARP_NAMES
    return f"{names[pitch % 12]}{pitch // 12 - 1}"


def scale_steps(mode: str) -> tuple[int, ...]:
    return MODE_STEPS.get(mode, MODE_STEPS["major"])


def parallel_mode(mode: str) -> str:
    """Major for a minor-family mode and minor for a major-family one (the 'mode change')."""
    return "major" if mode in MINOR_FAMILY else "minor"


@dataclass(frozen=True, slots=True)
class Scale:
    """A tonic and a mode; maps scale degrees to MIDI pitches."""

    tonic: int  # pitch class
    mode: str

    @property
    def steps(self) -> tuple[int, ...]:
        return scale_steps(self.mode)

    @property
    def pitch_classes(self) -> frozenset[int]:
        return frozenset((self.tonic + s) % 12 for s in self.steps)

    def pitch(self, degree: int, octave: int = 4) -> int:
        """MIDI pitch of a (possibly negative or > 6) degree; octave 4 puts the tonic near C4."""
        o, d = divmod(degree, 7)
        return 12 * (octave + 1 + o) + self.tonic + self.steps[d]

    def degree_of(self, pitch: int) -> int | None:
        """Degree (0-6) of a pitch class in the scale, or None when it is outside."""
        rel = (pitch - self.tonic) % 12
        return self.steps.index(rel) if rel in self.steps else None

    def contains(self, pitch: int) -> bool:
        return (pitch - self.tonic) % 12 in self.steps

    def nearest_in_scale(self, pitch: int) -> int:
        for delta in (0, -1, 1, -2, 2):
            if self.contains(pitch + delta):
                return pitch + delta
        return pitch

    def step(self, pitch: int, steps: int) -> int:
        """Move a pitch by ``steps`` scale steps (pitch snapped into the scale first)."""
        p = self.nearest_in_scale(pitch)
        d = self.degree_of(p)
        assert d is not None  # snapped above
        octave = (p - self.tonic) // 12 - 1  # so pitch(d, octave) == p
        return self.pitch(d + steps, octave)

    def key_signature(self, prefer_flats: bool = False) -> str:
        """mido's key name: the parent major scale's signature, minor flag for minor modes."""
        if self.mode == "harmonic minor":
            parent = (self.tonic + 3) % 12
        else:
            shift = _MODE_DEGREE_IN_MAJOR.get(self.mode, 0)
            parent = (self.tonic - MODE_STEPS["major"][shift]) % 12
        sf = _SF_OF_MAJOR_PC[parent]
        if sf == -5 and not prefer_flats:
            sf = 7
        elif sf == 6 and prefer_flats:
            sf = -6
        return (_MINOR_BY_SF if self.mode in MINOR_FAMILY else _MAJOR_BY_SF)[sf]


@dataclass(frozen=True, slots=True)
class Chord:
    """A chord built on a scale degree: the pitch classes and a roman-numeral label."""

    degree: int  # 0-6 in the scale it was built in
    pitch_classes: tuple[int, ...]  # root first
    label: str
    #: The chord from the bar's middle on, where the harmonic rhythm is two chords a bar.
    then: Chord | None = None

    @property
    def root(self) -> int:
        return self.pitch_classes[0]


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def build_chord(scale: Scale, degree: int, *, seventh: bool = False, sus: bool = False,
                add6: bool = False, add9: bool = False, raised_leading: bool = False) -> Chord:
    """Stack thirds of the scale on ``degree``; ``raised_leading`` makes V major in minor."""
    d = degree % 7
    steps = list(scale.steps)
    if raised_leading and scale.mode in MINOR_FAMILY:
        steps[6] = 11
    def pc(k: int) -> int:
        o, i = divmod(d + k, 7)
        return (scale.tonic + steps[i] + 12 * o) % 12
    third = pc(3) if sus else pc(2)
    tones = [pc(0), third, pc(4)]
    if seventh:
        tones.append(pc(6))
    elif add6:
        tones.append(pc(5))
    if add9:
        tones.append(pc(1))
    root = tones[0]
    third_iv = (pc(2) - root) % 12
    fifth_iv = (pc(4) - root) % 12
    numeral = _ROMAN[d]
    if third_iv == 3:
        numeral = numeral.lower() + ("°" if fifth_iv == 6 else "")
    elif fifth_iv == 8:
        numeral += "+"
    label = numeral + ("sus4" if sus else "") + ("7" if seventh else "") + ("add6" if add6 and not seventh else "") + ("add9" if add9 else "")
    return Chord(degree=d, pitch_classes=tuple(tones), label=label)


def voice_chord(chord: Chord, low: int, high: int, previous: tuple[int, ...] | None = None,
                size: int = 4) -> tuple[int, ...]:
    """Close voicing of ``chord`` within [low, high], near ``previous`` (smooth voice leading)."""
    pcs = list(chord.pitch_classes)
    candidates: list[tuple[int, ...]] = []
    for base in range(low, min(high, low + 12) + 1):
        if base % 12 not in pcs[:3]:  # an added sixth or ninth is never the lowest note
            continue
        start = pcs.index(base % 12)
        voicing, p = [], base
        for k in range(size):
            target = pcs[(start + k) % len(pcs)]
            while p % 12 != target:
                p += 1
            if k and p == voicing[-1]:
                p += 12
            voicing.append(p)
        if voicing[-1] <= high:
            candidates.append(tuple(voicing))
    if not candidates:
        root = low + (pcs[0] - low) % 12
        return tuple(root + 12 * (k // len(pcs)) + (pcs[k % len(pcs)] - pcs[0]) % 12
                     for k in range(min(size, 3)))
    if previous is None:
        centre = (low + high) / 2
        return min(candidates, key=lambda v: (abs(sum(v) / len(v) - centre), v))
    return min(candidates, key=lambda v: (sum(abs(a - b) for a, b in zip(v, previous, strict=False)), v))


@dataclass(frozen=True, slots=True)
class Meter:
    """A time signature and the beat it is felt in (dotted quarters in 6/8, 9/8, 12/8)."""

    numerator: int
    denominator: int

    @classmethod
    def parse(cls, text: str) -> Meter:
        num, den = text.split("/")
        return cls(int(num), int(den))

    @property
    def compound(self) -> bool:
        return self.denominator == 8 and self.numerator in (6, 9, 12)

    @property
    def bar_quarters(self) -> float:
        return self.numerator * 4.0 / self.denominator

    @property
    def beat_quarters(self) -> float:
        return 1.5 if self.compound else 4.0 / self.denominator

    @property
    def beats_per_bar(self) -> int:
        return round(self.bar_quarters / self.beat_quarters)

    def __str__(self) -> str:
        return f"{self.numerator}/{self.denominator}"


def prefer_flats(key: str, mode: str) -> bool:
    """Spell with flats for flat keys (F, Bb, Eb minor...) so names read like a score."""
    if "b" in key[1:]:
        return True
    if "#" in key:
        return False
    pc = PITCH_CLASS[key]
    parent = (pc + 3) % 12 if mode in MINOR_FAMILY else pc
    return parent in (5, 10, 3, 8, 1)
