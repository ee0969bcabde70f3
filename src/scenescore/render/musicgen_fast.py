"""A fast generation path for transformers' MusicGen: same weights, same tokens as ``generate``.

Stock ``generate`` runs one Python-driven forward per token, grows its cache by concatenation,
recomputes the text's cross-attention keys/values per call and syncs with the host every step.
This module drives the same modules (``model.decoder``'s layers, heads and embeddings) with:

- every cue of a bucket in one batch, the classifier-free guidance rows (zeroed text) in the
  same batch, the batch sized to the memory (``plan_batch_size``);
- a preallocated KV cache per layer, read only up to the current step (rounded up to
  ``kv_block`` positions, the rest masked), so one step's shapes depend on that bucket only;
- cross-attention keys/values for the text computed once per batch;
- a decode step that is pure tensor work on the device: the delay-pattern column, the token
  write, the forward, guidance, temperature, top-k and sampling (``multinomial``'s own
  exponential race, so the RNG order on CPU is stock's) with the position advanced on the
  device. On CUDA each KV bucket's step is captured once in a CUDA graph and replayed;
- audio decoded by EnCodec in chunks of cues, bounding the codec's memory.

The delay pattern is stock's (``build_delay_pattern_mask``/``apply_delay_pattern_mask``), so
greedy tokens equal ``generate``'s and sampled tokens follow the same distribution (on CPU the
same seed gives the same tokens). musicgen-melody checkpoints (chroma prefix instead of
cross-attention) are not handled here: the caller keeps stock ``generate`` for them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FastOptions:
    #: KV positions read per step are rounded up to this (one CUDA graph per bucket).
    kv_block: int = 128
    #: Capture each step in a CUDA graph (CUDA only; CPU always runs eagerly).
    cuda_graph: bool = True
    #: Cues decoded by EnCodec at once.
    decode_batch: int = 16
    #: Share of free accelerator memory the batch may fill (cache, logits, activations).
    memory_fraction: float = 0.85


DEFAULTS = FastOptions()


@dataclass
class _Batch:
    """Static buffers of one batched generation (fixed addresses for graph replay)."""

    rows: int  # cues in the batch
    cfg: bool
    layers: list[Any]
    keys: list[Any]  # per layer (rows*(1+cfg), heads, max_len, head_dim)
    values: list[Any]
    cross_keys: list[Any]
    cross_values: list[Any]
    cross_mask: Any  # additive (rows*(1+cfg), 1, 1, text_len)
    pattern: Any  # (rows, codebooks, max_len): stock's delay pattern, -1 where the model decides
    seq: Any  # (rows, codebooks, max_len) the tokens written so far
    token: Any  # (rows, codebooks) the token chosen for position ``pos``
    pos: Any  # (1,) long: the position whose token is in ``token``
    graphs: dict[int, Any] = field(default_factory=dict)


def _torch() -> Any:
    import torch

    return torch


def bucket_by_duration(durations: Sequence[float], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (sorted, ties by index)."""
    order = sorted(range(len(durations)), key=lambda i: (durations[i], i))
    size = max(1, batch_size)
    return [order[k:k + size] for k in range(0, len(order), size)]


def cue_bytes(decoder_config: Any, *, max_len: int, text_len: int, guidance: bool, dtype_bytes: int = 2) -> int:
    """Accelerator bytes one cue needs: self and cross KV cache, step activations and logits."""
    rows = 2 if guidance else 1
    d, n = int(decoder_config.hidden_size), int(decoder_config.num_hidden_layers)
    kv = rows * n * 2 * d * (max_len + text_len) * dtype_bytes
    logits = rows * int(decoder_config.num_codebooks) * int(decoder_config.vocab_size) * 4 * 4  # f32, a few copies
    act = rows * (4 * d + int(decoder_config.ffn_dim)) * dtype_bytes * 4
    return kv + logits + act


def plan_batch_size(decoder_config: Any, *, max_len: int, text_len: int, guidance: bool, free_bytes: int,
                    dtype_bytes: int = 2, fraction: float = DEFAULTS.memory_fraction, cap: int = 1024) -> int:
    """Most cues that fit ``fraction`` of ``free_bytes`` (at least one)."""
    per = cue_bytes(decoder_config, max_len=max_len, text_len=text_len, guidance=guidance, dtype_bytes=dtype_bytes)
    return max(1, min(cap, int(free_bytes * fraction) // per))


def free_memory_bytes(device: Any) -> int | None:
    """Free bytes on a CUDA device (None elsewhere: the caller's batch size stands)."""
    torch = _torch()
    if torch.device(device).type != "cuda" or not torch.cuda.is_available():
        return None
    free, _ = torch.cuda.mem_get_info(torch.device(device))
    return int(free)


def _prompt_ids(model: Any, batch: int, device: Any, input_values: Any, padding_mask: Any) -> tuple[Any, Any]:
    """Stock's decoder input: the start token, then the prompt audio's codes when given."""
    torch = _torch()
    start = int(model.generation_config.decoder_start_token_id
                if model.generation_config.decoder_start_token_id is not None
                else model.generation_config.bos_token_id)
    k = model.decoder.num_codebooks
    head = torch.full((batch * k, 1), start, dtype=torch.long, device=device)
    if input_values is None:
        return head, None
    kwargs: dict[str, Any] = {} if padding_mask is None else {"padding_mask": padding_mask}
    prepared = model._prepare_audio_encoder_kwargs_for_generation(input_values, kwargs)
    ids = prepared["decoder_input_ids"]
    if (ids[..., 0] != start).all().item():
        ids = torch.cat([head, ids], dim=-1)
    return ids, prepared.get("audio_scales")


def _text_states(model: Any, input_ids: Any, attention_mask: Any, cfg: bool) -> tuple[Any, Any]:
    """Encoder states and mask exactly as stock feeds the decoder (null rows appended for guidance)."""
    torch = _torch()
    states = model.text_encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    mask = attention_mask
    if cfg:
        states = torch.cat([states, torch.zeros_like(states)], dim=0)
        mask = torch.cat([mask, torch.zeros_like(mask)], dim=0)
    if (model.text_encoder.config.hidden_size != model.decoder.config.hidden_size
            and model.decoder.config.cross_attention_hidden_size is None):
        states = model.enc_to_dec_proj(states)
    states = states * mask[..., None]
    return states, mask


def _heads(x: Any, heads: int) -> Any:
    b, s, d = x.shape
    return x.view(b, s, heads, d // heads).transpose(1, 2)


def _forward(b: _Batch, decoder: Any, tokens: Any, start: Any, length: int, kv_len: int) -> Any:
    """Logits (rows*(1+cfg), codebooks, vocab) of the last of ``length`` tokens from ``start``.

    ``tokens`` is (rows, codebooks, length); ``start`` a (1,) long tensor; keys are read up to
    ``kv_len`` positions, later ones masked, so shapes depend on ``kv_len`` alone.
    """
    torch = _torch()
    fn = torch.nn.functional
    inner = decoder.model.decoder
    if b.cfg:
        tokens = torch.cat([tokens, tokens], dim=0)
    embeds = sum(inner.embed_tokens[c](tokens[:, c]) for c in range(tokens.shape[1]))
    positions = start + torch.arange(length, device=tokens.device)
    x = embeds + inner.embed_positions.weights.index_select(0, positions).to(embeds.dtype)
    keep = torch.arange(kv_len, device=tokens.device)[None, :] <= positions[:, None]  # (length, kv_len)
    self_mask = torch.zeros(keep.shape, dtype=x.dtype, device=x.device).masked_fill(~keep, torch.finfo(x.dtype).min)
    for n, layer in enumerate(b.layers):
        attn = layer.self_attn
        h = layer.self_attn_layer_norm(x)
        q = _heads(attn.q_proj(h), attn.num_heads)
        b.keys[n].index_copy_(2, positions, _heads(attn.k_proj(h), attn.num_heads))
        b.values[n].index_copy_(2, positions, _heads(attn.v_proj(h), attn.num_heads))
        o = fn.scaled_dot_product_attention(q, b.keys[n][:, :, :kv_len], b.values[n][:, :, :kv_len],
                                            attn_mask=self_mask, scale=attn.scaling)
        x = x + attn.out_proj(o.transpose(1, 2).reshape(x.shape))
        cross = layer.encoder_attn
        h = layer.encoder_attn_layer_norm(x)
        q = _heads(cross.q_proj(h), cross.num_heads)
        o = fn.scaled_dot_product_attention(q, b.cross_keys[n], b.cross_values[n], attn_mask=b.cross_mask,
                                            scale=cross.scaling)
        x = x + cross.out_proj(o.transpose(1, 2).reshape(x.shape))
        h = layer.final_layer_norm(x)
        x = x + layer.fc2(layer.activation_fn(layer.fc1(h)))
    x = inner.layer_norm(x[:, -1:])
    return torch.stack([head(x) for head in decoder.lm_heads], dim=1)[:, :, -1]


def _choose(logits: Any, rows: int, cfg: bool, *, do_sample: bool, guidance_scale: float, temperature: float,
            top_k: int) -> Any:
    """Next tokens (rows, codebooks): stock's processors in stock's order, sampling on device."""
    torch = _torch()
    k = logits.shape[1]
    scores = logits.reshape(-1, logits.shape[-1]).float()
    if cfg:
        cond, uncond = scores.split(rows * k, dim=0)
        scores = uncond + (cond - uncond) * guidance_scale
    if do_sample:
        if temperature != 1.0:
            scores = scores / temperature
        if top_k:
            kth = torch.topk(scores, min(top_k, scores.shape[-1]))[0][..., -1, None]
            scores = scores.masked_fill(scores < kth, -float("inf"))
        probs = torch.nn.functional.softmax(scores, dim=-1)
        # torch.multinomial(probs, 1) is this exponential race; written out it never syncs.
        race = torch.empty_like(probs).exponential_(1)
        chosen = (probs / race).argmax(-1)
    else:
        chosen = scores.argmax(-1)
    return chosen.view(rows, k)


def _kv_len(pos: int, block: int, max_len: int) -> int:
    return min(max_len, (pos // block + 1) * block)


@dataclass(frozen=True, slots=True)
class _Sampling:
    do_sample: bool
    guidance_scale: float
    temperature: float
    top_k: int


def _step(b: _Batch, decoder: Any, s: _Sampling, kv_len: int) -> None:
    """One token for every row, all on the device: fix it by the delay pattern, write, predict the next."""
    torch = _torch()
    column = b.pattern.index_select(2, b.pos).squeeze(2)
    token = torch.where(column == -1, b.token, column)
    b.seq.index_copy_(2, b.pos, token[:, :, None])
    logits = _forward(b, decoder, token[:, :, None], b.pos, 1, kv_len)
    b.token.copy_(_choose(logits, b.rows, b.cfg, do_sample=s.do_sample, guidance_scale=s.guidance_scale,
                          temperature=s.temperature, top_k=s.top_k))
    b.pos.add_(1)


def _restore(b: _Batch, saved: tuple[Any, Any, Any]) -> None:
    b.token.copy_(saved[0])
    b.pos.copy_(saved[1])
    b.seq.copy_(saved[2])


def _replay(b: _Batch, decoder: Any, s: _Sampling, kv_len: int) -> None:
    """The step for ``kv_len`` as a CUDA graph, captured on first use (warm-up on a side stream)."""
    torch = _torch()
    graph = b.graphs.get(kv_len)
    if graph is None:
        saved = (b.token.clone(), b.pos.clone(), b.seq.clone())
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            _step(b, decoder, s, kv_len)  # warm-up: allocations and kernel choice outside the graph
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        _restore(b, saved)
        with torch.cuda.graph(graph):
            _step(b, decoder, s, kv_len)
        _restore(b, saved)
        b.graphs[kv_len] = graph
    graph.replay()


def generate_codes(model: Any, input_ids: Any, attention_mask: Any | None = None, *, max_new_tokens: int,
                   do_sample: bool = True, guidance_scale: float | None = 3.0, temperature: float = 1.0,
                   top_k: int = 250, input_values: Any | None = None, padding_mask: Any | None = None,
                   options: FastOptions | None = None) -> tuple[Any, Any]:
    """Audio codes (batch, codebooks, frames) and audio scales, as stock ``generate`` would decode.

    Arguments mean what they mean to ``model.generate``; seed with ``torch.manual_seed`` first.
    """
    torch = _torch()
    opts = options or FastOptions()
    device = input_ids.device
    rows = input_ids.shape[0]
    if attention_mask is None:
        attention_mask = torch.ones_like(input_ids)
    cfg = guidance_scale is not None and guidance_scale > 1
    decoder = model.decoder
    inner = decoder.model.decoder
    k = decoder.num_codebooks
    pad = int(model.generation_config.pad_token_id if model.generation_config.pad_token_id is not None
              else decoder.config.pad_token_id)
    with torch.inference_mode():
        ids, audio_scales = _prompt_ids(model, rows, device, input_values, padding_mask)
        max_len = ids.shape[-1] + max_new_tokens
        first, pattern = decoder.build_delay_pattern_mask(ids, pad_token_id=pad, max_length=max_len)
        prefill = first.shape[-1]
        states, mask = _text_states(model, input_ids, attention_mask, cfg)
        dtype = next(decoder.parameters()).dtype
        states = states.to(dtype)
        if max_len > inner.embed_positions.weights.shape[0]:
            inner.embed_positions.make_weights(max_len, inner.embed_positions.embedding_dim)
        layers = list(inner.layers)
        heads = layers[0].self_attn.num_heads
        head_dim = layers[0].self_attn.head_dim
        total = rows * (2 if cfg else 1)
        shape = (total, heads, max_len, head_dim)
        cross_mask = torch.zeros(mask.shape, dtype=dtype, device=device).masked_fill(mask == 0, torch.finfo(dtype).min)
        b = _Batch(rows=rows, cfg=cfg, layers=layers,
                   keys=[torch.zeros(shape, dtype=dtype, device=device) for _ in layers],
                   values=[torch.zeros(shape, dtype=dtype, device=device) for _ in layers],
                   cross_keys=[_heads(la.encoder_attn.k_proj(states), heads) for la in layers],
                   cross_values=[_heads(la.encoder_attn.v_proj(states), heads) for la in layers],
                   cross_mask=cross_mask[:, None, None, :],
                   pattern=pattern.view(rows, k, max_len), seq=torch.empty((rows, k, max_len), dtype=torch.long,
                                                                           device=device),
                   token=torch.zeros((rows, k), dtype=torch.long, device=device),
                   pos=torch.tensor([prefill], dtype=torch.long, device=device))
        s = _Sampling(do_sample=do_sample, guidance_scale=float(guidance_scale or 1.0), temperature=temperature,
                      top_k=int(top_k or 0))
        start = torch.zeros(1, dtype=torch.long, device=device)
        b.seq[:, :, :prefill] = first.view(rows, k, prefill)
        logits = _forward(b, decoder, b.seq[:, :, :prefill], start, prefill, _kv_len(prefill - 1, opts.kv_block, max_len))
        b.token.copy_(_choose(logits, rows, cfg, do_sample=s.do_sample, guidance_scale=s.guidance_scale,
                              temperature=s.temperature, top_k=s.top_k))
        graphs = opts.cuda_graph and device.type == "cuda"
        for pos in range(prefill, max_len - 1):
            kv_len = _kv_len(pos, opts.kv_block, max_len)
            if graphs:
                _replay(b, decoder, s, kv_len)
            else:
                _step(b, decoder, s, kv_len)
        last = b.pattern[:, :, -1]
        b.seq[:, :, -1] = torch.where(last == -1, b.token, last)
        out = decoder.apply_delay_pattern_mask(b.seq.view(rows * k, max_len), pattern)
        codes = out[out != pad].reshape(rows, k, -1)
    return codes, audio_scales


def decode_audio(model: Any, codes: Any, audio_scales: Any = None, *, chunk: int = DEFAULTS.decode_batch) -> Any:
    """EnCodec waveforms (batch, channels, samples) from codes, ``chunk`` cues at a time."""
    torch = _torch()
    rows = codes.shape[0]
    scales = list(audio_scales) if audio_scales is not None else [None] * rows
    stereo = int(getattr(model.decoder.config, "audio_channels", 1)) == 2
    parts = []
    with torch.inference_mode():
        for a in range(0, rows, max(1, chunk)):
            block = codes[None, a:a + chunk]
            sc = scales[a:a + chunk]
            if stereo:
                left = model.audio_encoder.decode(block[:, :, ::2], audio_scales=sc).audio_values
                right = model.audio_encoder.decode(block[:, :, 1::2], audio_scales=sc).audio_values
                parts.append(torch.cat([left, right], dim=1))
            else:
                parts.append(model.audio_encoder.decode(block, audio_scales=sc).audio_values)
    return torch.cat(parts, dim=0)


def generate_audio(model: Any, input_ids: Any, attention_mask: Any | None = None, *, max_new_tokens: int,
                   options: FastOptions | None = None, **kwargs: Any) -> Any:
    """What ``model.generate`` returns (batch, channels, samples), through the fast path."""
    opts = options or FastOptions()
    codes, scales = generate_codes(model, input_ids, attention_mask, max_new_tokens=max_new_tokens, options=opts,
                                   **kwargs)
    return decode_audio(model, codes, scales, chunk=opts.decode_batch)


def steps_for(seconds: float, frame_rate: float, codebooks: int) -> int:
    """Tokens to generate for ``seconds`` of audio (the delay pattern costs ``codebooks`` more)."""
    return math.ceil(seconds * frame_rate) + codebooks
