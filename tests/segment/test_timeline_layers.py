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


def test_flashback_to_transition_ends_at_back_to() -> None:
    # "FLASHBACK TO:" closing a scene opens the flashback at the next heading; the bare "BACK TO:"
    # transition closing the flashback's scene returns to the present (no layer left open).
    rows = _scene(1, [(T.TRANSITION, "FLASHBACK TO:")]) + _scene(2, [(T.TRANSITION, "BACK TO:")])
    for n in range(3, 13):
        rows += _scene(n)
    scenes, warnings = build_scenes(_elements(rows))
    assert [s.timeline for s in scenes[:3]] == [Timeline.PRESENT, Timeline.FLASHBACK, Timeline.PRESENT]
    assert all(s.timeline is Timeline.PRESENT for s in scenes[2:])
    assert not warnings


def test_back_to_a_place_is_not_a_return_to_the_present() -> None:
    # "BACK TO SCENE" and "BACK TO THE ATTIC" move the camera, not the story's time.
    rows = _scene(1, [(T.ACTION, "FLASHBACK:")]) + _scene(2, [(T.SHOT, "BACK TO SCENE")])
    rows += _scene(3, [(T.TRANSITION, "BACK TO THE ATTIC:")]) + _scene(4, [(T.ACTION, "END FLASHBACK")]) + _scene(5)
    scenes, _ = build_scenes(_elements(rows))
    assert [s.timeline for s in scenes] == [Timeline.PRESENT] + [Timeline.FLASHBACK] * 3 + [Timeline.PRESENT]


def test_present_day_heading_closes_an_open_flashback() -> None:
    rows = _scene(1, [(T.ACTION, "FLASHBACK:")]) + _scene(2) + _scene(3)
    rows += [(T.SCENE_HEADING, "INT. FERRY TERMINAL - PRESENT DAY"), (T.ACTION, "Gulls on the rail."), (T.BLANK, "")]
    for n in range(5, 14):
        rows += _scene(n)
    scenes, warnings = build_scenes(_elements(rows))
    assert [s.timeline for s in scenes[:3]] == [Timeline.PRESENT, Timeline.FLASHBACK, Timeline.FLASHBACK]
    assert all(s.timeline is Timeline.PRESENT for s in scenes[3:])
    assert not warnings


def test_fountain_flashback_to_and_back_to() -> None:
    """End to end from an original Fountain script: the transitions as a writer types them."""
    from scenescore.ingest import read_screenplay_bytes
    from scenescore.options import IngestOptions
    from scenescore.segment import segment_document

    places = ["BOATHOUSE", "LIGHTHOUSE STAIRS", "NET LOFT", "HARBOUR OFFICE", "CHANDLERY", "SLIPWAY",
              "PIER HEAD", "TIDE GAUGE", "FISH MARKET", "CUSTOMS SHED"]
    text = ["Title: Low Water", "", "INT. BOATHOUSE - NIGHT", "", "Ines sands a hull by lamplight.", "",
            "INES", "He built this one for me.", "", "FLASHBACK TO:", "",
            "EXT. SLIPWAY - DAY", "", "A younger Ines holds the rope while her father laughs.", "", "BACK TO:", ""]
    for place in places:
        text += [f"INT. {place} - DAY", "", "Ines walks through, counting rope.", ""]
    doc = read_screenplay_bytes("\n".join(text).encode(), "low_water.fountain", IngestOptions())
    screenplay = segment_document(doc)
    timelines = [s.timeline for s in screenplay.scenes]
    assert timelines[:2] == [Timeline.PRESENT, Timeline.FLASHBACK]
    assert all(t is Timeline.PRESENT for t in timelines[2:]) and len(timelines) == 12
    assert not screenplay.warnings
