"""Fountain 1.1 (https://fountain.io/syntax): every line of the file gets its type.

Fountain's own marks decide where they exist (forced ``.`` heading, ``@`` character, ``>``
transition, ``!`` action, ``~`` lyrics, ``^`` dual dialogue); otherwise the spec's rules do
(uppercase line before dialogue is a character, ``INT.``/``EXT.`` after a blank line is a
heading, uppercase ``...TO:`` between blanks is a transition). Lines that are Fountain markup
rather than script (notes, boneyard, sections, synopses, page breaks) read as ``other``; the
title page reads as ``metadata``; centred text and emphasis stay what they mark up.
"""

from __future__ import annotations

import re

from scenescore.ingest.decode import decode_text, split_lines
from scenescore.records import Document, ElementType, SourceFormat

T = ElementType

_TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z ]*?)\s*:(.*)$")
_KNOWN_TITLE_KEYS = frozenset({
    "title", "credit", "author", "authors", "source", "draft date", "date", "contact", "copyright",
    "notes", "revision", "format", "font", "tl", "tc", "tr", "cc", "bl", "br", "watermark", "episode",
})


def _is_title_key(line: str) -> bool:
    m = _TITLE_KEY.match(line.strip())
    return bool(m) and m.group(1).strip().lower() in _KNOWN_TITLE_KEYS
_HEADING = re.compile(r"^(int|ext|est|int\.?/ext|ext\.?/int|i/e|e/i)[.\s]", re.I)
_FORCED_HEADING = re.compile(r"^\.(?=[^.\s])")
_TRANSITION = re.compile(r"^[^a-z]*TO:$")
_TRANSITION_WORDS = re.compile(r"^(FADE (IN|OUT)|FADE TO BLACK|CUT TO BLACK|THE END)\b.*[.:]?$")
_PAGE_BREAK = re.compile(r"^\s*={3,}\s*$")
_CENTERED = re.compile(r"^\s*>.*<\s*$")
_EXTENSION = re.compile(r"\s*\([^)]*\)")


# Boneyard may span anything; a note may span lines but not an empty line (the spec's rule).
_HIDDEN = re.compile(r"/\*.*?(?:\*/|\Z)|\[\[(?:(?!\n[ \t]*\n).)*?\]\]", re.S)


def _hide_markup(lines: list[str] | tuple[str, ...]) -> list[str]:
    """The lines with boneyard and note spans removed (line count kept)."""
    text = "\n".join(lines)
    if "/*" not in text and "[[" not in text:
        return list(lines)
    visible = _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return visible.split("\n")


def is_character_cue(text: str) -> bool:
    """Uppercase (extensions may be any case), with a letter, not ending like a sentence."""
    if text.startswith("@"):
        return len(text) > 1
    core = text.rstrip()
    if core.endswith("^"):
        core = core[:-1].rstrip()
    name = _EXTENSION.sub("", core).strip()
    if not name or not any(ch.isalpha() for ch in name):
        return False
    if name != name.upper():
        return False
    return not core.endswith(("TO:", ":"))


def read_fountain(data: bytes, source: str) -> Document:
    text, _encoding = decode_text(data, source)
    lines = split_lines(text)
    title = None
    for line in lines:
        if not line.strip():
            break
        m = _TITLE_KEY.match(line.strip())
        if m and m.group(1).strip().lower() == "title":
            title = re.sub(r"[*_]", "", m.group(2)).strip() or None
            break
    return Document(source=source, format=SourceFormat.FOUNTAIN, lines=tuple(lines),
                    hints=tuple(type_fountain_lines(lines)), title=title)


def type_fountain_lines(lines: list[str] | tuple[str, ...]) -> list[ElementType]:
    n = len(lines)
    types: list[ElementType | None] = [None] * n
    # Pass 1: markup that hides text (boneyard, notes), so later rules see the script only.
    visible = _hide_markup(lines)
    for i, line in enumerate(lines):
        if line.strip() and not visible[i].strip():
            types[i] = T.OTHER
            visible[i] = ""

    i = 0
    # Title page: "Key: value" lines from the first line (known keys only) to the first blank
    # line; indented lines continue a key (the spec asks for three spaces or a tab; real files
    # indent by one space too, and nothing else on a title page starts with a space). Anything
    # else ends it.
    first = next((k for k in range(n) if visible[k].strip()), None)
    if first is not None and _is_title_key(visible[first]):
        i = first
        while i < n and visible[i].strip():
            if not (_is_title_key(visible[i]) or visible[i].startswith((" ", "\t"))):
                break
            types[i] = T.METADATA
            i += 1
        for k in range(first):
            types[k] = types[k] or T.BLANK

    def blank(j: int) -> bool:
        # Hidden markup (boneyard, notes) reads as blank around the elements it separates.
        return j < 0 or j >= n or not visible[j].strip()

    def prev_blank(j: int) -> bool:
        k = j - 1
        while k >= 0 and types[k] is T.OTHER and lines[k].strip():
            k -= 1  # a note line between blank and element does not count
        return k < 0 or not visible[k].strip() or types[k] is T.METADATA

    in_dialogue = False
    in_paren = False
    while i < n:
        if types[i] is T.OTHER:
            i += 1
            continue
        raw = visible[i]
        s = raw.strip()
        if not s:
            if raw.startswith("  ") and in_dialogue and i + 1 < n and visible[i + 1].strip():
                types[i] = T.DIALOGUE  # the spec's two-space line keeps a dialogue block open
            else:
                types[i] = T.BLANK
                in_dialogue = in_paren = False
            i += 1
            continue
        if in_dialogue:
            if in_paren or (s.startswith("(") and not s.startswith("((")):
                types[i] = T.PARENTHETICAL
                in_paren = not s.endswith(")")
            elif s.startswith("~"):
                types[i] = T.DIALOGUE
            else:
                types[i] = T.DIALOGUE
            i += 1
            continue
        if _PAGE_BREAK.match(s) or s.startswith("#") or (s.startswith("=") and not s.startswith("==")):
            types[i] = T.OTHER
        elif s.startswith("!") or _CENTERED.match(s):
            types[i] = T.ACTION
        elif _FORCED_HEADING.match(s) and prev_blank(i):
            types[i] = T.SCENE_HEADING
        elif s.startswith(">"):
            types[i] = T.TRANSITION
        elif s.startswith("~"):
            types[i] = T.DIALOGUE
        elif _HEADING.match(s) and prev_blank(i):
            # The spec wants a blank line after a heading too; real files often omit it, and
            # some peers (screenplay-tools) accept it, so we do.
            types[i] = T.SCENE_HEADING
        elif ((_TRANSITION.match(s) and not raw[-1:].isspace()) or _TRANSITION_WORDS.match(s)) \
                and prev_blank(i) and blank(i + 1):
            # "CUT TO: " with trailing spaces is action: the Fountain authors' own test says so.
            types[i] = T.TRANSITION
        elif (s.startswith("@") or is_character_cue(s)) and prev_blank(i) and not blank(i + 1):
            types[i] = T.CHARACTER
            in_dialogue = True
        else:
            types[i] = T.ACTION
        i += 1
    return [t if t is not None else T.BLANK for t in types]
