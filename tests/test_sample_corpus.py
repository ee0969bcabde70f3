"""The sample screenplay in every format against its gold labels (built by construction)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scenescore.evaluate import read_gold, score_lines
from scenescore.ingest import detect_format, read_screenplay
from scenescore.records import SourceFormat, Timeline
from scenescore.segment import parse_screenplay, segment_screenplay

FILES = {
    "sample.fountain": ("fountain", SourceFormat.FOUNTAIN),
    "sample.fdx": ("fdx", SourceFormat.FDX),
    "sample.html": ("html", SourceFormat.HTML),
    "sample.txt": ("txt", SourceFormat.TEXT),
    "sample_flat.txt": ("flat", SourceFormat.TEXT),
    "sample.pdf": ("pdf", SourceFormat.PDF),
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_format_detected_from_content(corpus_dir: Path, name: str, tmp_path: Path) -> None:
    data = (corpus_dir / name).read_bytes()
    # The extension is hidden: detection must come from the bytes.
    assert detect_format(data, "upload.bin") is FILES[name][1] or (
        FILES[name][1] is SourceFormat.FOUNTAIN and detect_format(data, "upload.bin") is SourceFormat.FOUNTAIN)


@pytest.mark.parametrize("name", sorted(FILES))
def test_line_types_match_gold(corpus_dir: Path, name: str) -> None:
    gold = read_gold(corpus_dir / f"sample.{FILES[name][0]}.gold.jsonl")
    score = score_lines(parse_screenplay(corpus_dir / name), gold)
    assert score.unaligned == 0
    assert score.accuracy >= 0.995, score.errors[:10]
    assert score.heading_precision == 1.0 and score.heading_recall == 1.0


def test_html_normalized_text_is_the_pre_block(corpus_dir: Path) -> None:
    doc = read_screenplay(corpus_dir / "sample.html")
    gold = read_gold(corpus_dir / "sample.html.gold.jsonl")
    assert list(doc.lines) == [row["text"] for row in gold]
    assert not any("Writers" in line or "Genres" in line or "Alphabetical" in line for line in doc.lines)
    assert doc.title and "Lake" in doc.title.title()


@pytest.mark.parametrize("name", sorted(FILES))
def test_scene_table_matches_gold(corpus_dir: Path, name: str) -> None:
    gold = json.loads((corpus_dir / "sample.scenes.gold.json").read_text(encoding="utf-8"))
    scenes = segment_screenplay(corpus_dir / name).scenes
    assert len(scenes) == len(gold)
    for scene, want in zip(scenes, gold, strict=True):
        number = want.get("number_fdx", want["number"]) if name.endswith(".fdx") else want["number"]
        got = (scene.heading, scene.number, scene.int_ext, scene.location, scene.time_of_day,
               str(scene.timeline), sorted(scene.characters), len(scene.dialogue))
        expected = (want["heading"], number, want["int_ext"], want["location"], want["time_of_day"],
                    want["timeline"], sorted(want["characters"]), want["n_dialogue_blocks"])
        assert got == expected, f"scene {scene.scene_id}"


def test_formats_agree_on_timing(corpus_dir: Path) -> None:
    totals = {name: sum(s.est_seconds for s in segment_screenplay(corpus_dir / name).scenes) for name in FILES}
    eighths = {name: sum(s.eighths for s in segment_screenplay(corpus_dir / name).scenes) for name in FILES}
    assert max(totals.values()) / min(totals.values()) < 1.15, totals
    assert max(eighths.values()) / min(eighths.values()) < 1.15, eighths
    # A 15-page script: the page-eighths estimate lands within 25% of the printed length.
    assert 0.75 * 120 <= eighths["sample.txt"] <= 1.25 * 120


def test_multi_scene_flashback_dream_intercut_montage(corpus_dir: Path) -> None:
    scenes = segment_screenplay(corpus_dir / "sample.fountain").scenes
    timeline = [s.timeline for s in scenes]
    # The flashback opened by a marker spans several scenes until END FLASHBACK.
    run = [i for i, t in enumerate(timeline) if t is Timeline.FLASHBACK]
    assert len(run) >= 4 and run[:4] == list(range(run[0], run[0] + 4))
    assert timeline[run[3] + 1] is Timeline.PRESENT
    assert Timeline.DREAM in timeline and Timeline.MONTAGE in timeline
    assert timeline.count(Timeline.INTERCUT) == 2
    # Characters are normalized: no extensions, CONT'D or dual-dialogue marks.
    names = {c for s in scenes for c in s.characters}
    assert "ELLA" in names and not any("(" in n or "^" in n or "CONT" in n for n in names)


def test_pdf_fallback_reader_agrees(corpus_dir: Path) -> None:
    """pdfminer (pdfplumber), used when PDFium reads no text, types the sample just as well."""
    from scenescore.ingest.pdf import _read_pdf_pdfminer
    from scenescore.segment import type_lines

    doc = _read_pdf_pdfminer((corpus_dir / "sample.pdf").read_bytes(), "sample.pdf")
    score = score_lines(type_lines(doc), read_gold(corpus_dir / "sample.pdf.gold.jsonl"))
    assert score.accuracy >= 0.995 and score.unaligned == 0
