"""Where each scene sits in the film, in seconds: the one clock every deliverable reads.

Without footage the scenes' estimates (``est_seconds``) are laid end to end from 0; with footage
each aligned scene takes its span on the picture, and a scene the alignment could not place
follows the one before it for its estimated length (as spotting always did).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from scenescore.records import Scene


def place_scenes_in_time(scenes: Sequence[Scene], spans: Mapping[int, tuple[float, float]] | None = None
                         ) -> tuple[Scene, ...]:
    """The scenes with ``start_s``/``end_s`` set (``time_basis``: ``picture`` where a span placed
    the scene, else ``estimated``)."""
    out = []
    clock = 0.0
    for scene in scenes:
        span = spans.get(scene.scene_id) if spans else None
        if span is not None:
            start, end, basis = float(span[0]), float(span[1]), "picture"
        else:
            start, end, basis = clock, clock + max(0.0, float(scene.est_seconds)), "estimated"
        end = max(start, end)
        out.append(dataclasses.replace(scene, start_s=start, end_s=end, time_basis=basis))
        clock = end
    return tuple(out)
