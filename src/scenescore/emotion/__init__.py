"""The analyze stage: per-scene emotion (valence, arousal, discrete emotions, evidence).

    from scenescore.emotion import analyze_screenplay, write_emotions
    analysis = analyze_screenplay(screenplay.scenes)            # analyze + remember + arc
    write_emotions(analysis, "emotions.parquet")

Backends (``AnalyzeOptions.backend``): ``lexicon`` (default, offline), ``transformers`` (a local
text-classification model), ``llm`` (an OpenAI-compatible server). See docs/emotion.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def blend_visual(emotions: Sequence[SceneEmotion], visual: Mapping[int, tuple[float, float, float]],
                 *, weight: float = 0.3) -> list[SceneEmotion]:
    """Add what the picture shows as one more reading of each scene.

    ``visual`` maps a scene id to (valence, arousal, confidence) from the footage (CLIP zero-shot
    on key frames). The scene's reading moves towards it by ``weight × confidence``, and the
    evidence says so; scenes without picture evidence are unchanged.
    """
    import dataclasses

    out = []
    for e in emotions:
        seen = visual.get(e.scene_id)
        if not seen or seen[2] <= 0:
            out.append(e)
            continue
        v, a, conf = seen
        w = max(0.0, min(1.0, weight * conf))
        out.append(dataclasses.replace(
            e, valence=round((1 - w) * e.valence + w * v, 4), arousal=round((1 - w) * e.arousal + w * a, 4),
            evidence=(*e.evidence, f"picture: valence {v:+.2f}, arousal {a:+.2f} (weight {w:.2f})")))
    return out


def analyze_screenplay(scenes: Sequence[Scene], *, options: AnalyzeOptions | None = None,
                       memory: MemoryOptions | None = None, backend: EmotionBackend | None = None,
                       progress: ProgressCallback | None = None,
                       visual: Mapping[int, tuple[float, float, float]] | None = None,
                       style: str | None = None, tags: Sequence[str] = ()) -> EmotionAnalysis:
    """Analyze every scene, then run the context memory and the arc over the film.

    ``visual`` (scene id → valence, arousal, confidence from the footage) is blended into each
    scene's reading before the memory runs (:func:`blend_visual`). ``style`` (the user's brief)
    and ``tags`` (the source's genre tags) inform the film's tone (``emotion/tone.py``), which is
    blended into every contextual state with ``MemoryOptions.tone_weight``.
    """
    from scenescore.memory import emotional_arc, remember

    opts = options or AnalyzeOptions()
    mem = memory or MemoryOptions()
    be = backend or create_backend(opts)
    emotions = analyze_scenes_with(be, scenes, opts, progress)
    if visual:
        emotions = blend_visual(emotions, visual, weight=opts.visual_weight)
    from scenescore.emotion.tone import apply_tone, estimate_tone

    tone = estimate_tone(scenes, emotions, style=style, tags=tags)
    states = remember(emotions, mem)
    if mem.enabled:
        states = apply_tone(states, tone, mem.tone_weight)
    arc = emotional_arc(states, mem)
    if mem.narrative_turning_points and len(scenes) >= 5:  # shorter: the raw shifts
        import dataclasses

        from scenescore.emotion.turning import find_turning_points

        arc = dataclasses.replace(arc, turning_points=find_turning_points(scenes, emotions, states))
    return EmotionAnalysis(emotions=tuple(emotions), states=tuple(states), arc=arc, backend=be.name,
                           tone=tone)
