"""The key plan of a film: where its tonal centre stands in each cue, and why.

A film score, like an opera, plans keys over the whole work: the main theme has a home key,
the story's acts and turning points move the centre away, and the end comes home (Kalinak,
*Settling the Score*, 1992, ch. 4 on the classical score's tonal design; Bribitzer-Stull,
*Understanding the Leitmotif*, 2015, ch. 6 on associative tonality: characters and situations
keep their keys). The rules here:

- acts by share of the running time, the three-act proportions of a feature (Field,
  *Screenplay*, 1979: set-up a quarter, confrontation a half, resolution a quarter), the
  confrontation split at its midpoint: act I at home, the first half of act II a fifth up (the
  dominant side: the story opens out), the second half a minor third up (a mediant shift, the
  film score's favourite remote move), act III a tone up (the lift into the climax), the last
  tenth of the film home again;
- a turning point inside an act moves the centre one step round the circle of fifths, sharp-ward
  where the arc brightens, flat-ward where it darkens, until the next act resets it;
- a character's theme has a home key (the principal's is the film's home, the next ones a fifth,
  a fourth and a sixth away); the cue that first states a theme plays in the theme's home key,
  and later uses transpose into the key of the act they fall in;
- the timeline layers keep their own offset from the cue's area (rules.py: memories on the
  subdominant, dreams a third away), so flashbacks return to one key.

``plan_keys`` returns one :class:`KeyArea` per cue; the rules backend spells the key for the
cue's mode, and the reason ends up in the condition's ``key_reason`` and the run folder's
``key_plan.json``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Semitones above home by act (I, IIa, IIb, III) and for the finale.
ACT_OFFSETS = (0, 7, 3, 2)
FINALE_SHARE = 0.9
#: Theme home keys: semitones above the film's home by the theme's rank.
THEME_HOMES = (0, 7, 5, 9)
ACT_NAMES = ("act I", "act IIa", "act IIb", "act III")


@dataclass(frozen=True, slots=True)
class KeyArea:
    """A cue's tonal centre as semitones above the film's home tonic, with the reason."""

    offset: int
    reason: str


def plan_keys(cues: Sequence[Any], affects: Mapping[int, Any], themes: Mapping[str, Sequence[Any]],
              theme_order: Sequence[str] = ()) -> dict[str, KeyArea]:
    """One key area per cue id (cues in film order).

    ``affects`` maps a scene id to its :class:`SceneAffect` (its ``turning_point``);
    ``themes`` maps a cue id to its theme uses; ``theme_order`` lists character ids by
    prominence (the first has the film's home key).
    """
    if not cues:
        return {}
    start = min(float(c.start_s) for c in cues)
    end = max(float(c.end_s) for c in cues)
    total = max(end - start, 1e-6)
    homes = {cid: THEME_HOMES[i % len(THEME_HOMES)] for i, cid in enumerate(theme_order)}
    plan: dict[str, KeyArea] = {}
    act = -1
    offset = 0
    for cue in cues:
        middle = (float(cue.start_s) + float(cue.end_s)) / 2 - start
        share = middle / total
        this_act = min(3, int(share * 4))
        why = ""
        if share >= FINALE_SHARE and len(cues) > 4:
            offset, why = 0, "finale: home"
            act = 4
        elif this_act != act:
            act = this_act
            offset = ACT_OFFSETS[act]
            why = f"{ACT_NAMES[act]}" + ("" if offset == 0 else f": {_interval(offset)} above home")
        else:
            for sid in cue.scene_ids:
                turn = getattr(affects.get(sid), "turning_point", None)
                if turn:
                    step = 7 if "bright" in str(turn) or "lift" in str(turn) or "rise" in str(turn) else 5
                    offset = (offset + step) % 12
                    why = f"turning point ({turn}): {'sharp' if step == 7 else 'flat'}-ward to {_interval(offset)}"
                    break
        area = offset
        for use in themes.get(cue.cue_id, ()):
            if use.transformation == "statement" and use.character_id in homes:
                area = homes[use.character_id]
                why = f"{use.character}'s theme stated in its home key" + (
                    "" if area == 0 else f" ({_interval(area)} above home)")
                break
        plan[cue.cue_id] = KeyArea(area, why or f"{ACT_NAMES[min(act, 3)] if act < 4 else 'finale'} continues")
    return plan


def _interval(semitones: int) -> str:
    return {0: "home", 2: "a tone", 3: "a minor third", 4: "a major third", 5: "a fourth", 7: "a fifth",
            8: "a minor sixth", 9: "a sixth", 10: "a minor seventh"}.get(semitones % 12, f"{semitones % 12} semitones")
