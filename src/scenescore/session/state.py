"""What a run folder keeps for the session between runs, and spotting with edits in one call.

``session.json`` in the run folder holds what the next run compares against: this draft's scene
keys, spot's own cues before any edit (so a revised draft's cues can take the ids their
counterparts had) and the cues and conditions delivered (for the diff). Locks are kept apart
(``locks.json``): a lock lasts as long as its edit, whatever else changes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.session.apply import EditedCues, Known, LockedCue, apply_cue_edits
from scenescore.session.edits import EDITS_FILE, SpottingEdits
from scenescore.session.ids import stabilize_ids
from scenescore.session.refs import scene_keys
from scenescore.session.revision import SceneDiff, diff_scenes

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.records import Scene
    from scenescore.spotting.options import SpotOptions
    from scenescore.spotting.records import Cue

STATE_FILE = "session.json"
LOCKS_FILE = "locks.json"


@dataclass(slots=True)
class PreviousRun:
    """What an earlier run of the film had (read from its ``session.json``)."""

    #: Scene rows needed to diff drafts: id, heading, text (the key is derived).
    scenes: list[dict[str, Any]] = field(default_factory=list)
    #: Spot's cues before edits: (id, reel, scene keys).
    spotted: list[tuple[str, int, frozenset[str]]] = field(default_factory=list)
    #: Delivered cues (``Cue.to_dict()``) and conditions (by cue id).
    cues: list[dict[str, Any]] = field(default_factory=list)
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def keys(self) -> dict[int, str]:
        return scene_keys(self.scene_records())

    def scene_records(self) -> list[Any]:
        from types import SimpleNamespace

        return [SimpleNamespace(scene_id=int(s["scene_id"]), heading=s["heading"], text=s["text"])
                for s in self.scenes]

    def known(self) -> Known:
        ids = {s[0] for s in self.spotted} | {c["cue_id"] for c in self.cues}
        return Known(scene_keys=frozenset(self.keys.values()), cue_ids=frozenset(ids))

    def to_dict(self) -> dict[str, Any]:
        return {"scenes": self.scenes, "spotted": [[i, r, sorted(k)] for i, r, k in self.spotted],
                "cues": self.cues, "conditions": self.conditions}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PreviousRun:
        return cls(scenes=list(data.get("scenes", [])),
                   spotted=[(str(i), int(r), frozenset(k)) for i, r, k in data.get("spotted", [])],
                   cues=list(data.get("cues", [])), conditions=dict(data.get("conditions", {})))


def scene_rows(scenes: Sequence[Scene]) -> list[dict[str, Any]]:
    return [{"scene_id": s.scene_id, "heading": s.heading, "text": s.text} for s in scenes]


def read_previous(folder: str | Path) -> PreviousRun | None:
    """The earlier run's session state, or None when the folder has none (or an unreadable one)."""
    try:
        return PreviousRun.from_dict(json.loads((Path(folder) / STATE_FILE).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def read_locks(folder: str | Path) -> dict[str, LockedCue]:
    try:
        data = json.loads((Path(folder) / LOCKS_FILE).read_text(encoding="utf-8"))
        return {k: LockedCue.from_dict(v) for k, v in data.items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def locks_bytes(locks: Mapping[str, LockedCue]) -> bytes:
    data = {k: v.to_dict() for k, v in sorted(locks.items())}
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(slots=True)
class SpotSession:
    """Spot's cues after ids were kept from an earlier run and the edits applied."""

    edited: EditedCues
    spotted: list[Cue]
    #: Spot's id → the id it carries now (the same unless a revision renumbered).
    ids: dict[str, str]
    scenes: SceneDiff | None = None


def edit_spotting(cues: Sequence[Cue], scenes: Sequence[Scene], edits: SpottingEdits, *,
                  analysis: Any = None, spans: Mapping[int, tuple[float, float]] | None = None,
                  previous: PreviousRun | None = None, locks: Mapping[str, LockedCue] | None = None,
                  options: SpotOptions | None = None, source: str | Path = EDITS_FILE) -> SpotSession:
    """Spot's output → the cues of this run: ids kept from ``previous``, then the edits applied."""
    keys = scene_keys(scenes)
    ids = {c.cue_id: c.cue_id for c in cues}
    spotted = list(cues)
    diff = None
    if previous is not None and previous.spotted:
        spotted, ids = stabilize_ids(cues, previous.spotted, keys)
        diff = diff_scenes(previous.scene_records(), scenes)  # type: ignore[arg-type]
    known = previous.known() if previous is not None else None
    edited = apply_cue_edits(spotted, scenes, edits, analysis=analysis, spans=spans, locks=locks, known=known,
                             options=options, source=source)
    return SpotSession(edited=edited, spotted=spotted, ids=ids, scenes=diff)
