"""TOML profiles: a table per stage whose keys are the fields of that stage's options.

```toml
[ingest]
max_bytes = 10_000_000

[segment]
lines_per_page = 56
```

Values not given keep the dataclass defaults; an unknown table or key is an error that names
the known ones, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Any

from scenescore.align.evidence import EvidenceOptions
from scenescore.align.options import AlignOptions
from scenescore.conditions.options import TranslateOptions
from scenescore.corpus.options import CrawlOptions
from scenescore.emotion.options import AnalyzeOptions, MemoryOptions
from scenescore.errors import InputError, OptionsError
from scenescore.options import IngestOptions, SegmentOptions
from scenescore.render.options import RenderOptions
from scenescore.spotting import SpotOptions

#: Stage table name → options class. Later stages register theirs here.
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


def read_config(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(p, "no such config file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(p, f"invalid TOML ({exc})") from None


def options_from_config(config: dict[str, Any], table: str, base: Any = None) -> Any:
    """The options of one stage: ``base`` (or the defaults) updated with the config's table."""
    if table not in OPTION_TABLES:
        raise OptionsError(f"unknown config table [{table}]; known: {', '.join(OPTION_TABLES)}")
    cls = OPTION_TABLES[table]
    options = base if base is not None else cls()
    values = config.get(table, {})
    if not isinstance(values, dict):
        raise OptionsError(f"config [{table}] must be a table")
    return _update(options, values, table)


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
    except (TypeError, ValueError) as exc:
        raise OptionsError(f"invalid value in [{where}]: {exc}") from None


def check_config(config: dict[str, Any]) -> None:
    """Refuse tables no stage knows (each stage checks its own keys when it reads them)."""
    unknown = sorted(set(config) - set(OPTION_TABLES))
    if unknown:
        raise OptionsError(f"unknown config table(s): {', '.join(unknown)}; known: {', '.join(OPTION_TABLES)}")
