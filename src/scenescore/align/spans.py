"""Scene spans in picture time from aligned transcript lines and shot cuts.

A scene whose lines were found covers at least its first to its last line. The gap between two
such scenes holds the first one's tail, any scenes without dialogue (shared by their estimated
length) and the second one's head; every boundary in the gap snaps to a shot cut when one is
there (a small dynamic program picks increasing cuts nearest to the placed boundaries).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from scenescore.align.options import AlignOptions
from scenescore.align.records import SceneSpan, TranscriptLine
from scenescore.align.sequence import normalize_words
from scenescore.records import Scene
from scenescore.timecode import format_timecode

#: A cut this close outside the gap (a line starting on the cut) is still a candidate.
_CUT_TOLERANCE_S = 0.25
#: Weight of a scene without dialogue in a gap when its estimate is missing or zero.
_MIN_WEIGHT_S = 1.0


@dataclass(slots=True)
class _Bound:
    at: float
    on_cut: bool


def snap_boundaries(lo: float, hi: float, weights: Sequence[float], cuts: Sequence[float], *,
                    window: float | None = None) -> list[_Bound]:
    """The ``len(weights) - 1`` boundaries between segments filling ``[lo, hi]``, on cuts."""
    count = len(weights) - 1
    if count <= 0:
        return []
    if hi <= lo:
        mid = (lo + hi) / 2
        return [_Bound(mid, False) for _ in range(count)]
    total = sum(weights)
    acc, targets = 0.0, []
    for w in weights[:-1]:
        acc += w
        targets.append(lo + (hi - lo) * acc / total)
    cands = [c for c in cuts if lo - _CUT_TOLERANCE_S <= c <= hi + _CUT_TOLERANCE_S]
    if not cands:
        return [_Bound(t, False) for t in targets]
    unsnapped = (hi - lo) + 1.0  # any reachable cut is better than none
    # dp[k][c]: best cost with boundary k on candidate c (index len(cands) means "no cut").
    inf = float("inf")
    none = len(cands)
    dp = [[inf] * (none + 1) for _ in range(count)]
    back = [[-1] * (none + 1) for _ in range(count)]

    def value(k: int, c: int) -> float:
        return targets[k] if c == none else cands[c]

    def cost(k: int, c: int) -> float:
        if c == none:
            return unsnapped
        d = abs(cands[c] - targets[k])
        return d if window is None or d <= window else inf

    for c in range(none + 1):
        dp[0][c] = cost(0, c)
    for k in range(1, count):
        for c in range(none + 1):
            here = cost(k, c)
            if here == inf:
                continue
            for p in range(none + 1):
                if dp[k - 1][p] == inf:
                    continue
                if c != none and p != none:
                    ok = cands[p] < cands[c]  # two boundaries never share a cut
                else:
                    ok = value(k - 1, p) <= value(k, c)
                if ok and dp[k - 1][p] + here < dp[k][c]:
                    dp[k][c], back[k][c] = dp[k - 1][p] + here, p
    c = min(range(none + 1), key=lambda x: dp[count - 1][x])
    chosen = [0] * count
    for k in range(count - 1, -1, -1):
        chosen[k] = c
        c = back[k][c]
    return [_Bound(value(k, c), c != none) for k, c in enumerate(chosen)]


def place_scenes(scenes: Sequence[Scene], transcript: Sequence[TranscriptLine], cuts: Sequence[float],
                 *, duration_s: float, frame_rate: Fraction, options: AlignOptions | None = None
                 ) -> list[SceneSpan]:
    """One span per scene, in screenplay order, covering ``[0, duration_s]`` without overlap."""
    opts = options or AlignOptions()
    extents: dict[int, list[float]] = {}
    heard: dict[int, Counter[str]] = {}
    for line in transcript:
        if line.scene_id is None:
            continue
        ext = extents.setdefault(line.scene_id, [line.start_s, line.end_s])
        ext[0], ext[1] = min(ext[0], line.start_s), max(ext[1], line.end_s)
        heard.setdefault(line.scene_id, Counter()).update(normalize_words(line.text))

    starts: dict[int, _Bound] = {}
    ends: dict[int, _Bound] = {}
    margin = opts.dialogue_margin_s
    pending: list[Scene] = []
    previous: Scene | None = None
    for scene in [*scenes, None]:
        if scene is not None and scene.scene_id not in extents:
            pending.append(scene)
            continue
        lo = extents[previous.scene_id][1] if previous else 0.0
        hi = extents[scene.scene_id][0] if scene else duration_s
        hi = max(hi, lo) if scene is None else hi
        weights = ([margin] if previous else []) + [max(s.est_seconds, _MIN_WEIGHT_S) for s in pending] + (
            [margin] if scene else [])
        inner = snap_boundaries(lo, hi, weights, cuts, window=opts.snap_window_s)
        bounds = ([] if previous else [_Bound(0.0, True)]) + inner + ([] if scene else [_Bound(duration_s, True)])
        # bounds[0] closes `previous` (or opens the film), bounds[-1] opens `scene` (or ends it).
        if previous is not None:
            ends[previous.scene_id] = bounds[0]
        for n, s in enumerate(pending):
            starts[s.scene_id], ends[s.scene_id] = bounds[n], bounds[n + 1]
        if scene is not None:
            starts[scene.scene_id] = bounds[-1]
        pending, previous = [], scene

    spans: list[SceneSpan] = []
    clock = 0.0
    for scene in scenes:
        start, end = starts[scene.scene_id], ends[scene.scene_id]
        a = min(max(start.at, clock), duration_s)
        b = min(max(end.at, a), duration_s)
        clock = b
        words = Counter(w for d in scene.dialogue for w in normalize_words(d.text))
        total = sum(words.values())
        matched = sum((words & heard.get(scene.scene_id, Counter())).values())
        if scene.scene_id in extents:
            method = "dialogue"
            conf = 0.4 + 0.4 * (matched / total if total else 0.0)
            conf += 0.1 * start.on_cut + 0.1 * end.on_cut
        else:
            method = "interpolated"
            conf = 0.1 + 0.15 * start.on_cut + 0.15 * end.on_cut
        if b - a <= 0:
            conf = 0.0
        spans.append(SceneSpan(
            scene_id=scene.scene_id, start_s=a, end_s=b, start_tc=format_timecode(a, frame_rate),
            end_tc=format_timecode(b, frame_rate), confidence=round(min(conf, 1.0), 3),
            method=method, dialogue_words=total, matched_words=matched,
            start_on_cut=start.on_cut, end_on_cut=end.on_cut))
    return spans
