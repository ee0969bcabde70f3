"""Cue ids that stay put: a cue keeps its number when others are added or removed around it.

Music editors never renumber a spotted film: a cue dropped leaves its number unused (``1M05``
is "omitted" on the cue sheet) and a cue inserted between ``1M04`` and ``1M05`` becomes
``1M04A``. The same rules apply here, both when a session adds cues and when a revised script
is spotted again: new cues take the lowest free number between their neighbours, after the last
cue of the reel the next number, and where no number is free a letter after the previous id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.spotting.records import Cue

_ID = re.compile(r"^(\d+)M(\d+)([A-Z]?)$")


def parse_cue_id(cue_id: str) -> tuple[int, int, str]:
    """``1M04A`` → ``(1, 4, "A")``."""
    m = _ID.match(cue_id)
    if not m:
        raise ValueError(f"not a cue id: {cue_id!r} (reel, M, number, optional letter: 1M04A)")
    return int(m.group(1)), int(m.group(2)), m.group(3)


def format_cue_id(reel: int, number: int, letter: str = "") -> str:
    return f"{reel}M{number:02d}{letter}"


def insert_id(reel: int, before: str | None, after: str | None, taken: Iterable[str]) -> str:
    """The id of a cue placed between ``before`` and ``after`` (ids in the same reel, or None).

    The lowest unused number strictly between them; else the next letter after ``before``
    (``1M04`` → ``1M04A`` → ``1M04B``); at the head of a reel whose first number is taken,
    a letter after ``0`` is never used: the cue takes the first free number, or ``<reel>M00A``.
    """
    used = set(taken)
    low = parse_cue_id(before)[1] if before else 0
    high = parse_cue_id(after)[1] if after else None
    number = low + 1
    while high is None or number < high:
        candidate = format_cue_id(reel, number)
        if candidate not in used and not any(u.startswith(candidate) for u in used):
            return candidate
        number += 1
        if high is None and number > 999:
            break
    base = before or format_cue_id(reel, 0)
    stem = re.sub(r"[A-Z]$", "", base)
    start = base[-1] if base[-1].isalpha() else "@"
    for code in range(ord(start) + 1, ord("Z") + 1):
        candidate = f"{stem}{chr(code)}"
        if candidate not in used:
            return candidate
    raise ValueError(f"no free cue id between {before} and {after}")


def number_new_cues(cues: Sequence[Cue], fixed: Mapping[int, str],
                    retired: Mapping[str, float | None] | Iterable[str] = ()) -> list[Cue]:
    """Cues in film order, with ids: ``fixed`` (index → id) keep theirs, the others get insert ids.

    ``retired`` ids (cues deleted or gone) are never given again; where their start time is
    known (a mapping id → seconds), one that started at or before a new cue counts as its
    neighbour (1M01 dropped, a cue added at its place before 1M02 is 1M01A).
    """
    when = dict(retired) if isinstance(retired, Mapping) else dict.fromkeys(retired)
    taken = set(fixed.values()) | set(when)
    ids: dict[int, str] = dict(fixed)
    for i, cue in enumerate(cues):
        if i in ids:
            continue
        before = next((ids[j] for j in range(i - 1, -1, -1)
                       if j in ids and parse_cue_id(ids[j])[0] == cue.reel), None)
        after = next((ids[j] for j in range(i + 1, len(cues))
                      if j in fixed and parse_cue_id(fixed[j])[0] == cue.reel), None)
        if after is not None and before is not None and parse_cue_id(after) <= parse_cue_id(before):
            after = None
        # A retired id between the neighbours counts as a neighbour: 1M01 dropped, a cue added
        # before 1M02 is 1M01A, not a reused 1M01.
        gone = [t for t, at in when.items() if at is not None and at <= cue.start_s + 1e-6
                and _ID.match(t) and parse_cue_id(t)[0] == cue.reel
                and (before is None or parse_cue_id(t) > parse_cue_id(before))
                and (after is None or parse_cue_id(t) < parse_cue_id(after))]
        if gone and after is not None:
            before = max(gone, key=parse_cue_id)
        new = insert_id(cue.reel, before, after, taken)
        ids[i] = new
        taken.add(new)
    return [_renamed(cue, ids[i]) for i, cue in enumerate(cues)]


def _renamed(cue: Cue, cue_id: str) -> Cue:
    if cue.cue_id == cue_id:
        return cue
    reel, number, _ = parse_cue_id(cue_id)
    return replace(cue, cue_id=cue_id, reel=reel, number=number)


def stabilize_ids(cues: Sequence[Cue], previous: Sequence[tuple[str, int, frozenset[str]]],
                  keys: Mapping[int, str]) -> tuple[list[Cue], dict[str, str]]:
    """Give freshly spotted ``cues`` the ids their counterparts had in an earlier run.

    ``previous``: (cue id, reel, scene keys) of the earlier run's spotted cues; ``keys`` maps
    this draft's scene ids to keys. Cues are matched by shared scenes, in order (a match never
    crosses another), best overlap first; a matched cue keeps the old id when it is still in the
    same reel. Returns the cues and the map new spot id → id kept or given.
    """
    new_keys = [frozenset(keys[s] for s in c.scene_ids if s in keys) for c in cues]
    pairs: list[tuple[float, int, int]] = []
    for i, nk in enumerate(new_keys):
        for j, (_, reel, ok) in enumerate(previous):
            shared = len(nk & ok)
            if shared and reel == cues[i].reel:
                pairs.append((shared / len(nk | ok), i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    matched: dict[int, int] = {}
    for _, i, j in pairs:
        if i in matched or j in matched.values():
            continue
        if any((i2 < i and j2 > j) or (i2 > i and j2 < j) for i2, j2 in matched.items()):
            continue
        matched[i] = j
    fixed = {i: previous[j][0] for i, j in matched.items()}
    out = number_new_cues(cues, fixed, [p[0] for p in previous])
    return out, {c.cue_id: o.cue_id for c, o in zip(cues, out, strict=True)}
