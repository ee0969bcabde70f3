"""scenescore: draft film music from a screenplay.

The public functions are re-exported lazily so that ``import scenescore`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "read_screenplay": "scenescore.ingest",
    "parse_screenplay": "scenescore.segment",
    "segment_screenplay": "scenescore.segment",
    "type_lines": "scenescore.segment",
    "build_scenes": "scenescore.segment",
    "IngestOptions": "scenescore.options",
    "SegmentOptions": "scenescore.options",
    "ScenescoreError": "scenescore.errors",
    "InputError": "scenescore.errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.errors import InputError, ScenescoreError
    from scenescore.ingest import read_screenplay
    from scenescore.options import IngestOptions, SegmentOptions
    from scenescore.segment import build_scenes, parse_screenplay, segment_screenplay, type_lines


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'scenescore' has no attribute {name!r}")


__all__ = [  # noqa: F822 - resolved lazily by __getattr__
    "IngestOptions", "InputError", "ScenescoreError", "SegmentOptions", "__version__", "build_scenes",
    "parse_screenplay", "read_screenplay", "segment_screenplay", "type_lines",
]
