"""The report page: what it shows, that it is self-contained, escaped and deterministic."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from scenescore.errors import InputError
from scenescore.report import (
    TEMP_TRACK,
    build_report,
    clock,
    read_run_view,
    timeline_spans,
)


class Page(HTMLParser):
    """Every start tag with its attributes, and the text inside <script>/<style>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"script": [], "style": []}
        self._in: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.inline:
            self._in = tag
            self.inline[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline[self._in][-1] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(
            key in a and value in (a[key] or "").split() for key, value in attrs.items())]


def page_of(folder: Path) -> tuple[str, Page]:
    html = build_report(folder).decode("utf-8")
    return html, Page(html)


def test_same_folder_same_bytes_wherever_it_lives(sample_run: Path, tmp_path: Path) -> None:
    first = build_report(sample_run)
    assert build_report(sample_run) == first
    moved = tmp_path / "renamed-film"
    shutil.copytree(sample_run, moved)
    assert build_report(moved) == first
    assert str(sample_run) not in first.decode("utf-8")


def test_pipeline_writes_the_report(scored_run: Path) -> None:
    """``score`` runs the report in its deliver stage; rebuilding it gives the same bytes."""
    assert (scored_run / "report.html").read_bytes() == build_report(scored_run)
    assert (scored_run / "arc.png").read_bytes().startswith(b"\x89PNG")


def test_arc_plot_has_both_series_spans_turns_and_cues(sample_run: Path) -> None:
    _, page = page_of(sample_run)
    view = read_run_view(sample_run)
    for key in ("valence", "arousal"):
        for kind in ("context", "raw"):
            paths = page.find("path", **{"class": "series"})
            assert [p for p in paths if {kind, key} <= set((p["class"] or "").split())], (kind, key)
        assert len(page.find("circle", **{"class": key})) == len(view.scenes)
    # The sample has flashbacks, a dream, a montage and an intercut: each run shaded once.
    shaded = [a["class"] for a in page.find("g", **{"class": "span"})]
    assert shaded == [f"span span-{t}" for t, _, _ in timeline_spans(view.scenes)]
    assert {"flashback", "dream", "montage", "intercut"} <= {t for t, _, _ in timeline_spans(view.scenes)}
    assert len(page.find("g", **{"class": "turn"})) == sum(bool(s.turn) for s in view.scenes) > 0
    bars = page.find("a", **{"class": "cue-bar"})
    assert [b["href"] for b in bars] == [f"#cue-{c.cue_id}" for c in view.cues]
    assert page.find("line", id="playhead")


def test_cue_cards_show_conditions_players_and_links(sample_run: Path) -> None:
    html, page = page_of(sample_run)
    conditions = [json.loads(line) for line in (sample_run / "conditions.jsonl").read_text().splitlines()]
    assert len(page.find("article", **{"class": "cue"})) == len(conditions) > 0
    for condition in conditions:
        cue_id = condition["cue_id"]
        assert page.find("article", id=f"cue-{cue_id}")
        assert escape(condition["rationale"]) in html
        assert escape(condition["prompt"]) in html
        audio = [a["src"] for a in page.find("audio") if (a["src"] or "").startswith(f"audio/{cue_id}_")]
        assert len(audio) == 1 and (sample_run / audio[0]).is_file()
        links = {a["href"] for a in page.find("a")}
        assert f"midi/{cue_id}.mid" in links and f"xml/{cue_id}.musicxml" in links
    temp = page.find("audio", id="temp-track")
    assert temp and temp[0]["src"] == TEMP_TRACK
    assert {a["href"] for a in page.find("a")} >= {"midi/score.mid", "cue_sheet.csv", "conditions.jsonl"}


def test_each_scene_text_is_on_demand(sample_run: Path) -> None:
    html, page = page_of(sample_run)
    view = read_run_view(sample_run)
    details = page.find("details", **{"class": "scene"})
    assert [d["id"] for d in details] == [f"scene-{s.scene_id}" for s in view.scenes]
    assert all("open" not in d for d in details)
    scene = view.scenes[5]
    assert f"<pre>{escape(scene.text)}</pre>" in html
    assert scene.memory_note and escape(scene.memory_note) in html
    assert "WHAT THE LAKE KEEPS" in html  # the title page's title, not the folder's name


def test_the_page_is_self_contained(sample_run: Path) -> None:
    html, page = page_of(sample_run)
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is None:
                continue
            assert not re.match(r"^[a-z][a-z0-9+.-]*:", value) or value.startswith("data:"), (tag, value)
            assert not value.startswith("/"), (tag, value)
    assert not page.find("link", rel="stylesheet")
    assert all(a.get("src") is None for a in page.find("script"))
    # The only URL in the page is the SVG namespace.
    assert re.findall(r"https?://[^\s\"']+", html) == ["http://www.w3.org/2000/svg"]


def test_csp_admits_exactly_the_inline_style_and_script(sample_run: Path) -> None:
    _, page = page_of(sample_run)
    (meta,) = [m for m in page.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    policy = meta["content"] or ""
    assert "default-src 'none'" in policy
    for kind, directive in (("script", "script-src"), ("style", "style-src")):
        (body,) = page.inline[kind]
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in policy
    assert not [a for _, a in page.tags if "style" in a]  # a style attribute would be blocked


def test_screenplay_and_model_text_is_escaped(hostile_run: Path) -> None:
    html, page = page_of(hostile_run)
    assert len(page.find("script")) == 1  # ours
    assert not page.find("img") and not page.find("b", onmouseover="alert(1)")
    assert not [(t, a) for t, a in page.tags if any(k.startswith("on") for k in a)]
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    # The escaped </pre></details> did not close the scene early: both scenes are still there.
    assert [d["id"] for d in page.find("details", **{"class": "scene"})] == ["scene-1", "scene-2"]
    assert page.find("g", **{"class": "span-dream"})


def test_missing_render_outputs_are_said_not_linked(hostile_run: Path) -> None:
    html, page = page_of(hostile_run)
    assert not page.find("audio")
    assert "no audio rendered" in html and "No temp track rendered yet" in html
    assert not [a for a in page.find("a") if (a["href"] or "").endswith((".mid", ".musicxml"))]


def test_media_are_the_files_the_manifest_names(hostile_run: Path, tmp_path: Path) -> None:
    """The report links what render recorded in the manifest, never a file found by its name;
    a recorded file that is missing, or a path leaving the folder, is not linked."""
    folder = tmp_path / "run"
    shutil.copytree(hostile_run, folder)
    cues = json.loads((folder / "cues.json").read_text())
    cues = [dict(cues[0], cue_id="1M01"), dict(cues[0], cue_id="1M010", start_s=50.0, end_s=60.0),
            dict(cues[0], cue_id="1M02", start_s=60.0, end_s=70.0)]
    (folder / "cues.json").write_text(json.dumps(cues))
    (folder / "audio").mkdir()
    for name in ("1M010_01-00-00-50.wav", "1M01_01-00-00-00.flac", "1M01_01-00-00-00.wav", "1M02.wav"):
        (folder / "audio" / name).write_bytes(b"")
    files = {"cues": {"1M01": {"audio": "audio/1M01_01-00-00-00.flac", "midi": "midi/1M01.mid"},
                      "1M010": {"audio": "audio/1M010_01-00-00-50.wav"},
                      "1M02": {"audio": "../1M02.wav"}},
             "temp_track": "audio/temp_score.wav"}
    (folder / "manifest.json").write_text(json.dumps({"stages": {"render": {"files": files}}}))
    view = read_run_view(folder)
    assert [c.audio for c in view.cues] == ["audio/1M01_01-00-00-00.flac", "audio/1M010_01-00-00-50.wav", None]
    assert [c.midi for c in view.cues] == [None, None, None]  # recorded but not on disk
    assert view.temp_track is None


def test_a_folder_without_the_scene_table_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="scenes.parquet: missing"):
        build_report(tmp_path)


def test_bad_conditions_line_names_the_file_and_line(hostile_run: Path) -> None:
    (hostile_run / "conditions.jsonl").write_text('{"cue_id": "1M01"}\n{not json\n')
    with pytest.raises(InputError, match=r"conditions.jsonl: line 2 is not JSON"):
        build_report(hostile_run)


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (59.6, "1:00"), (754, "12:34"), (3725, "1:02:05")])
def test_clock(seconds: float, text: str) -> None:
    assert clock(seconds) == text
