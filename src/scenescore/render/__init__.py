"""Render: music conditions become MIDI sketches, MusicXML and audio.

The public names load lazily (PEP 562), so ``import scenescore.render.options`` (what the CLI
needs for its defaults) pulls in neither numpy, mido nor torch.

Entry points: :func:`render_film` (a film's cues to files), :func:`sketch_cue` (one cue's
notes), :func:`write_sketch` (one cue to a file), :func:`condition_from_va` (a plausible
condition from valence/arousal).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "render_film": "film", "sketch_film": "film", "write_sketch": "film", "RenderedCue": "film",
    "RenderedFilm": "film", "audio_file_name": "film",
    "sketch_cue": "sketch", "Sketch": "sketch", "Part": "sketch", "Note": "sketch", "Marker": "sketch",
    "ThemeBook": "themes", "Motif": "themes", "ThemePhrase": "themes", "make_motif": "themes",
    "condition_from_va": "mapping", "musical_parameters": "mapping", "MusicalParameters": "mapping",
    "sketch_to_midi": "midi", "film_to_midi": "midi", "timecode": "midi",
    "sketch_to_musicxml": "musicxml", "write_musicxml": "musicxml",
    "sketch_metrics": "metrics", "read_midi": "metrics",
    "AUDIO_BACKENDS": "backends", "AudioBackend": "backends", "AudioJob": "backends",
    "get_audio_backend": "backends",
    "RenderOptions": "options", "SketchOptions": "options", "MidiOptions": "options", "AudioOptions": "options",
    "FluidSynthOptions": "options", "MusicGenOptions": "options",
}
__all__ = ["AUDIO_BACKENDS", "AudioBackend", "AudioJob", "AudioOptions", "FluidSynthOptions",
           "Marker", "MidiOptions", "Motif", "MusicGenOptions", "MusicalParameters", "Note",
           "Part", "RenderOptions", "RenderedCue", "RenderedFilm", "Sketch", "SketchOptions",
           "ThemeBook", "ThemePhrase", "audio_file_name", "condition_from_va", "film_to_midi",
           "get_audio_backend", "make_motif", "musical_parameters", "read_midi", "render_film",
           "sketch_cue", "sketch_film", "sketch_metrics", "sketch_to_midi", "sketch_to_musicxml",
           "timecode", "write_musicxml", "write_sketch"]

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.render.backends import AUDIO_BACKENDS, AudioBackend, AudioJob, get_audio_backend
    from scenescore.render.film import (
        RenderedCue,
        RenderedFilm,
        audio_file_name,
        render_film,
        sketch_film,
        write_sketch,
    )
    from scenescore.render.mapping import MusicalParameters, condition_from_va, musical_parameters
    from scenescore.render.metrics import read_midi, sketch_metrics
    from scenescore.render.midi import film_to_midi, sketch_to_midi, timecode
    from scenescore.render.musicxml import sketch_to_musicxml, write_musicxml
    from scenescore.render.options import (
        AudioOptions,
        FluidSynthOptions,
        MidiOptions,
        MusicGenOptions,
        RenderOptions,
        SketchOptions,
    )
    from scenescore.render.sketch import Marker, Note, Part, Sketch, sketch_cue
    from scenescore.render.themes import Motif, ThemeBook, ThemePhrase, make_motif


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scenescore.render' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"scenescore.render.{module}"), name)
    globals()[name] = value
    return value
