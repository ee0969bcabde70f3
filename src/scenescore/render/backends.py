"""Audio backends behind one small protocol and a name -> backend table."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from scenescore.conditions.schema import MusicCondition
from scenescore.errors import OptionsError
from scenescore.render.options import AudioOptions
from scenescore.render.sketch import Sketch

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(frozen=True, slots=True)
class AudioJob:
    """One cue to make audible: what it should sound like and the sketch of it."""

    condition: MusicCondition
    sketch: Sketch
    #: What went wrong making it, if anything (``padded 3.2 s of silence``): the backend appends,
    #: the render stage reports the run degraded.
    problems: list[str] = field(default_factory=list)


class AudioBackend(Protocol):
    """Turns cues into stereo float32 audio at ``options.sample_rate``.

    Yields (job index, samples) in any order; samples cover at least the cue and may ring on
    past its end (the temp track crossfades over that ring-out). With ``post``, yields
    (job index, post(job index, samples)) instead; a backend may run ``post`` in its workers.
    """

    name: str

    def render(self, jobs: Sequence[AudioJob], *, options: AudioOptions, seed: int = 0,
               progress: Callable[[int, int], None] | None = None,
               post: Callable[[int, np.ndarray], Any] | None = None) -> Iterator[tuple[int, Any]]: ...


class FluidSynthBackend:
    name = "fluidsynth"

    def render(self, jobs: Sequence[AudioJob], *, options: AudioOptions, seed: int = 0,
               progress: Callable[[int, int], None] | None = None,
               post: Callable[[int, np.ndarray], Any] | None = None) -> Iterator[tuple[int, Any]]:
        from scenescore.render.fluidsynth import render_fluidsynth

        return render_fluidsynth(jobs, options=options, progress=progress, post=post)


class MusicGenBackend:
    name = "musicgen"

    def render(self, jobs: Sequence[AudioJob], *, options: AudioOptions, seed: int = 0,
               progress: Callable[[int, int], None] | None = None,
               post: Callable[[int, np.ndarray], Any] | None = None) -> Iterator[tuple[int, Any]]:
        from scenescore.render.musicgen import render_musicgen

        results = render_musicgen(jobs, options=options, seed=seed, progress=progress)
        return results if post is None else ((k, post(k, audio)) for k, audio in results)


AUDIO_BACKENDS: dict[str, type[AudioBackend]] = {"fluidsynth": FluidSynthBackend, "musicgen": MusicGenBackend}


def get_audio_backend(name: str) -> AudioBackend:
    """The backend called ``name``; an unknown name fails with the list of known ones."""
    try:
        return AUDIO_BACKENDS[name]()
    except KeyError:
        raise OptionsError(f"unknown audio backend {name!r}; one of {', '.join(AUDIO_BACKENDS)}, none") from None
