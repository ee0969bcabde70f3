"""The spot stage: scenes become cues, the way a music editor spots a film.

    from scenescore.spotting import spot_cues, write_spotting_notes
    cues = spot_cues(screenplay.scenes, analysis)             # analysis: EmotionAnalysis or None
    write_spotting_notes(cues, "cues.csv", conditions=translation.conditions)

Consecutive scenes with the same timeline and close contextual emotion share one cue; a timeline
change, a strong emotional shift, a turning point of the arc, a reel change or a cue grown too long
starts a new one. Scenes too short to carry a cue of their own join their neighbour. Every scene
belongs to exactly one cue, so the cues tile the film: the temp score is continuous.

Cue ids follow the film convention ``1M01``: reel, ``M``, cue number within the reel; a reel is
about 20 minutes of (estimated) screen time. Musical time is seconds; timecodes (``HH:MM:SS:FF``,
non-drop) exist only in the spotting notes.

The emotion/memory records are read through one adapter, :func:`scene_affects`, so a change in
their shape is fixed in one place.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from scenescore.errors import OptionsError

if TYPE_CHECKING:  # pragma: no cover
    import os
    from pathlib import Path

    import pandas as pd

    from scenescore.conditions.schema import MusicCondition
    from scenescore.records import Scene


class CueFunction(StrEnum):
    """What the music does dramatically in a cue."""

    UNDERSCORE_DIALOGUE = "underscore dialogue"
    BUILD_TENSION = "build tension"
    RELEASE = "release"
    TRANSITION = "transition"
    THEME_STATEMENT = "theme statement"
    #: Sets place and mood under action when none of the above applies.
    ATMOSPHERE = "atmosphere"


@dataclass(frozen=True, slots=True)
class SpotOptions:
    #: Screen minutes per reel (cue ids restart at ``<reel>M01`` in each reel).
    reel_minutes: float = 20.0
    #: Distance on the valence/arousal plane (contextual values, each in [-1, 1]) between a scene
    #: and the cue so far that starts a new cue.
    shift_threshold: float = 0.3
    #: A run of similar scenes longer than this many seconds is split at the next scene boundary.
    max_cue_s: float = 240.0
    #: Scenes (and cues) shorter than this join their neighbour in the same timeline.
    min_cue_s: float = 8.0
    #: Start a new cue at the turning points of the emotional arc.
    use_turning_points: bool = True
    #: Frames per second of the spotting-note timecodes (non-drop).
    fps: int = 24
    #: Timecode of the first frame of the film, in seconds (3600 for a 01:00:00:00 start).
    timecode_start_s: float = 0.0
    #: Share of a cue's words that are dialogue from which the music underscores dialogue.
    dialogue_share: float = 0.45
    #: Arousal rise (within a cue or from the previous cue) that reads as building tension, and
    #: the fall (or valence rise) that reads as a release.
    build_threshold: float = 0.15
    release_threshold: float = 0.15
    #: A cue shorter than this, between two others, in another timeline: a transition.
    transition_s: float = 12.0
    #: Characters who get a theme (most present first) and the scenes they need to appear in.
    theme_characters: int = 3
    theme_min_scenes: int = 2
    #: Share of the film's screen time that gets music (1.0: every scene). A music editor leaves
    #: scenes dry; feature films run music over roughly a third to two thirds of their length.
    #: Scenes are kept in order of need: the first and last scene, flashbacks, dreams, montages
    #: and intercuts, turning points, strong emotion, little dialogue.
    coverage: float = 0.65


# --------------------------------------------------------------------------------------------
# The adapter over the emotion/memory stage
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CharacterAffect:
    """A character's carried state after a scene (from the memory)."""

    name: str
    character_id: str
    valence: float
    arousal: float
    appearances: int = 1


@dataclass(frozen=True, slots=True)
class SceneAffect:
    """What spotting and translation need to know about a scene's emotion and its context."""

    scene_id: int
    #: Contextual valence/arousal (the scene blended with what came before).
    valence: float = 0.0
    arousal: float = 0.0
    #: The scene read on its own.
    scene_valence: float = 0.0
    scene_arousal: float = 0.0
    mood: str = "neutral"
    emotions: tuple[tuple[str, float], ...] = ()
    evidence: tuple[str, ...] = ()
    timeline_stack: tuple[str, ...] = ("present",)
    inherited_from: int | None = None
    event: str = "continue"
    memory_note: str = ""
    characters: Mapping[str, CharacterAffect] = field(default_factory=dict)
    #: Direction of a turning point of the arc starting here (``darkens``...), if any.
    turning_point: str | None = None


def character_id(name: str) -> str:
    """Stable id of a character: the memory's, so themes and states meet on one id."""
    from scenescore.memory import character_id as memory_character_id

    return memory_character_id(name)


def scene_affects(analysis: Any) -> dict[int, SceneAffect]:
    """Scene id → :class:`SceneAffect` from an ``EmotionAnalysis`` (``emotions``, ``states``, ``arc``).

    The one place that reads the emotion/memory records; ``None`` gives an empty mapping (every
    scene neutral).
    """
    if analysis is None:
        return {}
    states = {s.scene_id: s for s in getattr(analysis, "states", ())}
    arc = getattr(analysis, "arc", None)
    turns = {t.scene_id: t.direction for t in getattr(arc, "turning_points", ())} if arc else {}
    out: dict[int, SceneAffect] = {}
    for e in getattr(analysis, "emotions", ()):
        s = states.get(e.scene_id)
        chars: dict[str, CharacterAffect] = {}
        if s is not None:
            for name, c in s.characters.items():
                chars[name] = CharacterAffect(name=name, character_id=c.character_id,
                                              valence=float(c.valence), arousal=float(c.arousal),
                                              appearances=int(c.appearances))
        else:
            for name, (v, a) in e.characters.items():
                chars[name] = CharacterAffect(name=name, character_id=character_id(name),
                                              valence=float(v), arousal=float(a))
        out[e.scene_id] = SceneAffect(
            scene_id=e.scene_id,
            valence=float(s.valence if s is not None else e.valence),
            arousal=float(s.arousal if s is not None else e.arousal),
            scene_valence=float(e.valence), scene_arousal=float(e.arousal),
            mood=s.mood if s is not None else _mood(e.valence, e.arousal),
            emotions=tuple((str(k), float(v)) for k, v in e.emotions),
            evidence=tuple(e.evidence),
            timeline_stack=tuple(s.timeline_stack) if s is not None else (e.timeline,),
            inherited_from=s.inherited_from if s is not None else None,
            event=s.event if s is not None else "continue",
            memory_note=s.note if s is not None else "",
            characters=chars,
            turning_point=turns.get(e.scene_id),
        )
    return out


def _mood(valence: float, arousal: float) -> str:
    """The memory's name for a point of the valence/arousal plane."""
    from scenescore.emotion.labels import mood_of

    return mood_of(valence, arousal)


# --------------------------------------------------------------------------------------------
# The cue record
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cue:
    """One music cue: which scenes it covers, when, and what it does."""

    cue_id: str
    reel: int
    number: int
    scene_ids: tuple[int, ...]
    start_s: float
    end_s: float
    #: The scenes' timeline (``present``, ``flashback``, ``dream``, ``montage``...).
    timeline: str
    #: Where the music comes in and goes out, in words (the music editor's "in" and "out").
    in_point: str
    out_point: str
    function: CueFunction
    mood: str
    #: Duration-weighted contextual valence/arousal, and the values at the cue's first/last scene.
    valence: float
    arousal: float
    valence_in: float
    arousal_in: float
    valence_out: float
    arousal_out: float
    #: Characters on screen, most present first, and those with a theme here (on screen or named).
    characters: tuple[str, ...] = ()
    theme_characters: tuple[str, ...] = ()
    dialogue_share: float = 0.0
    #: Why a new cue starts here (``film start``, ``timeline: flashback``, ``shift 0.42``...).
    reason: str = ""
    #: ``estimated`` (page/dialogue estimate) or ``footage`` (aligned scene spans).
    timing_basis: str = "estimated"

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "cue_id": self.cue_id, "reel": self.reel, "number": self.number,
            "scene_ids": list(self.scene_ids), "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3), "timeline": self.timeline, "in": self.in_point,
            "out": self.out_point, "function": str(self.function), "mood": self.mood,
            "valence": round(self.valence, 4), "arousal": round(self.arousal, 4),
            "valence_in": round(self.valence_in, 4), "arousal_in": round(self.arousal_in, 4),
            "valence_out": round(self.valence_out, 4), "arousal_out": round(self.arousal_out, 4),
            "characters": list(self.characters), "theme_characters": list(self.theme_characters),
            "dialogue_share": round(self.dialogue_share, 3), "reason": self.reason,
            "timing_basis": self.timing_basis,
        }


# --------------------------------------------------------------------------------------------
# Spotting
# --------------------------------------------------------------------------------------------


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
class _Run:
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


def _check(options: SpotOptions) -> None:
    if options.reel_minutes <= 0:
        raise OptionsError(f"spot: reel_minutes must be > 0 (got {options.reel_minutes})")
    if options.fps <= 0 or int(options.fps) != options.fps:
        raise OptionsError(f"spot: fps must be a positive whole number (got {options.fps})")
    if options.shift_threshold <= 0:
        raise OptionsError(f"spot: shift_threshold must be > 0 (got {options.shift_threshold})")
    if not 0 < options.coverage <= 1:
        raise OptionsError(f"spot: coverage must be in (0, 1] (got {options.coverage})")
    if not 0 < options.max_cue_s <= 3600 or options.min_cue_s < 0:
        raise OptionsError("spot: max_cue_s must be in (0, 3600] and min_cue_s >= 0")


def spot_cues(scenes: Sequence[Scene], analysis: Any = None, *, options: SpotOptions | None = None,
              spans: Mapping[int, tuple[float, float]] | None = None) -> list[Cue]:
    """Group scenes into cues with ids, times, in/out descriptions and a dramatic function.

    ``analysis`` is the analyze/remember stages' ``EmotionAnalysis`` (``None``: all neutral, cues
    split on timeline only). ``spans`` maps a scene id to its (start, end) seconds in the footage
    when the alignment stage has them; other scenes use the screenplay estimate.
    """
    opts = options or SpotOptions()
    _check(opts)
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
        if span is not None:
            start, end = float(span[0]), float(span[1])
            basis[scene.scene_id] = "footage"
        else:
            start, end = clock, clock + max(0.0, float(scene.est_seconds))
            basis[scene.scene_id] = "estimated"
        timings.append((start, max(start, end)))
        clock = max(start, end)

    scored = _scored_scenes(scenes, timings, aff, opts)
    runs: list[_Run] = []
    dry = False
    for scene, span in zip(scenes, timings, strict=True):
        if scene.scene_id not in scored:
            dry = True
            continue
        reel = 1 + int(span[0] // reel_s)
        key = _timeline_key(scene)
        a = aff[scene.scene_id]
        if not runs:
            runs.append(_Run([scene], [span], key, "film start" if scene is scenes[0] else "first music", reel))
            dry = False
            continue
        run = runs[-1]
        reason = "in after a dry stretch" if dry else _break_reason(run, scene, span, reel, key, a, aff, opts)
        dry = False
        if reason is None:
            run.scenes.append(scene)
            run.spans.append(span)
        else:
            runs.append(_Run([scene], [span], key, reason, reel))
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
        need += 1.0
    words = sum(len(d.text.split()) for d in scene.dialogue)
    total = max(1, scene.word_count)
    need += 0.6 * (1.0 - min(1.0, words / total))  # pictures and action more than talk
    return need


def _scored_scenes(scenes: Sequence[Scene], timings: Sequence[tuple[float, float]],
                   aff: Mapping[int, SceneAffect], opts: SpotOptions) -> set[int]:
    """The scenes that get music: by need, until ``coverage`` of the screen time is reached."""
    if opts.coverage >= 1.0:
        return {s.scene_id for s in scenes}
    total = sum(end - start for start, end in timings) or 1.0
    order = sorted(range(len(scenes)), key=lambda i: (-_music_need(scenes[i], i, len(scenes),
                                                                  aff[scenes[i].scene_id]), i))
    chosen: set[int] = set()
    covered = 0.0
    for i in order:
        if covered >= opts.coverage * total:
            break
        chosen.add(scenes[i].scene_id)
        covered += timings[i][1] - timings[i][0]
    return chosen


def _break_reason(run: _Run, scene: Scene, span: tuple[float, float], reel: int, key: str,
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
    if seconds < opts.min_cue_s:
        return None  # too short for a cue of its own
    weights = [max(e - s, 1e-3) for s, e in run.spans]
    mv = _weighted([aff[s.scene_id].valence for s in run.scenes], weights)
    ma = _weighted([aff[s.scene_id].arousal for s in run.scenes], weights)
    distance = math.hypot(a.valence - mv, a.arousal - ma)
    if distance >= opts.shift_threshold:
        return f"emotional shift {distance:.2f} ({_mood(mv, ma)} → {a.mood})"
    if opts.use_turning_points and a.turning_point:
        return f"turning point: {a.turning_point}"
    return None


def _merge_short(runs: list[_Run], opts: SpotOptions) -> list[_Run]:
    """A cue shorter than ``min_cue_s`` joins the next cue of the same timeline and reel."""
    out: list[_Run] = []
    i = 0
    while i < len(runs):
        run = runs[i]
        nxt = runs[i + 1] if i + 1 < len(runs) else None
        contiguous = nxt is not None and abs(nxt.spans[0][0] - run.spans[-1][1]) < 1e-6
        if (run.seconds < opts.min_cue_s and nxt is not None and contiguous and nxt.timeline == run.timeline
                and nxt.reel == run.reel and run.seconds + nxt.seconds <= opts.max_cue_s):
            runs[i + 1] = _Run(run.scenes + nxt.scenes, run.spans + nxt.spans, run.timeline,
                               run.reason, run.reel)
        else:
            out.append(run)
        i += 1
    return out


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_MARKER_WORDS = re.compile(r"\b(?:FLASHBACK|FLASH FORWARD|FLASHFORWARD|DREAM|MONTAGE|INTERCUT|"
                           r"PRESENT|SEQUENCE|THE END|FADE|CUT|DISSOLVE|SMASH|MATCH|SERIES OF SHOTS|"
                           r"BACK TO SCENE|CONTINUOUS|END)\b")


def _is_marker(line: str) -> bool:
    """Transitions and timeline markers (``CUT TO:``, ``BEGIN FLASHBACK:``, ``> THE END <``)."""
    text = line.strip().strip("<>").strip()
    if not text:
        return True
    if text.upper() != text:
        return False
    return text.endswith(":") or _MARKER_WORDS.search(text) is not None


def _first_moment(scene: Scene) -> str:
    lines = [ln.strip() for ln in scene.action.splitlines() if ln.strip()]
    lines = [ln.lstrip("-— ") for ln in lines
             if not _is_marker(ln) and not ln.upper().startswith("SUPER")]
    if lines:
        return _clip(_sentences(lines[0])[0] if _sentences(lines[0]) else lines[0])
    if scene.dialogue:
        d = scene.dialogue[0]
        return _clip(f"{d.speaker}: \u201c{d.text}\u201d")
    return _clip(scene.heading)


def _last_moment(scene: Scene) -> str:
    body = [ln.strip() for ln in scene.text.splitlines()[1:] if ln.strip()]
    body = [ln.lstrip("-— ") for ln in body if not _is_marker(ln)]
    if not body:
        return _clip(scene.heading)
    last = body[-1]
    speaker = next((d.speaker for d in reversed(scene.dialogue) if d.text.strip().endswith(last)
                    or last in d.text), None)
    sentences = _sentences(last)
    tail = sentences[-1] if sentences else last
    if speaker:
        return _clip(f"{speaker}: \u201c{tail}\u201d")
    return _clip(tail)


def _build_cue(cue_id: str, run: _Run, number: int, prev: _Run | None, nxt: _Run | None,
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
    function = _function(run, prev, nxt, prev_cue, v, a, first_aff, last_aff, share, new_themes,
                         seconds, opts)
    in_point = f"sc. {first.scene_id} {first.heading}: {_first_moment(first)}"
    timing = "footage" if all(basis[s.scene_id] == "footage" for s in run.scenes) else (
        "estimated" if all(basis[s.scene_id] == "estimated" for s in run.scenes) else "mixed")
    return Cue(
        cue_id=cue_id, reel=run.reel, number=number,
        scene_ids=tuple(s.scene_id for s in run.scenes),
        start_s=round(run.spans[0][0], 3), end_s=round(run.spans[-1][1], 3), timeline=run.timeline,
        in_point=in_point, out_point=f"sc. {last.scene_id}: {_last_moment(last)}",
        function=function, mood=mood, valence=round(v, 4), arousal=round(a, 4),
        valence_in=first_aff.valence, arousal_in=first_aff.arousal,
        valence_out=last_aff.valence, arousal_out=last_aff.arousal,
        characters=characters, theme_characters=themed, dialogue_share=round(share, 3),
        reason=run.reason, timing_basis=timing,
    )


def _function(run: _Run, prev: _Run | None, nxt: _Run | None, prev_cue: Cue | None, v: float,
              a: float, first: SceneAffect, last: SceneAffect, share: float,
              new_themes: Sequence[str], seconds: float, opts: SpotOptions) -> CueFunction:
    """The dramatic function, first rule that applies (see docs/conditions.md)."""
    if (prev is not None and nxt is not None and seconds < opts.transition_s
            and (run.timeline != prev.timeline or run.timeline != nxt.timeline)):
        return CueFunction.TRANSITION
    if prev is None or (new_themes and share < opts.dialogue_share):
        return CueFunction.THEME_STATEMENT
    rise_within = last.arousal - first.arousal
    rise_from_prev = a - prev_cue.arousal if prev_cue is not None else 0.0
    if v < 0.1 and (rise_within >= opts.build_threshold or rise_from_prev >= opts.build_threshold):
        return CueFunction.BUILD_TENSION
    if prev_cue is not None:
        fall = prev_cue.arousal - a
        rise_v = v - prev_cue.valence
        # Tension lets go: arousal falls without the mood darkening, or a dark mood lifts while
        # arousal does not climb.
        if (fall >= opts.release_threshold and rise_v > -opts.release_threshold / 2) or (
                prev_cue.valence < 0 and rise_v >= opts.release_threshold and fall > -0.05):
            return CueFunction.RELEASE
    if share >= opts.dialogue_share:
        return CueFunction.UNDERSCORE_DIALOGUE
    if run.timeline == "montage":
        return CueFunction.BUILD_TENSION if a > 0.2 else CueFunction.ATMOSPHERE
    return CueFunction.ATMOSPHERE


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


# --------------------------------------------------------------------------------------------
# Spotting notes
# --------------------------------------------------------------------------------------------

#: Spotting-note columns in order (the CSV a music editor opens).
NOTES_COLUMNS: tuple[str, ...] = (
    "cue", "start", "end", "duration", "scenes", "in", "out", "mood", "palette", "themes",
    "function", "valence", "arousal", "timing_basis", "timeline", "reason", "start_s", "end_s",
)


def timecode(seconds: float, fps: int = 24) -> str:
    """``HH:MM:SS:FF`` (non-drop) of a time in seconds; negative times are refused."""
    if seconds < 0:
        raise OptionsError(f"timecode of a negative time ({seconds})")
    rate = int(fps)
    frames = int(round(seconds * rate))
    ff = frames % rate
    total = frames // rate
    return f"{total // 3600:02d}:{total // 60 % 60:02d}:{total % 60:02d}:{ff:02d}"


def _duration(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def spotting_notes_frame(cues: Sequence[Cue], conditions: Sequence[MusicCondition] | None = None,
                         *, options: SpotOptions | None = None) -> pd.DataFrame:
    """The spotting notes as a table; ``palette`` and ``themes`` come from the conditions."""
    import pandas as pd

    opts = options or SpotOptions()
    by_cue = {c.cue_id: c for c in conditions or ()}
    rows = []
    for cue in cues:
        cond = by_cue.get(cue.cue_id)
        if cond is not None:
            palette = ", ".join(i.name for i in cond.instrumentation)
            themes = "; ".join(f"{t.motif} {t.transformation}" for t in cond.themes)
        else:
            palette, themes = "", "; ".join(cue.theme_characters)
        rows.append({
            "cue": cue.cue_id,
            "start": timecode(opts.timecode_start_s + cue.start_s, opts.fps),
            "end": timecode(opts.timecode_start_s + cue.end_s, opts.fps),
            "duration": _duration(cue.duration_s),
            "scenes": " ".join(str(s) for s in cue.scene_ids),
            "in": cue.in_point, "out": cue.out_point, "mood": cue.mood, "palette": palette,
            "themes": themes, "function": str(cue.function), "valence": round(cue.valence, 3),
            "arousal": round(cue.arousal, 3), "timing_basis": cue.timing_basis,
            "timeline": cue.timeline, "reason": cue.reason, "start_s": round(cue.start_s, 3),
            "end_s": round(cue.end_s, 3),
        })
    return pd.DataFrame(rows, columns=list(NOTES_COLUMNS))


def write_spotting_notes(cues: Sequence[Cue], path: str | os.PathLike[str],
                         conditions: Sequence[MusicCondition] | None = None, *,
                         options: SpotOptions | None = None, overwrite: bool = True) -> Path:
    """Write the spotting notes (CSV, or any table format of :func:`scenescore.io.write_table`)."""
    from scenescore.io import write_table

    return write_table(spotting_notes_frame(cues, conditions, options=options), path,
                       overwrite=overwrite, nested=frozenset())
