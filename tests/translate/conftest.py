from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from translate_support import SAMPLE

from scenescore.records import Scene


@dataclass(frozen=True)
class Sample:
    scenes: tuple[Scene, ...]
    analysis: Any
    cues: tuple[Any, ...]


@pytest.fixture(scope="session")
def sample() -> Sample:
    if not SAMPLE.exists():
        pytest.skip("sample corpus not built")
    from scenescore.emotion import analyze_screenplay
    from scenescore.segment import segment_screenplay
    from scenescore.spotting import SpotOptions, spot_cues

    scenes = segment_screenplay(SAMPLE).scenes
    analysis = analyze_screenplay(scenes)
    return Sample(scenes=tuple(scenes), analysis=analysis, cues=tuple(spot_cues(scenes, analysis, options=SpotOptions(coverage=1.0))))
