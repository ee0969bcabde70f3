"""Split cues that run longer than a few minutes at the script's own structure.

A cue of 26 minutes is nearly always a segmentation failure (missed headings leave a "scene"
of half a reel), and no music editor spots one. Spotting calls :func:`split_long_cues` on its
cues: a cue over ``max_s`` is cut where the script itself marks a break inside it (a scene
boundary, a transition, a secondary slug line, a time jump such as ``LATER`` or ``THE NEXT
MORNING``), placed in time by the share of the text before it; only where the script offers
nothing is a part cut at ``max_s``. Each split is reported in words so the run can say so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from scenescore.records import Scene
from scenescore.segment import patterns as P
from scenescore.segment.lines import cue_name, is_heading, is_slug_text, is_transition

#: No cue is longer than this (seconds); spotting's own limit is lower, this one is absolute.
MAX_CUE_S = 300.0
#: A part shorter than this is not cut off at a structural break.
MIN_PART_S = 30.0
_TIME_JUMP = re.compile(
    r"^(?:(?:A\s+)?(?:MOMENTS?|MINUTES?|HOURS?|DAYS?|WEEKS?|MONTHS?|YEARS?)\s+LATER|LATER|THE\s+NEXT\s+"
    r"(?:MORNING|DAY|NIGHT)|NEXT\s+(?:MORNING|DAY)|SUPER\s*:.*|TIME\s+CUT)\b", re.I)
_WORD = re.compile(r"\S+")


def _break_name(line: str, speakers: frozenset[str] = frozenset()) -> str | None:
    """The break a line marks, or None. A speaker's cue (``KATE``) looks like a secondary slug
    in the scene's plain text but only starts a speech, and a line that begins in lower case
    (``the next day.``, a wrapped line of a speech or of action) goes on with a sentence: neither
    is a break in the script."""
    s = line.strip().strip("*").strip()
    if not s or len(s) > 60 or s[0].islower() or cue_name(s).upper() in speakers:
        return None
    if s.isupper() and (is_transition(s) or P.TRANSITION_TO.match(s)):
        return s
    if is_heading(s) or _TIME_JUMP.match(s):
        return s
    if is_slug_text(s):
        return s
    return None


def structure_points(scene: Scene) -> list[tuple[float, str]]:
    """Breaks inside a scene: (share of the scene's words before it, the line that marks it)."""
    lines = scene.text.split("\n")
    speakers = frozenset(name.upper() for name in scene.characters) | frozenset(
        d.speaker.upper() for d in scene.dialogue if d.speaker)
    counts = [len(_WORD.findall(line)) for line in lines]
    total = sum(counts) or 1
    out = []
    before = 0
    for line, n in zip(lines, counts, strict=True):
        name = _break_name(line, speakers) if before else None
        if name:
            out.append((before / total, name))
        before += n
    return out


def split_long_cues(cues: Sequence[Any], scenes: Sequence[Scene], *, max_s: float = MAX_CUE_S,
                    min_part_s: float = MIN_PART_S) -> tuple[list[Any], list[str]]:
    """Cues no longer than ``max_s``, and one line per split saying where and why.

    ``cues`` are spotting's ``Cue`` records (anything with ``cue_id``, ``scene_ids``,
    ``start_s``, ``end_s`` and ``reason`` that :func:`dataclasses.replace` accepts).
    """
    by_id = {s.scene_id: s for s in scenes}
    out: list[Any] = []
    report: list[str] = []
    for cue in cues:
        duration = cue.end_s - cue.start_s
        if duration <= max_s:
            out.append(cue)
            continue
        members = [by_id[i] for i in cue.scene_ids if i in by_id]
        # Each scene's share of the cue, from the screenplay estimate; breaks inside it by text.
        weights = [max(0.0, s.est_seconds) for s in members]
        total = sum(weights) or float(len(members) or 1)
        if not sum(weights):
            weights = [1.0] * len(members)
        candidates: list[tuple[float, str, int]] = []
        clock = cue.start_s
        spans = []
        for scene, w in zip(members, weights, strict=True):
            length = duration * w / total
            if clock > cue.start_s:
                candidates.append((clock, scene.heading or f"scene {scene.scene_id}", scene.scene_id))
            for share, name in structure_points(scene):
                candidates.append((clock + share * length, name, scene.scene_id))
            spans.append((scene.scene_id, clock, clock + length))
            clock += length
        cuts: list[tuple[float, str]] = []
        start = cue.start_s
        while cue.end_s - start > max_s:
            usable = [c for c in candidates if start + min_part_s <= c[0] <= start + max_s
                      and cue.end_s - c[0] >= min(min_part_s, cue.end_s - start - max_s)]
            if usable:
                at, name, _scene_id = max(usable, key=lambda c: c[0])
            else:
                at, name = start + max_s, f"{max_s / 60:g} minutes (no break in the script here)"
            cuts.append((at, name))
            start = at
        bounds = [cue.start_s] + [at for at, _ in cuts] + [cue.end_s]
        ids = [f"{cue.cue_id}{chr(ord('A') + k)}" if k < 26 else f"{cue.cue_id}.{k + 1}" for k in range(len(bounds) - 1)]
        for k in range(len(bounds) - 1):
            a, b = bounds[k], bounds[k + 1]
            covered = tuple(sid for sid, s0, s1 in spans if s1 > a and s0 < b) or cue.scene_ids[:1]
            reason = cue.reason if k == 0 else f"split at {cuts[k - 1][1]} (cue over {max_s / 60:g} min)"
            out.append(replace(cue, cue_id=ids[k], start_s=a, end_s=b, scene_ids=covered, reason=reason))
        report.append(f"cue {cue.cue_id} ran {duration / 60:.1f} min: split into {', '.join(ids)} at "
                      + "; ".join(f"{name} ({at - cue.start_s:.0f} s)" for at, name in cuts))
    return out, report
