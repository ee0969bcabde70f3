"""Whisper transcripts (transformers ASR pipeline, local weights only) -> transcript lines."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from scenescore.align.records import TranscriptLine
from scenescore.errors import InputError, MissingDependencyError, OptionsError

log = logging.getLogger("scenescore.align")

#: Whisper's input sampling rate.
SAMPLE_RATE = 16_000


def load_whisper(model: str | os.PathLike[str], *, device: str = "cpu") -> Any:
    """A transformers ASR pipeline from a local model folder (never downloads)."""
    path = Path(model)
    if not path.is_dir():
        raise OptionsError(f"whisper model {str(path)!r} is not a local folder; download it once "
                           "(e.g. huggingface-cli download openai/whisper-small --local-dir ...) "
                           "and pass that folder")
    try:
        from transformers import pipeline
    except ImportError:
        raise MissingDependencyError("Whisper transcripts", "transformers", "video") from None
    try:
        import torch  # noqa: F401
    except ImportError:
        raise MissingDependencyError("Whisper transcripts", "torch", "video") from None
    return pipeline("automatic-speech-recognition", model=str(path), device=device)


def transcribe(audio: Any, asr: Any, *, language: str | None = None,
               chunk_length_s: float | None = None) -> list[TranscriptLine]:
    """Transcript lines with times from a mono float32 array at 16 kHz.

    Without ``chunk_length_s`` long audio goes through Whisper's own sequential long-form
    decoding (more accurate than the pipeline's experimental chunking).

    Whisper chunks whose end time the model left open end where the next one starts (or at the
    end of the audio).
    """
    duration = len(audio) / SAMPLE_RATE
    if duration == 0:
        return []
    kwargs: dict[str, Any] = {"return_timestamps": True}
    if chunk_length_s:
        kwargs["chunk_length_s"] = chunk_length_s
    if language:
        kwargs["generate_kwargs"] = {"language": language, "task": "transcribe"}
    try:
        result = asr({"raw": audio, "sampling_rate": SAMPLE_RATE}, **kwargs)
    except ValueError as exc:
        raise InputError("<audio>", f"Whisper could not transcribe it ({exc})") from None
    chunks = result.get("chunks") or []
    if not chunks and result.get("text", "").strip():
        chunks = [{"timestamp": (0.0, duration), "text": result["text"]}]
    lines: list[TranscriptLine] = []
    for n, chunk in enumerate(chunks):
        text = " ".join(str(chunk.get("text", "")).split())
        if not text:
            continue
        start, end = chunk.get("timestamp") or (None, None)
        nxt = chunks[n + 1].get("timestamp", (None,))[0] if n + 1 < len(chunks) else None
        start = float(start) if start is not None else (lines[-1].end_s if lines else 0.0)
        end = float(end) if end is not None else float(nxt if nxt is not None else duration)
        start, end = min(max(0.0, start), duration), min(max(start, end), duration)
        lines.append(TranscriptLine(index=len(lines), start_s=start, end_s=end, text=text))
    log.info("whisper: %d lines over %.1f s", len(lines), duration)
    return lines
