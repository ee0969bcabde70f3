"""Timeline layers close: prose markers mark one scene, montages end when the script leaves
them, and a layer left open over much of a film is reported."""

from __future__ import annotations

from scenescore.records import Element, ElementType, Timeline
from scenescore.segment import build_scenes

T = ElementType


def _elements(rows: list[tuple[ElementType, str]]) -> list[Element]:
    return [Element(i + 1, t, text) for i, (t, text) in enumerate(rows)]


def _scene(n: int, extra: list[tuple[ElementType, str]] | None = None) -> list[tuple[ElementType, str]]:
    rows = [(T.SCENE_HEADING, f"INT. ROOM {n} - NIGHT"), (T.BLANK, ""), (T.ACTION, "Someone waits by the door.")]
    return rows + (extra or []) + [(T.BLANK, "")]


def test_prose_montage_marks_its_scene_only() -> None:
    rows = _scene(1) + _scene(2, [(T.ACTION, "Montage of shots on T.V. Set for program about the town's history.")])
    for n in range(3, 12):
        rows += _scene(n)
    scenes, warnings = build_scenes(_elements(rows))
    timelines = [s.timeline for s in scenes]
    assert timelines[1] is Timeline.MONTAGE
    assert all(t is Timeline.PRESENT for k, t in enumerate(timelines) if k != 1)
    assert not warnings


def test_explicit_montage_ends_at_its_marker_or_the_next_full_heading() -> None:
    rows = _scene(1, [(T.ACTION, "BEGIN MONTAGE:")])
    rows += [(T.SCENE_HEADING, "THE PIER"), (T.ACTION, "Boats come in."), (T.BLANK, "")]
    rows += _scene(3) + _scene(4)
    scenes, _ = build_scenes(_elements(rows))
    # The marker closes scene 1's content, so the montage starts with the next heading; the
    # secondary slug stays inside it and the next INT./EXT. heading leaves it.
    assert [s.timeline for s in scenes] == [Timeline.PRESENT, Timeline.MONTAGE, Timeline.PRESENT, Timeline.PRESENT]

    rows = _scene(1, [(T.ACTION, "SERIES OF SHOTS")]) + _scene(2) + [(T.ACTION, "END SERIES OF SHOTS")] + _scene(3)
    scenes, _ = build_scenes(_elements(rows))
    assert [s.timeline for s in scenes][2] is Timeline.PRESENT


def test_flashback_without_end_is_reported() -> None:
    rows = _scene(1) + _scene(2, [(T.ACTION, "FLASHBACK:")])
    for n in range(3, 13):
        rows += _scene(n)
    scenes, warnings = build_scenes(_elements(rows))
    assert scenes[3].timeline is Timeline.FLASHBACK
    assert len(warnings) == 1 and "flashback" in warnings[0] and "never closes" in warnings[0]


def test_closed_flashback_is_not_reported() -> None:
    rows = _scene(1) + _scene(2, [(T.ACTION, "FLASHBACK:")])
    for n in range(3, 8):
        rows += _scene(n)
    rows += _scene(8, [(T.TRANSITION, "BACK TO PRESENT")])
    for n in range(9, 13):
        rows += _scene(n)
    scenes, warnings = build_scenes(_elements(rows))
    assert scenes[4].timeline is Timeline.FLASHBACK and scenes[10].timeline is Timeline.PRESENT
    assert not warnings
