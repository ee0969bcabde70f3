"""MusicXML per cue, for notation programs (MuseScore, Dorico, Sibelius).

Notes are quantized to sixteenths; simultaneous onsets in a part become chords; each note
lasts until the part's next onset at most, so every part reads as one voice. Sounding lengths
(staccato, marcato) are written at their full value with the articulation marked. Rests fill
the gaps, every part runs to the same whole bar, and a note that crosses a bar line or has no
single note value (five sixteenths) is written as tied values that end on beats.

The score is written as text, not through music21: building and exporting music21's object
tree cost 0.1-0.3 s a cue, most of a film's render. ``scripts/bench_musicxml.py`` times both.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from scenescore.errors import OutputError
from scenescore.io import atomic_write_bytes
from scenescore.render.sketch import ARTICULATION_LENGTH, Part, Sketch
from scenescore.render.theory import MINOR_FAMILY, prefer_flats

_DIVISIONS = 4  # per quarter: the sixteenth grid notes are quantized to
#: General MIDI drum keys to the names notation programs show (unknown keys read as a snare).
_DRUM_NAMES = {35: "Bass Drum", 36: "Bass Drum", 38: "Snare", 40: "Snare", 42: "Hi-Hat", 44: "Hi-Hat",
               46: "Open Hi-Hat", 49: "Crash", 51: "Ride", 45: "Low Tom", 47: "Mid Tom", 50: "High Tom"}
#: Each drum sound: the key it plays, where it sits on the percussion staff, its notehead.
_DRUM_SOUNDS = {"Bass Drum": (36, "F", 4, "normal"), "Snare": (38, "C", 5, "normal"),
                "Hi-Hat": (42, "G", 5, "x"), "Open Hi-Hat": (46, "G", 5, "circle-x"),
                "Crash": (49, "A", 5, "x"), "Ride": (51, "F", 5, "x"), "Low Tom": (45, "A", 4, "normal"),
                "Mid Tom": (47, "D", 5, "normal"), "High Tom": (50, "E", 5, "normal")}
_MARKS = {"staccato": "staccato", "marcato": "strong-accent", "tenuto": "tenuto"}
#: Lengths (sixteenths) that one note value writes, longest first, with (type, dots).
_VALUES = {48: ("breve", 1), 32: ("breve", 0), 24: ("whole", 1), 16: ("whole", 0), 12: ("half", 1),
           8: ("half", 0), 6: ("quarter", 1), 4: ("quarter", 0), 3: ("eighth", 1), 2: ("eighth", 0),
           1: ("16th", 0)}
_STEPS = "FCGDAEB"  # the line of fifths: sharps are added in this order, flats in reverse
_LETTER_FIFTHS = {"F": -1, "C": 0, "G": 1, "D": 2, "A": 3, "E": 4, "B": 5}
_ACCIDENTALS = {-1: "flat", 0: "natural", 1: "sharp"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DOCTYPE = ('<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
            '"http://www.musicxml.org/dtds/partwise.dtd">')


@dataclass(frozen=True, slots=True)
class _Event:
    """A note, chord or rest on the sixteenth grid (positions from the cue's start)."""

    start: int
    length: int
    heads: tuple = ()  # MIDI pitches, or drum names in a drum part; empty for a rest
    velocity: int = 0
    mark: str | None = None


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _key_fifths(key: str, mode: str) -> int:
    """Sharps (positive) or flats of the key signature: the tonic's major or minor key, the
    minor-family modes (dorian, phrygian...) written as minor, as music21 wrote them."""
    fifths = _LETTER_FIFTHS[key[0]] + 7 * (key[1:].count("#") - key[1:].count("b"))
    fifths -= 3 if mode in MINOR_FAMILY else 0
    if fifths > 7:  # D# major, Gb minor: the enharmonic key a score would use
        fifths -= 12
    elif fifths < -7:
        fifths += 12
    return fifths


@lru_cache(maxsize=64)
def _spelling(fifths: int, minor: bool, flats: bool) -> tuple[tuple[str, int], ...]:
    """(step, alter) for each pitch class: the spelling nearest the key on the line of fifths,
    so the key's own notes match its signature and others read as the usual alterations."""
    centre = fifths + (3 if minor else 2)  # the middle of the key's seven notes (its tonic in minor)
    names = []
    for pc in range(12):
        near = pc * 7 % 12  # a line-of-fifths position of the pitch class (C 0, G 1, ... F 11)
        options = [p for p in (near - 12, near, near + 12) if -8 <= p <= 12]  # Fb .. B#
        pos = min(options, key=lambda p: (abs(p - centre), p if flats else -p))
        names.append((_STEPS[(pos + 1) % 7], (pos + 1) // 7))
    return tuple(names)


def _signature_alters(fifths: int) -> dict[str, int]:
    if fifths >= 0:
        return {step: int(k < fifths) for k, step in enumerate(_STEPS)}
    return {step: -int(k < -fifths) for k, step in enumerate(reversed(_STEPS))}


def _events(part: Part, sketch: Sketch) -> list[_Event]:
    """The part's notes on the grid: onsets grouped into chords, each held to the next onset
    at most, written at full value under a short articulation."""
    quarters = sketch.quarters  # seconds to quarters through the cue's tempo map
    onsets: dict[int, list] = {}
    for n in part.notes:
        onsets.setdefault(round(quarters(n.start_s) * _DIVISIONS), []).append(n)
    end = round(quarters(sketch.duration_s) * _DIVISIONS)
    times = sorted(t for t in onsets if t < end)  # nothing starts after the cue
    factor = ARTICULATION_LENGTH.get(part.articulation, 1.0)
    mark = _MARKS.get(part.articulation) if factor < 1 and not part.is_drum else None
    events = []
    for k, start in enumerate(times):
        limit = (times[k + 1] if k + 1 < len(times) else end) - start
        group = onsets[start]
        sounding = quarters(max(x.end_s for x in group)) - start / _DIVISIONS
        written = round(sounding / factor * _DIVISIONS)
        if part.is_drum:
            heads = tuple(sorted({_DRUM_NAMES.get(x.pitch, "Snare") for x in group}))
        else:
            heads = tuple(sorted({x.pitch for x in group}))
        events.append(_Event(start, max(1, min(limit, written)), heads,
                             max(x.velocity for x in group), mark))
    return events


def _note_values(offset: int, length: int, beat: int, *, rest: bool = False) -> list[int]:
    """Split ``length`` sixteenths starting ``offset`` into a bar into note values to tie.

    A value that starts off the beat stays inside its beat; one that starts on a beat ends on
    a beat or at the end, so the beats of the bar stay visible (a quarter and a sixteenth, not
    a sixteenth and a quarter); in a compound meter, one longer than a beat ends on a beat.
    Rests also start on a multiple of their own value and are dotted only as whole beats of a
    compound meter."""
    values = []
    end = offset + length
    while offset < end:
        left, room = end - offset, beat - offset % beat
        fits = [v for v in _VALUES if v <= left and (v <= room or not offset % beat)
                and (v <= beat or beat % 3 or not (offset + v) % beat)  # compound: whole beats
                and (not rest or _rest_fits(v, offset, beat))]
        choice = next((v for v in fits if (offset + v) % beat == 0 or v == left), None)
        if choice is None:
            choice = next(v for v in fits if v <= room)
        values.append(choice)
        offset += choice
    return values


def _rest_fits(value: int, offset: int, beat: int) -> bool:
    if _VALUES[value][1]:  # dotted
        return beat % 3 == 0 and value >= beat and offset % value == 0
    return offset % value == 0


def _fill(events: list[_Event], total: int) -> list[_Event]:
    """Rests in the gaps, up to ``total`` sixteenths."""
    out, at = [], 0
    for e in events:
        if e.start > at:
            out.append(_Event(at, e.start - at))
        out.append(e)
        at = e.start + e.length
    if total > at:
        out.append(_Event(at, total - at))
    return out


def _dynamics(velocity: int) -> str:
    """MusicXML's playback dynamics: percent of forte, which is MIDI velocity 90."""
    return f"{velocity * 100 / 90:.2f}".rstrip("0").rstrip(".")


class _PartWriter:
    """Writes one part's measures; ``lines`` collects the XML."""

    def __init__(self, sketch: Sketch, part: Part | None, index: int, bar: int, beat: int) -> None:
        self.sketch, self.part, self.index, self.bar, self.beat = sketch, part, index, bar, beat
        self.lines: list[str] = []
        self.is_drum = part is not None and part.is_drum
        self.fifths = _key_fifths(sketch.key, sketch.mode)
        flats = self.fifths < 0 or prefer_flats(sketch.key, sketch.mode)
        self.spelling = _spelling(self.fifths, sketch.mode in MINOR_FAMILY, flats)
        self.signature = _signature_alters(self.fifths)
        self.drum_ids: dict[str, str] = {}

    def score_part(self, drums: list[str]) -> None:
        pid, part, out = f"P{self.index}", self.part, self.lines
        out.append(f'    <score-part id="{pid}">')
        out.append(f"      <part-name>{_text(part.name if part else '(no notes)')}</part-name>")
        if part is None:
            out.append("    </score-part>")
            return
        sounds = [(name, _DRUM_SOUNDS.get(name, _DRUM_SOUNDS["Snare"])[0]) for name in drums] \
            if self.is_drum else [(part.instrument, None)]
        for k, (name, _) in enumerate(sounds, 1):
            self.drum_ids[name] = f"{pid}-I{k}"
            out.append(f'      <score-instrument id="{pid}-I{k}">')
            out.append(f"        <instrument-name>{_text(name)}</instrument-name>")
            out.append("      </score-instrument>")
        for k, (_, key) in enumerate(sounds, 1):
            out.append(f'      <midi-instrument id="{pid}-I{k}">')
            out.append(f"        <midi-channel>{part.channel + 1}</midi-channel>")
            out.append(f"        <midi-program>{part.program + 1}</midi-program>")
            if key is not None:
                out.append(f"        <midi-unpitched>{key + 1}</midi-unpitched>")
            out.append("      </midi-instrument>")
        out.append("    </score-part>")

    def attributes(self) -> None:
        meter, out, part = self.sketch.meter, self.lines, self.part
        out.append("      <attributes>")
        out.append(f"        <divisions>{_DIVISIONS}</divisions>")
        if not self.is_drum:
            mode = "minor" if self.sketch.mode in MINOR_FAMILY else "major"
            out.append(f"        <key><fifths>{self.fifths}</fifths><mode>{mode}</mode></key>")
        out.append(f"        <time><beats>{meter.numerator}</beats><beat-type>{meter.denominator}</beat-type></time>")
        if self.is_drum:
            out.append("        <clef><sign>percussion</sign></clef>")
        else:
            notes = part.notes if part else ()
            bass = sum(n.pitch for n in notes) / max(1, len(notes)) < 57
            out.append("        <clef><sign>F</sign><line>4</line></clef>" if bass
                       else "        <clef><sign>G</sign><line>2</line></clef>")
        out.append("      </attributes>")

    def tempo(self) -> None:
        bpm = f"{round(self.sketch.tempo_bpm, 2):g}"
        self.lines += ['      <direction placement="above">', "        <direction-type>",
                       f"          <metronome><beat-unit>quarter</beat-unit><per-minute>{bpm}</per-minute></metronome>",
                       "        </direction-type>", f'        <sound tempo="{bpm}"/>', "      </direction>"]

    def tempo_change(self, bpm: float, offset: int) -> None:
        """A playback tempo change inside the score (the ramps and sections of the tempo map)."""
        self.lines += ['      <direction placement="above">', "        <direction-type>",
                       "          <words></words>", "        </direction-type>"]
        if offset:
            self.lines.append(f"        <offset>{offset}</offset>")
        self.lines += [f'        <sound tempo="{round(bpm, 2):g}"/>', "      </direction>"]

    def rehearsal(self, text: str, offset: int) -> None:
        self.lines += ['      <direction placement="above">', "        <direction-type>",
                       f"          <rehearsal>{_text(text)}</rehearsal>", "        </direction-type>"]
        if offset:
            self.lines.append(f"        <offset>{offset}</offset>")
        self.lines.append("      </direction>")

    def measures(self, events: list[_Event], total: int, marks: list[tuple[int, str | float]]) -> None:
        """Every bar of the part, ``marks`` (position, text) as rehearsal marks, (position, bpm) as
        tempo changes."""
        out, bar = self.lines, self.bar
        slices = iter(self._slices(_fill(events, total)))
        current = next(slices, None)
        pending = list(marks)
        for m, at in enumerate(range(0, total, bar)):
            out.append(f'    <measure number="{m + 1}">')
            if m == 0:
                self.attributes()
                if self.index == 1:
                    self.tempo()
            accidentals: dict[tuple[str, int], int] = {}
            while current is not None and current[0] < at + bar:
                piece_start, length, event, tied_in, tied_on = current
                while pending and pending[0][0] < piece_start + length:
                    pos, text = pending.pop(0)
                    if isinstance(text, float):  # a change of the tempo map (the click fitted to picture)
                        self.tempo_change(text, max(0, pos - piece_start))
                    else:
                        self.rehearsal(text, max(0, pos - piece_start))
                self._write(event, piece_start - at, length, tied_in, tied_on, accidentals)
                current = next(slices, None)
            if m == total // bar - 1:
                for _, text in pending:  # marks at the very end of the cue
                    if not isinstance(text, float):
                        self.rehearsal(text, 0)
            out.append("    </measure>")

    def _slices(self, events: list[_Event]) -> Iterator[tuple[int, int, _Event, bool, bool]]:
        """Events cut at bar lines: (start, length, event, tied from before, tied on)."""
        bar = self.bar
        for e in events:
            at, end = e.start, e.start + e.length
            while at < end:
                stop = min(end, (at // bar + 1) * bar)
                yield at, stop - at, e, at > e.start, stop < end
                at = stop

    def _write(self, event: _Event, offset: int, length: int, tied_in: bool, tied_on: bool,
               accidentals: dict[tuple[str, int], int]) -> None:
        out = self.lines
        if not event.heads:
            if offset == 0 and length == self.bar:
                out += ["      <note>", '        <rest measure="yes"/>', f"        <duration>{length}</duration>",
                        "        <voice>1</voice>", "      </note>"]
                return
            for value in _note_values(offset, length, self.beat, rest=True):
                kind, dots = _VALUES[value]
                out += ["      <note>", "        <rest/>", f"        <duration>{value}</duration>",
                        "        <voice>1</voice>", f"        <type>{kind}</type>", *["        <dot/>"] * dots,
                        "      </note>"]
            return
        values = _note_values(offset, length, self.beat)
        dynamics = _dynamics(event.velocity)
        for k, value in enumerate(values):
            kind, dots = _VALUES[value]
            stop = tied_in or k > 0
            start = tied_on or k < len(values) - 1
            for h, head in enumerate(event.heads):
                out.append(f'      <note dynamics="{dynamics}">')
                if h:
                    out.append("        <chord/>")
                accidental = notehead = instrument = None
                if self.is_drum:
                    _, step, octave, notehead = _DRUM_SOUNDS.get(head, _DRUM_SOUNDS["Snare"])
                    instrument = self.drum_ids.get(head)
                    out.append(f"        <unpitched><display-step>{step}</display-step>"
                               f"<display-octave>{octave}</display-octave></unpitched>")
                else:
                    step, alter = self.spelling[head % 12]
                    octave = (head - alter) // 12 - 1
                    shown = accidentals.get((step, octave), self.signature[step])
                    if not stop and shown != alter:
                        accidental = _ACCIDENTALS.get(alter)
                        accidentals[(step, octave)] = alter
                    out.append(f"        <pitch><step>{step}</step>" + (f"<alter>{alter}</alter>" if alter else "")
                               + f"<octave>{octave}</octave></pitch>")
                out.append(f"        <duration>{value}</duration>")
                if stop:
                    out.append('        <tie type="stop"/>')
                if start:
                    out.append('        <tie type="start"/>')
                if instrument:
                    out.append(f'        <instrument id="{instrument}"/>')
                out.append("        <voice>1</voice>")
                out.append(f"        <type>{kind}</type>")
                out.extend(["        <dot/>"] * dots)
                if accidental:
                    out.append(f"        <accidental>{accidental}</accidental>")
                if notehead and notehead != "normal":
                    out.append(f"        <notehead>{notehead}</notehead>")
                mark = event.mark if k == 0 and h == 0 and not tied_in else None
                if stop or start or mark:
                    out.append("        <notations>")
                    if stop:
                        out.append('          <tied type="stop"/>')
                    if start:
                        out.append('          <tied type="start"/>')
                    if mark:
                        out.append(f"          <articulations><{mark}/></articulations>")
                    out.append("        </notations>")
                out.append("      </note>")


def sketch_to_musicxml(sketch: Sketch) -> bytes:
    """The sketch as a MusicXML 4.0 score (one part per track, with key, meter and tempo)."""
    meter = sketch.meter
    bar_q, beat_q = meter.bar_quarters * _DIVISIONS, meter.beat_quarters * _DIVISIONS
    if bar_q != int(bar_q) or beat_q != int(beat_q):
        raise OutputError(f"{sketch.cue_id}: MusicXML is written on a sixteenth grid, which {meter} does not fit")
    bar, beat = int(bar_q), int(beat_q)
    end = round(sketch.quarters(sketch.duration_s) * _DIVISIONS)
    total = max(1, math.ceil(end / bar)) * bar  # every part runs to the same whole bar
    tempos = [(round(sketch.quarters(s) * _DIVISIONS), float(bpm)) for s, bpm in sketch.tempo_changes()[1:]]
    marks = sorted(((round(sketch.quarters(m.time_s) * _DIVISIONS), m.text[:40])
                    for m in sketch.markers if m.time_s > 0), key=lambda m: m[0])
    title = _text(f"{sketch.cue_id} (sketch)")
    head = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>', _DOCTYPE,
            '<score-partwise version="4.0">',
            f"  <work><work-title>{title}</work-title></work>",
            "  <identification>",
            '    <creator type="composer">scenescore (TEMP sketch)</creator>',
            "    <encoding>",
            "      <software>scenescore</software>",
            '      <supports element="accidental" type="yes"/>',
            '      <supports element="beam" type="no"/>',
            '      <supports element="stem" type="no"/>',
            "    </encoding>",
            "  </identification>",
            "  <part-list>"]
    bodies: list[str] = []
    for k, part in enumerate(sketch.parts or (None,), 1):
        writer = _PartWriter(sketch, part, k, bar, beat)
        events = _events(part, sketch) if part is not None else []
        drums = sorted({h for e in events for h in e.heads}) if writer.is_drum else []
        writer.score_part(drums)
        head += writer.lines
        writer.lines = [f'  <part id="P{k}">']
        writer.measures(events, total, sorted(marks + tempos, key=lambda m: m[0]) if k == 1 else [])
        writer.lines.append("  </part>")
        bodies += writer.lines
    lines = head + ["  </part-list>"] + bodies + ["</score-partwise>", ""]
    return "\n".join(lines).encode("utf-8")


def write_musicxml(sketch: Sketch, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    return atomic_write_bytes(path, sketch_to_musicxml(sketch), overwrite=overwrite)
