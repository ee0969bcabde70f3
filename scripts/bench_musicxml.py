"""MusicXML writing speed per cue: the direct writer against the music21 path it replaced.

    python scripts/bench_musicxml.py [--cues 10] [--seconds 60] [--runs 5] [--no-baseline]

Sketches cues across the valence/arousal plane (as the render tests build them), then times
:func:`scenescore.render.musicxml.sketch_to_musicxml` on each and, as the baseline in the same
process, the music21 writer the module used before (copied below as ``_music21_reference``;
it lives only here). Prints the median milliseconds per cue of each and the speed-up.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import time

from scenescore.render.mapping import condition_from_va
from scenescore.render.musicxml import sketch_to_musicxml
from scenescore.render.sketch import ARTICULATION_LENGTH, Part, Sketch, sketch_cue
from scenescore.render.theory import MINOR_FAMILY

# -- the music21 writer as it was (the baseline) ---------------------------------------------

_GRID = 4
_DRUM_NAMES = {35: "Bass Drum", 36: "Bass Drum", 38: "Snare", 40: "Snare", 42: "Hi-Hat", 44: "Hi-Hat",
               46: "Open Hi-Hat", 49: "Crash", 51: "Ride", 45: "Low Tom", 47: "Mid Tom", 50: "High Tom"}
_DRUM_DISPLAY = {"Bass Drum": ("F", 4), "Snare": ("C", 5), "Hi-Hat": ("G", 5), "Open Hi-Hat": ("G", 5),
                 "Crash": ("A", 5), "Ride": ("F", 5), "Low Tom": ("A", 4), "Mid Tom": ("D", 5), "High Tom": ("E", 5)}


def _quantize(q: float) -> float:
    return round(q * _GRID) / _GRID


def _part_stream(m21, part: Part, sketch: Sketch):  # noqa: ANN001, ANN202
    stream, note, chord, articulations = m21.stream, m21.note, m21.chord, m21.articulations
    qps = sketch.tempo_bpm / 60.0
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
        onsets.setdefault(_quantize(n.start_s * qps), []).append(n)
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
            heads = []
            for name in sorted({_DRUM_NAMES.get(x.pitch, "Snare") for x in group}):
                u = note.Unpitched()
                u.displayStep, u.displayOctave = _DRUM_DISPLAY.get(name, ("C", 5))
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


def _music21_reference(sketch: Sketch) -> bytes:
    """The former ``sketch_to_musicxml``: a music21 score, measures made by hand, exported."""
    import music21 as m21

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
    bar_q = sketch.meter.bar_quarters
    end = math.ceil(_quantize(sketch.duration_s * sketch.tempo_bpm / 60.0) / bar_q - 1e-9) * bar_q
    for p in score.parts:
        p.makeRests(refStreamOrTimeRange=(0.0, end), fillGaps=True, inPlace=True)
        p.makeMeasures(inPlace=True)
        p.makeTies(inPlace=True)
        for measure in p.getElementsByClass(m21.stream.Measure):
            measure.splitAtDurations(recurse=False)
    exporter = m21.musicxml.m21ToXml.ScoreExporter(score, makeNotation=False)
    exporter.parse()
    data = re.sub(rb"\s*<encoding-date>[^<]*</encoding-date>", b"", exporter.asBytes())
    ids: dict[bytes, bytes] = {}

    def stable(match: re.Match[bytes]) -> bytes:
        token = match.group(0)
        if token not in ids:
            ids[token] = token[:1] + str(sum(k[:1] == token[:1] for k in ids) + 1).encode()
        return ids[token]

    return re.sub(rb"\b[PI][0-9a-f]{32}\b", stable, data)


# -- the benchmark ---------------------------------------------------------------------------

def sketches(cues: int, seconds: float) -> list[Sketch]:
    """Cues spread over the valence/arousal plane (every meter and mode the mapping gives)."""
    out = []
    for k in range(cues):
        v = -0.8 + 1.6 * ((k * 7) % cues) / max(1, cues - 1)
        a = -0.8 + 1.6 * ((k * 5) % cues) / max(1, cues - 1)
        out.append(sketch_cue(condition_from_va(round(v, 2), round(a, 2), seconds=seconds, cue_id=f"1M{k + 1:02d}")))
    return out


def median_ms(write, items: list[Sketch], runs: int) -> float:  # noqa: ANN001 - a writer
    times = []
    for _ in range(runs):
        for sketch in items:
            t0 = time.perf_counter()
            write(sketch)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cues", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow music21 writer")
    args = parser.parse_args()
    items = sketches(args.cues, args.seconds)
    notes = statistics.median(sum(len(p.notes) for p in s.parts) for s in items)
    sketch_to_musicxml(items[0])  # warm up
    new = median_ms(sketch_to_musicxml, items, args.runs)
    print(f"{args.cues} cues of {args.seconds:g} s (median {notes:g} notes a cue)")
    print(f"direct writer:   {new:8.2f} ms/cue (median of {args.runs * args.cues})")
    if not args.no_baseline:
        _music21_reference(items[0])  # warm up (music21's import and caches)
        old = median_ms(_music21_reference, items, max(1, args.runs // 2))
        print(f"music21 writer:  {old:8.2f} ms/cue (median of {max(1, args.runs // 2) * args.cues})")
        print(f"speed-up:        {old / new:8.1f}x")


if __name__ == "__main__":
    main()
