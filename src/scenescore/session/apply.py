"""Apply a session's edits: to the cue list after spot, and to the conditions after translate.

Both steps are pure functions of what the stages produced and the edits, so a re-run with the
same script and the same ``spotting.toml`` gives the same cues and conditions, and a cue no edit
touches comes out exactly as spot and translate made it.

Order, so each edit sees the film it was written against: locks first (a locked cue is the
machine's proposal frozen when the lock was first applied: placed on its scenes, wherever they
now are), then scenes forced dry or scored, then edits of cues in file order (delete, merge,
split, in, out), then added cues. The result is checked at the end: no two cues overlap, none is
empty. An edit that finds nothing to act on is reported by name (``stale``) when an earlier draft
or run knew what it names; when nothing ever matched it is a mistake and an :class:`EditError`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scenescore.session.edits import (
    EDITS_FILE,
    AddCue,
    CueEdit,
    EditError,
    Music,
    Point,
    SceneEdit,
    SpottingEdits,
    ThemePin,
    edit_label,
    split_key,
)
from scenescore.session.ids import number_new_cues
from scenescore.session.refs import RefError, SceneIndex

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from scenescore.conditions.schema import MusicCondition
    from scenescore.memory.affect import SceneAffect
    from scenescore.records import Scene
    from scenescore.spotting.options import SpotOptions
    from scenescore.spotting.records import Cue

#: Two cues closer than this overlap (one frame at 48 fps).
_FRAME = 1 / 48
#: Shortest cue an edit may leave.
MIN_CUE_S = 0.5


@dataclass(frozen=True, slots=True)
class EditNote:
    """What became of one edit: ``applied``, or ``stale`` (nothing left to act on) and why."""

    edit: str
    status: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"edit": self.edit, "status": self.status, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Known:
    """What an earlier draft or run had: refs to these are stale, not mistakes."""

    scene_keys: frozenset[str] = frozenset()
    cue_ids: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class LockedCue:
    """A locked cue as the machine proposed it when the lock was first applied."""

    cue: dict[str, Any]
    scene_keys: tuple[str, ...]
    #: Start relative to the first scene's start (so the cue follows its scenes in a revision).
    offset_s: float
    condition: dict[str, Any] | None = None

    @property
    def cue_id(self) -> str:
        return str(self.cue["cue_id"])

    def to_dict(self) -> dict[str, Any]:
        return {"cue": self.cue, "scene_keys": list(self.scene_keys), "offset_s": round(self.offset_s, 3),
                "condition": self.condition}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LockedCue:
        return cls(cue=dict(data["cue"]), scene_keys=tuple(data["scene_keys"]), offset_s=float(data["offset_s"]),
                   condition=dict(data["condition"]) if data.get("condition") else None)


@dataclass(slots=True)
class EditedCues:
    """The cue list after the session's edits, and what the translate step needs to know."""

    cues: list[Cue]
    notes: list[EditNote]
    #: Cue id → the condition overrides for it, in file order, each with its edit's label.
    music: dict[str, list[tuple[str, Music]]] = field(default_factory=dict)
    #: Locks in force (new ones have no condition yet: the translate step fills it).
    locks: dict[str, LockedCue] = field(default_factory=dict)
    #: Cue id → why it differs from what spot proposed (edits that touched it).
    changed: dict[str, list[str]] = field(default_factory=dict)
    #: Ids spot gave that are no more (deleted, merged away, emptied).
    removed: dict[str, str] = field(default_factory=dict)
    pins: list[tuple[str, ThemePin]] = field(default_factory=list)

    @property
    def stale(self) -> list[EditNote]:
        return [n for n in self.notes if n.status == "stale"]


@dataclass(slots=True)
class _Work:
    """A cue while edits are applied."""

    cue_id: str | None
    start: float
    end: float
    scene_ids: tuple[int, ...]
    template: Cue | None
    touched: list[str] = field(default_factory=list)
    function: str | None = None


class _Stale(Exception):
    """An edit has nothing to act on (reported, not raised to the user)."""


class _Session:
    def __init__(self, cues: Sequence[Cue], scenes: Sequence[Scene], edits: SpottingEdits, *,
                 affects: Mapping[int, SceneAffect], spans: Mapping[int, tuple[float, float]] | None,
                 known: Known | None, source: str | Path, options: SpotOptions) -> None:
        self.spotted = list(cues)
        self.index = SceneIndex.build(scenes, spans)
        self.edits = edits
        self.affects = affects
        self.known = known
        self.source = source
        self.options = options
        self.work = [_Work(c.cue_id, c.start_s, c.end_s, tuple(c.scene_ids), c) for c in cues]
        self.notes: list[EditNote] = []
        self.music: dict[int, list[tuple[str, Music]]] = {}
        self.retired: dict[str, str] = {}

    # ---- lookups ------------------------------------------------------------------------
    def fail(self, label: str, problem: str) -> EditError:
        return EditError(self.source, label, problem)

    def scene(self, label: str, ref: str) -> Scene:
        try:
            return self.index.find(ref)
        except RefError as exc:
            from scenescore.session.refs import normalize_heading

            key = normalize_heading(ref)
            if self.known is not None and (key in self.known.scene_keys
                                           or re.sub(r"\s*\[1\]$", "", key) in self.known.scene_keys):
                raise _Stale(f"scene {ref!r} is no longer in the script") from None
            raise self.fail(label, f"{exc}; scenes are named by heading (with [2] for the second "
                                   f"scene of a heading) or by printed number (#12)") from None

    def by_id(self, label: str, cue_id: str) -> _Work:
        for w in self.work:
            if w.cue_id == cue_id:
                return w
        if cue_id in self.retired:
            raise _Stale(f"cue {cue_id} was {self.retired[cue_id]} by an earlier edit")
        if self.known is not None and cue_id in self.known.cue_ids:
            raise _Stale(f"cue {cue_id} is no longer in the film")
        ids = ", ".join(w.cue_id for w in self.work if w.cue_id) or "none"
        raise self.fail(label, f"unknown cue {cue_id}; cues: {ids}")

    def holding(self, scene_id: int) -> _Work | None:
        return next((w for w in self.work if scene_id in w.scene_ids), None)

    def target(self, label: str, edit: CueEdit) -> _Work:
        if edit.id is not None:
            return self.by_id(label, edit.id)
        found = [self.scene(label, ref) for ref in edit.scenes or ()]
        holders = {id(self.holding(s.scene_id)): self.holding(s.scene_id) for s in found}
        if None in holders.values():
            dry = [s for s in found if self.holding(s.scene_id) is None]
            raise _Stale(f"scene {self.index.key(dry[0].scene_id)!r} has no music")
        if len(holders) > 1:
            ids = ", ".join(sorted({w.cue_id or "new" for w in holders.values() if w}))
            raise self.fail(label, f"the scenes are in different cues ({ids}); name one cue")
        return next(iter(holders.values()))  # type: ignore[return-value]

    def point(self, label: str, p: Point, *, edge: str) -> float:
        if p.time is not None:
            return p.time
        try:
            if p.line is not None:
                return self.index.line_time(p.line, p.scene)[1]
        except RefError as exc:
            if p.scene is not None:
                self.scene(label, p.scene)  # a vanished scene is stale, not a mistake
            if self.known is not None:
                raise _Stale(str(exc)) from None
            raise self.fail(label, str(exc)) from None
        scene = self.scene(label, p.scene or "")
        start, end = self.index.times[scene.scene_id]
        return start if edge == "in" else end

    # ---- the edits ----------------------------------------------------------------------
    def remove(self, w: _Work, why: str) -> None:
        self.work.remove(w)
        if w.cue_id:
            self.retired[w.cue_id] = why

    def reflow(self, w: _Work) -> None:
        w.scene_ids = self.index.scenes_between(w.start, w.end)

    def take_scenes(self, owner: _Work, scene_ids: Sequence[int], label: str) -> None:
        """Other cues give up these scenes (a locked or forced cue claims them)."""
        for other in list(self.work):
            if other is owner or not set(other.scene_ids) & set(scene_ids):
                continue
            keep = [s for s in other.scene_ids if s not in scene_ids]
            if not keep:
                self.remove(other, f"replaced ({label})")
                continue
            times = [self.index.times[s] for s in keep]
            other.start, other.end = max(other.start, min(t[0] for t in times)), min(other.end, max(t[1] for t in times))
            other.scene_ids = tuple(keep)
            other.touched.append(label)

    def apply_lock(self, label: str, w: _Work, locks: Mapping[str, LockedCue]) -> LockedCue:
        lock = locks.get(w.cue_id or "")
        if lock is None:
            cue = w.template
            if cue is None:
                raise self.fail(label, "only a cue spot proposed can be locked (not one an edit made)")
            keys = tuple(self.index.key(s) for s in w.scene_ids)
            first = self.index.times[w.scene_ids[0]][0] if w.scene_ids else w.start
            return LockedCue(cue=cue.to_dict(), scene_keys=keys, offset_s=w.start - first)
        by_key = self.index.by_key()
        missing = [k for k in lock.scene_keys if k not in by_key]
        if missing:
            raise _Stale(f"locked cue {lock.cue_id}: scene {missing[0]!r} is no longer in the script; "
                         f"the cue is spotted afresh")
        ids = tuple(by_key[k].scene_id for k in lock.scene_keys)
        start = self.index.times[ids[0]][0] + lock.offset_s
        duration = float(lock.cue["end_s"]) - float(lock.cue["start_s"])
        w.start, w.end, w.scene_ids = start, start + duration, ids
        w.template = _cue_from_dict(lock.cue, start=start, end=start + duration, scene_ids=ids)
        self.take_scenes(w, ids, label)
        return lock

    def apply_scene(self, label: str, edit: SceneEdit) -> str:
        scene = self.scene(label, edit.scene)
        sid = scene.scene_id
        start, end = self.index.times[sid]
        holder = self.holding(sid)
        if edit.music == "dry":
            if holder is None:
                return "already dry"
            holder.touched.append(label)
            before = [s for s in holder.scene_ids if self.index.times[s][1] <= start + _FRAME and s != sid]
            after = [s for s in holder.scene_ids if self.index.times[s][0] >= end - _FRAME and s != sid]
            if not before and not after:
                self.remove(holder, f"made dry ({label})")
                return f"cue {holder.cue_id} removed"
            if before and after:
                tail = _Work(None, end, holder.end, tuple(after), holder.template, list(holder.touched),
                             holder.function)
                self.work.insert(self.work.index(holder) + 1, tail)
                self.music.setdefault(id(tail), list(self.music.get(id(holder), [])))
                holder.end, holder.scene_ids = start, tuple(before)
                return f"cue {holder.cue_id} split around the scene"
            if before:
                holder.end, holder.scene_ids = min(holder.end, start), tuple(before)
            else:
                holder.start, holder.scene_ids = max(holder.start, end), tuple(after)
            return f"cue {holder.cue_id} trimmed"
        if holder is not None:
            return f"already scored ({holder.cue_id})"
        prev = next((w for w in self.work if w.end <= start + _FRAME and abs(w.end - start) <= _FRAME
                     and label in w.touched), None)
        if prev is not None:  # consecutive forced scenes make one cue
            prev.end, prev.scene_ids = end, (*prev.scene_ids, sid)
            return f"joined {prev.cue_id or 'the new cue'}"
        self.work.append(_Work(None, start, end, (sid,), None, [label]))
        self.work.sort(key=lambda w: w.start)
        return "new cue"

    def apply_cue(self, label: str, edit: CueEdit, locks: Mapping[str, LockedCue],
                  new_locks: dict[int, LockedCue]) -> str:
        w = self.target(label, edit)
        done: list[str] = []
        if edit.delete:
            self.remove(w, f"deleted ({label})")
            return f"cue {w.cue_id} deleted"
        structural = bool(edit.merge or edit.split_at or edit.in_ or edit.out or edit.function)
        if structural:
            w.touched.append(label)
        for other_id in edit.merge or ():
            other = self.by_id(label, other_id)
            if other is w:
                raise self.fail(label, f"cue {other_id} cannot merge with itself")
            w.start, w.end = min(w.start, other.start), max(w.end, other.end)
            w.scene_ids = tuple(sorted(set(w.scene_ids) | set(other.scene_ids), key=self._order))
            w.touched += [t for t in other.touched if t not in w.touched]
            self.music.setdefault(id(w), []).extend(self.music.pop(id(other), []))
            self.remove(other, f"merged into {w.cue_id} ({label})")
            self.reflow(w)
            done.append(f"merged {other_id}")
        for ref in edit.split_at or ():
            scene = self.scene(label, ref)
            at = self.index.times[scene.scene_id][0]
            if scene.scene_id in w.scene_ids and at <= w.start + _FRAME:
                raise _Stale(f"cue {w.cue_id} already starts at {self.index.key(scene.scene_id)}")
            if scene.scene_id not in w.scene_ids:
                raise self.fail(label, f"split_at {ref!r}: the scene is not in cue {w.cue_id}")
            tail = _Work(None, at, w.end, tuple(s for s in w.scene_ids if self.index.times[s][0] >= at - _FRAME),
                         w.template, [label], w.function)
            w.end, w.scene_ids = at, tuple(s for s in w.scene_ids if s not in tail.scene_ids)
            self.work.insert(self.work.index(w) + 1, tail)
            done.append(f"split at {self.index.key(scene.scene_id)}")
        if edit.in_ is not None:
            w.start = self.point(label, edit.in_, edge="in")
            done.append(f"in at {edit.in_.describe()}")
        if edit.out is not None:
            w.end = self.point(label, edit.out, edge="out")
            done.append(f"out at {edit.out.describe()}")
        if edit.in_ is not None or edit.out is not None:
            if w.end - w.start < MIN_CUE_S:
                raise self.fail(label, f"cue {w.cue_id} would last {w.end - w.start:.2f} s (in after out?)")
            self.reflow(w)
        if edit.function:
            w.function = edit.function
            done.append(f"function {edit.function}")
        if edit.music is not None:
            self.music.setdefault(id(w), []).append((label, edit.music))
            done.append("music: " + ", ".join(f"{k} {v}" for k, v in edit.music.changed().items()))
        if edit.lock:
            new_locks[id(w)] = self.apply_lock(label, w, locks) if id(w) not in new_locks else new_locks[id(w)]
            done.append("locked")
        return "; ".join(done) or "nothing to change"

    def apply_add(self, label: str, edit: AddCue) -> str:
        if edit.scenes:
            found = sorted((self.scene(label, ref) for ref in edit.scenes), key=lambda s: self._order(s.scene_id))
            start = self.index.times[found[0].scene_id][0]
            end = self.index.times[found[-1].scene_id][1]
        else:
            start, end = 0.0, 0.0
        if edit.in_ is not None:
            start = self.point(label, edit.in_, edge="in")
        if edit.out is not None:
            end = self.point(label, edit.out, edge="out")
        if end - start < MIN_CUE_S:
            raise self.fail(label, f"the added cue would last {end - start:.2f} s (in after out?)")
        if edit.id is not None and any(w.cue_id == edit.id for w in self.work):
            raise self.fail(label, f"cue id {edit.id} is taken")
        w = _Work(edit.id, start, end, self.index.scenes_between(start, end), None, [label], edit.function)
        if not w.scene_ids:
            raise self.fail(label, "the added cue covers no scene")
        if edit.music is not None:
            self.music.setdefault(id(w), []).append((label, edit.music))
        self.work.append(w)
        self.work.sort(key=lambda x: x.start)
        return f"new cue {edit.id or ''} {start:.1f}-{end:.1f} s".replace("  ", " ")

    def _order(self, scene_id: int) -> float:
        return self.index.times[scene_id][0]

    def check(self) -> None:
        self.work.sort(key=lambda w: (w.start, w.end))
        for w in self.work:
            if w.end - w.start < MIN_CUE_S:
                raise self.fail(" and ".join(w.touched) or EDITS_FILE,
                                f"cue {w.cue_id or '(new)'} is left {w.end - w.start:.2f} s long")
        for a, b in zip(self.work, self.work[1:], strict=False):
            if a.end - b.start > _FRAME:
                labels = list(dict.fromkeys(a.touched + b.touched)) or [EDITS_FILE]
                raise self.fail(" and ".join(labels),
                                f"cues {a.cue_id or '(new)'} and {b.cue_id or '(new)'} overlap "
                                f"({b.start:.1f}-{min(a.end, b.end):.1f} s); move one's in or out, or merge them")


def apply_cue_edits(cues: Sequence[Cue], scenes: Sequence[Scene], edits: SpottingEdits, *,
                    analysis: Any = None, spans: Mapping[int, tuple[float, float]] | None = None,
                    locks: Mapping[str, LockedCue] | None = None, known: Known | None = None,
                    options: SpotOptions | None = None, source: str | Path = EDITS_FILE) -> EditedCues:
    """The cue list (spot's output) after the edits; see the module docstring for the order.

    ``locks`` are the lock snapshots a run folder kept (id → :class:`LockedCue`); ``known`` the
    scene keys and cue ids of an earlier run, so edits about them are reported, not refused.
    """
    from scenescore.memory.affect import scene_affects
    from scenescore.spotting.options import SpotOptions

    opts = options or SpotOptions()
    session = _Session(cues, scenes, edits, affects=scene_affects(analysis), spans=spans, known=known,
                       source=source, options=opts)
    locks = dict(locks or {})
    new_locks: dict[int, LockedCue] = {}
    notes: list[tuple[int, EditNote]] = []
    order = {id(item): n for n, (_, item) in enumerate(edits.labelled())}

    def attempt(label: str, item: Any, fn: Any) -> None:
        try:
            detail = fn()
            notes.append((order[id(item)], EditNote(label, "applied", detail)))
        except _Stale as exc:
            notes.append((order[id(item)], EditNote(label, "stale", str(exc))))

    # Locks first: the frozen proposal takes its scenes before anything else moves.
    for i, edit in enumerate(edits.cue, 1):
        if edit.lock:
            label = edit_label("cue", i, edit)

            def lock_first(label: str = label, edit: CueEdit = edit) -> str:
                w = session.target(label, edit)
                new_locks[id(w)] = session.apply_lock(label, w, locks)
                return "locked"
            try:
                lock_first()
            except _Stale as exc:
                notes.append((order[id(edit)], EditNote(label, "stale", str(exc))))
    for i, edit in enumerate(edits.scene, 1):
        attempt(edit_label("scene", i, edit), edit, lambda i=i, e=edit: session.apply_scene(edit_label("scene", i, e), e))
    for i, edit in enumerate(edits.cue, 1):
        if any(n.edit == edit_label("cue", i, edit) for _, n in notes):
            continue  # a lock whose scenes are gone: reported once
        attempt(edit_label("cue", i, edit), edit,
                lambda i=i, e=edit: session.apply_cue(edit_label("cue", i, e), e, locks, new_locks))
    for i, edit in enumerate(edits.add, 1):
        attempt(edit_label("add", i, edit), edit, lambda i=i, e=edit: session.apply_add(edit_label("add", i, e), e))
    pins = [(edit_label("theme", i, pin), pin) for i, pin in enumerate(edits.theme, 1)]
    session.check()

    # Build the cues: untouched ones exactly as spot made them, the others afresh.
    built: list[Cue] = []
    fixed: dict[int, str] = {}
    for i, w in enumerate(session.work):
        cue = w.template if (not w.touched and w.template is not None) else _rebuild(w, session)
        built.append(cue)
        if w.cue_id is not None:
            fixed[i] = w.cue_id
    retired: dict[str, float | None] = dict.fromkeys(known.cue_ids if known else ())
    retired.update({c.cue_id: c.start_s for c in cues})
    numbered = number_new_cues(built, fixed, {k: v for k, v in retired.items() if k not in fixed.values()})
    locked_ids = {id(w) for w in session.work if id(w) in new_locks and locks.get(w.cue_id or "")}
    numbered = _fix_outs(numbered, session.work, locked_ids)

    music: dict[str, list[tuple[str, Music]]] = {}
    changed: dict[str, list[str]] = {}
    locks_now: dict[str, LockedCue] = {}
    for w, cue in zip(session.work, numbered, strict=True):
        if id(w) in session.music:
            music[cue.cue_id] = session.music[id(w)]
        if w.touched:
            changed[cue.cue_id] = list(dict.fromkeys(w.touched))
        if id(w) in new_locks:
            locks_now[cue.cue_id] = new_locks[id(w)]
    for label, pin in pins:
        notes.append((order[id(pin)], _pin_note(label, pin, scenes)))
    return EditedCues(cues=numbered, notes=[n for _, n in sorted(notes, key=lambda p: p[0])], music=music,
                      locks=locks_now, changed=changed, removed=dict(session.retired), pins=pins)


def _pin_note(label: str, pin: ThemePin, scenes: Sequence[Scene]) -> EditNote:
    wanted = pin.character.strip().upper()
    if any(wanted == c.upper() for s in scenes for c in s.characters):
        return EditNote(label, "applied", f"theme of {pin.character} pinned")
    return EditNote(label, "stale", f"no character {pin.character!r} in the script")


def _cue_from_dict(data: Mapping[str, Any], *, start: float, end: float, scene_ids: tuple[int, ...]) -> Cue:
    from scenescore.spotting.records import Cue, CueFunction

    return Cue(cue_id=data["cue_id"], reel=int(data["reel"]), number=int(data["number"]), scene_ids=scene_ids,
               start_s=round(start, 3), end_s=round(end, 3), timeline=data["timeline"], in_point=data["in"],
               out_point=data["out"], function=CueFunction(data["function"]), mood=data["mood"],
               valence=data["valence"], arousal=data["arousal"], valence_in=data["valence_in"],
               arousal_in=data["arousal_in"], valence_out=data["valence_out"], arousal_out=data["arousal_out"],
               characters=tuple(data["characters"]), theme_characters=tuple(data["theme_characters"]),
               dialogue_share=data["dialogue_share"], reason=data["reason"], timing_basis=data["timing_basis"])


def _rebuild(w: _Work, session: _Session) -> Cue:
    """A cue for edited bounds: its affect, characters and in/out from the scenes it now covers."""
    from scenescore.spotting.grouping import mentions, principal_characters
    from scenescore.spotting.records import Cue, CueFunction

    index = session.index
    by_id = {s.scene_id: s for s in index.scenes}
    scenes = [by_id[s] for s in w.scene_ids]
    weights = []
    for s in scenes:
        a, b = index.times[s.scene_id]
        weights.append(max(1e-3, min(b, w.end) - max(a, w.start)))
    t = w.template
    affs = [session.affects.get(s.scene_id) for s in scenes]
    if all(a is not None for a in affs) and affs:
        total = sum(weights)
        v = sum(a.valence * x for a, x in zip(affs, weights, strict=True)) / total  # type: ignore[union-attr]
        ar = sum(a.arousal * x for a, x in zip(affs, weights, strict=True)) / total  # type: ignore[union-attr]
        moods: Counter[str] = Counter()
        for a, x in zip(affs, weights, strict=True):
            moods[a.mood] += x  # type: ignore[union-attr]
        mood = moods.most_common(1)[0][0]
        first, last = affs[0], affs[-1]
        vin, ain, vout, aout = first.valence, first.arousal, last.valence, last.arousal  # type: ignore[union-attr]
    elif t is not None:
        v, ar, mood = t.valence, t.arousal, t.mood
        vin, ain, vout, aout = t.valence_in, t.arousal_in, t.valence_out, t.arousal_out
    else:
        v = ar = vin = ain = vout = aout = 0.0
        mood = "neutral"
    principals = principal_characters(index.scenes, limit=session.options.theme_characters,
                                      min_scenes=session.options.theme_min_scenes)
    on_screen: Counter[str] = Counter()
    for s in scenes:
        on_screen.update(set(s.characters) | {n for n in principals if mentions(s.action, n)})
    spoken_text = "\n".join(d.text for s in scenes for d in s.dialogue)
    themed = tuple(n for n in principals if n in on_screen or mentions(spoken_text, n))
    words = sum(s.word_count for s in scenes)
    spoken = sum(len(d.text.split()) for s in scenes for d in s.dialogue)
    timelines = Counter(str(s.timeline) for s in scenes)
    timeline = timelines.most_common(1)[0][0] if timelines else (t.timeline if t else "present")
    reel = 1 + int(w.start // (session.options.reel_minutes * 60.0))
    first_s, last_s = scenes[0], scenes[-1]
    in_at = w.start - index.times[first_s.scene_id][0]
    out_at = index.times[last_s.scene_id][1] - w.end
    in_point = f"sc. {first_s.scene_id} {first_s.heading}" + (f", {in_at:.1f} s in" if in_at > _FRAME else "")
    out_point = f"sc. {last_s.scene_id} {last_s.heading}" + (f", {out_at:.1f} s before its end"
                                                             if out_at > _FRAME else "")
    function = w.function or (str(t.function) if t is not None else "atmosphere")
    basis = t.timing_basis if t is not None else "estimated"
    return Cue(cue_id=w.cue_id or "0M00", reel=reel, number=0, scene_ids=w.scene_ids,
               start_s=round(w.start, 3), end_s=round(w.end, 3), timeline=timeline, in_point=in_point,
               out_point=out_point, function=CueFunction(function), mood=mood, valence=round(v, 4),
               arousal=round(ar, 4), valence_in=vin, arousal_in=ain, valence_out=vout, arousal_out=aout,
               characters=tuple(sorted(on_screen, key=lambda n: (-on_screen[n], n))), theme_characters=themed,
               dialogue_share=round(spoken / words, 3) if words else 0.0,
               reason="spotting session: " + "; ".join(dict.fromkeys(w.touched)), timing_basis=basis)


_TAIL = re.compile(r"; (?:tail out at the end of the film|hard out on the cut to .*|out at the reel change .*|"
                   r"segue into \S+)$")


def _fix_outs(cues: list[Cue], work: Sequence[_Work], frozen: set[int]) -> list[Cue]:
    """The "out" names the next cue: redo it where the next cue changed (only there, so an
    untouched cue's text, which an LLM prompt quotes, stays as spot wrote it)."""
    out: list[Cue] = []
    for i, cue in enumerate(cues):
        nxt = cues[i + 1] if i + 1 < len(cues) else None
        if id(work[i]) in frozen:  # a locked cue stays as it was frozen, words included
            out.append(cue)
            continue
        if nxt is None:
            how = "tail out at the end of the film"
        elif nxt.timeline != cue.timeline:
            how = f"hard out on the cut to {nxt.timeline} ({nxt.cue_id})"
        elif nxt.reel != cue.reel:
            how = f"out at the reel change ({nxt.cue_id})"
        elif abs(nxt.start_s - cue.end_s) > _FRAME:
            how = f"out before {nxt.cue_id}"
        else:
            how = f"segue into {nxt.cue_id}"
        base = _TAIL.sub("", cue.out_point)
        base = re.sub(r"; out before \S+$", "", base)
        wanted = f"{base}; {how}"
        if cue.out_point != wanted and (work[i].touched or _names_other(cue.out_point, nxt)):
            cue = replace(cue, out_point=wanted)
        out.append(cue)
    return out


def _names_other(out_point: str, nxt: Cue | None) -> bool:
    m = re.search(r"(?:segue into |\()(\d+M\d+[A-Z]?)\)?$", out_point)
    return bool(m) and (nxt is None or m.group(1) != nxt.cue_id)


# ---- conditions -----------------------------------------------------------------------------
_KEY_TEMPO = re.compile(r"\bin [A-G][#b]? [a-z ]+? at \d+ bpm")
_ROLES_BASS = ("bass", "tuba", "contrabass", "bassoon", "timpani")
_ROLES_PAD = ("pad", "strings", "string", "organ", "choir", "voices", "accordion")


def _instruments(items: Sequence[str | int]) -> list[dict[str, Any]]:
    from scenescore.conditions.palette import GM_PROGRAMS

    names = {v: k for k, v in sorted(GM_PROGRAMS.items(), key=lambda kv: -len(kv[0]))}
    out = []
    for i, item in enumerate(items):
        if isinstance(item, int):
            name, program = names.get(item, f"program {item}"), item
        else:
            name, program = item.strip().lower(), GM_PROGRAMS[item.strip().lower()]
        role = "melody" if i == 0 else ("bass" if any(w in name for w in _ROLES_BASS) else
                                        "pad" if any(w in name for w in _ROLES_PAD) else
                                        "counter" if i == 1 else "harmony")
        out.append({"name": name, "program": program, "role": role, "is_drum": False})
    return out


def _curve(points: list[dict[str, float]], music: Music) -> list[dict[str, float]]:
    if isinstance(music.intensity, int | float):
        peak = max((p["intensity"] for p in points), default=0.0)
        level = float(music.intensity)
        points = ([{"at": p["at"], "intensity": round(p["intensity"] * level / peak, 3)} for p in points]
                  if peak > 0 else [{"at": 0.0, "intensity": level}, {"at": 1.0, "intensity": level}])
    elif music.intensity is not None:
        points = [{"at": float(a), "intensity": float(b)} for a, b in music.intensity]
    if music.ending is not None:
        peak = max(p["intensity"] for p in points)
        body = [p for p in points if p["at"] < 0.85]
        hold = next((p["intensity"] for p in reversed(points) if p["at"] <= 0.85), points[0]["intensity"])
        tail = {"fade": [(0.85, hold), (1.0, 0.0)], "tail out": [(0.85, hold), (1.0, round(0.25 * peak, 3))],
                "hard out": [(0.85, peak), (1.0, peak)], "segue": [(0.85, hold), (1.0, round(0.5 * peak, 3))],
                "button": [(0.9, round(0.6 * peak, 3)), (0.97, round(0.6 * peak, 3)),
                           (1.0, round(min(1.0, peak + 0.15), 3))]}[music.ending]
        points = body + [{"at": a, "intensity": b} for a, b in tail]
    return points


_ENDING_WORDS = {"fade": "fading out at the end", "tail out": "ringing out at the end",
                 "hard out": "cut off hard at the end", "button": "ending on a short accented button",
                 "segue": "handing over at half strength"}


def override_condition(condition: MusicCondition, music: Music, *, label: str = "",
                       source: str | Path = EDITS_FILE) -> MusicCondition:
    """One cue's condition with a session's overrides; the result is validated like any other."""
    from pydantic import ValidationError

    from scenescore.conditions.schema import MusicCondition
    from scenescore.conditions.themes import motif_id
    from scenescore.memory.context import character_id

    data = condition.model_dump(mode="json")
    said: list[str] = []
    if music.key is not None:
        tonic, mode = split_key(music.key)
        data["key"] = tonic
        if mode:
            data["mode"] = mode
    if music.mode is not None:
        data["mode"] = music.mode
    if music.tempo is not None:
        data["tempo_bpm"] = float(music.tempo)
    for field_name, key in (("meter", "meter"), ("dynamics", "dynamics"), ("articulation", "articulation"),
                            ("avoid", "avoid")):
        if getattr(music, field_name) is not None:
            data[key] = getattr(music, field_name)
    if music.instrumentation is not None:
        data["instrumentation"] = _instruments(music.instrumentation)
    if music.themes is not None:
        uses = {t["character_id"]: t for t in data["themes"]}
        themes = []
        for name in music.themes:
            cid = character_id(name)
            old = uses.get(cid)
            themes.append({"character": name.upper(), "character_id": cid, "motif": motif_id(cid),
                           "transformation": music.theme_transformation or (old["transformation"] if old else
                                                                            "restatement"),
                           "note": "chosen in the spotting session"})
        data["themes"] = themes
    elif music.theme_transformation is not None:
        data["themes"] = [dict(t, transformation=music.theme_transformation) for t in data["themes"]]
    if music.intensity is not None or music.ending is not None:
        data["intensity_curve"] = _curve(data["intensity_curve"], music)
    prompt = music.prompt if music.prompt is not None else data["prompt"]
    if music.prompt is None and (music.key or music.mode or music.tempo):
        prompt = _KEY_TEMPO.sub(f"in {data['key']} {data['mode']} at {data['tempo_bpm']:.0f} bpm", prompt)
    if music.style is not None:
        data["genre"] = music.style
        prompt = f"{music.style[:1].upper()}{music.style[1:]}. {prompt}"
    if music.ending is not None and music.prompt is None:
        prompt = prompt.rstrip(". ") + f", {_ENDING_WORDS[music.ending]}."
    data["prompt"] = prompt[:600]
    said = [f"{k} {v}" for k, v in music.changed().items()]
    data["rationale"] = (data["rationale"] + f" Spotting session {label}: {', '.join(said)}.").strip()[:2000]
    try:
        return MusicCondition.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err.get("loc", ()))
        raise EditError(source, label or "music", f"{where}: {err.get('msg', 'invalid')}") from None


@dataclass(slots=True)
class EditedConditions:
    conditions: list[MusicCondition]
    #: Locks in force, each now with the condition it freezes.
    locks: dict[str, LockedCue]
    #: Cue id → edits that changed its condition.
    changed: dict[str, list[str]]
    #: Motif id → (scale degrees, quarter-note lengths) of pinned themes, for the sketcher.
    motifs: dict[str, tuple[tuple[int, ...], tuple[float, ...]]]
    notes: list[EditNote] = field(default_factory=list)


def apply_condition_edits(conditions: Sequence[MusicCondition], edited: EditedCues, *,
                          source: str | Path = EDITS_FILE) -> EditedConditions:
    """Translate's conditions after the session: locked cues keep the condition frozen with the
    lock, overrides apply in file order, pinned themes join the cues their character is in."""
    from scenescore.conditions.schema import MusicCondition, ThemeUse
    from scenescore.conditions.themes import motif_id
    from scenescore.memory.context import character_id

    cue_by_id = {c.cue_id: c for c in edited.cues}
    locks: dict[str, LockedCue] = {}
    changed: dict[str, list[str]] = {}
    out: list[MusicCondition] = []
    pinned = {character_id(pin.character): (label, pin) for label, pin in edited.pins}
    heard: set[str] = set()
    for cond in conditions:
        cue = cue_by_id.get(cond.cue_id)
        lock = edited.locks.get(cond.cue_id)
        if lock is not None:
            if lock.condition is not None:
                cond = MusicCondition.model_validate(lock.condition)
            locks[cond.cue_id] = replace(lock, condition=cond.model_dump(mode="json"))
        for label, music in edited.music.get(cond.cue_id, ()):
            cond = override_condition(cond, music, label=label, source=source)
            changed.setdefault(cond.cue_id, []).append(label)
        if cue is not None and abs(cond.duration_s - cue.duration_s) > 1e-3:
            cond = cond.model_copy(update={"duration_s": round(cue.duration_s, 3)})
        if cue is not None and pinned:
            have = {t.character_id for t in cond.themes}
            add = []
            for cid, (label, pin) in pinned.items():
                on_screen = any(character_id(n) == cid for n in cue.characters)
                if on_screen and cid not in have and len(cond.themes) + len(add) < 3:
                    add.append(ThemeUse(character=pin.character.upper(), character_id=cid, motif=motif_id(cid),
                                        transformation="restatement" if cid in heard else "statement",
                                        note=f"pinned theme ({label})"))
                    changed.setdefault(cond.cue_id, []).append(label)
            if add:
                cond = cond.model_copy(update={"themes": [*cond.themes, *add]})
            heard.update(t.character_id for t in cond.themes)
        out.append(cond)
    motifs = {motif_id(character_id(pin.character)): pin_motif(pin) for _, pin in edited.pins}
    return EditedConditions(conditions=out, locks=locks, changed=changed, motifs=motifs, notes=list(edited.notes))


# ---- pinned themes ------------------------------------------------------------------------
MODE_STEPS: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10), "aeolian": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10), "phrygian": (0, 1, 3, 5, 7, 8, 10), "lydian": (0, 2, 4, 6, 7, 9, 11),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10), "locrian": (0, 1, 3, 5, 6, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
}
_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _midi(note: str, previous: int | None) -> int:
    m = re.match(r"^([A-Ga-g])([#b♯♭]?)(-?\d)?$", note.strip())
    if m is None:  # the schema checks notes; a ThemePin built without validation lands here
        raise ValueError(f"not a note name: {note!r}")
    pc = _PC[m.group(1).upper()] + {"#": 1, "♯": 1, "b": -1, "♭": -1}.get(m.group(2), 0)
    if m.group(3) is not None:
        return 12 * (int(m.group(3)) + 1) + pc
    if previous is None:
        return 60 + pc
    return min((12 * o + pc for o in range(11)), key=lambda n: (abs(n - previous), n))


def pin_motif(pin: ThemePin) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """A pinned theme as 0-based scale degrees (0 = tonic) and quarter-note lengths.

    Note names are read in the pin's key (C major by default): a note outside the scale takes
    the degree below it; octaves count from the tonic at or below middle C's octave.
    """
    if pin.degrees is not None:
        degrees = tuple(d - 1 if d > 0 else -d - 1 - 7 for d in pin.degrees)
    else:
        tonic, mode = split_key(pin.key)
        steps = MODE_STEPS[mode or "major"]
        base = 60 + _PC[tonic[0]] + {"#": 1, "b": -1}.get(tonic[1:], 0)
        if base > 66:
            base -= 12
        out: list[int] = []
        previous = None
        for note in pin.notes or ():
            midi = _midi(note, previous)
            previous = midi
            octave, within = divmod(midi - base, 12)
            step = max(i for i, s in enumerate(steps) if s <= within)
            out.append(step + 7 * octave)
        degrees = tuple(out)
    n = len(degrees)
    rhythm = tuple(pin.rhythm) if pin.rhythm is not None else tuple([1.0] * (n - 1) + [2.0])
    return degrees, rhythm
