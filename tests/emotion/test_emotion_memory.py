from __future__ import annotations

import math

import pytest

from scenescore.emotion import MemoryOptions
from scenescore.memory import EmotionMemory, character_id, emotional_arc, remember


def test_decay_follows_the_documented_formula(make_emotion) -> None:
    carry = 0.4
    emotions = [make_emotion(i, 0.8, 0.2) for i in range(1, 4)] + [
        make_emotion(i, -0.6, -0.4) for i in range(4, 9)]
    states = remember(emotions, MemoryOptions(carry=carry))
    assert [s.valence for s in states[:3]] == [0.8, 0.8, 0.8]
    for k, state in enumerate(states[3:], start=1):
        expected = -0.6 + (0.8 + 0.6) * carry ** k  # context_n = carry*context_{n-1} + (1-carry)*scene
        assert state.valence == pytest.approx(expected, abs=1e-4)
        assert state.weights == {"scene": 0.6, "memory": 0.4, "frame": 0.0}
        assert state.prior_valence is not None
    assert states[0].event == "start" and states[0].prior_valence is None
    assert states[0].weights == {"scene": 1.0, "memory": 0.0, "frame": 0.0}


def test_memory_off_is_the_scene_itself(make_emotion) -> None:
    emotions = [make_emotion(1, -0.6), make_emotion(2, 0.7, timeline="flashback"),
                make_emotion(3, 0.1, timeline="intercut"), make_emotion(4, 0.5, timeline="intercut")]
    states = remember(emotions, MemoryOptions(enabled=False))
    assert [s.valence for s in states] == [-0.6, 0.7, 0.1, 0.5]
    assert {s.event for s in states} == {"off"}
    assert all(s.weights["scene"] == 1.0 for s in states)


def test_reset_at_and_reset_method(make_emotion) -> None:
    emotions = [make_emotion(1, -0.8), make_emotion(2, -0.8), make_emotion(3, 0.9)]
    states = remember(emotions, MemoryOptions(reset_at=(3,)))
    assert states[2].event == "reset" and states[2].prior_valence is None
    assert states[2].valence == 0.9

    memory = EmotionMemory()
    memory.observe([make_emotion(1, -0.8, characters={"ANA": (-0.8, 0.0)})])
    memory.reset()
    (state,) = memory.observe([make_emotion(2, 0.5, characters={"ANA": (0.5, 0.0)})])
    assert state.prior_valence is None and state.valence == 0.5
    assert state.characters["ANA"].carried_from is None and memory.state.step == 1


def grief_and_memory(make_emotion):
    return [
        make_emotion(1, -0.6, -0.3), make_emotion(2, -0.7, -0.4),
        make_emotion(3, 0.7, 0.4, timeline="flashback"), make_emotion(4, 0.6, 0.3, timeline="flashback"),
        make_emotion(5, -0.5, -0.2),
    ]


def test_flashback_inherits_its_frame_and_reads_bittersweet(make_emotion) -> None:
    states = remember(grief_and_memory(make_emotion))
    frame = states[1]
    for s in states[2:4]:
        assert s.timeline_stack == ("present", "flashback")
        assert s.inherited_from == 2 and s.frame_valence == frame.valence
        assert s.mood == "bittersweet" and s.valence < s.scene_valence
        assert s.weights["frame"] == 0.5 and sum(s.weights.values()) == pytest.approx(1.0)
        assert "bittersweet" in s.note
    assert states[2].event == "open" and states[3].event == "continue"
    # without memory the same scenes read as plain joy
    off = remember(grief_and_memory(make_emotion), MemoryOptions(enabled=False))
    assert off[2].mood == "joyful"


def test_return_to_present_restores_its_state(make_emotion) -> None:
    states = remember(grief_and_memory(make_emotion))
    back = states[4]
    assert back.event == "return" and back.restored_from == 2
    assert back.timeline_stack == ("present",)
    assert back.prior_valence == pytest.approx(states[1].valence, abs=1e-4)  # not the flashback's
    assert back.valence < -0.5 and back.mood == "sorrowful"
    echoed = remember(grief_and_memory(make_emotion), MemoryOptions(echo=0.3))
    assert echoed[4].prior_valence > back.prior_valence


def test_dreams_nest_and_return_to_their_layer(make_emotion) -> None:
    timelines = ["present", "flashback", "dream", "flashback", "present", "flashforward"]
    states = remember([make_emotion(i, 0.1 * i, timeline=t) for i, t in enumerate(timelines, 1)])
    assert [s.timeline_stack for s in states] == [
        ("present",), ("present", "flashback"), ("present", "flashback", "dream"),
        ("present", "flashback"), ("present",), ("present", "flashforward")]
    assert states[2].inherited_from == 2 and states[2].weights["frame"] == 0.4
    assert states[3].event == "return" and states[3].restored_from == 2
    assert states[5].weights["frame"] == 0.35


def test_stack_is_bounded(make_emotion) -> None:
    timelines = ["present", "flashback", "dream", "flashforward"]
    states = remember([make_emotion(i, 0.0, timeline=t) for i, t in enumerate(timelines, 1)],
                      MemoryOptions(max_depth=3))
    assert states[-1].timeline_stack == ("present", "flashback", "flashforward")


def test_all_flashback_script_has_no_frame(make_emotion) -> None:
    states = remember([make_emotion(i, 0.5, 0.3, timeline="flashback") for i in range(1, 4)])
    assert all(s.inherited_from is None and s.weights["frame"] == 0.0 for s in states)
    assert states[0].event == "open" and states[0].mood == "joyful"


def test_intercut_scenes_share_one_state(make_emotion) -> None:
    emotions = [make_emotion(1, -0.5), make_emotion(2, 0.6, timeline="intercut"),
                make_emotion(3, -0.2, timeline="intercut"), make_emotion(4, 0.0)]
    states = remember(emotions, MemoryOptions(carry=0.4))
    assert states[1].valence == states[2].valence == pytest.approx(0.4 * -0.5 + 0.6 * 0.2)
    assert states[1].shared_with == states[2].shared_with == (2, 3)
    assert states[3].shared_with == () and states[3].prior_valence == states[2].valence


def test_characters_carry_with_stable_ids(make_emotion) -> None:
    emotions = [
        make_emotion(1, -0.5, characters={"MRS. O'NEILL": (-0.8, 0.2)}),
        make_emotion(2, 0.0, characters={"ANA": (0.1, 0.0)}),
        make_emotion(3, 0.5, characters={"MRS. O'NEILL": (0.6, 0.0)}),
    ]
    states = remember(emotions, MemoryOptions(character_carry=0.5))
    neill = states[2].characters["MRS. O'NEILL"]
    assert neill.character_id == character_id("MRS. O'NEILL") == "mrs-o-neill"
    assert neill.carried_from == 1 and neill.appearances == 2
    assert neill.valence == pytest.approx(-0.1) and neill.scene_valence == 0.6
    assert states[2].tracked_characters == 2


def test_flashback_characters_do_not_leak_into_the_present(make_emotion) -> None:
    emotions = [
        make_emotion(1, -0.5, characters={"ANA": (-0.8, 0.0)}),
        make_emotion(2, 0.8, timeline="flashback", characters={"ANA": (0.9, 0.5)}),
        make_emotion(3, -0.5, characters={"ANA": (-0.6, 0.0)}),
    ]
    states = remember(emotions)
    assert states[1].characters["ANA"].carried_from == 1  # the memory starts from her present
    assert states[2].characters["ANA"].carried_from == 1  # the present kept its own
    assert states[2].characters["ANA"].appearances == 2


def test_characters_are_bounded(make_emotion) -> None:
    emotions = [make_emotion(i, 0.0, characters={f"C{i}": (0.0, 0.0)}) for i in range(1, 11)]
    states = remember(emotions, MemoryOptions(max_characters=3))
    assert max(s.tracked_characters for s in states) == 3


def test_arc_finds_the_sustained_shift(make_emotion) -> None:
    emotions = [make_emotion(i, 0.6, 0.0) for i in range(1, 7)] + [
        make_emotion(i, -0.6, 0.1) for i in range(7, 13)]
    states = remember(emotions, MemoryOptions(enabled=False))
    arc = emotional_arc(states, MemoryOptions(arc_window=3))
    assert len(arc.points) == 12
    first = arc.turning_points[0]
    assert first.scene_id == 7 and first.direction == "darkens"
    assert math.isclose(first.valence_shift, -1.2, abs_tol=1e-6)
    assert all(t.magnitude >= 0.2 for t in arc.turning_points)
    assert emotional_arc([]).turning_points == ()


@pytest.mark.parametrize("kwargs", [{"carry": 1.5}, {"inherit": {"flashback": -0.1}}, {"max_depth": 1},
                                    {"echo": 2.0}])
def test_invalid_memory_options(kwargs) -> None:
    from scenescore.errors import OptionsError

    with pytest.raises(OptionsError):
        MemoryOptions(**kwargs)
