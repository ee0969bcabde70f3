"""The emotional arc as a PNG (matplotlib, imported only here): the page's data for people who
will not open a browser. Deterministic: no timestamps in the file, the same run gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenescore.report.run import RunView, SceneView, read_run_view, timeline_spans
from scenescore.report.style import (
    AROUSAL_COLOUR,
    CUE_COLOURS,
    TIMELINE_COLOURS,
    VALENCE_COLOUR,
    clock,
    signed,
    tick_step,
    value_limit,
    value_ticks,
)


@dataclass(frozen=True, slots=True)
class ArcPlotData:
    """Everything the arc PNG draws, and nothing else: the same data gives the same bytes, so
    its digest says whether a PNG drawn earlier (``report/ahead.py``) is the one to ship."""

    title: str
    time_basis: str
    scenes: tuple[SceneView, ...]
    #: (cue id, start s, end s) in film order
    cues: tuple[tuple[str, float, float], ...]

    @property
    def duration_s(self) -> float:
        ends = [s.end_s for s in self.scenes] + [end for _, _, end in self.cues]
        return max([1.0, *ends])

    def digest(self) -> str:
        # repr of frozen dataclasses, tuples, str and float is exact and stable
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()


def arc_plot_data(view: RunView) -> ArcPlotData:
    """What of a run's view the arc PNG draws (the cues' times, not their files)."""
    return ArcPlotData(title=view.title, time_basis=view.time_basis, scenes=view.scenes,
                       cues=tuple((cue.cue_id, cue.start_s, cue.end_s) for cue in view.cues))


def arc_png(folder: str | Path) -> bytes:
    """The emotional arc as a PNG, for people who will not open a browser (same data as the page)."""
    return draw_arc(arc_plot_data(read_run_view(folder)))


def import_plotting() -> None:
    """Import what :func:`draw_arc` uses (a helper process does it before it is asked to draw)."""
    import matplotlib.backends.backend_agg  # noqa: F401 - savefig's canvas
    import matplotlib.figure  # noqa: F401


def draw_arc(view: ArcPlotData) -> bytes:
    """The PNG of :func:`arc_png`, from the data it draws."""
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    duration = view.duration_s
    spans = list(dict.fromkeys(t for t, _, _ in timeline_spans(view.scenes)))
    legend_rows = 1 if len(spans) + 5 <= 8 else 2
    fig = Figure(figsize=(12.0, 6.6), dpi=110, facecolor="white")
    top = 0.895 - 0.035 * (legend_rows - 1)
    grid = fig.add_gridspec(3, 1, height_ratios=(5, 5, 1.1), hspace=0.12,
                            left=0.07, right=0.985, top=top, bottom=0.09)
    ax_v = fig.add_subplot(grid[0])
    ax_a = fig.add_subplot(grid[1], sharex=ax_v)
    ax_c = fig.add_subplot(grid[2], sharex=ax_v)
    mids = [s.mid_s for s in view.scenes]
    marker = min(3.5, max(1.5, 1000 / max(len(view.scenes), 1) / 6))
    handles: list[Any] = []
    for ax, key, label, colour in ((ax_v, "valence", "valence", VALENCE_COLOUR),
                                   (ax_a, "arousal", "arousal", AROUSAL_COLOUR)):
        # one collection per kind of mark, not an artist per span, cue or turn (a feature has
        # hundreds; each artist costs matplotlib more than drawing it)
        across = ax.get_xaxis_transform()  # x in data, y from the bottom (0) to the top (1) of the axes
        spans_here = list(timeline_spans(view.scenes))
        if spans_here:
            ax.add_collection(PolyCollection(
                [[(start, 0), (end, 0), (end, 1), (start, 1)] for _, start, end in spans_here],
                facecolors=[TIMELINE_COLOURS.get(t, "#bbbbbb") for t, _, _ in spans_here], alpha=0.25,
                linewidths=0, transform=across), autolim=False)
        if view.cues:
            ax.vlines([start for _, start, _ in view.cues], 0, 1, transform=across, colors="#9aa3ae", lw=0.6,
                      alpha=0.5, linestyles=[(0, (2, 3))])
        turns = [s.mid_s for s in view.scenes if s.turn]
        if turns:
            ax.vlines(turns, 0, 1, transform=across, colors="#333333", lw=1.0, alpha=0.7,
                      linestyles=[(0, (1, 2))])
            if ax is ax_v:
                ax.plot(turns, [1.0] * len(turns), marker="v", ms=7, ls="none", color="#333333", clip_on=False,
                        transform=across)
        raw = [math.nan if v is None else v for v in (getattr(s, "raw_" + key) for s in view.scenes)]
        ctx = [math.nan if v is None else v for v in (getattr(s, key) for s in view.scenes)]
        limit = value_limit([getattr(s, key) for s in view.scenes] + [getattr(s, "raw_" + key) for s in view.scenes])
        ax.axhline(0, color="#aab2bd", lw=0.8)
        (line_raw,) = ax.plot(mids, raw, color=colour, lw=1.2, ls=(0, (5, 4)), alpha=0.75)
        (line_ctx,) = ax.plot(mids, ctx, color=colour, lw=2.2, marker="o", ms=marker)
        handles += [(line_ctx, f"{label} in context"), (line_raw, f"{label} raw")]
        ax.set_ylim(-limit * 1.04, limit * 1.04)
        ax.set_ylabel(label.capitalize(), fontsize=11)
        ax.set_yticks(value_ticks(limit))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: signed(v) if abs(v) > 1e-9 else "0"))
        ax.grid(axis="y", color="#eef0f3", lw=0.8)
        ax.tick_params(labelsize=9, labelbottom=False)
    boxes = []
    for i, (cue_id, start, end) in enumerate(view.cues):
        width = max(end - start, duration / 1000)
        boxes.append(([(start, 0.1), (start + width, 0.1), (start + width, 0.9),
                       (start, 0.9)], CUE_COLOURS[i % 2]))
        if width / duration * 1090 > 7 * len(cue_id) + 6:
            ax_c.text(start + width / 2, 0.5, cue_id, color="white", fontsize=8,
                      fontweight="bold", ha="center", va="center")
    if boxes:
        ax_c.add_collection(PolyCollection([v for v, _ in boxes], facecolors=[c for _, c in boxes], linewidths=0),
                            autolim=False)
    ax_c.set_ylim(0, 1)
    ax_c.set_yticks([])
    ax_c.set_ylabel("Cues", fontsize=10, rotation=0, ha="right", va="center")
    ax_c.set_xlim(0, duration)
    ax_c.xaxis.set_major_locator(MultipleLocator(tick_step(duration)))
    ax_c.xaxis.set_major_formatter(FuncFormatter(lambda t, _pos: clock(t)))
    ax_c.tick_params(labelsize=9)
    ax_c.set_xlabel("screen time from the picture" if view.time_basis == "picture" else "estimated screen time",
                    fontsize=10)
    for spine in ("top", "right", "left"):
        ax_c.spines[spine].set_visible(False)
    handles += [(Patch(color=TIMELINE_COLOURS.get(t, "#bbbbbb"), alpha=0.4, lw=0), t) for t in spans]
    if any(s.turn for s in view.scenes):
        handles.append((Line2D([], [], color="#333333", marker="v", ms=6, lw=1.0, ls=(0, (1, 2))),
                        "turning point"))
    fig.legend([h for h, _ in handles], [label for _, label in handles], loc="lower left",
               ncol=math.ceil(len(handles) / legend_rows), fontsize=9, frameon=False,
               bbox_to_anchor=(0.062, top), handlelength=2.6, columnspacing=1.4)
    fig.text(0.07, 0.962, f"{view.title}: emotional arc", fontsize=14, fontweight="bold", va="center")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
