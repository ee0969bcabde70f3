"""Drums: a General MIDI kit groove shaped by the texture's level, with crashes and fills at phrases."""

from __future__ import annotations

from scenescore.conditions.schema import Instrument
from scenescore.render.notes import Voice

DRUM_KIT = Instrument(name="Drum Kit", program=0, role="percussion", is_drum=True)
# General MIDI percussion keys.
KICK, SNARE, HAT, OPEN_HAT, CRASH, LOW_TOM, MID_TOM, HIGH_TOM, RIDE = 36, 38, 42, 46, 49, 45, 47, 50, 51



class DrumWriter:
    """Mixin of the sketcher: the drum kit part."""

    def write_drums(self, voice: Voice, added: bool) -> None:
        beat = self.meter.beat_quarters
        beats = self.meter.beats_per_bar
        entered = False
        for bar in range(self.final_bar + 1):
            start = self.bar_start(bar)
            if start >= self.total_q:
                break
            level = self.level(start)
            if added and self.intensity(start) < 0.3 and bar != self.final_bar:
                continue
            if bar == self.final_bar:
                if not self.avoid_rules.loud_hits:
                    self.add(voice, start, 1.0, CRASH, self.velocity(start, 4, True), factor=1.0)
                self.add(voice, start, 1.0, KICK, self.velocity(start, 4, True), factor=1.0)
                break
            if (not entered or bar % self.options.phrase_bars == 0) and not self.avoid_rules.loud_hits:
                self.add(voice, start, 1.0, CRASH, self.velocity(start, 0, True), factor=1.0)
                entered = True
            for b in range(beats):
                q = start + b * beat
                if b == 0 or (beats >= 4 and b == beats // 2) or (level > 0.75 and b == beats - 1 and beats == 4):
                    self.add(voice, q if b != beats - 1 else q + beat / 2, 0.5, KICK, self.velocity(q, 0, b == 0), factor=1.0)
                if level >= 0.4 and ((beats % 2 == 0 and b % 2 == 1) or (beats == 3 and b > 0)):
                    self.add(voice, q, 0.5, SNARE, self.velocity(q, -4 if beats == 3 else 0), factor=1.0)
                elif level < 0.4 and b == beats - 1:
                    self.add(voice, q, 0.5, LOW_TOM, self.velocity(q, -10), factor=1.0)
            step = 0.25 if (level > 0.8 and self.bpm < 120) else 0.5
            q = 0.0
            while q < self.bar_q - 1e-9 and level >= 0.4:
                self.add(voice, start + q, step, HAT if (q / step) % 4 != 3 or level < 0.6 else OPEN_HAT,
                         self.velocity(start + q, -16 + (6 if abs(q % beat) < 1e-6 else 0)), factor=1.0)
                q += step
            # A tom fill into each new phrase when the cue is driving.
            if level > 0.7 and bar % self.options.phrase_bars == self.options.phrase_bars - 1:
                fill_start = start + self.bar_q - beat
                for k, tom in enumerate((HIGH_TOM, MID_TOM, LOW_TOM, LOW_TOM)):
                    self.add(voice, fill_start + k * beat / 4, beat / 4, tom, self.velocity(fill_start, 0), factor=1.0)

    # -- assemble ----------------------------------------------------------------------------

