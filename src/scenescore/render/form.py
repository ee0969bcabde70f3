"""Form: the cue's sections, its tempo map fitted to the picture, its bar grid and theme places.

A film composer fits the music to picture with a click track: the hit points (scene cuts, a
character's entrance, a door slam) should fall on downbeats, so the bar count of each section and
a small tempo change are chosen together (Karlin & Wright, *On the Track*, 2nd ed. 2004, ch. 6-8:
"catching" hits by adjusting tempo and bar counts, changes of a few percent, gradual). Here:

- hits closer than :data:`MIN_HIT_GAP_BARS` bars to the previous one (or the cue's edges) are
  not caught (a section needs room);
- each section between hits gets a whole number of bars; its tempo ramps from the previous
  section's over its first bar (a ramp, not a jump) and then holds, solved so the section's last
  bar line lands exactly on the hit (to well under a frame);
- bar counts are chosen by a small beam search that keeps each change within
  ``max_tempo_change`` where it can and the tempo near the condition's;
- the last section (after the last hit) keeps the tempo; an ending that resolves slows over its
  last bar (ritardando, up to 10%, in cues of six bars or more), one that stays open or segues
  keeps time.

Everything is in quarters and seconds; :class:`TempoMap` converts between them.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from scenescore.render.themes import ThemePhrase

log = logging.getLogger(__name__)

#: A hit is caught only this many bars (at the condition's tempo) after the previous one.
MIN_HIT_GAP_BARS = 1.5
#: How far (share) a section's tempo may move from the condition's to catch a hit (set on the
#: evaluation films of scripts/eval_music.py: 0.1 caught 55% of scene cuts, 0.3 catches 92%).
MAX_DRIFT = 0.3
#: Which hits win when two are too close to catch both (lower first).
HIT_PRIORITY = {"scene cut": 0, "sound": 1, "entrance": 2}
#: How much room (in units of the minimum gap) each kind needs: an entrance is caught only with
#: room to spare, so catching it never pushes the tempo far.
HIT_ROOM = {"scene cut": 1.0, "sound": 2.0, "entrance": 3.0}


@dataclass(frozen=True, slots=True)
class HitPoint:
    """A moment of picture the music should land on (seconds from the cue's start)."""

    time_s: float
    kind: str  # "scene cut", "entrance", "sound", ...
    label: str = ""


@dataclass(frozen=True, slots=True)
class TempoMap:
    """Tempo as steps: (quarter, bpm) from quarter 0; converts quarters and seconds both ways."""

    steps: tuple[tuple[float, float], ...]
    _starts_s: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        starts = [0.0]
        for (q0, bpm), (q1, _) in zip(self.steps, self.steps[1:], strict=False):
            starts.append(starts[-1] + (q1 - q0) * 60.0 / bpm)
        object.__setattr__(self, "_starts_s", tuple(starts))

    @classmethod
    def constant(cls, bpm: float) -> TempoMap:
        return cls(((0.0, bpm),))

    def seconds(self, q: float) -> float:
        k = max(0, bisect.bisect_right([s[0] for s in self.steps], q + 1e-9) - 1)
        q0, bpm = self.steps[k]
        return self._starts_s[k] + (q - q0) * 60.0 / bpm

    def quarters(self, s: float) -> float:
        starts = self._starts_s
        k = max(0, bisect.bisect_right(starts, s + 1e-9) - 1)
        q0, bpm = self.steps[k]
        return q0 + (s - starts[k]) * bpm / 60.0

    def bpm_at(self, q: float) -> float:
        k = max(0, bisect.bisect_right([s[0] for s in self.steps], q + 1e-9) - 1)
        return self.steps[k][1]

    def in_seconds(self) -> tuple[tuple[float, float], ...]:
        """(seconds, bpm) of every change, the first at 0 (what a MIDI tempo map holds)."""
        out: list[tuple[float, float]] = []
        for k, (_, bpm) in enumerate(self.steps):
            t = round(self._starts_s[k], 6)
            if out and abs(out[-1][1] - bpm) < 1e-6:
                continue
            out.append((t, round(bpm, 4)))
        return tuple(out)


@dataclass(frozen=True, slots=True)
class Section:
    """A stretch of the cue between hit points: whole bars at one tempo (after its ramp)."""

    start_bar: int
    bars: int
    start_s: float
    end_s: float
    bpm: float
    hit: HitPoint | None  # the hit its last bar line lands on (None: the cue's end)


@dataclass(frozen=True, slots=True)
class Form:
    """The cue's form: sections, tempo map, and which hits were caught."""

    sections: tuple[Section, ...]
    tempo: TempoMap
    total_q: float
    caught: tuple[HitPoint, ...]
    missed: tuple[HitPoint, ...]
    ritardando: bool

    def describe(self) -> str:
        parts = [f"{s.bars} bars at {s.bpm:.1f} bpm to {s.end_s:.2f} s"
                 + (f" ({s.hit.kind}{': ' + s.hit.label if s.hit.label else ''})" if s.hit else "")
                 for s in self.sections]
        return "; ".join(parts) + (" (rit.)" if self.ritardando else "")


def _ramped(prev_bpm: float, bpm: float, bars: int, bar_q: float, beat_q: float) -> list[tuple[float, float]]:
    """(quarters, bpm) steps of a section: a ramp over its first bar (per beat), then ``bpm``."""
    if bars <= 0:
        return []
    beats = max(1, round(bar_q / beat_q))
    if abs(bpm - prev_bpm) / prev_bpm < 0.005:
        return [(bars * bar_q, bpm)]
    steps = [(beat_q, prev_bpm + (bpm - prev_bpm) * (k + 1) / (beats + 1)) for k in range(beats)]
    rest = bars * bar_q - beats * beat_q
    if rest > 1e-9:
        steps.append((rest, bpm))
    return steps


def _length_s(steps: Sequence[tuple[float, float]]) -> float:
    return sum(q * 60.0 / b for q, b in steps)


def _solve(prev_bpm: float | None, bars: int, length_s: float, bar_q: float, beat_q: float) -> float:
    """The held tempo that makes ``bars`` bars (ramping from ``prev_bpm``) last ``length_s``."""
    if prev_bpm is None:
        return bars * bar_q * 60.0 / length_s
    lo, hi = 10.0, 600.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if _length_s(_ramped(prev_bpm, mid, bars, bar_q, beat_q)) > length_s:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def fit_form(duration_s: float, bpm: float, bar_q: float, beat_q: float, hits: Sequence[HitPoint], *,
             max_change: float = 0.08, ritardando: bool = False, beam: int = 6) -> Form:
    """Sections and a tempo map that put a downbeat on each hit it can catch (see the module doc)."""
    bar_s = bar_q * 60.0 / bpm
    gap = MIN_HIT_GAP_BARS * bar_s * 0.75
    chosen: list[HitPoint] = []
    missed: list[HitPoint] = []
    # Scene cuts first, then hard sounds, then entrances: each is caught where it leaves room.
    for h in sorted(hits, key=lambda h: (HIT_PRIORITY.get(h.kind, 9), h.time_s)):
        room = gap * HIT_ROOM.get(h.kind, 2.0)
        edges_ok = h.time_s >= room and duration_s - h.time_s >= 0.5 * bar_s
        if edges_ok and all(abs(h.time_s - c.time_s) >= room for c in chosen):
            chosen.append(h)
        else:
            missed.append(h)
    chosen.sort(key=lambda h: h.time_s)
    while True:
        bars_list, bpms = _fit_bars(chosen, bpm, bar_s, bar_q, beat_q, max_change, beam)
        # A hit that would pull the tempo more than MAX_DRIFT from the condition's is let go
        # (the lowest-priority one first); the search keeps changes within max_change where the
        # sections leave room, and goes beyond it (ramped) where they do not.
        worst = None
        for k, b in enumerate(bpms):
            if abs(b / bpm - 1) > MAX_DRIFT:
                worst = k if worst is None or HIT_PRIORITY.get(chosen[k].kind, 9) >= HIT_PRIORITY.get(
                    chosen[worst].kind, 9) else worst
        if worst is None or not chosen:
            break
        missed.append(chosen.pop(worst))
    edges = [0.0] + [h.time_s for h in chosen]
    steps: list[tuple[float, float]] = []
    sections: list[Section] = []
    q = 0.0
    prev: float | None = None
    bar_no = 0
    for k, (n, b) in enumerate(zip(bars_list, bpms, strict=True)):
        for dq, bb in (_ramped(prev, b, n, bar_q, beat_q) if prev is not None else [(n * bar_q, b)]):
            steps.append((q, bb))
            q += dq
        sections.append(Section(bar_no, n, edges[k], edges[k + 1], b, chosen[k]))
        bar_no += n
        prev = b
    # The last section: the tempo eases back toward the condition's (a ramp), then holds.
    tail_start = edges[-1]
    tail_bpm = bpm if prev is None else prev + max(-max_change * prev, min(max_change * prev, bpm - prev))
    if prev is not None and abs(tail_bpm - prev) > 1e-6:
        for dq, bb in _ramped(prev, tail_bpm, 1, bar_q, beat_q):
            steps.append((q, bb))
            q += dq
    steps.append((q, tail_bpm))
    tempo = TempoMap(_merge(steps))
    rit = False
    if ritardando:
        total_q = tempo.quarters(duration_s)
        rit_q = total_q - bar_q
        if rit_q > tempo.quarters(tail_start) + bar_q and total_q >= 6 * bar_q:
            # Slow by up to 10% over the last bar, in beat steps (cues of six bars or more); the rest
            # of the cue is untouched (the end moves by what the slowing costs, so it is re-solved).
            base = tempo.bpm_at(rit_q)
            kept = [s for s in tempo.steps if s[0] < rit_q - 1e-9]
            beats = max(1, round(bar_q / beat_q))
            trial = [*kept]
            for k in range(beats + 1):
                trial.append((rit_q + k * beat_q, base * (1 - 0.10 * (k + 1) / (beats + 1))))
            tempo = TempoMap(_merge(trial))
            rit = True
    total_q = tempo.quarters(duration_s)
    sections.append(Section(bar_no, max(1, math.ceil(total_q / bar_q - bar_no - 1e-9)), tail_start, duration_s,
                            tail_bpm, None))
    return Form(tuple(sections), tempo, total_q, tuple(chosen), tuple(missed), rit)


def _fit_bars(chosen: Sequence[HitPoint], bpm: float, bar_s: float, bar_q: float, beat_q: float,
              max_change: float, beam: int) -> tuple[list[int], list[float]]:
    """Bar counts and held tempos of the sections ending on ``chosen`` (a small beam search)."""
    states: list[tuple[float, list[int], list[float]]] = [(0.0, [], [])]
    edges = [0.0] + [h.time_s for h in chosen]
    for k in range(len(chosen)):
        length = edges[k + 1] - edges[k]
        nominal = length / bar_s
        options = range(max(1, math.floor(nominal) - 1), math.ceil(nominal) + 2)
        nxt: list[tuple[float, list[int], list[float]]] = []
        for cost, bars_list, bpms in states:
            prev = bpms[-1] if bpms else None
            for n in options:
                new = _solve(prev, n, length, bar_q, beat_q)
                change = abs(math.log(new / (prev or bpm)))
                drift = abs(math.log(new / bpm))
                over = max(0.0, change - math.log1p(max_change))
                c = cost + 4 * change + 3 * drift + 100 * over + 100 * max(0.0, drift - 0.06)
                nxt.append((c, [*bars_list, n], [*bpms, new]))
        nxt.sort(key=lambda s: s[0])
        states = nxt[:beam]
    return states[0][1], states[0][2]


def _merge(steps: Sequence[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    out: list[tuple[float, float]] = []
    for q, b in steps:
        if out and abs(out[-1][0] - q) < 1e-9:
            out[-1] = (q, b)
        elif out and abs(out[-1][1] - b) < 1e-9:
            continue
        else:
            out.append((q, b))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Placed:
    """A theme phrase placed at a bar of the cue."""

    phrase: ThemePhrase
    bar: int
    bars: int
    reprise: bool = False


class FormPlanner:
    """Mixin of the sketcher: the bar grid and the placement of themes."""

    def bar_start(self, bar: int) -> float:
        return bar * self.bar_q

    def bar_of(self, q: float) -> int:
        return int((q + 1e-9) // self.bar_q)

    def theme_phrases(self) -> list[ThemePhrase]:
        phrases: list[ThemePhrase] = []
        for use in self.c.themes:
            phrases += self.book.use(motif_id=use.motif, character=use.character,
                                     transformation=use.transformation, cue_id=self.c.cue_id,
                                     cue_mode=self.c.mode)
        return phrases

    def place_themes(self, phrases: list[ThemePhrase]) -> list[Placed]:
        """Bars for the theme phrases: at the character's entrance where the dramatic map has
        one (the theme enters with the character), else one after another from bar 2; a long
        cue brings its last theme back where the intensity peaks."""
        placed: list[Placed] = []
        bar = 1 if self.n_bars >= 8 else 0
        for phrase in phrases:
            bars = max(1, math.ceil(phrase.quarters / self.bar_q - 1e-9))
            entrance = self.cue_map.entrance_of(phrase.character) if self.cue_map is not None else None
            if entrance is not None:
                at = round(self.tempo.quarters(entrance) / self.bar_q)
                if bar <= at <= self.final_bar - bars:
                    bar = at
            if bar > self.final_bar and placed:
                log.info("%s: no room for theme %s (%s)", self.c.cue_id, phrase.motif_id, phrase.transformation)
                continue
            placed.append(Placed(phrase, bar, bars))
            bar += bars + (1 if bars < 4 else 0)
        if placed and self.final_bar - bar >= 2 * placed[-1].bars + 2:
            peak_bar = max(range(bar, self.final_bar - placed[-1].bars),
                           key=lambda b: (self.intensity(self.bar_start(b)), -b))
            placed.append(Placed(placed[-1].phrase, peak_bar, placed[-1].bars, reprise=True))
        return placed
