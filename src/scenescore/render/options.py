"""Options of the render stage, with their defaults in one place.

CLI flags, config profiles and the benchmark refer to these dataclasses; derive variants with
``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: SMPTE frame rates an SMF offset can carry (23.976 is written as 24, as DAWs expect).
FRAME_RATES: tuple[float, ...] = (23.976, 24.0, 25.0, 29.97, 30.0)


@dataclass(frozen=True, slots=True)
class SketchOptions:
    #: Seed of every random choice; same seed and inputs give byte-identical MIDI.
    seed: int = 0
    #: Add a General MIDI drum kit when arousal reaches this and the cue has no percussion.
    drums_from_arousal: float = 0.35
    #: Fill in chords, bass and melody when the instrumentation lacks them.
    complete_roles: bool = True
    #: Bars per phrase (the unit themes and progressions are planned in).
    phrase_bars: int = 4
    #: Fit the tempo map so downbeats land on the cue's hit points (scene cuts, the dramatic
    #: map's entrances and sound hits); off keeps the condition's tempo throughout.
    fit_picture: bool = True
    #: Largest tempo change between neighbouring sections when catching hits (a ramp, not a jump).
    max_tempo_change: float = 0.08
    #: Release of every pitched part, in beats, at most its typical note and its patch's own:
    #: sent as CC72 (release time) at the part's start (render/performance.py); 0 keeps each
    #: patch's release.
    release_beats: float = 1.0


@dataclass(frozen=True, slots=True)
class MidiOptions:
    #: Ticks per quarter note.
    ppq: int = 960
    #: Programme start written as the SMPTE offset of the film file (hh, mm, ss, ff).
    programme_start: tuple[int, int, int, int] = (1, 0, 0, 0)
    #: Frame rate of the SMPTE offset and of timecodes in file names.
    fps: float = 24.0


@dataclass(frozen=True, slots=True)
class FluidSynthOptions:
    #: libfluidsynth to load (a path or a library name); None finds the system's.
    library: str | None = None
    #: SoundFont; None finds the General MIDI one from the OS packages.
    soundfont: str | None = None
    #: Synth gain (FluidSynth's own default of 0.2 is quiet for sketches).
    gain: float = 0.5
    #: Reverb and chorus (off renders faster; on sounds less dry).
    reverb: bool = True
    chorus: bool = False
    #: Most voices sounding at once (FluidSynth's default; fewer steals audible release tails).
    polyphony: int = 256
    #: Sample interpolation: "linear" (about 16% faster, 13 dB more error), "4th" (FluidSynth's
    #: default) or "7th" (about 18% slower, the cleanest); see docs/render.md.
    interpolation: str = "4th"
    #: Synthesizer threads; 0 uses every CPU.
    workers: int = 0


@dataclass(frozen=True, slots=True)
class MusicGenOptions:
    #: Model id in the Hugging Face cache, or a local folder.
    model: str = "facebook/musicgen-small"
    #: Never reach the network (weights must be in the cache or the folder).
    local_files_only: bool = True
    #: "auto" (CUDA when present), "cuda" or "cpu".
    device: str = "auto"
    #: Cues generated together; bucketed by length so short cues do not wait on long ones.
    batch_size: int = 8
    #: Seconds per generation window (the models were trained on 30 s).
    window_s: float = 30.0
    #: Seconds of a cue's own tail that prompt the next window and are crossfaded.
    overlap_s: float = 5.0
    #: Classifier-free guidance scale.
    guidance_scale: float = 3.0
    #: Sampling temperature and top-k, as in audiocraft's defaults.
    temperature: float = 1.0
    top_k: int = 250
    #: Condition musicgen-melody models on the sketch's theme (ignored by other models).
    melody: bool = True
    #: Generate through render/musicgen_fast.py (static KV cache, CUDA graphs, batch sized to
    #: the GPU's memory); same tokens as stock ``generate``. Melody models keep the stock path.
    fast: bool = False


@dataclass(frozen=True, slots=True)
class AudioOptions:
    #: "fluidsynth", "musicgen" or "none".
    backend: str = "fluidsynth"
    #: Output sample rate and bit depth of every WAV.
    sample_rate: int = 48000
    bit_depth: int = 24
    #: Seconds each cue rings on past its end in the temp track, faded out (its crossfade).
    crossfade_s: float = 2.0
    #: Seconds of fade at a per-cue file's end (avoids a click where the cue is cut).
    end_fade_s: float = 0.25
    #: Peak ceiling in dBFS (a cue louder than this is turned down, never up).
    ceiling_dbfs: float = -1.0
    #: Write the whole-film temp track.
    temp_track: bool = True
    fluidsynth: FluidSynthOptions = field(default_factory=FluidSynthOptions)
    musicgen: MusicGenOptions = field(default_factory=MusicGenOptions)


@dataclass(frozen=True, slots=True)
class RenderOptions:
    sketch: SketchOptions = field(default_factory=SketchOptions)
    midi: MidiOptions = field(default_factory=MidiOptions)
    audio: AudioOptions = field(default_factory=AudioOptions)
    #: Write MusicXML per cue.
    musicxml: bool = True
    #: Replace existing files.
    overwrite: bool = True
