"""Render a film's cues: sketches, MIDI (per cue and whole film), MusicXML and audio.

``render_film`` is what the ``score`` and ``render`` commands call. Cues are taken in start
order so the theme book develops each character's theme the way the film unfolds; the book
is written beside the files (``themes.json``) so what each cue did with a theme can be read.

Folder layout (inside ``out_dir``)::

    midi/1M01.mid ...        one SMF per cue, SMPTE offset = programme start + cue start
    midi/score.mid           the whole film: tempo map, markers at cues and scenes
    xml/1M01.musicxml ...
    audio/1M01_01-00-12-05.wav ...   48 kHz / 24-bit Broadcast WAV, start in name and bext
    audio/temp_score.wav     the whole film, cues crossfaded
    themes.json              motifs, their forms, and every use
"""

from __future__ import annotations

import bisect
import contextlib
import json
import logging
import os
import re
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.conditions.schema import MusicCondition
from scenescore.errors import OptionsError
from scenescore.io import atomic_write_bytes, atomic_write_text
from scenescore.render.drama import CueMap
from scenescore.render.midi import _check_fps, film_to_midi, sketch_to_midi, timecode
from scenescore.render.options import RenderOptions, SketchOptions
from scenescore.render.performance import perform
from scenescore.render.sketch import Sketch, sketch_cue
from scenescore.render.themes import ThemeBook

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from scenescore.render.audio import PackedSpan

log = logging.getLogger(__name__)
#: progress(stage, done, total): stages are "sketch", "musicxml", "audio".
Progress = Callable[[str, int, int], None]
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class RenderedCue:
    """The files of one cue (paths are None for what was not asked for)."""

    cue_id: str
    start_s: float
    duration_s: float
    timecode: str
    midi: Path
    musicxml: Path | None
    audio: Path | None
    sample_rate: int | None
    themes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderedFilm:
    cues: tuple[RenderedCue, ...]
    midi: Path
    temp_track: Path | None
    themes: Path
    audio_backend: str
    sample_rate: int | None
    sketches: tuple[Sketch, ...] = field(default=(), repr=False)
    #: What went wrong with the audio, per cue (``1M03: MusicGen stopped early: …``); empty when
    #: every cue came out as asked.
    degraded: tuple[str, ...] = ()
    cue_maps: Path | None = None


@contextlib.contextmanager
def python_beside_synthesis() -> Iterator[None]:
    """For main-thread Python (sketching, MIDI, MusicXML) while the synthesizer's workers run: a
    worker takes the GIL back after each stretch it renders between two events (a fraction of a
    millisecond of synthesis) and may wait the whole switch interval for it (5 ms by default)
    while this thread runs Python, so the interval is shortened meanwhile (restored after)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _check_inputs(conditions: Sequence[MusicCondition], starts_s: Sequence[float]) -> list[int]:
    if len(conditions) != len(starts_s):
        raise OptionsError(f"{len(conditions)} conditions but {len(starts_s)} start times")
    seen: set[str] = set()
    for c, s in zip(conditions, starts_s, strict=True):
        if c.cue_id in seen:
            raise OptionsError(f"cue {c.cue_id} appears twice")
        seen.add(c.cue_id)
        if not s >= 0:
            raise OptionsError(f"cue {c.cue_id}: start {s!r} s is not a time after programme start")
    return sorted(range(len(conditions)), key=lambda i: (float(starts_s[i]), i))


def _scenes_in(scenes: Sequence[tuple[float, str]], times: Sequence[float], start: float,
               duration: float) -> list[tuple[float, str]]:
    """The scene markers in a cue's window; ``scenes`` sorted by time, ``times`` their times
    (bisection: a scan of every scene per cue grew with scenes x cues)."""
    first, stop = bisect.bisect_left(times, start), bisect.bisect_left(times, start + duration)
    return [(t - start, text) for t, text in scenes[first:stop]]


def sketch_film(conditions: Sequence[MusicCondition], starts_s: Sequence[float], *,
                options: SketchOptions | None = None, themes: ThemeBook | None = None,
                scenes: Sequence[tuple[float, str]] = (), progress: Progress | None = None,
                maps: Sequence[CueMap] = ()) -> list[Sketch]:
    """Sketch every cue in film order through one theme book (returned in the input order).

    ``maps`` are the cues' dramatic maps (:func:`scenescore.render.drama.cue_maps`), matched by
    cue id: their hit points, entrances and beginnings shape the form, themes and texture."""
    options = options or SketchOptions()
    order = _check_inputs(conditions, starts_s)
    book = themes if themes is not None else ThemeBook(seed=options.seed)
    timed = sorted(scenes, key=lambda m: m[0])
    times = [t for t, _ in timed]
    out: dict[int, Sketch] = {}
    by_cue = {m.cue_id: m for m in maps}
    for done, i in enumerate(order, 1):
        c = conditions[i]
        out[i] = perform(sketch_cue(c, themes=book, options=options,
                                    scene_markers=_scenes_in(timed, times, float(starts_s[i]), c.duration_s),
                                    cue_map=by_cue.get(c.cue_id)),
                         release_beats=options.release_beats)
        if progress is not None:
            progress("sketch", done, len(order))
    return [out[i] for i in range(len(conditions))]


def cue_record(sketch: Sketch, cue_map: CueMap | None) -> dict:
    """One cue's line in ``cue_maps.json``: its dramatic map and the craft that answered it
    (form, tempo map, hits caught and missed, ending, chords, themes)."""
    form = sketch.form
    record: dict = cue_map.to_dict() if cue_map is not None else {"cue_id": sketch.cue_id}
    record["music"] = {
        "key": f"{sketch.key} {sketch.mode}", "meter": str(sketch.meter), "ending": sketch.ending,
        "tempo_map": [[round(t, 3), round(b, 2)] for t, b in sketch.tempo_changes()],
        "form": form.describe() if form is not None else "",
        "hits_caught": [{"time_s": round(h.time_s, 3), "kind": h.kind, "label": h.label}
                        for h in (form.caught if form is not None else ())],
        "hits_missed": [{"time_s": round(h.time_s, 3), "kind": h.kind, "label": h.label}
                        for h in (form.missed if form is not None else ())],
        "chords": [[round(t, 3), label] for t, label in sketch.chords],
        "cadences": [[round(t, 3), kind] for t, kind in sketch.cadences],
        "themes": [t.label for t in sketch.themes],
    }
    return record


def audio_file_name(cue_id: str, start_s: float, *, fps: float, programme_start: tuple[int, int, int, int]) -> str:
    """``1M01_01-00-12-05.wav``: the cue and its start timecode, safe on every file system."""
    return f"{_SAFE.sub('_', cue_id)}_{timecode(start_s, fps=fps, start=programme_start, separator='-')}.wav"


def programme_start_seconds(programme_start: tuple[int, int, int, int], fps: float) -> float:
    h, m, s, f = programme_start
    return h * 3600 + m * 60 + s + f / (30 if abs(fps - 29.97) < 1e-6 else round(fps))


def render_film(conditions: Sequence[MusicCondition], starts_s: Sequence[float], out_dir: str | os.PathLike[str],
                *, options: RenderOptions | None = None, scenes: Sequence[tuple[float, str]] = (),
                title: str = "film", themes: ThemeBook | None = None,
                progress: Progress | None = None, maps: Sequence[CueMap] = (),
                on_cue: Callable[[CueProgress], None] | None = None) -> RenderedFilm:
    """Write every cue's MIDI, MusicXML and audio, the whole-film MIDI and the temp track.

    ``starts_s`` are the cues' starts in seconds after programme start (the spotting notes'
    in-times); ``scenes`` are (seconds, text) markers for the film file and the cues they fall in.
    Same inputs and seed give byte-identical MIDI and MusicXML. ``on_cue`` hears of every cue
    whose audio file is written, in film order (``CueProgress``: cues and music done of the total).
    """
    options = options or RenderOptions()
    _check_fps(options.midi.fps)
    out = Path(out_dir)
    order = _check_inputs(conditions, starts_s)
    book = themes if themes is not None else ThemeBook(seed=options.sketch.seed)
    sketches = sketch_film(conditions, starts_s, options=options.sketch, themes=book, scenes=scenes,
                           progress=progress, maps=maps)
    audio, jobs = None, []
    audio_paths: dict[int, Path] = {}
    if options.audio.backend != "none":  # the synthesizer starts now and works while MIDI and MusicXML are written
        packed: dict[int, PackedSpan] = {}
        audio, closed, jobs = start_cue_audio(conditions, sketches, order, starts_s, out, options, progress, on_cue,
                                              packed=packed if options.audio.temp_track else None)
    midi_paths: dict[int, Path] = {}
    xml_paths: dict[int, Path] = {}
    with python_beside_synthesis():
        themes_path, maps_path, film_midi = _write_scores(conditions, sketches, order, starts_s, out, options, scenes,
                                                          title, book, maps, progress, midi_paths, xml_paths)
    temp_track = None
    backend_name = options.audio.backend
    if audio is not None:
        try:
            temp_track = write_temp_track(audio, conditions, starts_s, order, out, options, packed)
        finally:
            audio_paths = closed()
    mg = options.midi
    cues = tuple(
        RenderedCue(cue_id=conditions[i].cue_id, start_s=float(starts_s[i]), duration_s=conditions[i].duration_s,
                    timecode=timecode(float(starts_s[i]), fps=mg.fps, start=mg.programme_start),
                    midi=midi_paths[i], musicxml=xml_paths.get(i), audio=audio_paths.get(i),
                    sample_rate=options.audio.sample_rate if i in audio_paths else None,
                    themes=tuple(dict.fromkeys(t.label for t in sketches[i].themes)))
        for i in order)
    return RenderedFilm(cues=cues, midi=film_midi, temp_track=temp_track, themes=themes_path, cue_maps=maps_path,
                        audio_backend=backend_name, sample_rate=options.audio.sample_rate if audio_paths else None,
                        sketches=tuple(sketches[i] for i in order),
                        degraded=tuple(f"{job.condition.cue_id}: {p}" for job in jobs for p in job.problems))


def _write_scores(conditions: Sequence[MusicCondition], sketches: Sequence[Sketch], order: Sequence[int],
                  starts_s: Sequence[float], out: Path, options: RenderOptions, scenes: Sequence[tuple[float, str]],
                  title: str, book: ThemeBook, maps: Sequence[CueMap], progress: Progress | None,
                  midi_paths: dict[int, Path], xml_paths: dict[int, Path]) -> tuple[Path, Path, Path]:
    """``render_film``'s MIDI, MusicXML, ``themes.json`` and ``cue_maps.json``."""
    overwrite = options.overwrite
    for i in order:
        name = _SAFE.sub("_", conditions[i].cue_id)
        midi_paths[i] = atomic_write_bytes(
            out / "midi" / f"{name}.mid",
            sketch_to_midi(sketches[i], start_s=float(starts_s[i]), options=options.midi), overwrite=overwrite)
    film_midi, themes_path, maps_path = write_film_files(conditions, sketches, order, starts_s, out, options,
                                                         scenes, title, book, maps)
    if options.musicxml:
        from scenescore.render.musicxml import write_musicxml

        for done, i in enumerate(order, 1):
            xml_paths[i] = write_musicxml(sketches[i], out / "xml" / f"{_SAFE.sub('_', conditions[i].cue_id)}.musicxml",
                                          overwrite=overwrite)
            if progress is not None:
                progress("musicxml", done, len(order))
    return themes_path, maps_path, film_midi


def write_film_files(conditions: Sequence[MusicCondition], sketches: Sequence[Sketch], order: Sequence[int],
                     starts_s: Sequence[float], out: Path, options: RenderOptions,
                     scenes: Sequence[tuple[float, str]], title: str, book: ThemeBook,
                     maps: Sequence[CueMap]) -> tuple[Path, Path, Path]:
    """The film's own files, shared by ``render_film`` and the incremental renderer:
    ``midi/score.mid``, ``themes.json`` and ``cue_maps.json`` (film MIDI, themes, maps paths)."""
    overwrite = options.overwrite
    film_midi = atomic_write_bytes(
        out / "midi" / "score.mid",
        film_to_midi([sketches[i] for i in order], [float(starts_s[i]) for i in order], title=title,
                     scene_markers=scenes, options=options.midi), overwrite=overwrite)
    themes_path = atomic_write_text(out / "themes.json", json.dumps(book.to_dict(), indent=2) + "\n",
                                    overwrite=overwrite)
    by_cue: dict[str, CueMap] = {}
    for m in maps:
        by_cue.setdefault(m.cue_id, m)
    maps_path = atomic_write_text(out / "cue_maps.json", json.dumps(
        [cue_record(sketches[i], by_cue.get(conditions[i].cue_id)) for i in order], indent=1) + "\n",
        overwrite=overwrite)
    return film_midi, themes_path, maps_path


@dataclass(frozen=True, slots=True)
class CueProgress:
    """What ``render_film`` reports as each cue's audio is written: cues and seconds of music
    done of the film's total (a display adds elapsed and remaining time)."""

    cue_id: str
    cues_done: int
    cues_total: int
    music_done_s: float
    music_total_s: float


def start_cue_audio(conditions: Sequence[MusicCondition], sketches: Sequence[Sketch], order: Sequence[int],
                    starts_s: Sequence[float], out: Path, options: RenderOptions, progress: Progress | None,
                    on_cue: Callable[[CueProgress], None] | None, *, write: Collection[int] | None = None,
                    lengths: dict[int, int] | None = None, packed: dict[int, PackedSpan] | None = None,
                    ) -> tuple[Iterator[tuple[int, np.ndarray]], Callable[[], dict[int, Path]], list[Any]]:
    """Start the backend on the cues ``order`` (indices into ``conditions``, in film order);
    each cue's file is written by ``finish`` as soon as it is rendered (in the synthesizer's
    worker threads, so packing, hashing and writing overlap synthesis). Only the cues in
    ``write`` (all when None) get a file: the others are synthesized for the temp track's
    sake alone (``render_film_incremental``'s kept cues and neighbours). ``lengths`` receives
    each cue's audio length with ring-out; ``sketches`` may be a sequence that waits for a cue's
    sketch when it is asked for (the jobs are made as a backend's worker takes them, so synthesis
    can start while later cues are still being sketched); ``packed`` the unfaded stretch of each written cue
    file, still open, for the temp track to copy (``write_temp_track`` closes them). Results are
    (position in ``order``, audio at the level the file has, with ring-out). Returns the results, what waits for the files to be
    on disk (their paths by cue index), and the jobs (their problems)."""
    import numpy as np

    from scenescore.render.audio import BwfWriter, fade, fit_length, limit_peak, write_bwf
    from scenescore.render.backends import AudioJob, get_audio_backend

    backend = get_audio_backend(options.audio.backend)
    jobs = _CueJobs(conditions, sketches, order, AudioJob)
    ao = options.audio
    mg = options.midi
    sr = ao.sample_rate
    origin = programme_start_seconds(mg.programme_start, mg.fps)
    closing: dict[int, Future[Path]] = {}
    # fsync and rename off the synthesizer's threads: one thread is enough to keep the disk busy
    closer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wav-close")
    history = f"A=PCM,F={sr},W={ao.bit_depth},M=stereo,T=scenescore {backend.name}"
    ceiling = float(10 ** (ao.ceiling_dbfs / 20))

    def finish(k: int, audio: np.ndarray) -> np.ndarray:
        """Write cue k's file; return its audio (with ring-out) at the level the file has."""
        i = order[k]
        c = conditions[i]
        audio = limit_peak(np.asarray(audio, np.float32).reshape(len(audio), -1), ao.ceiling_dbfs)
        if lengths is not None:
            lengths[i] = len(audio)
        if write is not None and i not in write:
            return audio
        frames = round(c.duration_s * sr)
        cue = fit_length(audio, frames)
        declick = min(frames, round(0.005 * sr))
        tail = min(frames, round(ao.end_fade_s * sr))
        # only the faded ends are copied; the body is written from the rendered array
        ends = [(0, cue[:declick] * fade(declick, kind="in")[:, None])]
        body = (declick, min(frames - tail, len(audio)))  # the frames the file holds unfaded
        if declick + tail > frames:  # a cue shorter than its fades: both on a copy of all of it
            cue = cue.copy()
            cue[:declick] *= fade(declick, kind="in")[:, None]
            cue[frames - tail:] *= fade(tail, kind="out")[:, None]
            ends = []
            body = (0, 0)
        elif tail:
            ends.append((frames - tail, cue[frames - tail:] * fade(tail, kind="out")[:, None]))
        start = float(starts_s[i])
        name = audio_file_name(c.cue_id, start, fps=mg.fps, programme_start=mg.programme_start)
        tc = timecode(start, fps=mg.fps, start=mg.programme_start)
        keep = None
        if packed is not None and body[1] > body[0] and BwfWriter.KEEPS_SPANS:
            def keep(writer: Any) -> None:
                packed[i] = writer.packed_span(*body)
        # clipped at the ceiling as the temp track is (the audio is limited to it already), so
        # the temp track can copy the body's bytes from this file
        closing[i] = write_bwf(out / "audio" / name, cue, sample_rate=sr, bit_depth=ao.bit_depth,
                               time_reference=round((origin + start) * sr),
                               description=f"{c.cue_id} {tc} {c.prompt}"[:256], coding_history=history,
                               overwrite=options.overwrite, replace=ends, closer=closer, ceiling=ceiling,
                               written=keep)
        return audio

    total_s = sum(conditions[i].duration_s for i in order)  # a sketch lasts as long as its cue
    done_s = 0.0

    def report(done: int, total: int) -> None:
        nonlocal done_s
        done_s += conditions[order[done - 1]].duration_s
        if progress is not None:
            progress("audio", done, total)
        if on_cue is not None:
            on_cue(CueProgress(cue_id=jobs[done - 1].condition.cue_id, cues_done=done, cues_total=total,
                               music_done_s=done_s, music_total_s=total_s))

    results = backend.render(jobs, options=ao, seed=options.sketch.seed, progress=report, post=finish)

    def closed() -> dict[int, Path]:
        """The cue files' paths once every one is on disk (the first failure raised)."""
        try:
            return {i: future.result() for i, future in closing.items()}
        finally:
            closer.shutdown(wait=True, cancel_futures=True)

    return results, closed, jobs


class _CueJobs(Sequence[Any]):
    """The backend's jobs in film order, each made (once) when first asked for."""

    def __init__(self, conditions: Sequence[MusicCondition], sketches: Sequence[Sketch], order: Sequence[int],
                 job: Callable[..., Any]) -> None:
        self._conditions, self._sketches, self._order, self._job = conditions, sketches, order, job
        self._made: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[j] for j in range(len(self))[k]]
        if not -len(self) <= k < len(self):
            raise IndexError(k)
        k %= len(self)
        made = self._made.get(k)
        if made is None:
            i = self._order[k]
            made = self._made.setdefault(k, self._job(condition=self._conditions[i], sketch=self._sketches[i]))
        return made


def write_temp_track(results: Iterator[tuple[int, np.ndarray]], conditions: Sequence[MusicCondition],
                     starts_s: Sequence[float], order: list[int], out: Path,
                     options: RenderOptions, packed: dict[int, PackedSpan] | None = None) -> Path | None:
    """The temp track from the finished cues (``start_cue_audio``'s results over every cue of
    ``order``), in start order; None when it is not asked for. ``packed`` (by cue index, filled
    by ``start_cue_audio`` as the cues are written) are the cue files' packed bodies: copied
    into the temp track where a cue sounds alone, and closed here."""
    packed = packed if packed is not None else {}  # filled by the workers while this runs
    try:
        return _write_temp_track(results, conditions, starts_s, order, out, options, packed)
    finally:
        for span in list(packed.values()):
            span.close()


def _write_temp_track(results: Iterator[tuple[int, np.ndarray]], conditions: Sequence[MusicCondition],
                      starts_s: Sequence[float], order: list[int], out: Path,
                      options: RenderOptions, packed: dict[int, PackedSpan]) -> Path | None:
    import numpy as np

    from scenescore.render.audio import mix_stream, place_cue

    ao = options.audio
    mg = options.midi
    sr = ao.sample_rate
    origin = programme_start_seconds(mg.programme_start, mg.fps)

    if not ao.temp_track:
        for _ in results:
            pass
        return None

    crossfade = round(ao.crossfade_s * sr)
    declick = round(0.005 * sr)
    starts = [round(float(starts_s[i]) * sr) for i in order]
    lengths = [round(conditions[i].duration_s * sr) for i in order]
    total = max(s + n for s, n in zip(starts, lengths, strict=True)) + crossfade

    with tempfile.TemporaryDirectory(prefix="scenescore-mix-") as spill_dir:
        def in_order() -> Iterator[tuple[object, np.ndarray, PackedSpan | None]]:
            """Cues in start order; ones that arrive early wait on disk, not in memory."""
            waiting: dict[int, Path] = {}
            want = 0
            fade_end = -1
            for k, audio in results:
                if k != want:
                    waiting[k] = Path(spill_dir) / f"{k}.npy"
                    np.save(waiting[k], audio)
                    continue
                while True:
                    nxt = starts[want + 1] if want + 1 < len(starts) else None
                    placement = place_cue(starts[want], lengths[want], len(audio), nxt, fade_end,
                                          crossfade=crossfade, declick=declick)
                    fade_end = placement.start + placement.fade_out_at + placement.fade_out
                    span = packed.pop(order[want], None)
                    try:
                        yield placement, audio, span
                    finally:
                        if span is not None:
                            span.close()
                    want += 1
                    if want not in waiting:
                        break
                    path = waiting.pop(want)
                    audio = np.load(path, mmap_mode="r")
                    path.unlink(missing_ok=True)
        temp = mix_stream(out / "audio" / "temp_score.wav", in_order(), frames=total, sample_rate=sr,
                          bit_depth=ao.bit_depth, description="temp score (TEMP, not for release)",
                          time_reference=round(origin * sr), ceiling_dbfs=ao.ceiling_dbfs,
                          overwrite=options.overwrite)
    return temp


def write_sketch(condition: MusicCondition, path: str | os.PathLike[str], *, options: RenderOptions | None = None,
                 start_s: float = 0.0, overwrite: bool = True) -> Path:
    """One cue's sketch to ``.mid`` (or ``.musicxml``/``.xml`` by the suffix)."""
    options = options or RenderOptions()
    sketch = perform(sketch_cue(condition, options=options.sketch), release_beats=options.sketch.release_beats)
    target = Path(path)
    if target.suffix.lower() in (".musicxml", ".xml"):
        from scenescore.render.musicxml import write_musicxml

        return write_musicxml(sketch, target, overwrite=overwrite)
    if target.suffix.lower() not in (".mid", ".midi"):
        raise OptionsError(f"{target}: write a .mid, .midi, .musicxml or .xml file")
    return atomic_write_bytes(target, sketch_to_midi(sketch, start_s=start_s, options=options.midi),
                              overwrite=overwrite)
