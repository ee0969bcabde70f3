from __future__ import annotations

import logging

import pytest

from scenescore.ingest import read_screenplay_bytes
from scenescore.options import SegmentOptions
from scenescore.segment import parse_heading, segment_document


def _segment(text: str, options: SegmentOptions | None = None, name: str = "s.fountain"):
    return segment_document(read_screenplay_bytes(text.encode("utf-8"), name), options)


def _timelines(text: str) -> list[str]:
    return [str(s.timeline) for s in _segment(text).scenes]


@pytest.mark.parametrize("heading,expected", [
    ("INT. KITCHEN - NIGHT", ("INT. KITCHEN - NIGHT", None, "INT", "KITCHEN", "NIGHT")),
    ("12   EXT. LAKE - DOCK - DAWN   12", ("EXT. LAKE - DOCK - DAWN", "12", "EXT", "LAKE - DOCK", "DAWN")),
    ("12A  INT./EXT. CAR - MOVING - DAY  12A", ("INT./EXT. CAR - MOVING - DAY", "12A", "INT/EXT", "CAR - MOVING", "DAY")),
    ("I/E TRUCK - CONTINUOUS", ("I/E TRUCK - CONTINUOUS", None, "INT/EXT", "TRUCK", "CONTINUOUS")),
    ("EXT. DOCK - NIGHT - 1993", ("EXT. DOCK - NIGHT - 1993", None, "EXT", "DOCK", "NIGHT")),
    ("INT. HOUSE - NIGHT (FLASHBACK)", ("INT. HOUSE - NIGHT (FLASHBACK)", None, "INT", "HOUSE", "NIGHT")),
    (".INT. SPACESHIP #7B#", ("INT. SPACESHIP", "7B", "INT", "SPACESHIP", None)),
    ("EXT. FIELD", ("EXT. FIELD", None, "EXT", "FIELD", None)),
])
def test_parse_heading(heading: str, expected: tuple) -> None:
    assert parse_heading(heading) == expected


def test_flashback_spans_scenes_until_closed() -> None:
    text = """INT. HOSPITAL - NIGHT

Ella waits.

FLASHBACK:

EXT. BEACH - DAY

They run.

INT. CAR - DAY

They sing.

END FLASHBACK

INT. HOSPITAL - NIGHT

Ella alone.
"""
    assert _timelines(text) == ["present", "flashback", "flashback", "present"]


def test_super_years_earlier_and_present_day() -> None:
    text = """INT. OFFICE - DAY

Work.

EXT. SCHOOL - DAY

SUPER: "Twenty years earlier"

Kids play.

EXT. PARK - DAY

More kids.

INT. OFFICE - DAY

SUPER: "Present day"

Work again.
"""
    assert _timelines(text) == ["present", "flashback", "flashback", "present"]


def test_dream_and_back_to_present_transitions() -> None:
    text = """INT. BEDROOM - NIGHT

She sleeps.

DREAM SEQUENCE

EXT. FOREST - NIGHT

Wolves.

END DREAM

INT. BEDROOM - NIGHT

She wakes.
"""
    assert _timelines(text) == ["present", "dream", "present"]


def test_intercut_marks_both_sides() -> None:
    after_second = """INT. KITCHEN - NIGHT

Ella dials.

INT. APARTMENT - NIGHT

June answers.

INTERCUT - PHONE CONVERSATION

ELLA
Hi.

INT. STREET - DAY

Traffic.
"""
    assert _timelines(after_second) == ["intercut", "intercut", "present"]
    before_second = """INT. KITCHEN - NIGHT

Ella dials.

INTERCUT WITH:

INT. APARTMENT - NIGHT

June answers.

INT. STREET - DAY

Traffic.
"""
    assert _timelines(before_second) == ["intercut", "intercut", "present"]


def test_heading_label_marks_one_scene_and_outer_layer_wins() -> None:
    text = """INT. HOUSE - NIGHT (FLASHBACK)

Old times.

INT. HOUSE - NIGHT

Now.

FLASHBACK:

.MONTAGE - SUMMER

Swimming.

INT. HOUSE - DAY

Still the past.

END FLASHBACK

INT. HOUSE - NIGHT

Now again.
"""
    assert _timelines(text) == ["flashback", "present", "flashback", "flashback", "present"]


def test_no_headings_fallback_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    body = "\n\n".join(f"Paragraph {i} of a script without any scene headings at all." for i in range(80))
    text = body + "\n\nCUT TO:\n\n" + body
    with caplog.at_level(logging.WARNING):
        screenplay = _segment(text, name="noheadings.txt")
    assert len(screenplay.scenes) >= 3
    assert screenplay.warnings and "no scene headings" in screenplay.warnings[0]
    assert any("no scene headings" in r.getMessage() for r in caplog.records)
    covered = sum(s.end_line - s.start_line + 1 for s in screenplay.scenes)
    assert covered == len(screenplay.elements)


def test_eighths_and_seconds() -> None:
    one_line = "INT. ROOM - DAY\n\nA door.\n\nEXT. STREET - DAY\n\n" + "\n\n".join(
        "A long paragraph of action that goes on and on for the sake of filling the page." for _ in range(25))
    scenes = _segment(one_line).scenes
    assert scenes[0].eighths == 1  # never under 1/8
    assert scenes[1].eighths >= 8  # about a page
    assert 40 <= scenes[1].est_seconds <= 100
    calibrated = _segment(one_line, SegmentOptions(target_runtime_s=600)).scenes
    assert sum(s.est_seconds for s in calibrated) == pytest.approx(600, abs=0.05)
    ratio = calibrated[1].est_seconds / calibrated[0].est_seconds
    assert ratio == pytest.approx(scenes[1].est_seconds / scenes[0].est_seconds, rel=0.01)


def test_dialogue_is_structured_and_names_normalized() -> None:
    text = """INT. ROOM - DAY

JOHN (V.O.)
(softly)
Hello.
(beat)
Anyone?

JOHN (CONT'D)
Still here.

MARY (O.S.)
Yes.
"""
    scene = _segment(text).scenes[0]
    assert scene.characters == ("JOHN", "MARY")
    assert [(d.speaker, d.parenthetical, d.text) for d in scene.dialogue] == [
        ("JOHN", "(softly) (beat)", "Hello. Anyone?"), ("JOHN", "", "Still here."), ("MARY", "", "Yes.")]
