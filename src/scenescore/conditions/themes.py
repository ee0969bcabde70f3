"""Character themes across the film: which motif each cue uses and how it is transformed.

Themes develop the way leitmotifs do in film scores: stated when the character is first heard,
restated, then transformed as the story moves them. The plan walks the cues in film order with a
small explicit state per character (last valence/arousal at a theme use) and picks the
transformation from the cue's timeline and the character's state from the memory stage:

=======================  =================================================================
first use in the film    ``statement``
flashback                ``recall`` (the theme as a memory)
dream                    ``fragmentation`` (pieces of it, out of order)
flashforward             ``transposition``
named but not on screen  ``fragmentation`` (an absence)
valence flips sign       ``mode_change`` (major ↔ minor)
arousal rises / falls    ``diminution`` (faster) / ``augmentation`` (slower)
bittersweet or wistful   ``reharmonisation``
otherwise                ``restatement``
=======================  =================================================================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scenescore.conditions.palette import Palette
from scenescore.conditions.schema import ThemeUse
from scenescore.memory.affect import CharacterAffect, SceneAffect
from scenescore.memory.context import character_id
from scenescore.spotting.records import Cue

#: |valence| a character state must reach on both sides of a sign flip for a mode change.
FLIP = 0.1
#: Arousal change of a character between two theme uses that changes the theme's pace.
PACE = 0.35


def motif_id(char_id: str) -> str:
    """Motif id of a character's theme: ``ella`` → ``ELLA-A``."""
    return f"{char_id.upper()}-A"


@dataclass(slots=True)
class _Heard:
    valence: float
    arousal: float


def _state_in(cue: Cue, name: str, affects: Mapping[int, SceneAffect]) -> CharacterAffect | None:
    """The character's carried state at their last scene of the cue."""
    for sid in reversed(cue.scene_ids):
        a = affects.get(sid)
        if a is not None and name in a.characters:
            return a.characters[name]
    return None


def plan_themes(cues: Sequence[Cue], affects: Mapping[int, SceneAffect], palette: Palette,
                *, max_per_cue: int = 3) -> dict[str, tuple[ThemeUse, ...]]:
    """Cue id → the themes it uses, in film order (a pure function of the cues and the memory)."""
    heard: dict[str, _Heard] = {}
    plan: dict[str, tuple[ThemeUse, ...]] = {}
    for cue in cues:
        uses: list[ThemeUse] = []
        for name in cue.theme_characters[:max_per_cue]:
            state = _state_in(cue, name, affects)
            cid = state.character_id if state is not None else character_id(name)
            on_screen = name in cue.characters
            voice = palette.themes.get(cid)
            where = f" on {voice.name}" if voice is not None else ""
            prev = heard.get(cid)
            v = state.valence if state is not None else cue.valence
            a = state.arousal if state is not None else cue.arousal
            if prev is None and on_screen:
                transformation, note = "statement", f"first statement{where}"
                if cue.timeline == "flashback":
                    note += ", first heard as a memory"
            elif prev is None:
                transformation, note = "fragmentation", f"named before we meet them: a fragment{where}"
            elif cue.timeline == "flashback":
                transformation, note = "recall", f"recalled as a memory{where}"
            elif cue.timeline == "dream":
                transformation, note = "fragmentation", f"dream: fragments out of order{where}"
            elif cue.timeline == "flashforward":
                transformation, note = "transposition", f"a future glimpse: transposed{where}"
            elif not on_screen:
                transformation, note = "fragmentation", f"named, not on screen: an absence{where}"
            elif (prev.valence >= FLIP and v <= -FLIP) or (prev.valence <= -FLIP and v >= FLIP):
                to = "minor" if v < 0 else "major"
                transformation = "mode_change"
                note = f"{name} {'darkens' if v < 0 else 'brightens'} (v {prev.valence:+.2f} → {v:+.2f}): to {to}"
            elif a - prev.arousal >= PACE:
                transformation, note = "diminution", f"{name} more agitated (a {prev.arousal:+.2f} → {a:+.2f})"
            elif prev.arousal - a >= PACE:
                transformation, note = "augmentation", f"{name} calmer (a {prev.arousal:+.2f} → {a:+.2f})"
            elif cue.mood in ("bittersweet", "wistful"):
                transformation, note = "reharmonisation", f"{cue.mood}: the theme under new harmony"
            else:
                transformation, note = "restatement", f"restated{where}"
            if on_screen or prev is not None:
                heard[cid] = _Heard(valence=v, arousal=a)
            uses.append(ThemeUse(character=name, character_id=cid, motif=motif_id(cid),
                                 transformation=transformation, note=note))  # type: ignore[arg-type]
        plan[cue.cue_id] = tuple(uses)
    return plan
