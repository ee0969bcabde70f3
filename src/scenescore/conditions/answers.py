"""LLM answers: the schema asked for, JSON found in the reply, validation and field-level repair.

A model fills only the musical fields; the identity of the cue (id, duration, valence/arousal)
and the provenance (backend, model, fallback, schema version) are ours and always overwrite what a
reply says, so neither a confused model nor an instruction hidden in a screenplay can change them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from scenescore.conditions.schema import MusicCondition, condition_json_schema

#: Fields the pipeline sets; an answer's values for them are ignored.
FIXED_FIELDS: tuple[str, ...] = ("cue_id", "duration_s", "valence", "arousal", "backend", "model",
                                 "fallback", "schema_version")
#: Fields an answer must give itself: missing ones count as repaired.
CORE_FIELDS: tuple[str, ...] = ("prompt", "genre", "instrumentation", "tempo_bpm", "key", "mode",
                                "meter", "dynamics", "intensity_curve", "articulation")


class InvalidAnswer(ValueError):
    """A reply that cannot become a condition (the message says why, in one line)."""


@functools.cache
def answer_fields() -> tuple[str, ...]:
    return tuple(f for f in MusicCondition.model_fields if f not in FIXED_FIELDS)


@functools.cache
def _answer_schema_json() -> str:
    schema = condition_json_schema()
    props = {k: v for k, v in schema.get("properties", {}).items() if k not in FIXED_FIELDS}
    schema = {**schema, "properties": props,
              "required": [f for f in CORE_FIELDS if f in props],
              "title": "MusicConditionAnswer", "additionalProperties": False}
    return json.dumps(schema, sort_keys=True)


def answer_schema() -> dict[str, Any]:
    """The condition schema without the fields we set: what LLM backends are asked to fill."""
    return json.loads(_answer_schema_json())


def extract_json(text: str) -> dict[str, Any]:
    """The first JSON object in a reply (code fences and chatter around it tolerated)."""
    if not text or "{" not in text:
        raise InvalidAnswer("no JSON object in the reply")
    decoder = json.JSONDecoder()
    start = text.find("{")
    error = "malformed JSON"
    while start != -1:
        try:
            obj, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            error = f"malformed JSON ({exc.msg} at character {exc.pos})"
            start = text.find("{", start + 1)
            continue
        if isinstance(obj, dict):
            # {"condition": {...}} and similar single wrappers are unwrapped.
            if len(obj) == 1:
                (inner,) = obj.values()
                if isinstance(inner, dict) and "prompt" in inner:
                    return inner
            return obj
        start = text.find("{", start + 1)
    raise InvalidAnswer(error)


def _errors(exc: Any) -> dict[str, str]:
    """Top-level field → first error message of a pydantic ValidationError."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = err.get("loc") or ("(answer)",)
        out.setdefault(str(loc[0]), str(err.get("msg", "invalid")).split("\n")[0])
    return out


def finalize(answer: dict[str, Any], draft: MusicCondition, *, backend: str, model: str | None,
             allowed_characters: Iterable[str], max_repaired: int
             ) -> tuple[MusicCondition, dict[str, str]]:
    """The condition from an answer, with invalid or missing fields filled from ``draft``.

    Returns the condition and the repaired fields (field → why). Raises :class:`InvalidAnswer`
    when more than ``max_repaired`` fields had to be repaired.
    """
    from pydantic import ValidationError

    base = draft.model_dump()
    fields = answer_fields()
    repaired: dict[str, str] = {f: "missing" for f in CORE_FIELDS if f not in answer}
    data = dict(base)
    for f in fields:
        if f in answer:
            data[f] = answer[f]
    fixed = {"cue_id": draft.cue_id, "duration_s": draft.duration_s, "valence": draft.valence,
             "arousal": draft.arousal, "backend": backend, "model": model, "fallback": None,
             "schema_version": draft.schema_version}
    data.update(fixed)
    allowed = set(allowed_characters)
    themes = data.get("themes")
    if isinstance(themes, list) and any(
            not isinstance(t, dict) or t.get("character_id") not in allowed for t in themes):
        data["themes"] = base["themes"]
        repaired["themes"] = "unknown character (use the listed themes only)"
    for _ in range(len(fields) + 1):
        try:
            condition = MusicCondition.model_validate(data)
            break
        except ValidationError as exc:
            bad = {f: msg for f, msg in _errors(exc).items() if f in fields}
            if not bad:
                raise InvalidAnswer("; ".join(f"{f}: {m}" for f, m in _errors(exc).items())) from None
            for f, msg in bad.items():
                data[f] = base[f]
                repaired[f] = msg
    else:  # pragma: no cover - every pass replaces at least one field
        raise InvalidAnswer("answer could not be repaired")
    if len(repaired) > max_repaired:
        raise InvalidAnswer(f"{len(repaired)} fields invalid or missing: "
                            + "; ".join(f"{f}: {m}" for f, m in list(repaired.items())[:6]))
    return condition, repaired
