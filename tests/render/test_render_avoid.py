"""The avoid-list contract: every avoid phrase the rules or an LLM can write that MIDI can break is
honoured in the written notes, checked by an independent reader (metrics.avoid_violations).

The phrases: the rules backend's whole vocabulary (``rules.avoid_list`` over every branch) plus
phrasings an LLM answering the schema writes for the same things. Each is sketched on a cue
built to tempt the renderer (aroused, dense, brass and synth in the palette, dissonant harmony).
"""

from __future__ import annotations

import pytest
from render_support import condition, theme

from scenescore.conditions.schema import Instrument
from scenescore.render.avoid import read_avoid
from scenescore.render.metrics import avoid_violations, read_midi
from scenescore.render.midi import sketch_to_midi
from scenescore.render.sketch import sketch_cue

#: Every phrase rules.avoid_list can return (kept in step by test_rules_vocabulary_is_covered).
RULES_PHRASES = ["vocals", "lyrics", "busy melody in the vocal range", "sudden loud hits",
                 "bright major-key fanfares", "dissonant clusters", "fast ostinati", "drum kit",
                 "modern electronic sounds"]
#: The same things as an LLM tends to write them.
LLM_PHRASES = ["melody competing with dialogue", "no drums", "percussion", "loud stingers",
               "brass fanfares", "dissonance", "tone clusters", "fast ostinato patterns",
               "synthesizers", "melodic lines in the speech range"]
TEMPTING = [Instrument(name="Trumpet", program=56, role="melody"),
            Instrument(name="Synth Strings", program=50, role="harmony"),
            Instrument(name="Synth Bass", program=38, role="bass"),
            Instrument(name="Choir", program=52, role="pad"),
            Instrument(name="Flute", program=73, role="counter"),
            Instrument(name="Timpani", program=47, role="percussion"),
            Instrument(name="Kit", program=0, role="percussion", is_drum=True)]


def _tracks(sketch):
    return [(p.name, p.program, p.is_drum, [(n.start_s, n.end_s, n.pitch, n.velocity) for n in p.notes])
            for p in sketch.parts]


@pytest.mark.parametrize("phrase", RULES_PHRASES + LLM_PHRASES)
def test_every_renderable_avoid_phrase_is_honoured(phrase):
    tempting = condition(seconds=30, mode="major", key="C", valence=0.5, arousal=0.9, tempo=150,
                         dynamics="ff", articulation="staccato", density=0.95,
                         harmony="dissonant clusters of minor seconds, sevenths and ninths",
                         instruments=TEMPTING, themes=[theme("statement")],
                         curve=[(0, 0.6), (0.5, 1.0), (1, 0.8)])
    plain = sketch_cue(tempting)
    beat = 60.0 / plain.tempo_bpm
    c = tempting.model_copy(update={"avoid": [phrase]})
    sketch = sketch_cue(c)
    assert avoid_violations(_tracks(sketch), c, beat_s=beat) == []
    # The contract has teeth: without the phrase, this cue breaks it (clusters depend on the
    # voicing the chord gets, so they are not always struck in a plain sketch).
    if read_avoid([phrase]).any and not read_avoid([phrase]).clusters:
        assert avoid_violations(_tracks(plain), c, beat_s=beat) == [phrase]
    # And what is written is what was checked.
    reading = read_midi(sketch_to_midi(sketch))
    assert len(reading.notes) == sum(len(p.notes) for p in sketch.parts) - _overlaps(sketch)


def _overlaps(sketch) -> int:
    """Same-pitch notes the MIDI writer merges on one channel (a note starting inside another)."""
    n = 0
    for part in sketch.parts:
        by_pitch: dict[int, list] = {}
        for note in part.notes:
            by_pitch.setdefault(note.pitch, []).append(note)
        for notes in by_pitch.values():
            notes.sort(key=lambda x: x.start_s)
            n += sum(1 for a, b in zip(notes, notes[1:], strict=False) if b.start_s <= a.start_s)
    return n


def test_rules_vocabulary_is_covered():
    """Every avoid phrase the rules backend can write is in the contract's list."""
    from types import SimpleNamespace

    from scenescore.conditions.rules import avoid_list
    from scenescore.spotting import CueFunction

    seen = set()
    for function in CueFunction:
        for v in (-0.5, 0.0, 0.5):
            for a in (-0.5, 0.5):
                for timeline in ("present", "flashback", "dream"):
                    for drums in (True, False):
                        ctx = SimpleNamespace(cue=SimpleNamespace(timeline=timeline),
                                              palette=SimpleNamespace(drums=drums, genre="orchestral"))
                        seen.update(avoid_list(ctx, v, a, str(function)))
    assert seen <= set(RULES_PHRASES)
