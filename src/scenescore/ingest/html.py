"""IMSDB-style HTML pages: the script is the text of ``<td class="scrtext"><pre>``.

The normalized text is the ``<pre>`` block's content with tags removed and entities
unescaped, line for line. Site navigation before the block and the Writers/Genres footer
after it never reach the script. Regular expressions find the block instead of a full HTML
parse: IMSDB pages are often malformed (unclosed ``<pre>``, nested pages) and a parse costs
more than the rest of segmentation.
"""

from __future__ import annotations

import html as _html
import re

from scenescore.errors import InputError
from scenescore.ingest.decode import decode_text, split_lines
from scenescore.records import Document, SourceFormat

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_SCRTEXT = re.compile(r"""<td\b[^>]*\bclass\s*=\s*["']?scrtext\b[^>]*>""", re.I)
_PRE_OPEN = re.compile(r"<pre\b[^>]*>", re.I)
_PRE_CLOSE = re.compile(r"</pre\s*>", re.I)
_FOOTER = re.compile(r"""<table\b[^>]*\bclass\s*=\s*["']?script-details""", re.I)
_DROP_BLOCKS = re.compile(r"<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|"
                          r"<title\b.*?</title\s*>|<head\b.*?</head\s*>", re.I | re.S)
_BR = re.compile(r"<br\s*/?>", re.I)
_CELL_END = re.compile(r"</td\s*>", re.I)
_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
_BOLD_OPEN = re.compile(r"<b\b[^>]*>", re.I)
_MARKS = re.compile("(\ue000|\ue001)")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)


def declared_charset(data: bytes) -> str | None:
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def looks_like_html(head: str) -> bool:
    low = head[:4096].lower()
    return ("<html" in low or "<!doctype html" in low or "<body" in low
            or "<pre" in low or "<td" in low or "<head" in low)


def extract_script_html(page: str, source: str) -> str:
    """Return the raw HTML inside the script block(s) of an IMSDB-shaped page."""
    start = _SCRTEXT.search(page)
    region_start = start.end() if start else 0
    footer = _FOOTER.search(page, region_start) if start else None
    region_end = footer.start() if footer else len(page)
    region = page[region_start:region_end]
    parts: list[str] = []
    pos = 0
    while True:
        opened = _PRE_OPEN.search(region, pos)
        if not opened:
            break
        closed = _PRE_CLOSE.search(region, opened.end())
        end = closed.start() if closed else len(region)
        parts.append(region[opened.end():end])
        pos = closed.end() if closed else len(region)
    if parts:
        return "\n".join(parts)
    # Some pages put the script straight into the cell without a <pre>: up to the cell's end,
    # line breaks from <br>.
    if start:
        cell_end = _CELL_END.search(region)
        cell = _BR.sub("\n", region[:cell_end.start()] if cell_end else region)
        if _TAG.sub("", _DROP_BLOCKS.sub("", cell)).strip():
            return cell
    raise InputError(source, "HTML page without a screenplay (no <td class=\"scrtext\"> or <pre> block)")


def html_to_lines(fragment: str) -> tuple[list[str], list[bool]]:
    """Remove tags, unescape entities; also report which lines sat inside ``<b>``."""
    fragment = _DROP_BLOCKS.sub("", fragment)
    # Mark bold spans with private-use characters before the tags go.
    marked = _BOLD_OPEN.sub("\ue000", fragment)
    marked = re.sub(r"</b\s*>", "\ue001", marked, flags=re.I)
    marked = _TAG.sub("", marked)
    text = _html.unescape(marked)
    lines: list[str] = []
    bold: list[bool] = []
    inside = False
    for raw in split_lines(text):
        if "\ue000" not in raw and "\ue001" not in raw:
            lines.append(raw)
            bold.append(inside and bool(raw.strip()))
            continue
        was_bold = inside
        has_bold_text = False
        out = []
        for piece in _MARKS.split(raw):
            if piece == "\ue000":
                inside = True
            elif piece == "\ue001":
                inside = False
            elif piece:
                out.append(piece)
                if inside and piece.strip():
                    has_bold_text = True
        lines.append("".join(out))
        bold.append(has_bold_text or (was_bold and inside))
    return lines, bold


def read_html(data: bytes, source: str) -> Document:
    page, _encoding = decode_text(data, source, declared=declared_charset(data))
    if not looks_like_html(page):
        raise InputError(source, "not an HTML page")
    fragment = extract_script_html(page, source)
    lines, bold = html_to_lines(fragment)
    if not any(line.strip() for line in lines):
        raise InputError(source, "HTML page without a screenplay (the script block is empty)")
    title_match = _TITLE.search(page[:8192])
    title = None
    if title_match:
        title = _html.unescape(_TAG.sub("", title_match.group(1))).strip()
        title = re.sub(r"\s*(Script\s+at\s+IMSDb\.?|at\s+IMSDb\.?)\s*$", "", title, flags=re.I)
        title = re.sub(r"^The\s+(.+?)\s+Script$", r"\1", title) or None
    return Document(source=source, format=SourceFormat.HTML, lines=tuple(lines),
                    bold=tuple(bold), title=title)


def extract_imsdb_text(data: bytes, *, source: str = "<html>") -> str:
    """The script text of an IMSDB script page (normalized, ``\\n`` line ends).

    Raises :class:`~scenescore.errors.InputError` when the page holds no script.
    """
    doc = read_html(data, source)
    return "\n".join(doc.lines) + "\n"
