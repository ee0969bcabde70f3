"""The report page: ``templates/report.html.j2`` rendered with autoescape, CSS and script inline.

Everything that came from the screenplay or a language model reaches the page through Jinja2's
autoescape: it is untrusted. Only the package's own stylesheet and script are marked safe, and the
page's Content-Security-Policy admits exactly those two by hash, so the page runs nothing else and
fetches nothing from the network.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from scenescore.report.run import (
    CueView,
    RunView,
    SceneView,
    num,
    read_run_view,
    text,
    timeline_spans,
)
from scenescore.report.style import (
    AROUSAL_COLOUR,
    TIMELINE_COLOURS,
    VALENCE_COLOUR,
    anchor,
    clock,
    href,
    signed,
)
from scenescore.report.svg import arc_geometry, sparkline


def _static(name: str) -> str:
    return resources.files("scenescore.report").joinpath("static", name).read_text(encoding="utf-8")


@cache
def page_css() -> str:
    """The stylesheet file, plus the swatch colours taken from the plot's (declared once)."""
    swatches = [f".sw-v {{ border-color:{VALENCE_COLOUR}; }}\n.sw-a {{ border-color:{AROUSAL_COLOUR}; }}\n"]
    swatches += [f".tl-{name} {{ background:{colour}; }}\n" for name, colour in TIMELINE_COLOURS.items()]
    return _static("report.css") + "".join(swatches)


@cache
def page_js() -> str:
    return _static("report.js")


def csp() -> str:
    """Nothing from the network, only this page's own style and script, media from the folder."""
    def digest(source: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"

    return (f"default-src 'none'; style-src {digest(page_css())}; script-src {digest(page_js())}; "
            "img-src data:; media-src 'self' file:; base-uri 'none'; form-action 'none'")


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("scenescore.report", "templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(clock=clock, href=href)
    return env


def _cue_card(cue: CueView, scene_ids: set[int]) -> dict[str, Any]:
    c, cond = cue.cue, cue.condition or {}
    tags = []
    if c.get("function"):
        tags.append({"cls": "", "text": text(c.get("function"))})
    if c.get("mood"):
        tags.append({"cls": "mood", "text": text(c.get("mood"))})
    if c.get("timeline") and c.get("timeline") != "present":
        tags.append({"cls": "tl", "text": text(c.get("timeline"))})
    rows: list[dict[str, Any]] = []

    def row(label: str, value: Any, kind: str = "text") -> None:
        rows.append({"label": label, "value": value, "kind": kind})

    ids = [i for i in c.get("scene_ids") or () if isinstance(i, int)]
    if ids:
        row("Scenes", [{"id": i, "anchor": anchor("scene", i), "linked": i in scene_ids} for i in ids], "scenes")
    if c.get("reason"):
        row("Spotted for", text(c.get("reason")))
    row("Valence / arousal", f"{signed(num(c.get('valence')))} / {signed(num(c.get('arousal')))}")
    if cond:
        key = " ".join(text(cond.get(k)) for k in ("key", "mode") if cond.get(k))
        tempo = num(cond.get("tempo_bpm"))
        music = [key, f"{tempo:g} bpm" if tempo else "", text(cond.get("meter")), text(cond.get("dynamics")),
                 text(cond.get("articulation"))]
        row("Music", ", ".join(m for m in music if m))
        if cond.get("genre"):
            row("Genre", text(cond.get("genre")))
        instruments = [i for i in cond.get("instrumentation") or () if isinstance(i, dict)]
        if instruments:
            row("Instruments", ", ".join(text(i.get("name")) + (f" ({text(i.get('role'))})" if i.get("role") else "")
                                         for i in instruments))
        if cond.get("harmony"):
            row("Harmony", text(cond.get("harmony")))
        themes = [t for t in cond.get("themes") or () if isinstance(t, dict)]
        if themes:
            row("Themes", [f"{text(t.get('motif') or t.get('character'))} {text(t.get('transformation'))}".strip()
                           + (f": {text(t.get('note'))}" if t.get("note") else "") for t in themes], "lines")
        spark = sparkline(cond.get("intensity_curve") or ())
        if spark:
            row("Intensity", spark, "spark")
        if cond.get("avoid"):
            row("Avoid", ", ".join(text(a) for a in cond.get("avoid") or ()))
        backend = text(cond.get("backend")) + (f" ({text(cond.get('model'))})" if cond.get("model") else "")
        if cond.get("fallback"):
            backend += f"; fell back: {text(cond.get('fallback'))}"
        row("Condition by", backend)
    return {
        "cue_id": cue.cue_id, "anchor": anchor("cue", cue.cue_id), "start_s": cue.start_s,
        "when": f"{clock(cue.start_s)}–{clock(cue.end_s)} ({clock(cue.end_s - cue.start_s)})",
        "tags": tags, "spot_in": text(c.get("in")), "spot_out": text(c.get("out")), "rows": rows,
        "prompt": text(cond.get("prompt")), "rationale": text(cond.get("rationale")),
        "has_condition": bool(cond), "audio": cue.audio, "midi": cue.midi, "musicxml": cue.musicxml,
    }


def _scene_item(scene: SceneView, cue_of: dict[int, list[str]]) -> dict[str, Any]:
    meta = [f"{clock(scene.start_s)}–{clock(scene.end_s)}"]
    if scene.timeline != "present":
        meta.append(scene.timeline)
    if scene.mood:
        meta.append(scene.mood)
    meta.append(f"valence {signed(scene.raw_valence)} → {signed(scene.valence)}, "
                f"arousal {signed(scene.raw_arousal)} → {signed(scene.arousal)}")
    if scene.turn:
        meta.append(f"turning point ({scene.turn})")
    cues = [{"id": c, "anchor": anchor("cue", c)} for c in cue_of.get(scene.scene_id, [])]
    return {"scene": scene, "anchor": anchor("scene", scene.scene_id), "meta": " · ".join(meta),
            "cues": cues, "has_facts": bool(scene.characters or scene.top_emotion or cues)}


def render_page(view: RunView) -> str:
    """The page of a :class:`RunView` as text."""
    from markupsafe import Markup

    scene_ids = {s.scene_id for s in view.scenes}
    cue_of: dict[int, list[str]] = {}
    for cue in view.cues:
        for i in cue.cue.get("scene_ids") or ():
            if isinstance(i, int):
                cue_of.setdefault(i, []).append(cue.cue_id)
    timelines: dict[str, int] = {}
    for s in view.scenes:
        if s.timeline != "present":
            timelines[s.timeline] = timelines.get(s.timeline, 0) + 1
    context = {
        "view": view, "arc": arc_geometry(view), "csp": csp(),
        # The package's own files, trusted and admitted by hash in the CSP: not escaped.
        "css": Markup(page_css()), "js": Markup(page_js()),
        "timelines": timelines,
        "music_s": sum(c.end_s - c.start_s for c in view.cues),
        "backends": sorted({text((c.condition or {}).get("backend")) for c in view.cues} - {""}),
        "legend_timelines": list(dict.fromkeys(t for t, _, _ in timeline_spans(view.scenes))),
        "has_turns": any(s.turn for s in view.scenes),
        "cards": [_cue_card(c, scene_ids) for c in view.cues],
        "scene_items": [_scene_item(s, cue_of) for s in view.scenes],
    }
    return _environment().get_template("report.html.j2").render(context)


def build_report(folder: str | Path) -> bytes:
    """The run folder's report as HTML (UTF-8), meant to be written to ``report.html`` in it."""
    return render_page(read_run_view(folder)).encode("utf-8")
