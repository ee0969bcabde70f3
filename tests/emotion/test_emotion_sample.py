"""The sample screenplay's characters (its flashback, dream, intercut and return: test_emotion_scripts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenescore.emotion import analyze_screenplay

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


@pytest.fixture(scope="module")
def scenes():
    if not SAMPLE.exists():
        pytest.skip("sample screenplay not built")
    from scenescore.segment import segment_screenplay

    return segment_screenplay(SAMPLE).scenes


def test_sample_characters_keep_stable_ids(scenes) -> None:
    states = analyze_screenplay(scenes).states
    ids = {c.name: c.character_id for s in states for c in s.characters.values()}
    assert ids["ELLA"] == "ella" and ids["MRS. O'NEILL"] == "mrs-o-neill"
    last_ella = [s.characters["ELLA"] for s in states if "ELLA" in s.characters][-1]
    assert last_ella.appearances > 5 and last_ella.carried_from is not None
