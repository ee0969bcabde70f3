"""Options of the spot stage, with their defaults in one place."""

from __future__ import annotations

from dataclasses import dataclass

from scenescore.errors import OptionsError


@dataclass(frozen=True, slots=True)
class SpotOptions:
    #: Screen minutes per reel (cue ids restart at ``<reel>M01`` in each reel).
    reel_minutes: float = 20.0
    #: Distance on the valence/arousal plane (contextual values, each in [-1, 1]) between a scene
    #: and the cue so far that starts a new cue.
    shift_threshold: float = 0.3
    #: A run of similar scenes longer than this many seconds is split at the next scene boundary.
    max_cue_s: float = 240.0
    #: Scenes (and cues) shorter than this join their neighbour in the same timeline.
    min_cue_s: float = 8.0
    #: Start a new cue at the turning points of the emotional arc.
    use_turning_points: bool = True
    #: Frames per second of the spotting-note timecodes (non-drop).
    fps: int = 24
    #: Timecode of the first frame of the film, in seconds: 3600, a 01:00:00:00 programme start,
    #: the convention the cue sheet, MIDI and WAV files share (``score`` sets it from
    #: ``ScoreOptions.programme_start``).
    timecode_start_s: float = 3600.0
    #: Share of a cue's words that are dialogue from which the music underscores dialogue.
    dialogue_share: float = 0.45
    #: Arousal rise (within a cue or from the previous cue) that reads as building tension, and
    #: the fall (or valence rise) that reads as a release.
    build_threshold: float = 0.15
    release_threshold: float = 0.15
    #: A cue shorter than this, between two others, in another timeline: a transition.
    transition_s: float = 12.0
    #: Characters who get a theme (most present first) and the scenes they need to appear in.
    theme_characters: int = 3
    theme_min_scenes: int = 2
    #: Share of the film's screen time that gets music (1.0: every scene). A music editor leaves
    #: scenes dry; feature films run music over roughly a third to two thirds of their length.
    #: Scenes are kept in order of need: the first and last scene, flashbacks, dreams, montages
    #: and intercuts, turning points, strong emotion, little dialogue.
    coverage: float = 0.65


def check_spot_options(options: SpotOptions) -> None:
    if options.reel_minutes <= 0:
        raise OptionsError(f"spot: reel_minutes must be > 0 (got {options.reel_minutes})")
    if options.fps <= 0 or int(options.fps) != options.fps:
        raise OptionsError(f"spot: fps must be a positive whole number (got {options.fps})")
    if options.shift_threshold <= 0:
        raise OptionsError(f"spot: shift_threshold must be > 0 (got {options.shift_threshold})")
    if not 0 < options.coverage <= 1:
        raise OptionsError(f"spot: coverage must be in (0, 1] (got {options.coverage})")
    if not 0 < options.max_cue_s <= 3600 or options.min_cue_s < 0:
        raise OptionsError("spot: max_cue_s must be in (0, 3600] and min_cue_s >= 0")
