"""The local backend on a tiny random GPT-2 with a tokenizer built here (nothing downloaded)."""

from __future__ import annotations

import json

import pytest
from translate_support import GOOD_ANSWER, save_tiny_causal_lm

from scenescore.conditions import TranslateOptions, translate_cues
from scenescore.conditions.local import LocalClient
from scenescore.errors import OptionsError

pytest.importorskip("torch")
pytest.importorskip("transformers")

WORDS = ["{", "}", "[", "]", ":", ",", '"', "prompt", "strings", "piano", "tempo_bpm", "key", "D",
         "minor", "the", "a", "cue", "scene", "music", "ELLA", "THEO", "JUNE", "and", "of", "."]


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory) -> str:
    return save_tiny_causal_lm(tmp_path_factory.mktemp("tiny-gpt2"), words=WORDS)


def _options(path: str, **kw) -> TranslateOptions:
    return TranslateOptions(backend="local", model=path, device="cpu", max_output_tokens=16,
                            cache=False, **kw)


def test_random_model_answers_are_replaced_by_rules(sample, tiny_lm) -> None:
    cues = sample.cues[:2]
    translation = translate_cues(cues, sample.scenes, sample.analysis, options=_options(tiny_lm))
    assert translation.backend == "local" and translation.model == tiny_lm
    for cond, report in zip(translation.conditions, translation.reports, strict=True):
        assert report.status == "fallback" and cond.backend == "rules"
        assert cond.fallback.startswith(f"local {tiny_lm}: invalid answer")
        assert report.attempts == 2  # the answer and one re-ask, both generated
        assert report.usage.prompt_tokens > 500 and report.usage.completion_tokens > 0


def test_a_valid_generation_is_parsed_and_validated(sample, tiny_lm, monkeypatch) -> None:
    client = LocalClient(_options(tiny_lm))
    # The random model cannot write JSON; its decoded output is replaced after a real generate().
    answer = json.dumps({**GOOD_ANSWER, "tempo_bpm": 58})
    monkeypatch.setattr(client.tokenizer, "decode", lambda *a, **k: answer)
    translation = translate_cues(sample.cues[:1], sample.scenes, sample.analysis,
                                 options=_options(tiny_lm), client=client)
    cond, report = translation.conditions[0], translation.reports[0]
    assert report.status == "ok" and cond.backend == "local" and cond.model == tiny_lm
    assert cond.tempo_bpm == 58 and cond.fallback is None


def test_prompt_is_cut_to_fit_a_small_context(sample, tmp_path) -> None:
    small = save_tiny_causal_lm(tmp_path / "small", words=WORDS, positions=1024)
    translation = translate_cues(sample.cues[:1], sample.scenes, sample.analysis,
                                 options=_options(small))
    report = translation.reports[0]
    assert any("token budget" in t for t in report.trimmed)
    assert report.status == "fallback"  # the system prompt alone does not fit 1,024 tokens
    assert "no room in the model's 1024-token context" in report.note


def test_missing_or_bad_model_path(tmp_path) -> None:
    with pytest.raises(OptionsError, match="needs --model"):
        LocalClient(TranslateOptions(backend="local"))
    with pytest.raises(OptionsError, match="is not a folder"):
        LocalClient(TranslateOptions(backend="local", model=str(tmp_path / "nope")))
    with pytest.raises(OptionsError, match="cannot load a causal LM"):
        LocalClient(TranslateOptions(backend="local", model=str(tmp_path)))
