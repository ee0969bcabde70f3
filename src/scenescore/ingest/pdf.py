"""PDF screenplays through pdfplumber; indentation is recovered from each line's x position.

Screenplays are set in a monospaced font, so a column is the x offset divided by the width of
one character. Blank lines are recovered from vertical gaps between text lines.
"""

from __future__ import annotations

import io
import logging
import statistics

from scenescore.errors import InputError
from scenescore.records import Document, SourceFormat

log = logging.getLogger(__name__)


def read_pdf(data: bytes, source: str) -> Document:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a core dependency
        raise InputError(source, "reading PDF needs pdfplumber: pip install pdfplumber") from None
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages: list[list[tuple[float, float, str]]] = []
    char_widths: list[float] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False,
                                           x_tolerance=1.5, y_tolerance=2)
                rows: dict[int, list[dict]] = {}
                for word in words:
                    key = round(float(word["top"]) / 2.0)
                    rows.setdefault(key, []).append(word)
                    text = word["text"]
                    if text:
                        char_widths.append((float(word["x1"]) - float(word["x0"])) / len(text))
                lines = []
                for key in sorted(rows):
                    row = sorted(rows[key], key=lambda w: float(w["x0"]))
                    lines.append((float(row[0]["top"]), float(row[0]["x0"]), row))
                pages.append(lines)
    except InputError:
        raise
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted files
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(source, f"unreadable PDF ({detail[:120]})") from None
    if not any(pages) or not char_widths:
        raise InputError(source, "PDF has no text layer (a scan?); run OCR on it first")

    char_w = statistics.median(char_widths) or 7.2
    left = min(x for page in pages for _top, x, _row in page)
    gaps = [b[0] - a[0] for page in pages for a, b in zip(page, page[1:], strict=False)
            if b[0] - a[0] > 1]
    line_h = _typical_gap(gaps) or 12.0

    out: list[str] = []
    indents: list[int] = []
    for page_index, page in enumerate(pages):
        if page_index:
            out.append("")
            indents.append(0)
        prev_top: float | None = None
        for top, _x, row in page:
            if prev_top is not None:
                blanks = round((top - prev_top) / line_h) - 1
                for _ in range(max(0, min(blanks, 4))):
                    out.append("")
                    indents.append(0)
            prev_top = top
            text = ""
            for word in row:
                col = max(0, round((float(word["x0"]) - left) / char_w))
                if len(text) < col:
                    text += " " * (col - len(text))
                elif text:
                    text += " "
                text += word["text"]
            out.append(text)
            indents.append(len(text) - len(text.lstrip(" ")))
    return Document(source=source, format=SourceFormat.PDF, lines=tuple(out), indents=tuple(indents))


def _typical_gap(gaps: list[float]) -> float | None:
    """The single-spaced line pitch: the most common small vertical step between lines."""
    if not gaps:
        return None
    smallest = min(gaps)
    near = [g for g in gaps if g <= smallest * 1.5]
    return statistics.median(near)
