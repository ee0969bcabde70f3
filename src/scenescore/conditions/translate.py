"""The translate stage: one :class:`MusicCondition` per cue, from a backend.

    from scenescore.conditions import translate_cues, write_conditions
    translation = translate_cues(cues, screenplay.scenes, analysis, options=TranslateOptions())
    write_conditions(translation.conditions, "conditions.jsonl")

Every backend starts from the same deterministic rules draft. ``rules`` returns it; ``openai`` and
``local`` ask a model to improve it, validate the answer, re-ask once with the error, fill what is
still invalid from the draft, or replace the whole answer with the draft, and each condition's
``backend``/``fallback`` fields and the :class:`CueReport` say which happened. Answers that came
from a model are cached on disk, keyed by their whole prompt, backend, model and prompt version.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from scenescore.conditions.answers import InvalidAnswer, extract_json, finalize
from scenescore.conditions.cache import ConditionCache
from scenescore.conditions.clients import CompletionError, LLMClient
from scenescore.conditions.context import CueContext, build_contexts
from scenescore.conditions.keyplan import plan_keys
from scenescore.conditions.options import TranslateOptions
from scenescore.conditions.palette import Palette, choose_palette
from scenescore.conditions.prompt import Prompt, build_prompt, prompt_key
from scenescore.conditions.rules import rules_condition
from scenescore.conditions.schema import MusicCondition
from scenescore.conditions.themes import plan_themes
from scenescore.errors import InputError, OptionsError
from scenescore.memory import character_id, scene_affects
from scenescore.spotting import Cue, principal_characters

if TYPE_CHECKING:  # pragma: no cover
    import os
    from pathlib import Path

    from scenescore.records import Scene

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
#: Backend name → what runs it (``rules`` needs no client).
BACKENDS: tuple[str, ...] = ("rules", "openai", "local")


@dataclass(frozen=True, slots=True)
class TokenUsage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(self.prompt_tokens + other.prompt_tokens,
                          self.completion_tokens + other.completion_tokens,
                          self.requests + other.requests)


@dataclass(frozen=True, slots=True)
class CueReport:
    """How one cue's condition was made."""

    cue_id: str
    #: ``rules`` (the rules backend), ``ok`` (model answer valid), ``repaired`` (some fields
    #: filled from the rules draft), ``fallback`` (replaced by the rules condition) or ``cached``.
    status: str
    backend: str
    model: str | None = None
    #: Requests sent (retries included).
    attempts: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)
    seconds: float = 0.0
    #: Why a fallback or repair happened.
    note: str = ""
    trimmed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"cue_id": self.cue_id, "status": self.status, "backend": self.backend,
                "model": self.model, "attempts": self.attempts,
                "prompt_tokens": self.usage.prompt_tokens,
                "completion_tokens": self.usage.completion_tokens,
                "seconds": round(self.seconds, 3), "note": self.note, "trimmed": list(self.trimmed)}


@dataclass(frozen=True, slots=True)
class Translation:
    conditions: tuple[MusicCondition, ...]
    reports: tuple[CueReport, ...]
    palette: Palette
    backend: str
    model: str | None = None

    @property
    def usage(self) -> TokenUsage:
        total = TokenUsage()
        for r in self.reports:
            total = total + r.usage
        return total

    def count(self, status: str) -> int:
        return sum(1 for r in self.reports if r.status == status)


def create_client(options: TranslateOptions) -> LLMClient | None:
    """The client of ``options.backend`` (``None`` for ``rules``); unknown names list the known."""
    name = options.backend
    if name == "rules":
        return None
    if name == "openai":
        from scenescore.conditions.clients import OpenAIClient

        return OpenAIClient(options)
    if name == "local":
        from scenescore.conditions.local import LocalClient

        return LocalClient(options)
    raise OptionsError(f"unknown translate backend {name!r}; known: {', '.join(BACKENDS)}")


def prepare(cues: Sequence[Cue], scenes: Sequence[Scene], analysis: Any = None, *,
            style: str | None = None, evidence: Mapping[int, Sequence[str]] | None = None
            ) -> tuple[list[CueContext], Palette]:
    """Palette, themes and per-cue contexts, in film order (deterministic)."""
    affects = scene_affects(analysis)
    order = principal_characters(scenes, limit=len(scenes) * 8 + 8, min_scenes=1)
    rank = {name: i for i, name in enumerate(order)}
    principals = sorted({n for c in cues for n in c.theme_characters},
                        key=lambda n: (rank.get(n, len(rank)), n))
    ids = [(_id_of(n, affects), n) for n in principals]
    palette = choose_palette(cues, ids, style, tone=getattr(analysis, "tone", None))
    themes = plan_themes(cues, affects, palette)
    keys = plan_keys(cues, affects, themes, [cid for cid, _ in ids])
    contexts = build_contexts(cues, scenes, affects, palette, themes, evidence=evidence, style=style,
                              key_plan=keys)
    return contexts, palette


def _id_of(name: str, affects: Mapping[int, Any]) -> str:
    for a in affects.values():
        if name in a.characters:
            return a.characters[name].character_id
    return character_id(name)


def translate_cues(cues: Sequence[Cue], scenes: Sequence[Scene], analysis: Any = None, *,
                   options: TranslateOptions | None = None,
                   evidence: Mapping[int, Sequence[str]] | None = None,
                   client: LLMClient | None = None,
                   progress: ProgressCallback | None = None) -> Translation:
    """One music condition per cue, in cue order.

    ``analysis`` is the ``EmotionAnalysis`` the cues were spotted from; ``evidence`` maps a scene
    id to footage evidence (captions, transcript lines) from the alignment stage. ``client``
    replaces the one ``options.backend`` would create (tests, custom servers).
    """
    opts = options or TranslateOptions()
    if opts.backend not in BACKENDS and client is None:
        raise OptionsError(f"unknown translate backend {opts.backend!r}; known: {', '.join(BACKENDS)}")
    contexts, palette = prepare(cues, scenes, analysis, style=opts.style, evidence=evidence)
    drafts = [rules_condition(ctx) for ctx in contexts]
    total = len(contexts)
    if client is None and opts.backend != "rules":
        client = create_client(opts)
    if client is None:
        reports = tuple(CueReport(cue_id=d.cue_id, status="rules", backend="rules") for d in drafts)
        if progress:
            progress(total, total)
        return Translation(conditions=tuple(drafts), reports=reports, palette=palette,
                           backend="rules")
    cache = ConditionCache(opts.cache_dir) if opts.cache else None
    results: list[tuple[MusicCondition, CueReport] | None] = [None] * total
    done = 0
    workers = max(1, min(int(getattr(client, "max_workers", 1)), total or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="translate") as pool:
        futures = {pool.submit(_translate_one, client, ctx, draft, opts, cache): i
                   for i, (ctx, draft) in enumerate(zip(contexts, drafts, strict=True))}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            done += 1
            if progress:
                progress(done, total)
    conditions = tuple(r[0] for r in results if r is not None)
    reports = tuple(r[1] for r in results if r is not None)
    translation = Translation(conditions=conditions, reports=reports, palette=palette,
                              backend=client.name, model=client.model)
    usage = translation.usage
    log.info("translate (%s %s): %d cues, %d cached, %d repaired, %d fallbacks; tokens: %d prompt, "
             "%d completion in %d requests", client.name, client.model, total,
             translation.count("cached"), translation.count("repaired"),
             translation.count("fallback"), usage.prompt_tokens, usage.completion_tokens,
             usage.requests)
    return translation


def _fit_prompt(client: LLMClient, ctx: CueContext, draft: MusicCondition,
                opts: TranslateOptions) -> Prompt:
    """Build the prompt; for a client with a token limit, shrink the screenplay text to fit."""
    include_schema = opts.structured_output != "json_schema" or client.name == "local"
    chars = opts.max_scene_chars
    prompt = build_prompt(ctx, draft, max_scene_chars=chars, include_schema=include_schema)
    limit = getattr(client, "max_prompt_tokens", None)
    count = getattr(client, "count_tokens", None)
    if limit is None or count is None:
        return prompt
    for _ in range(6):
        n = count(prompt.messages)
        if n <= limit or chars <= 200:
            break
        chars = max(200, chars // 2)
        prompt = build_prompt(ctx, draft, max_scene_chars=chars, include_schema=include_schema)
        prompt = replace(prompt, trimmed=(*prompt.trimmed,
                                          f"prompt of {n} tokens over the model's {limit}-token "
                                          f"budget: screenplay text cut to {chars} characters"))
    return prompt


def _translate_one(client: LLMClient, ctx: CueContext, draft: MusicCondition,
                   opts: TranslateOptions, cache: ConditionCache | None
                   ) -> tuple[MusicCondition, CueReport]:
    started = time.perf_counter()
    prompt = _fit_prompt(client, ctx, draft, opts)
    params = {"temperature": opts.temperature, "structured_output": opts.structured_output,
              "max_output_tokens": opts.max_output_tokens}
    key = prompt_key(prompt, backend=client.name, model=client.model, params=params)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            condition, meta = hit
            return condition, CueReport(cue_id=draft.cue_id, status="cached", backend=client.name,
                                        model=client.model, note=str(meta.get("note", "")),
                                        seconds=time.perf_counter() - started,
                                        trimmed=prompt.trimmed)
    messages = list(prompt.messages)
    allowed = {t.character_id for t in ctx.themes}
    usage = TokenUsage()
    attempts = 0
    problem = ""
    for round_ in range(1 + max(0, int(opts.repair_attempts))):
        try:
            completion = client.complete(messages)
        except CompletionError as exc:
            attempts += exc.attempts
            problem = exc.reason
            break
        attempts += completion.attempts
        usage = usage + TokenUsage(completion.prompt_tokens, completion.completion_tokens,
                                   completion.attempts)
        try:
            answer = extract_json(completion.text)
            condition, repaired = finalize(answer, draft, backend=client.name, model=client.model,
                                           allowed_characters=allowed,
                                           max_repaired=opts.max_repaired_fields)
        except InvalidAnswer as exc:
            problem = f"invalid answer: {exc}"
            log.warning("%s: %s answer invalid (try %d): %s", draft.cue_id, client.name,
                        round_ + 1, exc)
            messages = [*prompt.messages, {"role": "assistant", "content": completion.text[:4000]},
                        {"role": "user", "content": f"That answer was invalid: {exc}. Answer again "
                                                    "with one JSON object that fits the schema."}]
            continue
        note = ""
        status = "ok"
        if repaired:
            status = "repaired"
            note = "fields from the rules draft: " + "; ".join(f"{f} ({why})"
                                                               for f, why in repaired.items())
            condition = condition.model_copy(update={"fallback": note[:500]})
        if cache is not None:
            cache.put(key, condition, {"note": note, "cue_id": draft.cue_id})
        return condition, CueReport(cue_id=draft.cue_id, status=status, backend=client.name,
                                    model=client.model, attempts=attempts, usage=usage,
                                    seconds=time.perf_counter() - started, note=note,
                                    trimmed=prompt.trimmed)
    reason = f"{client.name} {client.model or ''}".strip() + f": {problem}; rules condition used"
    log.warning("%s: %s", draft.cue_id, reason)
    condition = draft.model_copy(update={"fallback": reason[:500]})
    return condition, CueReport(cue_id=draft.cue_id, status="fallback", backend="rules",
                                model=client.model, attempts=attempts, usage=usage,
                                seconds=time.perf_counter() - started, note=reason,
                                trimmed=prompt.trimmed)


# --------------------------------------------------------------------------------------------
# conditions.jsonl
# --------------------------------------------------------------------------------------------


def conditions_to_jsonl(conditions: Sequence[MusicCondition]) -> str:
    return "".join(c.model_dump_json() + "\n" for c in conditions)


def write_conditions(conditions: Sequence[MusicCondition], path: str | os.PathLike[str], *,
                     overwrite: bool = True) -> Path:
    """One condition per line (JSON), written atomically."""
    from scenescore.io import atomic_write_text

    return atomic_write_text(path, conditions_to_jsonl(conditions), overwrite=overwrite)


def read_conditions(path: str | os.PathLike[str]) -> list[MusicCondition]:
    """Conditions written by :func:`write_conditions`, validated."""
    from pathlib import Path

    from pydantic import ValidationError

    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read ({exc})") from None
    out: list[MusicCondition] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(MusicCondition.model_validate_json(line))
        except ValidationError as exc:
            raise InputError(p, f"line {n}: not a music condition "
                                f"({str(exc).splitlines()[0]})") from None
    return out
