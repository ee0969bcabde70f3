"""Translate: cues and their context become :class:`MusicCondition` records."""

from scenescore.conditions.schema import (
    SCHEMA_VERSION,
    Instrument,
    IntensityPoint,
    MusicCondition,
    ThemeUse,
    condition_json_schema,
)

__all__ = ["SCHEMA_VERSION", "Instrument", "IntensityPoint", "MusicCondition", "ThemeUse",
           "condition_json_schema"]
