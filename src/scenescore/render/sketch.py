"""MIDI sketches from a music condition: chords, bass, melody, themes and, when aroused, drums.

The sketcher reads the condition's musical fields (key, mode, meter, tempo, dynamics,
intensity curve, articulation, register, harmony, note density, instrumentation, themes) and
writes notes in seconds. How valence and arousal become those fields is in :mod:`.mapping` and
docs/render.md; the sketcher falls back on valence/arousal only where the condition says
nothing (drums when arousal is high, the consonance of added tones).

Plan, in quarter notes, then convert: bars grouped in phrases; theme passages placed first,
with chords fitted under them; progressions fill the other phrases; a cadence on the tonic
ends the cue at its exact length.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from scenescore.conditions.schema import Instrument, MusicCondition
from scenescore.render.options import SketchOptions
from scenescore.render.themes import ThemeBook, ThemePhrase
from scenescore.render.theory import (
    MINOR_FAMILY,
    Chord,
    Meter,
    Scale,
    build_chord,
    prefer_flats,
    tonic_pc,
    voice_chord,
)

log = logging.getLogger(__name__)

#: Velocity of each dynamic marking (the mean of a part before intensity shapes it).
DYNAMICS_VELOCITY = {"ppp": 28, "pp": 38, "p": 50, "mp": 62, "mf": 74, "f": 88, "ff": 102, "fff": 114}
#: Sounding share of a note's written length, by articulation.
ARTICULATION_LENGTH = {"legato": 1.0, "tenuto": 0.95, "marcato": 0.75, "staccato": 0.5,
                       "pizzicato": 0.35, "mixed": 0.85}
ROLE_ORDER = ("melody", "theme", "counter", "harmony", "pad", "bass", "percussion", "drums")
#: Melody range (lowest, highest MIDI pitch) by register.
MELODY_RANGE = {"low": (50, 74), "mid": (60, 84), "high": (67, 91), "wide": (55, 91)}
CHORD_RANGE = {"low": (43, 67), "mid": (50, 74), "high": (57, 81), "wide": (48, 79)}
BASS_RANGE = (31, 52)
_MIX = {"melody": (108, 64), "theme": (110, 64), "counter": (92, 84), "harmony": (96, 44),
        "pad": (86, 84), "bass": (100, 64), "percussion": (100, 64), "drums": (100, 64)}  # (CC7 volume, CC10 pan)
_ADDED = {
    "harmony": Instrument(name="String Ensemble", program=48, role="harmony"),
    "bass": Instrument(name="Contrabass", program=43, role="bass"),
    "melody": Instrument(name="Flute", program=73, role="melody"),
}
DRUM_KIT = Instrument(name="Drum Kit", program=0, role="percussion", is_drum=True)
# General MIDI percussion keys.
KICK, SNARE, HAT, OPEN_HAT, CRASH, LOW_TOM, MID_TOM, HIGH_TOM, RIDE = 36, 38, 42, 46, 49, 45, 47, 50, 51

# Chord progressions (scale degrees, one chord a bar) per mode; each mode's colour chord shows.
_MAJOR_PROGRESSIONS = ((0, 4, 5, 3), (0, 3, 4, 0), (0, 5, 3, 4), (0, 2, 3, 4), (0, 3, 0, 4), (0, 5, 1, 4))
_MINOR_PROGRESSIONS = ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6), (0, 3, 5, 4), (0, 5, 3, 4), (0, 3, 6, 2))
_PROGRESSIONS = {
    "major": _MAJOR_PROGRESSIONS,
    "minor": _MINOR_PROGRESSIONS,
    "aeolian": _MINOR_PROGRESSIONS,
    "harmonic minor": ((0, 3, 4, 0), (0, 5, 3, 4), (0, 5, 1, 4), (0, 3, 0, 4)),
    "dorian": ((0, 3, 0, 3), (0, 3, 4, 0), (0, 6, 3, 0), (0, 2, 3, 0)),
    "phrygian": ((0, 1, 0, 6), (0, 1, 6, 0), (0, 5, 1, 0), (0, 3, 1, 0)),
    "lydian": ((0, 1, 0, 1), (0, 1, 4, 0), (0, 1, 5, 0), (0, 5, 1, 0)),
    "mixolydian": ((0, 6, 3, 0), (0, 6, 0, 3), (0, 3, 6, 0), (0, 4, 6, 0)),
    "locrian": ((0, 1, 0, 5), (0, 5, 1, 0)),
}
#: The chord before the last tonic: V, or the mode's own colour (bVII, bII, IV, II).
_CADENCE = {"major": 4, "minor": 4, "aeolian": 4, "harmonic minor": 4, "dorian": 3, "phrygian": 1,
            "lydian": 1, "mixolydian": 6, "locrian": 1}


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
class _Voice:
    instrument: Instrument
    role: str
    slot: str
    channel: int
    notes: list[tuple[float, float, int, int]] = field(default_factory=list)  # quarters
    controls: list[tuple[float, int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Placed:
    phrase: ThemePhrase
    bar: int
    bars: int
    reprise: bool = False


class _Sketcher:
    def __init__(self, condition: MusicCondition, themes: ThemeBook, options: SketchOptions,
                 scene_markers: Sequence[tuple[float, str]]) -> None:
        self.c = condition
        self.options = options
        self.book = themes
        self.rng = cue_rng(options.seed, condition.cue_id, "sketch")
        self.scale = Scale(tonic_pc(condition.key), condition.mode)
        self.meter = Meter.parse(condition.meter)
        self.bpm = condition.tempo_bpm
        self.total_q = condition.duration_s * self.bpm / 60.0
        self.bar_q = self.meter.bar_quarters
        self.n_bars = max(1, math.ceil(self.total_q / self.bar_q - 1e-9))
        remainder = self.total_q - (self.n_bars - 1) * self.bar_q
        # A short last fragment joins the bar before it: the cadence starts a whole bar early.
        self.final_bar = self.n_bars - 1 if (remainder >= 0.5 * self.bar_q or self.n_bars == 1) else self.n_bars - 2
        self.base_velocity = DYNAMICS_VELOCITY[condition.dynamics]
        self.length_factor = ARTICULATION_LENGTH[condition.articulation]
        self.harmony_words = condition.harmony.lower()
        self.avoid = " ".join(condition.avoid).lower()
        self.scene_markers = list(scene_markers)
        self.markers: list[tuple[float, str]] = []
        self.theme_labels: dict[str, list[str]] = {}

    # -- helpers -----------------------------------------------------------------------------

    def bar_start(self, bar: int) -> float:
        return bar * self.bar_q

    def intensity(self, q: float) -> float:
        return intensity_at(self.c, min(1.0, max(0.0, q / self.total_q)))

    def level(self, q: float) -> float:
        """How busy the texture is here: note density shaped by the intensity curve."""
        return min(1.0, max(0.0, 0.65 * self.c.note_density + 0.35 * self.intensity(q)))

    def velocity(self, q: float, offset: int = 0, accent: bool = False) -> int:
        v = self.base_velocity * (0.72 + 0.42 * self.intensity(q)) + offset
        if accent:
            v += 10 if self.c.articulation == "marcato" else 5
        v += self.rng.randint(-3, 3)
        return max(1, min(127, round(v)))

    def add(self, voice: _Voice, start: float, dur: float, pitch: int, vel: int, *, factor: float | None = None) -> None:
        end_cap = self.total_q
        if start >= end_cap - 1e-9 or not 0 <= pitch <= 127:
            return
        length = dur * (self.length_factor if factor is None else factor)
        voice.notes.append((start, min(start + max(length, 0.1), end_cap), pitch, vel))

    # -- plan --------------------------------------------------------------------------------

    def voices(self) -> list[_Voice]:
        instruments = list(self.c.instrumentation)
        roles = {i.role for i in instruments}
        if self.options.complete_roles:
            if not roles & {"harmony", "pad"}:
                instruments.append(_ADDED["harmony"])
            if "bass" not in roles:
                instruments.append(_ADDED["bass"])
            if not roles & {"melody", "counter"}:
                instruments.append(_ADDED["melody"])
        no_drums = any(w in self.avoid for w in ("percussion", "drum"))
        if (not no_drums and not any(i.is_drum for i in instruments)
                and self.c.arousal >= self.options.drums_from_arousal):
            instruments.append(DRUM_KIT)
        if no_drums:
            instruments = [i for i in instruments if not i.is_drum]
        channels: dict[int, int] = {}
        free = [ch for ch in range(16) if ch != 9]
        voices: list[_Voice] = []
        counts: dict[str, int] = {}
        for inst in instruments:
            role = "drums" if inst.is_drum else inst.role
            counts[role] = counts.get(role, 0) + 1
            slot = role if counts[role] == 1 else f"{role} {counts[role]}"
            if inst.is_drum:
                channel = 9
            elif inst.program in channels:
                channel = channels[inst.program]
            else:
                channel = free.pop(0) if free else 15
                channels[inst.program] = channel
            voices.append(_Voice(instrument=inst, role=role, slot=slot, channel=channel))
        return voices

    def theme_phrases(self) -> list[ThemePhrase]:
        phrases: list[ThemePhrase] = []
        for use in self.c.themes:
            phrases += self.book.use(motif_id=use.motif, character=use.character,
                                     transformation=use.transformation, cue_id=self.c.cue_id,
                                     cue_mode=self.c.mode)
        return phrases

    def place_themes(self, phrases: list[ThemePhrase]) -> list[_Placed]:
        placed: list[_Placed] = []
        bar = 1 if self.n_bars >= 8 else 0
        for phrase in phrases:
            bars = max(1, math.ceil(phrase.quarters / self.bar_q - 1e-9))
            if bar > self.final_bar and placed:
                log.info("%s: no room for theme %s (%s)", self.c.cue_id, phrase.motif_id, phrase.transformation)
                continue
            placed.append(_Placed(phrase, bar, bars))
            bar += bars + (1 if bars < 4 else 0)
        # A long cue brings its last theme back where the intensity peaks.
        if placed and self.final_bar - bar >= 2 * placed[-1].bars + 2:
            peak_bar = max(range(bar, self.final_bar - placed[-1].bars),
                           key=lambda b: (self.intensity(self.bar_start(b)), -b))
            placed.append(_Placed(placed[-1].phrase, peak_bar, placed[-1].bars, reprise=True))
        return placed

    def chord_plan(self, placed: list[_Placed]) -> list[Chord]:
        mode = self.c.mode
        templates = _PROGRESSIONS.get(mode, _MAJOR_PROGRESSIONS)
        # Harmonic minor's raised seventh colours only the dominant (V, vii°): its III+ is no chord
        # for a sketch.
        chord_scale = Scale(self.scale.tonic, "minor") if mode == "harmonic minor" else self.scale
        words = self.harmony_words
        seventh = any(w in words for w in ("seventh", "7th", "jazz", "extended"))
        sus = any(w in words for w in ("sus", "suspen"))
        add6 = any(w in words for w in ("sixth", "add6"))
        add9 = any(w in words for w in ("ninth", "add9", "add2", "cluster", "dissonan", "minor second"))
        pedal = any(w in words for w in ("pedal", "drone"))
        borrowed = any(w in words for w in ("borrowed", "mixture")) and mode not in MINOR_FAMILY
        mediant = "mediant" in words
        plan: list[Chord | None] = [None] * self.n_bars
        theme_bars: dict[int, _Placed] = {}
        for p in placed:
            for b in range(p.bar, min(p.bar + p.bars, self.n_bars)):
                theme_bars[b] = p
        phrase_bars = self.options.phrase_bars
        progression = self.rng.choice(templates)
        for bar in range(self.n_bars):
            if bar >= self.final_bar:
                plan[bar] = build_chord(chord_scale, 0, add9=add9 and mode not in MINOR_FAMILY)
                continue
            if bar in theme_bars:
                plan[bar] = self.fit_chord(theme_bars[bar], bar, plan[bar - 1] if bar else None)
                continue
            if bar % phrase_bars == 0 and bar:
                progression = self.rng.choice(templates)
            degree = progression[bar % phrase_bars % len(progression)]
            cadence = bar == self.final_bar - 1
            if cadence:
                degree = _CADENCE.get(mode, 4)
                if mode in ("minor", "aeolian") and self.n_bars < 8:
                    degree = 6
            if pedal and bar % 2 == 0:
                degree = 0
            raised = degree in (4, 6) and (mode == "harmonic minor" or (cadence and degree == 4 and self.n_bars >= 8))
            colour_sus = sus and degree in (0, 3, 4) and self.rng.random() < 0.5
            scale = chord_scale
            if borrowed and degree in (3, 5) and self.rng.random() < 0.4:
                scale = Scale(self.scale.tonic, "minor")  # iv and bVI from the parallel minor
            if mediant and bar % phrase_bars == phrase_bars // 2 and self.rng.random() < 0.5:
                root = (self.scale.tonic + self.rng.choice((4, 8))) % 12
                plan[bar] = Chord(degree=2, pitch_classes=(root, (root + 4) % 12, (root + 7) % 12),
                                  label="chromatic mediant")
                continue
            plan[bar] = build_chord(scale, degree, seventh=seventh and degree != 0,
                                    sus=colour_sus, add6=add6 and degree == 3 and not seventh,
                                    add9=add9 and degree in (0, 3) and not colour_sus,
                                    raised_leading=raised)
        return [c if c is not None else build_chord(chord_scale, 0) for c in plan]

    def fit_chord(self, placed: _Placed, bar: int, previous: Chord | None) -> Chord:
        """The diatonic chord (in the theme's mode) that holds most of the theme's notes in this bar."""
        scale = Scale(self.scale.tonic, placed.phrase.mode)
        weights = [0.0] * 12
        for start, dur, pitch in self.theme_notes(placed):
            if self.bar_start(bar) <= start < self.bar_start(bar + 1):
                strong = 1.5 if abs((start - self.bar_start(bar)) % self.meter.beat_quarters) < 1e-6 else 1.0
                weights[pitch % 12] += dur * strong
        reharm = placed.phrase.reharmonise
        candidates = (5, 2, 1, 3, 0, 4) if reharm else (0, 3, 4, 5, 1, 2)
        best: Chord | None = None
        best_score = -1.0
        for rank, degree in enumerate(candidates):
            chord = build_chord(scale, degree, seventh=reharm)
            tones = chord.pitch_classes
            score = sum(weights[pc] for pc in tones) - 0.05 * rank
            if reharm:  # a new colour: the melody off the chord's root
                score -= 0.5 * weights[chord.root]
            if previous is not None and chord.pitch_classes == previous.pitch_classes:
                score -= 0.1
            if score > best_score:
                best, best_score = chord, score
        assert best is not None
        return best

    def theme_notes(self, placed: _Placed) -> list[tuple[float, float, int]]:
        """(start quarter, duration, pitch) of a placed theme phrase, in the melody's register."""
        phrase = placed.phrase
        scale = Scale(self.scale.tonic, phrase.mode)
        low, high = MELODY_RANGE[self.c.pitch_register]
        centre = (low + high) / 2
        degrees = [d + phrase.shift for d in phrase.degrees]
        best_octave = min(range(2, 7), key=lambda o: abs(sum(scale.pitch(d, o) for d in degrees) / len(degrees) - centre))
        notes, q = [], self.bar_start(placed.bar)
        for d, dur in zip(degrees, phrase.durations, strict=True):
            notes.append((q, dur, scale.pitch(d, best_octave)))
            q += dur
        return notes

    # -- parts -------------------------------------------------------------------------------

    def write_chords(self, voice: _Voice, plan: list[Chord], pad: bool) -> None:
        low, high = CHORD_RANGE[self.c.pitch_register]
        previous: tuple[int, ...] | None = None
        offset = -12 if pad else -8
        held: dict[int, int] = {}  # pitch -> index in voice.notes of a chord tone sounding to this bar
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q:
                break
            voicing = voice_chord(chord, low, high, previous, size=4 if pad else 3)
            previous = voicing
            final = bar >= self.final_bar
            bar_len = (self.total_q - start) if bar == self.final_bar else self.bar_q
            if bar > self.final_bar:
                continue  # the final chord already holds through
            level = self.level(start)
            if pad or final or level < 0.3:
                # Sustained chords tie their common tones across the bar line, the way a
                # section holds them; only the voices that move are struck again.
                ties, held = held, {}
                for p in voicing:
                    k = ties.get(p)
                    if k is not None and abs(voice.notes[k][1] - start) < 1e-9:
                        s0, _, _, vel = voice.notes[k]
                        voice.notes[k] = (s0, min(start + bar_len, self.total_q), p, vel)
                        held[p] = k
                        continue
                    self.add(voice, start, bar_len, p, self.velocity(start, offset), factor=1.0)
                    if voice.notes and voice.notes[-1][2] == p and voice.notes[-1][0] == start:
                        held[p] = len(voice.notes) - 1
                if pad:
                    voice.controls.append((start, 11, round(70 + 57 * self.intensity(start))))
                continue
            beat = self.meter.beat_quarters
            if level < 0.5:
                q = 0.0
                while q < bar_len - 1e-9:
                    for p in voicing:
                        self.add(voice, start + q, min(beat, bar_len - q), p, self.velocity(start + q, offset, q == 0))
                    q += beat
                continue
            step = 0.5 if (level < 0.75 or self.bpm >= 110) else 0.25
            pattern = list(voicing) + [voicing[1] + 12 if len(voicing) > 1 else voicing[0] + 12] + list(voicing[1:][::-1])
            q, k = 0.0, 0
            while q < bar_len - 1e-9:
                p = pattern[k % len(pattern)]
                self.add(voice, start + q, step, p, self.velocity(start + q, offset - 4,
                                                                  abs(q % beat) < 1e-6))
                q += step
                k += 1

    def write_bass(self, voice: _Voice, plan: list[Chord]) -> None:
        low, high = BASS_RANGE
        pedal = any(w in self.harmony_words for w in ("pedal", "drone"))
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q or bar > self.final_bar:
                break
            root_pc = self.scale.tonic if pedal else chord.root
            root = low + (root_pc - low) % 12
            fifth = root + 7 if root + 7 <= high else root - 5
            bar_len = (self.total_q - start) if bar == self.final_bar else self.bar_q
            level = self.level(start)
            if bar == self.final_bar or level < 0.35:
                self.add(voice, start, bar_len, root, self.velocity(start, -2, True), factor=1.0)
                continue
            beat = self.meter.beat_quarters
            if level < 0.68:
                q, k = 0.0, 0
                while q < bar_len - 1e-9:
                    p = root if k % 2 == 0 else fifth
                    self.add(voice, start + q, min(beat * (2 if self.meter.beats_per_bar % 2 == 0 else 1), bar_len - q),
                             p, self.velocity(start + q, -2, k == 0))
                    q += beat * (2 if self.meter.beats_per_bar % 2 == 0 else 1)
                    k += 1
                continue
            q, k = 0.0, 0
            while q < bar_len - 1e-9:
                p = root + (12 if k % 4 == 2 and root + 12 <= high + 7 else 0)
                self.add(voice, start + q, 0.5, p, self.velocity(start + q, -4, abs(q % beat) < 1e-6), factor=0.8)
                q += 0.5
                k += 1

    def rhythm_cell(self, level: float) -> list[float]:
        """One bar of melodic rhythm (quarters) for this density; ends on the bar line."""
        if level < 0.35:
            choices, weights = (1.0, 1.5, 2.0, 3.0), (3, 2, 4, 1)
        elif level < 0.65:
            choices, weights = (0.5, 1.0, 1.5, 2.0), (3, 5, 2, 1)
        else:
            choices, weights = (0.25, 0.5, 1.0), (2, 5, 3)
        cell: list[float] = []
        q = 0.0
        while q < self.bar_q - 1e-9:
            d = self.rng.choices(choices, weights)[0]
            d = min(d, self.bar_q - q)
            # 16th notes come in pairs so the next note lands on an eighth.
            if d == 0.25 and q + 0.5 <= self.bar_q:
                cell += [0.25, 0.25]
                q += 0.5
                continue
            cell.append(d)
            q += d
        return cell

    def write_melody(self, voice: _Voice, plan: list[Chord], busy_bars: set[int]) -> None:
        """A singable line: chord tones on the beats, steps between, an arch per phrase
        (rise, then fall to a chord root at the cadence), an occasional leap filled in by step."""
        low, high = MELODY_RANGE[self.c.pitch_register]
        centre = (low + high) // 2
        prev = self.nearest_pc(centre - 3, (self.scale.tonic, (self.scale.tonic + self.scale.steps[2]) % 12), low, high)
        phrase_bars = self.options.phrase_bars
        cell: list[float] = []
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q or bar > self.final_bar:
                break
            if bar in busy_bars:
                continue
            if bar == self.final_bar:
                target = self.nearest_pc(prev, (self.scale.tonic,), low, high)
                self.add(voice, start, self.total_q - start, target, self.velocity(start, 2), factor=1.0)
                continue
            pos = bar % phrase_bars
            if pos == 0 or not cell:
                cell = self.rhythm_cell(self.level(start))
            cadence = pos == phrase_bars - 1
            rhythm = self.cadence_rhythm() if cadence else cell
            direction = 1 if pos < phrase_bars / 2 else -1
            if prev > high - 4:
                direction = -1
            elif prev < low + 4:
                direction = 1
            q = start
            for k, dur in enumerate(rhythm):
                strong = abs((q - start) % self.meter.beat_quarters) < 1e-6
                last = k == len(rhythm) - 1
                if cadence and last:
                    target = self.nearest_pc(prev - 1, (chord.root,), low, high)
                elif pos == 0 and k == 0 and bar and self.rng.random() < 0.3:
                    # A leap up to open the phrase (then filled in by the falling steps).
                    target = self.chord_tone_from(prev + 5, chord, 1, low, high)
                elif strong or last:
                    target = self.chord_tone_from(prev, chord, direction, low, high)
                else:
                    step = direction if self.rng.random() < 0.8 else -direction
                    target = max(low, min(high, self.scale.step(prev, step)))
                self.add(voice, q, dur, target, self.velocity(q, 6, strong))
                prev = target
                q += dur
                if prev >= high - 2:  # turn at the edges of the register
                    direction = -1
                elif prev <= low + 2:
                    direction = 1

    def chord_tone_from(self, prev: int, chord: Chord, direction: int, low: int, high: int) -> int:
        """The nearest chord tone moving ``direction`` from ``prev`` (within a sixth), else the nearest."""
        tones = [p for p in range(low, high + 1) if p % 12 in chord.pitch_classes[:3]]
        ahead = [p for p in tones if 0 < (p - prev) * direction <= 9]
        if ahead:
            return min(ahead, key=lambda p: (abs(p - prev), p))
        return min(tones, key=lambda p: (abs(p - prev), p)) if tones else prev

    def cadence_rhythm(self) -> list[float]:
        beat = self.meter.beat_quarters
        head = [beat / 2, beat / 2] if self.level(0) > 0.5 else [beat]
        rest = self.bar_q - sum(head)
        return head + [rest] if rest > 1e-9 else head

    def nearest_pc(self, around: int, pcs: Sequence[int], low: int, high: int) -> int:
        best = None
        for p in range(low, high + 1):
            if p % 12 in pcs and (best is None or abs(p - around) < abs(best - around)):
                best = p
        return best if best is not None else around

    def write_theme(self, voice: _Voice, placed: _Placed) -> None:
        for start, dur, pitch in self.theme_notes(placed):
            strong = abs(start % self.meter.beat_quarters) < 1e-6
            self.add(voice, start, dur, pitch, self.velocity(start, 10, strong),
                     factor=min(1.0, self.length_factor + 0.15))

    def write_counter(self, voice: _Voice, plan: list[Chord]) -> None:
        low, high = MELODY_RANGE[self.c.pitch_register]
        low, high = low - 7, high - 12
        prev = self.scale.pitch(2, 4)
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q or bar > self.final_bar:
                break
            bar_len = (self.total_q - start) if bar == self.final_bar else self.bar_q
            half = bar_len / 2 if self.meter.beats_per_bar % 2 == 0 and bar != self.final_bar else bar_len
            q = 0.0
            while q < bar_len - 1e-9:
                target = self.nearest_pc(prev, chord.pitch_classes[1:], low, high)
                self.add(voice, start + q, min(half, bar_len - q), target, self.velocity(start + q, -8), factor=1.0)
                prev = target
                q += half

    def write_pitched_percussion(self, voice: _Voice, plan: list[Chord]) -> None:
        """Timpani-like parts: roots on phrase downbeats, a roll into the loudest bar."""
        low = 36
        peak_bar = max(range(self.final_bar + 1), key=lambda b: (self.intensity(self.bar_start(b)), -b))
        for bar, chord in enumerate(plan[: self.final_bar + 1]):
            start = self.bar_start(bar)
            root = low + (chord.root - low) % 12
            if bar % 2 == 0 or bar == self.final_bar:
                self.add(voice, start, self.meter.beat_quarters, root, self.velocity(start, 0, True), factor=1.0)
            if bar == peak_bar - 1 and self.c.arousal > 0:
                q = self.bar_q - self.meter.beat_quarters
                while q < self.bar_q - 1e-9:
                    self.add(voice, start + q, 0.25, root, self.velocity(start + q, -10 + int(8 * q)), factor=1.0)
                    q += 0.25

    def write_drums(self, voice: _Voice, added: bool) -> None:
        beat = self.meter.beat_quarters
        beats = self.meter.beats_per_bar
        entered = False
        for bar in range(self.final_bar + 1):
            start = self.bar_start(bar)
            if start >= self.total_q:
                break
            level = self.level(start)
            if added and self.intensity(start) < 0.3 and bar != self.final_bar:
                continue
            if bar == self.final_bar:
                self.add(voice, start, 1.0, CRASH, self.velocity(start, 4, True), factor=1.0)
                self.add(voice, start, 1.0, KICK, self.velocity(start, 4, True), factor=1.0)
                break
            if not entered or bar % self.options.phrase_bars == 0:
                self.add(voice, start, 1.0, CRASH, self.velocity(start, 0, True), factor=1.0)
                entered = True
            for b in range(beats):
                q = start + b * beat
                if b == 0 or (beats >= 4 and b == beats // 2) or (level > 0.75 and b == beats - 1 and beats == 4):
                    self.add(voice, q if b != beats - 1 else q + beat / 2, 0.5, KICK, self.velocity(q, 0, b == 0), factor=1.0)
                if level >= 0.4 and ((beats % 2 == 0 and b % 2 == 1) or (beats == 3 and b > 0)):
                    self.add(voice, q, 0.5, SNARE, self.velocity(q, -4 if beats == 3 else 0), factor=1.0)
                elif level < 0.4 and b == beats - 1:
                    self.add(voice, q, 0.5, LOW_TOM, self.velocity(q, -10), factor=1.0)
            step = 0.25 if (level > 0.8 and self.bpm < 120) else 0.5
            q = 0.0
            while q < self.bar_q - 1e-9 and level >= 0.4:
                self.add(voice, start + q, step, HAT if (q / step) % 4 != 3 or level < 0.6 else OPEN_HAT,
                         self.velocity(start + q, -16 + (6 if abs(q % beat) < 1e-6 else 0)), factor=1.0)
                q += step
            # A tom fill into each new phrase when the cue is driving.
            if level > 0.7 and bar % self.options.phrase_bars == self.options.phrase_bars - 1:
                fill_start = start + self.bar_q - beat
                for k, tom in enumerate((HIGH_TOM, MID_TOM, LOW_TOM, LOW_TOM)):
                    self.add(voice, fill_start + k * beat / 4, beat / 4, tom, self.velocity(fill_start, 0), factor=1.0)

    # -- assemble ----------------------------------------------------------------------------

    def run(self) -> Sketch:
        voices = self.voices()
        phrases = self.theme_phrases()
        placed = self.place_themes(phrases)
        plan = self.chord_plan(placed)
        busy_bars = {b for p in placed for b in range(p.bar, p.bar + p.bars)}
        melodic = [v for v in voices if v.role == "melody"] or [v for v in voices if v.role == "counter"] \
            or [v for v in voices if v.role in ("harmony", "pad")]
        lead = melodic[0] if melodic else voices[0]
        theme_voices: dict[str, _Voice] = {}
        for p in placed:
            tv = theme_voices.get(p.phrase.motif_id)
            if tv is None:
                tv = _Voice(instrument=lead.instrument, role="theme", slot=f"theme {p.phrase.motif_id}",
                            channel=lead.channel)
                theme_voices[p.phrase.motif_id] = tv
            labels = self.theme_labels.setdefault(p.phrase.motif_id, [])
            readable = p.phrase.transformation.replace("_", " ")
            if readable not in labels:
                labels.append(readable)
            self.write_theme(tv, p)
            self.markers.append((self.bar_start(p.bar), f"Theme {p.phrase.label}" + (" (reprise)" if p.reprise else "")))
        for v in voices:
            if v.role == "pad":
                self.write_chords(v, plan, pad=True)
            elif v.role == "harmony":
                self.write_chords(v, plan, pad=False)
            elif v.role == "bass":
                self.write_bass(v, plan)
            elif v.role == "melody":
                self.write_melody(v, plan, busy_bars if v is lead else set())
            elif v.role == "counter":
                if v is lead:
                    self.write_melody(v, plan, busy_bars)
                else:
                    self.write_counter(v, plan)
            elif v.role == "drums":
                self.write_drums(v, added=v.instrument is DRUM_KIT)
            elif v.role == "percussion":
                self.write_pitched_percussion(v, plan)
        spq = 60.0 / self.bpm
        scale_name = f"{self.c.key} {self.c.mode}"
        head = (f"{self.c.cue_id}: {scale_name}, {self.meter}, {self.bpm:g} bpm, {self.c.dynamics}"
                + (f", {self.c.genre}" if self.c.genre else ""))
        markers = [Marker(0.0, head)]
        markers += [Marker(round(q * spq, 6), text) for q, text in sorted(self.markers)]
        markers += [Marker(t, text) for t, text in self.scene_markers if 0 <= t < self.c.duration_s]
        markers.sort(key=lambda m: (m.time_s, m.text))
        ordered = sorted(list(voices) + list(theme_voices.values()),
                         key=lambda v: (ROLE_ORDER.index(v.role) if v.role in ROLE_ORDER else 99, v.slot))
        parts = tuple(self.part(v, spq) for v in ordered if v.notes)
        chords = tuple((round(self.bar_start(b) * spq, 6), ch.label) for b, ch in enumerate(plan)
                       if b <= self.final_bar and self.bar_start(b) < self.total_q)
        return Sketch(cue_id=self.c.cue_id, duration_s=self.c.duration_s, tempo_bpm=self.bpm, meter=self.meter,
                      key=self.c.key, mode=self.c.mode,
                      key_signature=self.scale.key_signature(prefer_flats=_flat_key(self.c.key, self.c.mode)),
                      parts=parts, markers=tuple(markers), chords=chords, themes=tuple(p.phrase for p in placed),
                      valence=self.c.valence, arousal=self.c.arousal)

    def part(self, v: _Voice, spq: float) -> Part:
        inst = v.instrument
        notes = tuple(Note(round(s * spq, 6), round(min(e, self.total_q) * spq, 6), p, vel)
                      for s, e, p, vel in sorted(v.notes, key=lambda n: (n[0], n[2], n[1])))
        if v.role == "theme":
            motif = v.slot.split(" ", 1)[1]
            name = f"Theme {motif}: {' + '.join(self.theme_labels[motif])} ({inst.name})"
        else:
            role = v.role.capitalize()
            name = f"{role} - {inst.name}" if inst.name.lower() != role.lower() else role
        volume, pan = _MIX.get(v.role, (100, 64))
        controls = [(0.0, 7, volume), (0.0, 10, pan), (0.0, 91, 40 if not inst.is_drum else 20)]
        controls += [(round(t * spq, 6), cc, val) for t, cc, val in v.controls]
        articulation = "theme" if v.role == "theme" else self.c.articulation
        return Part(name=name[:60], role=v.role, slot=v.slot, instrument=inst.name, program=inst.program,
                    channel=v.channel, is_drum=inst.is_drum, articulation=articulation, notes=notes,
                    controls=tuple(controls))


def _flat_key(key: str, mode: str) -> bool:
    return prefer_flats(key, mode)


def sketch_cue(condition: MusicCondition, *, themes: ThemeBook | None = None,
               options: SketchOptions | None = None,
               scene_markers: Sequence[tuple[float, str]] = ()) -> Sketch:
    """Write the notes of one cue.

    ``themes`` is the film's theme book (the state that crosses cues); pass the same book for
    every cue in film order so themes develop, or nothing for a one-off sketch (each theme is
    then stated). ``scene_markers`` are (seconds from the cue's start, text) to mark.
    """
    options = options or SketchOptions()
    book = themes if themes is not None else ThemeBook(seed=options.seed)
    sketcher = _Sketcher(condition, book, options, scene_markers)
    return sketcher.run()
