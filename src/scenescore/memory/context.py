"""The remember stage: a context memory carried scene to scene, explicit, bounded and resettable.

An audience does not feel a scene on its own. The memory keeps a stack of timeline layers
(present, and above it flashbacks, dreams, flashforwards), each with its own running affect and
its own character states:

- within a layer, context = carry * previous context + (1 - carry) * scene (the decay);
- a flashback (dream, flashforward) opens a layer framed by the state of the scene it was recalled
  from, and each of its scenes inherits a share of that frame: a happy memory recalled in grief
  reads ``bittersweet``;
- returning to the present closes the layers and restores the present's state as it was;
- consecutive intercut scenes share one state (their mean);
- each character's state carries to their next appearance; ids are stable slugs of the names.

The whole state is a frozen :class:`MemoryState`; :func:`advance` is a pure function of it, and
every :class:`ContextState` written to the output says what the memory contributed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from scenescore.emotion.labels import mood_of
from scenescore.emotion.options import MemoryOptions
from scenescore.emotion.records import (
    ArcPoint,
    CharacterState,
    ContextState,
    EmotionalArc,
    SceneEmotion,
    TurningPoint,
)

#: Timelines that open a layer of their own above the one they are recalled from.
LAYER_KINDS: frozenset[str] = frozenset({"flashback", "flashforward", "dream"})
#: The base layer.
PRESENT = "present"


def character_id(name: str) -> str:
    """Stable id for a character: ``MRS. O'NEILL`` → ``mrs-o-neill`` (same name, same id)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "unnamed"


@dataclass(frozen=True, slots=True)
class Layer:
    """One timeline layer: its own running affect, what frames it, and its characters."""

    kind: str
    #: Running affect of the layer's own scenes (``None`` before its first scene).
    valence: float | None = None
    arousal: float | None = None
    #: Last contextual output of the layer (frame for a layer opened above it).
    context_valence: float | None = None
    context_arousal: float | None = None
    last_scene_id: int | None = None
    frame_scene_id: int | None = None
    frame_valence: float | None = None
    frame_arousal: float | None = None
    characters: Mapping[str, CharacterState] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MemoryState:
    """Everything the memory knows; ``layers[0]`` is the present."""

    layers: tuple[Layer, ...] = (Layer(PRESENT),)
    #: Scene groups seen since the last reset.
    step: int = 0

    @property
    def top(self) -> Layer:
        return self.layers[-1]

    @property
    def stack(self) -> tuple[str, ...]:
        return tuple(layer.kind for layer in self.layers)


def _blend(weight: float, old: float, new: float) -> float:
    return weight * old + (1.0 - weight) * new


def _layer_kind(timeline: str) -> str:
    """Flashbacks, dreams and flashforwards are layers; montage and intercut are present time."""
    return timeline if timeline in LAYER_KINDS else PRESENT


def _transition(state: MemoryState, kind: str, options: MemoryOptions
                ) -> tuple[MemoryState, str, int | None]:
    """Move the stack to ``kind``: (new state, event, scene whose state a return restored)."""
    layers = list(state.layers)
    if kind == layers[-1].kind:
        return state, "continue", None
    if kind in (layer.kind for layer in layers):
        closed = layers[-1]
        while layers[-1].kind != kind:
            layers.pop()
        outer = layers[-1]
        if (options.echo and closed.context_valence is not None and closed.context_arousal is not None
                and outer.valence is not None and outer.arousal is not None):
            outer = replace(outer,
                            valence=_blend(1 - options.echo, outer.valence, closed.context_valence),
                            arousal=_blend(1 - options.echo, outer.arousal, closed.context_arousal))
            layers[-1] = outer
        return replace(state, layers=tuple(layers)), "return", outer.last_scene_id
    frame = layers[-1]
    if len(layers) >= max(2, options.max_depth):
        layers.pop()  # bounded: the deepest layer gives way
        frame = layers[-1]
    layers.append(Layer(
        kind=kind,
        frame_scene_id=frame.last_scene_id,
        frame_valence=frame.context_valence,
        frame_arousal=frame.context_arousal,
        characters=dict(frame.characters),
    ))
    return replace(state, layers=tuple(layers)), "open", None


def _update_characters(layer: Layer, emotions: Sequence[SceneEmotion], step: int,
                       options: MemoryOptions) -> tuple[dict[str, CharacterState],
                                                        list[dict[str, CharacterState]]]:
    """Carry each appearing character's state; drop the least recently seen beyond the bound."""
    carry = options.character_carry if options.enabled else 0.0
    chars = dict(layer.characters)
    per_scene: list[dict[str, CharacterState]] = []
    for emotion in emotions:
        here: dict[str, CharacterState] = {}
        for name, (v, a) in emotion.characters.items():
            prev = chars.get(name)
            chars[name] = here[name] = CharacterState(
                character_id=character_id(name), name=name,
                valence=v if prev is None else _blend(carry, prev.valence, v),
                arousal=a if prev is None else _blend(carry, prev.arousal, a),
                scene_valence=v, scene_arousal=a,
                carried_from=None if prev is None else prev.last_scene_id,
                appearances=1 if prev is None else prev.appearances + 1,
                last_scene_id=emotion.scene_id, last_step=step,
            )
        per_scene.append(here)
    if len(chars) > options.max_characters:
        keep = sorted(chars.values(), key=lambda c: -c.last_step)[: max(0, options.max_characters)]
        chars = {c.name: c for c in keep}
    return chars, per_scene


def _mood(layer: Layer, contextual: tuple[float, float], options: MemoryOptions) -> str:
    t = options.contrast_threshold
    if layer.frame_valence is not None and layer.valence is not None and options.enabled:
        if layer.valence >= t and layer.frame_valence <= -t:
            return "bittersweet"
        if layer.valence <= -t and layer.frame_valence >= t:
            return "wistful"
    return mood_of(*contextual)


def advance(state: MemoryState, group: Sequence[SceneEmotion], options: MemoryOptions
            ) -> tuple[MemoryState, list[ContextState]]:
    """Feed one scene, or one group of intercut scenes that share a state, to the memory."""
    if not group:
        return state, []
    event_override = None
    if any(e.scene_id in options.reset_at for e in group):
        state, event_override = MemoryState(), "reset"
    timeline = group[0].timeline
    kind = _layer_kind(timeline)
    first = state.step == 0
    state, event, restored_from = _transition(state, kind, options)
    layer = state.top

    raw_v = sum(e.valence for e in group) / len(group)
    raw_a = sum(e.arousal for e in group) / len(group)
    carry = options.carry if options.enabled else 0.0
    framed = layer.frame_valence is not None and layer.frame_arousal is not None
    inherit = options.inherit.get(layer.kind, 0.0) if (options.enabled and framed) else 0.0

    prior_v, prior_a = layer.valence, layer.arousal
    if prior_v is None or prior_a is None:
        own_v, own_a, w_memory = raw_v, raw_a, 0.0
    else:
        own_v, own_a = _blend(carry, prior_v, raw_v), _blend(carry, prior_a, raw_a)
        w_memory = (1.0 - inherit) * carry
    if inherit and layer.frame_valence is not None and layer.frame_arousal is not None:
        ctx_v = _blend(inherit, layer.frame_valence, own_v)
        ctx_a = _blend(inherit, layer.frame_arousal, own_a)
    else:
        ctx_v, ctx_a = own_v, own_a
    ctx_v, ctx_a = _clip(ctx_v), _clip(ctx_a)
    weights = {"scene": round(1.0 - inherit - w_memory, 4), "memory": round(w_memory, 4),
               "frame": round(inherit, 4)}

    step = state.step + 1
    chars, per_scene = _update_characters(layer, group, step, options)
    layer = replace(layer, valence=own_v, arousal=own_a, context_valence=ctx_v,
                    context_arousal=ctx_a, last_scene_id=group[-1].scene_id, characters=chars)
    state = MemoryState(layers=(*state.layers[:-1], layer), step=step)
    mood = _mood(layer, (ctx_v, ctx_a), options)

    if not options.enabled:
        event = "off"
    elif event_override:
        event = event_override
    elif first and event == "continue":
        event = "start"
    note = _note(event, layer, mood, prior_v, restored_from, carry, inherit, group)
    shared = tuple(e.scene_id for e in group)
    if options.enabled:
        contexts = [(ctx_v, ctx_a, mood)] * len(group)
    else:  # off: every scene, intercut or not, is its own context
        contexts = [(e.valence, e.arousal, mood_of(e.valence, e.arousal)) for e in group]
    out = [ContextState(
        scene_id=e.scene_id, timeline=e.timeline, valence=round(cv, 4), arousal=round(ca, 4),
        mood=m, scene_valence=e.valence, scene_arousal=e.arousal,
        prior_valence=None if prior_v is None else round(prior_v, 4),
        prior_arousal=None if prior_a is None else round(prior_a, 4),
        timeline_stack=state.stack, inherited_from=layer.frame_scene_id if framed else None,
        frame_valence=_round(layer.frame_valence), frame_arousal=_round(layer.frame_arousal),
        weights=weights,
        event=event, restored_from=restored_from, shared_with=shared if len(shared) > 1 else (),
        characters=here, tracked_characters=len(chars), note=note,
    ) for e, here, (cv, ca, m) in zip(group, per_scene, contexts, strict=True)]
    return state, out


def _note(event: str, layer: Layer, mood: str, prior_v: float | None, restored_from: int | None,
          carry: float, inherit: float, group: Sequence[SceneEmotion]) -> str:
    parts: list[str] = []
    if event == "off":
        parts.append("memory off: the context is the scene's own")
    elif event == "reset":
        parts.append("memory reset here")
    elif event == "return":
        parts.append(f"back to {layer.kind}: restored the state of scene {restored_from}"
                     + (f" (v={prior_v:+.2f})" if prior_v is not None else ""))
    elif event == "open":
        source = f"scene {layer.frame_scene_id}" if layer.frame_scene_id is not None else "nothing"
        parts.append(f"{layer.kind} opened from {source}")
    if inherit and layer.frame_valence is not None:
        parts.append(f"inherits {inherit:.0%} of its frame (scene {layer.frame_scene_id}, "
                     f"v={layer.frame_valence:+.2f})")
    if prior_v is not None and carry and event != "off":
        parts.append(f"carries {carry:.0%} of the {layer.kind} so far (v={prior_v:+.2f})")
    if len(group) > 1:
        parts.append("intercut: scenes " + ", ".join(str(e.scene_id) for e in group)
                     + " share one state")
    if mood in ("bittersweet", "wistful") and layer.valence is not None:
        tone = "happy" if mood == "bittersweet" else "painful"
        parts.append(f"{mood}: {tone} {layer.kind} (v={layer.valence:+.2f}) seen from a frame at "
                     f"v={layer.frame_valence:+.2f}")
    return "; ".join(parts) or "first scene"


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))


def group_scenes(emotions: Sequence[SceneEmotion]) -> Iterator[list[SceneEmotion]]:
    """Consecutive intercut scenes form one group; every other scene is a group of one."""
    group: list[SceneEmotion] = []
    for e in emotions:
        if e.timeline == "intercut" and group and group[-1].timeline == "intercut":
            group.append(e)
            continue
        if group:
            yield group
        group = [e]
    if group:
        yield group


class EmotionMemory:
    """The memory as an object for streaming use: ``observe`` scenes, ``reset`` at will."""

    def __init__(self, options: MemoryOptions | None = None) -> None:
        self.options = options or MemoryOptions()
        self.state = MemoryState()

    def reset(self) -> None:
        self.state = MemoryState()

    def observe(self, group: Sequence[SceneEmotion]) -> list[ContextState]:
        """Feed one scene (or one intercut group); returns its context states."""
        self.state, states = advance(self.state, group, self.options)
        return states


def remember(emotions: Sequence[SceneEmotion], options: MemoryOptions | None = None
             ) -> list[ContextState]:
    """Run the memory over a film's scene emotions, in order; one context state per scene."""
    memory = EmotionMemory(options)
    states: list[ContextState] = []
    for group in group_scenes(emotions):
        states.extend(memory.observe(group))
    return states


def emotional_arc(states: Sequence[ContextState], options: MemoryOptions | None = None
                  ) -> EmotionalArc:
    """The contextual curve, smoothed, and its largest sustained shifts (turning points)."""
    opts = options or MemoryOptions()
    w = max(1, opts.arc_window)
    v = [s.valence for s in states]
    a = [s.arousal for s in states]
    n = len(states)
    half = w // 2

    def window_mean(xs: list[float], lo: int, hi: int) -> float:
        lo, hi = max(0, lo), min(n, hi)
        return sum(xs[lo:hi]) / (hi - lo)

    points = tuple(ArcPoint(
        scene_id=s.scene_id, valence=s.valence, arousal=s.arousal,
        smooth_valence=round(window_mean(v, i - half, i + half + 1), 4),
        smooth_arousal=round(window_mean(a, i - half, i + half + 1), 4),
    ) for i, s in enumerate(states))

    shifts: list[tuple[float, int, float, float]] = []
    for b in range(1, n):
        dv = window_mean(v, b, b + w) - window_mean(v, b - w, b)
        da = window_mean(a, b, b + w) - window_mean(a, b - w, b)
        shifts.append((math.hypot(dv, da), b, dv, da))
    chosen: list[tuple[float, int, float, float]] = []
    for mag, b, dv, da in sorted(shifts, key=lambda s: -s[0]):
        if mag < opts.min_turn or len(chosen) >= opts.turning_points:
            break
        if all(abs(b - c[1]) >= w for c in chosen):
            chosen.append((mag, b, dv, da))
    turning = tuple(TurningPoint(
        scene_id=states[b].scene_id, valence_shift=round(dv, 4), arousal_shift=round(da, 4),
        magnitude=round(mag, 4),
        direction=(("brightens" if dv > 0 else "darkens") if abs(dv) >= abs(da)
                   else ("intensifies" if da > 0 else "calms")),
    ) for mag, b, dv, da in chosen)
    return EmotionalArc(points=points, turning_points=turning)
