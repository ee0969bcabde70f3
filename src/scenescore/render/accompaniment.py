"""Accompaniment: chords (held, struck or arpeggiated by the texture's level), bass and pitched percussion."""

from __future__ import annotations

from scenescore.render.notes import Voice
from scenescore.render.orchestration import BASS_RANGE, CHORD_RANGE
from scenescore.render.theory import Chord, voice_chord


def open_voicing(chord: Chord, grow: int = 0) -> tuple[int, ...]:
    """A low, open voicing: root (C3-B3), fifth above it, the third a tenth above the root, and
    the root and then the fifth again an octave up as the texture grows (strings spread a chord under a
    section voiced close above: wide intervals low, close ones high; no third below C3)."""
    root = 48 + (chord.root - 48) % 12
    third = next((pc for pc in chord.pitch_classes[1:3] if (pc - chord.root) % 12 in (3, 4)), None)
    fifth = next((pc for pc in chord.pitch_classes[1:3] if (pc - chord.root) % 12 in (6, 7, 8)), None)
    out = [root]
    if fifth is not None:
        out.append(root + (fifth - chord.root) % 12)
    if third is not None:
        out.append(root + 12 + (third - chord.root) % 12)
    if grow:
        out.append(root + 12)
    if grow > 1 and fifth is not None:
        out.append(root + 12 + (fifth - chord.root) % 12)
    return tuple(sorted(set(out)))


class AccompanimentWriter:
    """Mixin of the sketcher: chords, bass line and timpani-like parts."""

    def write_chords(self, voice: Voice, plan: list[Chord], pad: bool) -> None:
        low, high = CHORD_RANGE[self.c.pitch_register]
        previous: tuple[int, ...] | None = None
        offset = -12 if pad else -8
        held: dict[int, int] = {}  # pitch -> index in voice.notes of a chord tone sounding to this bar
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q:
                break
            # More voices as the cue grows: a fuller chord is a louder, denser one.
            grow = (self.intensity(start) > 0.55) + (self.intensity(start) > 0.75)
            if pad and self.spread_pad:
                voicing = open_voicing(chord, grow)
            else:
                voicing = voice_chord(chord, low, high, previous, size=(4 if pad else 3) + grow)
            if self.avoid_rules.clusters:  # no semitone or major-seventh rubs struck together
                voicing = tuple(p for k, p in enumerate(voicing)
                                if not any((p - o) % 12 in (1, 11) for o in voicing[:k]))
            previous = voicing
            final = bar >= self.final_bar
            bar_len = (self.total_q - start) if bar == self.final_bar else self.bar_q
            if bar > self.final_bar:
                continue  # the final chord already holds through
            if final and self.ending == "button":
                bar_len = min(self.meter.beat_quarters, bar_len)  # a short, accented last chord
            level = self.level(start)
            if pad or final or level < 0.3:
                # Sustained chords tie their common tones across the bar line, the way a
                # section holds them; only the voices that move are struck again.
                ties, held = held, {}
                for p in voicing:
                    k = ties.get(p)
                    if k is not None and abs(voice.notes[k][1] - start) < 1e-9:
                        s0, _, _, vel = voice.notes[k]
                        voice.notes[k] = (s0, min(start + bar_len, self.total_q), p, vel)
                        held[p] = k
                        continue
                    self.add(voice, start, bar_len, p, self.velocity(start, offset), factor=1.0)
                    if voice.notes and voice.notes[-1][2] == p and voice.notes[-1][0] == start:
                        held[p] = len(voice.notes) - 1
                if pad:
                    voice.controls.append((start, 11, round(70 + 57 * self.intensity(start))))
                continue
            beat = self.meter.beat_quarters
            if level < 0.5:
                q = 0.0
                while q < bar_len - 1e-9:
                    for p in voicing:
                        self.add(voice, start + q, min(beat, bar_len - q), p, self.velocity(start + q, offset, q == 0))
                    q += beat
                continue
            step = 0.5 if (level < 0.75 or self.bpm >= 110) else 0.25
            if self.avoid_rules.fast_ostinati and step * 60.0 / self.bpm < 0.3:
                step = self.meter.beat_quarters  # no fast ostinato: the chord on each beat
            pattern = list(voicing) + [voicing[1] + 12 if len(voicing) > 1 else voicing[0] + 12] + list(voicing[1:][::-1])
            q, k = 0.0, 0
            while q < bar_len - 1e-9:
                p = pattern[k % len(pattern)]
                self.add(voice, start + q, step, p, self.velocity(start + q, offset - 4,
                                                                  abs(q % beat) < 1e-6))
                q += step
                k += 1

    def write_bass(self, voice: Voice, plan: list[Chord]) -> None:
        low, high = BASS_RANGE
        pedal = any(w in self.harmony_words for w in ("pedal", "drone"))
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q or bar > self.final_bar:
                break
            root_pc = self.scale.tonic if pedal else chord.root
            root = low + (root_pc - low) % 12
            fifth = root + 7 if root + 7 <= high else root - 5
            bar_len = (self.total_q - start) if bar == self.final_bar else self.bar_q
            if bar == self.final_bar and self.ending == "button":
                bar_len = min(self.meter.beat_quarters, bar_len)
            level = self.level(start)
            if bar == self.final_bar or level < 0.35:
                self.add(voice, start, bar_len, root, self.velocity(start, -2, True), factor=1.0)
                continue
            beat = self.meter.beat_quarters
            if level < 0.68 or (self.avoid_rules.fast_ostinati and 0.5 * 60.0 / self.bpm < 0.3):
                q, k = 0.0, 0
                while q < bar_len - 1e-9:
                    p = root if k % 2 == 0 else fifth
                    self.add(voice, start + q, min(beat * (2 if self.meter.beats_per_bar % 2 == 0 else 1), bar_len - q),
                             p, self.velocity(start + q, -2, k == 0))
                    q += beat * (2 if self.meter.beats_per_bar % 2 == 0 else 1)
                    k += 1
                continue
            q, k = 0.0, 0
            while q < bar_len - 1e-9:
                p = root + (12 if k % 4 == 2 and root + 12 <= high + 7 else 0)
                self.add(voice, start + q, 0.5, p, self.velocity(start + q, -4, abs(q % beat) < 1e-6), factor=0.8)
                q += 0.5
                k += 1


    def write_pitched_percussion(self, voice: Voice, plan: list[Chord]) -> None:
        """Timpani-like parts: roots on phrase downbeats, a roll into the loudest bar."""
        low = 36
        peak_bar = max(range(self.final_bar + 1), key=lambda b: (self.intensity(self.bar_start(b)), -b))
        for bar, chord in enumerate(plan[: self.final_bar + 1]):
            start = self.bar_start(bar)
            root = low + (chord.root - low) % 12
            if bar % 2 == 0 or bar == self.final_bar:
                self.add(voice, start, self.meter.beat_quarters, root, self.velocity(start, 0, True), factor=1.0)
            if bar == peak_bar - 1 and self.c.arousal > 0 and not (self.avoid_rules.loud_hits
                                                                  or self.avoid_rules.fast_ostinati):
                q = self.bar_q - self.meter.beat_quarters
                while q < self.bar_q - 1e-9:
                    self.add(voice, start + q, 0.25, root, self.velocity(start + q, -10 + int(8 * q)), factor=1.0)
                    q += 0.25

