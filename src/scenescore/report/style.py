"""The report's colours and number formats, shared by the page, the SVG arc and the PNG."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from scenescore.report.run import text

#: Timelines other than the present, shaded on the arc (HTML and PNG), with their colours.
TIMELINE_COLOURS: dict[str, str] = {
    "flashback": "#e3b55f",
    "flashforward": "#6fa8dc",
    "dream": "#b69ad9",
    "montage": "#8cc063",
    "intercut": "#ee8fb1",
}
#: Line colours of the two quantities; the raw (scene on its own) series is drawn dashed.
VALENCE_COLOUR = "#1f5fbf"
AROUSAL_COLOUR = "#c4501a"
CUE_COLOURS = ("#4b5563", "#7b8494")

_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


def clock(seconds: float) -> str:
    """Screen time as m:ss, or h:mm:ss from an hour on."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}".replace("-", "−")


def coord(value: float) -> str:
    """A coordinate for SVG: short and the same on every platform."""
    out = f"{value:.1f}"
    return "0.0" if out == "-0.0" else out


def anchor(kind: str, value: Any) -> str:
    return f"{kind}-{_ANCHOR.sub('_', text(value))}"


def href(rel: str) -> str:
    """A run-folder path as a URL path (the template escapes it for the attribute)."""
    return quote(rel, safe="/")


def value_ticks(limit: float) -> list[float]:
    step = 0.25 if limit <= 0.75 else 0.5
    count = round(limit / step)
    return [k * step for k in range(-count, count + 1)]


def tick_step(duration: float) -> float:
    for step in (10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600):
        if duration / step <= 12:
            return float(step)
    return 7200.0


def value_limit(values: Iterable[float | None]) -> float:
    """A symmetric y range that fits the values, in quarters, at least ±0.5 and at most ±1."""
    peak = max((abs(v) for v in values if v is not None), default=0.0)
    return min(1.0, max(0.5, math.ceil(peak * 4 - 1e-9) / 4))
