"""Where a cue comes in and goes out, in words: the first and last moment of its scenes, mined
from the action and dialogue (transitions and timeline markers are not moments)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.records import Scene


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def _clip(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_MARKER_WORDS = re.compile(r"\b(?:FLASHBACK|FLASH FORWARD|FLASHFORWARD|DREAM|MONTAGE|INTERCUT|"
                           r"PRESENT|SEQUENCE|THE END|FADE|CUT|DISSOLVE|SMASH|MATCH|SERIES OF SHOTS|"
                           r"BACK TO SCENE|CONTINUOUS|END)\b")


def _is_marker(line: str) -> bool:
    """Transitions and timeline markers (``CUT TO:``, ``BEGIN FLASHBACK:``, ``> THE END <``)."""
    text = line.strip().strip("<>").strip()
    if not text:
        return True
    if text.upper() != text:
        return False
    return text.endswith(":") or _MARKER_WORDS.search(text) is not None


def first_moment(scene: Scene) -> str:
    lines = [ln.strip() for ln in scene.action.splitlines() if ln.strip()]
    lines = [ln.lstrip("-— ") for ln in lines
             if not _is_marker(ln) and not ln.upper().startswith("SUPER")]
    if lines:
        return _clip(_sentences(lines[0])[0] if _sentences(lines[0]) else lines[0])
    if scene.dialogue:
        d = scene.dialogue[0]
        return _clip(f"{d.speaker}: \u201c{d.text}\u201d")
    return _clip(scene.heading)


def last_moment(scene: Scene) -> str:
    body = [ln.strip() for ln in scene.text.splitlines()[1:] if ln.strip()]
    body = [ln.lstrip("-— ") for ln in body if not _is_marker(ln)]
    if not body:
        return _clip(scene.heading)
    last = body[-1]
    speaker = next((d.speaker for d in reversed(scene.dialogue) if d.text.strip().endswith(last)
                    or last in d.text), None)
    sentences = _sentences(last)
    tail = sentences[-1] if sentences else last
    if speaker:
        return _clip(f"{speaker}: \u201c{tail}\u201d")
    return _clip(tail)
