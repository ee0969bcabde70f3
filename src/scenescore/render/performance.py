"""How the notes are played: release times suited to the tempo, sent as a standard controller.

General MIDI patches carry their own release, made for a player holding keys, not for a cue
at a given tempo: FluidR3's Slow Strings sound on for 4 s after the note-off, its pads for
5-10 s, so half of what a synthesizer renders is tails under the next chords (and voices
cost the synthesizer whether heard or not). Each part gets a release time of
``SketchOptions.release_beats`` beats, no longer than its typical note and its patch's own
release, sent once at the part's start
as CC72 (Sound Controller 3, "Release Time", a General MIDI 2 controller: relative to the
patch's release, 64 = unchanged). DAW instruments that follow GM2 read it the same way;
FluidSynth gets a default modulator for it (``render/fluidsynth.py``, ``RELEASE_CC_RANGE``).
No sustain pedal (CC64) is sent: a held pedal would keep every note of a part sounding.
Drums keep their own release (a cymbal rings as its sample does).
"""

from __future__ import annotations

import dataclasses
import math

from scenescore.render.notes import Part, Sketch

#: CC72 steps that halve (or double) a release: 64 + 16 log2(factor), so CC72 spans 1/16 to 16
#: times the patch's release (FluidSynth's modulator: +-4800 timecents over the bipolar range).
STEPS_PER_OCTAVE = 16
RELEASE_CC = 72
#: Seconds each General MIDI program's voices outlive the note-off in FluidR3_GM, the longest
#: of five octaves (``scripts/measure_releases.py``); 0 where the patch stops at the note-off.
GM_RELEASE_S = (
    0.80, 0.80, 1.25, 0.65, 0.15, 0.80, 0.35, 0.25, 2.40, 5.35, 0.90, 0.70, 2.35, 3.10, 11.00, 1.55,
    0.20, 0.25, 0.25, 1.95, 0.40, 0.40, 0.15, 0.40, 1.60, 11.00, 0.10, 0.60, 0.40, 0.15, 0.25, 0.00,
    0.15, 0.20, 0.20, 0.25, 0.20, 0.20, 0.45, 0.05, 0.60, 0.45, 0.75, 0.35, 2.40, 1.45, 8.85, 2.80,
    1.75, 4.00, 3.00, 3.00, 2.40, 0.95, 2.40, 4.35, 0.30, 0.30, 0.35, 0.30, 0.50, 0.50, 0.50, 0.50,
    0.30, 0.30, 0.30, 0.30, 0.35, 0.25, 0.35, 0.00, 0.40, 0.40, 0.25, 0.15, 0.60, 0.40, 0.60, 0.30,
    0.30, 0.30, 2.40, 0.40, 0.25, 1.40, 0.30, 0.00, 5.60, 3.00, 2.95, 5.00, 9.55, 5.00, 6.65, 6.20,
    2.80, 6.00, 7.65, 5.55, 10.55, 5.00, 4.85, 5.55, 6.25, 9.50, 1.10, 2.35, 2.50, 0.50, 0.35, 0.25,
    3.50, 0.65, 2.45, 0.00, 1.05, 0.55, 0.00, 0.20, 0.00, 0.00, 5.00, 0.75, 0.60, 2.80, 5.00, 0.85,
)
#: Never shorter than this (seconds of voice after the note-off; the audible part is about
#: half): shorter ones click.
MIN_RELEASE_S = 0.2


def release_seconds(part: Part, tempo_bpm: float, beats: float) -> float:
    """The release a part is played with: ``beats`` beats, and no longer than its typical note
    (a detached chord stops like one; a held pad fades over a beat), at least ``MIN_RELEASE_S``."""
    lengths = sorted(n.end_s - n.start_s for n in part.notes)
    typical = lengths[len(lengths) // 2] if lengths else 0.0
    return max(MIN_RELEASE_S, min(beats * 60.0 / tempo_bpm, typical))


def release_cc(program: int, seconds: float) -> int | None:
    """The CC72 value that brings the patch's release to ``seconds`` (None: it is short already)."""
    if not 0 <= program < len(GM_RELEASE_S):
        return None
    own = GM_RELEASE_S[program]
    if own <= seconds:
        return None
    return max(0, round(64 + STEPS_PER_OCTAVE * math.log2(seconds / own)))


def perform(sketch: Sketch, *, release_beats: float) -> Sketch:
    """The sketch with each pitched part's release controller added at its start."""
    parts: list[Part] = []
    changed = False
    for part in sketch.parts:
        value = None
        if not part.is_drum and release_beats > 0:
            value = release_cc(part.program, release_seconds(part, sketch.tempo_bpm, release_beats))
        if value is None or any(cc == RELEASE_CC for _, cc, _ in part.controls):
            parts.append(part)
            continue
        parts.append(dataclasses.replace(part, controls=((0.0, RELEASE_CC, value), *part.controls)))
        changed = True
    return dataclasses.replace(sketch, parts=tuple(parts)) if changed else sketch
