"""Standard MIDI Files (type 1) a DAW opens cleanly: one per cue and one for the whole film.

Written with mido because pretty_midi drops what a film session needs: markers at cue and
scene starts, the SMPTE offset that spots the file to picture (programme start 01:00:00:00 by
convention) and per-cue key signatures. Ticks exist only here: every time arrives in seconds
and is converted through the tempo map, each event rounded on its own so nothing drifts.
"""

from __future__ import annotations

import bisect
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from scenescore import timecode as shared_timecode
from scenescore.errors import OptionsError
from scenescore.render.options import FRAME_RATES, MidiOptions
from scenescore.render.sketch import ROLE_ORDER, Note, Part, Sketch
from scenescore.timecode import PROGRAMME_START

# Event order at one tick: meta first, then program changes, controllers, note-offs, note-ons.
_META, _PROGRAM, _CONTROL, _OFF, _ON = range(5)
PROGRAM, CONTROL, NOTE_OFF, NOTE_ON = _PROGRAM, _CONTROL, _OFF, _ON


def _import_mido():  # noqa: ANN202 - the module
    try:
        import mido
    except ImportError:  # pragma: no cover - a core dependency
        from scenescore.errors import MissingDependencyError

        raise MissingDependencyError("MIDI files", "mido", "all") from None
    return mido


def _check_fps(fps: float) -> None:
    if not any(abs(fps - f) < 1e-6 for f in FRAME_RATES):
        raise OptionsError(f"frame rate {fps:g} is not one of {', '.join(f'{f:g}' for f in FRAME_RATES)}")


def timecode_fields(seconds: float, *, fps: float = 24.0,
                    start: tuple[int, int, int, int] = PROGRAMME_START) -> tuple[int, int, int, int, int]:
    """(hours, minutes, seconds, frames, hundredths of a frame) of a time after programme start.

    23.976 counts 24 frames a second and 29.97 uses drop-frame numbering (SMPTE 12M), as the
    SMF frame-rate codes for 24 and 30-drop mean (:mod:`scenescore.timecode`).
    """
    _check_fps(fps)
    return shared_timecode.timecode_fields(seconds, fps, start=start)


def timecode(seconds: float, *, fps: float = 24.0, start: tuple[int, int, int, int] = PROGRAMME_START,
             separator: str = ":") -> str:
    """``01:00:12:05`` for a time after programme start (``separator='-'`` for file names).

    Rounded to the nearest frame, as the spotting notes do."""
    _check_fps(fps)
    return shared_timecode.format_timecode(max(0.0, seconds), fps, start=start, separator=separator)


@dataclass(frozen=True, slots=True)
class _Segment:
    start_s: float
    tick: int
    bpm: float


class _TempoMap:
    """Seconds to ticks through tempo segments; each event is rounded on its own."""

    def __init__(self, ppq: int) -> None:
        self.ppq = ppq
        self.segments: list[_Segment] = []

    def add(self, start_s: float, bpm: float) -> None:
        if self.segments and start_s <= self.segments[-1].start_s + 1e-9:
            last = self.segments.pop()
            tick = last.tick
            start_s = last.start_s
        elif self.segments:
            tick = self.ticks(start_s)
        else:
            tick = 0
        self.segments.append(_Segment(start_s, tick, bpm))

    def ticks(self, seconds: float) -> int:
        # The last segment starting at or before ``seconds`` (the first when none does), found by
        # bisection: a film's map has a segment per cue, and every note asks (linear, not n * m).
        index = bisect.bisect_right(self.segments, seconds + 1e-9, key=lambda s: s.start_s) - 1
        seg = self.segments[max(0, index)]
        return seg.tick + round((seconds - seg.start_s) * seg.bpm / 60.0 * self.ppq)


def _tempo_us(bpm: float) -> int:
    return max(1, min(0xFFFFFF, round(60_000_000 / bpm)))


def _time_signature(mido, sketch: Sketch):  # noqa: ANN001, ANN202
    meter = sketch.meter
    clocks = 36 if meter.compound else 24 * 4 // meter.denominator
    return mido.MetaMessage("time_signature", numerator=meter.numerator, denominator=meter.denominator,
                            clocks_per_click=clocks, notated_32nd_notes_per_beat=8)


def _smpte(mido, seconds: float, options: MidiOptions):  # noqa: ANN001, ANN202
    h, m, s, f, sub = timecode_fields(seconds, fps=options.fps, start=options.programme_start)
    rate = 24 if abs(options.fps - 23.976) < 1e-6 else options.fps
    rate = 29.97 if abs(rate - 29.97) < 1e-6 else int(rate)
    return mido.MetaMessage("smpte_offset", frame_rate=rate, hours=h, minutes=m, seconds=s, frames=f,
                            sub_frames=sub)


def _resolve_overlaps(placed: list[tuple[int, int, Note, int, int]]) -> list[tuple[int, int, Note, int, int]]:
    """On one channel a pitch can sound once: cut a note where the same pitch starts again."""
    by_key: dict[tuple[int, int], list[int]] = {}
    for idx, (_, ch, note, _, _) in enumerate(placed):
        by_key.setdefault((ch, note.pitch), []).append(idx)
    keep = [True] * len(placed)
    ends = [p[4] for p in placed]
    for indices in by_key.values():
        indices.sort(key=lambda i: (placed[i][3], -placed[i][2].velocity, i))
        prev = None
        for i in indices:
            if prev is not None and placed[i][3] < ends[prev]:
                if placed[i][3] <= placed[prev][3]:
                    keep[i] = False
                    continue
                ends[prev] = placed[i][3]
            prev = i
    return [(t, ch, n, s, ends[i]) for i, (t, ch, n, s, _) in enumerate(placed) if keep[i] and ends[i] > s]


class _Writer:
    """Collects (tick, order, message) per track and writes a type-1 file."""

    def __init__(self, ppq: int) -> None:
        self.mido = _import_mido()
        self.ppq = ppq
        self.tracks: list[list[tuple[int, int, int, object]]] = []
        self.names: list[str] = []
        self._seq = 0

    def track(self, name: str) -> int:
        self.tracks.append([])
        self.names.append(name)
        return len(self.tracks) - 1

    def put(self, track: int, tick: int, order: int, message: object) -> None:
        self._seq += 1
        self.tracks[track].append((max(0, tick), order, self._seq, message))

    def notes(self, tempo: _TempoMap, placed: Sequence[tuple[int, int, Note, float]]) -> None:
        """``placed``: (track, channel, note, offset_s); overlaps resolved per channel."""
        ticked = [(t, ch, n, tempo.ticks(off + n.start_s), tempo.ticks(off + n.end_s)) for t, ch, n, off in placed]
        # A note is kept as (type, channel, pitch, velocity) until its track is written, where its
        # mido message is made once, with its delta time (a film has some 60,000 notes).
        for track, ch, note, start, end in _resolve_overlaps(ticked):
            self.put(track, start, _ON, ("note_on", ch, note.pitch, note.velocity))
            self.put(track, end, _OFF, ("note_off", ch, note.pitch, 0))

    def to_bytes(self, end_tick: int) -> bytes:
        mido = self.mido
        smf = mido.MidiFile(type=1, ticks_per_beat=self.ppq)
        for name, events in zip(self.names, self.tracks, strict=True):
            track = mido.MidiTrack()
            track.append(mido.MetaMessage("track_name", name=name, time=0))
            now = 0
            events.sort()  # by tick, order, sequence (unique: the messages are never compared)
            last = max([end_tick] + [e[0] for e in events])
            message_type, append = mido.Message, track.append
            for tick, _, _, message in events:
                if type(message) is tuple:
                    # sketches hold valid pitches (0-127), velocities (1-127) and channels:
                    # mido's checks, a third of the time of a film's MIDI, are skipped for notes
                    kind, ch, pitch, velocity = message
                    append(message_type(kind, skip_checks=True, channel=ch, note=pitch, velocity=velocity,
                                        time=tick - now))
                elif isinstance(message, message_type):
                    append(message.copy(skip_checks=True, time=tick - now))
                else:
                    append(message.copy(time=tick - now))  # type: ignore[attr-defined]
                now = tick
            track.append(mido.MetaMessage("end_of_track", time=last - now))
            smf.tracks.append(track)
        buffer = io.BytesIO()
        smf.save(file=buffer)
        return buffer.getvalue()


def _part_header(w: _Writer, track: int, tick: int, part: Part, channel: int, tempo: _TempoMap, offset_s: float) -> None:
    mido = w.mido
    w.put(track, tick, _META, mido.MetaMessage("instrument_name", name=part.instrument[:60]))
    w.put(track, tick, _PROGRAM, mido.Message("program_change", channel=channel, program=part.program))
    for t, cc, value in part.controls:
        w.put(track, tempo.ticks(offset_s + t), _CONTROL,
              mido.Message("control_change", channel=channel, control=cc, value=max(0, min(127, value))))


def _safe_text(text: str) -> str:
    """Meta text is latin-1 in mido: keep what a DAW can show."""
    return text.encode("latin-1", "replace").decode("latin-1")


def performance_events(sketch: Sketch, sample_rate: int) -> list[tuple[int, int, int, int, int]]:
    """The cue's channel events for a synthesizer, in order: (frame, kind, channel, data1, data2).

    ``kind`` is one of the event-order constants (program, control, note-off, note-on), so at one
    frame the order matches the MIDI files; same-pitch overlaps are cut as in the files.
    """
    events: list[tuple[int, int, int, int, int]] = []
    placed = []
    for part in sketch.parts:
        ch = part.channel
        events.append((0, _PROGRAM, ch, part.program, 0))
        events += [(round(t * sample_rate), _CONTROL, ch, cc, max(0, min(127, v))) for t, cc, v in part.controls]
        placed += [(0, ch, n, round(n.start_s * sample_rate), round(n.end_s * sample_rate)) for n in part.notes]
    for _, ch, note, start, end in _resolve_overlaps(placed):
        events.append((start, _ON, ch, note.pitch, note.velocity))
        events.append((end, _OFF, ch, note.pitch, 0))
    events.sort()
    return events


def sketch_to_midi(sketch: Sketch, *, start_s: float = 0.0, options: MidiOptions | None = None,
                   scene_markers: Sequence[tuple[float, str]] = ()) -> bytes:
    """One cue as an SMF type 1; its SMPTE offset is the cue's start after programme start."""
    options = options or MidiOptions()
    w = _Writer(options.ppq)
    mido = w.mido
    tempo = _TempoMap(options.ppq)
    for t, bpm in sketch.tempo_changes():
        tempo.add(t, bpm)
    conductor = w.track(_safe_text(f"{sketch.cue_id} {timecode(start_s, fps=options.fps, start=options.programme_start)}"))
    w.put(conductor, 0, _META, _smpte(mido, start_s, options))
    w.put(conductor, 0, _META, _time_signature(mido, sketch))
    w.put(conductor, 0, _META, mido.MetaMessage("key_signature", key=sketch.key_signature))
    for seg in tempo.segments:  # the click track fitted to picture: every change explicit
        w.put(conductor, seg.tick, _META, mido.MetaMessage("set_tempo", tempo=_tempo_us(seg.bpm)))
    markers = [(m.time_s, m.text) for m in sketch.markers] + list(scene_markers)
    for t, text in sorted(markers):
        w.put(conductor, tempo.ticks(t), _META, mido.MetaMessage("marker", text=_safe_text(text)))
    placed = []
    for part in sketch.parts:
        track = w.track(_safe_text(part.name))
        _part_header(w, track, 0, part, part.channel, tempo, 0.0)
        placed += [(track, part.channel, n, 0.0) for n in part.notes]
    w.notes(tempo, placed)
    return w.to_bytes(tempo.ticks(sketch.duration_s))


def _slot_key(slot: str) -> tuple[int, str]:
    role = slot.split(" ")[0]
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else 99, slot)


def film_to_midi(sketches: Sequence[Sketch], starts_s: Sequence[float], *, title: str = "film",
                 scene_markers: Sequence[tuple[float, str]] = (), options: MidiOptions | None = None,
                 align_bars: bool = True) -> bytes:
    """The whole film: each cue at its start, one track per voice slot, markers at cues and scenes.

    With ``align_bars`` the silence before each cue gets a tempo that makes it whole bars, so
    every cue starts on a bar line in a DAW (the music's own tempo is untouched).
    """
    if len(sketches) != len(starts_s):
        raise OptionsError(f"{len(sketches)} sketches but {len(starts_s)} start times")
    options = options or MidiOptions()
    w = _Writer(options.ppq)
    mido = w.mido
    order = sorted(range(len(sketches)), key=lambda i: (starts_s[i], i))
    cues = [(float(starts_s[i]), sketches[i]) for i in order]
    tempo = _TempoMap(options.ppq)
    conductor = w.track(_safe_text(title[:60] or "film"))
    w.put(conductor, 0, _META, _smpte(mido, 0.0, options))
    meter_at: list[tuple[float, Sketch]] = []
    tempo_at: list[tuple[float, float]] = []
    cursor = 0.0  # where the previous cue's bars end
    for k, (start, sk) in enumerate(cues):
        bar_s = sk.meter.bar_quarters * 60.0 / sk.tempo_bpm
        gap = start - cursor
        if align_bars and gap >= 0.5 * bar_s:
            bars = max(1, round(gap / bar_s))
            tempo_at.append((cursor, bars * sk.meter.bar_quarters * 60.0 / gap))
            meter_at.append((cursor, sk))
        elif k == 0 and start > 1e-9:
            tempo_at.append((0.0, sk.tempo_bpm))
            meter_at.append((0.0, sk))
        tempo_at += [(start + t, bpm) for t, bpm in sk.tempo_changes() if t < sk.duration_s]
        if not meter_at or meter_at[-1][1] is not sk:
            meter_at.append((start, sk))
        bars = math.ceil(sk.quarters(sk.duration_s) / sk.meter.bar_quarters - 1e-9)
        last_bpm = sk.tempo_changes()[-1][1]
        tail = bars * sk.meter.bar_quarters - sk.quarters(sk.duration_s)
        cursor = max(cursor, start + sk.duration_s + tail * 60.0 / last_bpm)
    if not tempo_at:
        tempo_at.append((0.0, 120.0))
    for t, bpm in tempo_at:
        tempo.add(t, bpm)
    for seg in tempo.segments:
        w.put(conductor, seg.tick, _META, mido.MetaMessage("set_tempo", tempo=_tempo_us(seg.bpm)))
    for t, sk in meter_at:
        w.put(conductor, tempo.ticks(t), _META, _time_signature(mido, sk))
    for start, sk in cues:
        tick = tempo.ticks(start)
        w.put(conductor, tick, _META, mido.MetaMessage("key_signature", key=sk.key_signature))
        for m in sk.markers:
            w.put(conductor, tempo.ticks(start + m.time_s), _META, mido.MetaMessage("marker", text=_safe_text(m.text)))
    for t, text in scene_markers:
        w.put(conductor, tempo.ticks(t), _META, mido.MetaMessage("marker", text=_safe_text(text)))

    # One track per slot, one channel per slot for the whole film (drums on 10).
    slots = sorted({p.slot for _, sk in cues for p in sk.parts if p.role != "theme"}, key=_slot_key)
    free = [ch for ch in range(16) if ch != 9]
    slot_channel: dict[str, int] = {}
    k = 0
    for slot in slots:
        if slot.startswith("drums"):
            slot_channel[slot] = 9
        else:
            slot_channel[slot] = free[k % len(free)]
            k += 1
    theme_slots = sorted({p.slot for _, sk in cues for p in sk.parts if p.role == "theme"})
    characters = {t.motif_id: t.character for _, sk in cues for t in sk.themes}
    tracks: dict[str, int] = {}
    for slot in slots + theme_slots:
        motif = slot.split(" ", 1)[1] if slot.startswith("theme ") else ""
        name = f"Theme {motif} ({characters.get(motif, '')})" if motif else slot.capitalize()
        tracks[slot] = w.track(_safe_text(name[:60]))
    placed = []
    end_s = 0.0
    for start, sk in cues:
        local_to_film = {}
        for part in sk.parts:
            if part.role != "theme":
                local_to_film.setdefault(part.channel, slot_channel[part.slot])
        for part in sk.parts:
            channel = slot_channel.get(part.slot, local_to_film.get(part.channel, 0))
            track = tracks[part.slot]
            tick = tempo.ticks(start)
            _part_header(w, track, tick, part, channel, tempo, start)
            if part.role == "theme":
                labels = sorted({t.label for t in sk.themes if f"theme {t.motif_id}" == part.slot})
                w.put(track, tick, _META, mido.MetaMessage("text", text=_safe_text(f"{sk.cue_id}: {'; '.join(labels)}")))
            placed += [(track, channel, n, start) for n in part.notes]
        end_s = max(end_s, start + sk.duration_s)
    w.notes(tempo, placed)
    return w.to_bytes(tempo.ticks(end_s))
