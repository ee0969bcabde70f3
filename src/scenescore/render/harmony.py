"""Harmony: the cue's chord plan, one chord a bar, and chords fitted under theme passages."""

from __future__ import annotations

from scenescore.render.form import Placed
from scenescore.render.theory import MINOR_FAMILY, Chord, Scale, build_chord

# Chord progressions (scale degrees, one chord a bar) per mode; each mode's colour chord shows.
_MAJOR_PROGRESSIONS = ((0, 4, 5, 3), (0, 3, 4, 0), (0, 5, 3, 4), (0, 2, 3, 4), (0, 3, 0, 4), (0, 5, 1, 4))
_MINOR_PROGRESSIONS = ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6), (0, 3, 5, 4), (0, 5, 3, 4), (0, 3, 6, 2))
_PROGRESSIONS = {
    "major": _MAJOR_PROGRESSIONS,
    "minor": _MINOR_PROGRESSIONS,
    "aeolian": _MINOR_PROGRESSIONS,
    "harmonic minor": ((0, 3, 4, 0), (0, 5, 3, 4), (0, 5, 1, 4), (0, 3, 0, 4)),
    "dorian": ((0, 3, 0, 3), (0, 3, 4, 0), (0, 6, 3, 0), (0, 2, 3, 0)),
    "phrygian": ((0, 1, 0, 6), (0, 1, 6, 0), (0, 5, 1, 0), (0, 3, 1, 0)),
    "lydian": ((0, 1, 0, 1), (0, 1, 4, 0), (0, 1, 5, 0), (0, 5, 1, 0)),
    "mixolydian": ((0, 6, 3, 0), (0, 6, 0, 3), (0, 3, 6, 0), (0, 4, 6, 0)),
    "locrian": ((0, 1, 0, 5), (0, 5, 1, 0)),
}
#: The chord before the last tonic: V, or the mode's own colour (bVII, bII, IV, II).
_CADENCE = {"major": 4, "minor": 4, "aeolian": 4, "harmonic minor": 4, "dorian": 3, "phrygian": 1,
            "lydian": 1, "mixolydian": 6, "locrian": 1}




class HarmonyPlanner:
    """Mixin of the sketcher: chord plan, chords under themes, a theme's notes in the register."""

    def chord_plan(self, placed: list[Placed]) -> list[Chord]:
        mode = self.c.mode
        templates = _PROGRESSIONS.get(mode, _MAJOR_PROGRESSIONS)
        # Harmonic minor's raised seventh colours only the dominant (V, vii°): its III+ is no chord
        # for a sketch.
        chord_scale = Scale(self.scale.tonic, "minor") if mode == "harmonic minor" else self.scale
        words = self.harmony_words
        seventh = any(w in words for w in ("seventh", "7th", "jazz", "extended"))
        sus = any(w in words for w in ("sus", "suspen"))
        add6 = any(w in words for w in ("sixth", "add6"))
        add9 = any(w in words for w in ("ninth", "add9", "add2", "cluster", "dissonan", "minor second"))
        if self.avoid_rules.clusters:
            add9 = seventh = False
        pedal = any(w in words for w in ("pedal", "drone"))
        borrowed = any(w in words for w in ("borrowed", "mixture")) and mode not in MINOR_FAMILY
        mediant = "mediant" in words
        plan: list[Chord | None] = [None] * self.n_bars
        theme_bars: dict[int, Placed] = {}
        for p in placed:
            for b in range(p.bar, min(p.bar + p.bars, self.n_bars)):
                theme_bars[b] = p
        phrase_bars = self.options.phrase_bars
        progression = self.rng.choice(templates)
        self.cadences: list[tuple[int, str]] = []
        cadence_at = self.phrase_cadences(theme_bars)
        rising = self.rising_bass_bars()
        opening = {bar + 1: {"half": 3, "deceptive": 5}[kind] for bar, kind in cadence_at.items()
                   if kind in ("half", "deceptive")}
        for bar in range(self.n_bars):
            if bar >= self.final_bar:
                plan[bar] = self.final_chord(chord_scale, progression[bar % phrase_bars % len(progression)],
                                             add9=add9 and mode not in MINOR_FAMILY)
                continue
            if bar in theme_bars:
                plan[bar] = self.fit_chord(theme_bars[bar], bar, plan[bar - 1] if bar else None)
                continue
            if bar % phrase_bars == 0 and bar:
                progression = self.rng.choice(templates)
            degree = progression[bar % phrase_bars % len(progression)]
            if bar in opening:  # after a half or deceptive cadence the phrase does not start at home
                degree = opening[bar]
            kind = cadence_at.get(bar)
            if kind is not None:
                degree = 3 if kind == "plagal" else _CADENCE.get(mode, 4)
                self.cadences.append((bar, kind))
            cadence = bar == self.final_bar - 1 and self.ending in ("resolve", "button")
            if bar == self.final_bar - 1 and self.ending in ("open", "segue"):
                # IV (or iv) before the half cadence; VI before a minor cue's hanging iv.
                degree = 5 if self.ending == "segue" and mode in MINOR_FAMILY else 3
            if bar in rising:  # a build: the bass climbs by step under the chords (I ii iii IV ...)
                degree = rising[bar]
            if cadence:
                degree = _CADENCE.get(mode, 4)
                if mode in ("minor", "aeolian") and self.n_bars < 8:
                    degree = 6
            if pedal and bar % 2 == 0:
                degree = 0
            raised = degree in (4, 6) and (mode == "harmonic minor" or (cadence and degree == 4 and self.n_bars >= 8))
            # A minor tonic keeps its third (the mode lives in it); iv and v may be suspended.
            colour_sus = sus and degree in ((3, 4) if mode in MINOR_FAMILY else (0, 3, 4)) and self.rng.random() < 0.5
            scale = chord_scale
            if borrowed and degree in (3, 5) and self.rng.random() < 0.4:
                scale = Scale(self.scale.tonic, "minor")  # iv and bVI from the parallel minor
            if mediant and bar % phrase_bars == phrase_bars // 2 and self.rng.random() < 0.5:
                root = (self.scale.tonic + self.rng.choice((4, 8))) % 12
                plan[bar] = Chord(degree=2, pitch_classes=(root, (root + 4) % 12, (root + 7) % 12),
                                  label="chromatic mediant")
                continue
            plan[bar] = build_chord(scale, degree, seventh=seventh and degree != 0,
                                    sus=colour_sus, add6=add6 and degree == 3 and not seventh,
                                    add9=add9 and degree in (0, 3) and not colour_sus,
                                    raised_leading=raised)
        return [c if c is not None else build_chord(chord_scale, 0) for c in plan]

    def phrase_cadences(self, theme_bars: dict[int, Placed]) -> dict[int, str]:
        """The cadence that closes each inner phrase, chosen by what the drama does next (Caplin,
        *Classical Form*, 1998, ch. 3 on cadence types; the film-score use of the half and the
        deceptive cadence to keep a scene open: Karlin & Wright 2004, ch. 10): a deceptive
        cadence (V, then vi) where a scene cut falls on the next phrase, a half cadence (V, then
        IV) where the intensity rises, a plagal one (IV, then I) where it is quiet, an authentic
        one (V, then I) where it settles."""
        phrase = self.options.phrase_bars
        cuts = set()
        if self.form is not None:
            for h in self.form.caught:
                cuts.add(round(self.tempo.quarters(h.time_s) / self.bar_q))
        out: dict[int, str] = {}
        for bar in range(phrase - 1, self.final_bar - 1, phrase):
            if bar in theme_bars or bar + 1 in theme_bars:
                continue
            now = self.intensity(self.bar_start(bar))
            nxt = self.intensity(self.bar_start(bar + 1) + self.bar_q / 2)
            if bar + 1 in cuts:
                out[bar] = "deceptive"
            elif nxt > now + 0.05:
                out[bar] = "half"
            elif now < 0.3:
                out[bar] = "plagal"
            else:
                out[bar] = "authentic"
        return out

    def rising_bass_bars(self) -> dict[int, int]:
        """A build that stays open climbs: its last bars before the end step up the scale from
        the tonic (I ii iii IV ...), the bass rising under them."""
        pts = self.c.intensity_curve
        if self.ending not in ("open", "segue") or pts[-1].intensity - pts[0].intensity < 0.2:
            return {}
        # In minor the climb skips III (the relative major would pull the key away): i ii° iv, then
        # the open end's v; in major I ii iii IV, then V.
        steps = (0, 1, 3) if self.c.mode in MINOR_FAMILY else (0, 1, 2, 3)
        span = min(len(steps), self.final_bar)
        first = self.final_bar - span
        return {first + k: steps[len(steps) - span + k] for k in range(span)} if span >= 3 else {}

    def final_chord(self, chord_scale: Scale, running_degree: int, *, add9: bool) -> Chord:
        """The chord the cue ends on, by its ending: the tonic where it resolves (or buttons), the
        dominant (a half cadence) where it stays open or segues into the next cue, and the
        progression's own chord where it is cut off (a hard out), never the tonic there."""
        if self.ending in ("resolve", "button"):
            return build_chord(chord_scale, 0, add9=add9)
        if self.ending == "hard_out":
            if self.c.mode in MINOR_FAMILY:  # cut off on a minor chord (iv or v): the key stays minor
                return build_chord(chord_scale, running_degree if running_degree in (3, 4) else 3)
            return build_chord(chord_scale, running_degree if running_degree else 5)
        if self.ending == "segue" and self.c.mode in MINOR_FAMILY:
            # Into the next cue from a minor one: hang on the minor subdominant (a plagal half close
            # that keeps the minor colour; a major dominant would sound like a new key).
            return build_chord(chord_scale, 3)
        dominant = _CADENCE.get(self.c.mode, 4)
        # In minor the half cadence is on the major dominant (the raised leading tone keeps the key).
        return build_chord(chord_scale, dominant,
                           raised_leading=dominant == 4 and self.c.mode in ("minor", "aeolian", "harmonic minor"))

    def fit_chord(self, placed: Placed, bar: int, previous: Chord | None) -> Chord:
        """The diatonic chord (in the theme's mode) that holds most of the theme's notes in this bar."""
        scale = Scale(self.scale.tonic, placed.phrase.mode)
        weights = [0.0] * 12
        for start, dur, pitch in self.theme_notes(placed):
            if self.bar_start(bar) <= start < self.bar_start(bar + 1):
                strong = 1.5 if abs((start - self.bar_start(bar)) % self.meter.beat_quarters) < 1e-6 else 1.0
                weights[pitch % 12] += dur * strong
        reharm = placed.phrase.reharmonise
        candidates = (5, 2, 1, 3, 0, 4) if reharm else (0, 3, 4, 5, 1, 2)
        best: Chord | None = None
        best_score = -1.0
        for rank, degree in enumerate(candidates):
            chord = build_chord(scale, degree, seventh=reharm)
            tones = chord.pitch_classes
            score = sum(weights[pc] for pc in tones) - 0.05 * rank
            if reharm:  # a new colour: the melody off the chord's root
                score -= 0.5 * weights[chord.root]
            if previous is not None and chord.pitch_classes == previous.pitch_classes:
                score -= 0.1
            if score > best_score:
                best, best_score = chord, score
        assert best is not None
        return best

    def theme_notes(self, placed: Placed) -> list[tuple[float, float, int]]:
        """(start quarter, duration, pitch) of a placed theme phrase, in the melody's register."""
        phrase = placed.phrase
        scale = Scale(self.scale.tonic, phrase.mode)
        low, high = self.melody_range()
        centre = (low + high) / 2
        degrees = [d + phrase.shift for d in phrase.degrees]
        best_octave = min(range(2, 7), key=lambda o: abs(sum(scale.pitch(d, o) for d in degrees) / len(degrees) - centre))
        if self.avoid_rules.speech_band:  # the whole theme above the voices' range
            while min(scale.pitch(d, best_octave) for d in degrees) < low and best_octave < 7:
                best_octave += 1
        notes, q = [], self.bar_start(placed.bar)
        for d, dur in zip(degrees, phrase.durations, strict=True):
            notes.append((q, dur, scale.pitch(d, best_octave)))
            q += dur
        return notes

    # -- parts -------------------------------------------------------------------------------

