"""SMPTE timecode at the footage's frame rate (23.976, 24, 25, 29.97 drop-frame, 30...)."""

from __future__ import annotations

from fractions import Fraction

from scenescore.errors import OptionsError

#: Common rates by name; NTSC rates are exact fractions so frame counts never drift.
FRAME_RATES: dict[str, Fraction] = {
    "23.976": Fraction(24000, 1001), "24": Fraction(24), "25": Fraction(25),
    "29.97": Fraction(30000, 1001), "30": Fraction(30), "50": Fraction(50),
    "59.94": Fraction(60000, 1001), "60": Fraction(60),
}


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


def seconds_to_frame(seconds: float, rate: Fraction) -> int:
    return max(0, round(Fraction(seconds).limit_denominator(1_000_000) * rate))


def format_timecode(seconds: float, rate: Fraction | str | float, *,
                    drop_frame: bool | None = None) -> str:
    """``HH:MM:SS:FF`` (``;`` before the frames for drop-frame) of the frame nearest ``seconds``."""
    fps = parse_frame_rate(rate)
    return frame_to_timecode(seconds_to_frame(seconds, fps), fps, drop_frame=drop_frame)


def frame_to_timecode(frame: int, rate: Fraction, *, drop_frame: bool | None = None) -> str:
    nominal = round(float(rate))
    drop = is_drop_frame(rate) if drop_frame is None else drop_frame
    if drop:
        # SMPTE 12M: skip frame labels 0 and 1 (2 and 3 at 59.94) each minute but every tenth.
        dropped = 2 * nominal // 30
        per_10min = nominal * 600 - dropped * 9
        per_min = nominal * 60 - dropped
        tens, rest = divmod(frame, per_10min)
        extra = 0 if rest < dropped else dropped * ((rest - dropped) // per_min)
        frame = frame + dropped * 9 * tens + extra
    ff = frame % nominal
    total_s = frame // nominal
    hh, mm, ss = total_s // 3600 % 24, total_s // 60 % 60, total_s % 60
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if drop else ':'}{ff:02d}"
