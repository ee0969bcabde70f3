"""How long each General MIDI program's voices live after the note-off, in a SoundFont.

Plays one note at a time (C2, C3, C4, C5, C6) for a second on each program, reverb off, and reads FluidSynth's active voice count every 10 ms (``Synth.render_measured``): the release
a note costs the synthesizer, whether it is heard or not; the longest over the pitches. The table in
``render/performance.py`` (``GM_RELEASE_S``) is this script's output for FluidR3_GM, the
SoundFont of the OS package that renders by default.

    python scripts/measure_releases.py [--soundfont PATH]
"""

from __future__ import annotations

import argparse

from scenescore.render.fluidsynth import (
    NOTE_OFF,
    NOTE_ON,
    PROGRAM,
    VOICE_STEP,
    Synth,
    require_fluidsynth,
)
from scenescore.render.options import FluidSynthOptions

PITCHES = (36, 48, 60, 72, 84)


def release_seconds(program: int, *, soundfont: str | None = None, rate: int = 48000) -> float:
    """Seconds from the note-off until the last voice of a note ends, the longest over ``PITCHES``
    (0 when no voice outlives the note)."""
    return max(_release(program, pitch, soundfont, rate) for pitch in PITCHES)


def _release(program: int, pitch: int, soundfont: str | None, rate: int) -> float:
    options = FluidSynthOptions(soundfont=soundfont, reverb=False)
    lib, path = require_fluidsynth(options)
    synth = Synth(lib, path, options, rate)
    try:
        _, stats = synth.render_measured([(0, PROGRAM, 0, program, 0), (0, NOTE_ON, 0, pitch, 90),
                                          (rate, NOTE_OFF, 0, pitch, 0)], 12 * rate)
    finally:
        synth.close()
    after = stats.counts[rate // VOICE_STEP:]
    sounding = [k for k, n in enumerate(after) if n > 0]
    return (sounding[-1] + 1) * VOICE_STEP / rate if sounding else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--soundfont")
    args = parser.parse_args()
    values = [round(release_seconds(p, soundfont=args.soundfont) * 20) / 20 for p in range(128)]
    print("GM_RELEASE_S = (")
    for k in range(0, 128, 16):
        print("    " + ", ".join(f"{v:.2f}" for v in values[k:k + 16]) + ",")
    print(")")


if __name__ == "__main__":
    main()
