"""Grouping scenes into cues, and how much of the film gets music (coverage).

Consecutive scenes with the same timeline and close contextual emotion share one cue; a timeline
change, a strong emotional shift, a turning point of the arc, a reel change or a cue grown too long
starts a new one. Scenes too short to carry a cue of their own join their neighbour. With
``coverage`` below 1 the scenes that need music least stay dry.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from scenescore.emotion.labels import mood_of
from scenescore.memory.affect import SceneAffect, scene_affects
from scenescore.spotting.function import dramatic_function
from scenescore.spotting.inout import first_moment, last_moment
from scenescore.spotting.options import SpotOptions, check_spot_options
from scenescore.spotting.records import Cue

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.records import Scene


def principal_characters(scenes: Sequence[Scene], *, limit: int = 3, min_scenes: int = 2
                         ) -> tuple[str, ...]:
    """The characters who get a theme: most scenes first, then most dialogue lines."""
    in_scenes: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    for scene in scenes:
        in_scenes.update(set(scene.characters))
        lines.update(d.speaker for d in scene.dialogue)
    ranked = sorted(in_scenes, key=lambda n: (-in_scenes[n], -lines[n], n))
    return tuple(n for n in ranked if in_scenes[n] >= min_scenes)[: max(0, limit)]


def mentions(text: str, name: str) -> bool:
    """Whether a character is named in a text (first word of the name, whole word, any case)."""
    first = re.split(r"[\s.]+", name.strip())
    word = next((w for w in first if len(w) > 2 and w.upper() not in ("MRS", "MR", "DR", "MS")),
                first[0] if first else "")
    return bool(word) and re.search(rf"\b{re.escape(word)}\b", text, flags=re.IGNORECASE) is not None


@dataclass(slots=True)
class CueRun:
    """A cue being built: its scenes and their timings."""

    scenes: list[Scene]
    spans: list[tuple[float, float]]
    timeline: str
    reason: str
    reel: int

    @property
    def seconds(self) -> float:
        return self.spans[-1][1] - self.spans[0][0]


def _timeline_key(scene: Scene) -> str:
    return str(scene.timeline)


def _weighted(values: Sequence[float], weights: Sequence[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return sum(values) / len(values) if values else 0.0
    return sum(v * w for v, w in zip(values, weights, strict=True)) / total


def spot_cues(scenes: Sequence[Scene], analysis: Any = None, *, options: SpotOptions | None = None,
              spans: Mapping[int, tuple[float, float]] | None = None) -> list[Cue]:
    """Group scenes into cues with ids, times, in/out descriptions and a dramatic function.

    ``analysis`` is the analyze/remember stages' ``EmotionAnalysis`` (``None``: all neutral, cues
    split on timeline only). ``spans`` maps a scene id to its (start, end) seconds in the footage
    when the alignment stage has them; other scenes use the screenplay estimate.
    """
    opts = options or SpotOptions()
    check_spot_options(opts)
    if not scenes:
        return []
    affects = scene_affects(analysis)
    neutral = {s.scene_id: SceneAffect(scene_id=s.scene_id) for s in scenes}
    aff = {sid: affects.get(sid, neutral[sid]) for sid in neutral}
    reel_s = opts.reel_minutes * 60.0

    timings: list[tuple[float, float]] = []
    basis: dict[int, str] = {}
    clock = 0.0
    for scene in scenes:
        span = spans.get(scene.scene_id) if spans else None
        if span is None and scene.time_basis == "picture" and scene.start_s is not None and scene.end_s is not None:
            span = (scene.start_s, scene.end_s)  # the scene table already holds its picture time
        if span is not None:
            start, end = float(span[0]), float(span[1])
            basis[scene.scene_id] = "footage"
        else:
            start, end = clock, clock + max(0.0, float(scene.est_seconds))
            basis[scene.scene_id] = "estimated"
        timings.append((start, max(start, end)))
        clock = max(start, end)

    scored = _scored_scenes(scenes, timings, aff, opts)
    runs: list[CueRun] = []
    dry = False
    for scene, span in zip(scenes, timings, strict=True):
        if scene.scene_id not in scored:
            dry = True
            continue
        reel = 1 + int(span[0] // reel_s)
        key = _timeline_key(scene)
        a = aff[scene.scene_id]
        if not runs:
            runs.append(CueRun([scene], [span], key, "film start" if scene is scenes[0] else "first music", reel))
            dry = False
            continue
        run = runs[-1]
        reason = "in after a dry stretch" if dry else _break_reason(run, scene, span, reel, key, a, aff, opts)
        dry = False
        if reason is None:
            run.scenes.append(scene)
            run.spans.append(span)
        else:
            runs.append(CueRun([scene], [span], key, reason, reel))
    runs = _merge_short(runs, opts)

    principals = principal_characters(scenes, limit=opts.theme_characters,
                                      min_scenes=opts.theme_min_scenes)
    cues: list[Cue] = []
    numbers: Counter[int] = Counter()
    heard: set[str] = set()
    for i, run in enumerate(runs):
        numbers[run.reel] += 1
        prev = runs[i - 1] if i else None
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        cue_id = f"{run.reel}M{numbers[run.reel]:02d}"
        cues.append(_build_cue(cue_id, run, numbers[run.reel], prev, nxt, cues[-1] if cues else None,
                               aff, basis, principals, heard, opts))
    # No cue runs over five minutes: a longer one is cut at the script's own breaks (reported).
    from scenescore.segment.long_cues import split_long_cues

    cues, splits = split_long_cues(cues, scenes)
    for line in splits:
        logging.getLogger(__name__).warning("%s", line)
    # The "out" names the next cue, known only now.
    return [_with_out(c, cues[i + 1] if i + 1 < len(cues) else None) for i, c in enumerate(cues)]


def _music_need(scene: Scene, index: int, count: int, a: SceneAffect) -> float:
    """How much a scene asks for music (higher first); documented in ``SpotOptions.coverage``."""
    need = abs(a.valence) + max(0.0, a.arousal) + 0.5 * abs(a.arousal)
    if index in (0, count - 1):
        need += 3.0
    if _timeline_key(scene) != "present":
        need += 2.0
    if a.turning_point:
        need += 10.0  # music at every turning point: chosen before any other need (issue 16)
    words = sum(len(d.text.split()) for d in scene.dialogue)
    total = max(1, scene.word_count)
    need += 0.6 * (1.0 - min(1.0, words / total))  # pictures and action more than talk
    return need


def _scored_scenes(scenes: Sequence[Scene], timings: Sequence[tuple[float, float]],
                   aff: Mapping[int, SceneAffect], opts: SpotOptions) -> set[int]:
    """The scenes that get music: by need, until ``coverage`` of the screen time is reached.

    Turning points get music even past the coverage (spotting puts a cue at every one of them).
    """
    if opts.coverage >= 1.0:
        return {s.scene_id for s in scenes}
    total = sum(end - start for start, end in timings) or 1.0
    order = sorted(range(len(scenes)), key=lambda i: (-_music_need(scenes[i], i, len(scenes),
                                                                  aff[scenes[i].scene_id]), i))
    chosen: set[int] = set()
    covered = 0.0
    for i in order:
        turning = opts.use_turning_points and aff[scenes[i].scene_id].turning_point
        if covered >= opts.coverage * total and not turning:
            break
        chosen.add(scenes[i].scene_id)
        covered += timings[i][1] - timings[i][0]
    return chosen


def _break_reason(run: CueRun, scene: Scene, span: tuple[float, float], reel: int, key: str,
                  a: SceneAffect, aff: Mapping[int, SceneAffect], opts: SpotOptions) -> str | None:
    """Why ``scene`` cannot join ``run`` (``None``: it joins)."""
    if key != run.timeline:
        return f"timeline: {run.timeline} → {key}"
    if reel != run.reel:
        return f"reel {reel} starts"
    seconds = span[1] - span[0]
    if run.seconds + seconds > opts.max_cue_s and run.seconds >= opts.min_cue_s:
        return f"cue over {opts.max_cue_s:.0f} s"
    if key == "intercut":
        return None  # intercut scenes share one state: one cue
    if opts.use_turning_points and a.turning_point:
        # Before the short-scene rule: a turning point starts a cue however short its scene is.
        return f"turning point: {a.turning_point}"
    if seconds < opts.min_cue_s:
        return None  # too short for a cue of its own
    weights = [max(e - s, 1e-3) for s, e in run.spans]
    mv = _weighted([aff[s.scene_id].valence for s in run.scenes], weights)
    ma = _weighted([aff[s.scene_id].arousal for s in run.scenes], weights)
    distance = math.hypot(a.valence - mv, a.arousal - ma)
    if distance >= opts.shift_threshold:
        return f"emotional shift {distance:.2f} ({mood_of(mv, ma)} → {a.mood})"
    return None


def _merge_short(runs: list[CueRun], opts: SpotOptions) -> list[CueRun]:
    """A cue shorter than ``min_cue_s`` joins the next cue of the same timeline and reel; when
    the next one starts at a turning point (which must stay a cue's start), the previous one."""
    out: list[CueRun] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        contiguous = nxt is not None and abs(nxt.spans[0][0] - run.spans[-1][1]) < 1e-6
        if run.seconds < opts.min_cue_s and nxt is not None and nxt.reason.startswith("turning point"):
            prev = out[-1] if out else None
            if (prev is not None and abs(run.spans[0][0] - prev.spans[-1][1]) < 1e-6
                    and prev.timeline == run.timeline and prev.reel == run.reel
                    and prev.seconds + run.seconds <= opts.max_cue_s):
                prev.scenes.extend(run.scenes)
                prev.spans.extend(run.spans)
            else:
                out.append(run)  # a short lead-in of its own rather than a cue starting early
        elif (run.seconds < opts.min_cue_s and nxt is not None and contiguous and nxt.timeline == run.timeline
                and nxt.reel == run.reel and run.seconds + nxt.seconds <= opts.max_cue_s):
            runs[i + 1] = CueRun(run.scenes + nxt.scenes, run.spans + nxt.spans, run.timeline,
                               run.reason, run.reel)
        else:
            out.append(run)
        i += 1
    return out


def _build_cue(cue_id: str, run: CueRun, number: int, prev: CueRun | None, nxt: CueRun | None,
               prev_cue: Cue | None, aff: Mapping[int, SceneAffect], basis: Mapping[int, str],
               principals: Sequence[str], heard: set[str], opts: SpotOptions) -> Cue:
    first, last = run.scenes[0], run.scenes[-1]
    weights = [max(e - s, 1e-3) for s, e in run.spans]
    v = _weighted([aff[s.scene_id].valence for s in run.scenes], weights)
    a = _weighted([aff[s.scene_id].arousal for s in run.scenes], weights)
    moods: Counter[str] = Counter()
    for s, w in zip(run.scenes, weights, strict=True):
        moods[aff[s.scene_id].mood] += w
    mood = moods.most_common(1)[0][0]
    on_screen: Counter[str] = Counter()
    for s in run.scenes:
        # Action describes what we see: a principal named there is on screen, speaking or not.
        on_screen.update(set(s.characters) | {n for n in principals if mentions(s.action, n)})
    characters = tuple(sorted(on_screen, key=lambda n: (-on_screen[n], n)))
    spoken_text = "\n".join(d.text for s in run.scenes for d in s.dialogue)
    themed = tuple(n for n in principals if n in on_screen or mentions(spoken_text, n))
    words = sum(s.word_count for s in run.scenes)
    spoken = sum(len(d.text.split()) for s in run.scenes for d in s.dialogue)
    share = spoken / words if words else 0.0
    first_aff, last_aff = aff[first.scene_id], aff[last.scene_id]
    new_themes = [n for n in themed if n in on_screen and n not in heard]
    heard.update(n for n in themed if n in on_screen)
    seconds = run.seconds
    function = dramatic_function(run, prev, nxt, prev_cue, v, a, first_aff, last_aff, share, new_themes,
                         seconds, opts)
    in_point = f"sc. {first.scene_id} {first.heading}: {first_moment(first)}"
    timing = "footage" if all(basis[s.scene_id] == "footage" for s in run.scenes) else (
        "estimated" if all(basis[s.scene_id] == "estimated" for s in run.scenes) else "mixed")
    return Cue(
        cue_id=cue_id, reel=run.reel, number=number,
        scene_ids=tuple(s.scene_id for s in run.scenes),
        start_s=round(run.spans[0][0], 3), end_s=round(run.spans[-1][1], 3), timeline=run.timeline,
        in_point=in_point, out_point=f"sc. {last.scene_id}: {last_moment(last)}",
        function=function, mood=mood, valence=round(v, 4), arousal=round(a, 4),
        valence_in=first_aff.valence, arousal_in=first_aff.arousal,
        valence_out=last_aff.valence, arousal_out=last_aff.arousal,
        characters=characters, theme_characters=themed, dialogue_share=round(share, 3),
        reason=run.reason, timing_basis=timing,
    )


def _with_out(cue: Cue, nxt: Cue | None) -> Cue:
    if nxt is None:
        how = "tail out at the end of the film"
    elif nxt.timeline != cue.timeline:
        how = f"hard out on the cut to {nxt.timeline} ({nxt.cue_id})"
    elif nxt.reel != cue.reel:
        how = f"out at the reel change ({nxt.cue_id})"
    else:
        how = f"segue into {nxt.cue_id}"
    return replace(cue, out_point=f"{cue.out_point}; {how}")
