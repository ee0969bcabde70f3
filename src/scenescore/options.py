"""Options for every stage, with their defaults in one place.

CLI flags and config files refer to these dataclasses instead of re-typing numbers;
derive variants with ``dataclasses.replace``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestOptions:
    #: Refuse inputs larger than this many bytes (a screenplay PDF is rarely over 5 MB).
    max_bytes: int = 50 * 1024 * 1024
    #: Refuse a screenplay whose text is longer than this many characters. A feature's text is
    #: about 0.2 MB; scoring costs 20-30 s of CPU and about 0.4 GB of memory per MB of text
    #: (scripts/bench_scale.py), so a text this long still finishes in minutes, while 50 MB of
    #: text (the file limit, meant for PDFs) would take most of an hour and tens of GB.
    max_text_chars: int = 10_000_000
    #: Force a reader (``fountain``, ``fdx``, ``html``, ``text``, ``pdf``) instead of detecting it.
    format: str | None = None
    #: Columns per tab when expanding tabs in plain text.
    tab_size: int = 8


@dataclass(frozen=True, slots=True)
class SegmentOptions:
    #: Lines on a screenplay page (Courier 12 pt, US letter), for page eighths.
    lines_per_page: int = 55
    #: Screen seconds of one page, the industry's "a page a minute".
    seconds_per_page: float = 60.0
    #: Dialogue speaking rate in words per minute.
    dialogue_wpm: float = 150.0
    #: Screen seconds per laid-out line of action.
    seconds_per_action_line: float = 1.3
    #: Seconds a scene takes just by existing (establishing, cut).
    seconds_per_scene: float = 2.0
    #: Weight of page time in the blend with the dialogue/action estimate (0..1).
    page_weight: float = 0.5
    #: When set, scale every scene's estimate so the film runs this many seconds.
    target_runtime_s: float | None = None
    #: Lines per scene for the fallback when a script has no scene headings.
    fallback_scene_lines: int = 55
    #: Line typer for printed layouts (text, HTML, PDF): ``learned`` (the shipped line CRF) or
    #: ``rules`` (see docs/parsing.md).
    line_typer: str = "learned"


@dataclass(frozen=True, slots=True)
class ScoreOptions:
    """Options of the ``score`` command itself (each stage keeps its own options)."""

    #: Parent folder of run folders.
    out: str = "runs"
    #: Run folder name; default: a slug of the script's file name or title.
    name: str | None = None
    #: The film-level brief for the condition stage, e.g. "sparse piano and strings, 1970s thriller".
    style: str | None = None
    #: Seed for everything random; same inputs and seed give byte-identical files.
    seed: int = 0
    #: First and last stage to run (inclusive); stages before ``start`` must be done already.
    start: str | None = None
    stop: str | None = None
    #: Run every stage in the slice even when its key is unchanged.
    force: bool = False
    #: Footage (a rough cut, an assembly): scenes are placed on the picture, cues take their
    #: in/out from it, and the temp score is muxed into a review copy of the footage.
    video: str | None = None
    #: Subtitles of the footage (SRT/WebVTT); without them Whisper transcribes the dialogue.
    subtitles: str | None = None
    #: Timecode of the film's first frame in every deliverable (spotting notes, cue sheet, MIDI
    #: SMPTE offsets and markers, WAV names and time references, the report): the film and
    #: television convention is one hour in. ``score`` applies it over the stages' own settings.
    programme_start: str = "01:00:00:00"
    #: Start work of later stages ahead of their turn on cores the running stage leaves idle (a
    #: helper process drawing the arc PNG, the SoundFont loaded early; docs/architecture.md).
    #: ``batch`` turns it off when it scores several films at once: their cores are busy anyway.
    ahead: bool = True
