from __future__ import annotations

from scenescore.emotion import AnalyzeOptions, analyze_scenes
from scenescore.emotion.arousal import screenplay_signals

LEXICON = AnalyzeOptions(backend="lexicon")


def test_parentheticals_move_arousal(make_scene) -> None:
    loud = make_scene(dialogue=[("ANA", "(screaming)", "Get out of here."), ("BEN", "", "No.")])
    soft = make_scene(dialogue=[("ANA", "(whispers)", "Get out of here."), ("BEN", "", "No.")])
    assert screenplay_signals(loud).values["parentheticals"] > 0.5
    assert screenplay_signals(soft).values["parentheticals"] < -0.2
    a_loud, a_soft = analyze_scenes([loud, soft], options=LEXICON)
    assert a_loud.arousal > a_soft.arousal + 0.3
    assert any("(screaming)" in e for e in a_loud.evidence)
    # the fitted default reads the delivery as text, with the weights fitted on EmoBank
    f_loud, f_soft = analyze_scenes([loud, soft])
    assert f_loud.backend == "fitted" and f_loud.arousal > f_soft.arousal


def test_sound_cues_and_pace(make_scene) -> None:
    fast = make_scene(action="A door. BANG. He runs. Glass SHATTERS. Gone.")
    slow = make_scene(action=("The afternoon light falls across the long oak table where the family "
                              "has eaten every Sunday dinner for as long as anyone can remember, and "
                              "the dust turns slowly in it."))
    signals = screenplay_signals(fast).values
    assert signals["sound_cues"] > 0.5 and signals["action_pace"] > 0.3
    assert screenplay_signals(slow).values["action_pace"] < 0
    e_fast, e_slow = analyze_scenes([fast, slow], options=LEXICON)
    assert e_fast.arousal > 0.4 > e_slow.arousal
    f_fast, f_slow = analyze_scenes([fast, slow])
    assert f_fast.arousal > f_slow.arousal


def test_shouting_and_rapid_dialogue(make_scene) -> None:
    scene = make_scene(dialogue=[("ANA", "", "WHERE IS SHE?"), ("BEN", "", "I don't—"),
                                 ("ANA", "", "Tell me!"), ("BEN", "", "Stop!")])
    values = screenplay_signals(scene).values
    assert values["shouting"] > 0.5 and values["dialogue_pace"] > 0.3


def test_each_character_gets_their_own_reading(make_scene) -> None:
    scene = make_scene(
        action="They sit at the kitchen table.",
        dialogue=[("ANA", "", "I am so happy, this is the best day of my life!"),
                  ("BEN", "", "I hate this. Everything is ruined and terrible."),
                  ("ANA", "", "I love you all!")],
        characters=["ANA", "BEN", "CARL"])
    (emotion,) = analyze_scenes([scene])
    assert emotion.characters["ANA"][0] > 0.2 > -0.2 > emotion.characters["BEN"][0]
    assert emotion.characters["CARL"] == (round(emotion.valence, 4), round(emotion.arousal, 4))


def test_voice_over_speakers_are_normalized(make_scene) -> None:
    scene = make_scene(dialogue=[("THEO (V.O.)", "", "I loved every single day.")], characters=["THEO"])
    (emotion,) = analyze_scenes([scene])
    assert set(emotion.characters) == {"THEO"} and emotion.characters["THEO"][0] > 0.3


def test_scene_record_fields(make_scene) -> None:
    scene = make_scene(7, action="Ella cries at the funeral. The coffin is lowered.", timeline="flashback")
    (emotion,) = analyze_scenes([scene], options=AnalyzeOptions(top_emotions=2, max_evidence=3))
    assert emotion.scene_id == 7 and emotion.timeline == "flashback" and emotion.backend == "fitted"
    assert emotion.valence < -0.3 and emotion.top_emotion == "sadness"
    assert len(emotion.emotions) == 2 and 0 < len(emotion.evidence) <= 3
    assert 0 < emotion.confidence <= 1


def test_empty_scene_and_progress(make_scene) -> None:
    calls: list[tuple[int, int]] = []
    scenes = [make_scene(i) for i in range(1, 41)]
    emotions = analyze_scenes(scenes, progress=lambda done, total: calls.append((done, total)))
    assert emotions[0].valence == 0.0 and emotions[0].arousal == 0.0 and emotions[0].evidence == ()
    assert calls[-1] == (40, 40) and len(calls) == 2
