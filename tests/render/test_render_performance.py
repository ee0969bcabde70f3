"""How notes are played and synthesized: release controllers, the voice meter, the temp track's
mixer against a plain one, and per-cue progress."""

from __future__ import annotations

import dataclasses
import io

import mido
import numpy as np
import pytest
from render_support import condition
from test_render_audio import _read_wav, needs_fluidsynth

from scenescore.conditions.schema import Instrument
from scenescore.render.audio import fade, mix_stream, place_cue
from scenescore.render.film import CueProgress, render_film
from scenescore.render.midi import sketch_to_midi
from scenescore.render.options import AudioOptions, RenderOptions
from scenescore.render.performance import GM_RELEASE_S, RELEASE_CC, perform, release_cc
from scenescore.render.sketch import sketch_cue

PAD = [Instrument(name="Slow Strings", program=49, role="pad"), Instrument(name="Piano", program=0, role="melody"),
       Instrument(name="Contrabass", program=43, role="bass")]


def _release_values(sketch) -> dict[int, int]:
    return {p.program: v for p in sketch.parts for _, cc, v in p.controls if cc == RELEASE_CC}


def test_long_releases_are_brought_to_the_tempo_and_short_ones_left():
    sketch = sketch_cue(condition(instruments=PAD, tempo=60, seconds=20))
    played = perform(sketch, release_beats=1.0)
    values = _release_values(played)
    # Slow Strings ring 4 s after the note-off; at 60 BPM a held pad gets one beat: 1/4 -> 64 - 32
    assert GM_RELEASE_S[49] == pytest.approx(4.0) and values[49] == 64 + 16 * -2
    assert 43 not in values  # the contrabass stops within 0.35 s already
    assert all(v < 64 for v in values.values())
    assert not any(p.is_drum and p.program in values for p in played.parts)
    assert perform(sketch, release_beats=0) is sketch  # 0: every patch keeps its own release
    assert release_cc(49, 10.0) is None and release_cc(49, 0.25) == 0  # never longer, floored at 0


def test_the_release_controller_is_in_the_midi_file_before_the_first_note():
    played = perform(sketch_cue(condition(instruments=PAD, tempo=60, seconds=12)), release_beats=1.0)
    midi = mido.MidiFile(file=io.BytesIO(sketch_to_midi(played)))
    for track in midi.tracks[1:]:
        events = [m for m in track if m.type in ("control_change", "note_on")]
        ccs = [m for m in events if m.type == "control_change" and m.control == RELEASE_CC]
        if ccs:
            assert events.index(ccs[0]) < next(k for k, m in enumerate(events) if m.type == "note_on")
    assert any(m.type == "control_change" and m.control == RELEASE_CC for t in midi.tracks for m in t)
    assert not any(m.type == "control_change" and m.control == 64 for t in midi.tracks for m in t)  # no pedal


@needs_fluidsynth
def test_fluidsynth_follows_the_release_controller_and_the_meter_changes_nothing():
    from scenescore.render.fluidsynth import (
        CONTROL,
        NOTE_OFF,
        NOTE_ON,
        PROGRAM,
        Synth,
        require_fluidsynth,
    )
    from scenescore.render.options import FluidSynthOptions

    lib, soundfont = require_fluidsynth(FluidSynthOptions())
    notes = [(0, PROGRAM, 0, 49, 0), (100, NOTE_ON, 0, 60, 90), (48000, NOTE_OFF, 0, 60, 0)]
    results = {}
    for value in (None, 64, 32):
        events = notes[:1] + ([(0, CONTROL, 0, RELEASE_CC, value)] if value is not None else []) + notes[1:]
        synth = Synth(lib, soundfont, FluidSynthOptions(reverb=False), 48000)
        try:
            results[value] = synth.render_measured(events, 6 * 48000)
        finally:
            synth.close()
    plain = Synth(lib, soundfont, FluidSynthOptions(reverb=False), 48000)
    try:
        assert np.array_equal(plain.render(notes, 6 * 48000), results[None][0])  # measuring is free of effect
    finally:
        plain.close()
    (a, none), (b, same), (_, short) = results[None], results[64], results[32]
    assert np.array_equal(a, b) and none.voice_frames == same.voice_frames  # 64: the patch's own release
    after = lambda s: s.voice_frames - s.counts[:100].sum() * 480  # noqa: E731 - voice frames after the note-off
    assert after(short) < 0.35 * after(none)  # 1/4 of the release; the voices end with it
    assert none.held_frames == 48000 - 100 and none.peak >= 1


def _plain_mix(cues, frames: int, ceiling: float) -> np.ndarray:
    """The temp track computed the obvious way: every cue faded on a copy, summed, clipped."""
    out = np.zeros((frames, 2), np.float64)
    for p, audio in cues:
        seg = np.zeros((p.length, 2), np.float32)
        seg[: min(p.length, len(audio))] = audio[: p.length]
        seg[: p.fade_in] *= fade(p.fade_in, kind="in")[:, None]
        end = p.fade_out_at + p.fade_out
        seg[p.fade_out_at:end] *= fade(p.fade_out, kind="out")[: end - p.fade_out_at, None]
        stop = min(frames, p.start + p.length)
        out[p.start:stop] += seg[: stop - p.start]
    return np.clip(out, -ceiling, ceiling)


def test_the_streamed_mixer_equals_a_plain_mix(tmp_path):
    rng = np.random.default_rng(7)
    for trial in range(40):
        n, xf = int(rng.integers(1, 6)), int(rng.integers(5, 300))
        starts = sorted(rng.integers(0, 3000, n).tolist())
        lengths = rng.integers(1, 1500, n).tolist()
        ring = xf if trial % 2 else 0  # FluidSynth rings on; MusicGen's audio stops with the cue
        audio = [(rng.standard_normal((m + ring, 2)) * 0.4).astype(np.float32) for m in lengths]
        cues, fade_end = [], -1
        for k in range(n):
            nxt = starts[k + 1] if k + 1 < n else None
            p = place_cue(starts[k], lengths[k], len(audio[k]), nxt, fade_end, crossfade=xf, declick=5)
            fade_end = p.start + p.fade_out_at + p.fade_out
            cues.append((p, audio[k]))
        frames = max(s + m for s, m in zip(starts, lengths, strict=True)) + xf
        path = mix_stream(tmp_path / f"{trial}.wav", cues, frames=frames, sample_rate=1000, ceiling_dbfs=-1)
        _, got = _read_wav(path)
        want = _plain_mix(cues, frames, 10 ** (-1 / 20))
        assert got.shape == want.shape
        assert np.abs(got - want).max() < 1.5 / (1 << 23)  # the same to the last bit of rounding


@needs_fluidsynth
def test_render_film_reports_each_cue_with_the_music_done(tmp_path):
    conditions = [condition("1M01", seconds=3.0), condition("1M02", seconds=2.0), condition("1M03", seconds=1.5)]
    events: list[CueProgress] = []
    options = RenderOptions(musicxml=False, audio=AudioOptions(crossfade_s=0.5, temp_track=False))
    film = render_film(conditions, [10.0, 0.0, 20.0], tmp_path, options=options, on_cue=events.append)
    assert [e.cue_id for e in events] == ["1M02", "1M01", "1M03"]  # film order
    assert [e.cues_done for e in events] == [1, 2, 3] and {e.cues_total for e in events} == {3}
    assert [e.music_done_s for e in events] == pytest.approx([2.0, 5.0, 6.5])
    assert events[-1].music_total_s == pytest.approx(6.5)
    assert film.temp_track is None and all(c.audio and c.audio.is_file() for c in film.cues)
    assert dataclasses.is_dataclass(events[0])
