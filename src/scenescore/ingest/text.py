"""Plain-text screenplays, indented or flattened: decode, split, expand tabs."""

from __future__ import annotations

from scenescore.ingest.decode import decode_text, split_lines
from scenescore.records import Document, SourceFormat


def read_text(data: bytes, source: str, *, tab_size: int = 8) -> Document:
    text, _encoding = decode_text(data, source)
    lines = split_lines(text)
    if any("\t" in line for line in lines):
        lines = [line.expandtabs(tab_size) for line in lines]
    return Document(source=source, format=SourceFormat.TEXT, lines=tuple(lines))
