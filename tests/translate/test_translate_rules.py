"""The rules backend: valid, deterministic, research-shaped conditions, one palette, developing themes."""

from __future__ import annotations

import time

import pytest
from translate_support import build_analysis, build_scene

from scenescore.conditions import MusicCondition, TranslateOptions, translate_cues
from scenescore.conditions.palette import choose_palette
from scenescore.conditions.rules import (
    DYNAMICS,
    choose_dynamics,
    choose_mode,
    choose_tempo,
    cue_key,
)
from scenescore.errors import OptionsError
from scenescore.spotting import SpotOptions, spot_cues


def test_every_cue_of_the_sample_gets_a_valid_condition_fast(sample) -> None:
    start = time.perf_counter()
    cues = spot_cues(sample.scenes, sample.analysis)
    translation = translate_cues(cues, sample.scenes, sample.analysis)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"offline spot + translate took {elapsed:.2f} s"
    assert [c.cue_id for c in translation.conditions] == [c.cue_id for c in cues]
    for cue, cond in zip(cues, translation.conditions, strict=True):
        again = MusicCondition.model_validate_json(cond.model_dump_json())
        assert again == cond
        assert cond.backend == "rules" and cond.fallback is None
        assert cond.duration_s == pytest.approx(cue.duration_s, abs=1e-3)
        assert 20 <= len(cond.prompt.split()) <= 40, cond.prompt
        assert cond.intensity_curve[0].at == 0.0 and cond.intensity_curve[-1].at == 1.0
        assert "vocals" in cond.avoid
    assert {r.status for r in translation.reports} == {"rules"}
    assert translation.usage.total_tokens == 0


def test_rules_are_deterministic(sample) -> None:
    a = translate_cues(sample.cues, sample.scenes, sample.analysis)
    b = translate_cues(sample.cues, sample.scenes, sample.analysis)
    assert [c.model_dump_json() for c in a.conditions] == [c.model_dump_json() for c in b.conditions]


def test_one_palette_for_the_film(sample) -> None:
    translation = translate_cues(sample.cues, sample.scenes, sample.analysis)
    p = translation.palette
    allowed = {i.program for i in (p.melody, p.harmony, p.bass, p.pad, p.memory, p.dream, p.tension,
                                   p.pulse, p.bright, *p.themes.values())}
    for cond in translation.conditions:
        assert {i.program for i in cond.instrumentation} <= allowed
        assert cond.genre == p.genre
    # Present-time cues sit where the key plan puts them (its reason is in the condition);
    # flashbacks a fourth above that, dreams a third.
    by_id = {c.cue_id: c for c in sample.cues}
    for cond in translation.conditions:
        assert cond.key_reason
        if by_id[cond.cue_id].timeline == "present" and cond.key_reason.startswith("act I;"):
            assert cond.key == p.tonic
    assert cue_key(p, "flashback", "major") == "G" and cue_key(p, "dream", "lydian") == "F#"
    assert cue_key(p, "present", "major", area=7) == "A"
    # Each principal has one theme instrument for the whole film.
    assert set(p.themes) == {"ella", "theo", "june"}
    assert len({i.program for i in p.themes.values()}) == 3


def test_valence_sets_mode_and_arousal_sets_tempo_and_loudness() -> None:
    palette = choose_palette([], ())
    assert choose_mode(0.6, 0.0, "joyful", "present")[0] == "major"
    assert choose_mode(-0.6, -0.3, "sorrowful", "present")[0] == "minor"
    assert choose_mode(-0.6, 0.7, "tense", "present")[0] == "harmonic minor"
    assert choose_mode(0.3, 0.0, "bittersweet", "flashback")[0] == "major"
    assert choose_mode(0.2, 0.1, "neutral", "dream")[0] == "lydian"
    tempos = [choose_tempo(0.0, a, palette, "atmosphere", "present") for a in (-1, -0.5, 0, 0.5, 1)]
    assert tempos == sorted(tempos) and tempos[0] >= 48 and tempos[-1] <= 168
    assert tempos[2] == 76
    levels = [DYNAMICS.index(choose_dynamics(a, "atmosphere")) for a in (-1, -0.5, 0, 0.5, 1)]
    assert levels == sorted(levels) and DYNAMICS[levels[0]] == "pp" and DYNAMICS[levels[-1]] == "ff"
    assert DYNAMICS.index(choose_dynamics(0.8, "underscore dialogue")) <= DYNAMICS.index("mf")


def test_opposite_scenes_get_opposite_music() -> None:
    scenes = [build_scene(1, characters=["ANA"]), build_scene(2, characters=["ANA"])]
    analysis = build_analysis(scenes, [(-0.7, -0.5), (0.7, 0.7)])
    cues = spot_cues(scenes, analysis, options=SpotOptions(use_turning_points=False))
    sad, happy = translate_cues(cues, scenes, analysis).conditions
    assert (sad.mode, happy.mode) == ("minor", "major")
    assert sad.tempo_bpm < happy.tempo_bpm
    assert DYNAMICS.index(sad.dynamics) < DYNAMICS.index(happy.dynamics)
    assert sad.articulation == "legato" and happy.articulation == "staccato"
    assert sad.pitch_register == "low" and happy.pitch_register == "high"
    assert sad.note_density < happy.note_density
    assert "minor" in sad.prompt and "major" in happy.prompt


def test_themes_develop_across_the_film() -> None:
    scenes = [build_scene(1, characters=["ANA", "BO"]),
              build_scene(2, characters=["ANA", "BO"]),
              build_scene(3, timeline="flashback", characters=["ANA", "BO"]),
              build_scene(4, characters=["ANA", "BO"]),
              build_scene(5, timeline="dream", characters=["ANA"]),
              build_scene(6, characters=["ANA"], action="She reads the letter.",
                          dialogue=[("ANA", "Bo would have known what to do.")])]
    analysis = build_analysis(scenes, [(0.5, 0.0), (0.5, 0.0), (0.5, 0.0), (-0.5, 0.0), (0.0, 0.0),
                                       (-0.5, 0.0)])
    cues = spot_cues(scenes, analysis, options=SpotOptions(use_turning_points=False, coverage=1.0))
    translation = translate_cues(cues, scenes, analysis)
    uses = {(cond.cue_id, t.character): t.transformation
            for cond in translation.conditions for t in cond.themes}
    ids = [c.cue_id for c in cues]
    assert [c.scene_ids for c in cues] == [(1, 2), (3,), (4,), (5,), (6,)]
    assert uses[(ids[0], "ANA")] == "statement" and uses[(ids[0], "BO")] == "statement"
    assert uses[(ids[1], "ANA")] == "recall"  # flashback
    assert uses[(ids[2], "ANA")] == "mode_change"  # valence flipped
    assert uses[(ids[3], "ANA")] == "fragmentation"  # dream
    assert uses[(ids[4], "BO")] == "fragmentation"  # named, not on screen
    motifs = {t.character: t.motif for cond in translation.conditions for t in cond.themes}
    assert motifs == {"ANA": "ANA-A", "BO": "BO-A"}
    assert translation.conditions[0].themes[0].character_id == "ana"


def test_style_brief_shapes_the_palette(sample) -> None:
    brief = "sparse piano and strings, 1970s thriller"
    translation = translate_cues(sample.cues, sample.scenes, sample.analysis,
                                 options=TranslateOptions(style=brief))
    p = translation.palette
    assert p.genre == "1970s thriller film score"
    assert (p.melody.program, p.harmony.program) == (0, 48)
    assert p.density < 1.0 and not p.drums
    assert all(c.genre == p.genre for c in translation.conditions)
    assert all("1970s thriller" in c.prompt for c in translation.conditions)
    keyed = choose_palette(sample.cues, (), "warm folk guitar and drums, in E minor")
    assert keyed.tonic == "E" and keyed.drums and keyed.melody.name == "guitar"


def test_unknown_backend_lists_the_known_ones(sample) -> None:
    with pytest.raises(OptionsError, match="known: rules, openai, local"):
        translate_cues(sample.cues, sample.scenes, sample.analysis,
                       options=TranslateOptions(backend="magic"))


def test_conditions_round_trip_through_jsonl(sample, tmp_path) -> None:
    from scenescore.conditions import read_conditions, write_conditions
    from scenescore.errors import InputError

    translation = translate_cues(sample.cues, sample.scenes, sample.analysis)
    path = write_conditions(translation.conditions, tmp_path / "conditions.jsonl")
    assert tuple(read_conditions(path)) == translation.conditions
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"cue_id": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_conditions(bad)


def test_cue_ids_of_split_cues_are_valid() -> None:
    """Spotting splits a long cue into 1M02A, 1M02B: the condition schema takes the letter."""
    import pydantic

    from scenescore.render.mapping import condition_from_va

    assert condition_from_va(0.2, 0.1, cue_id="1M02A").cue_id == "1M02A"
    with pytest.raises(pydantic.ValidationError):
        condition_from_va(0.2, 0.1, cue_id="1M2")
