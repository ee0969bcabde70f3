"""Records passed between stages. Columns here are the contract users and later stages rely on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class ElementType(StrEnum):
    """The type of one line of the normalized screenplay text."""

    SCENE_HEADING = "scene_heading"
    ACTION = "action"
    CHARACTER = "character"
    DIALOGUE = "dialogue"
    PARENTHETICAL = "parenthetical"
    TRANSITION = "transition"
    SHOT = "shot"
    METADATA = "metadata"
    OTHER = "other"
    BLANK = "blank"


class Timeline(StrEnum):
    PRESENT = "present"
    FLASHBACK = "flashback"
    FLASHFORWARD = "flashforward"
    DREAM = "dream"
    MONTAGE = "montage"
    INTERCUT = "intercut"


class SourceFormat(StrEnum):
    FOUNTAIN = "fountain"
    FDX = "fdx"
    HTML = "html"
    TEXT = "text"
    PDF = "pdf"


@dataclass(frozen=True, slots=True)
class Element:
    """One typed line: ``line`` is 1-based in the normalized text."""

    line: int
    type: ElementType
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "type": str(self.type), "text": self.text}


@dataclass(frozen=True, slots=True)
class Document:
    """What a reader returns: the normalized text, line for line, and what the format told us.

    ``hints`` holds a type per line when the format marks it (Fountain, Final Draft) or
    ``None`` when only the layout can tell; printed layouts (plain text, HTML, PDF) keep their
    indentation as leading spaces in ``lines``. ``bold`` marks lines
    an HTML page set in ``<b>``; ``numbers`` maps a line to the scene number a format keeps
    outside the text (Final Draft's ``Number`` attribute).
    """

    source: str
    format: SourceFormat
    lines: tuple[str, ...]
    hints: tuple[ElementType | None, ...] | None = None
    bold: tuple[bool, ...] | None = None
    numbers: dict[int, str] | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class DialogueLine:
    speaker: str
    parenthetical: str
    text: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Scene:
    """One row of the scene table."""

    scene_id: int
    number: str | None
    heading: str
    int_ext: str | None
    location: str | None
    time_of_day: str | None
    timeline: Timeline
    characters: tuple[str, ...]
    dialogue: tuple[DialogueLine, ...]
    action: str
    text: str
    word_count: int
    eighths: int
    est_seconds: float
    start_line: int
    end_line: int
    #: Where the scene sits in the film, in seconds from its first frame: the estimate laid end
    #: to end (``time_basis`` ``estimated``), or the picture's span when aligned to footage
    #: (``picture``). Every deliverable reads its times from here.
    start_s: float | None = None
    end_s: float | None = None
    time_basis: str = "estimated"

    @property
    def seconds(self) -> float:
        """The scene's screen time: the picture's span when aligned, else the estimate."""
        if self.time_basis == "picture" and self.start_s is not None and self.end_s is not None:
            return max(0.0, self.end_s - self.start_s)
        return self.est_seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "scene_id": self.scene_id,
            "number": self.number,
            "heading": self.heading,
            "int_ext": self.int_ext,
            "location": self.location,
            "time_of_day": self.time_of_day,
            "timeline": str(self.timeline),
            "characters": list(self.characters),
            "dialogue": [d.to_dict() for d in self.dialogue],
            "action": self.action,
            "text": self.text,
            "word_count": self.word_count,
            "eighths": self.eighths,
            "est_seconds": self.est_seconds,
            "start_line": self.start_line,
            "end_line": self.end_line,
            # Milliseconds in the table; the record keeps the exact sum the MIDI markers use.
            "start_s": None if self.start_s is None else round(self.start_s, 3),
            "end_s": None if self.end_s is None else round(self.end_s, 3),
            "time_basis": self.time_basis,
        }


@dataclass(frozen=True, slots=True)
class Screenplay:
    """A parsed screenplay: typed lines, scenes and what went less than perfectly."""

    source: str
    format: SourceFormat
    elements: tuple[Element, ...]
    scenes: tuple[Scene, ...]
    title: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
