"""Timecodes, subtitle parsing, word alignment and scene placement, without footage."""

from __future__ import annotations

from fractions import Fraction

import pytest
from align_support import perform

from scenescore.align import (
    AlignOptions,
    TranscriptLine,
    align_transcript,
    format_srt,
    format_timecode,
    frame_to_timecode,
    needleman_wunsch,
    normalize_words,
    parse_frame_rate,
    parse_subtitles,
    place_scenes,
)
from scenescore.errors import InputError, OptionsError


@pytest.mark.parametrize(("rate", "frame", "expected"), [
    ("29.97", 1799, "00:00:59;29"),
    ("29.97", 1800, "00:01:00;02"),
    ("29.97", 17982, "00:10:00;00"),
    ("29.97", 107892, "01:00:00;00"),
    ("59.94", 3600, "00:01:00;04"),
    ("23.976", 86400, "01:00:00:00"),  # non-drop: labels run slow against the clock
    ("24", 25, "00:00:01:01"),
    ("25", 90000, "01:00:00:00"),
])
def test_timecodes_at_footage_rates(rate: str, frame: int, expected: str) -> None:
    assert frame_to_timecode(frame, parse_frame_rate(rate)) == expected


def test_frame_rates_snap_to_ntsc_fractions() -> None:
    assert parse_frame_rate("24000/1001") == Fraction(24000, 1001)
    assert parse_frame_rate(29.97) == Fraction(30000, 1001)
    assert format_timecode(2.5, "25") == "00:00:02:12"
    with pytest.raises(OptionsError):
        parse_frame_rate("fast")


def test_srt_and_vtt_parse_alike() -> None:
    srt = ("1\n00:00:01,000 --> 00:00:02,500\n<i>Hello</i> there,\nfriend.\n\n"
           "2\n00:00:03,000 --> 00:00:04,000\nBye &amp; out\n")
    vtt = ("WEBVTT\n\nNOTE a comment\n\nintro\n00:01.000 --> 00:02.500 align:start\n"
           "<v June>Hello there,\nfriend.\n\n00:00:03.000 --> 00:00:04.000\nBye &amp; out\n")
    for text in (srt, vtt):
        lines = parse_subtitles(text)
        assert [(x.start_s, x.end_s, x.text) for x in lines] == [
            (1.0, 2.5, "Hello there, friend."), (3.0, 4.0, "Bye & out")]
    assert parse_subtitles(format_srt(parse_subtitles(srt))) == parse_subtitles(srt)
    with pytest.raises(InputError, match="no subtitle cues"):
        parse_subtitles("just some text", source="x.srt")


def test_words_normalize() -> None:
    assert normalize_words("It's  JUNE's café -- 1993!") == ["its", "junes", "cafe", "1993"]


def test_needleman_wunsch_skips_added_and_cut_words() -> None:
    a = ["well", "i", "said", "we", "go", "to", "the", "lake", "today"]
    b = ["i", "said", "we", "go", "down", "to", "the", "lake"]
    pairs = needleman_wunsch(a, b)
    assert [(a[i], b[j]) for i, j, _ in pairs] == [(w, w) for w in ["i", "said", "we", "go", "to", "the", "lake"]]
    with pytest.raises(OptionsError, match="max_alignment_cells"):
        needleman_wunsch(a, b, options=AlignOptions(max_alignment_cells=10))


def _transcript(perf) -> list[TranscriptLine]:  # noqa: ANN001
    return [TranscriptLine(index=n, start_s=x.start / perf.fps, end_s=x.end / perf.fps, text=x.text)
            for n, x in enumerate(perf.lines)]


@pytest.mark.parametrize(("perturb", "seed"), [(0.0, 1), (0.2, 2), (0.2, 3), (0.2, 4), (0.4, 5)])
def test_scene_boundaries_from_transcript_and_cuts(sample_scenes, perturb: float, seed: int) -> None:  # noqa: ANN001
    perf = perform(sample_scenes, perturb=perturb, seed=seed, per_scene=4, words=12)
    aligned = align_transcript(_transcript(perf), sample_scenes)
    spans = place_scenes(sample_scenes, aligned, [c / perf.fps for c in perf.cuts],
                         duration_s=perf.frames / perf.fps, frame_rate=Fraction(perf.fps))
    truth = [perf.scene_starts[s.scene_id] / perf.fps for s in sample_scenes]
    close = [abs(s.start_s - t) <= 0.5 for s, t in zip(spans, truth, strict=True)]
    assert sum(close) / len(close) >= 0.95, [(s.scene_id, s.start_s, t) for s, t in
                                             zip(spans, truth, strict=True)]
    assert spans[0].start_s == 0.0 and spans[-1].end_s == perf.frames / perf.fps
    assert all(a.end_s == b.start_s for a, b in zip(spans, spans[1:], strict=False))


def test_no_cuts_and_no_matches_still_cover_the_film(sample_scenes) -> None:  # noqa: ANN001
    junk = [TranscriptLine(index=0, start_s=1.0, end_s=2.0, text="zebra quantum xylophone")]
    aligned = align_transcript(junk, sample_scenes)
    assert aligned[0].scene_id is None
    spans = place_scenes(sample_scenes, aligned, [], duration_s=600.0, frame_rate=Fraction(25))
    assert spans[0].start_s == 0.0 and spans[-1].end_s == 600.0
    assert all(s.method == "interpolated" and s.confidence <= 0.4 for s in spans)
    assert all(b.start_s >= a.start_s for a, b in zip(spans, spans[1:], strict=False))
