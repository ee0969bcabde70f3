"""What a screenplay says about arousal that plain prose does not.

Each signal is a number in [-1, 1] (calm .. frantic) or absent when the scene gives no evidence
for it. They are blended with the backend's arousal of the words in ``scene.py``:

- ``parentheticals``: how a line is delivered, ``(screaming)`` +0.95 .. ``(whispers)`` -0.5;
- ``sound_cues``: capitalized sounds in action, the screenplay convention (``BANG``, ``CRASH``);
- ``shouting``: dialogue with exclamation marks or set in capitals;
- ``action_pace``: short, fast action sentences versus long description;
- ``dialogue_pace``: rapid short exchanges and interruptions versus speeches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scenescore.records import Scene

#: Delivery cues in parentheticals (stems; matched at word starts).
PARENTHETICAL_CUES: dict[str, float] = {
    "scream": 0.95, "shriek": 0.95, "shout": 0.85, "yell": 0.85, "bellow": 0.8, "roar": 0.8,
    "furious": 0.9, "enraged": 0.9, "angr": 0.75, "panic": 0.9, "frantic": 0.9, "hysteric": 0.9,
    "terrified": 0.9, "breathless": 0.7, "out of breath": 0.7, "urgent": 0.75, "loud": 0.6,
    "excited": 0.7, "sob": 0.6, "crying": 0.35, "tearful": 0.2, "laugh": 0.45, "giggl": 0.45,
    "exploding": 0.8, "snapping": 0.6, "snaps": 0.6, "interrupting": 0.5, "fast": 0.4,
    "whisper": -0.5, "quiet": -0.55, "soft": -0.55, "gentl": -0.5, "calm": -0.7, "hushed": -0.55,
    "murmur": -0.45, "mumbl": -0.35, "flat": -0.4, "deadpan": -0.4, "tired": -0.5, "sleep": -0.7,
    "drows": -0.7, "slow": -0.4, "to herself": -0.3, "to himself": -0.3, "barely audible": -0.6,
    "beat": -0.1, "pause": -0.15, "sigh": -0.35, "wistful": -0.4, "tender": -0.4,
}

#: Sounds written in capitals in action lines, with their arousal.
SOUND_CUES: dict[str, float] = {
    "BANG": 0.8, "BOOM": 0.85, "CRASH": 0.85, "SLAM": 0.75, "SMASH": 0.85, "THUD": 0.5,
    "THUMP": 0.5, "CRACK": 0.6, "SHATTER": 0.8, "SCREECH": 0.8, "SCREAM": 0.9, "SHRIEK": 0.9,
    "GUNSHOT": 0.95, "BLAM": 0.95, "POP": 0.4, "WHOOSH": 0.5, "ROAR": 0.75, "CLANG": 0.6,
    "CLATTER": 0.55, "SPLASH": 0.5, "SNAP": 0.45, "EXPLOSION": 0.95, "EXPLODE": 0.95,
    "SIREN": 0.8, "ALARM": 0.8, "HONK": 0.5, "RING": 0.3, "BUZZ": 0.3, "BEEP": 0.25, "HISS": 0.3,
    "KNOCK": 0.35, "POUND": 0.55, "RUMBLE": 0.5, "THUNDER": 0.7, "WHISTLE": 0.2, "WHISTLING": 0.2,
    "SCREAMING": 0.9, "SHOUT": 0.7, "YELL": 0.7, "GASP": 0.6, "SILENCE": -0.5,
}

#: Weights of the signals in the screenplay arousal (before the tanh).
SIGNAL_WEIGHTS: dict[str, float] = {
    "parentheticals": 0.9, "sound_cues": 0.8, "shouting": 0.7, "action_pace": 0.4,
    "dialogue_pace": 0.35,
}

_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]{2,}\b")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+|\s--\s")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_PARENS = re.compile(r"\(([^)]*)\)")
_CUE = re.compile(r"\b(" + "|".join(
    re.escape(c) for c in sorted(PARENTHETICAL_CUES, key=len, reverse=True)) + ")")


@dataclass(frozen=True, slots=True)
class ScreenplaySignals:
    """The signals found in a scene (absent ones left out) and the evidence for them."""

    values: Mapping[str, float]
    evidence: tuple[tuple[float, str], ...]

    def arousal(self) -> float | None:
        """The screenplay's arousal for the scene, or ``None`` when no signal was found."""
        if not self.values:
            return None
        total = sum(SIGNAL_WEIGHTS.get(k, 0.3) * v for k, v in self.values.items())
        return math.tanh(1.3 * total)


def parenthetical_arousal(parenthetical: str) -> tuple[float, list[str]] | None:
    """Mean arousal of the delivery cues in a parenthetical, and the cues that matched."""
    text = parenthetical.lower()
    if not text.strip():
        return None
    found = [(cue, PARENTHETICAL_CUES[cue]) for cue in dict.fromkeys(_CUE.findall(text))]
    if not found:
        return None
    return sum(v for _, v in found) / len(found), [c for c, _ in found]


def _sound_value(word: str) -> float | None:
    word = word.strip("'’").upper()
    for form in (word, word[:-1] if word.endswith("S") else None,
                 word[:-2] if word.endswith("ES") else None,
                 word[:-3] if word.endswith("ING") else None):
        if form and form in SOUND_CUES:
            return SOUND_CUES[form]
    return None


def screenplay_signals(scene: Scene) -> ScreenplaySignals:
    """Read the screenplay arousal signals of one scene."""
    values: dict[str, float] = {}
    evidence: list[tuple[float, str]] = []

    # Delivery, from parentheticals.
    cues: list[float] = []
    for line in scene.dialogue:
        for chunk in _PARENS.findall(line.parenthetical) or [line.parenthetical]:
            hit = parenthetical_arousal(chunk)
            if hit is not None:
                cues.append(hit[0])
                evidence.append((abs(hit[0]), f"({chunk.strip()}) arousal {hit[0]:+.1f}"))
    if cues:
        # The strongest cue counts as much as the mean: one scream in a quiet scene still tells.
        strongest = max(cues, key=abs)
        values["parentheticals"] = 0.5 * strongest + 0.5 * sum(cues) / len(cues)

    # Sound cues, in capitals in the action.
    sounds = 0.0
    seen: list[str] = []
    for word in _CAPS_WORD.findall(scene.action):
        value = _sound_value(word)
        if value is not None:
            sounds += value
            seen.append(word)
    if seen:
        values["sound_cues"] = math.tanh(sounds)
        evidence.append((abs(values["sound_cues"]),
                         f"sound cues {', '.join(dict.fromkeys(seen))} arousal {values['sound_cues']:+.1f}"))

    # Shouting: exclamations and capitals in dialogue.
    lines = [d.text for d in scene.dialogue if d.text.strip()]
    if lines:
        shouted = 0.0
        for text in lines:
            words = _WORD.findall(text)
            caps = len(words) >= 2 and all(w.isupper() for w in words if len(w) > 1)
            shouted += min(1.0, 0.5 * text.count("!") + (0.7 if caps else 0.0))
        if shouted:
            values["shouting"] = min(1.0, 2.0 * shouted / len(lines))
            evidence.append((values["shouting"] * 0.8,
                             f"shouted lines ({shouted:.1f} of {len(lines)}) arousal {values['shouting']:+.1f}"))

    # Pace of the action: words per sentence (short, fast lines read as urgency).
    sentences = [s for s in _SENTENCE_END.split(scene.action) if _WORD.search(s)]
    if sentences:
        mean_len = sum(len(_WORD.findall(s)) for s in sentences) / len(sentences)
        pace = max(-1.0, min(1.0, (11.0 - mean_len) / 8.0)) * min(1.0, len(sentences) / 3.0)
        if abs(pace) >= 0.05:
            values["action_pace"] = pace
            evidence.append((abs(pace) * 0.5,
                             f"action sentences of {mean_len:.0f} words arousal {pace:+.1f}"))

    # Pace of the dialogue: short rapid exchanges and interruptions.
    if len(lines) >= 3:
        mean_words = sum(len(_WORD.findall(t)) for t in lines) / len(lines)
        interrupted = sum(1 for t in lines if t.rstrip().endswith(("—", "--", "-")))
        pace = max(-1.0, min(1.0, (9.0 - mean_words) / 10.0)) * min(1.0, len(lines) / 6.0)
        pace = max(-1.0, min(1.0, pace + 0.25 * interrupted))
        if abs(pace) >= 0.05:
            values["dialogue_pace"] = pace
            evidence.append((abs(pace) * 0.5,
                             f"dialogue lines of {mean_words:.0f} words, {interrupted} cut off arousal {pace:+.1f}"))
    return ScreenplaySignals(values=values, evidence=tuple(evidence))
