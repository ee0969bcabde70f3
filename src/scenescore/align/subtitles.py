"""SRT and WebVTT subtitles -> transcript lines (times in seconds, markup stripped)."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from scenescore.align.records import TranscriptLine
from scenescore.errors import InputError
from scenescore.io import read_input_bytes

#: Subtitle files over this size are refused (a feature's SRT is ~100 kB).
MAX_SUBTITLE_BYTES = 20 * 1024 * 1024

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_CUE_TIMES = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")


def _seconds(h: str | None, m: str, s: str, frac: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(frac.ljust(3, "0")) / 1000.0


def parse_subtitles(text: str, *, source: str = "<subtitles>") -> list[TranscriptLine]:
    """Cues of an SRT or WebVTT text, in time order; empty cues and VTT NOTE/STYLE are skipped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    cues: list[tuple[float, float, str]] = []
    i = 0
    while i < len(lines):
        m = _CUE_TIMES.match(lines[i])
        if m is None:
            i += 1
            continue
        g = m.groups()
        start, end = _seconds(*g[:4]), _seconds(*g[4:])
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i].strip())
            i += 1
        words = html.unescape(_TAG.sub("", " ".join(body))).replace("\\N", " ")
        words = re.sub(r"\s+", " ", words).strip()
        if words and end >= start:
            cues.append((start, end, words))
    if not cues and text.strip():
        raise InputError(source, "no subtitle cues found (expected SRT or WebVTT)")
    cues.sort(key=lambda c: (c[0], c[1]))
    return [TranscriptLine(index=n, start_s=s, end_s=e, text=t) for n, (s, e, t) in enumerate(cues)]


def read_subtitles(path: str | os.PathLike[str]) -> list[TranscriptLine]:
    """Read a ``.srt`` or ``.vtt`` file (UTF-8, or Latin-1 when that fails)."""
    p = Path(path)
    data = read_input_bytes(p, max_bytes=MAX_SUBTITLE_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_subtitles(text, source=str(p))


def format_srt(lines: list[TranscriptLine]) -> str:
    """Transcript lines as SRT (used to save a Whisper transcript beside the run)."""

    def stamp(t: float) -> str:
        ms = max(0, round(t * 1000))
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    return "".join(f"{n}\n{stamp(x.start_s)} --> {stamp(x.end_s)}\n{x.text}\n\n"
                   for n, x in enumerate(lines, 1))
