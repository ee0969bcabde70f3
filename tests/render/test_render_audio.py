"""Audio: Broadcast WAV at 48 kHz / 24-bit, resampling, crossfades, and FluidSynth end to end."""

from __future__ import annotations

import json
import wave
from dataclasses import replace

import numpy as np
import pytest
from render_support import condition, theme

from scenescore.errors import OutputError
from scenescore.render.audio import (
    float_to_pcm,
    mix_stream,
    place_cue,
    read_bext,
    resample,
    write_bwf,
)
from scenescore.render.film import render_film
from scenescore.render.fluidsynth import FluidSynthError, fluidsynth_available
from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions

needs_fluidsynth = pytest.mark.skipif(
    not fluidsynth_available(),
    reason="FluidSynth or a General MIDI SoundFont is missing: apt-get install fluidsynth fluid-soundfont-gm "
           "(listed in scripts/apt-packages.txt)")


def _read_wav(path) -> tuple[wave.Wave_read, np.ndarray]:
    with wave.open(str(path)) as w:
        raw = np.frombuffer(w.readframes(w.getnframes()), np.uint8).reshape(-1, 3).astype(np.int32)
        params = w.getparams()
    ints = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
    ints = np.where(ints >= 1 << 23, ints - (1 << 24), ints)
    return params, (ints / float(1 << 23)).reshape(-1, params.nchannels)


def test_pcm24_round_trip_and_clipping():
    x = np.array([[0.0, -1.0], [0.5, 0.999], [1.5, -2.0]], np.float32)
    data = float_to_pcm(x, 24)
    assert len(data) == 6 * 3
    ints = np.frombuffer(data, np.uint8).reshape(-1, 3).astype(np.int32)
    values = ints[:, 0] | (ints[:, 1] << 8) | (ints[:, 2] << 16)
    values = np.where(values >= 1 << 23, values - (1 << 24), values)
    assert values.tolist() == [0, -(1 << 23), 1 << 22, round(float(np.float32(0.999)) * (1 << 23)), (1 << 23) - 1, -(1 << 23)]


def test_broadcast_wav_reads_back_with_its_time_reference(tmp_path):
    sr = 48000
    t = np.arange(sr // 2) / sr
    tone = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 660 * t)], axis=1).astype(np.float32) * 0.5
    path = write_bwf(tmp_path / "1M01_01-00-12-00.wav", tone, sample_rate=sr, time_reference=(3600 + 12) * sr,
                     description="1M01 01:00:12:00", coding_history="A=PCM,F=48000,W=24,M=stereo")
    params, back = _read_wav(path)
    assert (params.framerate, params.sampwidth, params.nchannels, params.nframes) == (48000, 3, 2, sr // 2)
    assert np.max(np.abs(back - tone)) < 1e-6
    bext = read_bext(path)
    assert bext["time_reference"] == (3600 + 12) * sr and bext["description"] == "1M01 01:00:12:00"
    assert bext["coding_history"].startswith("A=PCM")
    with pytest.raises(OutputError, match="exists"):
        write_bwf(path, tone, sample_rate=sr, overwrite=False)
    assert not list(tmp_path.glob(".*part"))  # no half-written files left


def test_resample_32k_to_48k_keeps_pitch_and_level():
    t = np.arange(32000) / 32000
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)[:, None]
    out = resample(tone, 32000, 48000)
    assert out.shape == (48000, 1)
    spectrum = np.abs(np.fft.rfft(out[1000:-1000, 0] * np.hanning(46000)))
    peak_hz = np.argmax(spectrum) * 48000 / 46000
    assert abs(peak_hz - 1000) < 2
    assert np.sqrt(np.mean(out[1000:-1000] ** 2)) == pytest.approx(np.sqrt(0.5), rel=0.01)
    assert resample(tone, 48000, 48000) is not None


def test_crossfade_is_equal_power_and_streamed(tmp_path):
    sr, xf = 1000, 200
    a, b = np.full((1000 + xf, 2), 0.5, np.float32), np.full((800 + xf, 2), 0.5, np.float32)
    pa = place_cue(0, 1000, len(a), 1000, -1, crossfade=xf, declick=5)
    pb = place_cue(1000, 800, len(b), None, pa.start + pa.fade_out_at + pa.fade_out, crossfade=xf, declick=5)
    assert pa.fade_in == 5 and pb.fade_in == xf  # b enters while a rings: a true crossfade
    path = mix_stream(tmp_path / "t.wav", [(pa, a), (pb, b)], frames=2000, sample_rate=sr, ceiling_dbfs=0)
    _, y = _read_wav(path)
    assert len(y) == 2000
    window = y[1000:1200, 0]
    # Equal power: the two fades' gains satisfy g_a^2 + g_b^2 = 1; with equal signals the sum
    # peaks at sqrt(2) mid-way and never drops into a hole.
    assert window.min() > 0.495 and window.max() == pytest.approx(0.5 * np.sqrt(2), abs=0.01)
    assert np.all(y[1200:1790, 0] > 0.495) and abs(y[-1, 0]) < 0.01  # b fades out at the end


def test_audio_without_ring_out_fades_inside_the_cue():
    p = place_cue(0, 1000, 1000, None, -1, crossfade=200, declick=5)
    assert p.fade_out_at == 800 and p.length == 1000


@needs_fluidsynth
def test_fluidsynth_film_files(tmp_path):
    conditions = [condition("1M01", seconds=6.0, themes=[theme("statement")]),
                  condition("1M02", seconds=4.5, tempo=130, arousal=0.8, valence=-0.6),
                  condition("1M03", seconds=5.0, mode="major", key="F", valence=0.5)]
    starts = [2.0, 8.0, 12.5]  # 1M02 follows 1M01 directly; 1M03 enters while 1M02 rings
    options = RenderOptions(audio=AudioOptions(crossfade_s=1.0))
    film = render_film(conditions, starts, tmp_path, options=options, scenes=[(2.0, "Scene 1")], title="t")
    names = [c.audio.name for c in film.cues]
    assert names == ["1M01_01-00-02-00.wav", "1M02_01-00-08-00.wav", "1M03_01-00-12-12.wav"]
    for cue in film.cues:
        params, y = _read_wav(cue.audio)
        assert (params.framerate, params.sampwidth, params.nchannels) == (48000, 3, 2)
        assert params.nframes == round(cue.duration_s * 48000)
        assert read_bext(cue.audio)["time_reference"] == round((3600 + cue.start_s) * 48000)
        assert np.sqrt(np.mean(y ** 2)) > 1e-3  # music, not silence
        assert np.max(np.abs(y)) <= 10 ** (-1 / 20) + 1e-4
        assert cue.midi.exists() and cue.musicxml.exists()
    params, temp = _read_wav(film.temp_track)
    assert params.nframes == round((12.5 + 5.0 + 1.0) * 48000)
    assert read_bext(film.temp_track)["time_reference"] == 3600 * 48000
    assert np.max(np.abs(temp[: 2 * 48000 - 10])) == 0  # silence before the first cue
    joint = temp[round(8.0 * 48000) - 2400: round(8.0 * 48000) + 2400]
    assert np.sqrt(np.mean(joint ** 2)) > 1e-3  # no hole where 1M01 hands over to 1M02
    themes = json.loads(film.themes.read_text())
    assert themes["motifs"]["ELLA-A"]["stated_in"] == "1M01"


@needs_fluidsynth
def test_fluidsynth_is_deterministic(tmp_path):
    conditions = [condition("1M01", seconds=3.0)]
    a = render_film(conditions, [0.0], tmp_path / "a", options=RenderOptions(musicxml=False))
    b = render_film(conditions, [0.0], tmp_path / "b", options=RenderOptions(musicxml=False))
    assert a.cues[0].audio.read_bytes() == b.cues[0].audio.read_bytes()
    assert a.cues[0].midi.read_bytes() == b.cues[0].midi.read_bytes()


@needs_fluidsynth
def test_a_cue_sounds_the_same_whatever_renders_before_it():
    """Each cue gets its own synthesizer: no reverb tail or voice leaks in from another cue,
    whichever worker thread renders it."""
    from scenescore.render.backends import AudioJob
    from scenescore.render.fluidsynth import render_fluidsynth
    from scenescore.render.sketch import sketch_cue

    loud = condition("1M01", seconds=4.0, tempo=140, arousal=0.9, valence=-0.7)
    quiet = condition("1M02", seconds=3.0, mode="major", key="F", valence=0.4)
    jobs = [AudioJob(condition=c, sketch=sketch_cue(c)) for c in (loud, quiet, quiet)]
    options = AudioOptions(fluidsynth=FluidSynthOptions(workers=2))
    together = dict(render_fluidsynth(jobs, options=options))
    alone = dict(render_fluidsynth(jobs[1:2], options=replace(options, fluidsynth=FluidSynthOptions(workers=1))))
    assert together[1].shape == (round((3.0 + options.crossfade_s) * 48000), 2)
    assert np.array_equal(together[1], alone[0]) and np.array_equal(together[1], together[2])
    assert np.sqrt(np.mean(together[0] ** 2)) > np.sqrt(np.mean(together[1] ** 2)) > 1e-4


@needs_fluidsynth
def test_notes_sound_on_their_frame():
    """Events are placed on exact frames (FluidSynth works in 64-frame blocks): silence until the
    first note, and a note's onset lands within one block of its time."""
    from scenescore.render.fluidsynth import Synth, require_fluidsynth
    from scenescore.render.midi import NOTE_OFF, NOTE_ON, PROGRAM

    lib, soundfont = require_fluidsynth(FluidSynthOptions())
    synth = Synth(lib, soundfont, FluidSynthOptions(reverb=False), 48000)
    try:
        onset = 12_345
        audio = synth.render([(0, PROGRAM, 0, 0, 0), (onset, NOTE_ON, 0, 60, 100),
                              (onset + 24_000, NOTE_OFF, 0, 60, 0)], 72_000)
    finally:
        synth.close()
    loud = np.flatnonzero(np.abs(audio).max(axis=1) > 1e-4)
    assert audio.shape == (72_000, 2) and np.max(np.abs(audio[:onset])) == 0
    assert onset <= loud[0] < onset + 2 * 64


def test_missing_fluidsynth_names_the_install_command(tmp_path):
    options = RenderOptions(musicxml=False, audio=AudioOptions(
        fluidsynth=FluidSynthOptions(library="no-such-libfluidsynth.so")))
    with pytest.raises(FluidSynthError, match="apt-get install fluidsynth fluid-soundfont-gm"):
        render_film([condition(seconds=2)], [0.0], tmp_path, options=options)


def test_missing_soundfont_is_an_error(tmp_path):
    options = RenderOptions(musicxml=False, audio=AudioOptions(
        fluidsynth=replace(FluidSynthOptions(), soundfont=str(tmp_path / "none.sf2"))))
    with pytest.raises(FluidSynthError, match="SoundFont"):
        render_film([condition(seconds=2)], [0.0], tmp_path, options=options)


def test_no_audio_writes_midi_and_xml_only(tmp_path):
    film = render_film([condition(seconds=4)], [0.0], tmp_path, options=RenderOptions(
        audio=AudioOptions(backend="none")))
    assert film.temp_track is None and film.cues[0].audio is None and film.cues[0].musicxml.exists()
    assert not (tmp_path / "audio").exists()


def test_unknown_interpolation_is_an_options_error():
    from scenescore.errors import OptionsError
    from scenescore.render.backends import AudioJob
    from scenescore.render.fluidsynth import render_fluidsynth
    from scenescore.render.sketch import sketch_cue

    c = condition(seconds=2)
    options = AudioOptions(fluidsynth=FluidSynthOptions(interpolation="cubic"))
    with pytest.raises(OptionsError, match="linear, 4th, 7th"):
        list(render_fluidsynth([AudioJob(condition=c, sketch=sketch_cue(c))], options=options))


def test_wav_digest_is_taken_while_writing_and_checked_against_the_disk(tmp_path):
    """A WAV's sha256 is computed as it is written (the run records it without reading the file
    back); it equals the file's real digest, and a file changed since is hashed from disk."""
    import hashlib
    import os
    import stat

    from scenescore.io import _UMASK, sha256_file

    rng = np.random.default_rng(3)
    path = write_bwf(tmp_path / "cue.wav", rng.uniform(-0.5, 0.5, (48_001, 2)).astype(np.float32),
                     sample_rate=48000, time_reference=123, description="1M01")
    real = hashlib.sha256(path.read_bytes()).hexdigest()
    assert sha256_file(path) == real
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~_UMASK  # not mkstemp's 0600
    with open(path, "r+b") as fh:  # same size, new bytes, a later modification time
        fh.seek(-6, os.SEEK_END)
        fh.write(b"\x01\x02\x03\x04\x05\x06")
    os.utime(path, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns + 1_000_000))
    assert sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest() != real


@pytest.mark.parametrize(("content", "problem"), [
    (b"not a soundfont at all" * 10, "not a SoundFont 2 file"),
    (b"RIFF" + (5000).to_bytes(4, "little") + b"sfbk" + b"\x00" * 100, "truncated or padded"),
    (b"RIFF" + (24).to_bytes(4, "little") + b"sfbkLIST" + (999).to_bytes(4, "little") + b"INFO" + b"\x00" * 8,
     "chunks do not add up"),
])
def test_a_broken_soundfont_is_one_clear_error(tmp_path, content, problem):
    """Checked before FluidSynth parses it: the file and what is wrong, nothing half-written."""
    bad = tmp_path / "broken.sf2"
    bad.write_bytes(content)
    options = RenderOptions(musicxml=False, audio=AudioOptions(fluidsynth=FluidSynthOptions(soundfont=str(bad))))
    with pytest.raises(FluidSynthError, match=problem) as info:
        render_film([condition(seconds=2)], [0.0], tmp_path / "out", options=options)
    assert str(bad) in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "out" / "audio").exists()


def test_soundfont_check_never_fails_another_way(tmp_path):
    """Fuzzed headers and chunk trees: the check accepts or refuses, never crashes."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from scenescore.render.fluidsynth import check_soundfont

    path = tmp_path / "fuzz.sf2"

    chunk = st.tuples(st.sampled_from([b"LIST", b"smpl"]), st.integers(0, 64),
                      st.sampled_from([b"INFO", b"sdta", b"pdta", b"xxxx"]), st.binary(max_size=40))

    @settings(max_examples=300, deadline=None)
    @given(chunks=st.lists(chunk, max_size=5), consistent=st.booleans(), declared=st.integers(0, 400),
           form=st.sampled_from([b"sfbk", b"DLS ", b"WAVE"]))
    def check(chunks: list, consistent: bool, declared: int, form: bytes) -> None:
        body = b"".join(cid + size.to_bytes(4, "little") + kind + data for cid, size, kind, data in chunks)
        size = len(body) + 4 if consistent else declared
        path.write_bytes(b"RIFF" + size.to_bytes(4, "little") + form + body)
        try:
            check_soundfont(path)
        except FluidSynthError as exc:
            assert str(path) in str(exc)

    check()



def _chain(starts: list[int], cues: list[np.ndarray], xf: int) -> list:
    """Place each cue at its start, crossfading into the next (as the temp track does)."""
    placed, fade_end = [], -1
    for k, audio in enumerate(cues):
        nxt = starts[k + 1] if k + 1 < len(starts) else None
        p = place_cue(starts[k], len(audio) - xf, len(audio), nxt, fade_end, crossfade=xf, declick=5)
        fade_end = p.start + p.fade_out_at + p.fade_out
        placed.append(p)
    return placed

def test_a_cue_body_copied_from_its_file_is_what_packing_gives(tmp_path, monkeypatch):
    """The temp track copies a cue's solo stretch from the cue file's packed bytes (the file
    clipped at the same ceiling): the same temp track as packing the samples again."""
    from scenescore.io import sha256_file
    from scenescore.render.audio import BwfWriter

    if not BwfWriter.KEEPS_SPANS:
        pytest.skip("no os.pread here: the mixer packs every cue")
    sr, xf, ceiling_dbfs = 1000, 100, -1.0
    ceiling = 10 ** (ceiling_dbfs / 20)
    rng = np.random.default_rng(3)
    cues = [rng.uniform(-1.2, 1.2, (n + xf, 2)).astype(np.float32) for n in (900, 700, 1200)]
    starts = [50, 1000, 1650]  # the second cue overlaps the third: crossfades both ways
    spans = {}
    for k, audio in enumerate(cues):
        n = len(audio)

        def keep(writer, k=k, n=n):  # noqa: ANN001, ANN202
            spans[k] = writer.packed_span(5, n - xf - 30)  # frames the file holds as mixed
        write_bwf(tmp_path / f"cue{k}.wav", audio, sample_rate=sr, ceiling=ceiling, written=keep)
    placed = _chain(starts, cues, xf)
    frames = starts[-1] + len(cues[-1])
    copies = []
    real = BwfWriter.write_packed
    monkeypatch.setattr(BwfWriter, "write_packed",
                        lambda self, span, a, b: (copies.append(b - a), real(self, span, a, b)))
    copied = mix_stream(tmp_path / "copied.wav",
                        [(p, a, spans[k]) for k, (p, a) in enumerate(zip(placed, cues, strict=True))],
                        frames=frames, sample_rate=sr, ceiling_dbfs=ceiling_dbfs)
    packed = mix_stream(tmp_path / "packed.wav", list(zip(placed, cues, strict=True)), frames=frames, sample_rate=sr,
                        ceiling_dbfs=ceiling_dbfs)
    for span in spans.values():
        span.close()
    assert len(copies) == 3 and sum(copies) > 1500  # every cue's body came from its file
    assert copied.read_bytes() == packed.read_bytes()
    assert sha256_file(copied) == sha256_file(packed)  # hashed as written, the copied bytes too
    _, y = _read_wav(copied)
    assert np.abs(y).max() <= ceiling + 1e-6 and np.abs(y[100:800]).max() > 0.8  # the body sounds


def test_a_mix_synced_as_it_is_written_is_the_same_file(tmp_path, monkeypatch):
    """The temp track is synced to disk in the background every ``_SYNC_EVERY`` bytes (so its
    close waits for the last stretch only): the syncs happen, and the file is the same."""
    from scenescore.io import sha256_file
    from scenescore.render import audio as audio_module

    synced = []
    real = audio_module._sync_data
    monkeypatch.setattr(audio_module, "_sync_data", lambda fd: (synced.append(fd), real(fd)))
    sr, xf = 1000, 100
    rng = np.random.default_rng(5)
    cues = [rng.uniform(-0.9, 0.9, (n + xf, 2)).astype(np.float32) for n in (900, 700, 1200)]
    starts = [50, 1000, 1650]
    placed = _chain(starts, cues, xf)
    frames = starts[-1] + len(cues[-1])
    monkeypatch.setattr(audio_module, "_SYNC_EVERY", 0)
    plain = mix_stream(tmp_path / "plain.wav", list(zip(placed, cues, strict=True)), frames=frames, sample_rate=sr)
    assert synced == []
    monkeypatch.setattr(audio_module, "_SYNC_EVERY", 1000)  # ~every 170 frames of 24-bit stereo
    synced_path = mix_stream(tmp_path / "synced.wav", list(zip(placed, cues, strict=True)), frames=frames,
                             sample_rate=sr)
    assert synced  # at most one in flight at a time: one or more of the ~16 thresholds crossed
    assert synced_path.read_bytes() == plain.read_bytes()
    assert sha256_file(synced_path) == sha256_file(plain)


@needs_fluidsynth
def test_a_soundfont_preload_holds_a_synthesizer_until_closed():
    """``score`` has FluidSynth load the SoundFont while the stages before the render run; the
    synthesizer it makes keeps the samples cached until the run closes it."""
    from scenescore.render.fluidsynth import SoundFontPreload

    preload = SoundFontPreload(AudioOptions())
    preload._thread.join()
    assert preload._synth is not None
    preload.close()
    assert preload._synth is None
    preload.close()  # twice is harmless (the run closes what it started, whatever happened)


def test_a_failing_soundfont_preload_is_left_for_the_render_to_report(tmp_path, caplog):
    import logging

    from scenescore.render.fluidsynth import SoundFontPreload

    missing = AudioOptions(fluidsynth=FluidSynthOptions(soundfont=str(tmp_path / "missing.sf2")))
    with caplog.at_level(logging.DEBUG, logger="scenescore.render.fluidsynth"):
        preload = SoundFontPreload(missing)
        preload.close()
    assert "the SoundFont preload failed" in caplog.text
    assert preload._synth is None
