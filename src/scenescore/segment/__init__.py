"""Segment: typed lines and the scene table from a :class:`~scenescore.records.Document`."""

from __future__ import annotations

import logging
import os

from scenescore.options import IngestOptions, SegmentOptions
from scenescore.records import Document, Element, Screenplay
from scenescore.segment.scenes import build_scenes, calibrate_seconds, parse_heading
from scenescore.segment.timing import place_scenes_in_time
from scenescore.segment.typers import type_document

__all__ = ["build_scenes", "calibrate_seconds", "parse_heading", "parse_screenplay",
           "place_scenes_in_time", "segment_document", "segment_screenplay", "type_lines"]

log = logging.getLogger(__name__)


def type_lines(document: Document) -> list[Element]:
    """Every line of the document's normalized text with its type."""
    return type_document(document)


def parse_screenplay(path: str | os.PathLike[str], *, ingest: IngestOptions | None = None) -> list[Element]:
    """Read a screenplay file and type every line."""
    from scenescore.ingest import read_screenplay

    return type_document(read_screenplay(path, ingest))


def segment_document(document: Document, options: SegmentOptions | None = None) -> Screenplay:
    elements = type_document(document, (options or SegmentOptions()).line_typer)
    scenes, warnings = build_scenes(elements, options, numbers=document.numbers)
    scenes = place_scenes_in_time(scenes)
    for warning in warnings:
        log.warning("%s: %s", document.source, warning)
    return Screenplay(source=document.source, format=document.format, elements=tuple(elements),
                      scenes=tuple(scenes), title=document.title, warnings=tuple(warnings))


def segment_screenplay(path: str | os.PathLike[str], *, ingest: IngestOptions | None = None,
                       options: SegmentOptions | None = None) -> Screenplay:
    """Read, type and segment a screenplay file."""
    from scenescore.ingest import read_screenplay

    return segment_document(read_screenplay(path, ingest), options)
