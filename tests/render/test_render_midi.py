"""Standard MIDI Files a DAW opens: type 1, named tracks, programs, drums on 10, markers,
tempo map, signatures, SMPTE offset; notes where the sketch put them, in seconds."""

from __future__ import annotations

import io

import mido
import pytest
from render_support import condition, theme

from scenescore.errors import OptionsError
from scenescore.render.film import sketch_film
from scenescore.render.mapping import condition_from_va
from scenescore.render.metrics import read_midi
from scenescore.render.midi import film_to_midi, sketch_to_midi, timecode, timecode_fields
from scenescore.render.options import MidiOptions
from scenescore.render.sketch import sketch_cue


def _smf(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data))


def test_cue_file_reads_back_with_everything_a_daw_needs():
    sketch = sketch_cue(condition_from_va(-0.5, 0.7, seconds=20, themes=[theme("statement")]))
    data = sketch_to_midi(sketch, start_s=75.5, options=MidiOptions(fps=25))
    smf = _smf(data)
    assert smf.type == 1 and smf.ticks_per_beat == 960
    assert len(smf.tracks) == 1 + len(sketch.parts)
    head = smf.tracks[0]
    smpte = next(m for m in head if m.type == "smpte_offset")
    assert (smpte.frame_rate, smpte.hours, smpte.minutes, smpte.seconds, smpte.frames) == (25, 1, 1, 15, 12)
    assert next(m for m in head if m.type == "key_signature").key == sketch.key_signature
    assert next(m for m in head if m.type == "set_tempo").tempo == round(60e6 / sketch.tempo_bpm)
    assert next(m for m in head if m.type == "time_signature").numerator == sketch.meter.numerator
    for track, part in zip(smf.tracks[1:], sketch.parts, strict=True):
        assert track.name == part.name
        program = next(m for m in track if m.type == "program_change")
        assert program.program == part.program and program.channel == part.channel
        channels = {m.channel for m in track if m.type in ("note_on", "note_off")}
        assert channels == {9} if part.is_drum else 9 not in channels
    reading = read_midi(data)
    assert reading.markers[0][1].startswith(sketch.cue_id)
    assert any(text.startswith("Theme ELLA-A") for _, text in reading.markers)
    assert reading.duration_s == pytest.approx(20.0, abs=1e-3)


def test_notes_land_where_the_sketch_put_them():
    sketch = sketch_cue(condition(seconds=15, tempo=97))
    reading = read_midi(sketch_to_midi(sketch))
    wanted = sorted((round(n.start_s, 2), n.pitch) for n in sketch.notes())
    got = sorted((round(n.start_s, 2), n.pitch) for n in reading.notes)
    assert len(got) == len(wanted)
    assert sum(abs(a[0] - b[0]) for a, b in zip(got, wanted, strict=True)) / len(got) < 0.002


def test_film_file_tempo_map_markers_and_bar_aligned_cues():
    conditions = [condition("1M01", tempo=72, seconds=30, meter="3/4"),
                  condition("1M02", tempo=128, seconds=20, arousal=0.8),
                  condition("1M03", tempo=90, seconds=25, key="F", mode="major", valence=0.5)]
    starts = [12.0, 61.3, 95.0]
    scenes = [(12.0, "Scene 3: EXT. LAKE - DAWN"), (70.0, "Scene 4: INT. KITCHEN")]
    sketches = sketch_film(conditions, starts)
    data = film_to_midi(sketches, starts, title="What the Lake Keeps", scene_markers=scenes)
    reading = read_midi(data)
    assert reading.track_names[0] == "What the Lake Keeps"
    assert reading.smpte_offset == (1, 0, 0, 0, 0)
    cue_markers = {text.split(":")[0]: t for t, text in reading.markers if text[:2] in ("1M",)}
    for c, s in zip(conditions, starts, strict=True):
        assert cue_markers[c.cue_id] == pytest.approx(s, abs=1e-3)
    scene_times = [t for t, text in reading.markers if text.startswith("Scene")]
    assert scene_times == pytest.approx([12.0, 70.0], abs=1e-3)
    for c, s in zip(conditions, starts, strict=True):  # each cue's own tempo from its start
        at = [bpm for t, bpm in reading.tempos if abs(t - s) < 1e-3]
        assert at and at[-1] == pytest.approx(c.tempo_bpm, rel=1e-5)
    assert reading.key_signatures == ("Dm", "Dm", "F")
    # Every cue starts on a bar line: count bars through the time signatures.
    smf = _smf(data)
    events, tick = [], 0
    for m in smf.tracks[0]:
        tick += m.time
        events.append((tick, m))
    signatures = [(t, m) for t, m in events if m.type == "time_signature"]
    cue_ticks = [t for t, m in events if m.type == "marker" and m.text[:4] in ("1M01", "1M02", "1M03")]
    for ct in cue_ticks:
        sig_tick, sig = max(((t, m) for t, m in signatures if t <= ct), key=lambda x: x[0])
        bar = smf.ticks_per_beat * sig.numerator * 4 // sig.denominator
        assert (ct - sig_tick) % bar == 0
    # One track per voice, drums on channel 10, themes named.
    assert "Drums" in reading.track_names
    assert {n.channel for n in reading.notes if n.track == reading.track_names.index("Drums")} == {9}


def test_film_file_keeps_cue_notes_in_seconds_even_when_cues_overlap():
    conditions = [condition("1M01", tempo=60, seconds=20), condition("1M02", tempo=140, seconds=10)]
    starts = [0.0, 15.0]  # the second starts before the first ends
    sketches = sketch_film(conditions, starts)
    reading = read_midi(film_to_midi(sketches, starts))
    first = sorted(n.start_s for n in sketches[0].notes())
    got = sorted(n.start_s for n in reading.notes)
    assert len(got) >= len(first)
    for t in first:
        assert min(abs(g - t) for g in got) < 0.002


def test_same_film_same_bytes():
    conditions = [condition("1M01", themes=[theme("statement")]), condition("1M02", themes=[theme("inversion")])]
    a = film_to_midi(sketch_film(conditions, [0, 40]), [0, 40], title="x")
    b = film_to_midi(sketch_film(conditions, [0, 40]), [0, 40], title="x")
    assert a == b


@pytest.mark.parametrize(("seconds", "fps", "expected"), [
    (0.0, 24, "01:00:00:00"),
    (12.5, 24, "01:00:12:12"),
    (12.5, 25, "01:00:12:12"),
    (3599.99, 30, "02:00:00:00"),
    (60.0, 29.97, "01:00:59;28"),  # drop frame: 60 s is frame 1798
    (60.06, 29.97, "01:01:00;02"),  # ... and frame 1800 is labelled ;02 (;00 and ;01 are skipped)
    (600.0, 29.97, "01:10:00;00"),
    (10.0, 23.976, "01:00:10:00"),  # 239.76 frames, the nearest is 240
    (9.98, 23.976, "01:00:09:23"),
])
def test_timecode(seconds, fps, expected):
    assert timecode(seconds, fps=fps) == expected


def test_smpte_subframes_and_bad_frame_rate():
    h, m, s, f, sub = timecode_fields(0.51, fps=25.0)
    assert (h, m, s, f, sub) == (1, 0, 0, 12, 75)
    with pytest.raises(OptionsError, match="frame rate 50"):
        timecode(1.0, fps=50)
    smf = _smf(sketch_to_midi(sketch_cue(condition(seconds=5)), options=MidiOptions(fps=29.97)))
    assert next(m for m in smf.tracks[0] if m.type == "smpte_offset").frame_rate == 29.97


def test_mismatched_starts_fail():
    with pytest.raises(OptionsError, match="start times"):
        film_to_midi(sketch_film([condition()], [0.0]), [0.0, 1.0])
    with pytest.raises(OptionsError, match="appears twice"):
        sketch_film([condition("1M01"), condition("1M01")], [0.0, 10.0])
