"""Property tests: any scene order, empty scenes, one-scene scripts, all-flashback scripts."""

from __future__ import annotations

from emotion_support import build_emotion, build_scene
from hypothesis import given, settings
from hypothesis import strategies as st

from scenescore.emotion import AnalyzeOptions, MemoryOptions, analyze_scenes, analyze_screenplay
from scenescore.memory import remember

TIMELINES = ["present", "flashback", "flashforward", "dream", "montage", "intercut"]
WORDS = ["love", "hate", "BANG", "quietly", "the", "funeral", "joy", "screams", "!", "...", "not",
         "very", "calm", "RUN", "dog", "", "like", "a", "wonderful", "—"]

unit = st.floats(-1.0, 1.0, allow_nan=False)
names = st.sampled_from(["ANA", "BEN", "MRS. O'NEILL", "THEO (V.O.)", "C-3"])
emotion_lists = st.lists(
    st.tuples(unit, unit, st.sampled_from(TIMELINES),
              st.dictionaries(names, st.tuples(unit, unit), max_size=3)),
    min_size=0, max_size=25)
phrases = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)
scene_specs = st.lists(
    st.tuples(phrases, st.lists(st.tuples(names, st.sampled_from(["", "(screaming)", "(whispers)"]),
                                          phrases), max_size=4),
              st.sampled_from(TIMELINES)),
    min_size=1, max_size=8)


def _check_states(emotions, states, options: MemoryOptions) -> None:
    assert [s.scene_id for s in states] == [e.scene_id for e in emotions]
    for s in states:
        assert -1.0 <= s.valence <= 1.0 and -1.0 <= s.arousal <= 1.0
        assert s.timeline_stack[0] == "present" and len(s.timeline_stack) <= options.max_depth
        assert abs(sum(s.weights.values()) - 1.0) < 1e-3 and min(s.weights.values()) >= 0
        assert s.tracked_characters <= options.max_characters


@settings(max_examples=150, deadline=None)
@given(emotion_lists, st.booleans(), st.integers(2, 4), st.integers(1, 4))
def test_memory_invariants_for_any_order(specs, enabled, depth, max_chars) -> None:
    emotions = [build_emotion(i, v, a, t, chars) for i, (v, a, t, chars) in enumerate(specs, 1)]
    options = MemoryOptions(enabled=enabled, max_depth=depth, max_characters=max_chars)
    states = remember(emotions, options)
    _check_states(emotions, states, options)
    if not enabled:
        for s, e in zip(states, emotions, strict=True):
            assert abs(s.valence - e.valence) < 1e-4 and abs(s.arousal - e.arousal) < 1e-4


@settings(max_examples=40, deadline=None)
@given(scene_specs, st.randoms(use_true_random=False))
def test_scene_analysis_is_bounded_and_order_free(specs, rnd) -> None:
    scenes = [build_scene(i, action=action, dialogue=dialogue, timeline=timeline)
              for i, (action, dialogue, timeline) in enumerate(specs, 1)]
    emotions = analyze_scenes(scenes)
    for e in emotions:
        assert -1.0 <= e.valence <= 1.0 and -1.0 <= e.arousal <= 1.0 and 0.0 <= e.confidence <= 1.0
        assert all(-1.0 <= v <= 1.0 and -1.0 <= a <= 1.0 for v, a in e.characters.values())
    shuffled = list(scenes)
    rnd.shuffle(shuffled)
    by_id = {e.scene_id: e for e in analyze_scenes(shuffled)}
    assert [by_id[e.scene_id] for e in emotions] == emotions  # a scene's own reading ignores order


@settings(max_examples=25, deadline=None)
@given(scene_specs)
def test_whole_pipeline_on_any_script(specs) -> None:
    scenes = [build_scene(i, action=a, dialogue=d, timeline=t) for i, (a, d, t) in enumerate(specs, 1)]
    analysis = analyze_screenplay(scenes)
    assert len(analysis.emotions) == len(analysis.states) == len(analysis.arc.points) == len(scenes)
    _check_states(analysis.emotions, analysis.states, MemoryOptions())


def test_one_scene_script_and_empty_script() -> None:
    one = analyze_screenplay([build_scene(1, action="She smiles.")])
    assert one.states[0].event == "start" and one.arc.turning_points == ()
    none = analyze_screenplay([])
    assert none.emotions == () and none.states == () and none.arc.points == ()


def test_all_flashback_script_runs_without_a_frame() -> None:
    scenes = [build_scene(i, action="They laugh and dance in the sun.", timeline="flashback")
              for i in range(1, 4)]
    analysis = analyze_screenplay(scenes, options=AnalyzeOptions())
    assert all(s.inherited_from is None for s in analysis.states)
    assert all(s.timeline_stack == ("present", "flashback") for s in analysis.states)
