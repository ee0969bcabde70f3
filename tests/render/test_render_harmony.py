"""Harmonic rhythm follows the intensity: quiet phrases hold a chord two bars, intense ones move
twice a bar, and the cadences and the ending stay where they were."""

from __future__ import annotations

from scenescore.conditions.schema import IntensityPoint
from scenescore.render.mapping import condition_from_va
from scenescore.render.sketch import sketch_cue


def _chords_per_bar(level: float) -> tuple[float, object]:
    base = condition_from_va(0.4, 0.0, seconds=40.0)
    condition = base.model_copy(update={
        "intensity_curve": [IntensityPoint(at=0.0, intensity=level), IntensityPoint(at=1.0, intensity=level)],
        "meter": "4/4", "ending": "resolve"})
    sketch = sketch_cue(condition)
    bar_s = 4 * 60.0 / sketch.tempo_bpm
    bars = condition.duration_s / bar_s
    changes = sum(1 for (_, a), (_, b) in zip(sketch.chords, sketch.chords[1:], strict=False) if a != b)
    return changes / bars, sketch


def test_harmonic_rhythm_speeds_up_with_intensity() -> None:
    quiet, quiet_sketch = _chords_per_bar(0.15)
    middle, _ = _chords_per_bar(0.5)
    loud, loud_sketch = _chords_per_bar(0.9)
    assert quiet < middle < loud
    assert quiet <= 0.8 and loud >= 1.3
    for sketch in (quiet_sketch, loud_sketch):  # a resolving cue still ends on its tonic
        assert sketch.chords[-1][1].startswith("I") and not sketch.chords[-1][1].startswith(("II", "IV"))
