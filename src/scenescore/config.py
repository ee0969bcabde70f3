"""TOML profiles: a table per stage whose keys are the fields of that stage's options.

```toml
[ingest]
max_bytes = 10_000_000

[segment]
lines_per_page = 56

[render.audio.fluidsynth]
interpolation = "linear"
```

Values not given keep the dataclass defaults. A profile is checked whole when it is read
(:func:`read_config`): each table against a pydantic model derived from its options dataclass
(strict types, so ``coverage = "0.5"`` is refused rather than read as a string; no unknown
keys; numbers within their range), and the first problems are one :class:`InputError` naming
the file, the table and the key. The dataclasses stay the one place the defaults live.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tomllib
import typing
from functools import cache
from pathlib import Path
from typing import Any

from scenescore.align.evidence import EvidenceOptions
from scenescore.align.options import AlignOptions
from scenescore.batch import BatchOptions
from scenescore.conditions.options import TranslateOptions
from scenescore.corpus.options import CrawlOptions
from scenescore.emotion.options import AnalyzeOptions, MemoryOptions
from scenescore.errors import InputError, OptionsError, ScenescoreError
from scenescore.options import IngestOptions, ScoreOptions, SegmentOptions
from scenescore.render.options import RenderOptions
from scenescore.spotting import SpotOptions

#: Stage table name → options class (what ``score`` and ``batch`` hand to the pipeline).
OPTION_TABLES: dict[str, type] = {
    "ingest": IngestOptions,
    "segment": SegmentOptions,
    "corpus": CrawlOptions,
    "analyze": AnalyzeOptions,
    "memory": MemoryOptions,
    "spot": SpotOptions,
    "translate": TranslateOptions,
    "render": RenderOptions,
    "align": AlignOptions,
    "evidence": EvidenceOptions,
}
#: Tables of the commands that run the pipeline rather than of one stage.
COMMAND_TABLES: dict[str, type] = {
    "score": ScoreOptions,
    "batch": BatchOptions,
}

#: Ranges the types cannot say, by dotted key (table.field). Every other number whose default is
#: not negative must not be negative either.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "ingest.max_bytes": (1, None),
    "ingest.max_text_chars": (1, None),
    "ingest.tab_size": (1, None),
    "segment.lines_per_page": (1, None),
    "segment.seconds_per_page": (1e-9, None),
    "segment.dialogue_wpm": (1e-9, None),
    "segment.page_weight": (0.0, 1.0),
    "segment.fallback_scene_lines": (1, None),
    "segment.target_runtime_s": (1e-9, None),
    "analyze.screenplay_arousal_weight": (0.0, 1.0),
    "analyze.visual_weight": (0.0, 1.0),
    "memory.carry": (0.0, 1.0),
    "memory.echo": (0.0, 1.0),
    "memory.character_carry": (0.0, 1.0),
    "spot.reel_minutes": (1e-9, None),
    "spot.fps": (1, None),
    "spot.dialogue_share": (0.0, 1.0),
    "spot.coverage": (0.0, 1.0),
    "render.sketch.drums_from_arousal": (-1.0, 1.0),
    "render.midi.ppq": (1, None),
    "render.audio.sample_rate": (1, None),
    "align.min_line_similarity": (0.0, 1.0),
    "align.snap_window_s": (0.0, None),
}


def _tables() -> dict[str, type]:
    return {**OPTION_TABLES, **COMMAND_TABLES}


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A profile, checked whole: unknown tables or keys, wrong types and out-of-range values are
    one :class:`InputError` naming the file and the keys."""
    p = Path(path)
    try:
        config = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(p, "no such config file") from None
    except IsADirectoryError:
        raise InputError(p, "is a folder, not a config file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(p, f"invalid TOML ({exc})") from None
    try:
        return validate_config(config)
    except ScenescoreError as exc:
        raise InputError(p, str(exc)) from None


def validate_config(config: dict[str, Any]) -> dict[str, Any]:
    """The profile with every table checked against its options' model (values as the options
    hold them: TOML arrays become tuples where the field is a tuple)."""
    check_config(config)
    out: dict[str, Any] = {}
    problems: list[str] = []
    for table, values in config.items():
        if not isinstance(values, dict):
            problems.append(f"{table} must be a table ([{table}]), not a value")
            continue
        try:
            out[table] = _validate_table(table, values)
        except OptionsError as exc:
            problems.append(str(exc))
    if problems:
        raise OptionsError("; ".join(problems))
    # The dataclasses' own checks (relations between fields) run once, naming the key.
    for table in out:
        options_from_config(out, table)
    return out


def options_from_config(config: dict[str, Any], table: str, base: Any = None) -> Any:
    """The options of one table: ``base`` (or the defaults) updated with the config's table."""
    tables = _tables()
    if table not in tables:
        raise OptionsError(f"unknown config table [{table}]; known: {', '.join(tables)}")
    options = base if base is not None else tables[table]()
    values = config.get(table, {})
    if not isinstance(values, dict):
        raise OptionsError(f"config [{table}] must be a table")
    return _update(options, values, table)


def check_config(config: dict[str, Any]) -> None:
    """Refuse tables no stage or command knows."""
    tables = _tables()
    unknown = sorted(set(config) - set(tables))
    if unknown:
        raise OptionsError(f"unknown config table(s): {', '.join(unknown)}; known: {', '.join(tables)}")


def _update(options: Any, values: dict[str, Any], where: str) -> Any:
    """``dataclasses.replace`` that recurses into nested option dataclasses ([analyze.llm])."""
    known = {f.name for f in dataclasses.fields(options)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise OptionsError(f"unknown key(s) in [{where}]: {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    changes: dict[str, Any] = {}
    for key, value in values.items():
        current = getattr(options, key)
        if dataclasses.is_dataclass(current) and isinstance(value, dict):
            changes[key] = _update(current, value, f"{where}.{key}")
        elif isinstance(current, tuple) and isinstance(value, list):
            changes[key] = tuple(value)
        else:
            changes[key] = value
    try:
        return dataclasses.replace(options, **changes)
    except (TypeError, ValueError, OptionsError) as exc:
        # Name the key when one value alone is refused; else the values together are.
        for key, value in changes.items():
            try:
                dataclasses.replace(options, **{key: value})
            except (TypeError, ValueError, OptionsError):
                raise OptionsError(f"[{where}] {key} = {_show(value)}: {exc}") from None
        raise OptionsError(f"invalid values in [{where}]: {exc}") from None


def _validate_table(table: str, values: dict[str, Any]) -> dict[str, Any]:
    from pydantic import ValidationError

    model = _model(_tables()[table], table)
    try:
        # JSON mode: TOML arrays are accepted for tuple fields, and strict types still refuse
        # "0.5" for a number or 1 for a bool.
        checked = model.model_validate_json(json.dumps(values, default=str))
    except ValidationError as exc:
        raise OptionsError(_describe(table, exc, values)) from None
    return checked.model_dump(exclude_unset=True)


def _describe(table: str, exc: Any, values: dict[str, Any]) -> str:
    """Pydantic's errors as one line: unknown keys grouped per table, then each bad value."""
    unknown: dict[str, list[str]] = {}
    problems: list[str] = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        where = ".".join([table, *loc[:-1]])
        key = loc[-1] if loc else ""
        if error["type"] == "extra_forbidden":
            unknown.setdefault(where, []).append(key)
            continue
        value = _lookup(values, loc)
        problems.append(f"[{where}] {key} = {_show(value)}: {_message(error)}")
    for where, keys in unknown.items():
        cls = _class_at(where)
        known = sorted(f.name for f in dataclasses.fields(cls)) if cls else []
        problems.insert(0, f"unknown key(s) in [{where}]: {', '.join(keys)}; known: {', '.join(known)}")
    return "; ".join(problems)


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"])
    return message[0].lower() + message[1:] if message else message


def _lookup(values: Any, loc: list[str]) -> Any:
    for part in loc:
        if isinstance(values, dict) and part in values:
            values = values[part]
        elif isinstance(values, list) and part.isdigit() and int(part) < len(values):
            values = values[int(part)]
        else:
            return None
    return values


def _show(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, tuple) else json.dumps(list(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _class_at(where: str) -> type | None:
    table, *path = where.split(".")
    cls: Any = _tables().get(table)
    for name in path:
        if cls is None:
            return None
        cls = typing.get_type_hints(cls).get(name)
    return cls if dataclasses.is_dataclass(cls) else None


@cache
def _model(cls: type, where: str) -> Any:
    """A strict pydantic model of an options dataclass: its fields and types, no extra keys,
    nested option dataclasses as nested models, and the ranges of :data:`RANGES` (or "not
    negative" for a number whose default is not)."""
    from typing import Annotated

    from pydantic import ConfigDict, Field, create_model

    hints = typing.get_type_hints(cls)
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            kind = _model(kind, f"{where}.{f.name}")
        else:
            default = f.default if f.default is not dataclasses.MISSING else None
            low, high = RANGES.get(f"{where}.{f.name}", (None, None))
            if (low is None and high is None and isinstance(default, int | float)
                    and not isinstance(default, bool) and default >= 0):
                low = 0
            bounds = {k: v for k, v in (("ge", low), ("le", high)) if v is not None}
            if bounds:
                kind = Annotated[kind, Field(**bounds)]
        fields[f.name] = (kind, None)
    name = "".join(part.title() for part in where.split(".")) + "Config"
    return create_model(name, __config__=ConfigDict(extra="forbid", strict=True), **fields)
