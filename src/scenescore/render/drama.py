"""The dramatic map of a cue: what happens on screen while it plays, placed in time.

A composer spots a cue against the picture: where the scene cuts, who enters and when, the
hard sounds the music must catch or clear, how the emotion moves line by line, and how the cue
begins and ends (Karlin & Wright, *On the Track*, 2nd ed. 2004, ch. 5-7 on spotting and "hit
points"). Before there is footage the screenplay is the picture: each scene's estimated length
(the segment stage's ``est_seconds``) is shared out over its blocks (an action paragraph, one
speech) in proportion to how long each takes to play (dialogue at 150 words a minute, an action
line 1.3 s: the segment stage's own pacing constants), so an entrance on the fifth line of a
long scene lands where that line plays.

The map is a record (:class:`CueMap`), written to the run folder as ``cue_maps.json``; the
sketcher reads its hit points (downbeats are fitted to them), its entrances (themes enter
there) and how the cue begins (a cue from silence builds up its texture).

Sound hits come from a fixed lexicon of screenplay sound conventions (sounds in capitals,
violent verbs); it was written from screenwriting manuals' examples (Riley, *The Hollywood
Standard*, 2009, ch. 3 "sound effects in caps"), not fitted to any script here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scenescore.render.form import HitPoint

#: Words that mark a hard sound in an action line (in capitals, or as a violent verb).
SOUND_WORDS = frozenset({
    "bang", "bangs", "boom", "booms", "crash", "crashes", "slam", "slams", "slammed", "gunshot", "gunshots",
    "shot", "shots", "explosion", "explodes", "explode", "scream", "screams", "screaming", "shatters",
    "shatter", "smash", "smashes", "thud", "crack", "blast", "blasts", "thunder", "honk", "honks",
    "gunfire", "fires", "punches", "punch", "slaps", "slap", "kicks", "stabs", "collapses",
    "shrieks", "shriek", "yells", "bursts", "rings", "buzzes", "beeps", "whack", "thwack", "pow", "splash",
})
#: Of those, the ones that only count in capitals (too common in plain prose).
_CAPS_ONLY = frozenset({"shot", "shots", "rings", "fires", "crack", "kicks", "yells", "bursts", "splash"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
#: Pacing of the segment stage (docs/parsing.md: est_seconds).
WORDS_PER_SECOND = 150.0 / 60.0
ACTION_LINE_S = 1.3


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a scene: an action paragraph or one speech, with its time inside the cue."""

    scene_id: int
    kind: str  # "action" or "dialogue"
    speaker: str | None
    text: str
    start_s: float
    end_s: float
    valence: float
    arousal: float


@dataclass(frozen=True, slots=True)
class Entrance:
    time_s: float
    character: str
    scene_id: int
    how: str  # "speaks" or "named"


@dataclass(frozen=True, slots=True)
class CueMap:
    """What a cue plays against, in seconds from the cue's start."""

    cue_id: str
    start_s: float
    duration_s: float
    scene_cuts: tuple[HitPoint, ...]
    entrances: tuple[Entrance, ...]
    sounds: tuple[HitPoint, ...]
    emotion: tuple[tuple[float, float, float], ...]  # (time_s, valence, arousal) per block
    begins: str  # "from silence" or "out of the previous cue"
    ends: str  # "segue", "hard out", "reel change", "tail out", "end"
    blocks: tuple[Block, ...] = field(default=(), repr=False)

    def hits(self) -> list[HitPoint]:
        """Every moment the music should land on: cuts, first entrances, hard sounds."""
        first: dict[str, Entrance] = {}
        for e in self.entrances:
            first.setdefault(e.character, e)
        ent = [HitPoint(e.time_s, "entrance", e.character) for e in first.values()]
        return sorted([*self.scene_cuts, *ent, *self.sounds], key=lambda h: (h.time_s, h.kind))

    def entrance_of(self, character: str) -> float | None:
        for e in self.entrances:
            if e.character.lower() == character.lower():
                return e.time_s
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cue_id": self.cue_id, "start_s": round(self.start_s, 3), "duration_s": round(self.duration_s, 3),
            "begins": self.begins, "ends": self.ends,
            "scene_cuts": [{"time_s": round(h.time_s, 3), "label": h.label} for h in self.scene_cuts],
            "entrances": [{"time_s": round(e.time_s, 3), "character": e.character, "scene_id": e.scene_id,
                           "how": e.how} for e in self.entrances],
            "sounds": [{"time_s": round(h.time_s, 3), "label": h.label} for h in self.sounds],
            "emotion": [{"time_s": round(t, 3), "valence": round(v, 3), "arousal": round(a, 3)}
                        for t, v, a in self.emotion],
        }


def _scene_blocks(scene: Any, elements: Sequence[Any]) -> list[tuple[str, str | None, str, float]]:
    """(kind, speaker, text, seconds it plays) of a scene's blocks, in order."""
    lines = [e for e in elements if scene.start_line < e.line <= scene.end_line]
    blocks: list[tuple[str, str | None, list[str]]] = []
    speaker: str | None = None
    for e in lines:
        kind = str(e.type)
        if kind == "action":
            if blocks and blocks[-1][0] == "action" and e.text.strip():
                blocks[-1][2].append(e.text.strip())
            elif e.text.strip():
                blocks.append(("action", None, [e.text.strip()]))
        elif kind == "character":
            speaker = re.sub(r"\(.*?\)|\^", "", e.text).strip()  # no (V.O.), (CONT'D), dual-dialogue ^
            blocks.append(("dialogue", speaker, []))
        elif kind == "dialogue" and blocks and blocks[-1][0] == "dialogue":
            blocks[-1][2].append(e.text.strip())
        elif kind == "blank" and blocks and blocks[-1][0] == "action":
            blocks.append(("break", None, []))
    out = []
    for kind, who, texts in blocks:
        if kind == "break" or not texts:
            continue
        text = " ".join(texts)
        seconds = (len(text.split()) / WORDS_PER_SECOND if kind == "dialogue"
                   else ACTION_LINE_S * len(texts))
        out.append((kind, who, text, seconds))
    if not out and (scene.action or scene.dialogue):  # no typed lines: action, then the speeches
        if scene.action:
            out.append(("action", None, scene.action, ACTION_LINE_S * max(1, scene.action.count("\n") + 1)))
        out += [("dialogue", d.speaker, d.text, len(d.text.split()) / WORDS_PER_SECOND) for d in scene.dialogue]
    return out


def _sounds(text: str) -> list[str]:
    found = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        low = word.lower().strip("'’")
        if low in SOUND_WORDS and (word.isupper() and len(word) >= 3 or low not in _CAPS_ONLY):
            found.append(word)
    return found


def cue_maps(cues: Sequence[Any], scenes: Sequence[Any], analysis: Any = None, *,
             elements: Sequence[Any] = (), conditions: Sequence[Any] = ()) -> list[CueMap]:
    """The dramatic map of every cue (same order as ``cues``).

    ``scenes`` are the scene table's rows; ``elements`` the typed lines (for blocks and their
    order; without them a scene's action comes before its speeches); ``analysis`` the emotion
    stage's result (its scene affects anchor the line readings); ``conditions`` are unused here
    and accepted so callers can pass what they have.
    """
    from scenescore.emotion.lexicon import load_lexicon, read_text
    from scenescore.spotting import scene_affects

    del conditions
    lexicon = load_lexicon()
    affects: Mapping[int, Any] = scene_affects(analysis) if analysis is not None else {}
    by_id = {s.scene_id: s for s in scenes}
    starts: dict[int, float] = {}
    clock = 0.0
    for s in scenes:
        starts[s.scene_id] = clock
        clock += float(s.seconds)
    maps: list[CueMap] = []
    previous_out = ""
    for cue in cues:
        cue_scenes = [by_id[sid] for sid in cue.scene_ids if sid in by_id]
        t0 = float(cue.start_s)
        duration = float(cue.end_s - cue.start_s)
        # The cue's scenes play back to back from the cue's start (its spotting in-time).
        local = 0.0
        cuts: list[HitPoint] = []
        entrances: list[Entrance] = []
        sounds: list[HitPoint] = []
        emotion: list[tuple[float, float, float]] = []
        blocks_out: list[Block] = []
        seen: set[str] = set()
        scale_total = sum(float(s.seconds) for s in cue_scenes) or 1.0  # picture spans when aligned
        fit = duration / scale_total if duration > 0 else 1.0  # footage spans may differ from estimates
        for k, scene in enumerate(cue_scenes):
            length = float(scene.seconds) * fit
            if k:
                cuts.append(HitPoint(local, "scene cut", f"sc. {scene.scene_id} {scene.heading}".strip()))
            blocks = _scene_blocks(scene, elements)
            total = sum(b[3] for b in blocks) + 2.0  # the heading's establishing moment
            clock_in = local + 2.0 * length / total if total > 0 else local
            affect = affects.get(scene.scene_id)
            base_v = float(getattr(affect, "valence", 0.0)) if affect is not None else 0.0
            base_a = float(getattr(affect, "arousal", 0.0)) if affect is not None else 0.0
            names = {c.lower(): c for c in scene.characters}
            for kind, who, text, seconds in blocks:
                span = seconds * length / total if total > 0 else 0.0
                reading = read_text(text, lexicon)
                # A line's own reading moves the scene's contextual affect by half its deviation.
                v = max(-1.0, min(1.0, base_v + 0.5 * reading.valence)) if reading.words else base_v
                a = max(-1.0, min(1.0, base_a + 0.5 * reading.arousal)) if reading.words else base_a
                blocks_out.append(Block(scene.scene_id, kind, who, text[:200], clock_in, clock_in + span, v, a))
                emotion.append((clock_in + span / 2, v, a))
                present = []
                if kind == "dialogue" and who:
                    present.append((who, "speaks"))
                low = text.lower()
                present += [(name, "named") for key, name in names.items()
                            if re.search(rf"\b{re.escape(key)}\b", low)]
                for name, how in present:
                    key = name.lower()
                    if key in seen:
                        continue
                    seen.add(key)
                    entrances.append(Entrance(clock_in, name, scene.scene_id, how))
                if kind == "action":
                    for word in _sounds(text):
                        sounds.append(HitPoint(clock_in, "sound", word))
                        break
                clock_in += span
            local += length
        begins = "out of the previous cue" if "segue" in previous_out else "from silence"
        out = cue.out_point.lower()
        ends = ("segue" if "segue" in out else "hard out" if "hard out" in out else
                "reel change" if "reel change" in out else "tail out" if "end of the film" in out else "end")
        previous_out = out
        maps.append(CueMap(cue.cue_id, t0, duration, tuple(cuts), tuple(entrances), tuple(sounds),
                           tuple(emotion), begins, ends, tuple(blocks_out)))
    return maps
