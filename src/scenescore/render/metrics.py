"""Measurements read back from written MIDI: the closed loop and the plausibility of the notes.

The plausibility metrics follow MusPy's definitions (Dong et al., ISMIR 2020): scale
consistency (the best share of notes inside one major or natural-minor scale), pitch-class
entropy (bits, of the note-count histogram) and empty-beat rate (share of beats, in quarter
notes, where nothing sounds), drums excluded where MusPy excludes them. Key and mode come from
the Krumhansl-Kessler profiles (Krumhansl 1990) correlated with the duration-weighted
pitch-class histogram.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scenescore.render.midi import _import_mido

_MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
_MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)
# Krumhansl & Kessler (1982) probe-tone profiles.
_KK_MAJOR = (6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88)
_KK_MINOR = (6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17)


@dataclass(frozen=True, slots=True)
class ReadNote:
    start_tick: int
    end_tick: int
    start_s: float
    end_s: float
    pitch: int
    velocity: int
    channel: int
    track: int

    @property
    def is_drum(self) -> bool:
        return self.channel == 9


@dataclass(frozen=True, slots=True)
class MidiReading:
    """What a written file says, in the units the bar is stated in."""

    ppq: int
    duration_s: float
    tempo_bpm: float  # the first tempo of the file
    notes: tuple[ReadNote, ...]
    markers: tuple[tuple[float, str], ...]
    smpte_offset: tuple[int, int, int, int, int] | None
    track_names: tuple[str, ...]
    key_signatures: tuple[str, ...]
    time_signatures: tuple[str, ...]
    tempos: tuple[tuple[float, float], ...]  # (seconds, bpm)


def read_midi(source: str | os.PathLike[str] | bytes) -> MidiReading:
    """Notes (ticks and seconds), markers, tempo map and SMPTE offset of a MIDI file."""
    mido = _import_mido()
    smf = mido.MidiFile(file=io.BytesIO(source)) if isinstance(source, bytes) else mido.MidiFile(Path(source))
    events = []
    for index, track in enumerate(smf.tracks):
        tick = 0
        for seq, msg in enumerate(track):
            tick += msg.time
            events.append((tick, index, seq, msg))
    events.sort(key=lambda e: (e[0], 0 if e[3].is_meta else 1, e[1], e[2]))
    tempo_us = 500_000
    last_tick, seconds = 0, 0.0
    tempos: list[tuple[float, float]] = []
    markers: list[tuple[float, str]] = []
    keys: list[str] = []
    meters: list[str] = []
    smpte = None
    open_notes: dict[tuple[int, int], list[tuple[int, float, int, int]]] = {}
    notes: list[ReadNote] = []
    for tick, index, _, msg in events:
        seconds += mido.tick2second(tick - last_tick, smf.ticks_per_beat, tempo_us)
        last_tick = tick
        if msg.type == "set_tempo":
            tempo_us = msg.tempo
            tempos.append((seconds, 60_000_000 / msg.tempo))
        elif msg.type == "marker":
            markers.append((seconds, msg.text))
        elif msg.type == "key_signature":
            keys.append(msg.key)
        elif msg.type == "time_signature":
            meters.append(f"{msg.numerator}/{msg.denominator}")
        elif msg.type == "smpte_offset" and smpte is None:
            smpte = (msg.hours, msg.minutes, msg.seconds, msg.frames, msg.sub_frames)
        elif msg.type == "note_on" and msg.velocity > 0:
            open_notes.setdefault((msg.channel, msg.note), []).append((tick, seconds, msg.velocity, index))
        elif msg.type in ("note_off", "note_on"):
            stack = open_notes.get((msg.channel, msg.note))
            if stack:
                t0, s0, vel, trk = stack.pop(0)
                notes.append(ReadNote(t0, tick, s0, seconds, msg.note, vel, msg.channel, trk))
    names = tuple(next((m.name for m in t if m.type == "track_name"), "") for t in smf.tracks)
    notes.sort(key=lambda n: (n.start_tick, n.pitch, n.channel))
    return MidiReading(ppq=smf.ticks_per_beat, duration_s=seconds,
                       tempo_bpm=tempos[0][1] if tempos else 120.0, notes=tuple(notes), markers=tuple(markers),
                       smpte_offset=smpte, track_names=names, key_signatures=tuple(keys),
                       time_signatures=tuple(meters), tempos=tuple(tempos))


def scale_consistency(reading: MidiReading) -> float:
    pitched = [n.pitch % 12 for n in reading.notes if not n.is_drum]
    if not pitched:
        return 0.0
    best = 0.0
    for steps in (_MAJOR_SCALE, _MINOR_SCALE):
        for root in range(12):
            scale = {(root + s) % 12 for s in steps}
            best = max(best, sum(pc in scale for pc in pitched) / len(pitched))
    return best


def pitch_class_entropy(reading: MidiReading) -> float:
    counts = [0] * 12
    for n in reading.notes:
        if not n.is_drum:
            counts[n.pitch % 12] += 1
    total = sum(counts)
    return -sum(c / total * math.log2(c / total) for c in counts if c) if total else 0.0


def empty_beat_rate(reading: MidiReading) -> float:
    """Share of quarter-note beats before the last note's end where no note sounds."""
    if not reading.notes:
        return 1.0
    res = reading.ppq
    end = max(n.end_tick for n in reading.notes)
    beats = max(1, math.ceil(end / res))
    sounding = [False] * beats
    for n in reading.notes:
        for b in range(n.start_tick // res, min(beats, max(n.start_tick // res + 1, math.ceil(n.end_tick / res)))):
            sounding[b] = True
    return sounding.count(False) / beats


def detect_key(reading: MidiReading) -> tuple[int, str, float]:
    """(tonic pitch class, 'major' or 'minor', correlation) by Krumhansl-Kessler key finding."""
    weights = [0.0] * 12
    for n in reading.notes:
        if not n.is_drum:
            weights[n.pitch % 12] += n.end_s - n.start_s
    best = (0, "major", -2.0)
    for mode, profile in (("major", _KK_MAJOR), ("minor", _KK_MINOR)):
        for tonic in range(12):
            rotated = [profile[(pc - tonic) % 12] for pc in range(12)]
            r = _pearson(weights, rotated)
            if r > best[2]:
                best = (tonic, mode, r)
    return best


def _pearson(x: list[float], y: list[float]) -> float:
    mx, my = sum(x) / len(x), sum(y) / len(y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = math.sqrt(sum((a - mx) ** 2 for a in x))
    syy = math.sqrt(sum((b - my) ** 2 for b in y))
    return sxy / (sxx * syy) if sxx and syy else 0.0


def note_density(reading: MidiReading) -> float:
    """Note onsets per second over the file's length."""
    return len(reading.notes) / reading.duration_s if reading.duration_s > 0 else 0.0


def mean_velocity(reading: MidiReading) -> float:
    return sum(n.velocity for n in reading.notes) / len(reading.notes) if reading.notes else 0.0


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        out = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                out[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return out
    return _pearson(ranks(x), ranks(y))


def sketch_metrics(source: str | os.PathLike[str] | bytes) -> dict[str, float | str]:
    """Every measurement of one MIDI file, for tables and tests."""
    r = read_midi(source)
    tonic, mode, corr = detect_key(r)
    return {
        "tempo_bpm": r.tempo_bpm,
        "note_density": note_density(r),
        "mean_velocity": mean_velocity(r),
        "scale_consistency": scale_consistency(r),
        "pitch_class_entropy": pitch_class_entropy(r),
        "empty_beat_rate": empty_beat_rate(r),
        "detected_tonic": tonic,
        "detected_mode": mode,
        "key_correlation": corr,
    }


#: Programs heard as brass, and as electronic (synth leads, pads, effects, synth bass/strings/brass).
_BRASS = frozenset(range(56, 64))
_ELECTRONIC = frozenset(range(80, 104)) | {38, 39, 50, 51, 62, 63}
_VOICES = frozenset({52, 53, 54, 85, 91})  # choir aahs, voice oohs, synth voice, voice lead, choir pad
_MINOR_LIKE = frozenset({"minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic minor"})
#: Track-name prefixes of the tune (melody, themes, counter-line), as the MIDI writer names parts.
_MELODIC = ("Melody", "Theme", "Counter")


def avoid_violations(tracks: Sequence[tuple[str, int, bool, Sequence[tuple[float, float, int, int]]]],
                     condition: object, *, beat_s: float) -> list[str]:
    """The avoid phrases of ``condition`` that the notes break (an independent check: it reads
    the phrases with its own words, not the renderer's).

    ``tracks`` are (name, program, is_drum, notes as (start_s, end_s, pitch, velocity)).
    Checked: a busy melody in the vocal range (more than 5% of the tune's notes shorter than
    two beats inside MIDI 60-84), drums or percussion, sudden loud hits (velocity 100 or more,
    or a crash), fanfares (brass in a major-like mode), dissonant clusters (a semitone or major
    seventh struck together in one part), fast ostinati (eight notes in a row 0.26 s or less
    apart in one pitched part), electronic sounds (synth programs), vocals (choir and voice
    programs). Other phrases are not
    renderable in MIDI and are not checked.
    """
    out = []
    mode = getattr(condition, "mode", "major")
    tune = [n for name, _, drum, notes in tracks if name.startswith(_MELODIC) and not drum for n in notes]
    for item in getattr(condition, "avoid", ()):
        low = item.lower()
        bad = False
        if "vocal range" in low or "speech" in low or ("melody" in low and "dialogue" in low):
            busy = [n for n in tune if 60 <= n[2] <= 84 and n[1] - n[0] < 2 * beat_s]
            bad = len(busy) > 0.05 * max(1, len(tune))
        elif "drum" in low or "percussion" in low:
            bad = any(drum and notes for _, _, drum, notes in tracks)
        elif "loud hit" in low or "sudden" in low or "stinger" in low:
            bad = any(n[3] >= 100 for _, _, _, notes in tracks for n in notes) or any(
                n[2] in (49, 55, 57) for _, _, drum, notes in tracks if drum for n in notes)
        elif "fanfare" in low:
            bad = mode not in _MINOR_LIKE and any(p in _BRASS and notes for _, p, drum, notes in tracks if not drum)
        elif "brass" in low:
            bad = any(p in _BRASS and notes for _, p, drum, notes in tracks if not drum)
        elif "cluster" in low or "dissonan" in low:
            for _, _, drum, notes in tracks:
                if drum:
                    continue
                onsets: dict[float, list[int]] = {}
                for n in notes:
                    onsets.setdefault(round(n[0], 3), []).append(n[2])
                if any((b - a) % 12 in (1, 11) for ps in onsets.values() for i, a in enumerate(ps) for b in ps[i + 1:]):
                    bad = True
                    break
        elif "ostinat" in low or "fast" in low:
            for _, _, drum, notes in tracks:
                if drum:
                    continue
                run = 0
                ordered = sorted(notes)
                for a, b in zip(ordered, ordered[1:], strict=False):
                    run = run + 1 if 0 < b[0] - a[0] <= 0.26 else 0
                    if run >= 8:
                        bad = True
                        break
                if bad:
                    break
        elif "electronic" in low or "synth" in low:
            bad = any(p in _ELECTRONIC and notes for _, p, drum, notes in tracks if not drum)
        elif "vocal" in low or "choir" in low or "singing" in low:
            bad = any(p in _VOICES and notes for _, p, drum, notes in tracks if not drum)
        if bad:
            out.append(item)
    return out
