"""Orchestration: which voices play, their channels, registers, mix and track names."""

from __future__ import annotations

from scenescore.conditions.schema import Instrument
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
        no_drums = any(w in self.avoid for w in ("percussion", "drum"))
        if (not no_drums and not any(i.is_drum for i in instruments)
                and self.c.arousal >= self.options.drums_from_arousal):
            instruments.append(DRUM_KIT)
        if no_drums:
            instruments = [i for i in instruments if not i.is_drum]
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


