"""Options of the align stage, with their defaults in one place (CLI flags refer to these)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AlignOptions:
    #: Shot detector backend: ``content`` (PySceneDetect ContentDetector) or ``adaptive``.
    detector: str = "content"
    #: ContentDetector threshold (HSV delta between frames, 0..255); lower finds more cuts.
    threshold: float = 27.0
    #: AdaptiveDetector threshold (ratio of a frame's delta to its neighbours' average).
    adaptive_threshold: float = 3.0
    #: Shortest shot in frames; cuts closer than this to the previous one are merged away.
    min_shot_frames: int = 8
    #: Local Whisper model folder (transformers format); used when no subtitles are given.
    whisper_model: str | None = None
    #: Language passed to Whisper (``None``: let the model detect it).
    language: str | None = None
    #: Device for Whisper (``cpu``, ``cuda``, ``cuda:1``...).
    device: str = "cpu"
    #: Needleman-Wunsch scores over normalized words: exact match, mismatch, gap.
    match_score: float = 2.0
    mismatch_score: float = -1.0
    gap_score: float = -0.5
    #: A transcript line counts as aligned when this share of its words matched the script
    #: (or, on the second pass, this token similarity to a script line of a neighbouring scene).
    min_line_similarity: float = 0.5
    #: Seconds of picture assumed before a scene's first line and after its last one, used to
    #: place the boundary between scenes and to share a gap among scenes without dialogue.
    dialogue_margin_s: float = 2.0
    #: A boundary snaps to a shot cut only within this many seconds of where it was placed
    #: (``None``: any cut inside the gap between the neighbouring scenes' dialogue).
    snap_window_s: float | None = None
    #: Largest Needleman-Wunsch table (transcript words x script words) kept in memory.
    max_alignment_cells: int = 400_000_000
