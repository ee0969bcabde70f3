"""Everything one cue's translation may look at, gathered once per cue.

Backends never reach back into the scene table or the memory: they get a :class:`CueContext`,
built in film order by :func:`build_contexts` (themes and the palette need the whole film).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from scenescore.conditions.keyplan import KeyArea
from scenescore.conditions.palette import Palette
from scenescore.conditions.schema import ThemeUse
from scenescore.memory.affect import SceneAffect
from scenescore.records import Scene
from scenescore.spotting.records import Cue


@dataclass(frozen=True, slots=True)
class CueContext:
    cue: Cue
    scenes: tuple[Scene, ...]
    #: One per scene of the cue, same order (neutral when the film had no emotion analysis).
    affects: tuple[SceneAffect, ...]
    themes: tuple[ThemeUse, ...]
    palette: Palette
    previous: Cue | None = None
    following: Cue | None = None
    #: Scene id → evidence from footage (captions, transcript lines, shot counts) when the
    #: alignment stage provides it.
    evidence: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: The user's film-level brief.
    style: str | None = None
    #: Where the film's key plan puts this cue (conditions/keyplan.py); None: at home.
    key_area: KeyArea | None = None


def build_contexts(cues: Sequence[Cue], scenes: Sequence[Scene], affects: Mapping[int, SceneAffect],
                   palette: Palette, themes: Mapping[str, tuple[ThemeUse, ...]], *,
                   evidence: Mapping[int, Sequence[str]] | None = None,
                   style: str | None = None,
                   key_plan: Mapping[str, KeyArea] | None = None) -> list[CueContext]:
    by_id = {s.scene_id: s for s in scenes}
    out: list[CueContext] = []
    for i, cue in enumerate(cues):
        cue_scenes = tuple(by_id[sid] for sid in cue.scene_ids if sid in by_id)
        out.append(CueContext(
            cue=cue, scenes=cue_scenes,
            affects=tuple(affects.get(s.scene_id, SceneAffect(scene_id=s.scene_id))
                          for s in cue_scenes),
            themes=themes.get(cue.cue_id, ()), palette=palette,
            previous=cues[i - 1] if i else None,
            following=cues[i + 1] if i + 1 < len(cues) else None,
            evidence={sid: tuple(evidence[sid]) for sid in cue.scene_ids
                      if evidence and sid in evidence},
            style=style,
            key_area=(key_plan or {}).get(cue.cue_id),
        ))
    return out
