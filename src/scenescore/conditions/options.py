"""Options of the translate stage, with their defaults in one place.

Flat on purpose: every field is a key of the ``[translate]`` table of a TOML profile. Derive
variants with ``dataclasses.replace``; the CLI reads its defaults from this class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TranslateOptions:
    #: ``rules`` (default, offline, deterministic), ``openai`` (any OpenAI-compatible server) or
    #: ``local`` (a causal LM from a local folder through transformers).
    backend: str = "rules"
    #: The film-level brief, e.g. ``"sparse piano and strings, 1970s thriller"``: it shapes the
    #: palette (instruments, genre) and is passed to LLM backends as the director's words.
    style: str | None = None
    #: openai: the model name (``None``: ``gpt-4o-mini``); local: a local model folder.
    model: str | None = None
    #: openai: OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp...). ``None``: api.openai.com.
    base_url: str | None = None
    #: Environment variable holding the API key (the key never sits in options, logs or caches).
    api_key_env: str = "OPENAI_API_KEY"
    #: Seconds one request may take before it counts as a (retryable) timeout.
    timeout_s: float = 60.0
    #: Retries of one request on 429, 5xx, timeouts and connection errors.
    max_retries: int = 4
    #: First backoff in seconds (doubled per retry, with jitter) when the server names no delay,
    #: and the longest wait honoured, Retry-After included.
    backoff_s: float = 1.0
    max_backoff_s: float = 30.0
    #: Requests in flight at once (openai).
    concurrency: int = 4
    #: Re-asks of the model when its answer does not parse or validate, before repairing it.
    repair_attempts: int = 1
    #: Invalid or missing fields of an answer that may be filled from the rules draft; beyond
    #: that the whole answer is replaced by the rules condition (and the record says why).
    max_repaired_fields: int = 3
    #: ``json_schema`` (structured output against the condition schema), ``json_object`` or
    #: ``none`` (schema in the prompt only) for servers without structured output.
    structured_output: str = "json_schema"
    temperature: float = 0.2
    #: Largest completion asked for (openai ``max_completion_tokens``; local ``max_new_tokens``).
    max_output_tokens: int = 1200
    #: Characters of screenplay text sent per cue; longer cues are trimmed (head and tail of each
    #: scene kept) and the prompt says so.
    max_scene_chars: int = 6000
    #: local: ``cpu``, ``cuda``, ``cuda:1``... (``None``: cuda when available, else cpu).
    device: str | None = None
    #: Cache conditions on disk, keyed by their inputs, backend, model and prompt version.
    cache: bool = True
    #: Cache folder (``None``: the user cache folder, ``.../scenescore/conditions``).
    cache_dir: str | None = None
