"""Chat clients of the LLM backends: messages in, text and token counts out.

:class:`OpenAIClient` talks to any OpenAI-compatible server through the ``openai`` SDK with its
own retry loop (the SDK's is switched off so there is exactly one): 429 waits what the server asks
(``Retry-After``/``retry-after-ms``, capped) and holds every worker for that long, 5xx, timeouts
and dropped connections back off exponentially with jitter. A failure after the retries raises
:class:`CompletionError`, which the translate stage answers with the rules condition (recorded in
the condition's ``fallback``). Configuration errors (no key, bad key, unknown model) raise
:class:`TranslateError` at once: retrying or falling back would hide them.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from scenescore.errors import MissingDependencyError, OptionsError, ScenescoreError

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.conditions.options import TranslateOptions

log = logging.getLogger(__name__)

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
STRUCTURED_OUTPUT = ("json_schema", "json_object", "none")


class TranslateError(ScenescoreError):
    """The translate stage cannot run as configured (the message says what to change)."""


class CompletionError(Exception):
    """A request failed for good (after retries): the cue falls back to the rules backend."""

    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    #: Requests sent for this completion (1 + retries).
    attempts: int = 1
    #: Seconds waited before retries.
    waits: tuple[float, ...] = ()


class LLMClient(Protocol):
    name: str
    model: str | None
    #: Requests this client can serve at once.
    max_workers: int

    def complete(self, messages: Sequence[dict[str, str]]) -> Completion:
        """Send chat messages; the assistant's text and usage, or :class:`CompletionError`."""
        ...


def retry_after_seconds(headers: Any, now: float | None = None) -> float | None:
    """The delay a server asks for: ``retry-after-ms``, ``Retry-After`` seconds or HTTP date."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def response_format(mode: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {"type": "json_schema",
                "json_schema": {"name": "music_condition", "schema": schema, "strict": False}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


class OpenAIClient:
    """Chat completions on an OpenAI-compatible server, with retries, backoff and a shared gate."""

    name = "openai"

    def __init__(self, options: TranslateOptions, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        try:
            import openai
        except ImportError:
            raise MissingDependencyError("the openai translate backend", "openai", "llm") from None
        if options.structured_output not in STRUCTURED_OUTPUT:
            raise OptionsError(f"translate: unknown structured_output {options.structured_output!r}; "
                               f"known: {', '.join(STRUCTURED_OUTPUT)}")
        api_key = os.environ.get(options.api_key_env)
        if not api_key:
            if options.base_url is None:
                raise OptionsError(f"the openai translate backend needs an API key in "
                                   f"${options.api_key_env} (or a base_url for a local server)")
            api_key = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) ignore it
        self._openai = openai
        self.options = options
        self.model = options.model or DEFAULT_OPENAI_MODEL
        self.max_workers = max(1, int(options.concurrency))
        self.endpoint = options.base_url or "api.openai.com"
        self.client = openai.OpenAI(base_url=options.base_url, api_key=api_key,
                                    timeout=options.timeout_s, max_retries=0)
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._not_before = 0.0

    # -- the shared 429 gate -------------------------------------------------------------------
    def _hold(self, delay: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + delay)

    def _wait_gate(self) -> None:
        with self._lock:
            wait = self._not_before - self._clock()
        if wait > 0:
            self._sleep(wait)

    def _backoff(self, attempt: int) -> float:
        base = self.options.backoff_s * (2 ** attempt)
        return min(self.options.max_backoff_s, base * random.uniform(0.5, 1.0))

    def complete(self, messages: Sequence[dict[str, str]]) -> Completion:
        from scenescore.conditions.answers import answer_schema

        openai, opts = self._openai, self.options
        fmt = response_format(opts.structured_output, answer_schema())
        extra: dict[str, Any] = {"response_format": fmt} if fmt else {}
        waits: list[float] = []
        reason = "no attempt"
        retries = max(0, int(opts.max_retries))
        for attempt in range(retries + 1):
            self._wait_gate()
            try:
                response = self.client.chat.completions.create(
                    model=self.model, messages=list(messages),  # type: ignore[arg-type]
                    temperature=opts.temperature, max_completion_tokens=opts.max_output_tokens,
                    **extra)
            except openai.RateLimitError as exc:
                if getattr(exc, "code", None) == "insufficient_quota":
                    raise CompletionError("429 insufficient quota (not retried)", attempt + 1) from None
                asked = retry_after_seconds(exc.response.headers)
                delay = min(opts.max_backoff_s, asked if asked is not None else self._backoff(attempt))
                reason = "429 rate limited"
                if attempt < retries:
                    log.info("%s: 429, waiting %.2f s (attempt %d)", self.endpoint, delay, attempt + 1)
                    self._hold(delay)
                    waits.append(delay)
                continue
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise TranslateError(f"{self.endpoint} refused the API key from "
                                     f"${opts.api_key_env} (HTTP {exc.status_code})") from None
            except openai.NotFoundError:
                raise TranslateError(f"model {self.model!r} not found at {self.endpoint} "
                                     "(check --model and --base-url)") from None
            except openai.APIStatusError as exc:
                if exc.status_code < 500:
                    raise CompletionError(f"HTTP {exc.status_code}: {_short(exc)}", attempt + 1) from None
                asked = retry_after_seconds(exc.response.headers)
                delay = min(opts.max_backoff_s, asked if asked is not None else self._backoff(attempt))
                reason = f"HTTP {exc.status_code}"
            except openai.APITimeoutError:
                delay, reason = self._backoff(attempt), f"timed out after {opts.timeout_s:g} s"
            except openai.APIConnectionError:
                delay, reason = self._backoff(attempt), "connection failed"
            else:
                choice = response.choices[0] if response.choices else None
                text = (choice.message.content if choice is not None else None) or ""
                usage = response.usage
                return Completion(
                    text=text,
                    prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
                    completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
                    attempts=attempt + 1, waits=tuple(waits))
            if attempt < retries:
                log.info("%s: %s, retrying in %.2f s (attempt %d)", self.endpoint, reason, delay,
                         attempt + 1)
                waits.append(delay)
                self._sleep(delay)
        raise CompletionError(f"{reason} after {retries + 1} attempts", retries + 1)


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:159] + "…"
