"""Melody: a tune developed from one motif (statement, sequence, fragmentation, answer), themes and the counter-line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scenescore.render.avoid import SPEECH_BAND
from scenescore.render.form import Placed
from scenescore.render.notes import Voice
from scenescore.render.orchestration import MELODY_RANGE
from scenescore.render.theory import Chord


@dataclass(frozen=True, slots=True)
class Motive:
    """A one-bar motif: durations (quarters) and scale steps from its first note."""

    rhythm: tuple[float, ...]
    steps: tuple[int, ...]
    source: str


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
        if self.avoid_rules.fast_ostinati:  # nothing quicker than about three notes a second
            shortest = 0.3 * self.bpm / 60.0
            kept = [(c, w) for c, w in zip(choices, weights, strict=True) if c >= shortest]
            choices, weights = tuple(zip(*kept, strict=True)) if kept else ((1.0,), (1,))  # type: ignore[assignment]
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

    def melody_range(self) -> tuple[int, int]:
        """The tune's range: the register's, or above the speech band when the avoid list keeps
        the melody out of the voices' range (a high line over dialogue)."""
        low, high = MELODY_RANGE[self.c.pitch_register]
        if self.avoid_rules.speech_band:
            return SPEECH_BAND[1] + 2, SPEECH_BAND[1] + 19
        return low, high

    def cue_motif(self, placed: list[Placed]) -> Motive:
        """The cue's motif: the head of its theme when it has one (the melody grows from the
        theme), else a one-bar cell of its own: a rhythm for the density and a contour of steps
        with one leap (Schoenberg, *Fundamentals of Musical Composition*, 1967, ch. 2-5)."""
        if placed:
            phrase = placed[0].phrase
            rhythm, steps, q = [], [], 0.0
            for d, dur in zip(phrase.degrees, phrase.durations, strict=True):
                if q + dur > self.bar_q + 1e-9:
                    break
                rhythm.append(dur)
                steps.append(d - phrase.degrees[0])
                q += dur
            if len(rhythm) >= 3:
                if q < self.bar_q - 1e-9:
                    rhythm[-1] += self.bar_q - q
                return Motive(tuple(rhythm), tuple(steps), f"head of {phrase.motif_id}")
        level = self.level(0.0)
        if self.avoid_rules.speech_band:
            level = min(level, 0.2)
        rhythm = self.rhythm_cell(level)
        if len(rhythm) < 3 and self.bar_q >= 2:  # a motif needs at least three notes
            beat = self.meter.beat_quarters
            rhythm = [beat] * max(1, round((self.bar_q - beat * 2) / beat)) + [beat * 2]
            if abs(sum(rhythm) - self.bar_q) > 1e-9:
                rhythm = [self.bar_q / 3] * 3
        steps = [0]
        leap_at = self.rng.randrange(1, len(rhythm)) if len(rhythm) > 1 else 0
        for k in range(1, len(rhythm)):
            if k == leap_at:
                move = self.rng.choice((2, 3, -2, 4))
            else:
                move = self.rng.choice((1, 1, -1, -1, 2, -2, 0))
            steps.append(max(-5, min(5, steps[-1] + move)))
        return Motive(tuple(rhythm), tuple(steps), "cue motif")

    def write_melody(self, voice: Voice, plan: list[Chord], busy_bars: set[int],
                     placed: Sequence[Placed] = ()) -> None:
        """A tune built from one motif, phrase by phrase: statement, sequence (the motif a third
        higher or lower), statement again or its fragments, and an answer that closes on a long
        note and a breath. Quiet phrases rest every other bar; each bar's first note is a tone
        of its chord, the rest follow the motif's steps in the scale."""
        low, high = self.melody_range()
        motif = self.cue_motif(list(placed))
        centre = (low + high) // 2
        phrase_bars = self.options.phrase_bars
        prev = self.nearest_pc(centre - 2, (self.scale.tonic,), low, high)
        seq_step = self.rng.choice((2, -2, 1))
        statement = prev
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
            intensity = self.intensity(start)
            quiet = intensity < 0.3 or self.avoid_rules.speech_band
            # Where the phrase sits: higher where the cue is more intense (the arch follows the drama).
            anchor = centre + round(8 * (intensity - 0.5))
            if pos == 0:
                first = self.chord_tone_from(anchor, chord, 1 if anchor >= prev else -1, low, high)
            elif pos == 1:
                first = self.nearest_pc(self.scale.step(statement, seq_step), chord.pitch_classes[:3], low, high)
            else:
                first = self.nearest_pc(statement, chord.pitch_classes[:3], low, high)
            rhythm, steps = list(motif.rhythm), list(motif.steps)
            cadence = pos == phrase_bars - 1 or bar == self.final_bar - 1
            if cadence:  # the answer: the motif's head, then a long note on the chord and a breath
                head = max(1, len(rhythm) // 2)
                used = sum(rhythm[:head])
                rest = self.bar_q - used
                beat = self.meter.beat_quarters
                if rest >= 2 * beat - 1e-9:
                    rhythm = rhythm[:head] + [rest - beat]
                    steps = steps[:head] + [None]  # type: ignore[list-item]
                else:
                    rhythm, steps = rhythm[:head], steps[:head]
            elif pos == 2 and intensity > 0.7 and len(rhythm) >= 4:
                # Fragmentation: the motif's first half, twice (the drama presses on).
                half = len(rhythm) // 2
                frag = rhythm[:half]
                if abs(sum(frag) * 2 - self.bar_q) < 1e-9:
                    rhythm, steps = frag * 2, steps[:half] * 2
            if quiet and not cadence:
                # A quiet tune sings the motif's head and breathes for the rest of the bar.
                head, used = 0, 0.0
                while head < len(rhythm) and used < self.bar_q / 2 - 1e-9:
                    used += rhythm[head]
                    head += 1
                rhythm, steps = rhythm[:max(1, head)], steps[:max(1, head)]
            pitches = self.realise(first, steps, chord, low, high)
            q = start
            for dur, pitch in zip(rhythm, pitches, strict=True):
                strong = abs((q - start) % self.meter.beat_quarters) < 1e-6
                self.add(voice, q, dur, pitch, self.velocity(q, 6, strong))
                q += dur
            prev = pitches[-1]
            if pos == 0:
                statement = pitches[0]

    def realise(self, first: int, steps: Sequence[int | None], chord: Chord, low: int, high: int) -> list[int]:
        """The motif's steps from ``first`` in the scale (``None``: the chord tone nearest the
        line), shifted by octaves as a whole to stay in range."""
        out: list[int] = []
        base = self.scale.nearest_in_scale(first)
        for s in steps:
            if s is None:
                out.append(self.nearest_pc(out[-1] if out else first, chord.pitch_classes[:3], low, high))
            else:
                out.append(first if s == 0 else self.scale.step(base, s))
        while out and max(out) > high and min(out) - 12 >= low - 2:
            out = [p - 12 for p in out]
        while out and min(out) < low and max(out) + 12 <= high + 2:
            out = [p + 12 for p in out]
        return out

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
            if self.avoid_rules.speech_band:
                half = bar_len  # under dialogue the counter-line only holds: nothing busy in the voices' range
            q = 0.0
            while q < bar_len - 1e-9:
                target = self.nearest_pc(prev, chord.pitch_classes[1:], low, high)
                self.add(voice, start + q, min(half, bar_len - q), target, self.velocity(start + q, -8), factor=1.0)
                prev = target
                q += half

