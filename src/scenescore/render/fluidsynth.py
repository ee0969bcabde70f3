"""Audio from the sketches with libfluidsynth and the General MIDI SoundFont from the OS packages.

FluidSynth runs inside the process through ``ctypes``. Worker threads take the cues in film
order; each cue is played from its own event list on a new synthesizer, every event on its
exact sample frame, rendered as 32-bit float straight into the cue's array. ctypes releases the
GIL while FluidSynth renders, so the threads use every core. No MIDI or audio file passes
through disk.

A new synthesizer costs about 37 ms, mostly re-reading the SoundFont's presets: its samples are
loaded once and shared through FluidSynth's sample cache (kept alive by one synthesizer for the
whole film). A reset synthesizer would be cheaper but still carries the last cue's reverb tail;
a new one makes a cue sound the same whichever thread renders it and whatever came before.
The binding is small and local because pyfluidsynth renders 16-bit samples only, and the files
are 24-bit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.errors import OptionsError, ScenescoreError
from scenescore.render.midi import CONTROL, NOTE_OFF, NOTE_ON, PROGRAM, performance_events
from scenescore.render.options import AudioOptions, FluidSynthOptions

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from scenescore.render.backends import AudioJob

log = logging.getLogger(__name__)

#: Where Debian/Ubuntu (fluid-soundfont-gm), Fedora and Homebrew put a General MIDI SoundFont.
SOUNDFONT_CANDIDATES = (
    "/usr/share/sounds/sf2/FluidR3_GM.sf2",
    "/usr/share/sounds/sf2/default-GM.sf2",
    "/usr/share/soundfonts/FluidR3_GM.sf2",
    "/usr/share/soundfonts/default.sf2",
    "/usr/local/share/soundfonts/default.sf2",
    "/opt/homebrew/share/soundfonts/default.sf2",
)
#: The shared library's names by platform, tried after ``ctypes.util.find_library``.
LIBRARY_NAMES = ("libfluidsynth.so.3", "libfluidsynth.so.2", "libfluidsynth.3.dylib", "libfluidsynth.dylib",
                 "/opt/homebrew/lib/libfluidsynth.dylib", "libfluidsynth-3.dll", "fluidsynth.dll")
INSTALL_HINT = "apt-get install fluidsynth fluid-soundfont-gm (or run scripts/setup.sh as root)"
_BLOCK = 64  # FluidSynth renders in blocks of this many frames
#: CC72 (release time, General MIDI 2) moves the volume envelope's release by up to this many
#: timecents either way: 64 keeps the patch's release, each 16 steps halve or double it
#: (render/performance.py writes the values).
RELEASE_CC_RANGE = 4800.0
_MOD_CC, _MOD_BIPOLAR, _GEN_VOLENVRELEASE, _ADD = 0x10, 0x02, 38, 1
#: FluidSynth's interpolation methods (enum fluid_interp).
INTERPOLATION = {"none": 0, "linear": 1, "4th": 4, "7th": 7}


class FluidSynthError(ScenescoreError):
    """FluidSynth is missing or failed on a cue."""


#: Frames between two samples of the active voice count when voices are measured (10 ms at 48 kHz).
VOICE_STEP = 480


@dataclass(frozen=True, slots=True, eq=False)
class VoiceStats:
    """How many voices FluidSynth sounded for one cue, sampled every ``VOICE_STEP`` frames.

    Synthesis costs voices x frames; what a listener hears as the music is the notes held
    (note-on to note-off), so ``voices_per_note`` (voice-time over held-note time) says how
    much of the work goes to layers and release tails.
    """

    frames: int
    voice_frames: int  # the active voice count integrated over the cue's frames
    peak: int
    held_frames: int  # the number of held notes integrated over the same frames
    counts: np.ndarray  # the count at every VOICE_STEP frames (int16), for comparing renders

    @property
    def mean_voices(self) -> float:
        return self.voice_frames / self.frames if self.frames else 0.0

    @property
    def voices_per_note(self) -> float:
        return self.voice_frames / self.held_frames if self.held_frames else 0.0


def _bind(lib: ctypes.CDLL) -> ctypes.CDLL:
    """Declare the signatures this module calls (FluidSynth 2.x API)."""
    p, i, d, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_double, ctypes.c_char_p
    table = {
        "new_fluid_settings": (p, []), "delete_fluid_settings": (None, [p]),
        "fluid_settings_setint": (i, [p, s, i]), "fluid_settings_setnum": (i, [p, s, d]),
        "fluid_settings_setstr": (i, [p, s, s]),
        "new_fluid_synth": (p, [p]), "delete_fluid_synth": (None, [p]),
        "fluid_synth_sfload": (i, [p, s, i]), "fluid_synth_system_reset": (i, [p]),
        "fluid_synth_program_change": (i, [p, i, i]), "fluid_synth_cc": (i, [p, i, i, i]),
        "fluid_synth_noteon": (i, [p, i, i, i]), "fluid_synth_noteoff": (i, [p, i, i]),
        "fluid_synth_write_float": (i, [p, i, p, i, i, p, i, i]),
        "fluid_synth_set_interp_method": (i, [p, i, i]),
        "fluid_synth_get_active_voice_count": (i, [p]),
        "new_fluid_mod": (p, []), "delete_fluid_mod": (None, [p]),
        "fluid_mod_set_source1": (None, [p, i, i]), "fluid_mod_set_source2": (None, [p, i, i]),
        "fluid_mod_set_dest": (None, [p, i]), "fluid_mod_set_amount": (None, [p, d]),
        "fluid_synth_add_default_mod": (i, [p, p, i]),
        "fluid_version_str": (s, []),
        "fluid_set_log_function": (p, [i, p, p]),
    }
    for name, (restype, argtypes) in table.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    # The calls a cue makes per event, short ones, keep the GIL (PyDLL): a worker then takes the
    # GIL back once per event (after writing up to it), not twice, which matters while the main
    # thread runs Python and each take can wait a switch interval.
    held = ctypes.PyDLL(lib._name, handle=lib._handle)
    for name in ("fluid_synth_noteon", "fluid_synth_noteoff", "fluid_synth_cc", "fluid_synth_program_change",
                 "fluid_synth_get_active_voice_count"):
        fn = getattr(held, name)
        fn.restype, fn.argtypes = table[name]
    lib.held = held  # type: ignore[attr-defined]
    # FluidSynth prints its messages to stderr; they go to this module's logger instead, so the
    # console keeps to one line per problem.
    for level in range(len(_LOG_LEVELS)):
        lib.fluid_set_log_function(level, ctypes.cast(_log_callback, ctypes.c_void_p), None)
    return lib


# panic, error, warning, info, debug: a failure that matters raises FluidSynthError with one line
# of its own, so FluidSynth's words are details (shown with --verbose).
_LOG_LEVELS = (logging.INFO, logging.INFO, logging.DEBUG, logging.DEBUG, logging.DEBUG)


@ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
def _log_callback(level: int, message: bytes | None, _data: int | None) -> None:
    text = (message or b"").decode("utf-8", "replace")
    log.log(_LOG_LEVELS[level] if 0 <= level < len(_LOG_LEVELS) else logging.DEBUG, "FluidSynth: %s", text)


_LIBS: dict[str, ctypes.CDLL] = {}
_LIB_LOCK = threading.Lock()


def find_library(name: str | None = None) -> str | None:
    """The libfluidsynth to load: the given path or name, else the system's."""
    candidates = [name] if name else [ctypes.util.find_library("fluidsynth"), *LIBRARY_NAMES]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            ctypes.CDLL(candidate)
        except OSError:
            continue
        return candidate
    return None


def load_library(name: str | None = None) -> ctypes.CDLL:
    """libfluidsynth with its signatures declared, or an error naming what to install."""
    with _LIB_LOCK:
        key = name or ""
        if key not in _LIBS:
            found = find_library(name)
            if found is None:
                what = f"library {name!r}" if name else "library (libfluidsynth)"
                raise FluidSynthError(f"FluidSynth {what} is not installed: {INSTALL_HINT}, "
                                      "or render with --audio none")
            try:
                _LIBS[key] = _bind(ctypes.CDLL(found))
            except AttributeError as exc:
                raise FluidSynthError(f"{found} is not FluidSynth 2 or later ({exc})") from None
        return _LIBS[key]


def fluidsynth_available(options: FluidSynthOptions | None = None) -> bool:
    """Whether audio can be rendered here: the library and a SoundFont are both present."""
    options = options or FluidSynthOptions()
    return find_library(options.library) is not None and find_soundfont(options.soundfont) is not None


def find_soundfont(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The SoundFont to use: the given one, ``$SCENESCORE_SOUNDFONT``, or the OS package's."""
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    env = os.environ.get("SCENESCORE_SOUNDFONT")
    for candidate in ([env] if env else []) + list(SOUNDFONT_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def require_fluidsynth(options: FluidSynthOptions) -> tuple[ctypes.CDLL, Path]:
    """The loaded library and the SoundFont, or an error naming what to install."""
    lib = load_library(options.library)
    soundfont = find_soundfont(options.soundfont)
    if soundfont is None:
        where = options.soundfont or "the usual places (" + ", ".join(SOUNDFONT_CANDIDATES[:2]) + ", ...)"
        raise FluidSynthError(f"no General MIDI SoundFont found in {where}: apt-get install fluid-soundfont-gm "
                              "or pass a .sf2 file")
    check_soundfont(soundfont)
    return lib, soundfont


def check_soundfont(path: Path) -> None:
    """Refuse a file that is not a whole SoundFont 2 (RIFF ``sfbk`` with its INFO, sdta and pdta
    lists, sizes adding up) before FluidSynth and its DLS fallback try to parse it."""
    problem = None
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(12)
            if head[:4] == b"RIFF" and head[8:12] == b"DLS ":
                return  # a DLS bank: FluidSynth reads it through libinstpatch, when built with it
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"sfbk":
                problem = "not a SoundFont 2 file (no RIFF sfbk header)"
            elif int.from_bytes(head[4:8], "little") + 8 != size:
                problem = f"truncated or padded: the header says {int.from_bytes(head[4:8], 'little') + 8} bytes, " \
                          f"the file has {size}"
            else:
                lists = []
                while fh.tell() < size and problem is None:
                    chunk = fh.read(12)
                    length = int.from_bytes(chunk[4:8], "little") if len(chunk) >= 8 else -1
                    if len(chunk) < 12 or chunk[:4] != b"LIST" or length < 4 or fh.tell() - 4 + length > size:
                        problem = "its chunks do not add up"
                        break
                    lists.append(chunk[8:12])
                    fh.seek(length - 4 + length % 2, os.SEEK_CUR)
                if problem is None and lists != [b"INFO", b"sdta", b"pdta"]:
                    problem = "it lacks the INFO, sdta and pdta lists a SoundFont has"
    except OSError as exc:
        problem = f"cannot be read ({exc.strerror})"
    if problem is not None:
        raise FluidSynthError(f"{path}: {problem}")


class Synth:
    """One FluidSynth synthesizer with the SoundFont loaded; used by one thread at a time."""

    def __init__(self, lib: ctypes.CDLL, soundfont: Path, options: FluidSynthOptions, sample_rate: int) -> None:
        self.lib = lib
        self.settings = lib.new_fluid_settings()
        if not self.settings:
            raise FluidSynthError("FluidSynth could not allocate its settings")
        for key, value in (("synth.reverb.active", int(options.reverb)), ("synth.chorus.active", int(options.chorus)),
                           ("synth.polyphony", options.polyphony)):
            lib.fluid_settings_setint(self.settings, key.encode(), value)
        lib.fluid_settings_setnum(self.settings, b"synth.sample-rate", float(sample_rate))
        lib.fluid_settings_setnum(self.settings, b"synth.gain", float(options.gain))
        self.synth = lib.new_fluid_synth(self.settings)
        if not self.synth:
            lib.delete_fluid_settings(self.settings)
            raise FluidSynthError(f"FluidSynth could not start at {sample_rate} Hz")
        if lib.fluid_synth_sfload(self.synth, os.fsencode(soundfont), 1) < 0:
            self.close()
            raise FluidSynthError(f"{soundfont}: FluidSynth could not load this SoundFont")
        lib.fluid_synth_set_interp_method(self.synth, -1, INTERPOLATION[options.interpolation])
        # FluidSynth has no default modulator for CC72; without this one the controller is ignored.
        mod = lib.new_fluid_mod()
        lib.fluid_mod_set_source1(mod, 72, _MOD_CC | _MOD_BIPOLAR)
        lib.fluid_mod_set_source2(mod, 0, 0)
        lib.fluid_mod_set_dest(mod, _GEN_VOLENVRELEASE)
        lib.fluid_mod_set_amount(mod, RELEASE_CC_RANGE)
        added = lib.fluid_synth_add_default_mod(self.synth, mod, _ADD)
        lib.delete_fluid_mod(mod)
        if added != 0:
            self.close()
            raise FluidSynthError("FluidSynth refused the release-time (CC72) modulator")

    def render(self, events: Sequence[tuple[int, int, int, int, int]], frames: int) -> np.ndarray:
        """Stereo float32 (frames, 2) of the events; call once per synthesizer."""
        return self._render(events, frames, None)

    def render_measured(self, events: Sequence[tuple[int, int, int, int, int]],
                        frames: int) -> tuple[np.ndarray, VoiceStats]:
        """The same audio as ``render`` (FluidSynth renders in whole blocks whatever the
        write sizes), with the active voice count sampled every ``VOICE_STEP`` frames."""
        meter: list = []
        audio = self._render(events, frames, meter)
        return audio, meter[0]

    def _render(self, events: Sequence[tuple[int, int, int, int, int]], frames: int,
                meter: list | None) -> np.ndarray:
        import numpy as np

        lib, synth = self.lib, self.synth
        held_lib = lib.held
        noteon, noteoff = held_lib.fluid_synth_noteon, held_lib.fluid_synth_noteoff
        control, program = held_lib.fluid_synth_cc, held_lib.fluid_synth_program_change
        padded = -(-frames // _BLOCK) * _BLOCK
        out = np.zeros((padded, 2), np.float32)
        base = out.ctypes.data
        write = lib.fluid_synth_write_float
        cursor = 0
        if meter is not None:
            voices = held_lib.fluid_synth_get_active_voice_count
            counts = np.zeros(-(-padded // VOICE_STEP), np.int16)
            totals = [0, 0, 0]  # voice frames, peak, held frames
            held: dict[tuple[int, int], int] = {}

            def advance(to: int) -> None:  # write up to `to`, sampling on the VOICE_STEP grid
                nonlocal cursor
                while cursor < to:
                    n = voices(synth)
                    step = min(to, (cursor // VOICE_STEP + 1) * VOICE_STEP) - cursor
                    ptr = base + cursor * 8
                    write(synth, step, ptr, 0, 2, ptr, 1, 2)
                    totals[0] += n * step
                    totals[1] = max(totals[1], n)
                    counts[cursor // VOICE_STEP] = max(counts[cursor // VOICE_STEP], n)
                    cursor += step
        else:
            def advance(to: int) -> None:
                nonlocal cursor
                ptr = base + cursor * 8
                write(synth, to - cursor, ptr, 0, 2, ptr, 1, 2)
                cursor = to
        for frame, kind, channel, a, b in events:
            if frame >= padded:
                break  # nothing after the end can sound in it
            if frame > cursor:
                advance(frame)
            if kind == NOTE_ON:
                noteon(synth, channel, a, b)
                if meter is not None:
                    held.setdefault((channel, a), frame)
            elif kind == NOTE_OFF:
                noteoff(synth, channel, a)
                if meter is not None and (channel, a) in held:
                    totals[2] += frame - held.pop((channel, a))
            elif kind == CONTROL:
                control(synth, channel, a, b)
            elif kind == PROGRAM:
                program(synth, channel, a)
        if padded > cursor:
            advance(padded)
        if meter is not None:
            totals[2] += sum(padded - start for start in held.values())
            meter.append(VoiceStats(frames=padded, voice_frames=totals[0], peak=totals[1], held_frames=totals[2],
                                    counts=counts))
        return out[:frames]

    def close(self) -> None:
        if getattr(self, "synth", None):
            self.lib.delete_fluid_synth(self.synth)
            self.synth = None
        if getattr(self, "settings", None):
            self.lib.delete_fluid_settings(self.settings)
            self.settings = None


def render_fluidsynth(jobs: Sequence[AudioJob], *, options: AudioOptions,
                      progress: Callable[[int, int], None] | None = None,
                      voices: Callable[[int, VoiceStats], None] | None = None,
                      post: Callable[[int, np.ndarray], Any] | None = None) -> Iterator[tuple[int, Any]]:
    """Start rendering now; iterate for (job index, stereo float32 at the output rate), in order.

    Each cue comes with ``crossfade_s`` of ring-out. Rendering runs in worker threads while the
    caller does other work (MusicXML, writing finished cues); at most a few finished cues wait
    in memory. ``voices(job index, stats)``, called from the worker threads, measures the voices
    of each cue (the benchmark's figures; the audio is the same). ``post(job index, audio)`` runs
    in the worker right after a cue is rendered (writing its file while the next cue renders) and
    its result is what the iterator yields.
    """
    fs = options.fluidsynth
    if fs.interpolation not in INTERPOLATION:
        raise OptionsError(f"fluidsynth interpolation {fs.interpolation!r} is not one of {', '.join(INTERPOLATION)}")
    lib, soundfont = require_fluidsynth(fs)
    if not jobs:
        return iter(())
    sr = options.sample_rate
    workers = max(1, min(len(jobs), fs.workers or os.cpu_count() or 1))
    # Fail here, in the caller, on a bad SoundFont or rate; this synthesizer also keeps the
    # SoundFont's samples cached for the workers' ones until the last cue is done.
    keeper = Synth(lib, soundfont, fs, sr)

    def render_one(k: int) -> np.ndarray:
        sketch = jobs[k].sketch
        frames = round((sketch.duration_s + options.crossfade_s) * sr)
        synth = Synth(lib, soundfont, fs, sr)
        try:
            if voices is None:
                audio = synth.render(performance_events(sketch, sr), frames)
            else:
                audio, stats = synth.render_measured(performance_events(sketch, sr), frames)
                voices(k, stats)
        finally:
            synth.close()
        return audio if post is None else post(k, audio)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fluidsynth")
    # Cues are handed over in film order; a few render ahead so no worker waits on a long cue.
    # The first ones are submitted now, so synthesis runs while the caller writes other files
    # before it asks for the first cue.
    window = 4 * workers
    pending: dict[int, Future[np.ndarray]] = {k: pool.submit(render_one, k) for k in range(min(window, len(jobs)))}

    stopped = threading.Event()

    def stop() -> None:  # once: the results finished or closed, or dropped unstarted
        if stopped.is_set():
            return
        stopped.set()
        for future in list(pending.values()):
            future.cancel()
        # (a drop collected in one of the workers cannot wait for itself)
        pool.shutdown(wait=not threading.current_thread().name.startswith("fluidsynth"))
        keeper.close()

    results = _Results(_collect(pool, render_one, len(jobs), window, progress, pending, stop), stop)
    # results never iterated (the caller failed first) still stop the workers when dropped
    weakref.finalize(results, stop)
    return results


class _Results:
    """The rendered cues in order; ``close()`` stops the workers, read or not."""

    def __init__(self, results: Iterator[tuple[int, Any]], stop: Callable[[], None]) -> None:
        self._results, self._stop = results, stop

    def __iter__(self) -> _Results:
        return self

    def __next__(self) -> tuple[int, Any]:
        return next(self._results)

    def close(self) -> None:
        self._results.close()  # type: ignore[attr-defined]
        self._stop()


def _collect(pool: ThreadPoolExecutor, render_one: Callable[[int], np.ndarray], total: int, window: int,
             progress: Callable[[int, int], None] | None, pending: dict[int, Future[np.ndarray]],
             stop: Callable[[], None]) -> Iterator[tuple[int, np.ndarray]]:
    submitted = len(pending)
    try:
        for k in range(total):
            while submitted < total and submitted < k + window:
                pending[submitted] = pool.submit(render_one, submitted)
                submitted += 1
            audio = pending.pop(k).result()
            if progress is not None:
                progress(k + 1, total)
            yield k, audio
    finally:
        stop()


class SoundFontPreload:
    """A synthesizer made in a background thread before the render needs one (``score`` starts
    it when the run begins). While one synthesizer holds a SoundFont, FluidSynth keeps its samples
    cached for the next ones, so the render's first synthesizer, made on the calling thread before
    any cue can start, finds them loaded (~0.06 s instead of ~0.17 s for FluidR3_GM); loading
    runs in FluidSynth with the GIL released, beside the stages before the render. A failure here
    is left for the render to meet and report."""

    def __init__(self, options: AudioOptions) -> None:
        self._synth: Synth | None = None
        self._thread = threading.Thread(target=self._load, args=(options,), name="soundfont-preload", daemon=True)
        self._thread.start()

    def _load(self, options: AudioOptions) -> None:
        try:
            lib, soundfont = require_fluidsynth(options.fluidsynth)
            self._synth = Synth(lib, soundfont, options.fluidsynth, options.sample_rate)
        except Exception:  # noqa: BLE001 - the render loads it again and reports what is wrong
            log.debug("the SoundFont preload failed; the render loads it", exc_info=True)

    def close(self) -> None:
        self._thread.join()
        if self._synth is not None:
            self._synth.close()
            self._synth = None


def version() -> str | None:
    """The loaded FluidSynth's version, or None when it is not installed."""
    try:
        return load_library(FluidSynthOptions().library).fluid_version_str().decode()
    except FluidSynthError:
        return None

