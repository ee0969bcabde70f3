"""The run report: one self-contained HTML page and a PNG of the film's emotional arc.

Both are pure functions of a run folder's files (see ``docs/report.md``): the same folder gives
the same bytes, with no timestamps and no absolute paths, so the ``deliver`` stage stays
reproducible. The page opens from disk: CSS, script and the arc plot (SVG) are inline, nothing is
fetched from the network, and audio, MIDI and MusicXML are linked by paths relative to the run
folder. Everything that came from the screenplay or a language model is escaped: it is untrusted.

Screen time on the plot is the scene table's estimate (``est_seconds``, one scene after another),
the clock that spotting and the temp track use; a cue's audio file is found by its cue id
(``audio/1M01_01-00-00-00.wav`` or ``audio/1M01.wav``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scenescore.errors import InputError

log = logging.getLogger(__name__)

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
#: Audio a render backend may write, in order of preference when a cue has several.
AUDIO_SUFFIXES: tuple[str, ...] = (".wav", ".flac", ".ogg", ".mp3", ".m4a")
#: The whole film's temp track and MIDI file.
TEMP_TRACK = "audio/temp_score.wav"
SCORE_MIDI = "midi/score.mid"
#: Data files of the run folder linked from the report when present (never the report itself).
DATA_FILES: tuple[str, ...] = (
    "cue_sheet.csv", "spotting_notes.csv", "cues.csv", "conditions.jsonl", "scenes.csv",
    "emotions.csv", "arc.json", "themes.json", "manifest.json",
)
# How render names a cue's files (``scenescore.render.film``): cue id with unsafe runs replaced.
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


# ---- reading the run folder ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SceneView:
    """One scene as the report shows it: the scene table joined with its emotion row."""

    scene_id: int
    heading: str
    timeline: str
    start_s: float
    end_s: float
    characters: tuple[str, ...]
    text: str
    raw_valence: float | None
    raw_arousal: float | None
    valence: float | None  # in context (after the memory)
    arousal: float | None
    mood: str
    top_emotion: str
    memory_note: str
    turn: str  # "" or the turning point's direction

    @property
    def mid_s(self) -> float:
        return (self.start_s + self.end_s) / 2


@dataclass(frozen=True, slots=True)
class CueView:
    """One cue: its spotting note, its music condition and the files render wrote for it."""

    cue: dict[str, Any]
    condition: dict[str, Any] | None
    audio: str | None
    midi: str | None
    musicxml: str | None

    @property
    def cue_id(self) -> str:
        return str(self.cue.get("cue_id", ""))

    @property
    def start_s(self) -> float:
        return _num(self.cue.get("start_s")) or 0.0

    @property
    def end_s(self) -> float:
        return max(_num(self.cue.get("end_s")) or 0.0, self.start_s)


@dataclass(frozen=True, slots=True)
class RunView:
    """What the report shows, read once from the run folder."""

    title: str
    source: str
    input_sha256: str
    seed: Any
    version: str
    scenes: tuple[SceneView, ...]
    cues: tuple[CueView, ...]
    temp_track: str | None
    score_midi: str | None
    data_files: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        ends = [s.end_s for s in self.scenes] + [c.end_s for c in self.cues]
        return max([1.0, *ends])


def _num(value: Any) -> float | None:
    """A finite float, or None for missing, NaN and anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _read_parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pandas as pd

    if not path.is_file():
        raise InputError(path, "missing: the report needs a run folder written by `scenescore score`")
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(path, f"not a readable table ({exc})") from None
    # Through JSON: numpy arrays become lists, NaN and <NA> become None.
    return json.loads(frame.to_json(orient="records", force_ascii=False))


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(path, f"not readable JSON ({exc})") from None


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror or exc})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise InputError(path, f"line {number} is not JSON ({exc})") from None
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _title(folder: Path, manifest: dict[str, Any]) -> str:
    """The title page's title, else the input file's name (never the folder's: it may be renamed)."""
    elements = _read_jsonl(folder / "elements.jsonl")
    metadata = [_text(e.get("text")) for e in elements if e.get("type") == "metadata"]
    for i, line in enumerate(metadata):
        key, _, value = line.partition(":")
        if key.strip().lower() == "title":
            value = value.strip() or (metadata[i + 1] if i + 1 < len(metadata) else "")
            value = re.sub(r"[*_]+", "", value).strip()
            if value:
                return value
    source = _text((manifest.get("input") or {}).get("source"))
    return Path(source.removeprefix("imsdb:")).stem if source else "Untitled screenplay"


def _media(folder: Path, rel: str) -> str | None:
    return rel if (folder / rel).is_file() else None


def _cue_audio(folder: Path, name: str, audio_files: Sequence[str]) -> str | None:
    matches = [f for f in audio_files
               if Path(f).suffix.lower() in AUDIO_SUFFIXES
               and (Path(f).stem == name or Path(f).stem.startswith(name + "_"))]
    matches.sort(key=lambda f: (AUDIO_SUFFIXES.index(Path(f).suffix.lower()), f))
    return f"audio/{matches[0]}" if matches else None


def read_run_view(folder: str | Path) -> RunView:
    """Read what the report shows from a run folder (scenes and emotions are required)."""
    folder = Path(folder)
    manifest = _read_json(folder / "manifest.json", {})
    manifest = manifest if isinstance(manifest, dict) else {}
    scene_rows = _read_parquet_rows(folder / "scenes.parquet")
    emotion_rows = {row.get("scene_id"): row for row in _read_parquet_rows(folder / "emotions.parquet")}

    scenes: list[SceneView] = []
    clock = 0.0
    for row in scene_rows:
        emotion = emotion_rows.get(row.get("scene_id"), {})
        length = max(_num(row.get("est_seconds")) or 0.0, 0.0)
        scenes.append(SceneView(
            scene_id=int(row["scene_id"]) if row.get("scene_id") is not None else len(scenes) + 1,
            heading=_text(row.get("heading")),
            timeline=_text(row.get("timeline")) or "present",
            start_s=round(clock, 3),
            end_s=round(clock + length, 3),
            characters=tuple(_text(c) for c in row.get("characters") or ()),
            text=_text(row.get("text")),
            raw_valence=_num(emotion.get("valence")),
            raw_arousal=_num(emotion.get("arousal")),
            valence=_num(emotion.get("context_valence")),
            arousal=_num(emotion.get("context_arousal")),
            mood=_text(emotion.get("mood")),
            top_emotion=_text(emotion.get("top_emotion")),
            memory_note=_text(emotion.get("memory_note")),
            turn=(_text(emotion.get("turn_direction")) or "turn") if emotion.get("turning_point") else "",
        ))
        clock += length

    cue_rows = _read_json(folder / "cues.json", [])
    conditions = {_text(c.get("cue_id")): c for c in _read_jsonl(folder / "conditions.jsonl")}
    audio_dir = folder / "audio"
    audio_files = sorted(p.name for p in audio_dir.iterdir() if p.is_file()) if audio_dir.is_dir() else []
    cues: list[CueView] = []
    for cue in cue_rows if isinstance(cue_rows, list) else []:
        if not isinstance(cue, dict):
            continue
        cue_id = _text(cue.get("cue_id"))
        name = _SAFE_NAME.sub("_", cue_id)
        cues.append(CueView(
            cue=cue, condition=conditions.get(cue_id),
            audio=_cue_audio(folder, name, audio_files),
            midi=_media(folder, f"midi/{name}.mid"),
            musicxml=_media(folder, f"xml/{name}.musicxml"),
        ))

    versions = manifest.get("versions") or {}
    return RunView(
        title=_title(folder, manifest),
        source=_text((manifest.get("input") or {}).get("source")),
        input_sha256=_text((manifest.get("input") or {}).get("sha256")),
        seed=(manifest.get("options") or {}).get("seed"),
        version=_text(versions.get("scenescore")) if isinstance(versions, dict) else "",
        scenes=tuple(scenes),
        cues=tuple(cues),
        temp_track=_media(folder, TEMP_TRACK),
        score_midi=_media(folder, SCORE_MIDI),
        data_files=tuple(f for f in DATA_FILES if (folder / f).is_file()),
    )


def timeline_spans(scenes: Iterable[SceneView]) -> list[tuple[str, float, float]]:
    """Runs of consecutive scenes outside the present: (timeline, start_s, end_s)."""
    spans: list[tuple[str, float, float]] = []
    for scene in scenes:
        if scene.timeline == "present" or scene.end_s <= scene.start_s:
            continue
        if spans and spans[-1][0] == scene.timeline and math.isclose(spans[-1][2], scene.start_s):
            spans[-1] = (scene.timeline, spans[-1][1], scene.end_s)
        else:
            spans.append((scene.timeline, scene.start_s, scene.end_s))
    return spans


# ---- formatting ----------------------------------------------------------------------------
def _e(value: Any) -> str:
    return html.escape(_text(value), quote=True)


def _href(rel: str) -> str:
    return html.escape(quote(rel, safe="/"), quote=True)


def _anchor(kind: str, value: Any) -> str:
    return f"{kind}-{_ANCHOR.sub('_', _text(value))}"


def clock(seconds: float) -> str:
    """Screen time as m:ss, or h:mm:ss from an hour on."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _signed(value: float | None) -> str:
    return "–" if value is None else f"{value:+.2f}".replace("-", "−")


def _f(value: float) -> str:
    """A coordinate for SVG: short and the same on every platform."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _value_ticks(limit: float) -> list[float]:
    step = 0.25 if limit <= 0.75 else 0.5
    count = round(limit / step)
    return [k * step for k in range(-count, count + 1)]


def _tick_step(duration: float) -> float:
    for step in (10, 15, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600):
        if duration / step <= 12:
            return float(step)
    return 7200.0


def _limit(values: Iterable[float | None]) -> float:
    """A symmetric y range that fits the values, in quarters, at least ±0.5 and at most ±1."""
    peak = max((abs(v) for v in values if v is not None), default=0.0)
    return min(1.0, max(0.5, math.ceil(peak * 4 - 1e-9) / 4))


# ---- the arc as SVG ------------------------------------------------------------------------
_W, _LEFT, _RIGHT = 1000.0, 58.0, 14.0
_PANEL_H, _PANEL_GAP, _TOP = 150.0, 30.0, 22.0
_LANE_GAP, _LANE_H = 14.0, 26.0


def _arc_svg(view: RunView) -> str:
    duration = view.duration_s
    x0, x1 = _LEFT, _W - _RIGHT

    def x(t: float) -> float:
        return x0 + (x1 - x0) * min(max(t / duration, 0.0), 1.0)

    # Points shrink as scenes crowd: a feature film has 150 of them.
    radius = _f(min(3.6, max(1.8, (x1 - x0) / max(len(view.scenes), 1) / 3)))
    panels = [
        ("valence", "Valence", VALENCE_COLOUR, _TOP),
        ("arousal", "Arousal", AROUSAL_COLOUR, _TOP + _PANEL_H + _PANEL_GAP),
    ]
    plot_bottom = panels[-1][3] + _PANEL_H
    lane_top = plot_bottom + _LANE_GAP
    axis_y = lane_top + _LANE_H + 16
    height = axis_y + 8
    out: list[str] = [
        f'<svg id="arc" class="arc" viewBox="0 0 {_f(_W)} {_f(height)}" role="img" '
        f'aria-labelledby="arc-title" data-x0="{_f(x0)}" data-x1="{_f(x1)}" '
        f'data-duration="{duration:.3f}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="arc-title">Emotional arc of {_e(view.title)}: valence and arousal per scene '
        'over screen time, in context (solid) and raw (dashed)</title>',
    ]
    # Timeline spans behind everything, labelled once at the top.
    for timeline, start, end in timeline_spans(view.scenes):
        colour = TIMELINE_COLOURS.get(timeline, "#bbbbbb")
        width = x(end) - x(start)
        out.append(f'<g class="span span-{_e(timeline)}"><title>{_e(timeline)} {clock(start)}–{clock(end)}'
                   f'</title><rect x="{_f(x(start))}" y="{_f(_TOP)}" width="{_f(width)}" '
                   f'height="{_f(plot_bottom - _TOP)}" fill="{colour}" fill-opacity="0.22"/>')
        if width > 44:
            out.append(f'<text x="{_f(x(start) + 3)}" y="{_f(_TOP + 11)}" class="span-label">{_e(timeline)}</text>')
        out.append("</g>")
    # Cue starts, faint, across both panels.
    out.append('<g class="cue-marks">')
    for cue in view.cues:
        out.append(f'<line x1="{_f(x(cue.start_s))}" x2="{_f(x(cue.start_s))}" y1="{_f(_TOP)}" '
                   f'y2="{_f(lane_top + _LANE_H)}"/>')
    out.append("</g>")
    for key, label, colour, top in panels:
        limit = _limit([getattr(s, key) for s in view.scenes] + [getattr(s, "raw_" + key) for s in view.scenes])

        def y(v: float, top: float = top, limit: float = limit) -> float:
            return top + _PANEL_H / 2 - (_PANEL_H / 2) * max(-1.0, min(1.0, v / limit))

        out.append(f'<g class="panel panel-{key}">')
        out.append(f'<rect class="frame" x="{_f(x0)}" y="{_f(top)}" width="{_f(x1 - x0)}" height="{_f(_PANEL_H)}"/>')
        for tick in _value_ticks(limit):
            cls = "zero" if tick == 0 else "grid"
            out.append(f'<line class="{cls}" x1="{_f(x0)}" x2="{_f(x1)}" y1="{_f(y(tick))}" y2="{_f(y(tick))}"/>')
            out.append(f'<text class="tick" x="{_f(x0 - 6)}" y="{_f(y(tick) + 4)}" text-anchor="end">'
                       f'{_signed(tick) if tick else "0"}</text>')
        out.append(f'<text class="axis-label" transform="translate(14 {_f(top + _PANEL_H / 2)}) rotate(-90)" '
                   f'text-anchor="middle">{label}</text>')
        for kind, attr, extra in (("raw", "raw_" + key, ' stroke-dasharray="5 4" stroke-opacity="0.75"'),
                                  ("context", key, "")):
            path = _polyline([(x(s.mid_s), y(v)) for s in view.scenes
                              for v in [getattr(s, attr)] if v is not None] if view.scenes else [])
            if path:
                width = "1.4" if kind == "raw" else "2.4"
                out.append(f'<path class="series {kind} {key}" d="{path}" fill="none" stroke="{colour}" '
                           f'stroke-width="{width}" stroke-linejoin="round"{extra}/>')
        for s in view.scenes:
            value = getattr(s, key)
            if value is None:
                continue
            tip = (f"sc. {s.scene_id} {s.heading} ({s.timeline}, {clock(s.start_s)}): {label.lower()} "
                   f"{_signed(getattr(s, 'raw_' + key))} raw → {_signed(value)} in context"
                   + (f"; {s.mood}" if s.mood else ""))
            out.append(f'<a href="#{_anchor("scene", s.scene_id)}"><circle class="point {key}" '
                       f'cx="{_f(x(s.mid_s))}" cy="{_f(y(value))}" r="{radius}" fill="{colour}">'
                       f'<title>{_e(tip)}</title></circle></a>')
        out.append("</g>")
    # Turning points: a dotted line through both panels and a marker on top.
    out.append('<g class="turns">')
    for s in view.scenes:
        if s.turn:
            tx = x(s.mid_s)
            out.append(f'<g class="turn"><title>{_e(f"turning point at sc. {s.scene_id}: {s.turn}")}</title>'
                       f'<line x1="{_f(tx)}" x2="{_f(tx)}" y1="{_f(_TOP)}" y2="{_f(plot_bottom)}"/>'
                       f'<path d="M{_f(tx - 5)},{_f(_TOP - 9)} L{_f(tx + 5)},{_f(_TOP - 9)} '
                       f'L{_f(tx)},{_f(_TOP - 1)} Z"/></g>')
    out.append("</g>")
    # The cue lane: one bar per cue, linked to its card.
    out.append('<g class="cue-lane">')
    out.append(f'<text class="axis-label" x="{_f(x0 - 6)}" y="{_f(lane_top + _LANE_H / 2 + 4)}" '
               'text-anchor="end">Cues</text>')
    for i, cue in enumerate(view.cues):
        left, width = x(cue.start_s), max(x(cue.end_s) - x(cue.start_s), 1.0)
        tip = f"{cue.cue_id} {clock(cue.start_s)}–{clock(cue.end_s)}"
        for extra in ("function", "mood"):
            if cue.cue.get(extra):
                tip += f", {_text(cue.cue.get(extra))}"
        out.append(f'<a href="#{_anchor("cue", cue.cue_id)}" class="cue-bar"><title>{_e(tip)}</title>'
                   f'<rect x="{_f(left)}" y="{_f(lane_top)}" width="{_f(width)}" height="{_f(_LANE_H)}" '
                   f'rx="3" fill="{CUE_COLOURS[i % 2]}"/>')
        if width > 7.5 * len(cue.cue_id) + 6:
            out.append(f'<text x="{_f(left + width / 2)}" y="{_f(lane_top + _LANE_H / 2 + 4)}" '
                       f'text-anchor="middle">{_e(cue.cue_id)}</text>')
        out.append("</a>")
    out.append("</g>")
    # Time axis.
    out.append('<g class="time-axis">')
    step = _tick_step(duration)
    t = 0.0
    while t <= duration + 1e-6:
        out.append(f'<line x1="{_f(x(t))}" x2="{_f(x(t))}" y1="{_f(lane_top + _LANE_H)}" '
                   f'y2="{_f(lane_top + _LANE_H + 4)}"/><text class="tick" x="{_f(x(t))}" '
                   f'y="{_f(axis_y)}" text-anchor="middle">{clock(t)}</text>')
        t += step
    out.append("</g>")
    out.append(f'<line id="playhead" class="playhead" x1="{_f(x0)}" x2="{_f(x0)}" y1="{_f(_TOP - 10)}" '
               f'y2="{_f(lane_top + _LANE_H)}" visibility="hidden"/>')
    out.append("</svg>")
    return "\n".join(out)


def _polyline(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{'M' if i == 0 else 'L'}{_f(px)},{_f(py)}" for i, (px, py) in enumerate(points))


def _sparkline(curve: Any) -> str:
    """A cue's intensity curve (0..1 over the cue) as a small inline SVG."""
    points = [(a, b) for p in curve if isinstance(p, dict)
              for a, b in [(_num(p.get("at")), _num(p.get("intensity")))] if a is not None and b is not None]
    if len(points) < 2:
        return ""
    w, h = 120.0, 26.0
    coords = [(2 + (w - 4) * min(max(a, 0), 1), h - 2 - (h - 4) * min(max(b, 0), 1)) for a, b in points]
    return (f'<svg class="spark" viewBox="0 0 {_f(w)} {_f(h)}" width="120" height="26" role="img" '
            f'aria-label="intensity curve"><path d="{_polyline(coords)}" fill="none"/></svg>')


# ---- the page ------------------------------------------------------------------------------
_BASE_CSS = """
:root { --ink:#1d232b; --muted:#5b6573; --line:#d9dee5; --bg:#f6f7f9; --card:#fff; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color:var(--ink); background:var(--bg); }
main { max-width:1180px; margin:0 auto; padding:20px 22px 60px; }
h1 { font-size:26px; margin:0 0 2px; } h2 { font-size:19px; margin:34px 0 10px; }
h3 { font-size:17px; margin:0; } a { color:#1f5fbf; }
.temp { display:inline-block; background:#fff4d6; border:1px solid #e8c766; color:#6b4e00;
  border-radius:4px; padding:1px 8px; font-size:12px; font-weight:600; letter-spacing:.03em; }
.facts { display:flex; flex-wrap:wrap; gap:6px 22px; margin:10px 0 0; padding:0; list-style:none;
  color:var(--muted); font-size:14px; } .facts b { color:var(--ink); font-weight:600; }
.panel { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:14px 16px; }
.legend { display:flex; flex-wrap:wrap; gap:4px 18px; font-size:13px; color:var(--muted); margin:0 0 6px; }
.legend span { display:inline-flex; align-items:center; gap:6px; }
.sw { display:inline-block; width:22px; height:0; border-top:3px solid; }
.sw.raw { border-top-style:dashed; border-top-width:2px; }
.sw.box { width:14px; height:12px; border:0; border-radius:2px; opacity:.55; }
svg.arc { display:block; width:100%; height:auto; font-size:11px; cursor:crosshair; }
svg.arc .frame { fill:none; stroke:var(--line); } svg.arc .grid { stroke:#eef0f3; }
svg.arc .zero { stroke:#aab2bd; } svg.arc .tick { fill:var(--muted); }
svg.arc .axis-label { fill:var(--ink); font-size:12px; font-weight:600; }
svg.arc .span-label { fill:#6b5a3a; font-size:10.5px; font-style:italic; }
svg.arc .cue-marks line { stroke:#9aa3ae; stroke-opacity:.35; stroke-dasharray:2 3; }
svg.arc .turn line { stroke:#333; stroke-opacity:.55; stroke-dasharray:1 3; }
svg.arc .turn path { fill:#333; }
svg.arc .cue-bar text { fill:#fff; font-size:10.5px; font-weight:600; pointer-events:none; }
svg.arc .cue-bar:hover rect, svg.arc a:hover circle { opacity:.75; }
svg.arc .time-axis line { stroke:#9aa3ae; }
svg.arc .playhead { stroke:#d11; stroke-width:1.6; pointer-events:none; }
.player { display:flex; flex-wrap:wrap; align-items:center; gap:10px 16px; margin-top:10px; font-size:14px; }
.player audio { width:min(520px, 100%); }
.cues { display:grid; gap:12px; }
.cue { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 16px; }
.cue:target, .scene:target { outline:2px solid #1f5fbf; }
.cue header { display:flex; flex-wrap:wrap; align-items:baseline; gap:4px 12px; }
.when { color:var(--muted); font-variant-numeric:tabular-nums; }
.tag { font-size:12px; border-radius:10px; padding:0 8px; background:#eef1f5; color:#394350; }
.tag.tl { background:#f6e7c8; } .tag.mood { background:#e6eefb; }
.spot { margin:6px 0; color:#394350; font-size:14px; }
dl.cond { display:grid; grid-template-columns:max-content 1fr; gap:2px 14px; margin:8px 0; font-size:14px; }
dl.cond dt { color:var(--muted); } dl.cond dd { margin:0; }
.prompt, .rationale { margin:6px 0; font-size:14px; }
.prompt { font-style:italic; }
.media { display:flex; flex-wrap:wrap; align-items:center; gap:8px 14px; margin-top:8px; font-size:14px; }
.media audio { height:36px; width:min(360px, 100%); }
.missing { color:var(--muted); font-style:italic; }
button.seek { font:inherit; font-size:13px; border:1px solid var(--line); background:#f3f5f8;
  border-radius:5px; padding:2px 10px; cursor:pointer; }
svg.spark { vertical-align:middle; } svg.spark path { stroke:#394350; stroke-width:1.6; }
.scene { background:var(--card); border:1px solid var(--line); border-radius:6px; margin:0 0 6px; }
.scene > summary { display:grid; grid-template-columns:3.4em 1fr; gap:0 10px; padding:7px 12px; cursor:pointer; }
.scene > summary::-webkit-details-marker { display:none; }
.scene > summary .n::before { content:"▸ "; color:var(--muted); }
.scene[open] > summary .n::before { content:"▾ "; }
.scene > summary .h { font-weight:600; }
.scene > summary .meta { grid-column:2; color:var(--muted); font-size:13px; }
.scene .body { padding:0 14px 12px; border-top:1px solid var(--line); }
.scene pre { white-space:pre-wrap; font:13px/1.45 "Courier Prime", "Courier New", "DejaVu Sans Mono", monospace;
  background:#fbfbfa; border:1px solid #eceae4; border-radius:4px; padding:10px 12px; max-height:520px; overflow:auto; }
.note { color:#394350; font-size:14px; }
footer { margin-top:40px; color:var(--muted); font-size:13px; }
footer code { font-size:12px; }
"""
# The legend's swatches take the plot's colours, declared once above.
_CSS = _BASE_CSS + "".join(
    [f".sw-v {{ border-color:{VALENCE_COLOUR}; }}\n.sw-a {{ border-color:{AROUSAL_COLOUR}; }}\n"]
    + [f".tl-{name} {{ background:{colour}; }}\n" for name, colour in TIMELINE_COLOURS.items()])

# Small and optional: the page reads fine without it. It moves a playhead over the arc while the
# temp track plays, seeks the temp track where the plot is clicked, plays one player at a time,
# and opens a scene's details when a plot point links to it.
_JS = """
(function () {
  "use strict";
  var temp = document.getElementById("temp-track");
  var svg = document.getElementById("arc");
  var head = document.getElementById("playhead");
  var readout = document.getElementById("temp-time");
  document.addEventListener("play", function (event) {
    document.querySelectorAll("audio").forEach(function (a) { if (a !== event.target) { a.pause(); } });
  }, true);
  function fmt(t) {
    var s = Math.max(0, Math.round(t)), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    var ss = String(s % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + ss : m + ":" + ss;
  }
  if (temp && svg && head) {
    var x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1), total = Number(svg.dataset.duration);
    var move = function () {
      var x = x0 + (x1 - x0) * Math.min(Math.max(temp.currentTime / total, 0), 1);
      head.setAttribute("x1", x); head.setAttribute("x2", x); head.setAttribute("visibility", "visible");
      if (readout) { readout.textContent = fmt(temp.currentTime); }
    };
    temp.addEventListener("timeupdate", move);
    temp.addEventListener("seeked", move);
    var seek = function (t) {
      temp.currentTime = Math.min(Math.max(t, 0), total);
      var p = temp.play();
      if (p && p.catch) { p.catch(function () {}); }
    };
    svg.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      var matrix = svg.getScreenCTM();
      if (!matrix) { return; }
      var point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      if (point.x >= x0 && point.x <= x1) { seek((point.x - x0) / (x1 - x0) * total); }
    });
    document.querySelectorAll("button.seek").forEach(function (button) {
      button.addEventListener("click", function () { seek(Number(button.dataset.seek)); });
    });
  }
  function openTarget() {
    if (!location.hash) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
"""


def _csp() -> str:
    """Nothing from the network, only this page's own style and script, media from the folder."""
    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"

    return (f"default-src 'none'; style-src {digest(_CSS)}; script-src {digest(_JS)}; "
            "img-src data:; media-src 'self' file:; base-uri 'none'; form-action 'none'")


def _legend(view: RunView) -> str:
    # Swatches by class, not inline style: the page's CSP allows no inline styles.
    items = ['<span><i class="sw sw-v"></i>valence in context</span>',
             '<span><i class="sw raw sw-v"></i>valence raw</span>']
    items.append('<span><i class="sw sw-a"></i>arousal in context</span>')
    items.append('<span><i class="sw raw sw-a"></i>arousal raw</span>')
    for timeline in dict.fromkeys(t for t, _, _ in timeline_spans(view.scenes)):
        items.append(f'<span><i class="sw box tl-{_e(timeline)}"></i>{_e(timeline)}</span>')
    if any(s.turn for s in view.scenes):
        items.append("<span>▼ turning point</span>")
    return '<div class="legend">' + "".join(items) + "</div>"


def _cue_card(cue: CueView, view: RunView, scene_ids: set[int]) -> str:
    c, cond = cue.cue, cue.condition or {}
    parts = [f'<article class="cue" id="{_anchor("cue", cue.cue_id)}"><header>',
             f"<h3>{_e(cue.cue_id)}</h3>",
             f'<span class="when">{clock(cue.start_s)}–{clock(cue.end_s)} '
             f"({clock(cue.end_s - cue.start_s)})</span>"]
    if c.get("function"):
        parts.append(f'<span class="tag">{_e(c.get("function"))}</span>')
    if c.get("mood"):
        parts.append(f'<span class="tag mood">{_e(c.get("mood"))}</span>')
    if c.get("timeline") and c.get("timeline") != "present":
        parts.append(f'<span class="tag tl">{_e(c.get("timeline"))}</span>')
    parts.append("</header>")
    if c.get("in") or c.get("out"):
        parts.append(f'<p class="spot"><b>In:</b> {_e(c.get("in"))}<br><b>Out:</b> {_e(c.get("out"))}</p>')

    rows: list[tuple[str, str]] = []
    ids = [i for i in c.get("scene_ids") or () if isinstance(i, int)]
    if ids:
        rows.append(("Scenes", ", ".join(
            f'<a href="#{_anchor("scene", i)}">{i}</a>' if i in scene_ids else str(i) for i in ids)))
    if c.get("reason"):
        rows.append(("Spotted for", _e(c.get("reason"))))
    rows.append(("Valence / arousal", f"{_signed(_num(c.get('valence')))} / {_signed(_num(c.get('arousal')))}"))
    if cond:
        key = " ".join(_text(cond.get(k)) for k in ("key", "mode") if cond.get(k))
        tempo = _num(cond.get("tempo_bpm"))
        music = [key, f"{tempo:g} bpm" if tempo else "", _text(cond.get("meter")), _text(cond.get("dynamics")),
                 _text(cond.get("articulation"))]
        rows.append(("Music", _e(", ".join(m for m in music if m))))
        if cond.get("genre"):
            rows.append(("Genre", _e(cond.get("genre"))))
        instruments = [i for i in cond.get("instrumentation") or () if isinstance(i, dict)]
        if instruments:
            rows.append(("Instruments", _e(", ".join(
                _text(i.get("name")) + (f" ({_text(i.get('role'))})" if i.get("role") else "")
                for i in instruments))))
        if cond.get("harmony"):
            rows.append(("Harmony", _e(cond.get("harmony"))))
        themes = [t for t in cond.get("themes") or () if isinstance(t, dict)]
        if themes:
            rows.append(("Themes", "<br>".join(
                _e(f"{_text(t.get('motif') or t.get('character'))} {_text(t.get('transformation'))}".strip()
                   + (f": {_text(t.get('note'))}" if t.get("note") else "")) for t in themes)))
        spark = _sparkline(cond.get("intensity_curve") or ())
        if spark:
            rows.append(("Intensity", spark))
        if cond.get("avoid"):
            rows.append(("Avoid", _e(", ".join(_text(a) for a in cond.get("avoid") or ()))))
        backend = _text(cond.get("backend")) + (f" ({_text(cond.get('model'))})" if cond.get("model") else "")
        if cond.get("fallback"):
            backend += f"; fell back: {_text(cond.get('fallback'))}"
        rows.append(("Condition by", _e(backend)))
    parts.append('<dl class="cond">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>")
    if cond.get("prompt"):
        parts.append(f'<p class="prompt">“{_e(cond.get("prompt"))}”</p>')
    if cond.get("rationale"):
        parts.append(f'<p class="rationale"><b>Why:</b> {_e(cond.get("rationale"))}</p>')
    elif not cond:
        parts.append('<p class="missing">No music condition for this cue yet (translate stage).</p>')

    media = ['<div class="media">']
    if cue.audio:
        media.append(f'<audio controls preload="none" src="{_href(cue.audio)}" '
                     f'aria-label="{_e(cue.cue_id)} audio"></audio>')
    else:
        media.append('<span class="missing">no audio rendered</span>')
    if view.temp_track:
        media.append(f'<button type="button" class="seek" data-seek="{cue.start_s:.3f}">'
                     "play in temp track</button>")
    if cue.midi:
        media.append(f'<a href="{_href(cue.midi)}">MIDI</a>')
    if cue.musicxml:
        media.append(f'<a href="{_href(cue.musicxml)}">MusicXML</a>')
    media.append("</div>")
    parts.append("".join(media))
    parts.append("</article>")
    return "\n".join(parts)


def _scene_item(scene: SceneView, cue_of: dict[int, list[str]]) -> str:
    meta = [f"{clock(scene.start_s)}–{clock(scene.end_s)}"]
    if scene.timeline != "present":
        meta.append(scene.timeline)
    if scene.mood:
        meta.append(scene.mood)
    meta.append(f"valence {_signed(scene.raw_valence)} → {_signed(scene.valence)}, "
                f"arousal {_signed(scene.raw_arousal)} → {_signed(scene.arousal)}")
    if scene.turn:
        meta.append(f"turning point ({scene.turn})")
    cues = cue_of.get(scene.scene_id, [])
    cue_links = ", ".join(f'<a href="#{_anchor("cue", c)}">{_e(c)}</a>' for c in cues)
    body = ['<div class="body">']
    if scene.memory_note:
        body.append(f'<p class="note"><b>Memory:</b> {_e(scene.memory_note)}</p>')
    facts = []
    if scene.characters:
        facts.append("<b>Characters:</b> " + _e(", ".join(scene.characters)))
    if scene.top_emotion:
        facts.append("<b>Top emotion:</b> " + _e(scene.top_emotion))
    if cue_links:
        facts.append("<b>Cue:</b> " + cue_links)
    if facts:
        body.append('<p class="note">' + " · ".join(facts) + "</p>")
    body.append(f"<pre>{_e(scene.text)}</pre></div>")
    tag = f' <span class="tag tl">{_e(scene.timeline)}</span>' if scene.timeline != "present" else ""
    return (f'<details class="scene" id="{_anchor("scene", scene.scene_id)}"><summary>'
            f'<span class="n when">{scene.scene_id}</span><span class="h">{_e(scene.heading)}{tag}</span>'
            f'<span class="meta">{_e(" · ".join(meta))}</span></summary>{"".join(body)}</details>')


def build_report(folder: str | Path) -> bytes:
    """The run folder's report as HTML (UTF-8), meant to be written to ``report.html`` in it."""
    view = read_run_view(folder)
    scene_ids = {s.scene_id for s in view.scenes}
    cue_of: dict[int, list[str]] = {}
    for cue in view.cues:
        for i in cue.cue.get("scene_ids") or ():
            if isinstance(i, int):
                cue_of.setdefault(i, []).append(cue.cue_id)
    music_s = sum(c.end_s - c.start_s for c in view.cues)
    backends = sorted({_text((c.condition or {}).get("backend")) for c in view.cues} - {""})
    timelines: dict[str, int] = {}
    for s in view.scenes:
        if s.timeline != "present":
            timelines[s.timeline] = timelines.get(s.timeline, 0) + 1
    facts = [
        f"<li><b>{len(view.scenes)}</b> scenes"
        + (" (" + ", ".join(f"{n} {_e(t)}" for t, n in timelines.items()) + ")" if timelines else "")
        + "</li>",
        f"<li><b>{clock(view.duration_s)}</b> estimated screen time</li>",
        f"<li><b>{len(view.cues)}</b> cues, <b>{clock(music_s)}</b> of music "
        f"({100 * music_s / view.duration_s:.0f}%)</li>",
    ]
    if backends:
        facts.append(f"<li>conditions by <b>{_e(', '.join(backends))}</b></li>")

    page = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_csp())}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="scenescore">',
        '<link rel="icon" href="data:,">',
        f"<title>{_e(view.title)}: temp score report</title>",
        f"<style>{_CSS}</style>",
        "</head><body><main>",
        f'<header><span class="temp">TEMP SCORE · DRAFT · NOT FOR RELEASE</span><h1>{_e(view.title)}</h1>',
        f'<ul class="facts">{"".join(facts)}</ul></header>',
        '<section id="arc-section"><h2>Emotional arc</h2><div class="panel">',
        _legend(view),
        _arc_svg(view),
        '<div class="player">',
    ]
    if view.temp_track:
        page.append(f'<span><b>Temp track</b> <span id="temp-time" class="when">0:00</span></span>'
                    f'<audio id="temp-track" controls preload="metadata" src="{_href(view.temp_track)}">'
                    "</audio><span class=\"when\">click the plot to play from there</span>")
    else:
        page.append('<span class="missing">No temp track rendered yet (render stage).</span>')
    if view.score_midi:
        page.append(f'<a href="{_href(view.score_midi)}">whole-film MIDI</a>')
    page.append("</div></div></section>")

    page.append(f'<section id="cues"><h2>Cues ({len(view.cues)})</h2>')
    if view.cues:
        page.append('<div class="cues">')
        page.extend(_cue_card(c, view, scene_ids) for c in view.cues)
        page.append("</div>")
    else:
        page.append('<p class="missing">No cues spotted yet (spot stage).</p>')
    page.append("</section>")

    page.append(f'<section id="scenes"><h2>Scenes ({len(view.scenes)})</h2>')
    page.append('<p class="note">Valence and arousal: the scene on its own → in context '
                "(after the memory of earlier scenes). Open a scene to read it.</p>")
    page.extend(_scene_item(s, cue_of) for s in view.scenes)
    page.append("</section>")

    footer = ["<footer>"]
    if view.data_files:
        footer.append("<p>Files: " + " · ".join(f'<a href="{_href(f)}">{_e(f)}</a>' for f in view.data_files)
                      + "</p>")
    provenance = [f"source {_e(view.source)}" if view.source else "",
                  f"sha256 <code>{_e(view.input_sha256[:16])}</code>" if view.input_sha256 else "",
                  f"seed {_e(view.seed)}" if view.seed is not None else "",
                  f"scenescore {_e(view.version)}" if view.version else ""]
    footer.append("<p>" + " · ".join(p for p in provenance if p) + "</p>")
    footer.append("<p>Drafted by software from the screenplay: temp music to talk about, "
                  "not for registration or release.</p></footer>")
    page.extend(footer)
    page.append(f"</main><script>{_JS}</script></body></html>\n")
    return "\n".join(page).encode("utf-8")


# ---- the arc as PNG ------------------------------------------------------------------------
def arc_png(folder: str | Path) -> bytes:
    """The emotional arc as a PNG, for people who will not open a browser (same data as the page)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    view = read_run_view(folder)
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
        for timeline, start, end in timeline_spans(view.scenes):
            ax.axvspan(start, end, color=TIMELINE_COLOURS.get(timeline, "#bbbbbb"), alpha=0.25, lw=0)
        for cue in view.cues:
            ax.axvline(cue.start_s, color="#9aa3ae", lw=0.6, alpha=0.5, ls=(0, (2, 3)))
        for s in view.scenes:
            if s.turn:
                ax.axvline(s.mid_s, color="#333333", lw=1.0, alpha=0.7, ls=(0, (1, 2)))
                if ax is ax_v:
                    ax.plot([s.mid_s], [1.0], marker="v", ms=7, color="#333333", clip_on=False,
                            transform=ax.get_xaxis_transform())
        raw = [math.nan if v is None else v for v in (getattr(s, "raw_" + key) for s in view.scenes)]
        ctx = [math.nan if v is None else v for v in (getattr(s, key) for s in view.scenes)]
        limit = _limit([getattr(s, key) for s in view.scenes] + [getattr(s, "raw_" + key) for s in view.scenes])
        ax.axhline(0, color="#aab2bd", lw=0.8)
        (line_raw,) = ax.plot(mids, raw, color=colour, lw=1.2, ls=(0, (5, 4)), alpha=0.75)
        (line_ctx,) = ax.plot(mids, ctx, color=colour, lw=2.2, marker="o", ms=marker)
        handles += [(line_ctx, f"{label} in context"), (line_raw, f"{label} raw")]
        ax.set_ylim(-limit * 1.04, limit * 1.04)
        ax.set_ylabel(label.capitalize(), fontsize=11)
        ax.set_yticks(_value_ticks(limit))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _signed(v) if abs(v) > 1e-9 else "0"))
        ax.grid(axis="y", color="#eef0f3", lw=0.8)
        ax.tick_params(labelsize=9, labelbottom=False)
    for i, cue in enumerate(view.cues):
        width = max(cue.end_s - cue.start_s, duration / 1000)
        ax_c.add_patch(Rectangle((cue.start_s, 0.1), width, 0.8, color=CUE_COLOURS[i % 2], lw=0))
        if width / duration * 1090 > 7 * len(cue.cue_id) + 6:
            ax_c.text(cue.start_s + width / 2, 0.5, cue.cue_id, color="white", fontsize=8,
                      fontweight="bold", ha="center", va="center")
    ax_c.set_ylim(0, 1)
    ax_c.set_yticks([])
    ax_c.set_ylabel("Cues", fontsize=10, rotation=0, ha="right", va="center")
    ax_c.set_xlim(0, duration)
    ax_c.xaxis.set_major_locator(MultipleLocator(_tick_step(duration)))
    ax_c.xaxis.set_major_formatter(FuncFormatter(lambda t, _pos: clock(t)))
    ax_c.tick_params(labelsize=9)
    ax_c.set_xlabel("estimated screen time", fontsize=10)
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


__all__ = ["RunView", "SceneView", "CueView", "arc_png", "build_report", "read_run_view", "timeline_spans",
           "clock"]
