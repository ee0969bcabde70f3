"""Audio from the conditions' text prompts with MusicGen through transformers.

Weights come from a local folder or the Hugging Face cache (``local_files_only`` by default:
nothing is downloaded unless asked). The released checkpoints (facebook/musicgen-*) are
CC-BY-NC 4.0: fine for a temp track, not for a release.

- All cues of a film are generated together, in batches of cues of similar length, so a GPU
  works on many cues at once and short cues do not wait for long ones.
- A cue longer than the window (30 s, what the models were trained on) continues from its
  own tail: the last ``overlap_s`` seconds prompt the next window, and the re-decoded prompt is
  crossfaded with the audio it came from, so no seam is heard.
- musicgen-melody models are conditioned on the sketch's melody line (themes first) as a
  one-hot chromagram computed from the notes themselves; each window gets its own stretch.
- Output is resampled from the model's 32 kHz to the film's rate (48 kHz) and made stereo.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scenescore.errors import InputError, MissingDependencyError, OptionsError
from scenescore.render.audio import fade, resample
from scenescore.render.options import AudioOptions, MusicGenOptions

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from scenescore.render.backends import AudioJob
    from scenescore.render.sketch import Sketch

log = logging.getLogger(__name__)
LICENCE = "CC-BY-NC 4.0 (facebook/musicgen-* weights): non-commercial use only"


@dataclass
class LoadedMusicGen:
    model: Any
    tokenizer: Any
    device: str
    sampling_rate: int
    frame_rate: float
    channels: int
    delay: int  # extra tokens the codebook delay pattern costs
    melody: bool
    chroma_length: int


def _imports() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError:
        raise MissingDependencyError("the MusicGen audio backend", "transformers and torch", "musicgen") from None
    return torch, transformers


def load_musicgen(options: MusicGenOptions) -> LoadedMusicGen:
    """The model and tokenizer, on CUDA in bf16 when present (the codec stays float32)."""
    torch, transformers = _imports()
    source = options.model
    try:
        config = transformers.AutoConfig.from_pretrained(source, local_files_only=options.local_files_only)
    except OSError as exc:
        hint = ("it is not in the Hugging Face cache; download it once with "
                f"`huggingface-cli download {source}` or pass a local folder") if options.local_files_only else str(exc)
        raise InputError(source, f"cannot load MusicGen: {hint}") from None
    melody = config.model_type == "musicgen_melody"
    if config.model_type not in ("musicgen", "musicgen_melody"):
        raise OptionsError(f"{source} is a {config.model_type!r} model, not MusicGen")
    cls = transformers.MusicgenMelodyForConditionalGeneration if melody else transformers.MusicgenForConditionalGeneration
    if options.device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    elif options.device in ("cuda", "cpu"):
        device = options.device
    else:
        raise OptionsError(f"device {options.device!r} is not one of auto, cuda, cpu")
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    model = cls.from_pretrained(source, local_files_only=options.local_files_only, dtype=dtype)
    model.audio_encoder.to(torch.float32)
    model.to(device).eval()
    tokenizer = transformers.AutoTokenizer.from_pretrained(source, local_files_only=options.local_files_only)
    audio_cfg = model.config.audio_encoder
    channels = int(getattr(model.config.decoder, "audio_channels", 1))
    codebooks = int(model.config.decoder.num_codebooks) // channels
    return LoadedMusicGen(model=model, tokenizer=tokenizer, device=device, sampling_rate=int(audio_cfg.sampling_rate),
                          frame_rate=float(audio_cfg.frame_rate), channels=channels, delay=codebooks,
                          melody=melody, chroma_length=int(getattr(model.config, "chroma_length", 0) or 0))


def melody_chroma(sketch: Sketch, start_s: float, seconds: float, frames_per_s: float) -> np.ndarray:
    """One-hot chroma (frames, 12) of the sketch's top line: theme notes first, then the melody.

    musicgen-melody was trained on the argmax chroma of a melody stem; the sketch knows its
    melody exactly, so no source separation is needed.
    """
    import numpy as np

    frames = max(1, math.ceil(seconds * frames_per_s))
    chroma = np.zeros((frames, 12), np.float32)
    priority = {"theme": 0, "melody": 1, "counter": 2, "harmony": 3, "pad": 4}
    owner = np.full(frames, 99)
    for part in sketch.parts:
        rank = priority.get(part.role)
        if rank is None or part.is_drum:
            continue
        for note in part.notes:
            a = math.floor((note.start_s - start_s) * frames_per_s)
            b = math.ceil((note.end_s - start_s) * frames_per_s)
            for f in range(max(0, a), min(frames, b)):
                if rank < owner[f] or (rank == owner[f] and chroma[f].argmax() < note.pitch % 12 and rank > 2):
                    owner[f] = rank
                    chroma[f] = 0
                    chroma[f, note.pitch % 12] = 1
    # Hold the last pitch through gaps (a melody stem's argmax does the same on its tail).
    for f in range(1, frames):
        if owner[f] == 99 and owner[f - 1] != 99:
            chroma[f] = chroma[f - 1]
            owner[f] = owner[f - 1]
    return chroma


def _bucket(jobs: Sequence[AudioJob], batch_size: int) -> list[list[int]]:
    order = sorted(range(len(jobs)), key=lambda i: (jobs[i].condition.duration_s, i))
    return [order[k:k + batch_size] for k in range(0, len(order), max(1, batch_size))]


def _batch_size(lm: LoadedMusicGen, options: MusicGenOptions) -> int:
    """``batch_size``, or on the fast path on CUDA as many cues as the free memory holds."""
    if not options.fast or lm.melody:
        return options.batch_size
    from scenescore.render.musicgen_fast import free_memory_bytes, plan_batch_size

    free = free_memory_bytes(lm.device)
    if free is None:
        return options.batch_size
    max_len = 1 + math.ceil(options.window_s * lm.frame_rate) + lm.delay
    return plan_batch_size(lm.model.config.decoder, max_len=max_len, text_len=64,
                           guidance=options.guidance_scale > 1, free_bytes=free)


def _generate(lm: LoadedMusicGen, prompts: list[str], seconds: float, options: MusicGenOptions, seed: int,
              prompt_audio: np.ndarray | None = None, chroma: np.ndarray | None = None) -> np.ndarray:
    """One batched generate call: (batch, channels, samples) float32 at the model's rate."""
    import numpy as np

    torch, _ = _imports()
    enc = lm.tokenizer(prompts, padding=True, return_tensors="pt")
    kwargs: dict[str, Any] = {"input_ids": enc["input_ids"].to(lm.device),
                              "attention_mask": enc["attention_mask"].to(lm.device)}
    if prompt_audio is not None:
        kwargs["input_values"] = torch.from_numpy(prompt_audio).to(lm.device)
        kwargs["padding_mask"] = torch.ones(prompt_audio.shape[0], prompt_audio.shape[-1], dtype=torch.long,
                                            device=lm.device)
    if chroma is not None:
        kwargs["input_features"] = torch.from_numpy(chroma).to(lm.device, dtype=lm.model.dtype)
    tokens = math.ceil(seconds * lm.frame_rate) + lm.delay
    torch.manual_seed(seed)
    sampling = {"do_sample": True, "guidance_scale": options.guidance_scale, "temperature": options.temperature,
                "top_k": options.top_k}
    if options.fast and chroma is None:  # melody models keep stock generate
        from scenescore.render.musicgen_fast import generate_audio

        prompt = {key: value for key, value in kwargs.items() if key not in ("input_ids", "attention_mask")}
        out = generate_audio(lm.model, kwargs["input_ids"], kwargs["attention_mask"], max_new_tokens=tokens,
                             **prompt, **sampling)
    else:
        with torch.inference_mode():
            out = lm.model.generate(**kwargs, max_new_tokens=tokens, **sampling)
    return out.float().cpu().numpy().astype(np.float32)


def _to_frames(block: np.ndarray, channels: int = 2) -> np.ndarray:
    """(channels, samples) to (samples, channels=2)."""
    import numpy as np

    frames = block.T
    return np.repeat(frames, 2, axis=1) if frames.shape[1] == 1 else frames[:, :channels]


def render_musicgen(jobs: Sequence[AudioJob], *, options: AudioOptions, seed: int = 0,
                    progress: Callable[[int, int], None] | None = None,
                    loaded: LoadedMusicGen | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (job index, stereo float32 at the output rate, the cue's length) as batches finish."""
    import numpy as np

    mg = options.musicgen
    if mg.overlap_s <= 0 or mg.overlap_s >= mg.window_s:
        raise OptionsError(f"musicgen overlap_s must be between 0 and window_s ({mg.window_s:g})")
    if not jobs:
        return
    lm = loaded or load_musicgen(mg)
    sr = lm.sampling_rate
    hop = max(1, round(sr / lm.frame_rate))
    overlap = max(1, round(mg.overlap_s * lm.frame_rate)) * hop  # whole codec frames
    done = 0
    for b, batch in enumerate(_bucket(jobs, _batch_size(lm, mg))):
        targets = {i: round(jobs[i].condition.duration_s * sr) for i in batch}
        audio: dict[int, np.ndarray] = {i: np.zeros((0, lm.channels), np.float32) for i in batch}
        round_no = 0
        while True:
            active = [i for i in batch if len(audio[i]) < targets[i]]
            if not active:
                break
            prompts = [jobs[i].condition.prompt for i in active]
            lengths = {i: len(audio[i]) for i in active}
            call_seed = seed * 1000003 + b * 1009 + round_no
            if lm.melody:
                # Independent windows over the sketch's melody, overlapping and crossfaded.
                starts = {i: max(0, len(audio[i]) - overlap) if round_no else 0 for i in active}
                seconds = min(mg.window_s, max((targets[i] - starts[i]) / sr for i in active))
                fps = lm.chroma_length / mg.window_s if lm.chroma_length else 32000 / 4096
                chroma = np.stack([melody_chroma(jobs[i].sketch, starts[i] / sr, seconds, fps) for i in active])
                out = _generate(lm, prompts, seconds, mg, call_seed, chroma=chroma)
                for k, i in enumerate(active):
                    _append(audio, i, out[k].T, overlap if round_no else 0)
            elif round_no == 0:
                seconds = min(mg.window_s, max(targets[i] for i in active) / sr)
                out = _generate(lm, prompts, seconds, mg, call_seed)
                for k, i in enumerate(active):
                    audio[i] = out[k].T[: targets[i]].copy()
            else:
                tails = np.stack([audio[i][-overlap:].T for i in active])  # (batch, channels, overlap)
                seconds = min(mg.window_s - mg.overlap_s, max(targets[i] - len(audio[i]) for i in active) / sr)
                out = _generate(lm, prompts, seconds, mg, call_seed, prompt_audio=tails)
                for k, i in enumerate(active):
                    _append(audio, i, out[k].T, overlap)
            round_no += 1
            for i in active:
                if len(audio[i]) <= lengths[i]:  # the model returned nothing new: stop, pad with silence
                    log.warning("MusicGen stopped early on %s", jobs[i].condition.cue_id)
                    missing = (targets[i] - len(audio[i])) / sr
                    jobs[i].problems.append(f"MusicGen stopped early: {missing:.1f} s padded with silence")
                    audio[i] = np.concatenate([audio[i], np.zeros((targets[i] - len(audio[i]), lm.channels), np.float32)])
                audio[i] = audio[i][: targets[i]]
        for i in batch:
            stereo = _to_frames(audio[i].T)
            out48 = resample(stereo, sr, options.sample_rate)
            done += 1
            if progress is not None:
                progress(done, len(jobs))
            yield i, out48


def _append(audio: dict[int, np.ndarray], i: int, new: np.ndarray, overlap: int) -> None:
    """Append ``new`` (samples, channels) whose first ``overlap`` samples redo the current tail."""
    import numpy as np

    have = audio[i]
    n = min(overlap, len(have), len(new))
    if n == 0:
        audio[i] = np.concatenate([have, new]).astype(np.float32)
        return
    mixed = have[-n:] * fade(n, kind="out")[:, None] + new[:n] * fade(n, kind="in")[:, None]
    audio[i] = np.concatenate([have[:-n], mixed, new[n:]]).astype(np.float32)
