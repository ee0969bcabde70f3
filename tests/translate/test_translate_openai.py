"""The openai backend against a real HTTP server on 127.0.0.1 speaking chat completions."""

from __future__ import annotations

import dataclasses
import email.utils
import json
import time

import pytest
from translate_support import GOOD_ANSWER, FakeOpenAI, error, good, text

from scenescore.conditions import TranslateOptions, translate_cues
from scenescore.conditions.clients import OpenAIClient, TranslateError, retry_after_seconds
from scenescore.conditions.prompt import SYSTEM_PROMPT
from scenescore.errors import OptionsError

pytest.importorskip("openai")


@pytest.fixture(autouse=True)
def _api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCENESCORE_TEST_KEY", "sk-test-123")


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def _options(server: FakeOpenAI, **kw) -> TranslateOptions:
    base = TranslateOptions(backend="openai", base_url=server.base_url, model="fake-model",
                            api_key_env="SCENESCORE_TEST_KEY", backoff_s=0.01, max_backoff_s=0.05,
                            timeout_s=5.0, cache=False, concurrency=1)
    return dataclasses.replace(base, **kw)


def _one(sample, server, *, client=None, **kw):
    translation = translate_cues(sample.cues[:1], sample.scenes, sample.analysis,
                                 options=_options(server, **kw), client=client)
    return translation.conditions[0], translation.reports[0], translation


def test_good_answers_for_every_cue(sample, server) -> None:
    server.default = lambda body: dataclasses.replace(good(), delay=0.05)
    translation = translate_cues(sample.cues, sample.scenes, sample.analysis,
                                 options=_options(server, concurrency=3))
    n = len(sample.cues)
    assert len(server.requests) == n and 2 <= server.max_in_flight <= 3
    assert [c.cue_id for c in translation.conditions] == [c.cue_id for c in sample.cues]
    for cue, cond, report in zip(sample.cues, translation.conditions, translation.reports, strict=True):
        assert (cond.backend, cond.model, cond.fallback) == ("openai", "fake-model", None)
        assert report.status == "ok" and report.attempts == 1
        assert cond.tempo_bpm == 64 and cond.prompt == GOOD_ANSWER["prompt"]
        assert cond.cue_id == cue.cue_id and cond.duration_s == pytest.approx(cue.duration_s, abs=1e-3)
    usage = translation.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.requests) == (120 * n, 80 * n, n)
    request = server.requests[0]
    assert request["model"] == "fake-model"
    assert request["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    fmt = request["response_format"]
    assert fmt["type"] == "json_schema"
    assert "cue_id" not in fmt["json_schema"]["schema"]["properties"]
    assert "tempo_bpm" in fmt["json_schema"]["schema"]["properties"]
    assert server.headers[0]["authorization"] == "Bearer sk-test-123"


def test_malformed_json_is_asked_again(sample, server) -> None:
    server.script = [text("Sure! Here it is: {\"prompt\": \"strings\", oops"), good()]
    cond, report, _ = _one(sample, server)
    assert report.status == "ok" and report.attempts == 2 and cond.backend == "openai"
    second = server.requests[1]["messages"]
    assert second[-2]["role"] == "assistant" and "oops" in second[-2]["content"]
    assert "That answer was invalid: malformed JSON" in second[-1]["content"]


def test_code_fences_and_wrappers_are_tolerated(sample, server) -> None:
    server.script = [text("```json\n" + json.dumps({"condition": GOOD_ANSWER}) + "\n```")]
    cond, report, _ = _one(sample, server)
    assert report.status == "ok" and cond.tempo_bpm == 64


def test_always_malformed_falls_back_to_rules_and_says_why(sample, server) -> None:
    server.default = lambda body: text("I cannot write JSON today.")
    cond, report, translation = _one(sample, server)
    assert len(server.requests) == 2  # the answer and one re-ask
    assert report.status == "fallback" and cond.backend == "rules"
    assert cond.fallback.startswith("openai fake-model: invalid answer: no JSON object")
    rules = translate_cues(sample.cues[:1], sample.scenes, sample.analysis).conditions[0]
    assert cond.model_dump(exclude={"fallback"}) == rules.model_dump(exclude={"fallback"})
    assert translation.usage.requests == 2  # the tokens spent are still reported


def test_a_few_invalid_fields_are_repaired_from_the_rules_draft(sample, server) -> None:
    answer = {**GOOD_ANSWER, "tempo_bpm": 400, "key": "H"}
    server.script = [good(answer)]
    cond, report, _ = _one(sample, server)
    rules = translate_cues(sample.cues[:1], sample.scenes, sample.analysis).conditions[0]
    assert report.status == "repaired" and len(server.requests) == 1
    assert cond.backend == "openai" and cond.prompt == GOOD_ANSWER["prompt"]
    assert (cond.tempo_bpm, cond.key) == (rules.tempo_bpm, rules.key)
    assert "tempo_bpm" in cond.fallback and "key" in cond.fallback


def test_schema_violations_are_asked_again_then_replaced(sample, server) -> None:
    broken = {"prompt": 5, "tempo_bpm": "fast", "key": "H", "mode": "sad", "meter": "x"}
    server.default = lambda body: good(broken)
    cond, report, _ = _one(sample, server)
    assert len(server.requests) == 2
    assert "That answer was invalid" in server.requests[1]["messages"][-1]["content"]
    assert report.status == "fallback" and cond.backend == "rules"
    assert "fields invalid or missing" in cond.fallback


def test_a_reply_cannot_change_the_cue_or_its_provenance(sample, server) -> None:
    hijack = {**GOOD_ANSWER, "cue_id": "9M99", "backend": "pwned", "model": "evil", "valence": 1.0,
              "arousal": -1.0, "duration_s": 1.0, "fallback": None,
              "themes": [{"character": "EVE", "character_id": "eve", "motif": "EVE-A",
                          "transformation": "statement"}]}
    server.script = [good(hijack)]
    cond, report, _ = _one(sample, server)
    cue = sample.cues[0]
    assert (cond.cue_id, cond.backend, cond.model) == (cue.cue_id, "openai", "fake-model")
    assert (cond.valence, cond.arousal) == pytest.approx((cue.valence, cue.arousal))
    assert cond.duration_s == pytest.approx(cue.duration_s, abs=1e-3)
    assert "eve" not in {t.character_id for t in cond.themes}  # unknown character replaced
    assert report.status == "repaired" and "themes" in cond.fallback


def test_5xx_are_retried_with_backoff(sample, server) -> None:
    server.script = [error(500), error(502)]
    cond, report, _ = _one(sample, server)
    assert report.status == "ok" and report.attempts == 3 and len(server.requests) == 3


def test_persistent_5xx_fall_back_after_the_retries(sample, server) -> None:
    server.default = lambda body: error(500)
    cond, report, _ = _one(sample, server, max_retries=2)
    assert len(server.requests) == 3
    assert report.status == "fallback" and cond.backend == "rules"
    assert "HTTP 500 after 3 attempts" in cond.fallback


def test_429_honours_retry_after(sample, server) -> None:
    waits: list[float] = []
    opts = _options(server, max_backoff_s=10.0)
    client = OpenAIClient(opts, sleep=waits.append)
    server.script = [error(429, "slow down", headers={"Retry-After": "2"}), good()]
    cond, report, _ = _one(sample, server, client=client)
    assert report.status == "ok" and report.attempts == 2
    assert waits == [pytest.approx(2.0, abs=0.05)]
    # retry-after-ms is honoured for real, and caps apply.
    server.script = [error(429, headers={"retry-after-ms": "150"}), good()]
    start = time.perf_counter()
    _, report, _ = _one(sample, server)
    assert report.status == "ok" and time.perf_counter() - start >= 0.05  # capped at max_backoff_s
    waits.clear()
    server.script = [error(429, headers={"Retry-After": "3600"}), good()]
    _one(sample, server, client=OpenAIClient(_options(server, max_backoff_s=7.0), sleep=waits.append))
    assert waits == [pytest.approx(7.0, abs=0.05)]


def test_429_insufficient_quota_is_not_retried(sample, server) -> None:
    server.default = lambda body: error(429, "quota", code="insufficient_quota")
    cond, report, _ = _one(sample, server)
    assert len(server.requests) == 1 and report.status == "fallback"
    assert "insufficient quota" in cond.fallback


def test_timeouts_are_retried(sample, server) -> None:
    server.script = [dataclasses.replace(good(), delay=1.5)]
    cond, report, _ = _one(sample, server, timeout_s=0.3)
    assert report.status == "ok" and report.attempts == 2
    server.default = lambda body: dataclasses.replace(good(), delay=1.5)
    cond, report, _ = _one(sample, server, timeout_s=0.2, max_retries=1)
    assert report.status == "fallback" and "timed out after 0.2 s after 2 attempts" in cond.fallback


def test_configuration_errors_stop_the_run(sample, server, monkeypatch) -> None:
    server.default = lambda body: error(401, "bad key")
    with pytest.raises(TranslateError, match=r"refused the API key from \$SCENESCORE_TEST_KEY"):
        _one(sample, server)
    server.default = lambda body: error(404, "no such model")
    with pytest.raises(TranslateError, match="model 'fake-model' not found"):
        _one(sample, server)
    monkeypatch.delenv("SCENESCORE_TEST_KEY")
    with pytest.raises(OptionsError, match="needs an API key"):
        _one(sample, server, base_url=None)
    with pytest.raises(OptionsError, match="structured_output"):
        _one(sample, server, structured_output="xml")


def test_without_structured_output_the_schema_is_in_the_prompt(sample, server) -> None:
    _, report, _ = _one(sample, server, structured_output="none")
    assert report.status == "ok"
    assert "response_format" not in server.requests[0]
    assert "JSON schema of the answer" in server.requests[0]["messages"][1]["content"]


def test_cache_makes_reruns_free(sample, server, tmp_path) -> None:
    opts = dict(cache=True, cache_dir=str(tmp_path / "cache"), concurrency=4)
    first = translate_cues(sample.cues, sample.scenes, sample.analysis, options=_options(server, **opts))
    n = len(sample.cues)
    assert len(server.requests) == n and first.usage.requests == n
    again = translate_cues(sample.cues, sample.scenes, sample.analysis, options=_options(server, **opts))
    assert len(server.requests) == n  # no new request
    assert again.count("cached") == n and again.usage.total_tokens == 0
    assert again.conditions == first.conditions
    # A different model or brief is a different key.
    translate_cues(sample.cues[:2], sample.scenes, sample.analysis,
                   options=_options(server, model="other-model", **opts))
    assert len(server.requests) == n + 2


def test_fallbacks_are_not_cached(sample, server, tmp_path) -> None:
    opts = dict(cache=True, cache_dir=str(tmp_path / "cache"), max_retries=0)
    server.default = lambda body: error(503)
    _, report, _ = _one(sample, server, **opts)
    assert report.status == "fallback"
    server.default = lambda body: good()
    _, report, _ = _one(sample, server, **opts)
    assert report.status == "ok"
    _, report, _ = _one(sample, server, **opts)
    assert report.status == "cached"


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    date = email.utils.formatdate(1_000_010, usegmt=True)
    assert retry_after_seconds({"retry-after": date}, now=1_000_000) == pytest.approx(10.0)
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
