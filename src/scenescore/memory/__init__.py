"""The remember stage: the context memory carried scene to scene, and the film's emotional arc.

    from scenescore.memory import analyze_screenplay, scene_affects
    analysis = analyze_screenplay(screenplay.scenes)     # analyze (emotion) + remember + arc
    affects = scene_affects(analysis)                     # what spot and translate read

It comes after the analyze stage (:mod:`scenescore.emotion`) and imports only it and the shared
records; see :mod:`scenescore.memory.context` for how the memory works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scenescore.emotion.backends import EmotionBackend, create_backend
from scenescore.emotion.options import AnalyzeOptions, MemoryOptions
from scenescore.emotion.records import EmotionAnalysis
from scenescore.emotion.scene import ProgressCallback, analyze_scenes_with
from scenescore.emotion.visual import blend_visual
from scenescore.memory.affect import CharacterAffect, SceneAffect, scene_affects
from scenescore.memory.context import (
    LAYER_KINDS,
    PRESENT,
    EmotionMemory,
    Layer,
    MemoryState,
    advance,
    character_id,
    emotional_arc,
    group_scenes,
    remember,
)
from scenescore.records import Scene

__all__ = [
    "LAYER_KINDS", "PRESENT", "CharacterAffect", "EmotionMemory", "Layer", "MemoryOptions",
    "MemoryState", "SceneAffect", "advance", "analyze_screenplay", "character_id",
    "emotional_arc", "group_scenes", "remember", "scene_affects",
]


def analyze_screenplay(scenes: Sequence[Scene], *, options: AnalyzeOptions | None = None,
                       memory: MemoryOptions | None = None, backend: EmotionBackend | None = None,
                       progress: ProgressCallback | None = None,
                       visual: Mapping[int, tuple[float, float, float]] | None = None,
                       style: str | None = None, tags: Sequence[str] = ()) -> EmotionAnalysis:
    """Analyze every scene, then run the context memory and the arc over the film.

    ``visual`` (scene id → valence, arousal, confidence from the footage) is blended into each
    scene's reading before the memory runs (:func:`scenescore.emotion.blend_visual`). ``style``
    (the user's brief) and ``tags`` (the source's genre tags) inform the film's tone
    (``emotion/tone.py``), blended into every contextual state with ``MemoryOptions.tone_weight``;
    with five scenes or more the arc reports the narrative turning points TP1-TP5
    (``emotion/turning.py``).
    """
    import dataclasses

    from scenescore.emotion.tone import apply_tone, estimate_tone
    from scenescore.emotion.turning import find_turning_points

    opts = options or AnalyzeOptions()
    mem = memory or MemoryOptions()
    be = backend or create_backend(opts)
    emotions = analyze_scenes_with(be, scenes, opts, progress)
    if visual:
        emotions = blend_visual(emotions, visual, weight=opts.visual_weight)
    tone = estimate_tone(scenes, emotions, style=style, tags=tags)
    states = remember(emotions, mem)
    if mem.enabled:
        states = apply_tone(states, tone, mem.tone_weight)
    arc = emotional_arc(states, mem)
    if mem.narrative_turning_points and len(scenes) >= 5:  # shorter: the raw shifts
        arc = dataclasses.replace(arc, turning_points=find_turning_points(scenes, emotions, states))
    return EmotionAnalysis(emotions=tuple(emotions), states=tuple(states), arc=arc, backend=be.name,
                           tone=tone)
