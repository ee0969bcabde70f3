"""The discrete emotions scenescore reports and where they sit on the valence/arousal plane.

A shared record, not a stage: the analyze stage (:mod:`scenescore.emotion`) scores text into
these labels, and the picture evidence (:mod:`scenescore.align.evidence`, which runs before
analyze) scores key frames into the same labels. The placements are this project's, on
Russell's circumplex, documented in docs/emotion.md.
"""

from __future__ import annotations

#: The discrete emotions scenescore reports (lexicon backend), with their circumplex positions.
CORE_LABELS: dict[str, tuple[float, float]] = {
    "joy": (0.8, 0.45),
    "tenderness": (0.65, -0.25),
    "calm": (0.35, -0.7),
    "sadness": (-0.7, -0.4),
    "fear": (-0.65, 0.7),
    "anger": (-0.6, 0.75),
    "surprise": (0.15, 0.8),
    "disgust": (-0.7, 0.3),
}
