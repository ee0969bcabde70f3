"""PDF screenplays; indentation is recovered from each line's x position.

Screenplays are set in a monospaced font, so a column is the x offset divided by the width of
one character. Blank lines are recovered from vertical gaps between text lines.

Two text extractors: PDFium (``pypdfium2``, installed with pdfplumber) is about 30 times
faster and is tried first; pdfplumber (pdfminer) is the fallback for files PDFium reads no
text from.
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
        rows = _rows_pdfium(data)
    except InputError:
        raise
    except Exception as exc:  # PDFium refuses damaged files with its own error types
        log.debug("%s: PDFium could not read the file (%s); trying pdfminer", source, exc)
        rows = None
    if rows:
        return _document(source, rows)
    return _read_pdf_pdfminer(data, source)


#: One text line of a page: (top in points from the page top, [(x0, word), ...]).
_Row = tuple[float, list[tuple[float, str]]]


def _rows_pdfium(data: bytes) -> tuple[list[list[_Row]], float] | None:
    """Each page's text lines with the left edge of every word, and the median advance of a
    character (read from the first word of two or more letters on each line: a sample, not all,
    since each box is a call into PDFium)."""
    from ctypes import byref, c_double

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    left, right, bottom, top_ = c_double(), c_double(), c_double(), c_double()
    refs = (byref(left), byref(right), byref(bottom), byref(top_))
    charbox = pdfium_c.FPDFText_GetCharBox
    pdf = pdfium.PdfDocument(data)
    pages: list[list[_Row]] = []
    advances: list[float] = []
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            height = page.get_height()
            textpage = page.get_textpage()
            handle = textpage.raw
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count else ""
            rows: list[_Row] = []
            pos = 0
            for line in text.split("\r\n") if len(text) == count else []:
                words: list[tuple[float, str]] = []
                top = None
                sampled = False
                k = 0
                for word in line.split(" "):
                    if word:
                        charbox(handle, pos + k, *refs)
                        x0 = left.value
                        if top is None:
                            top = height - top_.value
                        words.append((x0, word))
                        if not sampled and len(word) > 1:
                            sampled = True
                            charbox(handle, pos + k + 1, *refs)
                            if left.value > x0:
                                advances.append(left.value - x0)
                    k += len(word) + 1
                pos += len(line) + 2
                if words and top is not None:
                    rows.append((top, words))
            rows.sort(key=lambda r: r[0])
            pages.append(rows)
            textpage.close()
            page.close()
    finally:
        pdf.close()
    if not any(pages) or not advances:
        return None
    return pages, statistics.median(advances)


def _document(source: str, extracted: tuple[list[list[_Row]], float]) -> Document:
    pages, char_w = extracted
    left = min(words[0][0] for page in pages for _top, words in page)
    gaps = [b[0] - a[0] for page in pages for a, b in zip(page, page[1:], strict=False) if b[0] - a[0] > 1]
    line_h = _typical_gap(gaps) or 12.0
    out: list[str] = []
    for page_index, page in enumerate(pages):
        if page_index:
            out.append("")
        prev_top: float | None = None
        for top, words in page:
            if prev_top is not None:
                blanks = round((top - prev_top) / line_h) - 1
                for _ in range(max(0, min(blanks, 4))):
                    out.append("")
            prev_top = top
            text = ""
            for x0, word in words:
                col = max(0, round((x0 - left) / char_w))
                if len(text) < col:
                    text += " " * (col - len(text))
                elif text:
                    text += " "
                text += word
            out.append(text)
    return Document(source=source, format=SourceFormat.PDF, lines=tuple(out))


def _read_pdf_pdfminer(data: bytes, source: str) -> Document:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a core dependency
        raise InputError(source, "reading PDF needs pdfplumber: pip install pdfplumber") from None
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    pages: list[list[_Row]] = []
    char_widths: list[float] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                words = page.extract_words(keep_blank_chars=False, use_text_flow=False,
                                           x_tolerance=1.5, y_tolerance=2)
                rows: dict[int, list[dict]] = {}
                for word in words:
                    rows.setdefault(round(float(word["top"]) / 2.0), []).append(word)
                    if word["text"]:
                        char_widths.append((float(word["x1"]) - float(word["x0"])) / len(word["text"]))
                lines: list[_Row] = []
                for key in sorted(rows):
                    row = sorted(rows[key], key=lambda w: float(w["x0"]))
                    lines.append((float(row[0]["top"]), [(float(w["x0"]), w["text"]) for w in row]))
                pages.append(lines)
    except Exception as exc:  # pdfminer raises many types on damaged or encrypted files
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(source, f"unreadable PDF ({detail[:120]})") from None
    if not any(pages) or not char_widths:
        raise InputError(source, "PDF has no text layer (a scan?); run OCR on it first")
    return _document(source, (pages, statistics.median(char_widths) or 7.2))


def _typical_gap(gaps: list[float]) -> float | None:
    """The single-spaced line pitch: the most common small vertical step between lines."""
    if not gaps:
        return None
    smallest = min(gaps)
    near = [g for g in gaps if g <= smallest * 1.5]
    return statistics.median(near)
