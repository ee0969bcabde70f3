"""Records of the align stage: shots, transcript lines, scene spans in picture time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from scenescore.align.media import VideoInfo


@dataclass(frozen=True, slots=True)
class Shot:
    """One shot: frames ``[start_frame, end_frame)`` and the same in seconds."""

    index: int
    start_frame: int
    end_frame: int
    start_s: float
    end_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start_frame": self.start_frame, "end_frame": self.end_frame,
                "start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """A subtitle cue or a Whisper chunk, and where it landed in the screenplay."""

    index: int
    start_s: float
    end_s: float
    text: str
    #: The scene it was aligned to (``None``: added line, or not recognised).
    scene_id: int | None = None
    #: Index of the matched line in that scene's dialogue.
    line_index: int | None = None
    #: Share of its words matched to the script (first pass) or token similarity (second pass).
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start_s": round(self.start_s, 3),
                "end_s": round(self.end_s, 3), "text": self.text, "scene_id": self.scene_id,
                "line_index": self.line_index, "score": round(self.score, 3)}


@dataclass(frozen=True, slots=True)
class SceneSpan:
    """A scene's place in the footage."""

    scene_id: int
    start_s: float
    end_s: float
    start_tc: str
    end_tc: str
    #: 0..1: how sure the placement is (dialogue coverage, boundaries on shot cuts).
    confidence: float
    #: ``dialogue`` (its lines were found) or ``interpolated`` (placed between neighbours).
    method: str
    #: Script dialogue words of the scene, and how many were matched in the transcript.
    dialogue_words: int
    matched_words: int
    #: Whether the start and end boundaries sit on detected shot cuts (or the film's ends).
    start_on_cut: bool
    end_on_cut: bool
    timing_basis: str = "picture"

    def to_dict(self) -> dict[str, Any]:
        return {"scene_id": self.scene_id, "start_s": round(self.start_s, 3),
                "end_s": round(self.end_s, 3), "start_tc": self.start_tc, "end_tc": self.end_tc,
                "confidence": round(self.confidence, 3), "method": self.method,
                "dialogue_words": self.dialogue_words, "matched_words": self.matched_words,
                "start_on_cut": self.start_on_cut, "end_on_cut": self.end_on_cut,
                "timing_basis": self.timing_basis}


#: Column order of the scene span table (declared once).
SPAN_COLUMNS: tuple[str, ...] = (
    "scene_id", "start_s", "end_s", "start_tc", "end_tc", "confidence", "method",
    "dialogue_words", "matched_words", "start_on_cut", "end_on_cut", "timing_basis",
)
SHOT_COLUMNS: tuple[str, ...] = ("index", "start_frame", "end_frame", "start_s", "end_s")
TRANSCRIPT_COLUMNS: tuple[str, ...] = (
    "index", "start_s", "end_s", "text", "scene_id", "line_index", "score",
)


@dataclass(frozen=True, slots=True)
class Alignment:
    """The screenplay placed on the footage."""

    video: VideoInfo
    shots: tuple[Shot, ...]
    transcript: tuple[TranscriptLine, ...]
    scenes: tuple[SceneSpan, ...]
    #: ``subtitles`` or ``whisper``.
    transcript_source: str
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def cut_frames(self) -> list[int]:
        """Frames where a new shot starts (the first shot's start is not a cut)."""
        return [s.start_frame for s in self.shots[1:]]

    @property
    def spans(self) -> Mapping[int, tuple[float, float]]:
        """``scene_id -> (start_s, end_s)``: what :func:`scenescore.spotting.spot_cues` takes."""
        return {s.scene_id: (s.start_s, s.end_s) for s in self.scenes}

    @property
    def confidence(self) -> Mapping[int, float]:
        return {s.scene_id: s.confidence for s in self.scenes}

    def to_dict(self) -> dict[str, Any]:
        return {"video": self.video.to_dict(), "transcript_source": self.transcript_source,
                "shots": [s.to_dict() for s in self.shots],
                "transcript": [t.to_dict() for t in self.transcript],
                "scenes": [s.to_dict() for s in self.scenes], "warnings": list(self.warnings)}
