"""The analyze stage: per-scene emotion (valence, arousal, discrete emotions, evidence).

    from scenescore.emotion import analyze_scenes, write_emotions
    emotions = analyze_scenes(screenplay.scenes)                 # each scene on its own
    # analyze + remember + arc: scenescore.memory.analyze_screenplay (the next stage)

Backends (``AnalyzeOptions.backend``): ``lexicon`` (default, offline), ``transformers`` (a local
text-classification model), ``llm`` (an OpenAI-compatible server). See docs/emotion.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenescore.emotion.backends import BACKENDS, EmotionBackend, create_backend
from scenescore.emotion.options import (
    AnalyzeOptions,
    LLMOptions,
    MemoryOptions,
    TransformersOptions,
)
from scenescore.emotion.records import (
    ArcPoint,
    CharacterState,
    ContextState,
    EmotionalArc,
    EmotionAnalysis,
    SceneEmotion,
    TextEmotion,
    TurningPoint,
)
from scenescore.emotion.scene import ProgressCallback, analyze_scenes_with
from scenescore.emotion.table import (
    EMOTION_COLUMNS,
    emotions_to_frame,
    scenes_from_frame,
    write_emotions,
)
from scenescore.emotion.visual import blend_visual
from scenescore.records import Scene

__all__ = [
    "BACKENDS", "EMOTION_COLUMNS", "AnalyzeOptions", "ArcPoint", "CharacterState", "ContextState",
    "EmotionAnalysis", "EmotionBackend", "EmotionalArc", "LLMOptions", "MemoryOptions",
    "SceneEmotion", "TextEmotion", "TransformersOptions", "TurningPoint", "analyze_scenes",
    "analyze_screenplay", "analyze_texts", "blend_visual", "create_backend", "emotions_to_frame",
    "scenes_from_frame", "write_emotions",
]


def analyze_texts(texts: Sequence[str], *, options: AnalyzeOptions | None = None,
                  backend: EmotionBackend | None = None) -> list[TextEmotion]:
    """Score plain texts (one result per text, in order): for evaluation on any corpus."""
    opts = options or AnalyzeOptions()
    return (backend or create_backend(opts)).score_texts(list(texts))


def analyze_scenes(scenes: Sequence[Scene], *, options: AnalyzeOptions | None = None,
                   backend: EmotionBackend | None = None,
                   progress: ProgressCallback | None = None) -> list[SceneEmotion]:
    """Each scene on its own: valence, arousal, emotions, evidence, per-character readings."""
    opts = options or AnalyzeOptions()
    return analyze_scenes_with(backend or create_backend(opts), scenes, opts, progress)


def __getattr__(name: str) -> object:
    """``analyze_screenplay`` runs the remember stage too, so it lives in :mod:`scenescore.memory`;
    the old import path keeps working (the one sanctioned backward import, see
    docs/architecture.md)."""
    if name == "analyze_screenplay":
        from scenescore.memory import analyze_screenplay

        return analyze_screenplay
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
