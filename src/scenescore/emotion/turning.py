"""The five narrative turning points (TP1-TP5), from structure and from what happens at a scene.

Screenwriting manuals place five turning points at fixed shares of a script (Hauge, *Writing
Screenplays That Sell*; the scheme Papalampidi, Keller & Lapata annotated in TRIPOD, "Movie Plot
Analysis via Turning Point Identification", EMNLP 2019): opportunity ~10%, change of plans ~25%,
point of no return ~50%, major setback ~75%, climax ~94%. Those positions alone land about 4% of a
script from the true ones; the largest raw emotional shifts land no better than chance (9%).

So each turning point is chosen among the scenes near its manual position, scored by
``prior(position) × (base + evidence)``, where the evidence is what a screenwriter would point at:

- a **time jump** (a new day, ``LATER``/``NEXT DAY``, a year in the heading, a return from a
  flashback or dream to the present);
- a **new location for the protagonist** (the character with most dialogue and appearances);
- the largest **sustained shift of the protagonist's state** (their carried valence/arousal over
  the scenes after against the scenes before), or of the film's curve when they are absent;
- a **reversal**: the smoothed valence turns (a local peak or trough);
- per kind: a major setback darkens; the climax is the arousal peak of the last act.

Turning points are in story order, one scene apart at least; scenes inside a flashback or dream
count half (turning points happen in the story's present). Every one reports its evidence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scenescore.emotion.records import ContextState, SceneEmotion, TurningPoint
from scenescore.records import Scene

#: (label, kind, manual position as a share of the script).
TURNING_POINTS: tuple[tuple[str, str, float], ...] = (
    ("TP1", "opportunity", 0.10),
    ("TP2", "change of plans", 0.25),
    ("TP3", "point of no return", 0.50),
    ("TP4", "major setback", 0.75),
    ("TP5", "climax", 0.94),
)
#: Spread of the structural prior (share of the script): the manuals' positions miss the annotated
#: ones by about 0.04 on average (TRIPOD), so a scene 0.07 away keeps 60% of the prior.
PRIOR_SIGMA = 0.07
#: Candidates further than this from the manual position are not considered.
WINDOW = 0.16
#: Evidence weights; ``BASE`` keeps the prior decisive where a script gives no evidence.
BASE = 0.6
EVIDENCE_WEIGHTS = {"time_jump": 0.8, "new_location": 0.6, "shift": 1.2, "reversal": 0.5,
                    "darkens": 0.8, "arousal_peak": 1.0}
#: Scenes on each side when measuring a sustained shift of the protagonist's state.
SHIFT_WINDOW = 2

_DAY_START = frozenset({"DAWN", "MORNING", "DAY", "SUNRISE", "FIRST LIGHT", "NEXT DAY", "NEXT MORNING",
                        "THE NEXT DAY", "EARLY MORNING"})
_NIGHT = frozenset({"NIGHT", "DUSK", "EVENING", "SUNSET", "MIDNIGHT", "LATE NIGHT", "NIGHTFALL", "TWILIGHT"})
_JUMP_WORDS = re.compile(r"\b(?:LATER|NEXT|WEEKS?|MONTHS?|YEARS?|SPRING|SUMMER|AUTUMN|FALL|WINTER)\b|\b(?:1[89]|20)\d\d\b")


#: Continuity, not a jump: "MOMENTS LATER" follows straight on.
_CONTINUITY = re.compile(r"\b(?:MOMENTS?|MINUTES?|SECONDS?)\s+LATER\b|\bA MOMENT LATER\b")


@dataclass(frozen=True, slots=True)
class _Candidate:
    index: int
    score: float
    evidence: tuple[str, ...]


def protagonist(scenes: Sequence[Scene]) -> str | None:
    """The character with most dialogue lines plus scene appearances (ties: first seen)."""
    count: Counter[str] = Counter()
    for s in scenes:
        for name in s.characters:
            count[name] += 2
        for d in s.dialogue:
            count[_name(d.speaker)] += 1
    return count.most_common(1)[0][0] if count else None


def _name(speaker: str) -> str:
    return re.sub(r"\s*\(.*?\)\s*", "", speaker).strip()


def _positions(scenes: Sequence[Scene]) -> list[float]:
    end = max((s.end_line for s in scenes), default=1) or 1
    return [max(0.0, min(1.0, s.start_line / end)) for s in scenes]


def _time_jump(prev: Scene | None, scene: Scene, prev_state: ContextState | None,
               state: ContextState) -> str | None:
    if prev is None:
        return None
    if prev_state is not None and state.event == "return":
        return f"back to the present from the {prev_state.timeline}"
    tod, before = (scene.time_of_day or "").upper(), (prev.time_of_day or "").upper()
    if tod in _DAY_START and before in _NIGHT:
        return f"a new day ({before.lower()} → {tod.lower()})"
    heading = _CONTINUITY.sub("", scene.heading.upper())
    tod = _CONTINUITY.sub("", tod)
    if _JUMP_WORDS.search(tod) or (_JUMP_WORDS.search(heading) and str(scene.timeline) == "present"):
        return f"time jump ({tod.lower() or heading})"
    return None


def _smooth(xs: Sequence[float], half: int) -> list[float]:
    n = len(xs)
    return [sum(xs[max(0, i - half):i + half + 1]) / len(xs[max(0, i - half):i + half + 1]) for i in range(n)]


def _protagonist_curve(states: Sequence[ContextState], name: str | None) -> list[tuple[float, float]]:
    """The protagonist's carried state per scene (the film's state where they are absent)."""
    out: list[tuple[float, float]] = []
    for s in states:
        c = s.characters.get(name) if name else None
        out.append((c.valence, c.arousal) if c is not None else (s.valence, s.arousal))
    return out


def find_turning_points(scenes: Sequence[Scene], emotions: Sequence[SceneEmotion],
                        states: Sequence[ContextState]) -> tuple[TurningPoint, ...]:
    """TP1-TP5 with their evidence; fewer when the film has fewer than five scenes."""
    n = len(scenes)
    if n == 0 or len(states) != n:
        return ()
    pos = _positions(scenes)
    hero = protagonist(scenes)
    curve = _protagonist_curve(states, hero)
    v_s = _smooth([v for v, _ in curve], 1)
    a_film = _smooth([s.arousal for s in states], 1)

    shifts: list[tuple[float, float]] = []
    for i in range(n):
        lo, hi = max(0, i - SHIFT_WINDOW), min(n, i + SHIFT_WINDOW)
        before, after = curve[lo:i] or curve[i:i + 1], curve[i:hi] or curve[i:i + 1]
        dv = sum(v for v, _ in after) / len(after) - sum(v for v, _ in before) / len(before)
        da = sum(a for _, a in after) / len(after) - sum(a for _, a in before) / len(before)
        shifts.append((dv, da))
    top_shift = max((math.hypot(dv, da) for dv, da in shifts), default=0.0) or 1.0
    top_dark = max((-dv for dv, _ in shifts), default=0.0)

    seen_places: set[str] = set()
    new_place: list[bool] = []
    for s in scenes:
        place = (s.location or s.heading).split(" - ")[0].strip().upper()
        is_new = bool(hero and hero in s.characters and place and place not in seen_places)
        if hero and hero in s.characters and place:
            seen_places.add(place)
        new_place.append(is_new)

    base_evidence: list[tuple[float, list[str]]] = []
    for i, s in enumerate(scenes):
        score, why = 0.0, []
        jump = _time_jump(scenes[i - 1] if i else None, s, states[i - 1] if i else None, states[i])
        if jump:
            score += EVIDENCE_WEIGHTS["time_jump"]
            why.append(jump)
        if new_place[i] and pos[i] > 0.05:
            score += EVIDENCE_WEIGHTS["new_location"]
            why.append(f"new location for {hero}: {(s.location or s.heading).title()}")
        dv, da = shifts[i]
        mag = math.hypot(dv, da) / top_shift
        if mag >= 0.3:
            score += EVIDENCE_WEIGHTS["shift"] * mag
            who = hero if hero and hero in s.characters else "the film"
            why.append(f"sustained shift of {who}'s state: valence {dv:+.2f}, arousal {da:+.2f}")
        if 0 < i < n - 1 and ((v_s[i] - v_s[i - 1]) * (v_s[i + 1] - v_s[i]) < 0):
            score += EVIDENCE_WEIGHTS["reversal"]
            why.append("reversal: the arc turns " + ("down" if v_s[i + 1] < v_s[i] else "up"))
        base_evidence.append((score, why))

    last_act = [i for i in range(n) if pos[i] >= 0.6] or list(range(n))
    peak_a = max(a_film[i] for i in last_act)
    low_a = min(a_film)

    chosen: list[TurningPoint] = []
    floor = -1
    for k, (label, kind, where) in enumerate(TURNING_POINTS):
        remaining = len(TURNING_POINTS) - k - 1
        candidates: list[_Candidate] = []
        for i in range(floor + 1, n - remaining):
            if abs(pos[i] - where) > WINDOW and not (i == n - remaining - 1 and not candidates):
                continue
            score, why = base_evidence[i]
            why = list(why)
            if kind == "major setback" and top_dark > 0 and shifts[i][0] < 0:
                score += EVIDENCE_WEIGHTS["darkens"] * (-shifts[i][0] / top_dark)
                why.append(f"darkens (valence {shifts[i][0]:+.2f})")
            if kind == "climax" and i in last_act and peak_a > low_a:
                rel = (a_film[i] - low_a) / (peak_a - low_a)
                score += EVIDENCE_WEIGHTS["arousal_peak"] * rel ** 2
                if rel > 0.8:
                    why.append(f"arousal peak of the last act ({a_film[i]:+.2f})")
            prior = math.exp(-((pos[i] - where) ** 2) / (2 * PRIOR_SIGMA ** 2))
            layer = 0.5 if str(scenes[i].timeline) in ("flashback", "dream", "flashforward") else 1.0
            candidates.append(_Candidate(i, prior * layer * (BASE + score), tuple(why)))
        if not candidates:
            break
        best = max(candidates, key=lambda c: (c.score, -abs(pos[c.index] - where)))
        floor = best.index
        dv, da = shifts[best.index]
        evidence = (f"{pos[best.index]:.0%} of the script (manual position {where:.0%})", *best.evidence)
        chosen.append(TurningPoint(
            scene_id=scenes[best.index].scene_id, valence_shift=round(dv, 4), arousal_shift=round(da, 4),
            magnitude=round(math.hypot(dv, da), 4),
            direction=(("brightens" if dv > 0 else "darkens") if abs(dv) >= abs(da)
                       else ("intensifies" if da > 0 else "calms")),
            label=label, kind=kind, position=round(pos[best.index], 4), evidence=evidence,
        ))
    return tuple(chosen)
