"""The fast MusicGen path against stock transformers ``generate``: tiny random models, CPU, no weights."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from render_support import condition

torch = pytest.importorskip("torch", reason="MusicGen tests need the [musicgen] extra (torch, transformers)")
transformers = pytest.importorskip("transformers", reason="MusicGen tests need the [musicgen] extra")
tokenizers = pytest.importorskip("tokenizers", reason="MusicGen tests need tokenizers (comes with transformers)")

from scenescore.render.backends import AudioJob  # noqa: E402
from scenescore.render.musicgen import load_musicgen, render_musicgen  # noqa: E402
from scenescore.render.musicgen_fast import (  # noqa: E402
    FastOptions,
    _choose,
    bucket_by_duration,
    decode_audio,
    generate_codes,
    plan_batch_size,
)
from scenescore.render.options import AudioOptions, MusicGenOptions  # noqa: E402
from scenescore.render.sketch import sketch_cue  # noqa: E402

WORDS = "cinematic orchestral film score tense strings piano minor major slow fast"


def _model(channels: int = 1, text_width: int = 16):
    text = transformers.T5Config(vocab_size=64, d_model=text_width, d_ff=32, num_layers=1, num_decoder_layers=1,
                                 num_heads=2, d_kv=8)
    audio = transformers.EncodecConfig(sampling_rate=1600, upsampling_ratios=[4, 8], hidden_size=8, num_filters=4,
                                       num_residual_layers=1, codebook_size=32, target_bandwidths=[0.5],
                                       num_lstm_layers=1, kernel_size=3, last_kernel_size=3, residual_kernel_size=3)
    decoder = transformers.MusicgenDecoderConfig(vocab_size=32, hidden_size=16, num_hidden_layers=2,
                                                 num_attention_heads=2, ffn_dim=32,
                                                 num_codebooks=audio.num_quantizers * channels,
                                                 audio_channels=channels, pad_token_id=32, bos_token_id=32,
                                                 max_position_embeddings=64)
    config = transformers.MusicgenConfig(text_encoder=text.to_dict(), audio_encoder=audio.to_dict(),
                                         decoder=decoder.to_dict())
    torch.manual_seed(0)
    return transformers.MusicgenForConditionalGeneration(config).eval()


@pytest.fixture(scope="module")
def mono():
    return _model()


def _stock_codes(model, **kwargs):
    """Stock ``generate``'s codes, caught on their way into the codec (stereo: left, right interleaved)."""
    caught = []
    decode = model.audio_encoder.decode

    def spy(codes, *args, **kw):
        caught.append(codes[0].clone())
        return decode(codes, *args, **kw)

    model.audio_encoder.decode = spy
    try:
        with torch.inference_mode():
            audio = model.generate(**kwargs)
    finally:
        model.audio_encoder.decode = decode
    if len(caught) == 1:
        return caught[0], audio
    left, right = caught
    return torch.stack([left, right], dim=2).flatten(1, 2), audio


def _texts():
    ids = torch.tensor([[3, 4, 5, 6, 1], [7, 1, 0, 0, 0], [8, 9, 1, 0, 0]])
    return ids, (ids > 0).long()


def _both(model, ids, mask, seed=0, options=None, **kwargs):
    torch.manual_seed(seed)
    stock, audio = _stock_codes(model, input_ids=ids, attention_mask=mask, **kwargs)
    torch.manual_seed(seed)
    fast, scales = generate_codes(model, ids, mask, options=options, **kwargs)
    return stock, fast, audio, scales


def test_greedy_single_cue_equals_stock(mono):
    ids, mask = _texts()
    stock, fast, _, _ = _both(mono, ids[:1], mask[:1], max_new_tokens=60, do_sample=False, guidance_scale=3.0)
    assert fast.shape == stock.shape == (1, 2, 59)
    assert torch.equal(fast, stock)


@pytest.mark.parametrize("guidance", [3.0, 1.0])
def test_greedy_batch_of_different_lengths_equals_stock_across_kv_buckets(mono, guidance):
    ids, mask = _texts()
    options = FastOptions(kv_block=16)  # 90 positions: six KV buckets
    stock, fast, _, _ = _both(mono, ids, mask, options=options, max_new_tokens=89, do_sample=False,
                              guidance_scale=guidance)
    assert torch.equal(fast, stock)


def test_seeded_sampling_gives_stock_tokens(mono):
    ids, mask = _texts()
    stock, fast, _, _ = _both(mono, ids, mask, seed=7, max_new_tokens=70, do_sample=True, guidance_scale=3.0,
                              temperature=0.7, top_k=16)
    assert torch.equal(fast, stock)
    torch.manual_seed(8)
    other, _ = generate_codes(mono, ids, mask, max_new_tokens=70, do_sample=True, guidance_scale=3.0,
                              temperature=0.7, top_k=16)
    assert not torch.equal(other, fast)


def test_sampler_draws_from_the_guided_top_k_distribution():
    torch.manual_seed(0)
    logits = torch.randn(2, 1, 8) * 2  # cond row, null row; one codebook
    cond, uncond = logits[0, 0], logits[1, 0]
    scores = uncond + (cond - uncond) * 2.0
    scores = scores.masked_fill(scores < scores.topk(5).values[-1], -float("inf"))
    expected = torch.softmax(scores, -1)
    n = 20000
    draws = torch.stack([_choose(logits, 1, True, do_sample=True, guidance_scale=2.0, temperature=1.0, top_k=5)
                         for _ in range(n)]).flatten()
    counts = torch.bincount(draws, minlength=8).double()
    assert counts[expected == 0].sum() == 0
    keep = expected > 0
    chi2 = (((counts[keep] - n * expected[keep]) ** 2) / (n * expected[keep])).sum().item()
    assert chi2 < 20.5  # chi-square, 4 degrees of freedom, p = 0.0004


def test_audio_prompt_continuation_equals_stock(mono):
    ids, mask = _texts()
    torch.manual_seed(1)
    tail = torch.randn(2, 1, 320) * 0.1  # 0.2 s of prompt audio: 10 codec frames
    stock, fast, _, scales = _both(mono, ids[:2], mask[:2], max_new_tokens=40, do_sample=False,
                                   guidance_scale=3.0, input_values=tail)
    assert fast.shape[-1] > 40 and torch.equal(fast, stock)


def test_stereo_greedy_and_chunked_decode_equal_stock():
    model = _model(channels=2, text_width=24)  # a text encoder wider than the decoder: enc_to_dec_proj
    ids, mask = _texts()
    stock, fast, audio, scales = _both(model, ids, mask, max_new_tokens=50, do_sample=False, guidance_scale=3.0)
    assert torch.equal(fast, stock)
    chunked = decode_audio(model, fast, scales, chunk=2)
    assert chunked.shape == audio.shape == (3, 2, audio.shape[-1])
    assert torch.allclose(chunked, audio, atol=1e-6)


def _tokenizer():
    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for word in WORDS.split():
        vocab[word] = len(vocab)
    tok = tokenizers.Tokenizer(tokenizers.models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = tokenizers.pre_tokenizers.Whitespace()
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>",
                                                unk_token="<unk>")


def test_render_with_fast_option_gives_the_stock_audio(mono, tmp_path):
    mono.save_pretrained(tmp_path)
    _tokenizer().save_pretrained(tmp_path)
    mg = MusicGenOptions(model=str(tmp_path), device="cpu", window_s=1.0, overlap_s=0.25, batch_size=2, top_k=16)
    jobs = []
    for k, seconds in enumerate([1.6, 0.5, 0.6]):
        c = condition(f"1M{k + 1:02d}", seconds=seconds)
        jobs.append(AudioJob(condition=c, sketch=sketch_cue(c)))
    loaded = load_musicgen(mg)
    stock = dict(render_musicgen(jobs, options=AudioOptions(backend="musicgen", musicgen=mg), seed=3, loaded=loaded))
    fast = dict(render_musicgen(jobs, options=AudioOptions(backend="musicgen", musicgen=replace(mg, fast=True)),
                                seed=3, loaded=loaded))
    for i in stock:
        assert fast[i].shape == stock[i].shape
        assert np.allclose(fast[i], stock[i], atol=1e-5)


def test_buckets_and_memory_plan():
    assert bucket_by_duration([30.0, 5.0, 12.0, 5.0], 2) == [[1, 3], [2, 0]]
    medium = transformers.MusicgenDecoderConfig(hidden_size=1536, num_hidden_layers=48, num_attention_heads=24,
                                                ffn_dim=6144, num_codebooks=4, vocab_size=2048)
    per_cue = 2 * 48 * 2 * 1536 * (1505 + 64) * 2  # guided rows x layers x (K, V) x width x positions x bf16
    planned = plan_batch_size(medium, max_len=1505, text_len=64, guidance=True, free_bytes=130 * 2**30)
    assert planned == pytest.approx(130 * 2**30 * 0.85 / per_cue, rel=0.05)
    assert plan_batch_size(medium, max_len=1505, text_len=64, guidance=True, free_bytes=1) == 1
