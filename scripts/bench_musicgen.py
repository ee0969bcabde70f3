"""MusicGen at film scale: stock transformers (one cue at a time, batched) against the fast path.

Builds the real musicgen-small/medium/large architectures from their config values with random
weights (no download; the compute is the weights' shape, not their values), generates N cues of
D seconds and prints seconds, steps/s and real-time factor, with the memory-bandwidth floor:
bf16 decoder weights read once per step plus every row's self-attention KV (up to its length)
and cross-attention KV, guidance doubling the rows, at an effective bandwidth.

    python scripts/bench_musicgen.py                          # CPU: tiny architecture, < 1 min
    python scripts/bench_musicgen.py --arch medium            # GPU: 150 cues x 30 s (defaults)
    python scripts/bench_musicgen.py --arch small --check     # + greedy tokens fast == stock

Stock one-at-a-time and stock batched are timed on ``--stock-cues`` cues / one batch of
``--stock-batch`` cues and extrapolated to N (marked "extrapolated"); ``--stock-cues 0`` skips.
"""

from __future__ import annotations

import argparse
import math
import time

import torch
import transformers

from scenescore.render.musicgen_fast import (
    FastOptions,
    bucket_by_duration,
    decode_audio,
    free_memory_bytes,
    generate_codes,
    plan_batch_size,
)

# facebook/musicgen-* config.json values (decoder); all three use a T5-base text encoder and
# the 32 kHz EnCodec (4 codebooks of 2048, 50 frames/s).
ARCHS = {
    "tiny": {"hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "ffn_dim": 256},
    "small": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "ffn_dim": 4096},
    "medium": {"hidden_size": 1536, "num_hidden_layers": 48, "num_attention_heads": 24, "ffn_dim": 6144},
    "large": {"hidden_size": 2048, "num_hidden_layers": 48, "num_attention_heads": 32, "ffn_dim": 8192},
}
T5_BASE = {"vocab_size": 32128, "d_model": 768, "d_kv": 64, "d_ff": 3072, "num_layers": 12, "num_heads": 12,
           "feed_forward_proj": "relu"}
T5_TINY = {"vocab_size": 32128, "d_model": 32, "d_kv": 8, "d_ff": 64, "num_layers": 1, "num_heads": 4}
ENCODEC_32K = {"sampling_rate": 32000, "upsampling_ratios": [8, 5, 4, 4], "hidden_size": 128, "num_filters": 64,
               "num_residual_layers": 1, "codebook_size": 2048, "codebook_dim": 128, "target_bandwidths": [2.2],
               "num_lstm_layers": 2, "kernel_size": 7, "last_kernel_size": 7, "residual_kernel_size": 3,
               "norm_type": "weight_norm", "normalize": False, "use_causal_conv": False, "compress": 2,
               "dilation_growth_rate": 2, "pad_mode": "reflect", "trim_right_ratio": 1.0, "chunk_length_s": None,
               "overlap": None, "use_conv_shortcut": False, "audio_channels": 1}
#: Peak HBM bandwidth (bytes/s) by device name; the effective share is ``--efficiency``.
PEAK_BANDWIDTH = {"H200": 4.8e12, "H100": 3.35e12, "A100": 2.0e12, "L40S": 0.864e12, "L4": 0.3e12,
                  "A10": 0.6e12, "RTX 4090": 1.008e12}


def build(arch: str, device: str) -> transformers.MusicgenForConditionalGeneration:
    text = transformers.T5Config(**(T5_TINY if arch == "tiny" else T5_BASE))
    audio = transformers.EncodecConfig(**ENCODEC_32K)
    decoder = transformers.MusicgenDecoderConfig(vocab_size=2048, num_codebooks=4, pad_token_id=2048,
                                                 bos_token_id=2048, max_position_embeddings=2048,
                                                 activation_function="gelu", **ARCHS[arch])
    config = transformers.MusicgenConfig(text_encoder=text.to_dict(), audio_encoder=audio.to_dict(),
                                         decoder=decoder.to_dict())
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    torch.manual_seed(0)
    with torch.device(device):
        model = transformers.MusicgenForConditionalGeneration(config)
    model.to(dtype)
    model.audio_encoder.to(torch.float32)  # as load_musicgen does
    return model.eval()


def peak_bandwidth(device: str) -> tuple[str, float | None]:
    if device != "cuda":
        return "cpu", None
    name = torch.cuda.get_device_name()
    return name, next((bw for key, bw in PEAK_BANDWIDTH.items() if key in name), None)


def floor_seconds(model, *, cues: int, steps: int, text_len: int, guidance: bool, bandwidth: float,
                  batches: int = 1) -> float:
    """Bytes that must cross HBM over the generation divided by the bandwidth (bf16)."""
    dec = model.config.decoder
    weights = sum(p.numel() for p in model.decoder.parameters()) * 2
    rows = cues * (2 if guidance else 1)
    per_position = rows * dec.num_hidden_layers * 2 * dec.hidden_size * 2  # K and V, bf16
    kv = per_position * steps * (steps + 1) / 2 + per_position * text_len * steps
    return (batches * steps * weights + kv) / bandwidth


def sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def stock(model, ids, mask, steps: int, device: str, args) -> float:
    sync(device)
    t = time.perf_counter()
    with torch.inference_mode():
        model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=steps, do_sample=True,
                       guidance_scale=args.guidance, temperature=1.0, top_k=250)
    sync(device)
    return time.perf_counter() - t


def report(label: str, seconds: float, cues: int, steps: int, music_s: float, floor: float | None, note: str = "") -> None:
    ratio = f"{seconds / floor:7.1f}x floor" if floor else ""
    print(f"{label:<28} {seconds:9.2f} s  {steps * cues / seconds:10.0f} cue-steps/s  "
          f"RTF {music_s / seconds:8.1f}  {ratio} {note}")


def main() -> None:
    gpu = torch.cuda.is_available()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", choices=sorted(ARCHS), default="medium" if gpu else "tiny")
    p.add_argument("--device", choices=["cuda", "cpu"], default="cuda" if gpu else "cpu")
    p.add_argument("--cues", type=int, default=150 if gpu else 8)
    p.add_argument("--seconds", type=float, default=30.0 if gpu else 1.0)
    p.add_argument("--text-tokens", type=int, default=24, help="prompt length in T5 tokens")
    p.add_argument("--guidance", type=float, default=3.0)
    p.add_argument("--stock-cues", type=int, default=2 if gpu else 1, help="cues timed one at a time (0 skips stock)")
    p.add_argument("--stock-batch", type=int, default=8, help="batch of the stock batched run")
    p.add_argument("--batch", type=int, default=0, help="fast-path batch (0: sized to the free memory)")
    p.add_argument("--kv-block", type=int, default=FastOptions().kv_block)
    p.add_argument("--no-graph", action="store_true", help="run the fast step eagerly on CUDA")
    p.add_argument("--bandwidth", type=float, default=0.0, help="effective bytes/s (0: peak x efficiency)")
    p.add_argument("--efficiency", type=float, default=0.9, help="share of the peak bandwidth reachable")
    p.add_argument("--check", action="store_true", help="greedy tokens of the fast path against stock first")
    args = p.parse_args()

    device = args.device
    model = build(args.arch, device)
    frame_rate = model.config.audio_encoder.frame_rate
    k = model.decoder.num_codebooks
    steps = math.ceil(args.seconds * frame_rate) + k
    music_s = args.cues * args.seconds
    gen = torch.Generator().manual_seed(1)
    ids = torch.randint(3, 32000, (args.cues, args.text_tokens), generator=gen).to(device)
    ids[:, -1] = 1  # </s>
    mask = torch.ones_like(ids)
    name, peak = peak_bandwidth(device)
    bandwidth = args.bandwidth or (peak * args.efficiency if peak else 0.0)
    params = sum(p.numel() for p in model.decoder.parameters())
    print(f"{args.arch}: decoder {params / 1e6:.0f} M params, {args.cues} cues x {args.seconds:g} s, {steps} steps, "
          f"guidance {args.guidance:g}, device {name}")

    if args.check:
        few = min(2, args.cues)
        check_steps = min(steps, 256)
        caught = []
        decode = model.audio_encoder.decode
        model.audio_encoder.decode = lambda codes, *a, **kw: caught.append(codes[0]) or decode(codes, *a, **kw)
        with torch.inference_mode():
            model.generate(input_ids=ids[:few], attention_mask=mask[:few], max_new_tokens=check_steps,
                           do_sample=False, guidance_scale=args.guidance)
        model.audio_encoder.decode = decode
        fast, _ = generate_codes(model, ids[:few], mask[:few], max_new_tokens=check_steps, do_sample=False,
                                 guidance_scale=args.guidance)
        same = (fast == caught[0]).float().mean().item()
        diverge = (fast != caught[0]).any(dim=(0, 1)).nonzero()
        first = int(diverge[0]) if len(diverge) else None
        print(f"greedy check ({few} cues, {check_steps} steps): {same:.1%} tokens equal, first divergence at "
              f"frame {first}")

    batches = 1
    floor = None
    fast_batch = args.batch
    if not fast_batch:
        free = free_memory_bytes(device)
        fast_batch = args.cues if free is None else plan_batch_size(
            model.config.decoder, max_len=steps + 1, text_len=args.text_tokens, guidance=args.guidance > 1,
            free_bytes=free)
    batches = math.ceil(args.cues / fast_batch)
    if bandwidth:
        floor = floor_seconds(model, cues=args.cues, steps=steps, text_len=args.text_tokens,
                              guidance=args.guidance > 1, bandwidth=bandwidth)
        used = floor_seconds(model, cues=args.cues, steps=steps, text_len=args.text_tokens,
                             guidance=args.guidance > 1, bandwidth=bandwidth, batches=batches)
        print(f"floor at {bandwidth / 1e12:.2f} TB/s: {floor:.1f} s in one batch; {used:.1f} s in {batches} "
              f"batch(es) of {fast_batch}")

    if args.stock_cues:
        n = min(args.stock_cues, args.cues)
        stock(model, ids[:1], mask[:1], min(steps, 8), device, args)  # warm-up
        one = sum(stock(model, ids[i:i + 1], mask[i:i + 1], steps, device, args) for i in range(n))
        report("stock, one cue at a time", one * args.cues / n, args.cues, steps, music_s, floor,
               f"(extrapolated from {n})" if n < args.cues else "")
        b = min(args.stock_batch, args.cues)
        batched = stock(model, ids[:b], mask[:b], steps, device, args)
        report(f"stock, batches of {b}", batched * math.ceil(args.cues / b), args.cues, steps, music_s, floor,
               f"(extrapolated from 1 batch of {b})" if b < args.cues else "")

    options = FastOptions(kv_block=args.kv_block, cuda_graph=not args.no_graph)
    generate_codes(model, ids[:1], mask[:1], max_new_tokens=min(steps, 8), guidance_scale=args.guidance,
                   options=options)  # warm-up
    sync(device)
    t = time.perf_counter()
    lm = 0.0
    for batch in bucket_by_duration([args.seconds] * args.cues, fast_batch):
        sel = torch.tensor(batch, device=ids.device)
        t_lm = time.perf_counter()
        codes, scales = generate_codes(model, ids[sel], mask[sel], max_new_tokens=steps, do_sample=True,
                                       guidance_scale=args.guidance, temperature=1.0, top_k=250, options=options)
        sync(device)
        lm += time.perf_counter() - t_lm
        decode_audio(model, codes, scales, chunk=options.decode_batch)
    sync(device)
    total = time.perf_counter() - t
    report(f"fast, batches of {fast_batch}", total, args.cues, steps, music_s, floor)
    report("  of which the LM", lm, args.cues, steps, music_s, floor)


if __name__ == "__main__":
    main()
