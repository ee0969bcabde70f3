"""The edits file of a spotting session (``spotting.toml``): its schema, reading and validation.

A spotting session is where people decide: the machine proposes cues, the director and music
editor move, merge, split, drop, add and lock them, change what they should sound like, force a
scene dry or scored, and pin a character's theme. Those decisions live in one TOML file beside
the screenplay (or in the run folder) so every later ``score`` honours them::

    version = 1

    [[cue]]
    id = "1M03"                            # a cue by id ...
    out = "INT. MARSH HOUSE - KITCHEN - NIGHT (FLASHBACK)"   # ... out at the end of that scene
    music = { tempo = 72, key = "D minor", style = "solo cello" }

    [[cue]]
    scenes = ["INT. BOATHOUSE - NIGHT"]    # ... or by a scene it covers
    lock = true

    [[add]]
    scenes = ["EXT. MARSH HOUSE - YARD - LATER"]

    [[scene]]
    scene = "INT. MARSH HOUSE - BEDROOM - NIGHT"
    music = "dry"

    [[theme]]
    character = "ELLA"
    notes = "E4 G4 A4 C5"                  # or degrees = [1, 3, 4, 8]

Scenes are referred to by heading (and an ordinal ``[2]`` when a heading repeats) or by their
printed number (``#12``), never by row number, so an edit survives a revised script. Everything
that can be checked without the film (field types, tempo range, key names, a point given twice)
is checked here; what needs the cue list (unknown cue, overlapping cues) is checked when the
edits are applied (:mod:`scenescore.session.apply`). Every error names the file and the edit.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scenescore.conditions.schema import KEYS
from scenescore.errors import InputError

#: The file a session reads, beside the screenplay or in the run folder.
EDITS_FILE = "spotting.toml"
#: Bumped when the meaning of a field changes.
EDITS_VERSION = 1

Ending = Literal["fade", "tail out", "hard out", "button", "segue"]
CueFunctionName = Literal["underscore dialogue", "build tension", "release", "transition",
                          "theme statement", "atmosphere"]
MODES: tuple[str, ...] = ("major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "aeolian",
                          "locrian", "harmonic minor")
_TIME = re.compile(r"^\s*(-?)(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d+)?)\s*$")
_NOTE = re.compile(r"^([A-Ga-g])([#b♯♭]?)(-?\d)?$")


class EditError(InputError):
    """An edit that cannot be applied: names the file, the edit and the problem."""

    def __init__(self, source: str | Path, edit: str, problem: str) -> None:
        self.edit = edit
        super().__init__(source, f"{edit}: {problem}")


def parse_time(value: float | int | str) -> float:
    """Seconds from a number or ``M:SS(.s)`` / ``H:MM:SS(.s)``; negative times are refused."""
    if isinstance(value, bool):
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        m = _TIME.match(value)
        if not m:
            raise ValueError(f"not a time: {value!r} (seconds, or M:SS, or H:MM:SS)")
        hours, minutes, secs = int(m.group(2) or 0), int(m.group(3)), float(m.group(4))
        if secs >= 60 or (m.group(2) and minutes >= 60):
            raise ValueError(f"not a time: {value!r}")
        seconds = (hours * 3600 + minutes * 60 + secs) * (-1 if m.group(1) else 1)
    if not seconds >= 0 or seconds > 24 * 3600:
        raise ValueError(f"time {value!r} is outside the film (0 to 24 h)")
    return seconds


def _is_time(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) or (
        isinstance(value, str) and _TIME.match(value) is not None)


class Point(BaseModel):
    """Where a cue comes in or goes out: a scene (its start for an in, its end for an out), a
    line of the script (a few words of it, inside ``scene`` or unique in the film) or a time."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scene: str | None = None
    line: str | None = Field(default=None, min_length=3)
    time: float | None = None

    @field_validator("time", mode="before")
    @classmethod
    def _time(cls, value: Any) -> float | None:
        return None if value is None else parse_time(value)

    @model_validator(mode="after")
    def _one(self) -> Point:
        if self.time is not None and (self.scene is not None or self.line is not None):
            raise ValueError("give a time, or a scene and/or a line, not both")
        if self.time is None and self.scene is None and self.line is None:
            raise ValueError("give a scene, a line or a time")
        return self

    @classmethod
    def coerce(cls, value: Any) -> Any:
        """``"INT. BOATHOUSE - NIGHT"`` → a scene, ``95.5`` or ``"1:35.5"`` → a time."""
        if _is_time(value):
            return {"time": value}
        if isinstance(value, str):
            return {"scene": value}
        return value

    def describe(self) -> str:
        if self.time is not None:
            return f"{int(self.time // 60)}:{self.time % 60:04.1f}"
        where = f"“{self.line}”" if self.line else ""
        return " in ".join(p for p in (where, self.scene or "") if p)


class Music(BaseModel):
    """Overrides of a cue's music condition (unset fields keep what translate chose)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Style words: become the genre and lead the text prompt (``"solo cello, sparse"``).
    style: str | None = Field(default=None, min_length=1, max_length=80)
    prompt: str | None = Field(default=None, min_length=1, max_length=600)
    #: ``"D"``, ``"D minor"``, ``"F# dorian"`` (a mode alone: ``mode``).
    key: str | None = None
    mode: str | None = None
    tempo: float | None = None
    meter: str | None = Field(default=None, pattern=r"^(2|3|4|5|6|7|9|12)/(2|4|8)$")
    #: General MIDI names (``"cello"``) or program numbers (0-127); the first is the melody.
    instrumentation: list[str | int] | None = Field(default=None, min_length=1, max_length=16)
    #: Characters whose theme the cue plays (``[]``: none).
    themes: list[str] | None = Field(default=None, max_length=3)
    theme_transformation: Literal["statement", "restatement", "mode_change", "transposition",
                                  "augmentation", "diminution", "fragmentation", "reharmonisation",
                                  "inversion", "recall"] | None = None
    #: One level (0-1, the curve keeps its shape around it) or points ``[[at, level], ...]``.
    intensity: float | list[tuple[float, float]] | None = None
    dynamics: Literal["ppp", "pp", "p", "mp", "mf", "f", "ff", "fff"] | None = None
    articulation: Literal["legato", "staccato", "marcato", "tenuto", "pizzicato", "mixed"] | None = None
    #: How the cue ends: ``fade`` out, ``tail out`` (ring on), ``hard out`` (full to the cut),
    #: ``button`` (a last accent), ``segue`` (hand over at half strength).
    ending: Ending | None = None
    avoid: list[str] | None = Field(default=None, max_length=12)

    @field_validator("tempo")
    @classmethod
    def _tempo(cls, value: float | None) -> float | None:
        if value is not None and not 30 <= value <= 240:
            raise ValueError(f"tempo {value:g} bpm: must be between 30 and 240")
        return value

    @field_validator("key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        if value is None:
            return None
        tonic, mode = split_key(value)
        return f"{tonic} {mode}" if mode else tonic

    @field_validator("mode")
    @classmethod
    def _mode(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() not in MODES:
            raise ValueError(f"unknown mode {value!r}; one of {', '.join(MODES)}")
        return None if value is None else value.strip().lower()

    @field_validator("instrumentation")
    @classmethod
    def _instruments(cls, value: list[str | int] | None) -> list[str | int] | None:
        from scenescore.conditions.palette import GM_PROGRAMS

        for item in value or ():
            if isinstance(item, int) and not 0 <= item <= 127:
                raise ValueError(f"General MIDI program {item} is outside 0-127")
            if isinstance(item, str) and item.strip().lower() not in GM_PROGRAMS:
                raise ValueError(f"unknown instrument {item!r}; known: {', '.join(sorted(GM_PROGRAMS))}")
        return value

    @field_validator("intensity")
    @classmethod
    def _intensity(cls, value: Any) -> Any:
        if value is None:
            return None
        points = [(0.0, value)] if isinstance(value, int | float) else value
        for at, level in points:
            if not (0 <= at <= 1 and 0 <= level <= 1):
                raise ValueError("intensity levels and positions are between 0 and 1")
        if not isinstance(value, int | float):
            if len(value) < 2:
                raise ValueError("an intensity curve needs at least two points")
            if any(b[0] < a[0] for a, b in zip(value, value[1:], strict=False)):
                raise ValueError("intensity points must be in order of position")
        return value

    def changed(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def split_key(text: str) -> tuple[str, str | None]:
    """``"f# minor"`` → ``("F#", "minor")``; an unknown tonic or mode is a ``ValueError``."""
    parts = text.strip().split(None, 1)
    if not parts:
        raise ValueError("empty key")
    raw = parts[0]
    tonic = raw[:1].upper() + raw[1:].replace("♯", "#").replace("♭", "b")
    if tonic.endswith("m") and len(tonic) in (2, 3) and len(parts) == 1:  # "Dm", "F#m"
        tonic, parts = tonic[:-1], [tonic[:-1], "minor"]
    if tonic not in KEYS:
        raise ValueError(f"key {text!r} does not exist; tonics: {', '.join(KEYS)}")
    mode = parts[1].strip().lower() if len(parts) > 1 else None
    if mode in ("maj",):
        mode = "major"
    if mode in ("min",):
        mode = "minor"
    if mode is not None and mode not in MODES:
        raise ValueError(f"key {text!r}: unknown mode {mode!r}; one of {', '.join(MODES)}")
    return tonic, mode


class _Cueish(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    #: A label shown in reports instead of the generated one.
    name: str | None = None
    in_: Point | None = Field(default=None, alias="in")
    out: Point | None = None
    lock: bool = False
    function: CueFunctionName | None = None
    music: Music | None = None

    @field_validator("in_", "out", mode="before")
    @classmethod
    def _point(cls, value: Any) -> Any:
        return Point.coerce(value)


class CueEdit(_Cueish):
    """Edits of one existing cue, found by ``id`` or by a scene it covers (``scenes``)."""

    id: str | None = Field(default=None, pattern=r"^\d+M\d{2,}[A-Z]?$")
    scenes: list[str] | None = Field(default=None, min_length=1)
    delete: bool = False
    #: Cues joined into this one (the merged cue keeps this cue's id).
    merge: list[str] | None = Field(default=None, min_length=1)
    #: Scenes at which a new cue starts (the part before keeps the id).
    split_at: list[str] | None = Field(default=None, min_length=1)

    @field_validator("merge", "split_at", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _selector(self) -> CueEdit:
        if (self.id is None) == (self.scenes is None):
            raise ValueError("name the cue by id or by scenes (one of them)")
        if self.delete and (self.in_ or self.out or self.merge or self.split_at or self.lock or self.music):
            raise ValueError("a deleted cue takes no other edit")
        return self


class AddCue(_Cueish):
    """A new cue over ``scenes`` (or from ``in`` to ``out``); the id is the next free one."""

    id: str | None = Field(default=None, pattern=r"^\d+M\d{2,}[A-Z]?$")
    scenes: list[str] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _where(self) -> AddCue:
        if self.scenes is None and (self.in_ is None or self.out is None):
            raise ValueError("an added cue needs scenes, or both in and out")
        return self


class SceneEdit(BaseModel):
    """Force a scene dry (no music) or scored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    scene: str
    music: Literal["dry", "force"]


class ThemePin(BaseModel):
    """A character's theme, fixed: note names (in ``key``) or scale degrees (1 = tonic)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    character: str = Field(min_length=1)
    notes: list[str] | None = Field(default=None, min_length=2, max_length=16)
    degrees: list[int] | None = Field(default=None, min_length=2, max_length=16)
    #: Lengths in quarter notes, one per note (default: even, the last one long).
    rhythm: list[float] | None = Field(default=None, min_length=2, max_length=16)
    #: The key the note names are written in (default C major).
    key: str = "C"

    @field_validator("notes", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return value.replace(",", " ").split() if isinstance(value, str) else value

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        tonic, mode = split_key(value)
        return f"{tonic} {mode}" if mode else tonic

    @model_validator(mode="after")
    def _motif(self) -> ThemePin:
        if (self.notes is None) == (self.degrees is None):
            raise ValueError("give the motif as notes or as degrees (one of them)")
        for note in self.notes or ():
            if not _NOTE.match(note.strip()):
                raise ValueError(f"not a note name: {note!r} (e.g. E4, F#, Bb3)")
        if any(d == 0 or abs(d) > 22 for d in self.degrees or ()):
            raise ValueError("scale degrees count from 1 (the tonic); 8 is the octave, -5 the fifth below")
        count = len(self.notes or self.degrees or ())
        if self.rhythm is not None:
            if len(self.rhythm) != count:
                raise ValueError(f"rhythm has {len(self.rhythm)} lengths for {count} notes")
            if any(not 0.125 <= r <= 8 for r in self.rhythm):
                raise ValueError("note lengths are quarter notes between 0.125 and 8")
        return self


class SpottingEdits(BaseModel):
    """The whole ``spotting.toml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = EDITS_VERSION
    cue: list[CueEdit] = Field(default_factory=list)
    add: list[AddCue] = Field(default_factory=list)
    scene: list[SceneEdit] = Field(default_factory=list)
    theme: list[ThemePin] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cue or self.add or self.scene or self.theme)

    def labelled(self) -> list[tuple[str, Any]]:
        """Every edit with its label (``[[cue]] #2 1M03``), in file order per kind."""
        out: list[tuple[str, Any]] = []
        for kind, items in (("cue", self.cue), ("add", self.add), ("scene", self.scene),
                            ("theme", self.theme)):
            for i, item in enumerate(items, 1):
                out.append((edit_label(kind, i, item), item))
        return out

    def digest(self) -> str:
        """A hash of what the edits mean (not how the file is laid out): keys the stages."""
        data = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:32]


def edit_label(kind: str, index: int, item: Any) -> str:
    """How reports and errors name an edit: its ``name``, else the table, number and target."""
    if getattr(item, "name", None):
        return f"[[{kind}]] #{index} “{item.name}”"
    target = (getattr(item, "id", None) or (", ".join(item.scenes) if getattr(item, "scenes", None) else None)
              or getattr(item, "scene", None) or getattr(item, "character", None))
    return f"[[{kind}]] #{index}" + (f" {target}" if target else "")


def _error_location(exc: ValidationError, data: dict[str, Any]) -> tuple[str, str]:
    """The edit a pydantic error is about (``[[cue]] #2 1M03``) and the problem in words."""
    err = exc.errors()[0]
    loc = list(err.get("loc", ()))
    label = "spotting.toml"
    rest = loc
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        kind, index = loc[0], loc[1]
        item = (data.get(kind) or [None] * (index + 1))[index] if isinstance(data.get(kind), list) else None
        target = None
        if isinstance(item, dict):
            target = item.get("name") or item.get("id") or item.get("scene") or item.get("character")
            if target is None and isinstance(item.get("scenes"), list):
                target = ", ".join(map(str, item["scenes"]))
        label = f"[[{kind}]] #{index + 1}" + (f" {target}" if target else "")
        rest = loc[2:]
    field = ".".join(str(p) for p in rest if not isinstance(p, int) and p not in
                     ("function-after[_one(), Point]",))
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        msg = "unknown field"
    return label, (f"{field}: {msg}" if field else msg)


def parse_edits(data: dict[str, Any], source: str | Path = EDITS_FILE) -> SpottingEdits:
    """Validate edits read from TOML (or built by the studio); errors name the edit."""
    try:
        return SpottingEdits.model_validate(data)
    except ValidationError as exc:
        label, problem = _error_location(exc, data)
        raise EditError(source, label, problem) from None


def read_edits(path: str | Path) -> SpottingEdits:
    """Read and validate a ``spotting.toml``."""
    from scenescore.io import read_input_bytes

    p = Path(path)
    raw = read_input_bytes(p, max_bytes=2_000_000)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(p, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(p, f"not valid TOML: {exc}") from None
    return parse_edits(data, p)


def find_edits(script: str | Path | None, run_folder: str | Path | None) -> Path | None:
    """The edits file of a run: in the run folder first (the studio writes there), else beside
    the screenplay."""
    for folder in (Path(run_folder) if run_folder else None, Path(script).parent if script else None):
        if folder is not None and (folder / EDITS_FILE).is_file():
            return folder / EDITS_FILE
    return None


# ---- writing (the studio writes the file back) ---------------------------------------------
def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} to TOML")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def edits_to_toml(edits: SpottingEdits) -> str:
    """The edits as a TOML file that reads back to the same edits."""
    lines = [f"# spotting session edits (scenescore; see docs/spotting-session.md)\nversion = {EDITS_VERSION}"]
    for kind in ("cue", "add", "scene", "theme"):
        for item in getattr(edits, kind):
            data = item.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            first = [k for k in ("name", "id", "scenes", "scene", "character") if k in data]
            data = {k: data[k] for k in [*first, *(k for k in data if k not in first)]}
            lines.append(f"\n[[{kind}]]")
            for key, value in data.items():
                if isinstance(value, dict):
                    value = {k: v for k, v in value.items() if v is not None}
                lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
