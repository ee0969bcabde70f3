"""Ingest: any screenplay file a user has becomes a :class:`~scenescore.records.Document`.

The format is detected from the content first (PDF magic, Final Draft XML, HTML, Fountain
syntax) and the file extension only breaks ties between Fountain and plain text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from scenescore.errors import InputError
from scenescore.ingest.decode import looks_binary
from scenescore.options import IngestOptions
from scenescore.records import Document, SourceFormat

__all__ = ["detect_format", "read_screenplay", "read_screenplay_bytes", "READERS"]

_FOUNTAIN_SUFFIXES = {".fountain", ".spmd", ".ftn"}
_FOUNTAIN_TITLE_KEY = re.compile(
    r"^(title|credit|author|authors|source|draft date|date|contact|copyright|notes|revision)\s*:",
    re.I | re.M)
_FOUNTAIN_SYNTAX = re.compile(
    r"^(\.[A-Za-z0-9]|@\S|>[^<\n]*$|#{1,6} |={1,2} |===+\s*$|~)|\[\[|/\*|\*\*", re.M)


def _read_fountain(data: bytes, source: str, options: IngestOptions) -> Document:
    from scenescore.ingest.fountain import read_fountain

    return read_fountain(data, source)


def _read_fdx(data: bytes, source: str, options: IngestOptions) -> Document:
    from scenescore.ingest.fdx import read_fdx

    return read_fdx(data, source)


def _read_html(data: bytes, source: str, options: IngestOptions) -> Document:
    from scenescore.ingest.html import read_html

    return read_html(data, source)


def _read_text(data: bytes, source: str, options: IngestOptions) -> Document:
    from scenescore.ingest.text import read_text

    return read_text(data, source, tab_size=options.tab_size)


def _read_pdf(data: bytes, source: str, options: IngestOptions) -> Document:
    from scenescore.ingest.pdf import read_pdf

    return read_pdf(data, source)


#: Reader per format name; an unknown name fails with this list.
READERS: dict[str, Callable[[bytes, str, IngestOptions], Document]] = {
    SourceFormat.FOUNTAIN: _read_fountain,
    SourceFormat.FDX: _read_fdx,
    SourceFormat.HTML: _read_html,
    SourceFormat.TEXT: _read_text,
    SourceFormat.PDF: _read_pdf,
}


def detect_format(data: bytes, source: str = "<bytes>") -> SourceFormat:
    """Tell the format from the bytes; the extension of ``source`` breaks Fountain/text ties."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"%PDF-") or data[:1024].find(b"%PDF-") != -1:
        return SourceFormat.PDF
    head = stripped[:4096]
    low = head.lower()
    if low.startswith(b"\xff\xfe") or low.startswith(b"\xfe\xff"):
        low = head.decode("utf-16", "ignore").encode("utf-8", "ignore").lower()
    if b"<finaldraft" in low:
        return SourceFormat.FDX
    if low.startswith(b"<?xml") and b"<html" not in low:
        return SourceFormat.FDX  # let the FDX reader say what is wrong with it
    if (b"<html" in low or b"<!doctype html" in low or b"<body" in low or b"<pre" in low
            or b"class=\"scrtext\"" in low or b"<td" in low):
        return SourceFormat.HTML
    if looks_binary(data):
        return SourceFormat.TEXT  # the text reader refuses binary data with a clear message
    suffix = Path(source).suffix.lower()
    if suffix in _FOUNTAIN_SUFFIXES:
        return SourceFormat.FOUNTAIN
    if suffix == ".fdx":
        return SourceFormat.FDX
    sample = data[:65536].decode("utf-8", "ignore")
    if _looks_like_fountain(sample):
        return SourceFormat.FOUNTAIN
    return SourceFormat.TEXT


def _looks_like_fountain(sample: str) -> bool:
    """Fountain is flush left and uses its own marks; a printed script is indented."""
    lines = [ln for ln in sample.splitlines() if ln.strip()]
    if not lines:
        return False
    indented = sum(1 for ln in lines if ln.startswith(("    ", "\t")))
    if indented / len(lines) > 0.2:
        return False
    first = "\n".join(lines[:12])
    if _FOUNTAIN_TITLE_KEY.search(first) and re.match(r"^\s*title\s*:", lines[0], re.I):
        return True
    marks = len(_FOUNTAIN_SYNTAX.findall(sample))
    return marks >= 3


def read_screenplay_bytes(data: bytes, source: str, options: IngestOptions | None = None) -> Document:
    """Read a screenplay from bytes already in memory (``source`` names it in errors)."""
    options = options or IngestOptions()
    if len(data) > options.max_bytes:
        raise InputError(source, f"input is {len(data):,} bytes, over the {options.max_bytes:,}-byte limit")
    if not data.strip():
        raise InputError(source, "empty file")
    if options.format:
        name = options.format.lower()
        if name in ("txt", "plain"):
            name = "text"
        if name not in READERS:
            raise InputError(source, f"unknown format {options.format!r}; known: {', '.join(READERS)}")
        fmt = SourceFormat(name)
    else:
        fmt = detect_format(data, source)
    doc = READERS[fmt](data, source, options)
    if not any(line.strip() for line in doc.lines):
        raise InputError(source, "no screenplay text in the file")
    chars = sum(len(line) + 1 for line in doc.lines)
    if chars > options.max_text_chars:
        raise InputError(source, f"the screenplay's text is {chars:,} characters, over the "
                         f"{options.max_text_chars:,}-character limit (a feature is about 200,000; "
                         "[ingest] max_text_chars in a --config profile raises it)")
    return doc


def read_screenplay(path: str | os.PathLike[str], options: IngestOptions | None = None) -> Document:
    """Read a screenplay file of any supported format into a :class:`Document`."""
    from scenescore.io import read_input_bytes

    options = options or IngestOptions()
    data = read_input_bytes(path, max_bytes=options.max_bytes)
    return read_screenplay_bytes(data, str(path), options)
