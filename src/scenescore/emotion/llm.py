"""Ask an OpenAI-compatible chat model for valence/arousal with reasons, validated.

The client is deliberately small (:class:`ChatClient`: messages in, text out) so the condition
translation stage's client can stand in for :class:`OpenAIChatClient` later. Replies are parsed
as JSON and validated with pydantic; a reply that fails validation is asked for once more with the
error, then the backend raises :class:`EmotionBackendError`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from scenescore.emotion.records import TextEmotion
from scenescore.errors import MissingDependencyError, OptionsError, ScenescoreError

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.emotion.options import AnalyzeOptions, LLMOptions

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You rate the emotion a reader feels in short texts from screenplays and prose.
For each numbered text give:
- valence: -1 (very unpleasant) .. 1 (very pleasant), 0 neutral;
- arousal: -1 (asleep, very calm) .. 1 (frantic, very excited), 0 moderate;
- emotions: up to 3 of joy, tenderness, calm, sadness, fear, anger, surprise, disgust with scores 0..1;
- reasons: one to three short quotes or cues from the text that justify the rating;
- confidence: 0..1.
Answer with JSON only: {"items": [{"index": 1, "valence": 0.0, "arousal": 0.0,
"emotions": [{"label": "joy", "score": 0.0}], "reasons": ["..."], "confidence": 0.0}, ...]}
with exactly one item per text, in order."""


class EmotionBackendError(ScenescoreError):
    """A backend answered with something unusable (after its retries)."""


@functools.cache
def _reply_model() -> Any:
    """The reply schema (pydantic, built on first use so importing this module stays cheap)."""
    from pydantic import BaseModel, Field

    class Emotion(BaseModel):
        label: str
        score: float = Field(ge=0.0, le=1.0)

    class Item(BaseModel):
        index: int
        valence: float = Field(ge=-1.0, le=1.0)
        arousal: float = Field(ge=-1.0, le=1.0)
        emotions: list[Emotion] = Field(default_factory=list)
        reasons: list[str] = Field(default_factory=list)
        confidence: float = Field(default=0.6, ge=0.0, le=1.0)

    class Reply(BaseModel):
        items: list[Item]

    return Reply


class ChatClient(Protocol):
    def complete(self, messages: list[dict[str, str]]) -> str:
        """Send chat messages, return the assistant's text."""
        ...


class OpenAIChatClient:
    """Chat completions on any OpenAI-compatible server through the ``openai`` SDK."""

    def __init__(self, options: LLMOptions) -> None:
        try:
            import openai
        except ImportError:
            raise MissingDependencyError("the llm emotion backend", "openai", "llm") from None
        api_key = os.environ.get(options.api_key_env)
        if not api_key:
            if options.base_url is None:
                raise OptionsError(f"the llm emotion backend needs an API key in ${options.api_key_env} "
                                   "(or a base_url for a local server)")
            api_key = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) ignore it
        self._openai = openai
        self.options = options
        self.client = openai.OpenAI(base_url=options.base_url, api_key=api_key,
                                    timeout=options.timeout_s, max_retries=options.max_retries)

    def complete(self, messages: list[dict[str, str]]) -> str:
        try:
            response = self.client.chat.completions.create(
                model=self.options.model, messages=messages,  # type: ignore[arg-type]
                temperature=self.options.temperature)
        except self._openai.APIError as exc:
            # The message names the server's complaint; never the request or its key.
            raise EmotionBackendError(f"LLM request to {self.options.base_url or 'api.openai.com'} "
                                      f"failed: {type(exc).__name__}: {exc}") from None
        content = response.choices[0].message.content if response.choices else None
        if not content:
            raise EmotionBackendError("LLM reply had no content")
        return content


def parse_reply(text: str, expected: int) -> list[Any]:
    """The JSON object in a reply (code fences and chatter around it tolerated), validated.

    Raises ``ValueError`` (pydantic's ``ValidationError`` is one) when the reply does not fit.
    """
    match = re.search(r"\{.*\}", text, flags=re.DOTALL)
    if not match:
        raise ValueError("no JSON object in the reply")
    reply = _reply_model().model_validate(json.loads(match.group(0)))
    if len(reply.items) != expected:
        raise ValueError(f"expected {expected} items, got {len(reply.items)}")
    return sorted(reply.items, key=lambda item: item.index)


class LLMBackend:
    """Valence/arousal with reasons from a chat model; one request per batch of texts."""

    name: ClassVar[str] = "llm"
    #: Whole scenes (and each character's lines) per text: fewer, richer requests.
    unit: ClassVar[str] = "scene"

    def __init__(self, options: AnalyzeOptions, client: ChatClient | None = None) -> None:
        self.options = options
        self.client = client or OpenAIChatClient(options.llm)

    def score_texts(self, texts: Sequence[str]) -> list[TextEmotion]:
        lopts = self.options.llm
        results: list[TextEmotion] = []
        for start in range(0, len(texts), max(1, lopts.batch_size)):
            batch = list(texts[start:start + lopts.batch_size])
            results.extend(self._score_batch(batch))
        return results

    def _score_batch(self, batch: list[str]) -> list[TextEmotion]:
        lopts = self.options.llm
        wanted = [i for i, t in enumerate(batch) if t.strip()]
        out = [TextEmotion(valence=0.0, arousal=0.0, confidence=0.0, weight=0.0) for _ in batch]
        if not wanted:
            return out
        numbered = "\n\n".join(f"[{n}] {batch[i][:lopts.max_chars]}" for n, i in enumerate(wanted, 1))
        messages = [{"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": f"{len(wanted)} texts:\n\n{numbered}"}]
        error = ""
        for attempt in range(2):
            reply = self.client.complete(messages)
            try:
                items = parse_reply(reply, len(wanted))
                break
            except ValueError as exc:
                error = str(exc).splitlines()[0]
                log.warning("LLM reply failed validation (attempt %d): %s", attempt + 1, error)
                messages = [*messages, {"role": "assistant", "content": reply},
                            {"role": "user", "content": f"That reply was invalid ({error}). "
                                                        "Answer again with the JSON only."}]
        else:
            raise EmotionBackendError(f"LLM replies failed validation twice: {error}")
        top = self.options.top_emotions
        for i, item in zip(wanted, items, strict=True):
            emotions = tuple(sorted(((e.label.lower(), e.score) for e in item.emotions),
                                    key=lambda kv: -kv[1])[:top])
            out[i] = TextEmotion(valence=item.valence, arousal=item.arousal, emotions=emotions,
                                 confidence=item.confidence,
                                 evidence=tuple(r.strip() for r in item.reasons if r.strip())[:4],
                                 weight=1.0)
        return out
