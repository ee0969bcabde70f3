"""MusicGen through transformers, with tiny random models built from configs (no weights, no network)."""

from __future__ import annotations

import wave
from dataclasses import replace

import numpy as np
import pytest
from render_support import condition, theme

torch = pytest.importorskip("torch", reason="MusicGen tests need the [musicgen] extra (torch, transformers)")
transformers = pytest.importorskip("transformers", reason="MusicGen tests need the [musicgen] extra")
tokenizers = pytest.importorskip("tokenizers", reason="MusicGen tests need tokenizers (comes with transformers)")

from scenescore.errors import InputError  # noqa: E402
from scenescore.render.backends import AudioJob, get_audio_backend  # noqa: E402
from scenescore.render.film import render_film  # noqa: E402
from scenescore.render.musicgen import load_musicgen, melody_chroma, render_musicgen  # noqa: E402
from scenescore.render.options import AudioOptions, MusicGenOptions, RenderOptions  # noqa: E402
from scenescore.render.sketch import sketch_cue  # noqa: E402

WORDS = "cinematic orchestral film score underscore tense strings piano minor major slow fast melody in at bpm"


def _tokenizer():
    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for word in WORDS.split():
        vocab[word] = len(vocab)
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>",
                                                unk_token="<unk>")


def _configs(channels: int = 1):
    text = transformers.T5Config(vocab_size=64, d_model=16, d_ff=32, num_layers=1, num_decoder_layers=1,
                                 num_heads=2, d_kv=8)
    # 1600 Hz with a hop of 32 samples: 50 codec frames a second, like the real 32 kHz / 640.
    audio = transformers.EncodecConfig(sampling_rate=1600, upsampling_ratios=[4, 8], hidden_size=8, num_filters=4,
                                       num_residual_layers=1, codebook_size=32, target_bandwidths=[0.5],
                                       num_lstm_layers=1, kernel_size=3, last_kernel_size=3, residual_kernel_size=3)
    decoder = transformers.MusicgenDecoderConfig(vocab_size=32, hidden_size=16, num_hidden_layers=1,
                                                 num_attention_heads=2, ffn_dim=32,
                                                 num_codebooks=audio.num_quantizers * channels,
                                                 audio_channels=channels, pad_token_id=32, bos_token_id=32,
                                                 max_position_embeddings=1024)
    return text, audio, decoder


@pytest.fixture(scope="module")
def tiny_musicgen(tmp_path_factory):
    torch.manual_seed(0)
    text, audio, decoder = _configs()
    config = transformers.MusicgenConfig(text_encoder=text.to_dict(), audio_encoder=audio.to_dict(),
                                         decoder=decoder.to_dict())
    folder = tmp_path_factory.mktemp("tiny-musicgen")
    transformers.MusicgenForConditionalGeneration(config).save_pretrained(folder)
    _tokenizer().save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def tiny_melody(tmp_path_factory):
    torch.manual_seed(0)
    text, audio, decoder = _configs()
    config = transformers.MusicgenMelodyConfig(text_encoder=text.to_dict(), audio_encoder=audio.to_dict(),
                                               decoder=decoder.to_dict(), num_chroma=12, chroma_length=8)
    folder = tmp_path_factory.mktemp("tiny-musicgen-melody")
    transformers.MusicgenMelodyForConditionalGeneration(config).save_pretrained(folder)
    _tokenizer().save_pretrained(folder)
    return str(folder)


def _options(model: str, **changes) -> AudioOptions:
    mg = MusicGenOptions(model=model, device="cpu", window_s=1.0, overlap_s=0.25, batch_size=2, top_k=16)
    return AudioOptions(backend="musicgen", musicgen=replace(mg, **changes))


def _jobs(durations):
    jobs = []
    for k, seconds in enumerate(durations):
        c = condition(f"1M{k + 1:02d}", seconds=seconds, themes=[theme("statement")])
        jobs.append(AudioJob(condition=c, sketch=sketch_cue(c)))
    return jobs


def _spy(loaded):
    calls = []
    generate = loaded.model.generate

    def recording(**kwargs):
        calls.append({"batch": kwargs["input_ids"].shape[0], "prompted": "input_values" in kwargs,
                      "chroma": kwargs.get("input_features")})
        return generate(**kwargs)

    loaded.model.generate = recording
    return calls


def test_batches_by_length_and_continues_long_cues_from_their_tail(tiny_musicgen):
    options = _options(tiny_musicgen)
    loaded = load_musicgen(options.musicgen)
    calls = _spy(loaded)
    jobs = _jobs([2.3, 0.5, 0.6])
    out = dict(render_musicgen(jobs, options=options, seed=1, loaded=loaded))
    for i, job in enumerate(jobs):
        assert out[i].shape == (round(job.condition.duration_s * 48000), 2)
        assert np.isfinite(out[i]).all() and np.abs(out[i]).max() > 0
    # The two short cues share one call; the long one takes a window and two continuations.
    assert [(c["batch"], c["prompted"]) for c in calls] == [(2, False), (1, False), (1, True), (1, True)]


def test_same_seed_same_audio_on_cpu(tiny_musicgen):
    options = _options(tiny_musicgen)
    loaded = load_musicgen(options.musicgen)
    a = dict(render_musicgen(_jobs([0.8]), options=options, seed=5, loaded=loaded))
    b = dict(render_musicgen(_jobs([0.8]), options=options, seed=5, loaded=loaded))
    assert np.array_equal(a[0], b[0])


def test_melody_model_is_conditioned_on_the_sketch_theme(tiny_melody):
    options = _options(tiny_melody)
    loaded = load_musicgen(options.musicgen)
    assert loaded.melody
    calls = _spy(loaded)
    jobs = _jobs([1.6])
    out = dict(render_musicgen(jobs, options=options, seed=0, loaded=loaded))
    assert out[0].shape == (round(1.6 * 48000), 2)
    assert len(calls) == 2 and all(c["chroma"] is not None for c in calls)
    chroma = calls[0]["chroma"][0].float().numpy()
    assert np.allclose(chroma.sum(axis=1)[chroma.sum(axis=1) > 0], 1.0)  # one-hot frames


def test_melody_chroma_prefers_the_theme():
    c = condition(seconds=8, themes=[theme("statement")])
    sketch = sketch_cue(c)
    chroma = melody_chroma(sketch, 0.0, 4.0, frames_per_s=8.0)
    first = next(n for p in sketch.parts if p.role == "theme" for n in p.notes)
    frame = int(first.start_s * 8) + 1
    assert chroma[frame].argmax() == first.pitch % 12


def test_film_with_musicgen_audio(tiny_musicgen, tmp_path):
    conditions = [condition("1M01", seconds=1.2), condition("1M02", seconds=0.7)]
    options = RenderOptions(musicxml=False, audio=replace(_options(tiny_musicgen), crossfade_s=0.2))
    film = render_film(conditions, [0.0, 1.2], tmp_path, options=options)
    for cue in film.cues:
        with wave.open(str(cue.audio)) as w:
            assert (w.getframerate(), w.getsampwidth(), w.getnframes()) == (48000, 3, round(cue.duration_s * 48000))
    with wave.open(str(film.temp_track)) as w:
        assert w.getnframes() == round((1.2 + 0.7 + 0.2) * 48000)


def test_missing_weights_fail_offline_with_the_download_command():
    with pytest.raises(InputError, match="huggingface-cli download"):
        load_musicgen(MusicGenOptions(model="scenescore-tests/no-such-musicgen", local_files_only=True))


def test_backend_table():
    assert get_audio_backend("musicgen").name == "musicgen"
    with pytest.raises(Exception, match="fluidsynth, musicgen"):
        get_audio_backend("wavenet")


def test_a_cue_the_model_stops_early_on_is_padded_and_said(tiny_musicgen, tmp_path, monkeypatch):
    """Padding with silence is a degraded result: the job, the rendered film and the run say so."""
    from scenescore.render import musicgen

    real = musicgen._generate

    def stalls_on_continuations(lm, prompts, seconds, options, seed, prompt_audio=None, chroma=None):
        out = real(lm, prompts, seconds, options, seed, prompt_audio=prompt_audio, chroma=chroma)
        return out if prompt_audio is None else out[..., : prompt_audio.shape[-1]]  # nothing new

    monkeypatch.setattr(musicgen, "_generate", stalls_on_continuations)
    options = _options(tiny_musicgen)
    jobs = _jobs([2.3, 0.5])
    out = dict(render_musicgen(jobs, options=options, seed=1, loaded=load_musicgen(options.musicgen)))
    assert out[0].shape == (round(2.3 * 48000), 2)  # still the cue's length, padded
    assert len(jobs[0].problems) == 1 and "padded with silence" in jobs[0].problems[0]
    assert jobs[1].problems == []  # the short cue fit in one window
    film = render_film([condition("1M01", seconds=2.3)], [0.0], tmp_path,
                       options=RenderOptions(musicxml=False, audio=options))
    assert len(film.degraded) == 1 and film.degraded[0].startswith("1M01: MusicGen stopped early")
