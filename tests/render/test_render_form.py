"""Form and drama: the tempo map catches hit points on downbeats, the dramatic map places the
picture's events, endings follow the condition, and the closed loop from a screenplay through
``score`` to the written MIDI holds (hits, endings, avoid list, key plan)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import mido
import pytest
from render_support import condition

from scenescore.render.drama import _sounds, cue_maps
from scenescore.render.form import HitPoint, TempoMap, fit_form
from scenescore.render.metrics import avoid_violations
from scenescore.render.midi import sketch_to_midi
from scenescore.render.sketch import sketch_cue
from scenescore.render.theory import MINOR_FAMILY, tonic_pc

ROOT = Path(__file__).resolve().parents[2]
FRAME = 1 / 24


def downbeats(data: bytes) -> tuple[list[float], list[float]]:
    """(downbeat seconds, tempo bpm of every set_tempo) of a written MIDI file, from its own
    tempo map and time signatures."""
    smf = mido.MidiFile(file=io.BytesIO(data))
    ppq = smf.ticks_per_beat
    tempos, sigs, end = [], [], 0
    for track in smf.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                tempos.append((tick, msg.tempo))
            elif msg.type == "time_signature":
                sigs.append((tick, msg.numerator, msg.denominator))
        end = max(end, tick)
    tempos.sort()

    def seconds(tick: int) -> float:
        s, last, us = 0.0, 0, 500_000
        for t, u in tempos:
            if t > tick:
                break
            s += (t - last) * us / 1e6 / ppq
            last, us = t, u
        return s + (tick - last) * us / 1e6 / ppq

    _, num, den = sigs[0]
    bar = num * ppq * 4 // den
    return [seconds(t) for t in range(0, end + 1, bar)], [60e6 / u for _, u in tempos]


def test_fit_form_lands_hits_on_downbeats_with_small_ramped_changes():
    hits = [HitPoint(11.3, "scene cut"), HitPoint(17.0, "scene cut"), HitPoint(40.2, "scene cut")]
    form = fit_form(60.0, 80.0, 4.0, 1.0, hits, ritardando=True)
    assert [h.time_s for h in form.caught] == [11.3, 17.0, 40.2] and not form.missed
    for h in form.caught:
        q = form.tempo.quarters(h.time_s)
        assert abs(q / 4 - round(q / 4)) * 4 * 60 / form.tempo.bpm_at(q) < FRAME
    held = [s.bpm for s in form.sections]
    assert all(abs(b / a - 1) <= 0.08 + 1e-9 for a, b in zip(held, held[1:], strict=False))
    assert form.ritardando and form.tempo.steps[-1][1] < held[-1]
    assert "bars at" in form.describe()
    # quarters and seconds invert each other through every step
    for s in (0.0, 5.5, 17.0, 33.3, 59.0):
        assert form.tempo.seconds(form.tempo.quarters(s)) == pytest.approx(s, abs=1e-9)
    assert TempoMap.constant(90).quarters(2.0) == pytest.approx(3.0)


def test_hits_too_close_are_let_go_and_cuts_win():
    hits = [HitPoint(10.0, "entrance", "ELLA"), HitPoint(10.4, "scene cut"), HitPoint(0.3, "scene cut")]
    form = fit_form(30.0, 90.0, 4.0, 1.0, hits)
    assert [h.kind for h in form.caught] == ["scene cut"] and len(form.missed) == 2


def test_written_midi_carries_the_tempo_map_and_lands_cuts():
    c = condition(seconds=40, tempo=84)
    sketch = sketch_cue(c, scene_markers=[(0.0, "sc. 1"), (13.7, "sc. 2"), (29.1, "sc. 3")])
    bars, tempos = downbeats(sketch_to_midi(sketch))
    assert len(set(round(t, 3) for t in tempos)) > 1  # explicit tempo changes, not one tempo
    for cut in (13.7, 29.1):
        assert min(abs(b - cut) for b in bars) < FRAME


@pytest.mark.parametrize(("ending", "rooted"), [("resolve", True), ("button", True), ("open", False),
                                                ("segue", False), ("hard_out", False)])
def test_endings_follow_the_condition(ending, rooted):
    c = condition(seconds=30, mode="major", key="F", valence=0.4).model_copy(update={"ending": ending})
    sketch = sketch_cue(c)
    pitched = [n for p in sketch.parts if not p.is_drum for n in p.notes]
    t = max(n.end_s for n in pitched) - 0.05
    final = [n for n in pitched if n.start_s <= t < n.end_s]
    tonic = tonic_pc("F")
    is_root_tonic = (min(final, key=lambda n: n.pitch).pitch - tonic) % 12 == 0 and \
        {(n.pitch - tonic) % 12 for n in final} <= {0, 2, 4, 7}
    assert is_root_tonic == rooted
    assert sketch.ending == ending


def test_harmony_that_must_not_resolve_stays_open_without_an_ending_field():
    c = condition(seconds=20, harmony="parallel planing chords that never resolve")
    assert sketch_cue(c).ending == "open"


def test_sound_words_are_caught_in_caps_or_as_violent_verbs():
    assert _sounds("A GUNSHOT. She slams the door.") == ["GUNSHOT", "slams"]
    assert _sounds("He fires the assistant.") == []  # 'fires' counts only in capitals
    assert _sounds("The phone RINGS.") == ["RINGS"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> Path:
    from scenescore.options import ScoreOptions
    from scenescore.pipeline import score
    from scenescore.render.options import AudioOptions, RenderOptions

    out = tmp_path_factory.mktemp("score")
    score(ROOT / "corpus" / "sample" / "sample.fountain", options=ScoreOptions(out=str(out), name="film"),
          stage_options={"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)})
    return out / "film"


def test_closed_loop_from_the_screenplay_to_the_written_midi(sample_run):
    """scenes -> score -> cue_maps.json + conditions.jsonl + midi/*.mid, checked on the files."""
    from scenescore.conditions.schema import MusicCondition

    maps = {m["cue_id"]: m for m in json.loads((sample_run / "cue_maps.json").read_text())}
    conditions = [MusicCondition.model_validate_json(line)
                  for line in (sample_run / "conditions.jsonl").read_text().splitlines() if line]
    assert set(maps) == {c.cue_id for c in conditions}
    caught = 0
    for c in conditions:
        m = maps[c.cue_id]
        data = (sample_run / "midi" / f"{c.cue_id}.mid").read_bytes()
        bars, _ = downbeats(data)
        for hit in m["music"]["hits_caught"]:  # every hit the form says it caught is on a downbeat
            assert min(abs(b - hit["time_s"]) for b in bars) < FRAME, (c.cue_id, hit)
            caught += 1
        for cut in m["scene_cuts"]:  # the map's cuts are the scene table's boundaries
            assert 0 < cut["time_s"] < c.duration_s
        assert all(0 <= e["time_s"] <= c.duration_s for e in m["entrances"])
        assert m["music"]["ending"] == c.ending and c.key_reason
        # the avoid list, read independently, holds in the written file
        smf = mido.MidiFile(file=io.BytesIO(data))
        from scenescore.render.metrics import read_midi

        reading = read_midi(data)
        tracks = []
        for k, track in enumerate(smf.tracks):
            program = next((msg.program for msg in track if msg.type == "program_change"), 0)
            notes = [(n.start_s, n.end_s, n.pitch, n.velocity) for n in reading.notes if n.track == k]
            tracks.append((track.name, program, any(n.is_drum for n in reading.notes if n.track == k), notes))
        beat = 60.0 / reading.tempo_bpm
        assert avoid_violations(tracks, c, beat_s=beat) == []
        if c.ending in ("open", "segue", "hard_out"):  # no root-position tonic at an open end
            pitched = [n for n in reading.notes if not n.is_drum]
            t = max(n.end_s for n in pitched) - 0.05
            final = [n for n in pitched if n.start_s <= t < n.end_s]
            tonic = tonic_pc(c.key)
            third = 3 if c.mode in MINOR_FAMILY else 4
            assert not ((min(n.pitch for n in final) - tonic) % 12 == 0
                        and {(n.pitch - tonic) % 12 for n in final} <= {0, third, 7, 2})
    assert caught >= 2
    # the key plan moves the film off one tonic
    assert len({c.key for c in conditions}) >= 3


def test_cue_maps_place_entrances_inside_their_scenes():
    from scenescore.emotion import analyze_screenplay
    from scenescore.segment import segment_screenplay
    from scenescore.spotting import spot_cues

    play = segment_screenplay(ROOT / "corpus" / "sample" / "sample.fountain")
    analysis = analyze_screenplay(play.scenes)
    cues = spot_cues(play.scenes, analysis)
    maps = cue_maps(cues, play.scenes, analysis, elements=play.elements)
    assert [m.cue_id for m in maps] == [c.cue_id for c in cues]
    assert maps[0].begins == "from silence"
    assert any(m.entrances for m in maps) and any(len(m.emotion) > 3 for m in maps)
    for m, cue in zip(maps, cues, strict=True):
        assert len(m.scene_cuts) == len(cue.scene_ids) - 1
        times = [e.time_s for e in m.entrances]
        assert times == sorted(times)
        assert all(0 <= t <= m.duration_s for t, _, _ in m.emotion)


def test_phrase_cadences_follow_the_drama_and_builds_climb():
    rising = condition(seconds=60, mode="major", key="C", valence=0.3, tempo=96,
                       curve=[(0, 0.2), (0.5, 0.5), (1, 0.95)]).model_copy(update={"ending": "open"})
    sketch = sketch_cue(rising)
    kinds = {k for _, k in sketch.cadences}
    assert kinds and kinds <= {"authentic", "half", "deceptive", "plagal"} and "half" in kinds
    labels = [label for _, label in sketch.chords]
    assert labels[-5:] == ["I", "ii", "iii", "IV", "V"]  # the bass climbs into the open end
    quiet = condition(seconds=60, mode="major", key="C", curve=[(0, 0.2), (1, 0.2)])
    assert {k for _, k in sketch_cue(quiet).cadences} == {"plagal"}
    cut = condition(seconds=60, mode="major", key="C", tempo=96, curve=[(0, 0.5), (1, 0.5)])
    bar_s = 4 * 60 / 96
    sk = sketch_cue(cut, scene_markers=[(0.0, "a"), (8 * bar_s, "b")])
    assert any(k == "deceptive" for _, k in sk.cadences)


def test_musicxml_carries_the_tempo_map():
    import xml.etree.ElementTree as ET

    from scenescore.render.musicxml import sketch_to_musicxml

    sketch = sketch_cue(condition(seconds=40, tempo=84), scene_markers=[(0.0, "a"), (13.7, "b"), (29.1, "c")])
    root = ET.fromstring(sketch_to_musicxml(sketch))
    sounds = [float(s.get("tempo")) for s in root.iter("sound") if s.get("tempo")]
    assert len(sounds) == len(sketch.tempo_changes())
    assert sounds == [round(b, 2) for _, b in sketch.tempo_changes()]
