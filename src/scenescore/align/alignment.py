"""The align stage: shots, a transcript, dialogue alignment and scene spans, in that order."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from scenescore.align.media import probe_video, read_audio
from scenescore.align.options import AlignOptions
from scenescore.align.records import (
    SHOT_COLUMNS,
    SPAN_COLUMNS,
    TRANSCRIPT_COLUMNS,
    Alignment,
    TranscriptLine,
)
from scenescore.align.sequence import align_transcript
from scenescore.align.shots import detect_shots
from scenescore.align.spans import place_scenes
from scenescore.align.subtitles import read_subtitles
from scenescore.errors import OptionsError
from scenescore.records import Scene, Screenplay

log = logging.getLogger("scenescore.align")

ProgressCallback = Callable[[str, float], None]


def align_screenplay(screenplay: Screenplay | Sequence[Scene], video: str | os.PathLike[str], *,
                     subtitles: str | os.PathLike[str] | None = None,
                     options: AlignOptions | None = None,
                     progress: ProgressCallback | None = None) -> Alignment:
    """Place every scene of the screenplay on the footage, in picture time.

    The transcript comes from ``subtitles`` (SRT/WebVTT) when given, else from Whisper on the
    footage's audio (``options.whisper_model``, a local folder). ``progress`` receives
    ``(step, fraction)`` with step one of ``shots``, ``transcript``, ``align``.
    """
    opts = options or AlignOptions()
    scenes = tuple(screenplay.scenes if isinstance(screenplay, Screenplay) else screenplay)
    info = probe_video(video)
    report = progress or (lambda _step, _fraction: None)
    shots = detect_shots(video, options=opts, frame_rate=info.frame_rate,
                         total_frames=info.frames, progress=report)
    duration = max(info.duration_s, shots[-1].end_s if shots else 0.0)
    warnings: list[str] = []

    report("transcript", 0.0)
    if subtitles is not None:
        transcript: list[TranscriptLine] = read_subtitles(subtitles)
        source = "subtitles"
    else:
        transcript = _whisper_transcript(video, info.has_audio, opts)
        source = "whisper"
    report("transcript", 1.0)

    report("align", 0.0)
    aligned = align_transcript(transcript, scenes, options=opts)
    found = {t.scene_id for t in aligned if t.scene_id is not None}
    with_dialogue = [s.scene_id for s in scenes if s.dialogue]
    if with_dialogue and not found:
        warnings.append("no transcript line matched the screenplay's dialogue: every scene is "
                        "placed by its estimated length (is this the right footage?)")
    elif with_dialogue:
        missing = [sid for sid in with_dialogue if sid not in found]
        if missing:
            warnings.append(f"dialogue of scenes {', '.join(map(str, missing))} not found in the "
                            "transcript: placed between their neighbours")
    for w in warnings:
        log.warning(w)
    spans = place_scenes(scenes, aligned, [s.start_s for s in shots[1:]], duration_s=duration,
                         frame_rate=info.frame_rate, options=opts)
    report("align", 1.0)
    return Alignment(video=info, shots=tuple(shots), transcript=tuple(aligned),
                     scenes=tuple(spans), transcript_source=source, warnings=tuple(warnings))


def _whisper_transcript(video: str | os.PathLike[str], has_audio: bool,
                        opts: AlignOptions) -> list[TranscriptLine]:
    from scenescore.align.transcribe import load_whisper, transcribe

    if opts.whisper_model is None:
        raise OptionsError("no subtitles given and no Whisper model: pass subtitles "
                           "(--subtitles FILE.srt) or a local Whisper model folder "
                           "(--whisper-model DIR)")
    if not has_audio:
        raise OptionsError(f"{video}: no audio track to transcribe; pass subtitles instead")
    asr = load_whisper(opts.whisper_model, device=opts.device)
    return transcribe(read_audio(video), asr, language=opts.language)


def write_alignment(alignment: Alignment, out_dir: str | os.PathLike[str], *,
                    overwrite: bool = False, table_format: str = "csv") -> list[Path]:
    """``scene_spans``, ``shots`` and ``transcript`` tables plus ``alignment.json``, atomically."""
    import pandas as pd

    from scenescore.io import atomic_write_text, write_table

    out = Path(out_dir)
    frames = {
        "scene_spans": pd.DataFrame([s.to_dict() for s in alignment.scenes],
                                    columns=list(SPAN_COLUMNS)),
        "shots": pd.DataFrame([s.to_dict() for s in alignment.shots], columns=list(SHOT_COLUMNS)),
        "transcript": pd.DataFrame([t.to_dict() for t in alignment.transcript],
                                   columns=list(TRANSCRIPT_COLUMNS)),
    }
    written = [write_table(frame, out / f"{name}.{table_format}", overwrite=overwrite,
                           nested=frozenset()) for name, frame in frames.items()]
    written.append(atomic_write_text(out / "alignment.json",
                                     json.dumps(alignment.to_dict(), indent=2, ensure_ascii=False),
                                     overwrite=overwrite))
    return written
