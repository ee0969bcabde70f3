"""Character themes that develop across a film.

A motif is a short figure of scale degrees with a rhythm (and the contour they make). The
:class:`ThemeBook` is the state that crosses cues: it states a motif the first time a cue asks
for it and then applies each cue's transformation to the theme's *current* form, so the theme
develops (mode change, transposition, augmentation/diminution stick; fragmentation, inversion
and reharmonisation colour one passage). ``recall`` brings back the form first heard, for
flashbacks. The book is explicit, bounded and resettable, and written out with the film
(``themes.json``) so a composer can see what each cue did.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from scenescore.render.theory import parallel_mode

#: Transformations that change the theme's current form (the rest colour one passage).
_LASTING = frozenset({"mode_change", "transposition", "augmentation", "diminution"})
#: Diatonic shifts a theme walks through when transposed again and again (5th, 3rd, 6th, 4th up).
_TRANSPOSITIONS = (4, 2, 5, 3)
_READABLE = {"statement": "statement", "restatement": "restatement", "mode_change": "mode change",
             "transposition": "transposition", "augmentation": "augmentation",
             "diminution": "diminution", "fragmentation": "fragmentation",
             "reharmonisation": "reharmonisation", "inversion": "inversion", "recall": "recall"}
#: Rhythms of motifs in quarter notes (each ends on a long note).
_RHYTHMS: tuple[tuple[float, ...], ...] = (
    (1.0, 0.5, 0.5, 2.0),
    (1.5, 0.5, 1.0, 1.0, 2.0),
    (0.5, 0.5, 1.0, 2.0),
    (1.0, 1.0, 1.5, 0.5, 2.0),
    (2.0, 1.0, 1.0, 2.0, 2.0),
    (0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 2.0),
    (1.5, 0.5, 2.0, 1.0, 1.0, 2.0),
    (1.0, 0.5, 0.5, 1.0, 1.0, 4.0),
)


def _rng(seed: int, *parts: str) -> random.Random:
    digest = hashlib.sha256(":".join([str(seed), *parts]).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def contour_of(degrees: Sequence[int]) -> str:
    """Up/down/same steps as a string of ``+ - =`` (what the ear follows in a theme)."""
    return "".join("+" if b > a else "-" if b < a else "=" for a, b in zip(degrees, degrees[1:], strict=False))


@dataclass(frozen=True, slots=True)
class Motif:
    """A character's motif: scale degrees (0 = tonic) and durations in quarter notes."""

    motif_id: str
    character: str
    degrees: tuple[int, ...]
    durations: tuple[float, ...]

    @property
    def contour(self) -> str:
        return contour_of(self.degrees)

    @property
    def quarters(self) -> float:
        return sum(self.durations)


def make_motif(motif_id: str, character: str, *, seed: int = 0) -> Motif:
    """A singable motif drawn from the motif id (stable across runs for the same seed).

    Shapes follow film practice: an opening leap that is then filled in by step (the "gap-fill"
    that listeners expect, Meyer 1973; von Hippel & Huron 2000), or an arch.
    """
    rng = _rng(seed, "motif", motif_id)
    durations = rng.choice(_RHYTHMS)
    n = len(durations)
    start = rng.choice((0, 0, 2, 4))
    shape = rng.choice(("leap_fill", "arch", "rise", "leap_fill"))
    degrees = [start]
    if shape == "leap_fill":
        leap = rng.choice((3, 4, 5))
        degrees.append(start + leap)
        while len(degrees) < n:
            degrees.append(degrees[-1] - rng.choice((1, 1, 1, 2)))
    elif shape == "arch":
        peak = max(1, n // 2)
        while len(degrees) < n:
            step = rng.choice((1, 1, 2))
            degrees.append(degrees[-1] + (step if len(degrees) <= peak else -step))
    else:
        while len(degrees) < n:
            degrees.append(degrees[-1] + rng.choice((1, 1, 2, -1)))
    # End on a stable degree (tonic, third or fifth of the tonic chord).
    last = degrees[-1]
    stable = min((d for d in range(last - 4, last + 5) if d % 7 in (0, 2, 4)), key=lambda d: (abs(d - last), d))
    degrees[-1] = stable
    return Motif(motif_id=motif_id, character=character, degrees=tuple(degrees), durations=tuple(durations))


@dataclass(frozen=True, slots=True)
class ThemeForm:
    """The shape a theme currently has: its degrees, rhythm, mode and diatonic shift."""

    degrees: tuple[int, ...]
    durations: tuple[float, ...]
    mode: str  # the mode it was last heard in (the harmony under the passage follows it)
    shift: int = 0  # diatonic transposition in scale steps
    rhythm_scale: float = 1.0


@dataclass(frozen=True, slots=True)
class ThemePhrase:
    """One passage of a cue that plays a theme: what the sketcher realizes and labels."""

    motif_id: str
    character: str
    transformation: str
    label: str  # e.g. "ELLA-A (Ella): mode change, major -> minor"
    degrees: tuple[int, ...]
    durations: tuple[float, ...]
    mode: str
    shift: int = 0
    reharmonise: bool = False
    first_heard_in: str = ""

    @property
    def quarters(self) -> float:
        return sum(self.durations)


@dataclass(slots=True)
class _ThemeState:
    motif: Motif
    stated_in: str
    stated_mode: str
    current: ThemeForm
    transpositions: int = 0
    uses: int = 0


@dataclass(slots=True)
class ThemeBook:
    """Every motif of the film, its current form and what each cue did with it."""

    seed: int = 0
    history_limit: int = 512
    #: Motif id → (scale degrees, quarter-note lengths) fixed by people (a spotting session's
    #: pinned themes): used instead of a drawn motif.
    pinned: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = field(default_factory=dict)
    _themes: dict[str, _ThemeState] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        self._themes.clear()
        self.history.clear()

    def __contains__(self, motif_id: str) -> bool:
        return motif_id in self._themes

    def motif(self, motif_id: str) -> Motif | None:
        state = self._themes.get(motif_id)
        return state.motif if state else None

    def use(self, *, motif_id: str, character: str, transformation: str, cue_id: str,
            cue_mode: str) -> list[ThemePhrase]:
        """The passages a cue plays for one theme use; a theme never heard is stated first."""
        state = self._themes.get(motif_id)
        phrases: list[ThemePhrase] = []
        if state is None:
            pin = self.pinned.get(motif_id)
            motif = (Motif(motif_id=motif_id, character=character, degrees=tuple(pin[0]), durations=tuple(pin[1]))
                     if pin is not None else make_motif(motif_id, character, seed=self.seed))
            original = ThemeForm(motif.degrees, motif.durations, cue_mode)
            state = _ThemeState(motif=motif, stated_in=cue_id, stated_mode=cue_mode, current=original)
            self._themes[motif_id] = state
            first = "first statement" if transformation in ("statement", "restatement", "recall") \
                else "first statement, then " + _READABLE[transformation]
            phrases.append(self._phrase(state, "statement", original, first))
            self._record(cue_id, motif_id, "statement", phrases[-1].label)
            state.uses += 1
            if transformation in ("statement", "restatement", "recall"):
                return phrases
        phrase = self._transform(state, transformation, cue_mode)
        phrases.append(phrase)
        self._record(cue_id, motif_id, transformation, phrase.label)
        state.uses += 1
        return phrases

    def _transform(self, state: _ThemeState, transformation: str, cue_mode: str) -> ThemePhrase:
        """Apply one use. A theme is heard in the cue's mode unless the use is a mode change
        (the parallel of the mode it was last heard in) or a recall (its first form)."""
        original = ThemeForm(state.motif.degrees, state.motif.durations, state.stated_mode)
        cur = replace(state.current, mode=cue_mode)
        if transformation == "statement":
            state.current = replace(original, mode=cue_mode)
            return self._phrase(state, transformation, state.current, "as first stated")
        if transformation == "restatement":
            state.current = cur
            return self._phrase(state, transformation, cur, "current form")
        if transformation == "recall":
            return self._phrase(state, transformation, original,
                                f"earlier form from {state.stated_in}, {state.stated_mode}",
                                first_heard_in=state.stated_in)
        if transformation == "mode_change":
            heard = state.current.mode
            new = replace(state.current, mode=parallel_mode(heard))
            detail = f"{heard} -> {new.mode}"
        elif transformation == "transposition":
            shift = _TRANSPOSITIONS[state.transpositions % len(_TRANSPOSITIONS)]
            state.transpositions += 1
            new = replace(cur, shift=shift)
            detail = f"up {('', 'a 2nd', 'a 3rd', 'a 4th', 'a 5th', 'a 6th', 'a 7th')[shift]}"
        elif transformation in ("augmentation", "diminution"):
            factor = 2.0 if transformation == "augmentation" else 0.5
            scale = min(2.0, max(0.5, cur.rhythm_scale * factor))
            new = replace(cur, rhythm_scale=scale,
                          durations=tuple(max(0.25, d * scale) for d in state.motif.durations))
            detail = f"rhythm x{scale:g}"
        elif transformation == "fragmentation":
            head = max(2, (len(cur.degrees) + 1) // 2)
            degrees: list[int] = []
            durations: list[float] = []
            for k in range(3):
                degrees += [d - k for d in cur.degrees[:head]]
                durations += list(cur.durations[:head])
            durations[-1] = max(durations[-1], 1.0) * 2
            state.current = cur
            return self._phrase(state, transformation, replace(cur, degrees=tuple(degrees), durations=tuple(durations)),
                                f"head of {head} notes, sequenced down")
        elif transformation == "inversion":
            pivot = cur.degrees[0]
            inverted = tuple(pivot - (d - pivot) for d in cur.degrees)
            state.current = cur
            return self._phrase(state, transformation, replace(cur, degrees=inverted), "mirrored contour")
        elif transformation == "reharmonisation":
            state.current = cur
            return self._phrase(state, transformation, cur, "same line, new chords", reharmonise=True)
        else:  # pragma: no cover - the schema's Literal keeps this closed
            return self._phrase(state, transformation, cur, "")
        state.current = new
        return self._phrase(state, transformation, new, detail)

    def _phrase(self, state: _ThemeState, transformation: str, form: ThemeForm, detail: str, *,
                reharmonise: bool = False, first_heard_in: str = "") -> ThemePhrase:
        motif = state.motif
        head = f"{motif.motif_id} ({motif.character}): {_READABLE.get(transformation, transformation)}"
        label = f"{head}, {detail}" if detail and detail != _READABLE.get(transformation) else head
        return ThemePhrase(motif_id=motif.motif_id, character=motif.character, transformation=transformation,
                           label=label, degrees=form.degrees, durations=form.durations, mode=form.mode,
                           shift=form.shift, reharmonise=reharmonise, first_heard_in=first_heard_in)

    def _record(self, cue_id: str, motif_id: str, transformation: str, label: str) -> None:
        self.history.append({"cue_id": cue_id, "motif": motif_id, "transformation": transformation,
                             "label": label})
        if len(self.history) > self.history_limit:
            del self.history[: len(self.history) - self.history_limit]

    def snapshot(self, motif_ids: Sequence[str]) -> dict[str, Any]:
        """The state of these motifs (``None``: not heard yet), as JSON-able data: what a cue's
        sketch depends on besides its condition."""
        out: dict[str, Any] = {}
        for mid in sorted(set(motif_ids)):
            st = self._themes.get(mid)
            out[mid] = None if st is None else {
                "motif": [st.motif.character, list(st.motif.degrees), list(st.motif.durations)],
                "stated_in": st.stated_in, "stated_mode": st.stated_mode,
                "current": [list(st.current.degrees), list(st.current.durations), st.current.mode,
                            st.current.shift, st.current.rhythm_scale],
                "transpositions": st.transpositions, "uses": st.uses}
        return out

    def restore(self, snapshot: dict[str, Any]) -> None:
        """Put motifs back as :meth:`snapshot` saw them (a locked cue plays what it played)."""
        for mid, data in snapshot.items():
            if data is None:
                self._themes.pop(mid, None)
                continue
            character, degrees, durations = data["motif"]
            cd, cdur, mode, shift, scale = data["current"]
            self._themes[mid] = _ThemeState(
                motif=Motif(motif_id=mid, character=character, degrees=tuple(degrees), durations=tuple(durations)),
                stated_in=data["stated_in"], stated_mode=data["stated_mode"],
                current=ThemeForm(tuple(cd), tuple(cdur), mode, shift, scale),
                transpositions=int(data["transpositions"]), uses=int(data["uses"]))

    def to_dict(self) -> dict[str, Any]:
        """What ``themes.json`` holds: each motif as first stated, its current form, the uses."""
        return {
            "seed": self.seed,
            "motifs": {
                mid: {
                    "character": s.motif.character,
                    "degrees": list(s.motif.degrees),
                    "durations_quarters": list(s.motif.durations),
                    "contour": s.motif.contour,
                    "stated_in": s.stated_in,
                    "stated_mode": s.stated_mode,
                    "current": {"degrees": list(s.current.degrees), "durations_quarters": list(s.current.durations),
                                "mode": s.current.mode, "shift": s.current.shift},
                    "uses": s.uses,
                }
                for mid, s in sorted(self._themes.items())
            },
            "history": list(self.history),
        }
