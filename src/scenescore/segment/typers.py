"""Which typer types a document's lines: the format's own types, or for printed layouts the
learned line CRF (default) or the rules.

Kept apart from ``lines.py`` (the rules) and ``learned.py`` (the CRF, which uses the rules'
tests as features) so that neither imports the other's caller.
"""

from __future__ import annotations

import logging
import re

from scenescore.errors import OptionsError
from scenescore.records import Document, Element, ElementType, SourceFormat
from scenescore.segment.lines import cue_name, is_shot, slug_kind, type_layout_lines

T = ElementType
log = logging.getLogger(__name__)


def type_document(doc: Document, typer: str = "learned") -> list[Element]:
    """Type every line of a document.

    Printed layouts go to ``typer``: ``learned`` (the shipped line CRF, see
    :mod:`scenescore.segment.learned`) or ``rules``; the learned typer falls back to the rules,
    with a warning, when the package has no model.
    """
    types = _refine_hinted(doc) if doc.hints is not None else _type_printed(doc, typer)
    return [Element(i + 1, t, line) for i, (t, line) in enumerate(zip(types, doc.lines, strict=True))]


def _type_printed(doc: Document, typer: str) -> list[ElementType]:
    if typer not in LINE_TYPERS:
        raise OptionsError(f"segment: unknown line typer {typer!r}; known: {', '.join(LINE_TYPERS)}")
    if typer == "learned":
        from scenescore.segment.learned import type_lines_learned

        types = type_lines_learned(doc.lines, bold=doc.bold)
        if types is not None:
            return types
        log.warning("%s: no line model in the package; typed by rules", doc.source)
    return type_layout_lines(doc.lines, bold=doc.bold)


#: Line typers for printed layouts, by name.
LINE_TYPERS = ("learned", "rules")


def _refine_hinted(doc: Document) -> list[ElementType]:
    """Use a format's own types, with two refinements: Fountain has no shot type, so camera
    directions standing alone become shots there; and a line the format types as a scene
    heading that is a camera direction or a subject slug naming one of the script's speakers
    (Final Draft types ``ANGLE ON THE DOOR`` or ``SCOTT`` as Scene Heading, a Fountain file
    may force ``.CLOSE ON THE LETTER``) becomes a shot, so that it does not open a scene: the
    slug convention of docs/parsing.md (:func:`scenescore.segment.lines.slug_kind`)."""
    assert doc.hints is not None
    types = [h if h is not None else T.ACTION for h in doc.hints]
    lines = doc.lines
    fountain = doc.format is SourceFormat.FOUNTAIN
    if fountain:
        for i, t in enumerate(types):
            if t is T.ACTION:
                s = lines[i].strip()
                if (is_shot(s) and (i == 0 or not lines[i - 1].strip())
                        and (i + 1 >= len(lines) or not lines[i + 1].strip())):
                    types[i] = T.SHOT
    if doc.format in (SourceFormat.FOUNTAIN, SourceFormat.FDX) and T.SCENE_HEADING in types:
        speakers = {cue_name(lines[i].lstrip("@").rstrip("^ ")).upper() for i, t in enumerate(types)
                    if t is T.CHARACTER}
        speakers.discard("")
        for i, t in enumerate(types):
            if t is T.SCENE_HEADING:
                s = lines[i].strip()
                if fountain:
                    s = _FOUNTAIN_NUMBER.sub("", s[1:] if s.startswith(".") and not s.startswith("..") else s)
                if not fountain:
                    s = s.upper()  # Final Draft stores headings as typed and prints them in capitals
                if s and slug_kind(s, speakers) == "shot":
                    types[i] = T.SHOT
    return types


_FOUNTAIN_NUMBER = re.compile(r"\s*#[\w.\-]+#\s*$")
