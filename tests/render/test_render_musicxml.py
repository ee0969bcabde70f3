"""MusicXML per cue: reads back in music21 with its parts, key, meter and length."""

from __future__ import annotations

import music21
import pytest
from render_support import condition, theme

from scenescore.render.mapping import condition_from_va
from scenescore.render.musicxml import sketch_to_musicxml, write_musicxml
from scenescore.render.sketch import sketch_cue


@pytest.mark.parametrize(("valence", "arousal"), [(0.5, -0.4), (-0.6, 0.8)])
def test_musicxml_reads_back(tmp_path, valence, arousal):
    c = condition_from_va(valence, arousal, seconds=20, themes=[theme("statement")])
    sketch = sketch_cue(c)
    path = write_musicxml(sketch, tmp_path / "1M01.musicxml")
    score = music21.converter.parse(path)
    assert [p.partName for p in score.parts] == [p.name for p in sketch.parts]
    key = score.parts[0].recurse().getElementsByClass(music21.key.Key).first()
    assert key.tonic.name.replace("-", "b") == c.key and key.mode == c.mode
    ts = score.parts[0].recurse().getElementsByClass(music21.meter.TimeSignature).first()
    assert ts.ratioString == c.meter
    bar = ts.barDuration.quarterLength
    whole_bars = -(-round(20 * c.tempo_bpm / 60 * 4) / 4 // bar) * bar
    for part in score.parts:  # every part runs to the same whole bar; every bar is full
        assert part.highestTime == pytest.approx(whole_bars)
        assert all(m.duration.quarterLength == pytest.approx(bar) for m in part.getElementsByClass("Measure"))
    pitched = [n for n in score.parts[0].recurse().notes]
    assert pitched


def test_musicxml_is_deterministic():
    s = sketch_cue(condition(seconds=10))
    assert sketch_to_musicxml(s) == sketch_to_musicxml(s)
    assert b"encoding-date" not in sketch_to_musicxml(s)
