"""Audio files and the arithmetic on them: Broadcast WAV, fades, crossfades, resampling.

Everything is numpy float32 of shape (samples, channels) until it is written. WAVs are PCM
(format 1, what every DAW and the stdlib ``wave`` module read) with a ``bext`` chunk (EBU Tech
3285): its time reference is the sample count since midnight of the cue's start, so a DAW
spots the file to picture (programme start 01:00:00:00 plus the cue's start).

The whole-film temp track is written as a stream: cues arrive in start order, each is mixed
into a short pending buffer and everything before the next cue's start goes to disk, so
memory holds about one cue, not the film.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import os
import struct
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from scenescore.errors import OutputError
from scenescore.io import open_atomic, remember_sha256

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_BEXT_SIZE = 602
_PCM_BLOCK = 1 << 18  # samples converted at a time
_COPY_BLOCK = 1 << 22  # bytes read back from a cue file at a time


@dataclass(frozen=True, slots=True)
class PackedSpan:
    """Frames ``[first, stop)`` of a cue as a cue file holds them (packed PCM, clipped at the
    ceiling), in a file still open as ``fd``: frame 0 of the cue at byte ``offset``. The temp
    track copies a cue's solo body from here instead of packing the samples again."""

    fd: int
    offset: int
    first: int
    stop: int
    bit_depth: int
    channels: int

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


def _np():  # noqa: ANN202 - the module
    import numpy as np

    return np


def pcm_buffer(samples: np.ndarray, bit_depth: int = 24, *, ceiling: float = 1.0) -> np.ndarray:
    """Interleaved little-endian PCM of float samples in [-1, 1] (clipped at +-``ceiling``,
    rounded), as a byte array that a file's ``write`` takes without another copy.

    Worked through in blocks that stay in cache; rounding writes the integers directly, and the
    24-bit samples' three bytes are picked from the 32-bit integers as three strided byte copies
    (faster than copying 3-byte items).
    """
    np = _np()
    if bit_depth not in (16, 24, 32):
        raise OutputError(f"bit depth {bit_depth} is not one of 16, 24, 32")
    full = 2.0 ** (bit_depth - 1)
    lo, hi = -full * min(1.0, ceiling), min(full - 1, full * ceiling)
    if bit_depth == 32:  # float32 cannot hold every 32-bit step
        scaled = np.asarray(samples, dtype=np.float64) * full
        np.clip(scaled, lo, hi, out=scaled)
        return np.rint(scaled).astype("<i4").reshape(-1).view(np.uint8)
    flat = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
    width = bit_depth // 8
    out = np.empty(flat.size * width, np.uint8)
    block = max(1, min(_PCM_BLOCK, flat.size))
    scratch = np.empty(block, np.float32)
    ints = np.empty(block, "<i2" if bit_depth == 16 else "<i4")
    for k in range(0, flat.size, block):
        m = min(block, flat.size - k)
        f, i = scratch[:m], ints[:m]
        np.multiply(flat[k:k + m], np.float32(full), out=f)
        np.clip(f, np.float32(lo), np.float32(hi), out=f)
        np.rint(f, out=i, casting="unsafe")
        o, b = out[width * k:width * (k + m)], i.view(np.uint8)
        if bit_depth == 16:
            o[:] = b
        else:  # the low three bytes of each little-endian 32-bit integer
            o[0::3], o[1::3], o[2::3] = b[0::4], b[1::4], b[2::4]
    return out


def float_to_pcm(samples: np.ndarray, bit_depth: int = 24) -> bytes:
    """Interleaved little-endian PCM of float samples in [-1, 1] (clipped, rounded)."""
    return pcm_buffer(samples, bit_depth).tobytes()


def bext_chunk(*, time_reference: int, description: str = "", originator: str = "scenescore",
               originator_reference: str = "", coding_history: str = "") -> bytes:
    """A version-1 ``bext`` chunk body (no dates: the same inputs give the same bytes)."""
    history = coding_history.encode("ascii", "replace")
    if len(history) % 2:
        history += b"\x00"
    body = struct.pack(
        "<256s32s32s10s8sIIH64s190s",
        description.encode("ascii", "replace")[:256], originator.encode("ascii", "replace")[:32],
        originator_reference.encode("ascii", "replace")[:32], b"", b"",
        time_reference & 0xFFFFFFFF, time_reference >> 32, 1, b"", b"",
    )
    assert len(body) == _BEXT_SIZE
    return body + history


#: A streamed mix is synced to disk each time this many more bytes are written (``BwfWriter``).
_SYNC_EVERY = 64 << 20


def _sync_data(fd: int) -> None:
    """Sync a file's data (a background head start on ``close``'s fsync, which reports errors)."""
    with contextlib.suppress(OSError):
        (getattr(os, "fdatasync", None) or os.fsync)(fd)


class BwfWriter:
    """Streams a Broadcast WAV of known length to a temporary file, renamed on close."""

    def __init__(self, path: str | os.PathLike[str], *, frames: int, sample_rate: int, channels: int = 2,
                 bit_depth: int = 24, time_reference: int = 0, description: str = "",
                 coding_history: str = "", overwrite: bool = True, sync_every: int = 0) -> None:
        self.path = Path(path)
        #: With ``sync_every`` (bytes), what is written is synced to disk in a background thread
        #: each time that much more is written, so ``close`` waits for the last stretch only
        #: (the temp track: ~1 GB for a feature, written over the whole render).
        self._sync_every = sync_every
        self._unsynced = 0
        self._syncing: threading.Thread | None = None
        if self.path.exists() and not overwrite:
            raise OutputError(f"{self.path}: exists (pass overwrite to replace it)")
        self.frames = frames
        self.channels = channels
        self.bit_depth = bit_depth
        self.written = 0
        self._fh: BinaryIO
        self._fh, self._tmp = open_atomic(self.path)
        self._sha = hashlib.sha256()  # hashed as written: recording the file reads nothing back
        bext = bext_chunk(time_reference=time_reference, description=description, coding_history=coding_history)
        block = channels * bit_depth // 8
        data_size = frames * block
        fmt = struct.pack("<HHIIHH", 1, channels, sample_rate, sample_rate * block, block, bit_depth)
        riff = 4 + (8 + len(bext)) + (8 + len(fmt)) + (8 + data_size + data_size % 2)
        if riff > 0xFFFFFFFF:
            self.abort()
            raise OutputError(f"{self.path}: {frames / sample_rate / 3600:.1f} h is over the 4 GB a WAV can hold")
        self._put(b"RIFF" + struct.pack("<I", riff) + b"WAVE")
        self._put(b"bext" + struct.pack("<I", len(bext)) + bext)
        self._put(b"fmt " + struct.pack("<I", len(fmt)) + fmt)
        self._put(b"data" + struct.pack("<I", data_size))
        self.data_offset = 12 + (8 + len(bext)) + (8 + len(fmt)) + 8

    #: Whether :meth:`packed_span` is offered: a descriptor kept open must not block the file's
    #: rename (Windows) and must be read without moving the writer's offset (``os.pread``).
    KEEPS_SPANS = hasattr(os, "pread") and os.name == "posix"

    def packed_span(self, first: int, stop: int) -> PackedSpan:
        """Frames ``[first, stop)`` of what has been written, readable through a new descriptor
        of the file (valid after the file is closed and renamed; the caller closes it)."""
        self._fh.flush()
        return PackedSpan(fd=os.dup(self._fh.fileno()), offset=self.data_offset, first=first,
                          stop=min(stop, self.written), bit_depth=self.bit_depth, channels=self.channels)

    def write_packed(self, span: PackedSpan, first: int, stop: int) -> None:
        """Frames ``[first, stop)`` of a cue copied from its file's packed bytes (they must lie
        in ``span``), hashed and written as they are: no unpacking, no packing."""
        if not span.first <= first <= stop <= span.stop or span.bit_depth != self.bit_depth \
                or span.channels != self.channels:
            raise ValueError(f"frames {first}-{stop} are not in the packed span {span.first}-{span.stop}")
        n = min(stop - first, self.frames - self.written)
        block = self.channels * self.bit_depth // 8
        at, end = span.offset + first * block, span.offset + (first + n) * block
        buffer = bytearray(min(_COPY_BLOCK, max(0, end - at)))
        view = memoryview(buffer)
        while at < end:
            want = min(len(buffer), end - at)
            if hasattr(os, "preadv"):  # into one buffer
                got = os.preadv(span.fd, [view[:want]], at)
                chunk = view[:got]
            else:
                chunk = os.pread(span.fd, want, at)
                got = len(chunk)
            if got <= 0:
                raise OutputError(f"{self.path}: a cue file ended before its frames could be copied")
            self._put(chunk)
            at += got
        self.written += max(0, n)

    def _put(self, data: bytes | np.ndarray) -> None:
        self._fh.write(data)
        self._sha.update(data)
        if self._sync_every:
            self._unsynced += len(data)
            if self._unsynced >= self._sync_every and (self._syncing is None or not self._syncing.is_alive()):
                self._unsynced = 0
                self._syncing = threading.Thread(target=_sync_data, args=(self._fh.fileno(),), name="wav-sync",
                                                 daemon=True)
                self._syncing.start()

    def _sync_done(self) -> None:
        """Wait for a background sync (before the descriptor is closed: it syncs through it)."""
        if self._syncing is not None:
            self._syncing.join()
            self._syncing = None

    def write(self, samples: np.ndarray, *, ceiling: float = 1.0) -> None:
        """Pack and write (frames, channels) float samples; those past the declared length are dropped."""
        n = min(len(samples), self.frames - self.written)
        for k in range(0, max(0, n), _PCM_BLOCK):  # a long cue is packed a block at a time
            self._put(pcm_buffer(samples[k:min(n, k + _PCM_BLOCK)], self.bit_depth, ceiling=ceiling))
        self.written += max(0, n)

    def write_silence(self, frames: int) -> None:
        """Digital silence (zero PCM): hashed, but left as a hole in the file rather than written
        (it reads back as zeros; the temp track of a feature is a third silence)."""
        n = max(0, min(frames, self.frames - self.written))
        block = self.channels * self.bit_depth // 8
        zeros = bytes(min(n, 1 << 16) * block)
        left = n
        while left > 0:
            k = min(left, 1 << 16)
            self._sha.update(zeros[: k * block])
            left -= k
        self._fh.seek(n * block, os.SEEK_CUR)
        self.written += n

    def close(self) -> Path:
        self.write_silence(self.frames - self.written)
        if (self.frames * self.channels * self.bit_depth // 8) % 2:
            self._put(b"\x00")
        self._fh.truncate()  # the file ends where the data does, hole or not
        self._fh.flush()
        self._sync_done()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        remember_sha256(self.path, self._sha.hexdigest())
        return self.path

    def abort(self) -> None:
        self._sync_done()
        with contextlib.suppress(OSError):
            self._fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)

    def __enter__(self) -> BwfWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        if exc_type is None:
            self.close()
        else:
            self.abort()


def write_bwf(path: str | os.PathLike[str], samples: np.ndarray, *, sample_rate: int, bit_depth: int = 24,
              time_reference: int = 0, description: str = "", coding_history: str = "",
              overwrite: bool = True, replace: Sequence[tuple[int, np.ndarray]] = (),
              closer: Executor | None = None, ceiling: float = 1.0,
              written: Callable[[BwfWriter], None] | None = None) -> Path | Future[Path]:
    """Write float samples (frames, channels) as a Broadcast WAV, atomically.

    ``replace`` lists (first frame, samples) written instead of those frames (a fade computed
    on a copy of the ends, so the body is packed straight from ``samples``); in order, apart.
    With ``closer``, the file is synced to disk and renamed into place there, and the future of
    its path is returned (a synthesizer thread need not wait on the disk). Samples are clipped at
    +-``ceiling`` as they are packed. ``written(writer)`` is called once every frame is written,
    before the file is closed (to keep a descriptor of it: :meth:`BwfWriter.packed_span`).
    """
    samples = samples.reshape(len(samples), -1)
    writer = BwfWriter(path, frames=len(samples), sample_rate=sample_rate, channels=samples.shape[1],
                       bit_depth=bit_depth, time_reference=time_reference, description=description,
                       coding_history=coding_history, overwrite=overwrite)
    try:
        at = 0
        for first, block in [*replace, (len(samples), samples[:0])]:
            first = max(first, at)
            writer.write(samples[at:first], ceiling=ceiling)
            writer.write(block[: len(samples) - first], ceiling=ceiling)
            at = first + len(block)
        if written is not None:
            written(writer)
    except BaseException:
        writer.abort()
        raise
    if closer is not None:
        return closer.submit(writer.close)
    return writer.close()


def read_bext(path: str | os.PathLike[str]) -> dict[str, object]:
    """The ``bext`` fields of a WAV (empty dict when it has none)."""
    with open(path, "rb") as fh:
        head = fh.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return {}
        while True:
            chunk = fh.read(8)
            if len(chunk) < 8:
                return {}
            cid, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if cid == b"bext":
                body = fh.read(size)
                fields = struct.unpack("<256s32s32s10s8sIIH", body[:348])
                return {
                    "description": fields[0].rstrip(b"\x00").decode("ascii", "replace"),
                    "originator": fields[1].rstrip(b"\x00").decode("ascii", "replace"),
                    "originator_reference": fields[2].rstrip(b"\x00").decode("ascii", "replace"),
                    "time_reference": fields[5] | (fields[6] << 32),
                    "version": fields[7],
                    "coding_history": body[_BEXT_SIZE:].rstrip(b"\x00").decode("ascii", "replace"),
                }
            fh.seek(size + size % 2, os.SEEK_CUR)


def fade(n: int, *, kind: str = "in", power: bool = True) -> np.ndarray:
    """A fade curve of ``n`` samples: equal-power (sin/cos) or linear (read-only: a film uses
    the same few lengths for every cue, so each is computed once)."""
    return _fade(n, kind, power)


@functools.lru_cache(maxsize=64)
def _fade(n: int, kind: str, power: bool) -> np.ndarray:
    np = _np()
    if n <= 0:
        return np.ones(0, np.float32)
    u = (np.arange(n, dtype=np.float64) + 0.5) / n
    curve = np.sin(0.5 * np.pi * u) if power else u
    if kind == "out":
        curve = curve[::-1]
    curve = curve.astype(np.float32)
    curve.setflags(write=False)
    return curve


def limit_peak(samples: np.ndarray, ceiling_dbfs: float = -1.0) -> np.ndarray:
    """Turn a block down so its peak sits at the ceiling (never up: quiet cues stay quiet)."""
    np = _np()
    peak = max(float(samples.max()), -float(samples.min())) if samples.size else 0.0  # no |x| copy
    ceiling = 10 ** (ceiling_dbfs / 20)
    return samples * np.float32(ceiling / peak) if peak > ceiling else samples


def fit_length(samples: np.ndarray, frames: int, channels: int = 2) -> np.ndarray:
    """Exactly ``frames`` frames of ``channels`` channels (cut or padded with silence)."""
    np = _np()
    samples = samples.reshape(len(samples), -1) if len(samples) else np.zeros((0, channels), np.float32)
    if samples.shape[1] != channels:
        samples = np.repeat(samples[:, :1], channels, axis=1) if samples.shape[1] == 1 else samples[:, :channels]
    if len(samples) >= frames:
        return samples[:frames]
    out = np.zeros((frames, channels), np.float32)
    out[: len(samples)] = samples
    return out


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Band-limited rational resampling (e.g. MusicGen's 32 kHz to the film's 48 kHz), through
    SciPy's polyphase FIR (``scipy.signal.resample_poly``, Kaiser window). SciPy ships with the
    only backend that resamples (``scenescore[musicgen]``), so it is imported here, not at start-up."""
    np = _np()
    if source_rate == target_rate:
        return samples.astype(np.float32, copy=False)
    try:
        from scipy.signal import resample_poly
    except ImportError:
        from scenescore.errors import MissingDependencyError

        raise MissingDependencyError("resampling audio", "scipy", "musicgen") from None
    samples = samples.reshape(len(samples), -1).astype(np.float32, copy=False)
    g = math.gcd(source_rate, target_rate)
    up, down = target_rate // g, source_rate // g
    out = resample_poly(samples, up, down, axis=0)
    return out[: len(samples) * up // down].astype(np.float32, copy=False)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a cue's audio goes in the film: start, and the fades of its crossfades (frames)."""

    start: int
    length: int  # frames of the cue's own audio used (its length plus the ring-out)
    fade_in: int
    fade_out_at: int  # frame (relative to start) where the fade-out begins
    fade_out: int


def place_cue(start: int, length: int, available: int, next_start: int | None, previous_fade_end: int, *,
              crossfade: int, declick: int) -> Placement:
    """Where a cue sits in the temp track and how it fades.

    A cue rings on for ``crossfade`` frames past its end (or past the next cue's start when
    they overlap), faded out; audio without a ring-out (MusicGen) fades over its own last
    frames instead. A cue entering while another still sounds fades in over the same span
    (equal power); one entering from silence only de-clicks.
    """
    out_at = length if next_start is None else min(length, max(0, next_start - start))
    if available < out_at + crossfade:
        out_at = max(0, min(out_at, available - crossfade))
    fade_in = min(crossfade if start < previous_fade_end else declick, max(0, out_at + crossfade))
    return Placement(start=start, length=out_at + crossfade, fade_in=fade_in, fade_out_at=out_at, fade_out=crossfade)


def mix_stream(path: str | os.PathLike[str], cues: Iterable[tuple[Placement, np.ndarray] |
                                                   tuple[Placement, np.ndarray, PackedSpan | None]], *, frames: int,
               sample_rate: int, bit_depth: int = 24, description: str = "", time_reference: int = 0,
               ceiling_dbfs: float = -1.0, overwrite: bool = True) -> Path:
    """Mix placed cues (in start order) into one WAV of ``frames`` frames, streaming to disk.

    Only the fades are mixed: between them a cue sounds alone, and its samples go from the cue's
    own array to the file (clipped at the ceiling as they are packed), so memory holds the
    crossfade regions, never a second copy of a cue. A cue given with a :class:`PackedSpan` (its
    cue file's bytes, packed at the same depth and ceiling) has the part of its solo stretch that
    the span covers copied from that file, not packed again: the same bytes.
    """
    np = _np()
    ceiling = float(10 ** (ceiling_dbfs / 20))
    pending = np.zeros((0, 2), np.float32)  # mixed audio from `cursor` on, not yet written
    cursor = 0

    with BwfWriter(path, frames=frames, sample_rate=sample_rate, bit_depth=bit_depth,
                   time_reference=time_reference, description=description, overwrite=overwrite,
                   sync_every=_SYNC_EVERY) as writer:
        def flush(upto: int) -> None:
            nonlocal pending, cursor
            upto = min(upto, frames)
            if upto <= cursor:
                return
            n = upto - cursor
            sounding = min(n, len(pending))
            if sounding:
                writer.write(pending[:sounding], ceiling=ceiling)
            writer.write_silence(n - sounding)  # the dry stretch before the next cue
            pending = pending[n:] if len(pending) > n else np.zeros((0, 2), np.float32)
            cursor = upto

        def mix(at: int, seg: np.ndarray) -> None:
            nonlocal pending
            offset = at - cursor
            need = offset + len(seg)
            if len(pending) < need:
                grown = np.zeros((need, 2), np.float32)
                grown[: len(pending)] = pending
                pending = grown
            pending[offset:need] += seg

        for placement, audio, *rest in cues:
            packed = rest[0] if rest else None
            flush(placement.start)
            audio = audio.reshape(len(audio), -1)
            if audio.shape[1] != 2 or len(audio) < placement.length:
                audio = fit_length(audio, placement.length)
            start, fin, out_at = placement.start, placement.fade_in, placement.fade_out_at
            out_end = min(placement.length, out_at + placement.fade_out)
            if fin > out_at:  # a cue shorter than its fade-in: both fades on the whole of it
                seg = audio[:out_end].copy()
                seg[:fin] *= fade(fin, kind="in")[:, None]
                seg[out_at:out_end] *= fade(placement.fade_out, kind="out")[: out_end - out_at, None]
                mix(start, seg)
                continue
            head = audio[:fin] * fade(fin, kind="in")[:, None]
            mix(start, head)
            # Earlier cues ring into this one's fade-in at most (a cue entering while another
            # rings fades in over the whole crossfade), so the body sounds alone.
            solo_from = max(fin, cursor + len(pending) - start)
            if solo_from < out_at:
                mix(start + fin, audio[fin:solo_from])
                flush(start + solo_from)
                at = solo_from
                if packed is not None and packed.first <= at < packed.stop:
                    writer.write_packed(packed, at, min(out_at, packed.stop))
                    at = min(out_at, packed.stop)
                writer.write(audio[at:out_at], ceiling=ceiling)
                cursor = start + out_at
            elif fin < out_at:
                mix(start + fin, audio[fin:out_at])
            tail = audio[out_at:out_end] * fade(placement.fade_out, kind="out")[: out_end - out_at, None]
            mix(start + out_at, tail)
        flush(frames)
    return Path(path)
