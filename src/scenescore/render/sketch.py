"""MIDI sketches from a music condition: the sketcher that puts the crafts together.

The sketcher reads the condition's musical fields (key, mode, meter, tempo, dynamics,
intensity curve, articulation, register, harmony, note density, instrumentation, themes) and
writes notes in seconds. Each craft has its own module: the note model (:mod:`.notes`), form
(:mod:`.form`), harmony (:mod:`.harmony`), melody and themes (:mod:`.melody`), accompaniment
(:mod:`.accompaniment`), drums (:mod:`.drums`) and orchestration (:mod:`.orchestration`).

Plan, in quarter notes, then convert: bars grouped in phrases; theme passages placed first,
with chords fitted under them; progressions fill the other phrases; a cadence on the tonic
ends the cue at its exact length.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from scenescore.conditions.schema import MusicCondition
from scenescore.render.accompaniment import AccompanimentWriter
from scenescore.render.avoid import read_avoid
from scenescore.render.drama import CueMap
from scenescore.render.drums import DRUM_KIT, DrumWriter
from scenescore.render.form import FormPlanner, HitPoint, TempoMap, fit_form
from scenescore.render.harmony import HarmonyPlanner
from scenescore.render.melody import MelodyWriter
from scenescore.render.notes import (
    ARTICULATION_LENGTH,
    DYNAMICS_VELOCITY,
    ROLE_ORDER,
    Marker,
    Note,
    Part,
    Sketch,
    Voice,
    cue_rng,
    intensity_at,
)
from scenescore.render.options import SketchOptions
from scenescore.render.orchestration import Orchestrator
from scenescore.render.themes import ThemeBook
from scenescore.render.theory import Meter, Scale, prefer_flats, tonic_pc

__all__ = ["ROLE_ORDER", "Marker", "Note", "Part", "Sketch", "cue_rng", "intensity_at", "sketch_cue"]

log = logging.getLogger(__name__)


class _Sketcher(FormPlanner, HarmonyPlanner, MelodyWriter, AccompanimentWriter, DrumWriter, Orchestrator):
    """One cue's planning state; each craft lives in its mixin's module."""

    def __init__(self, condition: MusicCondition, themes: ThemeBook, options: SketchOptions,
                 scene_markers: Sequence[tuple[float, str]], hits: Sequence[HitPoint] = (),
                 cue_map: CueMap | None = None) -> None:
        self.cue_map = cue_map
        self.c = condition
        self.options = options
        self.book = themes
        self.rng = cue_rng(options.seed, condition.cue_id, "sketch")
        self.scale = Scale(tonic_pc(condition.key), condition.mode)
        self.meter = Meter.parse(condition.meter)
        self.bpm = condition.tempo_bpm
        self.bar_q = self.meter.bar_quarters
        self.ending = cue_ending(condition)
        picture = [HitPoint(t, "scene cut", text) for t, text in scene_markers if t > 1e-6]
        self.form = fit_form(condition.duration_s, self.bpm, self.bar_q, self.meter.beat_quarters,
                             _unique_hits([*picture, *hits]), max_change=options.max_tempo_change,
                             ritardando=self.ending == "resolve") if options.fit_picture else None
        self.tempo = self.form.tempo if self.form is not None else TempoMap.constant(self.bpm)
        self.total_q = self.form.total_q if self.form is not None else condition.duration_s * self.bpm / 60.0
        self.n_bars = max(1, math.ceil(self.total_q / self.bar_q - 1e-9))
        remainder = self.total_q - (self.n_bars - 1) * self.bar_q
        # A short last fragment joins the bar before it: the cadence starts a whole bar early.
        self.final_bar = self.n_bars - 1 if (remainder >= 0.5 * self.bar_q or self.n_bars == 1) else self.n_bars - 2
        self.base_velocity = DYNAMICS_VELOCITY[condition.dynamics]
        self.length_factor = ARTICULATION_LENGTH[condition.articulation]
        self.harmony_words = condition.harmony.lower()
        self.avoid = " ".join(condition.avoid).lower()
        self.avoid_rules = read_avoid(condition.avoid)
        #: No sudden loud hits: every accent stays under forte.
        self.velocity_cap = 92 if self.avoid_rules.loud_hits else 127
        self.scene_markers = list(scene_markers)
        self.markers: list[tuple[float, str]] = []
        self.theme_labels: dict[str, list[str]] = {}

    # -- helpers -----------------------------------------------------------------------------

    def intensity(self, q: float) -> float:
        return intensity_at(self.c, min(1.0, max(0.0, self.tempo.seconds(q) / self.c.duration_s)))

    def level(self, q: float) -> float:
        """How busy the texture is here: note density shaped by the intensity curve."""
        return min(1.0, max(0.0, 0.65 * self.c.note_density + 0.35 * self.intensity(q)))

    def velocity(self, q: float, offset: int = 0, accent: bool = False) -> int:
        # The dynamic marking is the level at the curve's middle; intensity swings it about
        # two dynamic steps either way (loudness is the strongest cue to intensity).
        v = self.base_velocity * (0.5 + 1.0 * self.intensity(q)) + offset
        if accent:
            v += 10 if self.c.articulation == "marcato" else 5
        v += self.rng.randint(-3, 3)
        return max(1, min(self.velocity_cap, round(v)))

    def add(self, voice: Voice, start: float, dur: float, pitch: int, vel: int, *, factor: float | None = None) -> None:
        end_cap = self.total_q
        if start >= end_cap - 1e-9 or not 0 <= pitch <= 127:
            return
        length = dur * (self.length_factor if factor is None else factor)
        voice.notes.append((start, min(start + max(length, 0.1), end_cap), pitch, vel))

    # -- plan --------------------------------------------------------------------------------

    def run(self) -> Sketch:
        voices = self.voices()
        phrases = self.theme_phrases()
        placed = self.place_themes(phrases)
        plan = self.chord_plan(placed)
        busy_bars = {b for p in placed for b in range(p.bar, p.bar + p.bars)}
        melodic = [v for v in voices if v.role == "melody"] or [v for v in voices if v.role == "counter"] \
            or [v for v in voices if v.role in ("harmony", "pad")]
        lead = melodic[0] if melodic else voices[0]
        theme_voices: dict[str, Voice] = {}
        for p in placed:
            tv = theme_voices.get(p.phrase.motif_id)
            if tv is None:
                tv = Voice(instrument=lead.instrument, role="theme", slot=f"theme {p.phrase.motif_id}",
                            channel=lead.channel)
                theme_voices[p.phrase.motif_id] = tv
            labels = self.theme_labels.setdefault(p.phrase.motif_id, [])
            readable = p.phrase.transformation.replace("_", " ")
            if readable not in labels:
                labels.append(readable)
            self.write_theme(tv, p)
            self.markers.append((self.bar_start(p.bar), f"Theme {p.phrase.label}" + (" (reprise)" if p.reprise else "")))
        # Two string sections never double one chord in one range: beside a harmony part, the pad
        # spreads its chord open and low.
        self.spread_pad = any(v.role == "harmony" for v in voices) and any(v.role == "pad" for v in voices)
        for v in voices:
            if v.role == "pad":
                self.write_chords(v, plan, pad=True)
            elif v.role == "harmony":
                self.write_chords(v, plan, pad=False)
            elif v.role == "bass":
                self.write_bass(v, plan)
            elif v.role == "melody":
                self.write_melody(v, plan, busy_bars if v is lead else set(), placed)
            elif v.role == "counter":
                if v is lead:
                    self.write_melody(v, plan, busy_bars, placed)
                else:
                    self.write_counter(v, plan)
            elif v.role == "drums":
                self.write_drums(v, added=v.instrument is DRUM_KIT)
            elif v.role == "percussion":
                self.write_pitched_percussion(v, plan)
        tune = [lead, *theme_voices.values()] if lead.role in ("melody", "counter") else list(theme_voices.values())
        self.keep_under_tune(voices, tune)
        self.shape_held_notes([*voices, *theme_voices.values()])
        self.tie_restrikes(voices)
        if self.ending == "button":  # the button is the cue's last sound: nothing rings past it
            stop = self.bar_start(self.final_bar) + self.meter.beat_quarters
            for v in [*voices, *theme_voices.values()]:
                v.notes[:] = [(s, min(e, stop), p, vel) for s, e, p, vel in v.notes if s < stop - 1e-9]
        for slot, what in self.texture(voices, lead).items():
            log.debug("%s: %s %s", self.c.cue_id, slot, what)
        sec = self.tempo.seconds
        scale_name = f"{self.c.key} {self.c.mode}"
        head = (f"{self.c.cue_id}: {scale_name}, {self.meter}, {self.bpm:g} bpm, {self.c.dynamics}"
                + (f", {self.c.genre}" if self.c.genre else ""))
        markers = [Marker(0.0, head)]
        markers += [Marker(round(sec(q), 6), text) for q, text in sorted(self.markers)]
        markers += [Marker(t, text) for t, text in self.scene_markers if 0 <= t < self.c.duration_s]
        markers.sort(key=lambda m: (m.time_s, m.text))
        ordered = sorted(list(voices) + list(theme_voices.values()),
                         key=lambda v: (ROLE_ORDER.index(v.role) if v.role in ROLE_ORDER else 99, v.slot))
        parts = tuple(self.part(v) for v in ordered if v.notes)
        chords = tuple((round(sec(self.bar_start(b)), 6), ch.label) for b, ch in enumerate(plan)
                       if b <= self.final_bar and self.bar_start(b) < self.total_q)
        tempo_map = tuple(c for c in self.tempo.in_seconds() if c[0] < self.c.duration_s - 1e-6)
        return Sketch(cue_id=self.c.cue_id, duration_s=self.c.duration_s, tempo_bpm=tempo_map[0][1], meter=self.meter,
                      key=self.c.key, mode=self.c.mode,
                      key_signature=self.scale.key_signature(prefer_flats=_flat_key(self.c.key, self.c.mode)),
                      parts=parts, markers=tuple(markers), chords=chords, themes=tuple(p.phrase for p in placed),
                      valence=self.c.valence, arousal=self.c.arousal,
                      tempo_map=tempo_map if len(tempo_map) > 1 else (), ending=self.ending, form=self.form,
                      cadences=tuple((round(sec(self.bar_start(b)), 6), kind) for b, kind in self.cadences))


def cue_ending(condition: MusicCondition) -> str:
    """The condition's ending; without one, what its harmony asks (a harmony that must not
    resolve stays open), else a resolution."""
    if condition.ending is not None:
        return condition.ending
    words = condition.harmony.lower()
    return "open" if ("never resolve" in words or "unresolved" in words) else "resolve"


def _unique_hits(hits: Sequence[HitPoint]) -> list[HitPoint]:
    """One hit per moment (a scene cut and an entrance on the same line count once)."""
    out: list[HitPoint] = []
    for h in sorted(hits, key=lambda h: (h.time_s, h.kind)):
        if not out or h.time_s - out[-1].time_s > 0.05:
            out.append(h)
    return out


def _flat_key(key: str, mode: str) -> bool:
    return prefer_flats(key, mode)


def sketch_cue(condition: MusicCondition, *, themes: ThemeBook | None = None,
               options: SketchOptions | None = None,
               scene_markers: Sequence[tuple[float, str]] = (), hits: Sequence[HitPoint] = (),
               cue_map: CueMap | None = None) -> Sketch:
    """Write the notes of one cue.

    ``themes`` is the film's theme book (the state that crosses cues); pass the same book for
    every cue in film order so themes develop, or nothing for a one-off sketch (each theme is
    then stated). ``scene_markers`` are (seconds from the cue's start, text) to mark; the scene
    cuts among them, ``hits`` and the hit points of ``cue_map`` (the cue's dramatic map) are
    fitted to downbeats; the map's entrances place themes and its beginning shapes the texture.
    """
    options = options or SketchOptions()
    book = themes if themes is not None else ThemeBook(seed=options.seed)
    if cue_map is not None:
        hits = [*hits, *cue_map.hits()]
    sketcher = _Sketcher(condition, book, options, scene_markers, hits, cue_map)
    return sketcher.run()
