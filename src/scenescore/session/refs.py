"""Stable names for scenes and the film's clock, so edits can point at the script.

A scene's key is its heading (upper case, spaces collapsed) plus an ordinal when the heading
repeats: ``INT. MARSH HOUSE - KITCHEN - NIGHT`` and ``INT. MARSH HOUSE - KITCHEN - NIGHT [2]``.
Row numbers shift whenever a scene is inserted; headings do not, so a key still finds its scene
in a revised draft (a renamed scene is found as renamed, see :mod:`scenescore.session.revision`).
A ref in an edit is a key, a heading without ordinal (the first such scene) or a printed scene
number (``#12``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.records import Scene

_ORDINAL = re.compile(r"^(.*?)\s*\[(\d+)\]\s*$")
_NUMBER = re.compile(r"^#\s*([A-Za-z0-9.-]+)$")


def normalize_heading(heading: str) -> str:
    return " ".join(heading.upper().split())


def scene_keys(scenes: Sequence[Scene]) -> dict[int, str]:
    """Scene id → stable key (heading, plus ``[n]`` from the second scene of that heading on)."""
    seen: dict[str, int] = {}
    out: dict[int, str] = {}
    for scene in scenes:
        head = normalize_heading(scene.heading) or "SCENE"
        seen[head] = seen.get(head, 0) + 1
        out[scene.scene_id] = head if seen[head] == 1 else f"{head} [{seen[head]}]"
    return out


def scene_timings(scenes: Sequence[Scene], spans: Mapping[int, tuple[float, float]] | None = None
                  ) -> dict[int, tuple[float, float]]:
    """Scene id → (start, end) seconds: the footage where aligned, else the running estimate
    (the clock ``spot_cues`` uses)."""
    out: dict[int, tuple[float, float]] = {}
    clock = 0.0
    for scene in scenes:
        span = spans.get(scene.scene_id) if spans else None
        if span is None and getattr(scene, "time_basis", "estimated") == "picture" \
                and scene.start_s is not None and scene.end_s is not None:
            span = (scene.start_s, scene.end_s)  # the scene table holds its picture time
        if span is not None:
            start, end = float(span[0]), float(span[1])
        else:
            start, end = clock, clock + max(0.0, float(scene.est_seconds))
        out[scene.scene_id] = (start, max(start, end))
        clock = max(start, end)
    return out


class RefError(LookupError):
    """A ref that matches no scene (or a line that matches several places)."""


@dataclass(frozen=True, slots=True)
class SceneIndex:
    """The scenes of one draft, found by key, heading or printed number, with their times."""

    scenes: tuple[Scene, ...]
    keys: Mapping[int, str]
    times: Mapping[int, tuple[float, float]]

    @classmethod
    def build(cls, scenes: Sequence[Scene], spans: Mapping[int, tuple[float, float]] | None = None) -> SceneIndex:
        return cls(tuple(scenes), scene_keys(scenes), scene_timings(scenes, spans))

    def find(self, ref: str) -> Scene:
        """The scene a ref names; :class:`RefError` when none does."""
        text = " ".join(ref.split())
        m = _NUMBER.match(text)
        if m:
            for scene in self.scenes:
                if scene.number is not None and str(scene.number).upper() == m.group(1).upper():
                    return scene
            raise RefError(f"no scene numbered {m.group(1)}")
        wanted = normalize_heading(text)
        m = _ORDINAL.match(wanted)
        if m and int(m.group(2)) == 1:
            wanted = m.group(1)
        for scene in self.scenes:
            if self.keys[scene.scene_id] == wanted:
                return scene
        raise RefError(f"no scene {ref!r}")

    def key(self, scene_id: int) -> str:
        return self.keys[scene_id]

    def by_key(self) -> dict[str, Scene]:
        return {self.keys[s.scene_id]: s for s in self.scenes}

    def line_time(self, line: str, scene_ref: str | None) -> tuple[Scene, float]:
        """The time a line of the script is reached: where its words sit in the scene's text,
        as a share of the scene's duration (the same estimate the scene's length comes from)."""
        words = " ".join(line.split()).lower()
        candidates = [self.find(scene_ref)] if scene_ref else list(self.scenes)
        hits: list[tuple[Scene, float]] = []
        for scene in candidates:
            text = " ".join(scene.text.split()).lower()
            at = text.find(words)
            if at >= 0:
                start, end = self.times[scene.scene_id]
                hits.append((scene, start + (end - start) * at / max(1, len(text))))
        if not hits:
            raise RefError(f"no line “{line}”" + (f" in {scene_ref}" if scene_ref else ""))
        if len(hits) > 1:
            names = ", ".join(self.keys[s.scene_id] for s, _ in hits[:4])
            raise RefError(f"the line “{line}” is in several scenes ({names}); add scene = ...")
        return hits[0]

    def scenes_between(self, start: float, end: float) -> tuple[int, ...]:
        """Scene ids that overlap ``[start, end)`` by more than a frame."""
        out = []
        for scene in self.scenes:
            s, e = self.times[scene.scene_id]
            if min(e, end) - max(s, start) > 1 / 48 or (s == e and start <= s < end):
                out.append(scene.scene_id)
        return tuple(out)
