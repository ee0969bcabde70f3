"""A cue's dramatic function: what the music does (first rule that applies, docs/conditions.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scenescore.spotting.options import SpotOptions
from scenescore.spotting.records import Cue, CueFunction

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.memory.affect import SceneAffect
    from scenescore.spotting.grouping import CueRun


def dramatic_function(run: CueRun, prev: CueRun | None, nxt: CueRun | None, prev_cue: Cue | None, v: float,
              a: float, first: SceneAffect, last: SceneAffect, share: float,
              new_themes: Sequence[str], seconds: float, opts: SpotOptions) -> CueFunction:
    """The dramatic function, first rule that applies (see docs/conditions.md)."""
    if (prev is not None and nxt is not None and seconds < opts.transition_s
            and (run.timeline != prev.timeline or run.timeline != nxt.timeline)):
        return CueFunction.TRANSITION
    if prev is None or (new_themes and share < opts.dialogue_share):
        return CueFunction.THEME_STATEMENT
    rise_within = last.arousal - first.arousal
    rise_from_prev = a - prev_cue.arousal if prev_cue is not None else 0.0
    if v < 0.1 and (rise_within >= opts.build_threshold or rise_from_prev >= opts.build_threshold):
        return CueFunction.BUILD_TENSION
    if prev_cue is not None:
        fall = prev_cue.arousal - a
        rise_v = v - prev_cue.valence
        # Tension lets go: arousal falls without the mood darkening, or a dark mood lifts while
        # arousal does not climb.
        if (fall >= opts.release_threshold and rise_v > -opts.release_threshold / 2) or (
                prev_cue.valence < 0 and rise_v >= opts.release_threshold and fall > -0.05):
            return CueFunction.RELEASE
    if share >= opts.dialogue_share:
        return CueFunction.UNDERSCORE_DIALOGUE
    if run.timeline == "montage":
        return CueFunction.BUILD_TENSION if a > 0.2 else CueFunction.ATMOSPHERE
    return CueFunction.ATMOSPHERE
