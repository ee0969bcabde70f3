"""Melody: the tune (chord tones on beats, steps between, arches per phrase), themes and the counter-line."""

from __future__ import annotations

from collections.abc import Sequence

from scenescore.render.form import Placed
from scenescore.render.notes import Voice
from scenescore.render.orchestration import MELODY_RANGE
from scenescore.render.theory import Chord


class MelodyWriter:
    """Mixin of the sketcher: melody, theme statements and the counter-line."""

    def rhythm_cell(self, level: float) -> list[float]:
        """One bar of melodic rhythm (quarters) for this density; ends on the bar line."""
        if level < 0.35:
            choices, weights = (1.0, 1.5, 2.0, 3.0), (3, 2, 4, 1)
        elif level < 0.65:
            choices, weights = (0.5, 1.0, 1.5, 2.0), (3, 5, 2, 1)
        else:
            choices, weights = (0.25, 0.5, 1.0), (2, 5, 3)
        cell: list[float] = []
        q = 0.0
        while q < self.bar_q - 1e-9:
            d = self.rng.choices(choices, weights)[0]
            d = min(d, self.bar_q - q)
            # 16th notes come in pairs so the next note lands on an eighth.
            if d == 0.25 and q + 0.5 <= self.bar_q:
                cell += [0.25, 0.25]
                q += 0.5
                continue
            cell.append(d)
            q += d
        return cell

    def write_melody(self, voice: Voice, plan: list[Chord], busy_bars: set[int]) -> None:
        """A singable line: chord tones on the beats, steps between, an arch per phrase
        (rise, then fall to a chord root at the cadence), an occasional leap filled in by step."""
        low, high = MELODY_RANGE[self.c.pitch_register]
        centre = (low + high) // 2
        prev = self.nearest_pc(centre - 3, (self.scale.tonic, (self.scale.tonic + self.scale.steps[2]) % 12), low, high)
        phrase_bars = self.options.phrase_bars
        cell: list[float] = []
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q or bar > self.final_bar:
                break
            if bar in busy_bars:
                continue
            if bar == self.final_bar:
                # Resolving endings close on the tonic; open ones on the final chord's third or fifth.
                closing = (self.scale.tonic,) if self.ending in ("resolve", "button") else chord.pitch_classes[1:3]
                target = self.nearest_pc(prev, closing, low, high)
                length = min(self.meter.beat_quarters, self.total_q - start) if self.ending == "button" \
                    else self.total_q - start
                self.add(voice, start, length, target, self.velocity(start, 2), factor=1.0)
                continue
            pos = bar % phrase_bars
            if pos == 0 or not cell:
                cell = self.rhythm_cell(self.level(start))
            cadence = pos == phrase_bars - 1
            rhythm = self.cadence_rhythm() if cadence else cell
            direction = 1 if pos < phrase_bars / 2 else -1
            if prev > high - 4:
                direction = -1
            elif prev < low + 4:
                direction = 1
            q = start
            for k, dur in enumerate(rhythm):
                strong = abs((q - start) % self.meter.beat_quarters) < 1e-6
                last = k == len(rhythm) - 1
                if cadence and last:
                    target = self.nearest_pc(prev - 1, (chord.root,), low, high)
                elif pos == 0 and k == 0 and bar and self.rng.random() < 0.3:
                    # A leap up to open the phrase (then filled in by the falling steps).
                    target = self.chord_tone_from(prev + 5, chord, 1, low, high)
                elif strong or last:
                    target = self.chord_tone_from(prev, chord, direction, low, high)
                else:
                    step = direction if self.rng.random() < 0.8 else -direction
                    target = max(low, min(high, self.scale.step(prev, step)))
                self.add(voice, q, dur, target, self.velocity(q, 6, strong))
                prev = target
                q += dur
                if prev >= high - 2:  # turn at the edges of the register
                    direction = -1
                elif prev <= low + 2:
                    direction = 1

    def chord_tone_from(self, prev: int, chord: Chord, direction: int, low: int, high: int) -> int:
        """The nearest chord tone moving ``direction`` from ``prev`` (within a sixth), else the nearest."""
        tones = [p for p in range(low, high + 1) if p % 12 in chord.pitch_classes[:3]]
        ahead = [p for p in tones if 0 < (p - prev) * direction <= 9]
        if ahead:
            return min(ahead, key=lambda p: (abs(p - prev), p))
        return min(tones, key=lambda p: (abs(p - prev), p)) if tones else prev

    def cadence_rhythm(self) -> list[float]:
        beat = self.meter.beat_quarters
        head = [beat / 2, beat / 2] if self.level(0) > 0.5 else [beat]
        rest = self.bar_q - sum(head)
        return head + [rest] if rest > 1e-9 else head

    def nearest_pc(self, around: int, pcs: Sequence[int], low: int, high: int) -> int:
        best = None
        for p in range(low, high + 1):
            if p % 12 in pcs and (best is None or abs(p - around) < abs(best - around)):
                best = p
        return best if best is not None else around

    def write_theme(self, voice: Voice, placed: Placed) -> None:
        for start, dur, pitch in self.theme_notes(placed):
            strong = abs(start % self.meter.beat_quarters) < 1e-6
            self.add(voice, start, dur, pitch, self.velocity(start, 10, strong),
                     factor=min(1.0, self.length_factor + 0.15))

    def write_counter(self, voice: Voice, plan: list[Chord]) -> None:
        low, high = MELODY_RANGE[self.c.pitch_register]
        low, high = low - 7, high - 12
        prev = self.scale.pitch(2, 4)
        for bar, chord in enumerate(plan):
            start = self.bar_start(bar)
            if start >= self.total_q or bar > self.final_bar:
                break
            bar_len = (self.total_q - start) if bar == self.final_bar else self.bar_q
            half = bar_len / 2 if self.meter.beats_per_bar % 2 == 0 and bar != self.final_bar else bar_len
            q = 0.0
            while q < bar_len - 1e-9:
                target = self.nearest_pc(prev, chord.pitch_classes[1:], low, high)
                self.add(voice, start + q, min(half, bar_len - q), target, self.velocity(start + q, -8), factor=1.0)
                prev = target
                q += half

