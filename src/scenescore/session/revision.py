"""A revised draft against an earlier run: which scenes changed, which cues changed and why.

Scenes are matched by key (heading + ordinal); scenes left over on both sides are matched by
their text (a scene whose heading changed but whose words mostly did not was *renamed*), the
rest were inserted or deleted. Cues are compared by id (ids are kept across drafts, see
:mod:`scenescore.session.ids`): added, removed, moved (in or out), other scenes, another
condition, or touched by an edit. The diff is a list of records a console or a report prints.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scenescore.session.refs import scene_keys

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.records import Scene

#: Share of matching words above which a scene with a new heading counts as renamed.
RENAMED_SIMILARITY = 0.6
#: Condition fields a change of which is worth a line in the diff.
_FIELDS = ("key", "mode", "tempo_bpm", "meter", "genre", "dynamics", "articulation", "duration_s")


@dataclass(frozen=True, slots=True)
class SceneDiff:
    """How a draft's scenes map onto an earlier draft's (by key)."""

    kept: tuple[str, ...] = ()
    inserted: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    #: (old key, new key) of scenes whose heading changed.
    renamed: tuple[tuple[str, str], ...] = ()
    #: Kept scenes whose text changed.
    rewritten: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not (self.inserted or self.deleted or self.renamed or self.rewritten)

    def to_dict(self) -> dict[str, Any]:
        return {"inserted": list(self.inserted), "deleted": list(self.deleted),
                "renamed": [list(p) for p in self.renamed], "rewritten": list(self.rewritten)}

    def lines(self) -> list[str]:
        out = [f"scene inserted: {k}" for k in self.inserted]
        out += [f"scene deleted: {k}" for k in self.deleted]
        out += [f"scene renamed: {a} → {b}" for a, b in self.renamed]
        out += [f"scene rewritten: {k}" for k in self.rewritten]
        return out


def _words(scene: Scene) -> list[str]:
    return scene.text.split()[len(scene.heading.split()):]


def diff_scenes(old: Sequence[Scene], new: Sequence[Scene]) -> SceneDiff:
    old_keys, new_keys = scene_keys(old), scene_keys(new)
    old_by = {old_keys[s.scene_id]: s for s in old}
    new_by = {new_keys[s.scene_id]: s for s in new}
    kept = [k for k in new_by if k in old_by]
    rewritten = [k for k in kept if _words(old_by[k]) != _words(new_by[k])]
    gone = [k for k in old_by if k not in new_by]
    fresh = [k for k in new_by if k not in old_by]
    renamed: list[tuple[str, str]] = []
    for o in list(gone):
        ow = _words(old_by[o])
        best, score = None, 0.0
        for n in fresh:
            ratio = difflib.SequenceMatcher(None, ow, _words(new_by[n]), autojunk=False).ratio()
            if ratio > score:
                best, score = n, ratio
        if best is not None and score >= RENAMED_SIMILARITY:
            renamed.append((o, best))
            gone.remove(o)
            fresh.remove(best)
    return SceneDiff(kept=tuple(kept), inserted=tuple(fresh), deleted=tuple(gone), renamed=tuple(renamed),
                     rewritten=tuple(rewritten))


@dataclass(frozen=True, slots=True)
class CueChange:
    """One cue that is not what it was, and why (``added``, ``removed`` or ``changed``)."""

    cue_id: str
    status: str
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"cue_id": self.cue_id, "status": self.status, "reasons": list(self.reasons)}

    def line(self) -> str:
        return f"{self.cue_id} {self.status}" + (f": {'; '.join(self.reasons)}" if self.reasons else "")


def _fmt_time(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _condition_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    out = []
    for name in _FIELDS:
        a, b = old.get(name), new.get(name)
        if a != b:
            if isinstance(a, float) or isinstance(b, float):
                if a is not None and b is not None and abs(float(a) - float(b)) < 1e-6:
                    continue
                out.append(f"{name} {a:g} → {b:g}" if a is not None and b is not None else f"{name} {a} → {b}")
            else:
                out.append(f"{name} {a} → {b}")
    names = lambda c: [i.get("name") for i in c.get("instrumentation", ())]  # noqa: E731
    if names(old) != names(new):
        out.append(f"instruments {', '.join(map(str, names(old)))} → {', '.join(map(str, names(new)))}")
    themes = lambda c: [f"{t.get('motif')} {t.get('transformation')}" for t in c.get("themes", ())]  # noqa: E731
    if themes(old) != themes(new):
        out.append(f"themes {', '.join(themes(old)) or 'none'} → {', '.join(themes(new)) or 'none'}")
    if not out and old != new:
        out.append("condition details (prompt, curve or rationale)")
    return out


def diff_cues(old_cues: Sequence[Mapping[str, Any]], new_cues: Sequence[Mapping[str, Any]], *,
              old_keys: Mapping[int, str], new_keys: Mapping[int, str],
              old_conditions: Mapping[str, Mapping[str, Any]] | None = None,
              new_conditions: Mapping[str, Mapping[str, Any]] | None = None,
              edits: Mapping[str, Sequence[str]] | None = None, scenes: SceneDiff | None = None) -> list[CueChange]:
    """Cues (as ``Cue.to_dict()`` rows) of an earlier run against a new one, in film order.

    ``old_keys``/``new_keys`` map each run's scene ids to keys; ``edits`` maps a cue id to the
    edits that touched it this run; ``scenes`` (the scene diff) explains scene-level reasons.
    """
    old_by = {c["cue_id"]: c for c in old_cues}
    new_by = {c["cue_id"]: c for c in new_cues}
    renamed_to = dict(scenes.renamed) if scenes else {}
    inserted = set(scenes.inserted) if scenes else set()
    deleted = set(scenes.deleted) if scenes else set()
    changes: list[tuple[float, CueChange]] = []
    for cid, new in new_by.items():
        reasons: list[str] = list(f"edit {e}" for e in (edits or {}).get(cid, ()))
        new_k = [new_keys.get(s, f"#{s}") for s in new["scene_ids"]]
        old = old_by.get(cid)
        if old is None:
            why = [f"covers new scene {k}" for k in new_k if k in inserted]
            changes.append((new["start_s"], CueChange(cid, "added", tuple(reasons + why))))
            continue
        old_k = [old_keys.get(s, f"#{s}") for s in old["scene_ids"]]
        old_k_now = [dict(renamed_to).get(k, k) for k in old_k]
        if old_k_now != new_k:
            plus = [k for k in new_k if k not in old_k_now]
            minus = [k for k in old_k if dict(renamed_to).get(k, k) not in new_k]
            parts = [f"+ {k}" + (" (new scene)" if k in inserted else "") for k in plus]
            parts += [f"− {k}" + (" (deleted)" if k in deleted else "") for k in minus]
            reasons.append("scenes " + ", ".join(parts))
        renamed_here = [f"{a} → {b}" for a, b in renamed_to.items() if a in old_k]
        if renamed_here:
            reasons.append("renamed " + ", ".join(renamed_here))
        if abs(float(old["start_s"]) - float(new["start_s"])) > 0.05:
            reasons.append(f"in {_fmt_time(float(old['start_s']))} → {_fmt_time(float(new['start_s']))}")
        if abs(float(old["end_s"]) - float(new["end_s"])) > 0.05:
            reasons.append(f"out {_fmt_time(float(old['end_s']))} → {_fmt_time(float(new['end_s']))}")
        if scenes is not None:
            rewritten = [k for k in new_k if k in scenes.rewritten]
            if rewritten:
                reasons.append("text changed in " + ", ".join(rewritten))
        if old_conditions is not None and new_conditions is not None and cid in old_conditions and cid in new_conditions:
            reasons += _condition_changes(old_conditions[cid], new_conditions[cid])
        if reasons:
            changes.append((new["start_s"], CueChange(cid, "changed", tuple(dict.fromkeys(reasons)))))
    for cid, old in old_by.items():
        if cid not in new_by:
            old_k = [old_keys.get(s, f"#{s}") for s in old["scene_ids"]]
            why = [f"scene {k} deleted" for k in old_k if k in deleted]
            why += list(f"edit {e}" for e in (edits or {}).get(cid, ()))
            changes.append((old["start_s"], CueChange(cid, "removed", tuple(why))))
    return [c for _, c in sorted(changes, key=lambda p: p[0])]


@dataclass(slots=True)
class Revision:
    """Everything a console or report says about a re-run against an earlier one."""

    scenes: SceneDiff = field(default_factory=SceneDiff)
    cues: list[CueChange] = field(default_factory=list)
    #: ``EditNote`` dicts: each edit applied or stale, with why.
    edits: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"scenes": self.scenes.to_dict(), "cues": [c.to_dict() for c in self.cues], "edits": self.edits}

    def lines(self) -> list[str]:
        out = self.scenes.lines()
        out += [c.line() for c in self.cues]
        out += [f"edit {e['edit']} no longer applies: {e['detail']}" for e in self.edits if e["status"] == "stale"]
        return out
