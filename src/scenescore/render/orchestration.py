"""Orchestration: which voices play, their channels, registers, mix and track names."""

from __future__ import annotations

import bisect

from scenescore.conditions.schema import Instrument
from scenescore.render.avoid import allowed_program
from scenescore.render.drums import DRUM_KIT
from scenescore.render.notes import Note, Part, Voice

#: Melody range (lowest, highest MIDI pitch) by register.
MELODY_RANGE = {"low": (50, 74), "mid": (60, 84), "high": (67, 91), "wide": (55, 91)}
CHORD_RANGE = {"low": (43, 67), "mid": (50, 74), "high": (57, 81), "wide": (48, 79)}
BASS_RANGE = (31, 52)
_MIX = {"melody": (108, 64), "theme": (110, 64), "counter": (92, 84), "harmony": (96, 44),
        "pad": (86, 84), "bass": (100, 64), "percussion": (100, 64), "drums": (100, 64)}  # (CC7 volume, CC10 pan)
_ADDED = {
    "harmony": Instrument(name="String Ensemble", program=48, role="harmony"),
    "bass": Instrument(name="Contrabass", program=43, role="bass"),
    "melody": Instrument(name="Flute", program=73, role="melody"),
}


#: General MIDI programs with long release tails: organs, strings and ensembles, choirs, pads.
LONG_RELEASE = frozenset(range(16, 24)) | frozenset(range(40, 45)) | frozenset(range(48, 55)) | frozenset(range(88, 96))
#: A restrike this close (quarters) after the previous note of the same pitch ends is tied (a
#: detached note further away keeps its attack: staccato is meant).
RESTRIKE_GAP_Q = 0.1
#: Articulations that have their own General MIDI program on string patches.
STRINGS = frozenset(range(40, 45)) | {48, 49}


class Orchestrator:
    """Mixin of the sketcher: voices from the instrumentation, and each voice as a :class:`Part`."""

    def voices(self) -> list[Voice]:
        instruments = list(self.c.instrumentation)
        roles = {i.role for i in instruments}
        if self.options.complete_roles:
            if not roles & {"harmony", "pad"}:
                instruments.append(_ADDED["harmony"])
            if "bass" not in roles:
                instruments.append(_ADDED["bass"])
            if not roles & {"melody", "counter"}:
                instruments.append(_ADDED["melody"])
        no_drums = self.avoid_rules.drums
        if (not no_drums and not any(i.is_drum for i in instruments)
                and self.c.arousal >= self.options.drums_from_arousal):
            instruments.append(DRUM_KIT)
        if no_drums:
            instruments = [i for i in instruments if not i.is_drum and not (i.role == "percussion" and i.program == 47)]
        if self.avoid_rules.any:  # a sound the avoid list rules out gets an acoustic stand-in
            instruments = [i if i.is_drum or allowed_program(i.program, i.role, self.avoid_rules) == i.program
                           else i.model_copy(update={"program": allowed_program(i.program, i.role, self.avoid_rules)})
                           for i in instruments]
        if self.c.articulation == "pizzicato":  # plucked strings have their own patch (GM 46)
            instruments = [i.model_copy(update={"program": 45, "name": f"{i.name} (pizz.)"[:60]})
                           if i.program in STRINGS and i.role in ("harmony", "bass", "counter", "pad") else i
                           for i in instruments]
        channels: dict[int, int] = {}
        free = [ch for ch in range(16) if ch != 9]
        voices: list[Voice] = []
        counts: dict[str, int] = {}
        for inst in instruments:
            role = "drums" if inst.is_drum else inst.role
            counts[role] = counts.get(role, 0) + 1
            slot = role if counts[role] == 1 else f"{role} {counts[role]}"
            if inst.is_drum:
                channel = 9
            elif inst.program in channels:
                channel = channels[inst.program]
            else:
                channel = free.pop(0) if free else 15
                channels[inst.program] = channel
            voices.append(Voice(instrument=inst, role=role, slot=slot, channel=channel))
        return voices


    def texture(self, voices: list[Voice], lead: Voice | None) -> dict[str, str]:
        """Thin the texture where the cue is quiet, phrase by phrase: parts enter as the
        intensity rises and leave as it falls, the way a cue builds from one instrument (Adler,
        *The Study of Orchestration*, 4th ed. 2016, ch. 19 on scoring by dynamic level; Karlin &
        Wright 2004, ch. 9). Returns each slot's entrances and exits, for the markers.

        Thresholds by role (phrase intensity, 0-1): the sustaining bed (pad, or harmony when
        there is no pad) and the tune always play; bass from 0.25, struck harmony beside a pad
        from 0.35, counter-line from 0.45, pitched percussion from 0.5, an added drum kit from 0.45.
        A cue that starts from silence holds everything but the bed and the tune for its first
        phrase (its first bar when it is one phrase long); one that comes out of the previous cue
        keeps its bass and holds back only the colours.
        """
        has_pad = any(v.role == "pad" for v in voices)
        entry = {"bass": 0.25, "counter": 0.45, "percussion": 0.5, "drums": 0.45,
                 "harmony": 0.35 if has_pad else 0.0, "pad": 0.0, "melody": 0.0}
        phrase = self.options.phrase_bars
        if self.final_bar + 1 < 3 * phrase:  # a short cue changes its texture by half phrases
            phrase = max(1, phrase // 2)
        phrases = list(range(0, self.final_bar + 1, phrase))
        from_silence = self.cue_map is None or self.cue_map.begins == "from silence"
        # Where each phrase sits in the cue's own range of intensity (0 its quietest, 1 its peak):
        # colours enter at the cue's climaxes even when the whole cue is loud or soft.
        levels = [sum(self.intensity(self.bar_start(b) + self.bar_q / 2)
                      for b in range(p0, min(p0 + phrase, self.final_bar + 1))) / len(range(p0, min(p0 + phrase, self.final_bar + 1)))
                  for p0 in phrases]
        spread = max(levels) - min(levels)
        relative = [(x - min(levels)) / spread if spread > 0.04 else 1.0 for x in levels]
        relative_entry = {"counter": 0.5, "percussion": 0.6, "drums": 0.5, "harmony": 0.25 if has_pad else 0.0,
                          "bass": 0.15}
        report: dict[str, str] = {}
        if lead is not None and len(phrases) >= 3:
            # The tune is not wall to wall: it rests for the quietest inner phrase, the bed alone.
            k = min(range(1, len(phrases) - 1), key=lambda i: (levels[i], i))
            rest = set(range(phrases[k], min(phrases[k] + phrase, self.final_bar)))
            lead.notes[:] = [n for n in lead.notes if self.bar_of(n[0]) not in rest]
            report[lead.slot] = f"rests bars {phrases[k] + 1}-{max(rest) + 1}" if rest else ""
        for v in voices:
            if v is lead or v.role == "theme":
                continue
            need = entry.get(v.role, 0.0)
            if need <= 0 and relative_entry.get(v.role, 0.0) <= 0 and not from_silence:
                continue
            silent: set[int] = set()
            for k, p0 in enumerate(phrases):
                bars = range(p0, min(p0 + phrase, self.final_bar + 1))
                level = levels[k]
                # The first phrase is thinner: from silence only the bed and the tune; out of the
                # previous cue the bass carries on and the colours (counter, percussion) wait.
                opening = k == 0 and len(phrases) >= 2 and v.role not in ("pad", "harmony") and (
                    from_silence or v.role in ("counter", "percussion", "drums"))
                last = p0 + phrase > self.final_bar
                quiet = level < need or relative[k] < relative_entry.get(v.role, 0.0)
                # The bass stays for a closing cadence (a resolution needs its root).
                keep_root = last and v.role == "bass" and self.ending in ("resolve", "button")
                if (quiet or opening) and not keep_root:
                    silent.update(bars)
            if not silent and from_silence and len(phrases) == 1 and self.final_bar >= 2 \
                    and v.role in ("bass", "counter", "percussion", "drums"):
                silent = {0}  # a short cue from silence: the bed and tune first, the rest from bar 2
            if not silent and not from_silence and len(phrases) <= 2 and self.final_bar >= 2 \
                    and v.role == "harmony" and has_pad:
                silent = {0}  # a short segue: the held pad carries over, the struck chords join in bar 2
            if not silent:
                continue
            kept = []
            for s, e, pitch, vel in v.notes:
                first = self.bar_of(s)
                if first in silent:
                    continue
                stop = next((b for b in range(first + 1, self.bar_of(e - 1e-6) + 1) if b in silent), None)
                if stop is not None:  # a held note stops where the part falls silent
                    e = self.bar_start(stop)
                kept.append((s, e, pitch, vel))
            v.notes[:] = kept
            heard = sorted(set(range(self.final_bar + 1)) - silent)
            report[v.slot] = (f"enters bar {heard[0] + 1}" if heard else "tacet") if heard[:1] != [0] else "thins out"
        return report

    def keep_under_tune(self, voices: list[Voice], tune: list[Voice]) -> None:
        """Accompaniment stays under the tune: a chord or counter note that would sound at or
        above the tune's note is taken down an octave (not below C3, where close intervals
        muddy), or left out when its pitch class is doubled in the chord anyway."""
        melody = sorted((n for v in tune for n in v.notes), key=lambda n: n[0])
        if not melody:
            return
        starts = [n[0] for n in melody]
        for v in voices:
            if v in tune or v.role in ("bass", "drums", "percussion") or v.instrument.is_drum:
                continue
            kept = []
            for n in v.notes:
                s, e, pitch, vel = n
                k = bisect.bisect_right(starts, e - 1e-9)
                over = [m[2] for m in melody[max(0, k - 24):k] if m[0] < e - 1e-9 and m[1] > s + 1e-9]
                top = min(over) if over else None
                while top is not None and pitch >= top and pitch - 12 >= 48:
                    pitch -= 12
                if top is not None and pitch >= top:
                    doubled = any(o is not n and o[2] % 12 == n[2] % 12 and o[0] < e and o[1] > s
                                  for o in v.notes)
                    if doubled:
                        continue
                    pitch = n[2]
                kept.append((s, e, pitch, vel))
            v.notes[:] = kept

    def shape_held_notes(self, voices: list[Voice]) -> None:
        """A held note takes the level of where it sounds, not where it starts: a chord held
        under a falling curve is played softer (the diminuendo a held chord gets), and the
        final chord of a detached cue is no louder than the bars before it (a held sound
        carries more energy than the same velocity played short)."""
        last_bar = self.bar_start(self.final_bar)
        held_share = max(0.35, self.length_factor) ** 0.5
        for v in voices:
            if v.instrument.is_drum:
                continue
            shaped = []
            for s, e, pitch, vel in v.notes:
                final = s >= last_bar - 1e-9 and e - s > self.meter.beat_quarters
                if e - s > self.bar_q + 1e-9 or final:
                    mid = self.intensity((s + e) / 2)
                    scale = (0.5 + mid) / (0.5 + self.intensity(s)) * (held_share if final else 1.0)
                    vel = max(1, min(self.velocity_cap, round(vel * scale)))
                shaped.append((s, e, pitch, vel))
            v.notes[:] = shaped

    def tie_restrikes(self, voices: list[Voice]) -> int:
        """On a long-release patch (strings, choir, pads, organ) a pitch struck again while its
        previous note is ending is tied into it instead: the restrike would only smear under the
        release tail (and costs the synthesizer a second voice). Returns the notes tied."""
        tied = 0
        for v in voices:
            if v.instrument.is_drum or v.instrument.program not in LONG_RELEASE:
                continue
            by_pitch: dict[int, list[tuple[float, float, int, int]]] = {}
            for n in v.notes:
                by_pitch.setdefault(n[2], []).append(n)
            merged: list[tuple[float, float, int, int]] = []
            for pitch, notes in by_pitch.items():
                notes.sort()
                current = notes[0]
                for n in notes[1:]:
                    if n[0] - current[1] <= RESTRIKE_GAP_Q and n[0] > current[0]:
                        current = (current[0], max(current[1], n[1]), pitch, current[3])
                        tied += 1
                    else:
                        merged.append(current)
                        current = n
                merged.append(current)
            v.notes[:] = sorted(merged, key=lambda n: (n[0], n[2], n[1]))
        return tied

    def part(self, v: Voice) -> Part:
        inst = v.instrument
        sec = self.tempo.seconds
        notes = tuple(Note(round(sec(s), 6), round(sec(min(e, self.total_q)), 6), p, vel)
                      for s, e, p, vel in sorted(v.notes, key=lambda n: (n[0], n[2], n[1])))
        if v.role == "theme":
            motif = v.slot.split(" ", 1)[1]
            name = f"Theme {motif}: {' + '.join(self.theme_labels[motif])} ({inst.name})"
        else:
            role = v.role.capitalize()
            name = f"{role} - {inst.name}" if inst.name.lower() != role.lower() else role
        volume, pan = _MIX.get(v.role, (100, 64))
        controls = [(0.0, 7, volume), (0.0, 10, pan), (0.0, 91, 40 if not inst.is_drum else 20)]
        controls += [(round(sec(t), 6), cc, val) for t, cc, val in v.controls]
        articulation = "theme" if v.role == "theme" else self.c.articulation
        return Part(name=name[:60], role=v.role, slot=v.slot, instrument=inst.name, program=inst.program,
                    channel=v.channel, is_drum=inst.is_drum, articulation=articulation, notes=notes,
                    controls=tuple(controls))


