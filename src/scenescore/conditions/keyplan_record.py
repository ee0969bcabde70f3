"""The run folder's ``key_plan.json``: the key plan of :mod:`keyplan` as the conditions carry it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scenescore.conditions.keyplan import THEME_HOMES
from scenescore.conditions.rules import MAJOR_NAMES, PITCH_CLASS


def key_plan_record(conditions: Sequence[Any], palette: Any) -> dict[str, Any]:
    """The run folder's ``key_plan.json``: the film's home, each theme's home key and each cue's
    key, mode and reason, in film order, so a composer sees where the tonal centre travels.

    Read from the conditions (what render plays, whatever backend wrote them), and the themes'
    home keys from the palette's theme order and :data:`THEME_HOMES`, as :func:`plan_keys` set
    them."""
    home = str(getattr(palette, "tonic", "") or "")
    home_pc = PITCH_CLASS.get(home, 2)
    names: dict[str, str] = {}
    for condition in conditions:
        for use in condition.themes:
            names.setdefault(use.character_id, use.character)
    order = list(getattr(palette, "themes", {}) or {})
    themes = [{"character_id": cid, "character": names.get(cid, cid),
               "home_key": MAJOR_NAMES[(home_pc + THEME_HOMES[i % len(THEME_HOMES)]) % 12],
               "offset": THEME_HOMES[i % len(THEME_HOMES)]}
              for i, cid in enumerate(order)]
    cues = [{"cue_id": c.cue_id, "key": c.key, "mode": c.mode,
             "offset": (PITCH_CLASS.get(c.key, home_pc) - home_pc) % 12,
             "reason": c.key_reason} for c in conditions]
    return {"home": home, "themes": themes, "cues": cues}
