"""SMPTE timecode, the one implementation every deliverable uses (spotting notes, cue sheet, MIDI
SMPTE offsets and markers, WAV names, picture spans).

Rates are exact fractions (29.97 is 30000/1001), so frame counts never drift over a feature.
A timecode labels frames with the rate's nominal whole number of frames a second (24 for
23.976, 30 for 29.97); 29.97 and 59.94 use drop-frame numbering (SMPTE 12M: frame labels 0 and
1, or 0-3 at 59.94, are skipped every minute except every tenth) unless asked otherwise.

A time in seconds becomes a timecode after a *programme start*: the label of the picture's
first frame. Film and television deliverables start at ``01:00:00:00`` (:data:`PROGRAMME_START`);
footage files and subtitles count from ``00:00:00:00``.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from scenescore.errors import OptionsError

#: Common rates by name; NTSC rates are exact fractions so frame counts never drift.
FRAME_RATES: dict[str, Fraction] = {
    "23.976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25),
    "29.97": Fraction(30000, 1001), "30": Fraction(30), "50": Fraction(50),
    "59.94": Fraction(60000, 1001), "60": Fraction(60),
}

#: The film convention: a programme's first frame is labelled one hour in.
PROGRAMME_START: tuple[int, int, int, int] = (1, 0, 0, 0)
#: Footage and subtitle files count from zero.
ZERO: tuple[int, int, int, int] = (0, 0, 0, 0)

_LABEL = re.compile(r"^\s*(\d{1,2})[:;.-](\d{2})[:;.-](\d{2})[:;.-](\d{2})\s*$")


def parse_frame_rate(value: str | float | Fraction) -> Fraction:
    """``"24000/1001"``, ``"29.97"``, ``25`` or a Fraction -> an exact rate (NTSC snapped)."""
    if isinstance(value, Fraction):
        rate = value
    elif isinstance(value, str) and value.strip() in FRAME_RATES:
        rate = FRAME_RATES[value.strip()]
    else:
        try:
            rate = Fraction(value).limit_denominator(1001) if not isinstance(value, str) else (
                Fraction(value.strip()).limit_denominator(1001))
        except (ValueError, ZeroDivisionError):
            raise OptionsError(f"frame rate {value!r} is not a number or a fraction") from None
    if rate <= 0:
        raise OptionsError(f"frame rate {value!r} must be positive")
    for exact in FRAME_RATES.values():  # 23.98 or 29.97 typed by hand -> the NTSC fraction
        if abs(float(rate) - float(exact)) < 0.006:
            return exact
    return rate


def is_drop_frame(rate: Fraction) -> bool:
    """Drop-frame counting is the convention for 29.97 and 59.94 only."""
    return rate.denominator == 1001 and round(float(rate)) in (30, 60)


def _nominal(rate: Fraction) -> int:
    return round(float(rate))


def _dropped(rate: Fraction) -> int:
    return 2 * _nominal(rate) // 30


def seconds_to_frame(seconds: float, rate: Fraction) -> int:
    """The frame nearest ``seconds`` (never before the first)."""
    return max(0, round(Fraction(seconds).limit_denominator(1_000_000) * rate))


def parse_start(start: str | tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A programme start as ``(h, m, s, f)``: from a tuple or a label such as ``"01:00:00:00"``."""
    if isinstance(start, str):
        match = _LABEL.match(start)
        if not match:
            raise OptionsError(f"programme start {start!r} is not a timecode HH:MM:SS:FF")
        start = tuple(int(g) for g in match.groups())  # type: ignore[assignment]
    if len(start) != 4 or any(int(v) < 0 for v in start):
        raise OptionsError(f"programme start {start!r} is not (hours, minutes, seconds, frames)")
    h, m, s, f = (int(v) for v in start)
    if m > 59 or s > 59:
        raise OptionsError(f"programme start {start!r}: minutes and seconds run 0-59")
    return h, m, s, f


def label_to_frame(label: tuple[int, int, int, int], rate: Fraction, *, drop_frame: bool | None = None) -> int:
    """How many frames lie before the frame labelled ``(h, m, s, f)``."""
    h, m, s, f = label
    nominal = _nominal(rate)
    if f >= nominal:
        raise OptionsError(f"timecode frame {f} is beyond {nominal - 1} at {float(rate):g} fps")
    frames = (3600 * h + 60 * m + s) * nominal + f
    if is_drop_frame(rate) if drop_frame is None else drop_frame:
        minutes = 60 * h + m
        frames -= _dropped(rate) * (minutes - minutes // 10)
    return frames


def frame_to_label(frame: int, rate: Fraction, *, drop_frame: bool | None = None) -> tuple[int, int, int, int]:
    """The ``(h, m, s, f)`` label of a frame count (hours wrap at 24, as timecode does)."""
    nominal = _nominal(rate)
    if is_drop_frame(rate) if drop_frame is None else drop_frame:
        dropped = _dropped(rate)
        per_10min = nominal * 600 - dropped * 9
        per_min = nominal * 60 - dropped
        tens, rest = divmod(frame, per_10min)
        extra = 0 if rest < dropped else dropped * ((rest - dropped) // per_min)
        frame = frame + dropped * 9 * tens + extra
    ff = frame % nominal
    total_s = frame // nominal
    return total_s // 3600 % 24, total_s // 60 % 60, total_s % 60, ff


def frame_to_timecode(frame: int, rate: Fraction, *, drop_frame: bool | None = None,
                      separator: str = ":") -> str:
    """``HH:MM:SS:FF`` of a frame count (``;`` before drop-frame frames when ``separator`` is ``:``)."""
    drop = is_drop_frame(rate) if drop_frame is None else drop_frame
    hh, mm, ss, ff = frame_to_label(frame, rate, drop_frame=drop)
    last = ";" if drop and separator == ":" else separator
    return f"{hh:02d}{separator}{mm:02d}{separator}{ss:02d}{last}{ff:02d}"


def format_timecode(seconds: float, rate: Fraction | str | float, *,
                    start: str | tuple[int, int, int, int] = ZERO, drop_frame: bool | None = None,
                    separator: str = ":") -> str:
    """The timecode of the frame nearest ``seconds`` after the programme start ``start``."""
    fps = parse_frame_rate(rate)
    offset = label_to_frame(parse_start(start), fps, drop_frame=drop_frame)
    return frame_to_timecode(offset + seconds_to_frame(seconds, fps), fps, drop_frame=drop_frame,
                             separator=separator)


def timecode_fields(seconds: float, rate: Fraction | str | float, *,
                    start: str | tuple[int, int, int, int] = PROGRAMME_START,
                    drop_frame: bool | None = None) -> tuple[int, int, int, int, int]:
    """(hours, minutes, seconds, frames, hundredths of a frame) of a time after ``start``: the
    frame the time falls in (not the nearest), as an SMPTE offset event needs."""
    fps = parse_frame_rate(rate)
    offset = label_to_frame(parse_start(start), fps, drop_frame=drop_frame)
    exact = max(0.0, float(seconds)) * float(fps)
    frames = math.floor(exact + 1e-9)
    sub = min(99, round((exact - frames) * 100))
    return (*frame_to_label(offset + frames, fps, drop_frame=drop_frame), sub)


def duration_text(seconds: float) -> str:
    """``M:SS``, a cue's length as spotting notes and cue sheets write it."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
