"""Audio from the sketches with FluidSynth and the General MIDI SoundFont from the OS packages.

FluidSynth's start (loading a 140 MB SoundFont) costs more than rendering a short cue, so
cues are packed one after another into a few long MIDI files, each rendered by one process in
fast-render mode (``-F``, no audio device), several processes in parallel; every cue is then
cut out of its batch with the ring-out that follows it. The gap between packed cues is longer
than the ring-out, so no cue's tail leaks into the next.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from scenescore.errors import OptionsError, ScenescoreError
from scenescore.render.midi import film_to_midi
from scenescore.render.options import AudioOptions, FluidSynthOptions, MidiOptions

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
_GUARD_S = 1.0  # silence between packed cues beyond the ring-out


class FluidSynthError(ScenescoreError):
    """FluidSynth failed on a batch of cues."""


def find_fluidsynth(binary: str = "fluidsynth") -> str | None:
    return shutil.which(binary)


def find_soundfont(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The SoundFont to use: the given one, ``$SCENESCORE_SOUNDFONT``, or the OS package's."""
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    env = os.environ.get("SCENESCORE_SOUNDFONT")
    for candidate in ([env] if env else []) + list(SOUNDFONT_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    return None


def require_fluidsynth(options: FluidSynthOptions) -> tuple[str, Path]:
    """The FluidSynth executable and SoundFont, or an error naming what to install."""
    binary = find_fluidsynth(options.binary)
    if binary is None:
        raise FluidSynthError(
            f"FluidSynth ({options.binary!r}) is not installed: apt-get install fluidsynth fluid-soundfont-gm "
            "(or run scripts/setup.sh as root), or render with --audio none")
    soundfont = find_soundfont(options.soundfont)
    if soundfont is None:
        where = options.soundfont or "the usual places (" + ", ".join(SOUNDFONT_CANDIDATES[:2]) + ", ...)"
        raise FluidSynthError(f"no General MIDI SoundFont found in {where}: apt-get install fluid-soundfont-gm "
                              "or pass a .sf2 file")
    return binary, soundfont


def _batches(durations: Sequence[float], ring_s: float, batch_seconds: float, workers: int) -> list[list[int]]:
    """Consecutive cue indices per FluidSynth process: about equal music, at most batch_seconds."""
    total = sum(d + ring_s + _GUARD_S for d in durations)
    # Several batches per worker, so cues are written while later batches still render.
    target = min(batch_seconds, max(total / (3 * max(1, workers)), 90.0))
    batches: list[list[int]] = [[]]
    size = 0.0
    for i, d in enumerate(durations):
        span = d + ring_s + _GUARD_S
        if batches[-1] and size + span > target:
            batches.append([])
            size = 0.0
        batches[-1].append(i)
        size += span
    return batches


def _render_batch(binary: str, soundfont: Path, midi: bytes, seconds: float, workdir: Path, name: str,
                  options: FluidSynthOptions, sample_rate: int) -> Path:
    mid = workdir / f"{name}.mid"
    raw = workdir / f"{name}.raw"
    mid.write_bytes(midi)
    cmd = [binary, "-n", "-i", "-q", "-r", str(sample_rate), "-g", f"{options.gain:g}",
           "-R", "1" if options.reverb else "0", "-C", "1" if options.chorus else "0",
           "-o", "synth.polyphony=256", "-O", "float", "-E", "little", "-T", "raw", "-F", str(raw),
           str(soundfont), str(mid)]
    timeout = 30.0 + options.timeout_per_minute_s * seconds / 60.0
    try:
        result = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise FluidSynthError(f"FluidSynth took over {timeout:.0f} s for {seconds:.0f} s of music") from None
    if result.returncode != 0 or not raw.exists():
        tail = (result.stderr or result.stdout).decode("utf-8", "replace").strip().splitlines()[-3:]
        raise FluidSynthError(f"FluidSynth failed (exit {result.returncode}): {' | '.join(tail) or 'no output'}")
    return raw


def render_fluidsynth(jobs: Sequence[AudioJob], *, options: AudioOptions,
                      progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[int, np.ndarray]]:
    """Start rendering now; iterate for (job index, stereo float32 at the output rate), in order.

    Each cue comes with its ring-out. The FluidSynth processes run while the caller does other
    work (MusicXML), so the CPUs stay busy.
    """
    fs = options.fluidsynth
    binary, soundfont = require_fluidsynth(fs)
    if fs.batch_seconds <= 0:
        raise OptionsError("fluidsynth batch_seconds must be positive")
    if not jobs:
        return iter(())
    ring_s = options.crossfade_s
    sr = options.sample_rate
    workers = fs.workers or os.cpu_count() or 1
    durations = [j.sketch.duration_s for j in jobs]
    batches = _batches(durations, ring_s, fs.batch_seconds, workers)
    tmp = tempfile.TemporaryDirectory(prefix="scenescore-fs-")
    pool = ThreadPoolExecutor(max_workers=workers)
    work = Path(tmp.name)
    futures: list[tuple[list[int], list[float], Future[Path]]] = []
    for b, batch in enumerate(batches):
        starts, t = [], 0.0
        for i in batch:
            starts.append(t)
            t += durations[i] + ring_s + _GUARD_S
        midi = film_to_midi([jobs[i].sketch for i in batch], starts, title=f"batch {b}",
                            options=MidiOptions(), align_bars=False)
        futures.append((batch, starts, pool.submit(_render_batch, binary, soundfont, midi, t, work,
                                                    f"batch{b:04d}", fs, sr)))
    return _collect(futures, durations, ring_s, sr, len(jobs), progress, pool, tmp)


def _collect(futures: list[tuple[list[int], list[float], Future[Path]]], durations: list[float], ring_s: float,
             sr: int, total: int, progress: Callable[[int, int], None] | None, pool: ThreadPoolExecutor,
             tmp: tempfile.TemporaryDirectory[str]) -> Iterator[tuple[int, np.ndarray]]:
    import numpy as np

    try:
        done = 0
        for batch, starts, future in futures:
            raw = future.result()
            data = np.memmap(raw, dtype="<f4", mode="r")
            frames = len(data) // 2
            stereo = data[: frames * 2].reshape(frames, 2)
            for i, start in zip(batch, starts, strict=True):
                first = round(start * sr)
                last = first + round((durations[i] + ring_s) * sr)
                audio = np.zeros((last - first, 2), np.float32)
                piece = stereo[first:min(last, frames)]
                audio[: len(piece)] = piece
                done += 1
                if progress is not None:
                    progress(done, total)
                yield i, audio
            del data, stereo
            raw.unlink(missing_ok=True)
    finally:
        for _, _, future in futures:
            future.cancel()
        pool.shutdown(wait=True)
        tmp.cleanup()
