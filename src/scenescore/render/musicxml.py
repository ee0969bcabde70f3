"""MusicXML per cue through music21, for notation programs (MuseScore, Dorico, Sibelius).

Notes are quantized to sixteenths; simultaneous onsets in a part become chords; each note
lasts until the part's next onset at most, so every part reads as one voice. Sounding lengths
(staccato, marcato) are written at their full value with the articulation marked.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

from scenescore.errors import MissingDependencyError
from scenescore.io import atomic_write_bytes
from scenescore.render.sketch import ARTICULATION_LENGTH, Part, Sketch
from scenescore.render.theory import MINOR_FAMILY

log = logging.getLogger(__name__)
_GRID = 4  # divisions per quarter
# General MIDI drum keys to the names notation programs show.
_DRUM_NAMES = {35: "Bass Drum", 36: "Bass Drum", 38: "Snare", 40: "Snare", 42: "Hi-Hat", 44: "Hi-Hat",
               46: "Open Hi-Hat", 49: "Crash", 51: "Ride", 45: "Low Tom", 47: "Mid Tom", 50: "High Tom"}
_DRUM_DISPLAY = {"Bass Drum": ("F", 4), "Snare": ("C", 5), "Hi-Hat": ("G", 5), "Open Hi-Hat": ("G", 5),
                 "Crash": ("A", 5), "Ride": ("F", 5), "Low Tom": ("A", 4), "Mid Tom": ("D", 5), "High Tom": ("E", 5)}


def _music21():  # noqa: ANN202 - the module
    try:
        import music21
    except ImportError:
        raise MissingDependencyError("MusicXML output", "music21", "all") from None
    return music21


def _quantize(q: float) -> float:
    return round(q * _GRID) / _GRID


def _part_stream(m21, part: Part, sketch: Sketch):  # noqa: ANN001, ANN202
    stream, note, chord, articulations = m21.stream, m21.note, m21.chord, m21.articulations
    qps = sketch.tempo_bpm / 60.0  # quarters per second
    p = stream.Part()
    p.partName = part.name
    p.id = part.slot.replace(" ", "_")
    try:
        inst = m21.instrument.Percussion() if part.is_drum else m21.instrument.instrumentFromMidiProgram(part.program)
    except Exception:  # noqa: BLE001 - music21 raises its own error types for unknown programs
        inst = m21.instrument.Instrument()
    inst.partName = part.name
    inst.midiChannel = part.channel
    if not part.is_drum:
        inst.midiProgram = part.program
    p.insert(0, inst)
    onsets: dict[float, list] = {}
    for n in part.notes:
        start = _quantize(n.start_s * qps)
        onsets.setdefault(start, []).append(n)
    times = sorted(onsets)
    end_q = _quantize(sketch.duration_s * qps)
    factor = ARTICULATION_LENGTH.get(part.articulation, 1.0)
    mark = {"staccato": articulations.Staccato, "marcato": articulations.StrongAccent,
            "tenuto": articulations.Tenuto}.get(part.articulation)
    for k, start in enumerate(times):
        group = onsets[start]
        limit = (times[k + 1] if k + 1 < len(times) else end_q) - start
        sounding = max(x.end_s for x in group) * qps - start
        written = _quantize(sounding / factor) if factor < 1 else _quantize(sounding)
        length = max(1.0 / _GRID, min(limit, written))
        if limit < 1.0 / _GRID:
            continue
        if part.is_drum:
            names = sorted({_DRUM_NAMES.get(x.pitch, "Snare") for x in group})
            heads = []
            for name in names:
                u = note.Unpitched()
                step, octave = _DRUM_DISPLAY.get(name, ("C", 5))
                u.displayStep, u.displayOctave = step, octave
                heads.append(u)
            obj = heads[0] if len(heads) == 1 else m21.percussion.PercussionChord(heads)
        else:
            pitches = sorted({x.pitch for x in group})
            obj = note.Note(pitches[0]) if len(pitches) == 1 else chord.Chord(pitches)
            if mark is not None and factor < 1:
                obj.articulations.append(mark())
        obj.quarterLength = length
        obj.volume.velocity = max(x.velocity for x in group)
        p.insert(start, obj)
    return p


def sketch_to_musicxml(sketch: Sketch) -> bytes:
    """The sketch as a MusicXML score (one part per track, with key, meter and tempo)."""
    m21 = _music21()
    score = m21.stream.Score()
    score.metadata = m21.metadata.Metadata()
    score.metadata.title = f"{sketch.cue_id} (sketch)"
    score.metadata.composer = "scenescore (TEMP sketch)"
    tonic = sketch.key.replace("b", "-")
    mode = "minor" if sketch.mode in MINOR_FAMILY else "major"
    for part in sketch.parts:
        p = _part_stream(m21, part, sketch)
        p.insert(0, m21.meter.TimeSignature(f"{sketch.meter.numerator}/{sketch.meter.denominator}"))
        if not part.is_drum:
            p.insert(0, m21.key.Key(tonic, mode))
        p.insert(0, m21.tempo.MetronomeMark(number=round(sketch.tempo_bpm, 2), referent=m21.duration.Duration(1.0)))
        if part.is_drum:
            p.insert(0, m21.clef.PercussionClef())
        else:
            mean = sum(n.pitch for n in part.notes) / max(1, len(part.notes))
            p.insert(0, m21.clef.BassClef() if mean < 57 else m21.clef.TrebleClef())
        score.insert(0, p)
    for marker in sketch.markers:
        if marker.time_s > 0 and score.parts:
            expr = m21.expressions.RehearsalMark(marker.text[:40])
            score.parts[0].insert(_quantize(marker.time_s * sketch.tempo_bpm / 60.0), expr)
    # Measures, rests, ties and splits by hand: music21's full makeNotation (beams, deep copies)
    # costs three times as much, and notation programs beam on import anyway.
    bar_q = sketch.meter.bar_quarters
    end = math.ceil(_quantize(sketch.duration_s * sketch.tempo_bpm / 60.0) / bar_q - 1e-9) * bar_q
    for p in score.parts:  # every part runs to the same whole bar
        p.makeRests(refStreamOrTimeRange=(0.0, end), fillGaps=True, inPlace=True)
        p.makeMeasures(inPlace=True)
        p.makeTies(inPlace=True)
        for measure in p.getElementsByClass(m21.stream.Measure):
            measure.splitAtDurations(recurse=False)
    exporter = m21.musicxml.m21ToXml.ScoreExporter(score, makeNotation=False)
    exporter.parse()
    return _strip_dates(exporter.asBytes())


def _strip_dates(data: bytes) -> bytes:
    """Same inputs, same bytes: drop music21's date stamp and number its random part ids."""
    import re

    data = re.sub(rb"\s*<encoding-date>[^<]*</encoding-date>", b"", data)
    ids: dict[bytes, bytes] = {}

    def stable(match: re.Match[bytes]) -> bytes:
        token = match.group(0)
        if token not in ids:
            ids[token] = token[:1] + str(sum(k[:1] == token[:1] for k in ids) + 1).encode()
        return ids[token]

    return re.sub(rb"\b[PI][0-9a-f]{32}\b", stable, data)


def write_musicxml(sketch: Sketch, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    return atomic_write_bytes(path, sketch_to_musicxml(sketch), overwrite=overwrite)
