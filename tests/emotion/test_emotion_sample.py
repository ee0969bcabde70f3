"""The sample screenplay: a grieving present frames a happy flashback, a dream, an intercut."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenescore.emotion import MemoryOptions, analyze_screenplay

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


@pytest.fixture(scope="module")
def scenes():
    if not SAMPLE.exists():
        pytest.skip("sample screenplay not built")
    from scenescore.segment import segment_screenplay

    return segment_screenplay(SAMPLE).scenes


def _first_flashback(states):
    start = next(i for i, s in enumerate(states) if s.timeline == "flashback")
    end = next(i for i in range(start, len(states)) if states[i].timeline != "flashback")
    return start, end


def test_flashback_reads_bittersweet_not_plain_joy(scenes) -> None:
    analysis = analyze_screenplay(scenes)
    states, emotions = analysis.states, analysis.emotions
    start, end = _first_flashback(states)
    frame = states[start - 1]
    assert frame.timeline == "present" and frame.valence < 0  # the grieving present
    happy = [i for i in range(start, end) if emotions[i].valence > 0]
    assert len(happy) >= 2  # the memory itself is happy...
    for i in happy:
        s = states[i]
        assert s.inherited_from == frame.scene_id and s.frame_valence == frame.valence
        assert s.mood == "bittersweet" and s.valence < emotions[i].valence  # ...but felt through grief
    assert "bittersweet" in states[happy[0]].note

    off = analyze_screenplay(scenes, memory=MemoryOptions(enabled=False)).states
    assert off[happy[0]].mood == "joyful"  # without memory it is plain joy


def test_return_to_present_restores_grief(scenes) -> None:
    states = analyze_screenplay(scenes).states
    start, end = _first_flashback(states)
    back = states[end]
    assert back.timeline == "present" and back.event == "return"
    assert back.restored_from == states[start - 1].scene_id
    assert back.prior_valence == pytest.approx(states[start - 1].valence, abs=1e-4)
    assert back.prior_valence < 0 and back.valence < 0
    assert back.timeline_stack == ("present",)


def test_sample_characters_keep_stable_ids(scenes) -> None:
    states = analyze_screenplay(scenes).states
    ids = {c.name: c.character_id for s in states for c in s.characters.values()}
    assert ids["ELLA"] == "ella" and ids["MRS. O'NEILL"] == "mrs-o-neill"
    last_ella = [s.characters["ELLA"] for s in states if "ELLA" in s.characters][-1]
    assert last_ella.appearances > 5 and last_ella.carried_from is not None
