"""The emotional arc as SVG: the geometry computed here, the markup in ``templates/arc.svg.j2``.

Two panels (valence, arousal) of the scenes in context (solid) and on their own (dashed) over
screen time, timelines other than the present shaded behind, turning points marked, and a lane
of cue bars linked to the cue cards. Coordinates are short decimal strings, so the same run gives
the same bytes on every platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scenescore.report.run import RunView, num, text, timeline_spans
from scenescore.report.style import (
    AROUSAL_COLOUR,
    CUE_COLOURS,
    TIMELINE_COLOURS,
    VALENCE_COLOUR,
    anchor,
    clock,
    coord,
    signed,
    tick_step,
    value_limit,
    value_ticks,
)

_W, _LEFT, _RIGHT = 1000.0, 58.0, 14.0
_PANEL_H, _PANEL_GAP, _TOP = 150.0, 30.0, 22.0
_LANE_GAP, _LANE_H = 14.0, 26.0


@dataclass
class Panel:
    key: str
    label: str
    colour: str
    top: str
    mid: str
    height: str
    ticks: list[dict[str, str]] = field(default_factory=list)
    series: list[dict[str, str]] = field(default_factory=list)
    points: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Arc:
    """Everything ``arc.svg.j2`` draws, as strings ready for the markup."""

    title: str
    width: str
    height: str
    x0: str
    x1: str
    duration: str
    top: str
    plot_bottom: str
    lane_top: str
    lane_bottom: str
    lane_label_y: str
    lane_label_x: str
    head_top: str
    plot_height: str
    plot_width: str
    tick_x: str
    lane_height: str
    tick_bottom: str
    spans: list[dict[str, Any]]
    cue_marks: list[str]
    panels: list[Panel]
    turns: list[dict[str, str]]
    cue_bars: list[dict[str, Any]]
    time_ticks: list[dict[str, str]]
    axis_y: str


def polyline(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{coord(px)},{coord(py)}" for i, (px, py) in enumerate(points))


def arc_geometry(view: RunView) -> Arc:
    duration = view.duration_s
    x0, x1 = _LEFT, _W - _RIGHT

    def x(t: float) -> float:
        return x0 + (x1 - x0) * min(max(t / duration, 0.0), 1.0)

    # Points shrink as scenes crowd: a feature film has 150 of them.
    radius = coord(min(3.6, max(1.8, (x1 - x0) / max(len(view.scenes), 1) / 3)))
    layout = [("valence", "Valence", VALENCE_COLOUR, _TOP),
              ("arousal", "Arousal", AROUSAL_COLOUR, _TOP + _PANEL_H + _PANEL_GAP)]
    plot_bottom = layout[-1][3] + _PANEL_H
    lane_top = plot_bottom + _LANE_GAP
    axis_y = lane_top + _LANE_H + 16

    spans = []
    for timeline, start, end in timeline_spans(view.scenes):
        width = x(end) - x(start)
        spans.append({"timeline": timeline, "tip": f"{timeline} {clock(start)}–{clock(end)}",
                      "x": coord(x(start)), "width": coord(width),
                      "colour": TIMELINE_COLOURS.get(timeline, "#bbbbbb"),
                      "label_x": coord(x(start) + 3) if width > 44 else None,
                      "label_y": coord(_TOP + 11)})

    panels = []
    for key, label, colour, top in layout:
        limit = value_limit([getattr(s, key) for s in view.scenes] + [getattr(s, "raw_" + key) for s in view.scenes])

        def y(v: float, top: float = top, limit: float = limit) -> float:
            return top + _PANEL_H / 2 - (_PANEL_H / 2) * max(-1.0, min(1.0, v / limit))

        panel = Panel(key=key, label=label, colour=colour, top=coord(top), mid=coord(top + _PANEL_H / 2),
                      height=coord(_PANEL_H))
        for tick in value_ticks(limit):
            panel.ticks.append({"cls": "zero" if tick == 0 else "grid", "y": coord(y(tick)),
                                "label_y": coord(y(tick) + 4), "label": signed(tick) if tick else "0"})
        for kind, attr in (("raw", "raw_" + key), ("context", key)):
            path = polyline([(x(s.mid_s), y(v)) for s in view.scenes
                             for v in [getattr(s, attr)] if v is not None])
            if path:
                panel.series.append({"kind": kind, "d": path, "width": "1.4" if kind == "raw" else "2.4"})
        for s in view.scenes:
            value = getattr(s, key)
            if value is None:
                continue
            tip = (f"sc. {s.scene_id} {s.heading} ({s.timeline}, {clock(s.start_s)}): {label.lower()} "
                   f"{signed(getattr(s, 'raw_' + key))} raw → {signed(value)} in context"
                   + (f"; {s.mood}" if s.mood else ""))
            panel.points.append({"href": "#" + anchor("scene", s.scene_id), "cx": coord(x(s.mid_s)),
                                 "cy": coord(y(value)), "r": radius, "tip": tip})
        panels.append(panel)

    turns = []
    for s in view.scenes:
        if s.turn:
            tx = x(s.mid_s)
            turns.append({"tip": f"turning point at sc. {s.scene_id}: {s.turn}", "x": coord(tx),
                          "d": f"M{coord(tx - 5)},{coord(_TOP - 9)} L{coord(tx + 5)},{coord(_TOP - 9)} "
                               f"L{coord(tx)},{coord(_TOP - 1)} Z"})

    bars = []
    for i, cue in enumerate(view.cues):
        left, width = x(cue.start_s), max(x(cue.end_s) - x(cue.start_s), 1.0)
        tip = f"{cue.cue_id} {clock(cue.start_s)}–{clock(cue.end_s)}"
        for extra in ("function", "mood"):
            if cue.cue.get(extra):
                tip += f", {text(cue.cue.get(extra))}"
        bars.append({"href": "#" + anchor("cue", cue.cue_id), "tip": tip, "x": coord(left),
                     "width": coord(width), "colour": CUE_COLOURS[i % 2], "cue_id": cue.cue_id,
                     "label_x": coord(left + width / 2) if width > 7.5 * len(cue.cue_id) + 6 else None,
                     "label_y": coord(lane_top + _LANE_H / 2 + 4)})

    ticks = []
    step = tick_step(duration)
    t = 0.0
    while t <= duration + 1e-6:
        ticks.append({"x": coord(x(t)), "label": clock(t)})
        t += step

    return Arc(
        title=view.title, width=coord(_W), height=coord(axis_y + 8), x0=coord(x0), x1=coord(x1),
        duration=f"{duration:.3f}", top=coord(_TOP), plot_bottom=coord(plot_bottom),
        lane_top=coord(lane_top), lane_bottom=coord(lane_top + _LANE_H),
        lane_label_y=coord(lane_top + _LANE_H / 2 + 4), lane_label_x=coord(x0 - 6),
        head_top=coord(_TOP - 10), plot_height=coord(plot_bottom - _TOP), plot_width=coord(x1 - x0),
        tick_x=coord(x0 - 6), lane_height=coord(_LANE_H), tick_bottom=coord(lane_top + _LANE_H + 4), spans=spans, cue_marks=[coord(x(c.start_s)) for c in view.cues],
        panels=panels, turns=turns, cue_bars=bars, time_ticks=ticks, axis_y=coord(axis_y),
    )


def sparkline(curve: Any) -> dict[str, str] | None:
    """A cue's intensity curve (0..1 over the cue) as the path of a small inline SVG."""
    points = [(a, b) for p in curve if isinstance(p, dict)
              for a, b in [(num(p.get("at")), num(p.get("intensity")))] if a is not None and b is not None]
    if len(points) < 2:
        return None
    w, h = 120.0, 26.0
    coords = [(2 + (w - 4) * min(max(a, 0), 1), h - 2 - (h - 4) * min(max(b, 0), 1)) for a, b in points]
    return {"width": coord(w), "height": coord(h), "d": polyline(coords)}
