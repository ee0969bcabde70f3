"""Translate: cues and their context become :class:`MusicCondition` records.

    from scenescore.conditions import TranslateOptions, translate_cues, write_conditions
    translation = translate_cues(cues, scenes, analysis, options=TranslateOptions(backend="rules"))
    write_conditions(translation.conditions, "conditions.jsonl")

Backends (``TranslateOptions.backend``): ``rules`` (default, offline, deterministic), ``openai``
(any OpenAI-compatible server), ``local`` (a causal LM from a local folder). See docs/conditions.md.

Names are resolved on first use, so ``scenescore.conditions.options`` (read by the config loader)
imports neither pydantic nor the backends; the openai SDK and transformers load inside their
clients only.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.conditions.options import TranslateOptions
    from scenescore.conditions.schema import (
        SCHEMA_VERSION,
        Instrument,
        IntensityPoint,
        MusicCondition,
        ThemeUse,
        condition_json_schema,
    )
    from scenescore.conditions.translate import (
        BACKENDS,
        CueReport,
        TokenUsage,
        Translation,
        create_client,
        read_conditions,
        translate_cues,
        write_conditions,
    )

_EXPORTS: dict[str, str] = {
    "TranslateOptions": "scenescore.conditions.options",
    **dict.fromkeys(("SCHEMA_VERSION", "Instrument", "IntensityPoint", "MusicCondition", "ThemeUse",
                     "condition_json_schema"), "scenescore.conditions.schema"),
    **dict.fromkeys(("BACKENDS", "CueReport", "TokenUsage", "Translation", "create_client",
                     "read_conditions", "translate_cues", "write_conditions"),
                    "scenescore.conditions.translate"),
}

__all__ = ["BACKENDS", "SCHEMA_VERSION", "CueReport", "Instrument", "IntensityPoint", "MusicCondition",
           "ThemeUse", "TokenUsage", "TranslateOptions", "Translation", "condition_json_schema",
           "create_client", "read_conditions", "translate_cues", "write_conditions"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
