from __future__ import annotations

import pytest

from scenescore.emotion import AnalyzeOptions, analyze_texts, create_backend
from scenescore.emotion.lexicon import read_text
from scenescore.errors import OptionsError


@pytest.mark.parametrize(("text", "sign"), [
    ("I love you, this is wonderful.", 1),
    ("He was murdered and she is heartbroken.", -1),
    ("The meeting is on Tuesday.", 0),
])
def test_valence_sign(text: str, sign: int) -> None:
    v = read_text(text).valence
    assert (v > 0.2) if sign > 0 else (v < -0.2) if sign < 0 else abs(v) < 0.05


def test_negation_boosters_and_capitals_follow_vader() -> None:
    assert read_text("She is not happy.").valence < 0 < read_text("She is happy.").valence
    assert read_text("She is extremely happy.").valence > read_text("She is happy.").valence
    assert read_text("She is HAPPY today.").valence > read_text("She is happy today.").valence
    assert read_text("It was good but the ending was terrible").valence < 0


def test_screenplay_terms_are_neutral() -> None:
    assert read_text('SUPER: "Thirty-one years earlier"').valence == 0.0
    assert read_text("A hand plane.").valence == 0.0


def test_arousal_reads_agitation_and_calm() -> None:
    frantic = read_text("The gun goes off. BANG! Everyone screams and runs!").arousal
    calm = read_text("She sleeps quietly by the window...").arousal
    neutral = read_text("The meeting is on Tuesday.").arousal
    assert frantic > 0.6 and calm < -0.5 and calm < neutral < frantic
    assert read_text("YOU WERE SUPPOSED TO FINISH IT!").arousal > read_text(
        "You were supposed to finish it.").arousal + 0.3


def test_evidence_names_the_words() -> None:
    reading = read_text("Ella cries at the funeral.").to_text_emotion()
    assert any('"funeral"' in e for e in reading.evidence)
    assert reading.emotions[0][0] == "sadness"


def test_empty_text_is_neutral_with_no_confidence() -> None:
    (result,) = analyze_texts([""])
    assert (result.valence, result.arousal, result.confidence, result.emotions) == (0.0, 0.0, 0.0, ())


def test_analyze_texts_keeps_order_and_ranges() -> None:
    texts = ["Wonderful!", "", "Terrible, awful news.", "calm sea"]
    results = analyze_texts(texts)
    assert len(results) == 4
    assert results[0].valence > 0 > results[2].valence
    for r in results:
        assert -1 <= r.valence <= 1 and -1 <= r.arousal <= 1 and 0 <= r.confidence <= 1


def test_unknown_backend_lists_known_ones() -> None:
    with pytest.raises(OptionsError, match="known: fitted, lexicon, llm, transformers"):
        create_backend(AnalyzeOptions(backend="nope"))


@pytest.mark.parametrize(("backend", "modules", "package"), [
    ("transformers", ("torch", "transformers"), "torch"),
    ("transformers", ("transformers",), "transformers"),
    ("llm", ("openai",), "openai")])
def test_missing_optional_package_names_the_install(monkeypatch, backend, modules, package) -> None:
    import sys

    from scenescore.emotion import LLMOptions, TransformersOptions
    from scenescore.errors import MissingDependencyError

    if package == "transformers":
        pytest.importorskip("torch")  # torch is checked first; this case needs it present
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)
    options = AnalyzeOptions(backend=backend, transformers=TransformersOptions(model="x"),
                             llm=LLMOptions(base_url="http://127.0.0.1:9/v1"))
    with pytest.raises(MissingDependencyError, match=rf"'{package}'.*pip install 'scenescore\["):
        create_backend(options)


def test_blend_visual_moves_towards_the_picture_by_confidence() -> None:
    from scenescore.emotion import SceneEmotion, blend_visual

    base = SceneEmotion(scene_id=1, valence=-0.5, arousal=0.0, emotions=(), confidence=0.8, evidence=(),
                        characters={}, backend="lexicon")
    other = SceneEmotion(scene_id=2, valence=0.2, arousal=0.1, emotions=(), confidence=0.8, evidence=(),
                         characters={}, backend="lexicon")
    out = blend_visual([base, other], {1: (0.5, 0.5, 1.0)}, weight=0.3)
    assert out[0].valence == pytest.approx(-0.2) and out[0].arousal == pytest.approx(0.15)
    assert out[0].evidence[-1].startswith("picture:")
    assert out[1] == other  # no picture evidence: unchanged
    half = blend_visual([base], {1: (0.5, 0.5, 0.5)}, weight=0.3)
    assert half[0].valence == pytest.approx(-0.35)
