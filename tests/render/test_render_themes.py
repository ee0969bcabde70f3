"""Character themes: stated first, developed across cues, recalled in flashbacks, visible in files."""

from __future__ import annotations

import mido
import pytest
from render_support import condition, theme

from scenescore.render.film import sketch_film
from scenescore.render.metrics import read_midi
from scenescore.render.midi import film_to_midi, sketch_to_midi
from scenescore.render.sketch import sketch_cue
from scenescore.render.themes import ThemeBook, contour_of, make_motif
from scenescore.render.theory import Scale, tonic_pc


def test_motif_is_stable_and_singable():
    a, b = make_motif("ELLA-A", "Ella", seed=3), make_motif("ELLA-A", "Ella", seed=3)
    assert a == b
    assert make_motif("TOM-A", "Tom", seed=3) != a
    assert 4 <= len(a.degrees) <= 7 and len(a.degrees) == len(a.durations)
    assert a.degrees[-1] % 7 in (0, 2, 4)  # ends on a tonic-chord degree
    assert a.contour == contour_of(a.degrees)
    assert max(abs(x - y) for x, y in zip(a.degrees, a.degrees[1:], strict=False)) <= 5


def test_development_across_a_film():
    book = ThemeBook(seed=0)
    first = book.use(motif_id="ELLA-A", character="Ella", transformation="statement", cue_id="1M01", cue_mode="major")
    assert [p.transformation for p in first] == ["statement"]
    original = first[0]
    changed = book.use(motif_id="ELLA-A", character="Ella", transformation="mode_change", cue_id="1M02",
                       cue_mode="minor")[0]
    assert changed.mode == "minor" and changed.degrees == original.degrees and "major -> minor" in changed.label
    aug = book.use(motif_id="ELLA-A", character="Ella", transformation="augmentation", cue_id="1M03",
                   cue_mode="minor")[0]
    assert aug.durations == tuple(2 * d for d in original.durations)
    dim = book.use(motif_id="ELLA-A", character="Ella", transformation="diminution", cue_id="1M04",
                   cue_mode="minor")[0]
    assert dim.durations == original.durations  # x2 then x0.5: back to the original rhythm
    moved = book.use(motif_id="ELLA-A", character="Ella", transformation="transposition", cue_id="1M05",
                     cue_mode="minor")[0]
    assert moved.shift != 0
    again = book.use(motif_id="ELLA-A", character="Ella", transformation="restatement", cue_id="1M06",
                     cue_mode="minor")[0]
    assert again.shift == moved.shift  # the lasting change stays
    frag = book.use(motif_id="ELLA-A", character="Ella", transformation="fragmentation", cue_id="1M07",
                    cue_mode="minor")[0]
    head = max(2, (len(original.degrees) + 1) // 2)
    assert len(frag.degrees) == 3 * head and frag.degrees[:head] == original.degrees[:head]
    inv = book.use(motif_id="ELLA-A", character="Ella", transformation="inversion", cue_id="1M08",
                   cue_mode="minor")[0]
    assert contour_of(inv.degrees) == contour_of(original.degrees).translate(str.maketrans("+-", "-+"))
    reharm = book.use(motif_id="ELLA-A", character="Ella", transformation="reharmonisation", cue_id="1M09",
                      cue_mode="minor")[0]
    assert reharm.reharmonise
    recall = book.use(motif_id="ELLA-A", character="Ella", transformation="recall", cue_id="1M10",
                      cue_mode="minor")[0]
    assert (recall.degrees, recall.durations, recall.mode, recall.shift) == (
        original.degrees, original.durations, "major", 0)
    assert recall.first_heard_in == "1M01" and "1M01" in recall.label
    record = book.to_dict()
    assert record["motifs"]["ELLA-A"]["stated_in"] == "1M01"
    assert [h["transformation"] for h in record["history"]][:3] == ["statement", "mode_change", "augmentation"]


def test_a_theme_is_stated_before_its_first_transformation():
    book = ThemeBook()
    phrases = book.use(motif_id="TOM-A", character="Tom", transformation="fragmentation", cue_id="2M01",
                       cue_mode="minor")
    assert [p.transformation for p in phrases] == ["statement", "fragmentation"]
    assert "first statement" in phrases[0].label


def test_history_is_bounded_and_resettable():
    book = ThemeBook(history_limit=5)
    for k in range(12):
        book.use(motif_id="A-A", character="A", transformation="restatement", cue_id=f"1M{k + 1:02d}",
                 cue_mode="major")
    assert len(book.history) == 5 and book.history[-1]["cue_id"] == "1M12"
    book.reset()
    assert not book.history and "A-A" not in book


def test_theme_notes_follow_the_motif_in_the_cue():
    c = condition(seconds=30, key="G", mode="major", themes=[theme("statement")])
    sketch = sketch_cue(c)
    part = next(p for p in sketch.parts if p.role == "theme")
    motif = sketch.themes[0]
    scale = Scale(tonic_pc("G"), "major")
    stated = part.notes[: len(motif.degrees)]
    assert [scale.degree_of(n.pitch) for n in stated] == [d % 7 for d in motif.degrees]
    melody = next(p for p in sketch.parts if p.role == "melody")
    assert part.channel == melody.channel  # the theme plays on the melody's instrument
    theme_span = (stated[0].start_s, stated[-1].end_s)
    assert not any(theme_span[0] <= n.start_s < theme_span[1] for n in melody.notes)  # melody rests


def test_mode_change_reharmonises_in_the_new_mode():
    book = ThemeBook()
    sketch_cue(condition("1M01", mode="major", themes=[theme("statement")]), themes=book)
    s = sketch_cue(condition("1M02", mode="major", themes=[theme("mode_change")]), themes=book)
    assert s.themes[0].mode == "minor"  # heard in the parallel minor inside a major cue
    part = next(p for p in s.parts if p.role == "theme")
    minor = Scale(tonic_pc("D"), "minor")
    assert all(minor.contains(n.pitch) for n in part.notes)


def test_film_files_show_which_theme_and_transformation(tmp_path):
    conditions = [
        condition("1M01", mode="major", themes=[theme("statement")]),
        condition("1M02", mode="minor", themes=[theme("mode_change"), theme("statement", "Tom", "TOM-A")]),
        condition("1M03", mode="minor", themes=[theme("augmentation")]),
        condition("2M01", mode="major", themes=[theme("recall")]),
    ]
    starts = [0.0, 40.0, 80.0, 120.0]
    sketches = sketch_film(conditions, starts)
    cue2 = mido.MidiFile(file=__import__("io").BytesIO(sketch_to_midi(sketches[1])))
    names = [t.name for t in cue2.tracks]
    assert any(n.startswith("Theme ELLA-A: mode change") for n in names)
    assert any(n.startswith("Theme TOM-A: statement") for n in names)
    reading = read_midi(film_to_midi(sketches, starts))
    texts = [t for _, t in reading.markers]
    assert any("ELLA-A (Ella): statement" in t for t in texts)
    assert any("ELLA-A (Ella): mode change, major -> minor" in t for t in texts)
    assert any("ELLA-A (Ella): augmentation" in t for t in texts)
    assert any("ELLA-A (Ella): recall, earlier form from 1M01" in t for t in texts)
    assert "Theme ELLA-A (Ella)" in reading.track_names and "Theme TOM-A (Tom)" in reading.track_names


def test_cues_out_of_order_still_develop_in_film_order():
    a = condition("1M01", themes=[theme("statement")])
    b = condition("1M02", themes=[theme("mode_change")])
    forward = sketch_film([a, b], [0.0, 30.0])
    backward = sketch_film([b, a], [30.0, 0.0])
    assert forward[1].themes == backward[0].themes


@pytest.mark.parametrize("transformation", ["statement", "restatement", "mode_change", "transposition",
                                            "augmentation", "diminution", "fragmentation", "reharmonisation",
                                            "inversion", "recall"])
def test_every_transformation_renders(transformation):
    book = ThemeBook()
    sketch_cue(condition("1M01", themes=[theme("statement")]), themes=book)
    s = sketch_cue(condition("1M02", seconds=40, themes=[theme(transformation)]), themes=book)
    part = next(p for p in s.parts if p.role == "theme")
    assert part.notes and transformation.replace("_", " ") in part.name
