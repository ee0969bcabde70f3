"""MusicXML per cue: reads back in music21 with the sketch's notes, key, meter, tempo and marks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import music21
import pytest
from render_support import condition, theme

from scenescore.render.mapping import condition_from_va
from scenescore.render.musicxml import _note_values, sketch_to_musicxml, write_musicxml
from scenescore.render.sketch import ARTICULATION_LENGTH, Marker, Note, Part, Sketch, sketch_cue
from scenescore.render.theory import Meter

#: Where General MIDI drum keys sit on the percussion staff (anything else reads as a snare).
DRUM_STAFF = {35: ("F", 4), 36: ("F", 4), 38: ("C", 5), 40: ("C", 5), 42: ("G", 5), 44: ("G", 5),
              46: ("G", 5), 49: ("A", 5), 51: ("F", 5), 45: ("A", 4), 47: ("D", 5), 50: ("E", 5)}
MARKS = {"staccato": "Staccato", "marcato": "StrongAccent", "tenuto": "Tenuto"}
SCENES = [(3.3, "INT. KITCHEN - NIGHT: Ella finds the letter under the bread bin"), (7.77, "Cut & <run>")]

#: (condition, meter, sharps of the key signature): the mapping's meters plus hand-built ones.
CASES = {
    "3/4 D major": (lambda: condition(meter="3/4", key="D", mode="major", tempo=66, valence=0.5, arousal=-0.4,
                                      seconds=20, themes=[theme("statement")]), "3/4", 2),
    "4/4 C minor drums": (lambda: condition(key="C", mode="minor", tempo=128, valence=-0.6, arousal=0.8, seconds=33,
                                            articulation="marcato", themes=[theme("statement")]), "4/4", -3),
    "6/8 Eb major": (lambda: condition(meter="6/8", key="Eb", mode="major", tempo=112, valence=0.6, arousal=0.3,
                                       articulation="staccato", seconds=25), "6/8", -3),
    "12/8 D dorian": (lambda: condition(meter="12/8", mode="dorian", arousal=0.8, articulation="staccato",
                                        seconds=19), "12/8", -1),  # written as D minor, as before
    "5/4 Bb major": (lambda: condition(meter="5/4", key="Bb", mode="major", tempo=73, articulation="marcato",
                                       arousal=0.9, seconds=23), "5/4", -2),
    "7/8 F# lydian": (lambda: condition(meter="7/8", key="F#", mode="lydian", tempo=131.5, articulation="tenuto",
                                        seconds=14), "7/8", 6),
}


def expected_notes(sketch: Sketch, part: Part) -> list[tuple[float, tuple, float, int, str | None]]:
    """(onset, heads, written length, velocity, mark) in quarters, straight from the sketch:
    onsets on the sixteenth grid, chords per onset, held to the next onset at most."""
    quarters = sketch.quarters  # through the cue's tempo map (fitted to picture)
    end = round(quarters(sketch.duration_s) * 4)
    groups: dict[int, list[Note]] = defaultdict(list)
    for n in part.notes:
        groups[round(quarters(n.start_s) * 4)].append(n)
    onsets = sorted(o for o in groups if o < end)
    factor = ARTICULATION_LENGTH.get(part.articulation, 1.0)
    mark = MARKS.get(part.articulation) if factor < 1 and not part.is_drum else None
    out = []
    for o, after in zip(onsets, [*onsets[1:], end], strict=True):
        group = groups[o]
        written = round((quarters(max(n.end_s for n in group)) - o / 4) / factor * 4)
        heads = tuple(sorted({DRUM_STAFF.get(n.pitch, ("C", 5)) for n in group} if part.is_drum
                             else {n.pitch for n in group}))
        out.append((o / 4, heads, max(1, min(after - o, written)) / 4, max(n.velocity for n in group), mark))
    return out


def read_notes(part: music21.stream.Part) -> list[tuple[float, tuple, float, int, str | None]]:
    """The same tuples from a parsed part, tied notes joined."""
    out = []
    for n in part.stripTies().flatten().notes:
        heads = list(n.notes) if isinstance(n, music21.chord.ChordBase) else [n]
        if isinstance(heads[0], music21.note.Unpitched):
            key = tuple(sorted({(u.displayStep, u.displayOctave) for u in heads}))
        else:
            key = tuple(sorted(p.midi for p in n.pitches))
        marks = [type(a).__name__ for h in [n, *heads] for a in h.articulations]
        out.append((float(n.offset), key, float(n.quarterLength), heads[0].volume.velocity,
                    marks[0] if marks else None))
    return out


def parse(data: bytes) -> music21.stream.Score:
    return music21.converter.parseData(data, format="musicxml")


@pytest.mark.parametrize(("valence", "arousal"), [(0.5, -0.4), (-0.6, 0.8)])
def test_musicxml_reads_back(tmp_path, valence, arousal):
    c = condition_from_va(valence, arousal, seconds=20, themes=[theme("statement")])
    sketch = sketch_cue(c)
    path = write_musicxml(sketch, tmp_path / "1M01.musicxml")
    score = music21.converter.parse(path)
    assert [p.partName for p in score.parts] == [p.name for p in sketch.parts]
    key = score.parts[0].recurse().getElementsByClass(music21.key.Key).first()
    assert key.tonic.name.replace("-", "b") == c.key and key.mode == c.mode.replace("harmonic ", "")
    ts = score.parts[0].recurse().getElementsByClass(music21.meter.TimeSignature).first()
    assert ts.ratioString == c.meter
    bar = ts.barDuration.quarterLength
    whole_bars = -(-round(sketch.quarters(20) * 4) / 4 // bar) * bar
    for part in score.parts:  # every part runs to the same whole bar; every bar is full
        assert part.highestTime == pytest.approx(whole_bars)
        assert all(m.duration.quarterLength == pytest.approx(bar) for m in part.getElementsByClass("Measure"))
    pitched = [n for n in score.parts[0].recurse().notes]
    assert pitched


@pytest.mark.parametrize("case", list(CASES))
def test_musicxml_round_trip(case):
    make, meter, sharps = CASES[case]
    c = make()
    assert c.meter == meter  # the mapping still gives the meter this case is about
    sketch = sketch_cue(c, scene_markers=SCENES)
    data = sketch_to_musicxml(sketch)
    score = parse(data)
    assert score.metadata.title == f"{c.cue_id} (sketch)"
    assert score.metadata.composer == "scenescore (TEMP sketch)"
    assert [p.partName for p in score.parts] == [p.name for p in sketch.parts]
    m = Meter.parse(meter)
    bars = -(-round(sketch.quarters(c.duration_s) * 4) // round(m.bar_quarters * 4))
    for part, parsed in zip(sketch.parts, score.parts, strict=True):
        assert read_notes(parsed) == expected_notes(sketch, part), part.name
        measures = list(parsed.getElementsByClass("Measure"))
        assert len(measures) == bars
        for measure in measures:  # full bars of single note values
            assert sum(x.quarterLength for x in measure.notesAndRests) == m.bar_quarters
            # (a part resting a whole bar writes one measure rest, whatever the meter)
            assert all(x.duration.type not in ("complex", "inexpressible") for x in measure.notesAndRests
                       if not (x.isRest and x.quarterLength == m.bar_quarters))
        first = measures[0]
        assert first.timeSignature.ratioString == meter
        if part.is_drum:
            assert isinstance(first.clef, music21.clef.PercussionClef)
            assert not list(parsed.recurse().getElementsByClass(music21.key.KeySignature))
        else:
            mean = sum(n.pitch for n in part.notes) / len(part.notes)
            assert isinstance(first.clef, music21.clef.BassClef if mean < 57 else music21.clef.TrebleClef)
            key = first.keySignature
            assert key.sharps == sharps
            assert key.mode == ("minor" if c.mode in ("minor", "dorian") else "major")
    tempo = score.parts[0].recurse().getElementsByClass(music21.tempo.MetronomeMark).first()
    assert tempo.number == round(sketch.tempo_bpm, 2) and tempo.referent.quarterLength == 1.0
    marks = [(float(r.getOffsetInHierarchy(score.parts[0])), r.content)
             for r in score.parts[0].recurse().getElementsByClass(music21.expressions.RehearsalMark)]
    assert marks == sorted((round(sketch.quarters(mk.time_s) * 4) / 4, mk.text[:40])
                           for mk in sketch.markers if mk.time_s > 0)
    assert any(text.startswith("INT. KITCHEN") and len(text) == 40 for _, text in marks)


@pytest.mark.parametrize("case", ["4/4 C minor drums", "12/8 D dorian", "5/4 Bb major"])
def test_musicxml_raw_fields(case):
    """What music21 does not read back: playback tempo, MIDI instruments, accidentals shown."""
    sketch = sketch_cue(CASES[case][0](), scene_markers=SCENES)
    root = ET.fromstring(sketch_to_musicxml(sketch))
    assert root.tag == "score-partwise" and root.get("version") == "4.0"
    assert root.find("part/measure/direction/sound").get("tempo") == f"{round(sketch.tempo_bpm, 2):g}"
    for part, score_part in zip(sketch.parts, root.iter("score-part"), strict=True):
        channels = {int(e.text) for e in score_part.iter("midi-channel")}
        programs = {int(e.text) for e in score_part.iter("midi-program")}
        assert channels == {part.channel + 1} and programs == {part.program + 1}
        if part.is_drum:
            keys = {int(e.text) - 1 for e in score_part.iter("midi-unpitched")}
            assert channels == {10} and keys and keys <= set(DRUM_STAFF)
    # A reader who ignores <alter> gets every pitch from the key signature, the accidentals
    # shown earlier in the bar and the ties.
    for part in root.iter("part"):
        fifths = part.find("measure/attributes/key/fifths")
        if fifths is None:
            continue
        n = int(fifths.text)
        signature = {s: (1 if "FCGDAEB".index(s) < n else 0) if n >= 0 else
                     (-1 if "BEADGCF".index(s) < -n else 0) for s in "FCGDAEB"}
        shown = {"flat": -1, "natural": 0, "sharp": 1}
        last: dict[tuple[str, str], int] = {}
        for measure in part.iter("measure"):
            state: dict[tuple[str, str], int] = {}
            for note in measure.iter("note"):
                pitch = note.find("pitch")
                if pitch is None:
                    continue
                step, octave = pitch.findtext("step"), pitch.findtext("octave")
                alter = int(pitch.findtext("alter") or 0)
                accidental = note.findtext("accidental")
                tied = any(t.get("type") == "stop" for t in note.iter("tie"))
                if accidental is not None:
                    read = state[(step, octave)] = shown[accidental]
                elif tied:
                    read = last[(step, octave)]
                else:
                    read = state.get((step, octave), signature[step])
                assert read == alter
                last[(step, octave)] = alter


def test_musicxml_spells_from_the_key():
    sketch = sketch_cue(condition(key="Bb", mode="major", seconds=20))
    data = sketch_to_musicxml(sketch)
    assert b"<accidental>" not in data  # a diatonic cue needs none
    names = {p.name for n in parse(data).recurse().notes for p in n.pitches}
    assert names <= {"B-", "C", "D", "E-", "F", "G", "A"}


def test_musicxml_splits_and_ties_hand_built():
    """60 bpm 4/4, 6 s: five sixteenths, a chord off the beat, a note over the bar line,
    one starting at the cue's end (dropped); rests fill to two whole bars."""
    notes = (Note(0.0, 1.25, 60, 90), Note(1.25, 2.5, 64, 80), Note(1.25, 2.5, 67, 70),
             Note(3.5, 5.0, 62, 100), Note(5.99, 7.0, 65, 100))
    part = Part(name="Lead", role="melody", slot="melody", instrument="Flute", program=73, channel=0,
                is_drum=False, articulation="legato", notes=notes)
    sketch = Sketch(cue_id="9M99", duration_s=6.0, tempo_bpm=60.0, meter=Meter(4, 4), key="C", mode="major",
                    key_signature="C", parts=(part,), markers=(Marker(0.0, "head"), Marker(2.0, "mid-note")),
                    chords=())
    root = ET.fromstring(sketch_to_musicxml(sketch))
    written = [[(n.find("rest") is not None, n.findtext("type"), len(n.findall("dot")),
                 [t.get("type") for t in n.findall("tie")]) for n in m.iter("note") if n.find("chord") is None]
               for m in root.iter("measure")]
    assert written == [
        [(False, "quarter", 0, ["start"]), (False, "16th", 0, ["stop"]),  # five sixteenths
         (False, "eighth", 1, ["start"]), (False, "eighth", 0, ["stop"]),  # the chord from the second 16th
         (True, "eighth", 0, []), (True, "eighth", 0, []), (False, "eighth", 0, ["start"])],
        [(False, "quarter", 0, ["stop"]), (True, "quarter", 0, []), (True, "half", 0, [])],
    ]
    assert len([n for n in root.iter("note") if n.find("chord") is not None]) == 2
    mark = root.find("part/measure/direction/direction-type/rehearsal/../..")
    assert mark.findtext("direction-type/rehearsal") == "mid-note" and mark.findtext("offset") == "3"
    score = parse(sketch_to_musicxml(sketch))
    assert read_notes(score.parts[0]) == expected_notes(sketch, part)


@pytest.mark.parametrize(("offset", "length", "beat", "rest", "values"), [
    (0, 5, 4, False, [4, 1]),  # quarter + sixteenth, not the other way round
    (1, 6, 4, False, [3, 3]),  # off the beat: up to the beat first
    (4, 8, 4, False, [8]),  # a syncopated half stays whole
    (4, 12, 4, True, [4, 8]),  # a rest from beat 2 to the bar line: quarter, half
    (0, 8, 6, False, [6, 2]),  # 6/8: whole beats first
    (2, 4, 6, False, [4]),
    (6, 18, 6, True, [6, 12]),
])
def test_note_values(offset, length, beat, rest, values):
    assert _note_values(offset, length, beat, rest=rest) == values


def test_musicxml_is_deterministic():
    s = sketch_cue(condition(seconds=10))
    assert sketch_to_musicxml(s) == sketch_to_musicxml(s)
    assert b"encoding-date" not in sketch_to_musicxml(s)


def test_musicxml_fits_the_schema(tmp_path):
    """music21's MusicXML 2.0 (strict) schema, with local stand-ins for its two network imports.
    Whole-bar rests' ``measure="yes"`` (MusicXML 3.0) is removed first; the rest is 2.0."""
    etree = pytest.importorskip("lxml.etree")
    xsd = Path(music21.__file__).parent / "musicxml" / "musicxml.xsd"
    (tmp_path / "xml.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace">'
        '<xs:attribute name="lang" type="xs:language"/><xs:attribute name="space" type="xs:NCName"/></xs:schema>')
    (tmp_path / "xlink.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/1999/xlink">'
        + "".join(f'<xs:attribute name="{a}" type="xs:string"/>' for a in ("href", "type", "role", "title", "show", "actuate"))
        + "</xs:schema>")
    text = xsd.read_text(encoding="utf-8")
    text = text.replace("http://www.musicxml.org/xsd/xml.xsd", "xml.xsd").replace("http://www.musicxml.org/xsd/xlink.xsd", "xlink.xsd")
    (tmp_path / "musicxml.xsd").write_text(text, encoding="utf-8")
    schema = etree.XMLSchema(etree.parse(str(tmp_path / "musicxml.xsd")))
    for case in CASES:
        data = re.sub(rb' measure="yes"', b"", sketch_to_musicxml(sketch_cue(CASES[case][0](), scene_markers=SCENES)))
        doc = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
        assert schema.validate(doc), (case, str(schema.error_log.last_error))
