"""What the picture shows, blended into the scenes' readings (with footage, before the memory)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from scenescore.emotion.records import SceneEmotion


def blend_visual(emotions: Sequence[SceneEmotion], visual: Mapping[int, tuple[float, float, float]],
                 *, weight: float = 0.3) -> list[SceneEmotion]:
    """Add what the picture shows as one more reading of each scene.

    ``visual`` maps a scene id to (valence, arousal, confidence) from the footage (CLIP zero-shot
    on key frames). The scene's reading moves towards it by ``weight × confidence``, and the
    evidence says so; scenes without picture evidence are unchanged.
    """
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
