"""On-disk cache of conditions, keyed by content: re-runs cost no tokens.

The key (:func:`scenescore.conditions.prompt.prompt_key`) hashes the full prompt (which holds the
cue, its context, the palette, the rules draft and the brief), the backend, the model, the
generation parameters, the prompt version and the schema version. One JSON file per entry, written
atomically; an unreadable or invalid entry is ignored (and overwritten by the next answer).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from scenescore.conditions.schema import MusicCondition
from scenescore.io import atomic_write_text

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("scenescore")) / "conditions"


class ConditionCache:
    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> tuple[MusicCondition, dict[str, Any]] | None:
        """The cached condition and its metadata, or ``None``."""
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            return MusicCondition.model_validate(entry["condition"]), dict(entry.get("meta", {}))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable cache entry %s (%s)", path, type(exc).__name__)
            return None

    def put(self, key: str, condition: MusicCondition, meta: dict[str, Any] | None = None) -> None:
        entry = {"key": key, "condition": condition.model_dump(mode="json"), "meta": meta or {}}
        atomic_write_text(self._path(key), json.dumps(entry, ensure_ascii=False, sort_keys=True))
