"""Long cues are split at the script's own structure, and every split is reported."""

from __future__ import annotations

from dataclasses import dataclass

from scenescore.records import Element, ElementType
from scenescore.segment import build_scenes
from scenescore.segment.long_cues import split_long_cues, structure_points

T = ElementType


@dataclass(frozen=True)
class _Cue:
    cue_id: str
    scene_ids: tuple[int, ...]
    start_s: float
    end_s: float
    reason: str = "film start"


def _one_long_scene(parts: int = 4) -> list:
    rows = [(T.SCENE_HEADING, "INT. HOUSE - NIGHT")]
    for part in range(parts):
        rows += [(T.ACTION, f"Long stretch {part} " + "word " * 300)]
        if part < parts - 1:
            rows += [(T.TRANSITION, "CUT TO:"), (T.ACTION, "LATER")]
    scenes, _ = build_scenes([Element(i + 1, t, text) for i, (t, text) in enumerate(rows)])
    return scenes


def test_structure_points_find_transitions_and_time_jumps() -> None:
    (scene,) = _one_long_scene()
    names = [name for _share, name in structure_points(scene)]
    assert names.count("CUT TO:") == 3 and names.count("LATER") == 3
    shares = [share for share, _ in structure_points(scene)]
    assert shares == sorted(shares) and 0 < shares[0] < shares[-1] < 1


def test_a_26_minute_cue_is_split_at_breaks_and_reported() -> None:
    (scene,) = _one_long_scene()
    cue = _Cue("1M01", (scene.scene_id,), 0.0, 26 * 60.0)
    parts, report = split_long_cues([cue], [scene])
    assert all(p.end_s - p.start_s <= 300.0 + 1e-6 for p in parts)
    assert parts[0].start_s == 0.0 and parts[-1].end_s == 26 * 60.0
    assert all(a.end_s == b.start_s for a, b in zip(parts, parts[1:], strict=False))
    assert [p.cue_id for p in parts][:2] == ["1M01A", "1M01B"]
    assert len(report) == 1 and "1M01" in report[0] and "LATER" in report[0] and "no break in the script" in report[0]


def test_short_cues_are_untouched() -> None:
    cue = _Cue("1M02", (1,), 10.0, 200.0)
    parts, report = split_long_cues([cue], [])
    assert parts == [cue] and report == []


def test_spotting_never_makes_a_cue_over_five_minutes(caplog) -> None:
    from scenescore.spotting import spot_cues

    (scene,) = _one_long_scene(14)
    assert scene.est_seconds > 300  # one scene of several minutes: a missed-headings symptom
    cues = spot_cues([scene])
    assert cues and all(c.end_s - c.start_s <= 300.0 + 1e-6 for c in cues)
    assert len({c.cue_id for c in cues}) == len(cues)
    assert any("split" in r.getMessage() for r in caplog.records)
    assert any(c.reason.startswith("split at") for c in cues[1:])


def test_a_speakers_cue_is_no_break() -> None:
    """A bare cue (``MARGIT``) is a capitals line like a secondary slug in the scene's text, but
    it only starts a speech: a long cue is not split there, and no split is named after it."""
    rows = [(T.SCENE_HEADING, "INT. SIGNAL BOX - NIGHT")]
    for part in range(4):
        rows += [(T.ACTION, f"Levers and lamps, part {part}. " + "word " * 250), (T.BLANK, ""),
                 (T.CHARACTER, "MARGIT"), (T.DIALOGUE, "The eleven-forty is late again."), (T.BLANK, "")]
        if part == 1:
            rows += [(T.ACTION, "THE STORE ROOM"), (T.BLANK, "")]
    (scene,) = build_scenes([Element(i + 1, t, text) for i, (t, text) in enumerate(rows)])[0]
    assert [name for _share, name in structure_points(scene)] == ["THE STORE ROOM"]
    parts, report = split_long_cues([_Cue("2M01", (scene.scene_id,), 0.0, 8 * 60.0)], [scene])
    assert len(parts) == 2 and "MARGIT" not in report[0] and "THE STORE ROOM" in report[0]


def test_a_wrapped_line_that_reads_like_a_time_jump_is_no_break() -> None:
    """``the next day.`` wrapped onto its own line inside a speech continues a sentence; the
    capitals line ``THE NEXT DAY`` standing alone is a time jump."""
    rows = [(T.SCENE_HEADING, "INT. SIGNAL BOX - NIGHT"), (T.ACTION, "Levers and lamps. " + "word " * 300),
            (T.CHARACTER, "MARGIT"), (T.DIALOGUE, "The relief man was due at six. He came"),
            (T.DIALOGUE, "the next day."), (T.ACTION, "She trims the wick. " + "word " * 300),
            (T.ACTION, "THE NEXT DAY"), (T.ACTION, "Snow on the rails. " + "word " * 300)]
    (scene,) = build_scenes([Element(i + 1, t, text) for i, (t, text) in enumerate(rows)])[0]
    assert [name for _share, name in structure_points(scene)] == ["THE NEXT DAY"]
