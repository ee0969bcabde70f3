"""Per-scene emotion: split a scene into units, score them with a backend, aggregate.

Backend-independent. Valence is the material-weighted mean of the units' valence, pulled towards
neutral when the scene has little affect-bearing material. Arousal blends the words' arousal with
the screenplay signals of ``arousal.py``. Each speaking character gets their own lines' reading.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scenescore.emotion.arousal import parenthetical_arousal, screenplay_signals
from scenescore.emotion.backends import EmotionBackend
from scenescore.emotion.labels import CORE_LABELS, rank_core_emotions
from scenescore.emotion.options import AnalyzeOptions
from scenescore.emotion.records import SceneEmotion, TextEmotion
from scenescore.records import Scene

#: Pull of scene valence towards 0 (pseudo-count of neutral material).
VALENCE_SHRINK = 1.0
#: Scenes sent to the backend at once (progress is reported per chunk).
CHUNK_SCENES = 32
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(*_])|\n+")
_V_O = re.compile(r"\s*\((?:V\.?O\.?|O\.?S\.?|O\.?C\.?|CONT'?D|CONT’D|CONTINUING|PRE-LAP|FILTERED)\)\s*",
                  re.IGNORECASE)

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class _Unit:
    kind: str  # "action", "dialogue", "scene"
    speaker: str | None
    text: str


def scene_units(scene: Scene, unit: str, delivery: bool = False) -> list[_Unit]:
    """The texts a backend scores for a scene: lines and sentences, or whole-scene texts.

    With ``delivery`` each parenthetical's delivery cues (``screaming``) are one more unit of
    their speaker, so a fitted backend reads the delivery with its own weights.
    """
    if unit == "scene":
        units = [_Unit("scene", None, scene.text or scene.action)]
        by_speaker: dict[str, list[str]] = {}
        for line in scene.dialogue:
            by_speaker.setdefault(normalize_speaker(line.speaker), []).append(line.text)
        units += [_Unit("dialogue", name, " ".join(texts)) for name, texts in by_speaker.items()]
        return [u for u in units if u.text.strip()]
    units = [_Unit("action", None, s.strip()) for s in _SENTENCE.split(scene.action) if s.strip()]
    units += [_Unit("dialogue", normalize_speaker(d.speaker), d.text) for d in scene.dialogue
              if d.text.strip()]
    if delivery:
        for d in scene.dialogue:
            hit = parenthetical_arousal(d.parenthetical)
            if hit is not None:  # only delivery cues; "(into phone)" says nothing about affect
                units.append(_Unit("delivery", normalize_speaker(d.speaker), d.parenthetical.strip("() ")))
    return units


def normalize_speaker(name: str) -> str:
    return _V_O.sub("", name).strip()


def _snippet(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _combine(scene: Scene, units: list[_Unit], readings: list[TextEmotion], backend: EmotionBackend,
             options: AnalyzeOptions) -> SceneEmotion:
    backend_name = backend.name
    total_w = sum(r.weight for r in readings)
    mean_valence = sum(r.weight * r.valence for r in readings) / (total_w + VALENCE_SHRINK)
    gain = options.scene_valence_gain
    valence = math.tanh(gain * mean_valence)
    arousal_w = [0.5 + r.weight for r in readings]
    text_arousal = (sum(w * r.arousal for w, r in zip(arousal_w, readings, strict=True))
                    / sum(arousal_w)) if readings else 0.0

    signals = screenplay_signals(scene)
    screen = signals.arousal()
    w = options.screenplay_arousal_weight
    if getattr(backend, "reads_delivery", False):
        # A fitted backend read the signals as text, with fitted weights; the mean of many lines
        # is undone as for valence.
        arousal = math.tanh(options.scene_arousal_gain * text_arousal)
    elif screen is None:
        arousal = text_arousal
    else:
        arousal = (1 - w) * text_arousal + w * screen
    valence, arousal = _clip(valence), _clip(arousal)

    # Discrete emotions: the units' labels weighted by their material, blended with the scene's
    # place on the circumplex when the labels are scenescore's own.
    scores: dict[str, float] = {}
    for r in readings:
        for label, score in r.emotions:
            scores[label] = scores.get(label, 0.0) + max(r.weight, 0.25) * score
    total = sum(scores.values())
    if total > 0:
        scores = {k: v / total for k, v in scores.items()}
    if not scores or set(scores) <= set(CORE_LABELS):
        prior = dict(rank_core_emotions(valence, arousal))
        share = 0.6 if scores else 0.0
        scores = {k: share * scores.get(k, 0.0) + (1 - share) * p for k, p in prior.items()}
    emotions = tuple((k, round(v, 4)) for k, v in
                     sorted(scores.items(), key=lambda kv: -kv[1])[: options.top_emotions])

    # Evidence: the strongest items of the units that moved the scene most, then the signals.
    ranked: list[tuple[float, str]] = []
    for u, r in zip(units, readings, strict=True):
        strength = abs(r.valence) * r.weight + 0.3 * abs(r.arousal)
        for item in r.evidence[:2]:
            where = f"{u.speaker}: " if u.speaker else ""
            ranked.append((strength, f"{item} in {where}\"{_snippet(u.text)}\""))
    ranked += [(s * 1.5, text) for s, text in signals.evidence]
    seen: set[str] = set()
    evidence: list[str] = []
    for _, text in sorted(ranked, key=lambda e: -e[0]):
        if text not in seen:
            seen.add(text)
            evidence.append(text)
        if len(evidence) >= options.max_evidence:
            break

    confidence = (sum(r.weight * r.confidence for r in readings) / total_w) if total_w else (
        sum(r.confidence for r in readings) / len(readings) if readings else 0.0)

    characters = _characters(scene, units, readings, mean_valence, arousal, options)
    return SceneEmotion(
        scene_id=scene.scene_id, valence=valence, arousal=arousal, emotions=emotions,
        confidence=round(min(1.0, confidence), 4), evidence=tuple(evidence), characters=characters,
        backend=backend_name, timeline=str(scene.timeline), signals=dict(signals.values),
        text_arousal=_clip(text_arousal),
    )


def _characters(scene: Scene, units: list[_Unit], readings: list[TextEmotion], mean_valence: float,
                arousal: float, options: AnalyzeOptions) -> dict[str, tuple[float, float]]:
    """Each character's valence/arousal in the scene: their lines, shrunk towards the scene's."""
    k = options.character_shrink
    gain = options.scene_valence_gain
    valence = math.tanh(gain * mean_valence)
    sums: dict[str, list[float]] = {}
    for u, r in zip(units, readings, strict=True):
        if u.speaker:
            acc = sums.setdefault(u.speaker, [0.0, 0.0, 0.0, 0.0])
            acc[0] += r.weight * r.valence
            acc[1] += r.weight
            acc[2] += r.arousal
            acc[3] += 1
    delivery: dict[str, list[float]] = {}
    for line in scene.dialogue:
        hit = parenthetical_arousal(line.parenthetical)
        if hit is not None:
            delivery.setdefault(normalize_speaker(line.speaker), []).append(hit[0])
    out: dict[str, tuple[float, float]] = {}
    for name in dict.fromkeys([*scene.characters, *sums]):
        if name not in sums:
            out[name] = (round(valence, 4), round(arousal, 4))
            continue
        wv, w, a, n = sums[name]
        v_c = math.tanh(gain * (wv + k * mean_valence) / (w + k))
        a_c = (a + 0.5 * arousal) / (n + 0.5)
        if name in delivery:
            cues = delivery[name]
            a_c = 0.6 * a_c + 0.4 * sum(cues) / len(cues)
        out[name] = (round(_clip(v_c), 4), round(_clip(a_c), 4))
    return out


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, float(x)))


def analyze_scenes_with(backend: EmotionBackend, scenes: Sequence[Scene], options: AnalyzeOptions,
                        progress: ProgressCallback | None = None) -> list[SceneEmotion]:
    """Score scenes with a ready backend, batching the units of several scenes per call."""
    results: list[SceneEmotion] = []
    for start in range(0, len(scenes), CHUNK_SCENES):
        chunk = scenes[start:start + CHUNK_SCENES]
        delivery = bool(getattr(backend, "reads_delivery", False))
        per_scene = [scene_units(s, backend.unit, delivery) for s in chunk]
        flat = [u.text for units in per_scene for u in units]
        readings = backend.score_texts(flat) if flat else []
        at = 0
        for scene, units in zip(chunk, per_scene, strict=True):
            mine = readings[at:at + len(units)]
            at += len(units)
            results.append(_combine(scene, units, mine, backend, options))
        if progress is not None:
            progress(len(results), len(scenes))
    return results
