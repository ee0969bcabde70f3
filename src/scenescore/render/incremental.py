"""Render a film again, redoing only the cues that changed.

A spotting session changes a cue or two and asks for the film again. Each cue has a key: the
hash of its condition, its MIDI (which carries the notes, the themes as the theme book realized
them, and the start) and the audio options. A cue whose key and files are what the last render
left is not sketched to disk, synthesized or written again: its files stay byte for byte.
The film MIDI, ``themes.json`` and the state are rebuilt (cheap); the temp track is patched
in place over the stretch where a changed cue sounds (and its neighbours, whose crossfades
depend on it), with the same arithmetic as a full mix, so it is byte-identical to a full
render of the same film. Without a usable earlier state everything is rendered, as
:func:`scenescore.render.film.render_film` does.

The state (``render_state.json``) lists per cue its key, its placement in the temp track, the
audio length with ring-out, and each file's sha256 and size. A file is reused only when the
caller vouches for it (``trusted``: the files the last *complete* render recorded, as the run's
manifest holds them) with the same sha256 and size, and its size on disk is still that: files
are not read back (a feature's audio is gigabytes), so a render killed midway, which leaves no
record, is followed by a full one.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.conditions.schema import MusicCondition
from scenescore.errors import ScenescoreError
from scenescore.io import atomic_write_bytes, remember_sha256, sha256_file
from scenescore.render.film import (
    RenderedCue,
    RenderedFilm,
    _check_inputs,
    python_beside_synthesis,
    start_cue_audio,
    write_film_files,
    write_temp_track,
)
from scenescore.render.midi import _check_fps, sketch_to_midi, timecode
from scenescore.render.options import RenderOptions
from scenescore.render.themes import ThemeBook

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from scenescore.render.drama import CueMap
    from scenescore.render.sketch import Sketch

log = logging.getLogger(__name__)
STATE_FILE = "render_state.json"
#: Bumped when what a cue key covers changes.
STATE_VERSION = 2
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class IncrementalResult:
    film: RenderedFilm
    #: Cue ids rendered this time (the others kept their files).
    rendered: tuple[str, ...]
    #: Cue ids synthesized only to patch the temp track under a changed neighbour.
    neighbours: tuple[str, ...]
    #: ``full``, ``patched`` or ``kept`` (temp track), or ``none``.
    temp_track: str
    state: dict[str, Any]

    @property
    def outputs(self) -> dict[str, list[Any]]:
        """Every file of the render (relative path → [sha256, size]), as a manifest records them."""
        out: dict[str, list[Any]] = {}
        for entry in self.state["cues"].values():
            out.update(entry["files"])
        if "temp_track" in self.state:
            out[self.state["temp_track"]["file"]] = self.state["temp_track"]["entry"]
        return out


def _file_entry(path: Path, digest: str | None = None) -> list[Any]:
    return [digest or sha256_file(path), path.stat().st_size]


def _intact(folder: Path, files: Mapping[str, Sequence[Any]], trusted: Mapping[str, Sequence[Any]] | None) -> bool:
    """Every file is vouched for with the digest and size recorded, and still has that size
    (then its sha256 is taken as recorded, without reading it)."""
    if trusted is None:
        return False
    for rel, (digest, size) in files.items():
        if list(trusted.get(rel, ())) != [digest, size]:
            return False
        try:
            if (folder / rel).stat().st_size != size:
                return False
        except OSError:
            return False
    return True


def read_state(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    try:
        state = json.loads((Path(folder) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) and state.get("version") == STATE_VERSION else None


def cue_key(condition: MusicCondition, sketch: Sketch, start_s: float, options: RenderOptions) -> str:
    """What a cue's files are made from: its condition, its notes (the sketch, themes as the
    theme book realized them; by value, through ``repr`` of its frozen records), its start and
    the options. Cheaper than writing its MIDI to compare."""
    payload = {"condition": condition.model_dump(mode="json"),
               "sketch": hashlib.sha256(repr(sketch).encode("utf-8")).hexdigest(), "start_s": float(start_s),
               "midi": asdict(options.midi), "audio": asdict(options.audio), "musicxml": options.musicxml,
               "seed": options.sketch.seed, "version": STATE_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


def render_film_incremental(conditions: Sequence[MusicCondition], starts_s: Sequence[float],
                            out_dir: str | os.PathLike[str], *, options: RenderOptions | None = None,
                            scenes: Sequence[tuple[float, str]] = (), title: str = "film",
                            themes: ThemeBook | None = None, previous: Mapping[str, Any] | None = None,
                            trusted: Mapping[str, Sequence[Any]] | None = None,
                            frozen: frozenset[str] = frozenset(), maps: Sequence[CueMap] = (),
                            progress: Progress | None = None,
                            on_cue: Callable[[Any], None] | None = None) -> IncrementalResult:
    """Like :func:`~scenescore.render.film.render_film`, reusing what ``previous`` (the state of
    the last render into ``out_dir``) says is still right; returns the new state too.

    ``frozen`` cues (locked in a spotting session) meet the themes as they did last time: the
    theme book is set back to the state recorded before them, so their notes do not change when
    the cues before them do.
    """
    options = options or RenderOptions()
    _check_fps(options.midi.fps)
    out = Path(out_dir)
    order = _check_inputs(conditions, starts_s)
    book = themes if themes is not None else ThemeBook(seed=options.sketch.seed)
    prev_cues: dict[str, Any] = dict((previous or {}).get("cues", {}))
    files: dict[int, dict[str, list[Any]]] = {}
    paths: dict[int, dict[str, Path]] = {}
    audio_state: dict[int, dict[str, Any]] = {}
    full_mix = streamed = None
    if not prev_cues and options.audio.backend == "fluidsynth" and options.audio.temp_track:
        # Nothing to keep: every cue is rendered, and the synthesizer takes each cue as soon as
        # it is sketched (FluidSynth's workers ask for one cue at a time).
        streamed = _Streamed(len(conditions))
        full_mix = _Mixer(conditions, starts_s, order, out, options).start_full(
            streamed, list(order), audio_state, paths, files, progress, on_cue)
    try:
        with python_beside_synthesis() if streamed is not None else contextlib.nullcontext():
            sketches, before_themes = _sketch(conditions, starts_s, order, options, book, scenes, prev_cues, frozen,
                                              maps, progress, publish=streamed.put if streamed is not None else None)
    except BaseException as exc:
        if streamed is not None and full_mix is not None:
            streamed.fail(exc)
            full_mix.abandon()
        raise
    keys = {i: cue_key(conditions[i], sketches[i], starts_s[i], options) for i in order}
    kept: set[int] = set()
    for i in order:
        before = prev_cues.get(conditions[i].cue_id)
        if (before and before.get("key") == keys[i] and not before.get("problems")
                and _intact(out, before.get("files", {}), trusted)):
            kept.add(i)
            for rel, (digest, _size) in before["files"].items():
                remember_sha256(out / rel, digest)
    for i in order:
        if i in kept:
            files[i] = dict(prev_cues[conditions[i].cue_id]["files"])
            paths[i] = {kind: out / rel for kind, rel in _kinds(prev_cues[conditions[i].cue_id])}
        else:
            paths[i], files[i] = {}, {}

    temp_track: Path | None = None
    temp_status = "none"
    neighbours: list[int] = []
    prev_temp = (previous or {}).get("temp_track")
    if options.audio.backend != "none":
        mixer = _Mixer(conditions, starts_s, order, out, options)
        todo = [i for i in order if i not in kept]
        for i in kept:
            audio_state[i] = {"available": int(prev_cues[conditions[i].cue_id]["available"])}
        patchable = (options.audio.temp_track and prev_temp is not None and bool(kept)
                     and prev_temp.get("frames") == mixer.total_frames
                     and _intact(out, {prev_temp["file"]: prev_temp["entry"]}, trusted))
        if full_mix is not None:
            mixer = full_mix.mixer
        elif options.audio.temp_track and not patchable:
            # the synthesizer starts now and works while the MIDI and MusicXML are written
            full_mix = mixer.start_full(sketches, todo, audio_state, paths, files, progress, on_cue)
    try:
        with python_beside_synthesis() if full_mix is not None else contextlib.nullcontext():
            film_midi, themes_path, maps_path = _write_scores(conditions, starts_s, order, out, options, sketches,
                                                              kept, paths, files, book, scenes, title, maps)
    except BaseException:
        if full_mix is not None:
            full_mix.abandon()
        raise
    if full_mix is not None:
        temp_track = full_mix.finish()
        temp_status = "full"
    elif options.audio.backend != "none":
        if not options.audio.temp_track:
            mixer.synthesize(sketches, todo, todo, audio_state, paths, files, progress, on_cue, keep=False)
        else:
            temp_track, neighbours = mixer.patch(sketches, todo, audio_state, prev_cues, prev_temp,
                                                 paths, files, progress, on_cue)
            temp_status = "patched" if todo or neighbours else "kept"
    problems = mixer.problems if options.audio.backend != "none" else {}
    mg = options.midi
    cues = tuple(
        RenderedCue(cue_id=conditions[i].cue_id, start_s=float(starts_s[i]), duration_s=conditions[i].duration_s,
                    timecode=timecode(float(starts_s[i]), fps=mg.fps, start=mg.programme_start),
                    midi=paths[i]["midi"], musicxml=paths[i].get("musicxml"), audio=paths[i].get("audio"),
                    sample_rate=options.audio.sample_rate if "audio" in paths[i] else None,
                    themes=tuple(dict.fromkeys(t.label for t in sketches[i].themes)))
        for i in order)
    film = RenderedFilm(cues=cues, midi=film_midi, temp_track=temp_track, themes=themes_path, cue_maps=maps_path,
                        audio_backend=options.audio.backend,
                        sample_rate=options.audio.sample_rate if temp_track or any("audio" in p for p in paths.values())
                        else None, sketches=tuple(sketches[i] for i in order),
                        degraded=tuple(f"{conditions[i].cue_id}: {p}" for i in order for p in problems.get(i, ())))
    state: dict[str, Any] = {"version": STATE_VERSION, "cues": {}}
    for i in order:
        entry = {"key": keys[i], "files": dict(sorted(files[i].items())), "themes_before": before_themes[i],
                 "kinds": {kind: _rel(out, p) for kind, p in sorted(paths[i].items())}}
        entry.update(audio_state.get(i, {"available": 0}))
        if problems.get(i):  # a degraded cue is made again next time, never reused
            entry["problems"] = problems[i]
        state["cues"][conditions[i].cue_id] = entry
    if temp_track is not None:
        placed = mixer.placement_state({i: audio_state[i]["available"] for i in order})
        for i in order:
            state["cues"][conditions[i].cue_id]["placement"] = placed[i]
        rel = _rel(out, temp_track)
        state["temp_track"] = {"file": rel, "entry": _file_entry(temp_track),
                               "frames": mixer.frames_written}
    rendered = tuple(conditions[i].cue_id for i in order if i not in kept)
    log.info("render: %d of %d cues rendered, %d kept; temp track %s", len(rendered), len(order),
             len(kept), temp_status)
    return IncrementalResult(film=film, rendered=rendered, neighbours=tuple(conditions[i].cue_id for i in neighbours),
                             temp_track=temp_status, state=state)


def _write_scores(conditions: Sequence[MusicCondition], starts_s: Sequence[float], order: list[int], out: Path,
                  options: RenderOptions, sketches: Sequence[Sketch], kept: Collection[int],
                  paths: dict[int, dict[str, Path]], files: dict[int, dict[str, list[Any]]], book: ThemeBook,
                  scenes: Sequence[tuple[float, str]], title: str, maps: Sequence[CueMap]) -> tuple[Path, Path, Path]:
    """The changed cues' MIDI and MusicXML (into ``paths`` and ``files``), the film MIDI,
    ``themes.json`` and ``cue_maps.json``."""
    for i in order:
        if i in kept:
            continue
        name = _safe(conditions[i].cue_id)
        data = sketch_to_midi(sketches[i], start_s=float(starts_s[i]), options=options.midi)
        midi = atomic_write_bytes(out / "midi" / f"{name}.mid", data, overwrite=options.overwrite)
        paths[i]["midi"] = midi
        files[i][_rel(out, midi)] = _file_entry(midi, hashlib.sha256(data).hexdigest())
        if options.musicxml:
            from scenescore.render.musicxml import write_musicxml

            xml = write_musicxml(sketches[i], out / "xml" / f"{name}.musicxml", overwrite=options.overwrite)
            paths[i]["musicxml"] = xml
            files[i][_rel(out, xml)] = _file_entry(xml)
    return write_film_files(conditions, sketches, order, starts_s, out, options, scenes, title, book, maps)


def _sketch(conditions: Sequence[MusicCondition], starts_s: Sequence[float], order: list[int],
            options: RenderOptions, book: ThemeBook, scenes: Sequence[tuple[float, str]],
            prev_cues: Mapping[str, Any], frozen: frozenset[str], maps: Sequence[CueMap],
            progress: Progress | None, publish: Callable[[int, Sketch], None] | None = None,
            ) -> tuple[list[Sketch], dict[int, dict[str, Any]]]:
    """Every cue sketched in film order through one book (as ``sketch_film``), recording the
    book's state of each cue's motifs before it, and restoring it for frozen cues; ``publish``
    hears of each sketch as it is made."""
    import bisect

    from scenescore.render.performance import perform
    from scenescore.render.sketch import sketch_cue

    timed = sorted(scenes, key=lambda m: m[0])
    times = [t for t, _ in timed]

    def markers(start: float, duration: float) -> list[tuple[float, str]]:
        first, stop = bisect.bisect_left(times, start), bisect.bisect_left(times, start + duration)
        return [(t - start, text) for t, text in timed[first:stop]]

    out: dict[int, Sketch] = {}
    before: dict[int, dict[str, Any]] = {}
    by_cue = {m.cue_id: m for m in maps}
    for done, i in enumerate(order, 1):
        c = conditions[i]
        recorded = (prev_cues.get(c.cue_id) or {}).get("themes_before")
        if c.cue_id in frozen and isinstance(recorded, dict):
            book.restore(recorded)
        before[i] = book.snapshot([t.motif for t in c.themes])
        out[i] = perform(sketch_cue(c, themes=book, options=options.sketch,
                                    scene_markers=markers(float(starts_s[i]), c.duration_s),
                                    cue_map=by_cue.get(c.cue_id)),
                         release_beats=options.sketch.release_beats)  # as sketch_film plays them
        if publish is not None:
            publish(i, out[i])
        if progress is not None:
            progress("sketch", done, len(order))
    return [out[i] for i in range(len(conditions))], before


def state_bytes(state: Mapping[str, Any]) -> bytes:
    return (json.dumps(state, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _kinds(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    return list(entry.get("kinds", {}).items())


def _safe(cue_id: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "_", cue_id)


def _rel(out: Path, path: Path) -> str:
    return Path(path).resolve().relative_to(out.resolve()).as_posix()


@dataclass(frozen=True, slots=True)
class _FullMix:
    """A full mix started: ``finish()`` writes the temp track once the cues are rendered;
    ``abandon()`` stops the synthesizer when the render fails before that."""

    finish: Callable[[], Path]
    abandon: Callable[[], None]
    mixer: _Mixer


class _Streamed(Sequence[Any]):
    """Sketches in the order they are made; asking for one not made yet waits for it."""

    def __init__(self, n: int) -> None:
        self._items: list[Any] = [None] * n
        self._ready = [threading.Event() for _ in range(n)]
        self._error: BaseException | None = None

    def __len__(self) -> int:
        return len(self._items)

    def put(self, i: int, sketch: Any) -> None:
        self._items[i] = sketch
        self._ready[i].set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        for ready in self._ready:
            ready.set()

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(len(self))[i]]
        self._ready[i].wait()
        if self._items[i] is None:
            raise ScenescoreError(f"the render stopped before cue {i} was sketched: {self._error}")
        return self._items[i]


class _Mixer:
    """The temp track's arithmetic, shared by a full mix and a patch (same order, same sums)."""

    def __init__(self, conditions: Sequence[MusicCondition], starts_s: Sequence[float], order: list[int],
                 out: Path, options: RenderOptions) -> None:
        self.conditions, self.order, self.out, self.options = conditions, order, out, options
        ao = options.audio
        self.sr = ao.sample_rate
        self.crossfade = round(ao.crossfade_s * self.sr)
        self.declick = round(0.005 * self.sr)
        self.starts = {i: round(float(starts_s[i]) * self.sr) for i in order}
        self.lengths = {i: round(conditions[i].duration_s * self.sr) for i in order}
        self.starts_s = starts_s
        self.frames_written = 0
        #: Cue index → what went wrong synthesizing it (MusicGen stopping early...).
        self.problems: dict[int, list[str]] = {}

    @property
    def total_frames(self) -> int:
        return max(self.starts[i] + self.lengths[i] for i in self.order) + self.crossfade

    def synthesize(self, sketches: Sequence[Sketch], which: Sequence[int], write: Collection[int],
                   audio_state: dict[int, dict[str, Any]], paths: dict[int, dict[str, Path]],
                   files: dict[int, dict[str, list[Any]]], progress: Progress | None,
                   on_cue: Callable[[Any], None] | None, *, keep: bool = True) -> dict[int, np.ndarray]:
        """Synthesize the cues ``which``; those in ``write`` get their files from the
        synthesizer's workers, as in ``render_film`` (same code). Returns the cues' audio at the
        files' level, with ring-out (by cue index; empty unless ``keep``)."""
        if not which:
            return {}
        lengths: dict[int, int] = {}
        results, closed, jobs = start_cue_audio(self.conditions, sketches, list(which), self.starts_s, self.out,
                                                self.options, progress, on_cue, write=frozenset(write),
                                                lengths=lengths)
        audio: dict[int, np.ndarray] = {}
        try:
            for k, limited in results:
                if keep:
                    audio[which[k]] = limited
        finally:
            written = closed()
        self._record(which, jobs, lengths, written, audio_state, paths, files)
        return audio

    def _record(self, which: Sequence[int], jobs: Sequence[Any], lengths: Mapping[int, int],
                written: Mapping[int, Path], audio_state: dict[int, dict[str, Any]],
                paths: dict[int, dict[str, Path]], files: dict[int, dict[str, list[Any]]]) -> None:
        """What the synthesized cues left: problems, lengths, files (their sha256 as hashed
        while written: nothing is read back)."""
        for k, i in enumerate(which):
            if jobs[k].problems:
                self.problems[i] = list(jobs[k].problems)
            if i in written:
                audio_state[i] = {"available": lengths[i]}
                paths[i]["audio"] = written[i]
                files[i][_rel(self.out, written[i])] = _file_entry(written[i])

    def placements(self, available: Mapping[int, int]) -> dict[int, Any]:
        from scenescore.render.audio import place_cue

        out: dict[int, Any] = {}
        fade_end = -1
        for k, i in enumerate(self.order):
            nxt = self.starts[self.order[k + 1]] if k + 1 < len(self.order) else None
            p = place_cue(self.starts[i], self.lengths[i], available[i], nxt, fade_end, crossfade=self.crossfade,
                          declick=self.declick)
            fade_end = p.start + p.fade_out_at + p.fade_out
            out[i] = p
        return out

    @staticmethod
    def segment(placement: Any, audio: np.ndarray) -> np.ndarray:
        from scenescore.render.audio import fade, fit_length

        seg = fit_length(audio, placement.length).copy()
        seg[: placement.fade_in] *= fade(placement.fade_in, kind="in")[:, None]
        out_end = placement.fade_out_at + placement.fade_out
        seg[placement.fade_out_at:out_end] *= fade(placement.fade_out, kind="out")[: out_end - placement.fade_out_at, None]
        seg[out_end:] = 0
        return seg

    def start_full(self, sketches: Sequence[Sketch], todo: Sequence[int], audio_state: dict[int, dict[str, Any]],
                   paths: dict[int, dict[str, Path]], files: dict[int, dict[str, list[Any]]],
                   progress: Progress | None, on_cue: Callable[[Any], None] | None) -> _FullMix:
        """Start synthesizing every cue (kept cues too: the mix needs their ring-out), to be
        mixed as ``render_film`` mixes by ``finish()``; only the cues ``todo`` get their files
        written. The caller writes other files meanwhile."""
        lengths: dict[int, int] = {}
        packed: dict[int, Any] = {}  # the written cue files' bodies, copied into the temp track
        results, closed, jobs = start_cue_audio(self.conditions, sketches, self.order, self.starts_s, self.out,
                                                self.options, progress, on_cue, write=frozenset(todo),
                                                lengths=lengths, packed=packed)

        def finish() -> Path:
            try:
                temp = write_temp_track(results, self.conditions, self.starts_s, self.order, self.out,
                                        self.options, packed)
            finally:
                written = closed()
            assert temp is not None  # only called when a temp track is asked for
            self._record(self.order, jobs, lengths, written, audio_state, paths, files)
            for i in self.order:
                audio_state[i] = {"available": lengths[i]}
            self.frames_written = self.total_frames
            return temp

        def abandon() -> None:
            close = getattr(results, "close", None)
            if close is not None:
                close()
            for span in packed.values():
                span.close()
            try:
                closed()
            except Exception:  # noqa: BLE001 - the caller's own error is the one to raise
                log.debug("a cue file of an abandoned render failed too", exc_info=True)

        return _FullMix(finish, abandon, self)

    def patch(self, sketches: Sequence[Sketch], todo: Sequence[int], audio_state: dict[int, dict[str, Any]],
              prev_cues: Mapping[str, Any], prev_temp: Mapping[str, Any], paths: dict[int, dict[str, Path]],
              files: dict[int, dict[str, list[Any]]], progress: Progress | None,
              on_cue: Callable[[Any], None] | None) -> tuple[Path, list[int]]:
        """Synthesize the changed cues, then rewrite the temp track where they (or the crossfades
        they changed) sound, from every cue that sounds there."""
        import numpy as np

        from scenescore.render.audio import pcm_buffer

        ao = self.options.audio
        fresh = self.synthesize(sketches, todo, todo, audio_state, paths, files, progress, on_cue)
        available = {i: audio_state[i]["available"] for i in self.order}
        now = self.placements(available)
        windows: list[tuple[int, int]] = []
        for i in self.order:
            old = prev_cues.get(self.conditions[i].cue_id, {}).get("placement")
            new = [now[i].start, now[i].length, now[i].fade_in, now[i].fade_out_at, now[i].fade_out]
            if i in fresh or old != new:
                windows.append((now[i].start, now[i].start + now[i].length))
                if old:
                    windows.append((old[0], old[0] + old[1]))
        # Cues removed since the last render sounded in their old spans.
        current = {self.conditions[i].cue_id for i in self.order}
        for cid, entry in prev_cues.items():
            if cid not in current and entry.get("placement"):
                p = entry["placement"]
                windows.append((p[0], p[0] + p[1]))
        merged = _merge(windows)
        path = self.out / "audio" / "temp_score.wav"
        self.frames_written = self.total_frames
        if not merged:  # nothing sounds different: the file stays, its digest as recorded
            remember_sha256(path, prev_temp["entry"][0])
            return path, []
        needed = [i for i in self.order if i not in fresh
                  and any(now[i].start < b and a < now[i].start + now[i].length for a, b in merged)]
        fresh.update(self.synthesize(sketches, needed, (), audio_state, paths, files, None, None))
        ceiling = np.float32(10 ** (ao.ceiling_dbfs / 20))
        header = _data_offset(path)
        block = 2 * ao.bit_depth // 8
        frames = self.total_frames
        # In place: a crash midway leaves no record of a complete render, so the next one mixes
        # it whole.
        with open(path, "r+b") as fh:
            for a, b in merged:
                a, b = max(0, a), min(frames, b)
                if b <= a:
                    continue
                buf = np.zeros((b - a, 2), np.float32)
                for i in self.order:
                    p = now[i]
                    lo, hi = max(a, p.start), min(b, p.start + p.length)
                    if hi <= lo:
                        continue
                    seg = self.segment(p, fresh[i])
                    buf[lo - a:hi - a] += seg[lo - p.start:hi - p.start]
                fh.seek(header + a * block)
                fh.write(pcm_buffer(np.clip(buf, -ceiling, ceiling), ao.bit_depth))
            fh.flush()
            os.fsync(fh.fileno())
        self.frames_written = frames
        remember_sha256(path, _sha256_path(path))
        for i in self.order:
            audio_state.setdefault(i, {"available": available[i]})
        return path, needed

    def placement_state(self, available: Mapping[int, int]) -> dict[int, list[int]]:
        now = self.placements(available)
        return {i: [p.start, p.length, p.fade_in, p.fade_out_at, p.fade_out] for i, p in now.items()}


def _merge(windows: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _data_offset(path: Path) -> int:
    """Byte offset of the PCM data in a WAV written by :class:`BwfWriter`."""
    import struct

    with open(path, "rb") as fh:
        head = fh.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise ValueError(f"{path}: not a WAV file")
        pos = 12
        while True:
            fh.seek(pos)
            chunk = fh.read(8)
            if len(chunk) < 8:
                raise ValueError(f"{path}: no data chunk")
            kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind == b"data":
                return pos + 8
            pos += 8 + size + size % 2


def _sha256_path(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()
