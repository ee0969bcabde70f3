"""The one timecode module: labels, drop-frame, programme starts, and a run that uses its own."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenescore.errors import OptionsError
from scenescore.timecode import (
    FRAME_RATES,
    format_timecode,
    frame_to_label,
    frame_to_timecode,
    label_to_frame,
    parse_start,
    timecode_fields,
)

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample" / "sample.fountain"


@pytest.mark.parametrize(("seconds", "rate", "start", "expected"), [
    (0.0, "24", "01:00:00:00", "01:00:00:00"),
    (12.5, "24", "01:00:00:00", "01:00:12:12"),
    (60.0, "29.97", (0, 0, 0, 0), "00:00:59;28"),  # 1798 frames: drop-frame runs behind in a minute
    (600.0, "29.97", (0, 0, 0, 0), "00:10:00;00"),  # ...but not every tenth minute
    (3600.0, "23.976", (0, 0, 0, 0), "00:59:56:10"),  # 24 labels a second, 23.976 frames
    (1.0, "25", "10:00:00:00", "10:00:01:00"),
])
def test_known_labels(seconds: float, rate: str, start, expected: str) -> None:  # noqa: ANN001
    assert format_timecode(seconds, rate, start=start) == expected


@given(st.sampled_from(sorted(FRAME_RATES)), st.integers(min_value=0, max_value=24 * 3600 * 60 - 1))
def test_drop_and_non_drop_labels_round_trip(rate_name: str, frame: int) -> None:
    rate = FRAME_RATES[rate_name]
    frame = frame % label_to_frame((24, 0, 0, 0), rate)  # within one day of labels
    assert label_to_frame(frame_to_label(frame, rate), rate) == frame


def test_label_order_is_frame_order_at_29_97() -> None:
    rate = FRAME_RATES["29.97"]
    assert frame_to_timecode(1800, rate) == "00:01:00;02"  # labels ;00 and ;01 are skipped
    labels = [frame_to_timecode(f, rate) for f in range(17980, 18000)]
    assert labels == sorted(labels) and len(set(labels)) == len(labels)


def test_smpte_fields_are_the_frame_the_time_falls_in_with_hundredths() -> None:
    assert timecode_fields(0.51, Fraction(25), start=(1, 0, 0, 0)) == (1, 0, 0, 12, 75)


@pytest.mark.parametrize("bad", ["1:00:00", "01:61:00:00", "aa:bb:cc:dd", (1, 0, 0), (1, -1, 0, 0)])
def test_a_bad_programme_start_is_one_clear_error(bad) -> None:  # noqa: ANN001
    with pytest.raises(OptionsError, match="programme start"):
        parse_start(bad)


def test_a_frame_beyond_the_rate_is_refused() -> None:
    with pytest.raises(OptionsError, match="beyond"):
        format_timecode(1.0, "24", start="01:00:00:24")


def test_every_deliverable_uses_the_runs_programme_start(tmp_path: Path) -> None:
    import json

    import mido
    import pandas as pd

    from scenescore.options import ScoreOptions
    from scenescore.pipeline import score
    from scenescore.render.options import AudioOptions, RenderOptions

    result = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film", programme_start="10:00:00:00"),
                   stage_options={"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)})
    folder = result.folder
    notes = pd.read_csv(folder / "spotting_notes.csv", dtype=str)
    sheet = pd.read_csv(folder / "cue_sheet.csv", dtype=str)
    assert notes["start"].iloc[0] == sheet["timing_in"].iloc[0] == "10:00:00:00"
    assert list(notes["end"]) == list(sheet["timing_out"])
    offsets = [m for m in mido.MidiFile(folder / "midi" / "1M01.mid").tracks[0] if m.type == "smpte_offset"]
    assert offsets and offsets[0].hours == 10
    assert json.loads((folder / "manifest.json").read_text())["timing"]["programme_start"] == "10:00:00:00"
    assert "10:00:00:00" in (folder / "report.html").read_text(encoding="utf-8")
