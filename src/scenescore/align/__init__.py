"""Align a screenplay to footage: shots, a transcript, dialogue alignment, scene spans.

``align_screenplay(...).spans`` is the ``scene_id -> (start_s, end_s)`` mapping that
:func:`scenescore.spotting.spot_cues` takes to put cues in picture time. Nothing heavy is
imported here: PySceneDetect, OpenCV, transformers and torch load inside the step that needs them.
"""

from scenescore.align.alignment import align_screenplay, write_alignment
from scenescore.align.evidence import (
    EvidenceOptions,
    SceneEvidence,
    VisualEmotion,
    caption_frames,
    evidence_for_prompt,
    gather_evidence,
    sample_keyframes,
    scene_evidence,
    visual_emotion,
)
from scenescore.align.media import ToolNotFoundError, VideoInfo, mux_audio, probe_video, read_audio
from scenescore.align.options import AlignOptions
from scenescore.align.records import Alignment, SceneSpan, Shot, TranscriptLine
from scenescore.align.sequence import align_transcript, needleman_wunsch, normalize_words
from scenescore.align.shots import SHOT_DETECTORS, detect_shots
from scenescore.align.spans import place_scenes
from scenescore.align.subtitles import format_srt, parse_subtitles, read_subtitles
from scenescore.timecode import (
    FRAME_RATES,
    format_timecode,
    frame_to_timecode,
    is_drop_frame,
    parse_frame_rate,
)

__all__ = [
    "EvidenceOptions", "SceneEvidence", "VisualEmotion", "caption_frames", "evidence_for_prompt",
    "gather_evidence", "sample_keyframes", "scene_evidence", "visual_emotion",
    "FRAME_RATES", "SHOT_DETECTORS", "AlignOptions", "Alignment", "SceneSpan", "Shot",
    "ToolNotFoundError", "TranscriptLine", "VideoInfo", "align_screenplay", "align_transcript",
    "detect_shots", "format_srt", "format_timecode", "frame_to_timecode", "is_drop_frame",
    "mux_audio", "needleman_wunsch", "normalize_words", "parse_frame_rate", "parse_subtitles",
    "place_scenes", "probe_video", "read_audio", "read_subtitles", "write_alignment",
]
