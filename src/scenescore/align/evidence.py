"""Evidence from the picture: key frames per scene, BLIP-2 captions, CLIP visual emotion.

The script says what a scene means; the footage says how it looks. This module samples key
frames inside each scene's span (at least ``per_scene``, plus one for every shot the even samples
missed, as Herrmann-1 sampled 15 frames per clip), captions them with BLIP-2 and, optionally,
scores them zero-shot with CLIP against emotion prompts placed on the valence/arousal plane.
:func:`scene_evidence` gathers captions, transcript lines and visual emotion per scene.

Models load from a local folder or the Hugging Face cache with ``local_files_only=True``; they are
never downloaded. torch and transformers load inside the functions that need them.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from scenescore.align.media import VideoInfo, _run, find_tool, probe_video
from scenescore.align.records import Alignment, Shot, TranscriptLine
from scenescore.circumplex import CORE_LABELS
from scenescore.errors import InputError, MissingDependencyError, OptionsError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

log = logging.getLogger("scenescore.align")

#: ``(step, fraction)``, step one of ``keyframes``, ``captions``, ``visual_emotion``.
ProgressCallback = Callable[[str, float], None]
#: ``scene_id -> [(time_s, RGB uint8 array H x W x 3), ...]`` in time order.
SceneFrames = Mapping[int, Sequence[tuple[float, "np.ndarray"]]]

#: CLIP prompt per emotion label; the label's valence/arousal is its place in
#: :data:`scenescore.circumplex.CORE_LABELS` (one table for the whole project).
VISUAL_EMOTION_PROMPTS: dict[str, str] = {
    "joy": "a film still of a joyful, happy scene",
    "tenderness": "a film still of a tender, loving scene",
    "calm": "a film still of a calm, peaceful scene",
    "sadness": "a film still of a sad, sorrowful scene",
    "fear": "a film still of a frightening, tense scene",
    "anger": "a film still of an angry, violent scene",
    "surprise": "a film still of a surprising, astonishing scene",
    "disgust": "a film still of a disgusting, repulsive scene",
}


class VisualEmotion(NamedTuple):
    """A scene's look on the valence/arousal plane (unpacks as ``valence, arousal, confidence``
    by index 0..2)."""

    valence: float
    arousal: float
    #: 0..1: how peaked the label distribution is, scaled down below three frames.
    confidence: float
    #: Mean probability per emotion label over the scene's key frames.
    labels: dict[str, float]


@dataclass(frozen=True, slots=True)
class EvidenceOptions:
    """Options of the evidence step, with their defaults in one place."""

    #: Key frames spread evenly over each scene (Herrmann-1 used 15 per clip; 3 is quick).
    per_scene: int = 3
    #: Add one frame (its middle) for every shot in the scene that no even sample fell in.
    per_shot: bool = True
    #: At most this many frames per scene (evenly thinned beyond it); ``None``: no cap.
    max_per_scene: int | None = 32
    #: Width the frames are scaled to (height keeps the aspect ratio); ``None``: native size.
    frame_width: int | None = 384
    #: BLIP-2 model: a local folder or a Hugging Face id already in the cache. ``None``: no
    #: captions.
    caption_model: str | None = None
    #: CLIP model for visual emotion (folder or cached id). ``None``: no visual emotion.
    clip_model: str | None = None
    #: ``cpu``, ``cuda``, ``cuda:1``...
    device: str = "cpu"
    #: Frames per model call.
    batch_size: int = 8
    #: Longest caption, in tokens.
    max_caption_tokens: int = 30
    #: Optional text prompt for BLIP-2 (e.g. ``"Question: what is happening? Answer:"``).
    caption_prompt: str | None = None


@dataclass(frozen=True, slots=True)
class SceneEvidence:
    """What the footage shows and says during one scene."""

    scene_id: int
    start_s: float
    end_s: float
    #: Times of the key frames the captions and visual emotion come from.
    frame_times: tuple[float, ...] = ()
    #: BLIP-2 captions in time order, consecutive repeats removed.
    captions: tuple[str, ...] = ()
    #: Transcript lines (subtitles or Whisper) whose middle falls inside the span.
    transcript_lines: tuple[str, ...] = ()
    #: CLIP zero-shot valence/arousal in [-1, 1] (``None``: not scored).
    visual_valence: float | None = None
    visual_arousal: float | None = None
    #: 0..1 confidence of the visual emotion (0 when not scored).
    confidence: float = 0.0
    #: Mean probability per emotion label over the key frames.
    visual_emotions: Mapping[str, float] = field(default_factory=dict)

    def prompt_lines(self, *, max_captions: int = 5, max_chars: int = 600) -> tuple[str, ...]:
        """Short lines for the condition stage's prompt (``translate(evidence=...)``)."""
        lines: list[str] = []
        for caption in _thin(list(self.captions), max_captions):
            lines.append(f"picture: {caption}")
        if self.transcript_lines:
            lines.append("dialogue: " + " / ".join(self.transcript_lines))
        if self.visual_valence is not None and self.visual_arousal is not None:
            top = max(self.visual_emotions.items(), key=lambda kv: kv[1])[0] \
                if self.visual_emotions else "?"
            lines.append(f"look: {top} (valence {self.visual_valence:+.2f}, arousal "
                         f"{self.visual_arousal:+.2f}, confidence {self.confidence:.2f})")
        out: list[str] = []
        used = 0
        for line in lines:
            room = max_chars - used
            if room <= 20:
                break
            line = line if len(line) <= room else line[:room - 1].rstrip() + "…"
            out.append(line)
            used += len(line)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"scene_id": self.scene_id, "start_s": round(self.start_s, 3),
                "end_s": round(self.end_s, 3),
                "frame_times": [round(t, 3) for t in self.frame_times],
                "captions": list(self.captions), "transcript_lines": list(self.transcript_lines),
                "visual_valence": _round(self.visual_valence),
                "visual_arousal": _round(self.visual_arousal),
                "confidence": round(self.confidence, 3),
                "visual_emotions": {k: round(v, 4) for k, v in self.visual_emotions.items()}}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _thin(items: list[Any], limit: int | None) -> list[Any]:
    """At most ``limit`` items, evenly spread and keeping order."""
    if limit is None or len(items) <= limit:
        return items
    if limit <= 0:
        return []
    if limit == 1:
        return [items[len(items) // 2]]
    step = (len(items) - 1) / (limit - 1)
    return [items[round(i * step)] for i in range(limit)]


# --- key frames ------------------------------------------------------------------------------

def keyframe_times(spans: Mapping[int, tuple[float, float]], shots: Sequence[Shot] = (), *,
                   frame_rate: float | Fraction = 24, per_scene: int = 3, per_shot: bool = True,
                   max_per_scene: int | None = 32) -> dict[int, list[float]]:
    """Where to take key frames: ``per_scene`` evenly spread, plus the middle of missed shots.

    Times sit on frame starts (``frame / frame_rate``) so a frame is exactly what is read; a
    zero-length span gets none.
    """
    if per_scene < 1:
        raise OptionsError(f"per_scene must be at least 1 (got {per_scene})")
    fps = float(frame_rate)
    if fps <= 0:
        raise OptionsError(f"frame rate must be positive (got {frame_rate})")
    out: dict[int, list[float]] = {}
    for scene_id, (start, end) in spans.items():
        first, last = math.ceil(start * fps - 1e-6), math.ceil(end * fps - 1e-6) - 1
        if last < first:
            out[scene_id] = []
            continue
        frames = {min(last, max(first, math.floor((start + (i + 0.5) * (end - start) / per_scene)
                                                  * fps + 1e-6)))
                  for i in range(per_scene)}
        if per_shot:
            for shot in shots:
                lo, hi = max(first, shot.start_frame), min(last, shot.end_frame - 1)
                if lo <= hi and not any(lo <= f <= hi for f in frames):
                    frames.add((lo + hi) // 2)
        out[scene_id] = [f / fps for f in _thin(sorted(frames), max_per_scene)]
    return out


def read_frames(video: str | os.PathLike[str], times: Iterable[float], *,
                width: int | None = 384, info: VideoInfo | None = None) -> list[np.ndarray]:
    """The frames shown at ``times`` (seconds) as RGB uint8 arrays, one ffmpeg seek each.

    Seeking per frame stays fast on a feature (no full decode). The seek lands a quarter frame
    early: ffmpeg keeps the first frame whose timestamp is at or after it, the frame on screen.
    """
    import numpy as np

    info = info or probe_video(video)
    fps = float(info.frame_rate)
    if width and info.width:
        out_w = max(2, int(width) // 2 * 2)
        out_h = max(2, round(info.height * out_w / info.width / 2) * 2)
    else:
        out_w, out_h = info.width, info.height
    ffmpeg = find_tool("ffmpeg")
    frames: list[np.ndarray] = []
    size = out_w * out_h * 3
    last_start = max(0.0, info.duration_s - 1.0 / fps)
    for t in times:
        seek = min(max(0.0, t - 0.25 / fps), last_start)
        cmd = [ffmpeg, "-nostdin", "-v", "error", "-ss", f"{seek:.6f}", "-i", str(video),
               "-map", "0:v:0", "-frames:v", "1", "-vf", f"scale={out_w}:{out_h}",
               "-pix_fmt", "rgb24", "-f", "rawvideo", "-"]
        raw = _run(cmd, video, f"reading the frame at {t:.3f} s").stdout
        if len(raw) < size:
            raise InputError(video, f"no frame at {t:.3f} s")
        frames.append(np.frombuffer(raw[:size], dtype=np.uint8).reshape(out_h, out_w, 3))
    return frames


def sample_keyframes(video: str | os.PathLike[str], spans: Mapping[int, tuple[float, float]],
                     shots: Sequence[Shot] = (), *, per_scene: int = 3, per_shot: bool = True,
                     max_per_scene: int | None = 32, width: int | None = 384,
                     progress: ProgressCallback | None = None
                     ) -> dict[int, list[tuple[float, np.ndarray]]]:
    """Key frames per scene: ``scene_id -> [(time_s, RGB array), ...]`` (see keyframe_times)."""
    info = probe_video(video)
    times = keyframe_times(spans, shots, frame_rate=info.frame_rate, per_scene=per_scene,
                           per_shot=per_shot, max_per_scene=max_per_scene)
    total = sum(len(v) for v in times.values()) or 1
    done = 0
    out: dict[int, list[tuple[float, np.ndarray]]] = {}
    for scene_id, scene_times in times.items():
        images = read_frames(video, scene_times, width=width, info=info)
        out[scene_id] = list(zip(scene_times, images, strict=True))
        done += len(scene_times)
        if progress:
            progress("keyframes", done / total)
    log.info("key frames: %d over %d scenes", done, len(out))
    return out


# --- models ----------------------------------------------------------------------------------

def _import_torch(feature: str) -> Any:
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise MissingDependencyError(feature, exc.name or "transformers", "video") from None
    return torch


def _load(feature: str, model_path: str | os.PathLike[str], loaders: tuple[Any, Any],
          example: str) -> tuple[Any, Any]:
    """``(model, processor)`` from a local folder or the HF cache; never downloads."""
    model_cls, processor_cls = loaders
    try:
        model = model_cls.from_pretrained(str(model_path), local_files_only=True)
        processor = processor_cls.from_pretrained(str(model_path), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise InputError(model_path, f"no {feature} model there or in the Hugging Face cache "
                         f"({type(exc).__name__}); download it once, e.g. `hf download "
                         f"{example} --local-dir DIR`, and pass DIR") from None
    return model.eval(), processor


def load_captioner(model_path: str | os.PathLike[str], *, device: str = "cpu") -> tuple[Any, Any]:
    """BLIP-2 ``(model, processor)``; half precision on a GPU."""
    torch = _import_torch("BLIP-2 captions")
    from transformers import Blip2ForConditionalGeneration, Blip2Processor

    model, processor = _load("BLIP-2", model_path,
                             (Blip2ForConditionalGeneration, Blip2Processor),
                             "Salesforce/blip2-opt-2.7b")
    dtype = torch.float16 if str(device).startswith("cuda") else torch.float32
    return model.to(device=device, dtype=dtype), processor


def load_clip(model_path: str | os.PathLike[str], *, device: str = "cpu") -> tuple[Any, Any]:
    """CLIP ``(model, processor)`` for zero-shot scoring."""
    _import_torch("visual emotion")
    from transformers import AutoProcessor, CLIPModel

    model, processor = _load("CLIP", model_path, (CLIPModel, AutoProcessor),
                             "openai/clip-vit-large-patch14")
    return model.to(device), processor


def _flatten(frames: SceneFrames) -> list[tuple[int, Any]]:
    return [(scene_id, image) for scene_id, items in frames.items() for _t, image in items]


def caption_frames(frames: SceneFrames, *, model_path: str | os.PathLike[str] | None = None,
                   model: tuple[Any, Any] | None = None, device: str = "cpu",
                   batch_size: int = 8, max_new_tokens: int = 30, prompt: str | None = None,
                   generate_kwargs: Mapping[str, Any] | None = None,
                   progress: ProgressCallback | None = None) -> dict[int, list[str]]:
    """One BLIP-2 caption per key frame: ``scene_id -> [caption, ...]`` in frame order.

    Greedy decoding, so the same frames give the same captions. Pass ``model`` (from
    :func:`load_captioner`) to reuse a loaded model across calls; ``generate_kwargs`` go to the
    language model's ``generate`` (e.g. ``num_beams``).
    """
    if model is None:
        if model_path is None:
            raise OptionsError("caption_frames needs model_path (a BLIP-2 folder) or model")
        model = load_captioner(model_path, device=device)
    torch = _import_torch("BLIP-2 captions")
    net, processor = model
    items = _flatten(frames)
    out: dict[int, list[str]] = {scene_id: [] for scene_id in frames}
    step = max(1, int(batch_size))
    dtype = next(net.parameters()).dtype
    for lo in range(0, len(items), step):
        batch = items[lo:lo + step]
        kwargs: dict[str, Any] = {"images": [image for _sid, image in batch],
                                  "return_tensors": "pt"}
        if prompt:
            kwargs["text"] = [prompt] * len(batch)
        inputs = processor(**kwargs).to(net.device)
        inputs["pixel_values"] = inputs["pixel_values"].to(dtype)
        with torch.inference_mode():
            generated = net.generate(**inputs, **{"max_new_tokens": max_new_tokens,
                                                  "do_sample": False, **(generate_kwargs or {})})
        if "input_ids" in inputs and generated.shape[-1] > inputs["input_ids"].shape[-1]:
            generated = generated[:, inputs["input_ids"].shape[-1]:]
        texts = processor.batch_decode(generated, skip_special_tokens=True)
        for (scene_id, _image), text in zip(batch, texts, strict=True):
            out[scene_id].append(" ".join(text.split()))
        if progress:
            progress("captions", min(1.0, (lo + len(batch)) / len(items)))
    log.info("captions: %d frames", len(items))
    return out


def visual_emotion(frames: SceneFrames, *, clip_model_path: str | os.PathLike[str] | None = None,
                   model: tuple[Any, Any] | None = None,
                   labels: Mapping[str, str] | None = None, device: str = "cpu",
                   batch_size: int = 16, progress: ProgressCallback | None = None
                   ) -> dict[int, VisualEmotion]:
    """CLIP zero-shot emotion per scene: ``VisualEmotion(valence, arousal, confidence, labels)``.

    Each frame gets a softmax over the label prompts; a scene averages its frames. Valence and
    arousal are the probability-weighted label positions (:data:`CORE_LABELS`); confidence is
    ``1 - entropy / log(labels)`` of the scene's mean distribution (how peaked it is), scaled by
    ``min(1, frames / 3)`` so one frame cannot speak loudly. Scenes without frames are left out.
    """
    prompts = dict(labels or VISUAL_EMOTION_PROMPTS)
    unknown = sorted(set(prompts) - set(CORE_LABELS))
    if unknown or len(prompts) < 2:
        raise OptionsError(f"visual emotion labels must be at least two of "
                           f"{sorted(CORE_LABELS)} (unknown: {unknown})")
    if model is None:
        if clip_model_path is None:
            raise OptionsError("visual_emotion needs clip_model_path (a CLIP folder) or model")
        model = load_clip(clip_model_path, device=device)
    torch = _import_torch("visual emotion")
    net, processor = model
    names = list(prompts)
    with torch.inference_mode():
        text = processor(text=[prompts[n] for n in names], return_tensors="pt",
                         padding=True).to(net.device)
        text_emb = torch.nn.functional.normalize(_features(net.get_text_features(**text)), dim=-1)
        items = _flatten(frames)
        probs: dict[int, list[Any]] = {}
        step = max(1, int(batch_size))
        for lo in range(0, len(items), step):
            batch = items[lo:lo + step]
            pixels = processor(images=[image for _sid, image in batch], return_tensors="pt")
            image_emb = torch.nn.functional.normalize(
                _features(net.get_image_features(pixel_values=pixels["pixel_values"]
                                                 .to(net.device))), dim=-1)
            p = (net.logit_scale.exp() * image_emb @ text_emb.T).softmax(dim=-1).float().cpu()
            for (scene_id, _image), row in zip(batch, p, strict=True):
                probs.setdefault(scene_id, []).append(row)
            if progress:
                progress("visual_emotion", min(1.0, (lo + len(batch)) / len(items)))
    out: dict[int, VisualEmotion] = {}
    for scene_id, rows in probs.items():
        mean = torch.stack(rows).mean(dim=0).tolist()
        valence = sum(p * CORE_LABELS[n][0] for p, n in zip(mean, names, strict=True))
        arousal = sum(p * CORE_LABELS[n][1] for p, n in zip(mean, names, strict=True))
        entropy = -sum(p * math.log(p) for p in mean if p > 0)
        peak = max(0.0, 1.0 - entropy / math.log(len(names)))
        confidence = peak * min(1.0, len(rows) / 3)
        out[scene_id] = VisualEmotion(valence, arousal, confidence,
                                      dict(zip(names, mean, strict=True)))
    return out


def _features(x: Any) -> Any:
    """transformers 5 may return a model output instead of a tensor from get_*_features."""
    return x if hasattr(x, "shape") else x.pooler_output


# --- per scene -------------------------------------------------------------------------------

def _dedupe(texts: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for text in texts:
        if text and (not out or out[-1] != text):
            out.append(text)
    return tuple(out)


def scene_evidence(spans: Mapping[int, tuple[float, float]], *,
                   frames: SceneFrames | None = None,
                   captions: Mapping[int, Sequence[str]] | None = None,
                   transcript: Sequence[TranscriptLine] = (),
                   emotions: Mapping[int, VisualEmotion | tuple[float, float, float]] | None = None
                   ) -> dict[int, SceneEvidence]:
    """Gather what each scene's footage shows and says into one record per scene.

    Transcript lines go to the scene whose span holds their middle (what the picture shows
    then, whether or not the line matched the script). ``emotions`` is what
    :func:`visual_emotion` returns (a plain ``(valence, arousal, confidence)`` also works).
    """
    lines: dict[int, list[str]] = {sid: [] for sid in spans}
    ordered = sorted(spans.items(), key=lambda kv: kv[1])
    for line in transcript:
        mid = (line.start_s + line.end_s) / 2
        for scene_id, (start, end) in ordered:
            if start <= mid < end or (mid == end and scene_id == ordered[-1][0]):
                lines[scene_id].append(line.text)
                break
    out: dict[int, SceneEvidence] = {}
    for scene_id, (start, end) in spans.items():
        emotion = (emotions or {}).get(scene_id)
        out[scene_id] = SceneEvidence(
            scene_id=scene_id, start_s=start, end_s=end,
            frame_times=tuple(t for t, _img in (frames or {}).get(scene_id, ())),
            captions=_dedupe((captions or {}).get(scene_id, ())),
            transcript_lines=tuple(lines[scene_id]),
            visual_valence=float(emotion[0]) if emotion else None,
            visual_arousal=float(emotion[1]) if emotion else None,
            confidence=float(emotion[2]) if emotion else 0.0,
            visual_emotions=dict(emotion[3]) if emotion and len(emotion) > 3 else {})
    return out


def gather_evidence(video: str | os.PathLike[str], alignment: Alignment, *,
                    options: EvidenceOptions | None = None,
                    progress: ProgressCallback | None = None) -> dict[int, SceneEvidence]:
    """Key frames, captions (when ``caption_model``) and visual emotion (when ``clip_model``)."""
    opts = options or EvidenceOptions()
    spans = alignment.spans
    frames = sample_keyframes(video, spans, alignment.shots, per_scene=opts.per_scene,
                              per_shot=opts.per_shot, max_per_scene=opts.max_per_scene,
                              width=opts.frame_width, progress=progress)
    captions = None
    if opts.caption_model:
        captions = caption_frames(frames, model_path=opts.caption_model, device=opts.device,
                                  batch_size=opts.batch_size,
                                  max_new_tokens=opts.max_caption_tokens,
                                  prompt=opts.caption_prompt, progress=progress)
    emotions = None
    if opts.clip_model:
        emotions = visual_emotion(frames, clip_model_path=opts.clip_model, device=opts.device,
                                  batch_size=opts.batch_size, progress=progress)
    return scene_evidence(spans, frames=frames, captions=captions,
                          transcript=alignment.transcript, emotions=emotions)


def evidence_for_prompt(evidence: Mapping[int, SceneEvidence]) -> dict[int, tuple[str, ...]]:
    """``scene_id -> lines`` for ``scenescore.conditions.translate(..., evidence=...)``."""
    return {sid: ev.prompt_lines() for sid, ev in evidence.items()}
