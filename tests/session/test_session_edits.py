"""spotting.toml: the schema, reading, writing, and bad edits as one clear error naming the edit."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from scenescore.errors import InputError
from scenescore.session import EditError, edits_to_toml, parse_edits, read_edits
from scenescore.session.edits import Point, parse_time, split_key

FULL = """
version = 1

[[cue]]
id = "1M03"
in = "EXT. MARROW LAKE - DOCK - DAY - 1993"
out = { scene = "EXT. MARROW LAKE - DOCK - DAY - 1993", line = "the whistle" }
lock = true
music = { tempo = 72, key = "D minor", style = "solo cello", instrumentation = ["cello", 46], themes = ["ELLA"], intensity = 0.4, ending = "button" }

[[cue]]
scenes = ["INT. BOATHOUSE - NIGHT"]
out = "5:02.5"
split_at = "INT. BOATHOUSE - NIGHT"
merge = "1M05"

[[cue]]
id = "1M07"
delete = true

[[add]]
scenes = ["EXT. MARSH HOUSE - YARD - LATER"]
function = "transition"

[[scene]]
scene = "INT. MARSH HOUSE - BEDROOM - NIGHT [1]"
music = "dry"

[[theme]]
character = "ELLA"
notes = "E4 G4 A4 C5"
rhythm = [1, 0.5, 0.5, 2]
"""


def test_a_full_file_reads_and_writes_back_to_the_same_edits(tmp_path: Path) -> None:
    path = tmp_path / "spotting.toml"
    path.write_text(FULL, encoding="utf-8")
    edits = read_edits(path)
    assert edits.cue[0].in_ == Point(scene="EXT. MARROW LAKE - DOCK - DAY - 1993")
    assert edits.cue[1].out == Point(time=302.5)
    assert edits.cue[1].split_at == ["INT. BOATHOUSE - NIGHT"] and edits.cue[1].merge == ["1M05"]
    assert edits.cue[0].music.key == "D minor" and edits.cue[0].music.tempo == 72
    assert edits.theme[0].notes == ["E4", "G4", "A4", "C5"]
    again = parse_edits(tomllib.loads(edits_to_toml(edits)))
    assert again == edits and again.digest() == edits.digest()
    assert [label for label, _ in edits.labelled()][:2] == ["[[cue]] #1 1M03", "[[cue]] #2 INT. BOATHOUSE - NIGHT"]


def test_the_digest_follows_meaning_not_layout() -> None:
    a = parse_edits({"cue": [{"id": "1M01", "music": {"tempo": 80}}]})
    b = parse_edits(tomllib.loads('[[cue]]\nmusic = { tempo = 80.0 }\nid = "1M01"\n'))
    c = parse_edits({"cue": [{"id": "1M01", "music": {"tempo": 81}}]})
    assert a.digest() == b.digest() != c.digest()


@pytest.mark.parametrize(("data", "label", "words"), [
    ({"cue": [{"id": "1M01"}, {"id": "1M02", "music": {"tempo": 0}}]}, "[[cue]] #2 1M02", "tempo 0 bpm"),
    ({"cue": [{"id": "1M02", "music": {"key": "H minor"}}]}, "[[cue]] #1 1M02", "does not exist"),
    ({"cue": [{"id": "1M02", "music": {"key": "D blues"}}]}, "[[cue]] #1 1M02", "unknown mode"),
    ({"cue": [{"id": "1M02", "music": {"instrumentation": ["kazoo"]}}]}, "[[cue]] #1 1M02", "unknown instrument"),
    ({"cue": [{"id": "1M02", "colour": "red"}]}, "[[cue]] #1 1M02", "colour: unknown field"),
    ({"cue": [{"id": "1M02", "scenes": ["X"]}]}, "[[cue]] #1 1M02", "by id or by scenes"),
    ({"cue": [{"id": "1M02", "delete": True, "lock": True}]}, "[[cue]] #1 1M02", "no other edit"),
    ({"cue": [{"id": "M2"}]}, "[[cue]] #1 M2", "id"),
    ({"cue": [{"id": "1M02", "out": {"time": 3, "scene": "X"}}]}, "[[cue]] #1 1M02", "not both"),
    ({"cue": [{"id": "1M02", "out": "-0:05"}]}, "[[cue]] #1 1M02", "out"),
    ({"cue": [{"id": "1M02", "music": {"intensity": [[0.5, 0.2], [0.1, 0.3]]}}]}, "[[cue]] #1 1M02", "in order"),
    ({"add": [{"out": 30}]}, "[[add]] #1", "scenes, or both in and out"),
    ({"scene": [{"scene": "INT. X", "music": "loud"}]}, "[[scene]] #1 INT. X", "music"),
    ({"theme": [{"character": "ELLA", "notes": "E4 H4"}]}, "[[theme]] #1 ELLA", "not a note name"),
    ({"theme": [{"character": "ELLA", "degrees": [1, 0, 3]}]}, "[[theme]] #1 ELLA", "count from 1"),
    ({"theme": [{"character": "ELLA", "degrees": [1, 3], "notes": "C D"}]}, "[[theme]] #1 ELLA", "one of them"),
    ({"theme": [{"character": "ELLA", "degrees": [1, 3], "rhythm": [1]}]}, "[[theme]] #1 ELLA", "rhythm"),
    ({"version": 2}, "spotting.toml", "version"),
])
def test_a_bad_edit_is_one_error_naming_the_file_and_the_edit(data: dict, label: str, words: str) -> None:
    with pytest.raises(EditError) as info:
        parse_edits(data, "films/lake/spotting.toml")
    message = str(info.value)
    assert message.startswith(f"films/lake/spotting.toml: {label}"), message
    assert words in message, message
    assert "\n" not in message


def test_unreadable_files_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "spotting.toml"
    bad.write_text("[[cue]\nid = 1", encoding="utf-8")
    with pytest.raises(InputError, match="spotting.toml: not valid TOML"):
        read_edits(bad)
    bad.write_bytes(b"\xff\xfe[[cue]]")
    with pytest.raises(InputError, match="not UTF-8"):
        read_edits(bad)
    with pytest.raises(InputError, match="no such file|not found|does not exist"):
        read_edits(tmp_path / "missing.toml")


def test_times_and_keys_in_the_forms_people_write() -> None:
    assert parse_time("1:02.5") == 62.5 and parse_time("1:00:00") == 3600 and parse_time(7) == 7.0
    for bad in ("1:75", "abc", -1, True):
        with pytest.raises(ValueError):
            parse_time(bad)
    assert split_key("f# minor") == ("F#", "minor")
    assert split_key("Bbm") == ("Bb", "minor")
    assert split_key("E♭ dorian") == ("Eb", "dorian")
    assert split_key("g") == ("G", None)
    with pytest.raises(ValueError, match="does not exist"):
        split_key("Fb")


def test_fuzzed_edit_tables_raise_only_edit_errors() -> None:
    import random

    rng = random.Random(14)
    values = [None, 0, -3, 1.5, 999, "", "1M01", "x" * 700, "E4", [1, 2], ["a"], {"scene": 3}, True, {"time": "1:00"}]
    fields = ["id", "scenes", "in", "out", "merge", "split_at", "delete", "lock", "music", "tempo", "key",
              "notes", "degrees", "scene", "character", "version", "function", "intensity", "ending"]
    for _ in range(400):
        item = {rng.choice(fields): rng.choice(values) for _ in range(rng.randint(1, 4))}
        data = {rng.choice(["cue", "add", "scene", "theme"]): [item]}
        if rng.random() < 0.3:
            data = {"cue": [{"id": "1M01", "music": item}]}
        try:
            parse_edits(data)
        except EditError as exc:
            assert "\n" not in str(exc)
