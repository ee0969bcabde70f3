"""Bytes to text: BOMs, UTF-8, Windows-1252 and Latin-1, and refusal of binary data."""

from __future__ import annotations

import codecs
import re

from scenescore.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Bytes Windows-1252 leaves undefined; text that has them is Latin-1 (or not text).
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
# Control characters that do not belong in a screenplay (tab, LF, CR, FF are fine).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_C1 = re.compile(r"[\x80-\x9f]")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 KiB mean this is not text."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head) > 0.02


def decode_text(data: bytes, source: str, *, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Order: a byte-order mark; UTF-8; the encoding an HTML page declares; Windows-1252
    (what "iso-8859-1" pages and old Windows scripts really are); Latin-1.
    Text still full of control characters is refused as binary or an unknown encoding.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check(data[len(bom):].decode(encoding), source), encoding
            except UnicodeDecodeError:
                raise InputError(source, f"invalid {encoding} text after its byte-order mark") from None
    if looks_binary(data):
        raise InputError(source, "binary file, not a screenplay (or an unknown text encoding)")
    try:
        return _check(data.decode("utf-8"), source), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    if declared:
        try:
            name = codecs.lookup(declared).name
        except LookupError:
            name = None
        if name and name not in ("utf-8", "latin-1", "iso8859-1", "cp1252", "ascii"):
            candidates.append(name)
    if not _CP1252_UNDEFINED.search(data):
        candidates.append("cp1252")
    candidates.append("latin-1")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _check(text, source), encoding
    raise InputError(source, "unknown text encoding")  # pragma: no cover - latin-1 always decodes


def _check(text: str, source: str) -> str:
    sample = text[:20000]
    if sample:
        bad = len(_CONTROL.findall(sample)) + len(_C1.findall(sample))
        if bad / len(sample) > 0.01:
            raise InputError(source, "binary file, not a screenplay (or an unknown text encoding)")
    return text


def split_lines(text: str) -> list[str]:
    """Split normalized text into lines: CRLF and lone CR end lines; form feeds are dropped.

    A trailing newline does not make an extra empty line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        text = text.replace("\f", "")
    if "\x00" in text:
        text = text.replace("\x00", "")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
