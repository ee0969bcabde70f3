"""Render a typed screenplay into the printed layouts real files come in, with exact labels.

Training data for the learned line typer (:mod:`scenescore.segment.learned`): a script whose
element types are known (Fountain or Final Draft markup, the project's tagged sources) is laid
out the way screenwriting software, PDF-to-text and IMSDB pages lay it out, with randomised
parameters, and every rendered line keeps the type of the element (or page furniture) it came
from. The layout classes are the ones real dumps show (see docs/parsing.md): production
columns, IMSDB HTML, PDF-to-text with margins one column apart, dialogue at the action margin,
cues at the dialogue margin, fully flattened text, tab-indented text, numbered shooting
scripts with revision marks, and excerpts that start mid-scene.
"""

from __future__ import annotations

import html
import random
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from scenescore.records import ElementType
from scenescore.segment import patterns as P
from scenescore.segment.lines import (
    MASTER_LOOSE,
    cue_name,
    is_shot,
    runs_into,
    runs_on,
    slug_kind,
    slug_name,
)

T = ElementType

#: Paragraph kinds of a typed script and the line type each renders as.
KIND_TYPE: dict[str, ElementType] = {
    "heading": T.SCENE_HEADING, "action": T.ACTION, "center": T.ACTION, "character": T.CHARACTER,
    "paren": T.PARENTHETICAL, "dialogue": T.DIALOGUE, "transition": T.TRANSITION, "shot": T.SHOT,
    "title": T.METADATA, "act": T.OTHER, "omitted": T.OTHER,
}
#: The layout classes rendered for training and reported by ``scripts/eval_segment.py``.
LAYOUT_CLASSES = ("standard", "imsdb_html", "pdftotext", "dialogue_at_action", "cues_at_dialogue",
                  "flat", "tabs", "numbered", "excerpt")


@dataclass(slots=True)
class Paragraph:
    kind: str
    lines: list[str]
    dual: bool = False  # a cue that speaks at the same time as the previous block (dual dialogue)


@dataclass(slots=True)
class Script:
    """A typed script: title-page lines, then blocks (a dialogue block holds several paragraphs)."""

    name: str
    title: list[str] = field(default_factory=list)
    blocks: list[list[Paragraph]] = field(default_factory=list)


# ------------------------------------------------------------------------------------ sources

_EMPHASIS = re.compile(r"(?<!\\)[*_]+")
_NOTE = re.compile(r"\[\[.*?\]\]")
_FOUNTAIN_NUMBER = re.compile(r"\s*#[\w.\-]+#\s*$")


def _clean_fountain(text: str) -> str:
    text = _NOTE.sub("", text)
    return _EMPHASIS.sub("", text).strip()


def script_from_fountain(path: str | Path) -> Script:
    """A typed script from a Fountain file, through the project's own Fountain reader."""
    from scenescore.ingest.fountain import read_fountain

    path = Path(path)
    doc = read_fountain(path.read_bytes(), str(path))
    assert doc.hints is not None
    script = Script(path.stem)
    block: list[Paragraph] = []

    def flush() -> None:
        nonlocal block
        if block:
            script.blocks.append(block)
        block = []

    for raw, hint in zip(doc.lines, doc.hints, strict=True):
        t = hint or T.BLANK
        if t is T.METADATA:
            value = raw.split(":", 1)[1] if ":" in raw and not raw.startswith((" ", "\t")) else raw
            value = _clean_fountain(value)
            if value:
                script.title.append(value)
            continue
        if t is T.OTHER:
            continue  # sections, synopses, notes, boneyard, page breaks: not printed
        if t is T.BLANK or not raw.strip():
            flush()
            continue
        s = raw.strip()
        kind = {T.SCENE_HEADING: "heading", T.ACTION: "action", T.CHARACTER: "character",
                T.DIALOGUE: "dialogue", T.PARENTHETICAL: "paren", T.TRANSITION: "transition",
                T.SHOT: "shot"}[t]
        if kind == "heading":
            s = _FOUNTAIN_NUMBER.sub("", s[1:] if s.startswith(".") else s)
        elif kind == "character":
            dual = s.rstrip().endswith("^")
            s = s.lstrip("@").rstrip("^ ").strip()
        elif kind == "transition":
            s = s.lstrip(">").strip()
        elif kind == "dialogue":
            s = s.lstrip("~").strip()
        elif kind == "action":
            if s.startswith(">") and s.endswith("<"):
                kind, s = "center", s[1:-1].strip()
            s = s.lstrip("!")
        s = _clean_fountain(s)
        if not s:
            continue
        if kind == "character" and block:
            flush()
        if kind == "character":
            block.append(Paragraph(kind, [s], dual))
            continue
        if block and block[-1].kind == kind and kind in ("action", "dialogue", "paren"):
            if kind == "paren" and block[-1].lines[-1].endswith(")"):
                block.append(Paragraph(kind, [s]))
            else:
                block[-1].lines.append(s)
        else:
            if block and (block[0].kind != "character" or kind not in ("dialogue", "paren")):
                flush()
            block.append(Paragraph(kind, [s]))
    flush()
    return script


_TAG_KIND = {"H": "heading", "H2": "heading", "X": "omitted", "K": "act", "A": "action",
             "AC": "center", "C": "character", "P": "paren", "D": "dialogue", "T": "transition",
             "TL": "transition", "S": "shot", "M": "title", "ML": "title"}


def script_from_tagged(path: str | Path) -> Script:
    """A typed script from the project's tagged sources (corpus/, eval/layouts/src/)."""
    path = Path(path)
    script = Script(path.stem)
    block: list[Paragraph] = []
    last_tag = ""
    dual = False

    def flush() -> None:
        nonlocal block, last_tag
        if block:
            script.blocks.append(block)
        block = []
        last_tag = ""

    for raw in path.read_text(encoding="utf-8").split("\n"):
        if not raw or raw.startswith("#") or raw.startswith("@"):
            continue
        tag, _, text = raw.partition("\t")
        if tag == "BLANK":
            flush()
            continue
        if tag == "DUAL":
            dual = True
            continue
        if tag == "TITLE_KEY":
            value = text.split(":", 1)[1].strip() if ":" in text else text.strip()
            if value:
                script.title.append(value)
            continue
        kind = _TAG_KIND.get(tag)
        if kind is None:
            continue
        text = _EMPHASIS.sub("", text).strip()
        if kind == "title":
            script.title.append(text)
            continue
        if kind == "character" and block:
            flush()
        if kind == "character":
            block.append(Paragraph(kind, [text], dual))
            dual = False
            last_tag = tag
            continue
        if tag == last_tag and block and kind in ("action", "dialogue", "paren", "center"):
            # The tagged sources are wrapped by hand: one paragraph, wrapped again when rendered.
            block[-1].lines[-1] += " " + text
        else:
            if block and block[0].kind != "character":
                flush()
            block.append(Paragraph(kind, [text]))
        last_tag = tag
    flush()
    return script


def script_from_fdx(path: str | Path) -> Script:
    """A typed script from a Final Draft file, through the project's own FDX reader."""
    from scenescore.ingest.fdx import read_fdx

    path = Path(path)
    doc = read_fdx(path.read_bytes(), str(path))
    assert doc.hints is not None
    script = Script(path.stem)
    kinds = {T.SCENE_HEADING: "heading", T.ACTION: "action", T.CHARACTER: "character", T.DIALOGUE: "dialogue",
             T.PARENTHETICAL: "paren", T.TRANSITION: "transition", T.SHOT: "shot"}
    for raw, hint in zip(doc.lines, doc.hints, strict=True):
        text = " ".join(raw.split())
        if not text:
            continue
        if hint is T.METADATA:
            script.title.append(text)
            continue
        kind = kinds.get(hint or T.ACTION)
        if kind is None:
            continue
        if kind in ("heading", "character", "transition", "shot"):
            text = text.upper()  # Final Draft stores them as typed and prints them in capitals
        if kind in ("dialogue", "paren") and script.blocks and script.blocks[-1][0].kind == "character":
            script.blocks[-1].append(Paragraph(kind, [text]))
        else:
            script.blocks.append([Paragraph(kind, [text])])
    return script


def load_script(path: str | Path, *, convention: bool = True) -> Script:
    """A typed script from a tagged, Final Draft or Fountain file; with ``convention`` its slug
    lines are relabelled to the project's one convention (:func:`normalise_slugs`)."""
    path = Path(path)
    if path.suffix == ".tagged":
        script = script_from_tagged(path)
    elif path.suffix == ".fdx":
        script = script_from_fdx(path)
    else:
        script = script_from_fountain(path)
    return normalise_slugs(script) if convention else script


# --------------------------------------------------------------------------- slug convention

def _speakers(script: Script) -> set[str]:
    return {cue_name(block[0].lines[0]).upper() for block in script.blocks
            if block[0].kind == "character" and block[0].lines}


def normalise_slugs(script: Script) -> Script:
    """Relabel slug lines to one convention, so that sources whose markup disagrees (a Fountain
    file forcing ``.OVERHEAD`` or ``.KABOOM!`` as headings, a Final Draft file typing subject
    slugs such as ``SCOTT`` as Scene Heading and the same script's Fountain file as action) do
    not train the typer on contradictory targets. Paragraphs typed heading or shot get
    :func:`slug_kind`; a one-line action paragraph standing alone becomes a shot when it is a
    camera direction or exactly a speaker's name in capitals; a source's shot stays a shot unless
    it is a master heading. Other types are left as the source says."""
    speakers = _speakers(script)
    blocks: list[list[Paragraph]] = []
    source = script.blocks
    for k, block in enumerate(source):
        first = block[0]
        if len(block) == 1 and len(first.lines) == 1:
            text = first.lines[0]
            kind = first.kind
            if kind == "heading":
                before = source[k - 1][-1] if k else None
                after = source[k + 1][0] if k + 1 < len(source) else None
                through = bool(before and before.kind == "action" and runs_into(before.lines[-1])) or bool(
                    after and after.kind == "action" and runs_on(after.lines[0]))
                kind = slug_kind(text, speakers, runs_through=through)
            elif kind == "shot" and (P.HEADING_PREFIX.match(text.upper()) or MASTER_LOOSE.match(text)):
                kind = "heading"  # the source typed a master heading as a shot
            elif kind == "action" and text.strip()[-1:] not in ".!?" and (
                    is_shot(text.strip()) or text.strip().isupper() and slug_name(text) in speakers):
                kind = "shot"
            if kind != first.kind:
                block = [replace(first, kind=kind)]
        blocks.append(block)
    return replace(script, blocks=blocks)


# ------------------------------------------------------------------------------------- layout


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each element goes and what furniture the page carries (columns are 0-based)."""

    name: str = "standard"
    action: int = 15
    heading: int = 15
    dialogue: int = 25
    paren: int = 30
    cue: int = 37
    right: int = 75  # transitions end here
    transition_at: str = "right"  # right | left | cue
    wrap_action: int = 60
    wrap_dialogue: int = 35
    wrap_paren: int = 25
    tabs: bool = False
    flatten: bool = False
    html: bool = False
    bold_next_line: bool = False  # IMSDB: </b> at the start of the next line
    heading_style: str = "int"  # int | interior | colon | dash | mixed | bare
    heading_blank_after: bool = True
    blank_lines: int = 1  # between blocks
    two_before_heading: bool = False
    no_blank_before_cue: float = 0.0  # chance the blank before a cue is missing
    loose_dialogue: bool = False  # a blank line between every line of a dialogue block
    double_spaced: bool = False  # a blank after every line
    no_blanks: bool = False  # every blank line dropped (PDF-to-text without layout)
    wrap_headings: bool = False  # a long heading wraps onto a second line
    paginate: bool = False
    page_len: int = 55
    page_number: str = "top_right"  # top_right | bottom_dash | page_word | header | bottom_plain | none
    continueds: bool = False
    more: bool = False
    scene_numbers: str = "none"  # none | left | right | both | own_line | own_both
    revisions: float = 0.0
    trailing_spaces: float = 0.0
    space_blank: float = 0.0
    title_page: bool = True
    cue_contd_lower: bool = False


def _rand_layout(rng: random.Random, klass: str) -> Layout:
    """A random layout of one class."""
    r = rng.random
    a = rng.choice([0, 0, 1, 4, 5, 8, 10, 10, 12, 15, 15])
    d_off = rng.choice([8, 10, 10, 10, 11, 12, 14])
    cue_off = rng.choice([10, 12, 15, 16, 20, 22])
    style = rng.choices(["int", "interior", "colon", "dash", "mixed", "bare"],
                        weights=[70, 6, 6, 5, 6, 7])[0]
    base = dict(
        action=a, heading=a, dialogue=a + d_off, paren=a + d_off + rng.choice([3, 5, 6]),
        cue=a + cue_off, right=a + rng.choice([55, 60, 62, 65]),
        transition_at=rng.choices(["right", "left", "cue"], weights=[70, 15, 15])[0],
        wrap_action=rng.choice([55, 58, 60, 61, 62, 65]), wrap_dialogue=rng.choice([30, 33, 35, 35, 36, 38, 42, 45]),
        wrap_headings=r() < 0.3,
        wrap_paren=rng.choice([20, 25, 28]), heading_style=style,
        heading_blank_after=r() < 0.85, blank_lines=1 if r() < 0.85 else 2,
        two_before_heading=r() < 0.2, no_blank_before_cue=0.3 if r() < 0.1 else 0.0,
        title_page=r() < 0.6, trailing_spaces=0.2 if r() < 0.2 else 0.0,
        space_blank=0.3 if r() < 0.2 else 0.0, cue_contd_lower=r() < 0.1,
    )
    paginated = r() < 0.6
    base.update(paginate=paginated, page_len=rng.randint(45, 60),
                page_number=rng.choice(["top_right", "top_right", "bottom_dash", "page_word", "header",
                                        "bottom_plain", "none"]),
                continueds=paginated and r() < 0.5, more=paginated and r() < 0.7)
    if klass == "standard":
        base.update(action=15, heading=15, dialogue=25, paren=30, cue=37, right=75) if r() < 0.5 else None
    elif klass == "imsdb_html":
        a = rng.choice([0, 0, 5, 10])
        base.update(action=a, heading=a, dialogue=a + 10, paren=a + rng.choice([15, 16]), cue=a + rng.choice([20, 22, 25]),
                    right=a + 60, html=True, bold_next_line=r() < 0.3, paginate=r() < 0.3)
    elif klass == "pdftotext":
        a = rng.choice([0, 4, 10, 10, 12])
        d = a + rng.choice([1, 1, 2, 10])
        c = a + rng.choice([14, 15, 16]) + rng.choice([0, 1])
        base.update(action=a, heading=a, dialogue=d, paren=d + rng.choice([0, 1, 5]), cue=c, right=a + 60,
                    paginate=True, scene_numbers=rng.choice(["none", "none", "own_line", "own_both", "left"]),
                    continueds=r() < 0.3, no_blanks=r() < 0.1)
    elif klass == "dialogue_at_action":
        a = rng.choice([0, 0, 5, 10, 15])
        base.update(action=a, heading=a, dialogue=a, paren=a + rng.choice([0, 0, 5]),
                    cue=a + rng.choice([10, 15, 20, 22, 25]))
    elif klass == "cues_at_dialogue":
        a = rng.choice([0, 0, 5, 10])
        d = a + rng.choice([5, 10, 11, 15])
        base.update(action=a, heading=a, dialogue=d, paren=d + rng.choice([0, 0, 5]), cue=d)
        if r() < 0.3:
            base.update(heading=a, action=d)  # everything but headings at one margin
    elif klass == "flat":
        base.update(flatten=True, loose_dialogue=r() < 0.15, double_spaced=r() < 0.1, no_blanks=r() < 0.1)
    elif klass == "tabs":
        base.update(tabs=True)
    elif klass == "numbered":
        base.update(action=15, heading=15, dialogue=25, paren=30, cue=37, right=75, paginate=True,
                    continueds=True, more=True, scene_numbers=rng.choice(["both", "both", "left", "right"]),
                    revisions=rng.choice([0.0, 0.02, 0.05]), page_number=rng.choice(["top_right", "header"]),
                    heading_style="int")
    return Layout(name=klass, **base)


def random_layout(rng: random.Random, klass: str | None = None) -> Layout:
    return _rand_layout(rng, klass or rng.choice(LAYOUT_CLASSES))


# ------------------------------------------------------------------------------------ render

_IE_PREFIX = re.compile(r"^(INT\.?/EXT\.?|EXT\.?/INT\.?|I/E\.?|INT\.|EXT\.|INT\b|EXT\b)\s*", re.I)
_TIME_TAIL = re.compile(r"\s+-+\s+([A-Z ]+)$")


def style_heading(text: str, style: str) -> str:
    """Rewrite an ``INT. X - DAY`` heading in another real-world convention."""
    m = _IE_PREFIX.match(text)
    if not m or style == "int":
        return text
    prefix = m.group(1).upper().rstrip(".")
    rest = text[m.end():]
    word = {"INT": "INTERIOR", "EXT": "EXTERIOR"}.get(prefix, prefix)
    if style == "interior":
        return f"{word} {rest}" if prefix in ("INT", "EXT") else text
    if style == "colon":
        return f"{prefix}: {rest}" if prefix in ("INT", "EXT") else text
    if style == "dash":
        return f"{prefix} - {rest}" if prefix in ("INT", "EXT") else text
    if style == "mixed":
        body = _TIME_TAIL.sub(lambda t: ", " + t.group(1).title(), rest)
        return f"{word.title() if prefix in ('INT', 'EXT') else prefix}: {body.title()}"
    if style == "bare":
        return rest
    return text


@dataclass(slots=True)
class _Out:
    text: str
    type: ElementType
    bold: bool = False
    indent_kind: str = "action"  # which column the line sits at (tabs)
    rev: bool = False


def _indent(lay: Layout, kind: str) -> int:
    return {"heading": lay.heading, "action": lay.action, "shot": lay.action, "character": lay.cue,
            "paren": lay.paren, "dialogue": lay.dialogue, "act": lay.cue, "omitted": lay.heading,
            "title": lay.action}.get(kind, lay.action)


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def _render_block(lay: Layout, block: list[Paragraph], number: str | None, rng: random.Random) -> list[_Out]:
    out: list[_Out] = []
    for para in block:
        kind = para.kind
        t = KIND_TYPE[kind]
        for hard in para.lines:
            if kind == "heading":
                text = style_heading(hard, lay.heading_style)
                pieces = _wrap(text, lay.wrap_action) if lay.wrap_headings else [text]
            elif kind in ("dialogue",):
                pieces = _wrap(hard, lay.wrap_dialogue)
            elif kind == "paren":
                pieces = _wrap(hard, lay.wrap_paren)
            elif kind in ("character", "transition", "act", "omitted"):
                pieces = [hard]
            else:
                pieces = _wrap(hard, lay.wrap_action)
            for piece in pieces:
                if kind == "transition":
                    if lay.transition_at == "right" and not piece.startswith("FADE IN"):
                        col = max(lay.action, lay.right - len(piece))
                    elif lay.transition_at == "cue":
                        col = lay.cue
                    else:
                        col = lay.action
                    line = " " * col + piece
                    ik = "transition"
                elif kind == "center":
                    line = " " * max(0, lay.action + (lay.wrap_action - len(piece)) // 2) + piece
                    ik = "center"
                else:
                    line = " " * _indent(lay, kind) + piece
                    ik = kind
                bold = lay.html and kind in ("heading", "character")
                out.append(_Out(line, t, bold, ik))
    if number is not None and out and out[0].type in (T.SCENE_HEADING, T.OTHER) and block[0].kind != "act":
        head = out[0]
        body = head.text.lstrip()
        left = max(0, lay.heading - 6)
        if lay.scene_numbers == "left":
            head.text = (" " * left + number.ljust(6) if lay.heading >= 6 else number + "   ") + body
        elif lay.scene_numbers == "right":
            head.text = head.text.ljust(lay.right) + "  " + number if len(head.text) < lay.right else head.text + "  " + number
        elif lay.scene_numbers == "both":
            prefix = " " * left + number.ljust(max(len(number) + 2, lay.heading - left)) if lay.heading >= 6 else f"{number}   "
            line = prefix + body
            head.text = (line.ljust(lay.right) if len(line) < lay.right else line + "  ") + number
        elif lay.scene_numbers in ("own_line", "own_both"):
            num = _Out(" " * lay.heading + number, T.OTHER, False, "heading")
            out.insert(0, num)
            if lay.scene_numbers == "own_both":
                out.insert(2, _Out(" " * lay.heading + number, T.OTHER, False, "heading"))
    return out


def _side_by_side(lay: Layout, left: list[Paragraph], right: list[Paragraph], rng: random.Random) -> list[_Out]:
    """Dual dialogue as screenwriting software prints it: two narrow columns on the same lines."""
    narrow = replace(lay, wrap_dialogue=min(lay.wrap_dialogue, 28), wrap_paren=min(lay.wrap_paren, 22))
    cols = []
    for block in (left, right):
        rows = _render_block(replace(narrow, action=0, heading=0, dialogue=0, paren=2, cue=6), block, None, rng)
        cols.append(rows)
    start = max(0, lay.action + 2)
    gap = rng.choice([30, 32, 34])
    out = []
    for k in range(max(len(cols[0]), len(cols[1]))):
        a = cols[0][k] if k < len(cols[0]) else None
        b = cols[1][k] if k < len(cols[1]) else None
        text = " " * start + (a.text if a else "").ljust(gap) + (b.text if b else "")
        types = {x.type for x in (a, b) if x}
        t = T.CHARACTER if T.CHARACTER in types else T.DIALOGUE if T.DIALOGUE in types else types.pop()
        out.append(_Out(text.rstrip(), t, lay.html and t is T.CHARACTER, "dialogue"))
    return out


_FIRST = ("Anna", "Ivo", "Maren", "Tom", "Lucia", "Sam", "Priya", "Jonas", "Ruth", "Kofi", "Elena", "Dev")
_LAST = ("Brandt", "Solvik", "Okafor", "Reyes", "Lindqvist", "Hale", "Moreau", "Castellano", "Nakamura", "Price")
_WORDS = ("Harbor", "North", "Lantern", "Greyhouse", "Blue Door", "Quarry", "Meridian", "Tin Roof", "Kestrel")


def _title_page(script: Script, rng: random.Random) -> tuple[list[str], list[str]]:
    """The source's own title lines, or an invented title page of the usual shape."""
    if script.title and rng.random() < 0.6:
        return script.title[:4], script.title[4:]
    name = script.title[0] if script.title else script.name.replace("_", " ").replace("-", " ").upper()
    who = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    top = [name if rng.random() < 0.7 else f'"{name.title()}"']
    if rng.random() < 0.2:
        top.append(f"Episode #{rng.randint(101, 322)}")
    top.append(rng.choice(["Written by", "written by", "Screenplay by", "by", "Teleplay by"]))
    top.append(who)
    if rng.random() < 0.3:
        top.append(rng.choice([f"Based on the novel by {rng.choice(_FIRST)} {rng.choice(_LAST)}",
                               f"Story by {rng.choice(_FIRST)} {rng.choice(_LAST)}"]))
    lower = []
    for _ in range(rng.randint(0, 3)):
        lower.append(rng.choice([
            f"{rng.choice(['Revised', 'First', 'Second', 'Final', 'Shooting'])} Draft - {rng.randint(1, 28)}/"
            f"{rng.randint(1, 12)}/{rng.randint(1995, 2025)}",
            f"{rng.choice(_WORDS)} {rng.choice(['Pictures', 'Agency', 'Films', 'Entertainment', 'Studios'])}",
            f"{rng.randint(1, 999)} {rng.choice(_WORDS)} {rng.choice(['Street', 'Road', 'Avenue', 'Lane'])}"
            + rng.choice(["", f", Suite {rng.randint(1, 40)}"]),
            f"{rng.choice(['Los Angeles, CA 900', 'Burbank, CA 915', 'New York, NY 100'])}{rng.randint(10, 99)}",
            f"({rng.randint(200, 999)}) 555-0{rng.randint(100, 199)}",
            f"{who.split()[0].lower()}@{rng.choice(_WORDS).lower().replace(' ', '')}.example.com",
            "WGA Registered", f"© {rng.randint(1990, 2025)} {rng.choice(_WORDS)} Studios. All rights reserved.",
            f"Copyright (c) {rng.randint(1990, 2025)}", who,
        ]))
    return top, lower


def _contd(cue: str, lower: bool) -> str:
    if re.search(r"CONT['’]?D", cue, re.I):
        return cue
    return f"{cue} ({'cont' + chr(39) + 'd' if lower else 'CONT' + chr(39) + 'D'})"


def render(script: Script, lay: Layout, rng: random.Random, *, excerpt: bool = False
           ) -> tuple[list[str], list[ElementType], list[bool]]:
    """Lay a script out; return its lines, their types and which sit in ``<b>`` (HTML)."""
    out: list[_Out] = []
    def blanks(k: int) -> None:
        out.extend(_Out("", T.BLANK) for _ in range(k))

    if lay.title_page and not excerpt:
        top, lower = _title_page(script, rng)
        blanks(rng.randint(0, 12))
        for line in top:
            out.append(_Out(" " * max(0, lay.action + (60 - len(line)) // 2) + line, T.METADATA, False, "center"))
            blanks(rng.choice([0, 1, 1, 2, 3]))
        blanks(rng.randint(1, 12))
        for line in lower:
            out.append(_Out(" " * lay.action + line, T.METADATA, False, "title"))
        blanks(rng.randint(1, 10) if not lay.paginate else 1)
    number = 0
    first = True
    side_by_side = not lay.tabs and (lay.dialogue > lay.action or lay.flatten) and rng.random() < 0.6
    blocks = _structure(script.blocks, lay, rng)
    for b_index, block in enumerate(blocks):
        kind = block[0].kind
        if side_by_side and b_index + 1 < len(blocks) and blocks[b_index + 1][0].dual and kind == "character":
            continue  # rendered with its partner
        scene_number = None
        if kind in ("heading", "omitted") and lay.scene_numbers != "none":
            number += 1
            scene_number = str(number)
        if side_by_side and block[0].dual and b_index and blocks[b_index - 1][0].kind == "character":
            rendered = _side_by_side(lay, blocks[b_index - 1], block, rng)
        else:
            rendered = _render_block(lay, block, scene_number, rng)
        if not first:
            k = lay.blank_lines
            if kind == "heading" and lay.two_before_heading:
                k = 2
            if kind == "character" and rng.random() < lay.no_blank_before_cue and out and out[-1].type is T.ACTION:
                k = 0
            if out and out[-1].type is T.SCENE_HEADING and not lay.heading_blank_after and kind != "heading":
                k = 0
            blanks(k)
        first = False
        if kind == "character" and lay.loose_dialogue:
            for j, line in enumerate(rendered):
                if j:
                    out.append(_Out("", T.BLANK))
                out.append(line)
        else:
            out.extend(rendered)
    if lay.revisions:
        for line in out:
            if line.type is not T.BLANK and rng.random() < lay.revisions:
                line.rev = True
    if lay.paginate:
        out = _paginate(out, lay, rng, script.title[0] if script.title else script.name.upper())
    if lay.double_spaced:
        spaced: list[_Out] = []
        for line in out:
            spaced.append(line)
            if line.type is not T.BLANK:
                spaced.append(_Out("", T.BLANK))
        out = spaced
    if excerpt and len(out) > 60:
        start = rng.randint(0, max(0, len(out) - 60))
        out = out[start:start + rng.randint(60, 400)]
    if lay.no_blanks:
        out = [line for line in out if line.type is not T.BLANK]
    lines: list[str] = []
    types: list[ElementType] = []
    bold: list[bool] = []
    for line in out:
        text = line.text
        if line.type is not T.BLANK:
            if lay.flatten:
                text = text.lstrip()
            elif lay.tabs:
                text = _tabify(text, line.indent_kind)
            if line.rev:
                text = text.ljust(lay.right + rng.choice([3, 5, 7])) + "*"
            if lay.trailing_spaces and rng.random() < lay.trailing_spaces:
                text += " " * rng.randint(1, 4)
        elif lay.space_blank and rng.random() < lay.space_blank:
            text = " " * rng.randint(1, 20)
        lines.append(text)
        types.append(line.type)
        bold.append(line.bold)
    return lines, types, bold


_ACTS = ("ONE", "TWO", "THREE", "FOUR", "FIVE")


_SHOT_THINGS = ("THE DOOR", "THE LETTER", "THE CLOCK", "HIS HANDS", "HER FACE", "THE WINDOW", "THE PHONE",
                "THE MAP", "THE GUN", "THE PHOTOGRAPH", "THE CAR", "THE ROAD", "THE TABLE", "THE SCREEN")


def _shot(rng: random.Random, names: list[str]) -> str:
    """A camera direction of the usual shapes (Fountain sources have almost none), or a subject
    slug naming a speaker alone (``SCOTT``: a shot under the convention of :func:`slug_kind`)."""
    who = rng.choice(names) if names else "THE MAN"
    thing = rng.choice(_SHOT_THINGS)
    return rng.choice([
        f"CLOSE ON {thing}", f"ANGLE ON {who}", f"{who}'S POV", f"{who}'S POV - {thing}", f"INSERT - {thing}",
        "BACK TO SCENE", "WIDE SHOT", f"WIDE SHOT - {thing}", f"CLOSE ON {who}", "ANOTHER ANGLE",
        f"TRACKING SHOT - {who}", f"OVER {who}'S SHOULDER", "AERIAL SHOT", f"EXTREME CLOSE-UP - {thing}",
        f"REVERSE ANGLE - {who}", "POV", f"ON {who}", f"BACK ON {who}", f"MOVING WITH {who}", who,
    ])


_SUB_PLACES = ("THE KITCHEN", "LIVING ROOM", "HALLWAY", "THE PANTRY", "UPSTAIRS", "BACK ROOM", "FRONT PORCH",
               "THE GARAGE", "MASTER BEDROOM", "THE ROOF", "STAIRWELL", "THE CELLAR", "OFFICE", "BACKYARD",
               "CORRIDOR", "THE LOBBY", "DINING ROOM", "THE BARN")


def _sub_slug(rng: random.Random) -> str:
    """A secondary slug line: a place inside the scene's location, sometimes with a time."""
    place = rng.choice(_SUB_PLACES)
    return place + rng.choice(["", "", "", " - CONTINUOUS", " - LATER", " - MOMENTS LATER", " - NIGHT"])


def _structure(blocks: list[list[Paragraph]], lay: Layout, rng: random.Random) -> list[list[Paragraph]]:
    """Sometimes a TV script's act markers, OMITTED scenes in numbered drafts, camera directions,
    secondary slug lines (headings without INT./EXT., as Final Draft types them)."""
    if rng.random() < 0.3:
        rate = rng.choice([0.02, 0.04])
        with_slugs: list[list[Paragraph]] = []
        for k, block in enumerate(blocks):
            if k and block[0].kind == "action" and blocks[k - 1][0].kind != "heading" and rng.random() < rate:
                with_slugs.append([Paragraph("heading", [_sub_slug(rng)])])
            with_slugs.append(block)
        blocks = with_slugs
    if rng.random() < 0.5:
        names = sorted({b[0].lines[0].split("(")[0].strip() for b in blocks if b[0].kind == "character"})
        rate = rng.choice([0.03, 0.06, 0.1])
        with_shots: list[list[Paragraph]] = []
        for k, block in enumerate(blocks):
            if k and block[0].kind in ("action", "character") and rng.random() < rate:
                with_shots.append([Paragraph("shot", [_shot(rng, names)])])
            with_shots.append(block)
        blocks = with_shots
    tv = rng.random() < 0.15
    omitted = lay.scene_numbers != "none" and rng.random() < 0.4
    if not tv and not omitted:
        return blocks
    headings = [k for k, b in enumerate(blocks) if b[0].kind == "heading"]
    inserts: dict[int, list[list[Paragraph]]] = {}
    if tv and len(headings) >= 4:
        opener = rng.choice(["TEASER", "COLD OPEN"])
        cuts = sorted(rng.sample(headings[1:], min(len(headings) - 1, rng.randint(1, 3))))
        inserts.setdefault(headings[0], []).append([Paragraph("act", [opener])])
        previous = f"END OF {opener}"
        for n, k in enumerate(cuts):
            inserts.setdefault(k, []).extend([[Paragraph("act", [previous])], [Paragraph("act", [f"ACT {_ACTS[n]}"])]])
            previous = f"END OF ACT {_ACTS[n]}"
        inserts.setdefault(len(blocks), []).append([Paragraph("act", [rng.choice([previous, "END OF SHOW"])])])
    if omitted and len(headings) >= 3:
        for k in rng.sample(headings[1:], min(len(headings) - 1, rng.randint(1, 2))):
            inserts.setdefault(k, []).append([Paragraph("omitted", ["OMITTED"])])
    out: list[list[Paragraph]] = []
    for k, block in enumerate(blocks):
        out.extend(inserts.get(k, []))
        out.append(block)
    out.extend(inserts.get(len(blocks), []))
    return out


_TABS = {"heading": 1, "action": 1, "shot": 1, "dialogue": 3, "paren": 3, "character": 5, "transition": 8,
         "center": 4, "act": 5, "omitted": 1, "title": 4, "number": 9, "furniture": 6}


def _tabify(text: str, kind: str) -> str:
    return "\t" * _TABS.get(kind, 1) + text.lstrip()


def _paginate(lines: list[_Out], lay: Layout, rng: random.Random, title: str) -> list[_Out]:
    """Cut into pages with page numbers, CONTINUEDs and (MORE)/(CONT'D) dialogue splits."""
    scene = ""
    numbered = lay.scene_numbers in ("left", "both")
    header = rng.choice([f'"{title}" Rev. 3/12/24 (BLUE)', "PINK REVISIONS 11/04/23", "Draft 8/19/24",
                         f"{title} - Prod. Draft 8/19/24", "Rev. 3/12/24 (BLUE)"])
    body = lay.page_len - 4
    pages: list[list[_Out]] = []
    page: list[_Out] = []
    cue = ""
    in_dialogue = False
    in_scene = False
    for line in lines:
        if line.type is T.CHARACTER:
            cue = line.text.strip()
            in_dialogue = True
        elif line.type in (T.SCENE_HEADING, T.ACTION, T.TRANSITION, T.SHOT):
            in_dialogue = False
        if line.type is T.SCENE_HEADING:
            in_scene = True
            m = re.match(r"\s*(\d+[A-Z]?)\.?\s", line.text)
            scene = m.group(1) if m and numbered else ""
        if len(page) >= body and line.type is not T.BLANK:
            tail: list[_Out] = []
            head: list[_Out] = []
            if in_dialogue and line.type in (T.DIALOGUE, T.PARENTHETICAL) and lay.more:
                tail.append(_Out(" " * lay.cue + "(MORE)", T.OTHER, False, "character"))
                head.append(_Out(" " * lay.cue + _contd(cue, lay.cue_contd_lower), T.CHARACTER, lay.html, "character"))
            elif lay.continueds and in_scene and line.type is not T.SCENE_HEADING:
                tail.extend([_Out("", T.BLANK), _Out(" " * max(0, lay.right - 11) + "(CONTINUED)", T.OTHER, False,
                                                       "transition")])
                cont = "CONTINUED:" if not scene else (" " * max(0, lay.heading - 6) + scene.ljust(6)).lstrip() \
                    + "CONTINUED:"
                if scene and lay.scene_numbers == "both":
                    cont = cont.ljust(lay.right - lay.action + 2) + scene
                head.extend([_Out(" " * (lay.action if not scene else max(0, lay.heading - 6)) + cont, T.OTHER,
                                  False, "action"), _Out("", T.BLANK)])
            page.extend(tail)
            pages.append(page)
            page = head
        if not page and line.type is T.BLANK:
            continue
        page.append(line)
    if page:
        pages.append(page)
    out: list[_Out] = []
    for n, pg in enumerate(pages, start=1):
        num = f"{n}."
        if lay.page_number == "top_right" and n > 1:
            out.append(_Out(" " * max(0, lay.right - len(num)) + num, T.OTHER, False, "number"))
            out.append(_Out("", T.BLANK))
        elif lay.page_number == "page_word" and n > 1:
            out.append(_Out(" " * max(0, lay.right - 8) + f"Page {n}", T.OTHER, False, "number"))
            out.append(_Out("", T.BLANK))
        elif lay.page_number == "header" and n > 1:
            out.append(_Out(" " * lay.action + header + " " * rng.choice([3, 10, 20]) + num, T.OTHER, False,
                            "number"))
            out.append(_Out("", T.BLANK))
        out.extend(pg)
        if n < len(pages):
            pad = lay.page_len - len(pg) - 2 if rng.random() < 0.5 else 1
            out.extend(_Out("", T.BLANK) for _ in range(max(1, pad)))
            if lay.page_number == "bottom_dash":
                out.append(_Out(" " * (lay.action + 28) + f"- {n} -", T.OTHER, False, "number"))
                out.append(_Out("", T.BLANK))
            elif lay.page_number == "bottom_plain":
                out.append(_Out(" " * (lay.action + 30) + str(n), T.OTHER, False, "number"))
                out.append(_Out("", T.BLANK))
    return out


def to_html(lines: Sequence[str], bold: Sequence[bool], *, next_line_close: bool = False) -> bytes:
    """An IMSDB-shaped page around the rendered lines, ``<b>`` on headings and cues.

    Both ways IMSDB writes it occur: ``<b>`` closed on its own line, or ``</b>`` opening the
    next line (so the tag sits in the next line's indentation).
    """
    body = []
    close_next = False
    for k, (line, b) in enumerate(zip(lines, bold, strict=True)):
        text = html.escape(line, quote=False)
        if close_next:
            text = "</b>" + text
            close_next = False
        if b:
            stripped = text.lstrip()
            lead = text[:len(text) - len(stripped)]
            if next_line_close and k + 1 < len(lines):
                text = f"<b>{lead}{stripped}"
                close_next = True
            else:
                text = f"{lead}<b>{stripped}</b>" if k % 2 else f"<b>{lead}{stripped}</b>"
        body.append(text)
    page = ("<html><head><title>Script at IMSDb.</title></head><body><table><tr>"
            "<td class=\"scrtext\"><pre>" + "\n".join(body) + "</pre></td></tr></table></body></html>")
    return page.encode("utf-8")


def stitched(scripts: Sequence[Script], rng: random.Random, blocks: int = 1500) -> Script:
    """A feature-length script from shorter ones: their scenes one after another (the scripts in
    shuffled order, again and again until about ``blocks`` blocks), under the first one's title.

    Long documents show what shorts do not: page furniture repeated hundreds of times, dozens of
    speakers whose names recur as cues hundreds of times, many secondary slugs, a scene count in
    the hundreds, and document-level statistics (margins, cue vocabulary, how the script marks
    its headings) drawn from thousands of lines. Each script keeps its own element types."""
    pool: list[list[Paragraph]] = []
    while len(pool) < blocks:
        order = list(scripts)
        rng.shuffle(order)
        for script in order:
            pool.extend(script.blocks)
            if len(pool) >= blocks:
                break
    first = scripts[0]
    return Script(f"{first.name}+{len(scripts) - 1}", list(first.title), pool)


_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "their", "its", "our", "two", "three", "another"})
_PLAIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'’-]*$")
#: Words that do not end a noun phrase, and words that may follow one (a preposition, a
#: relative pronoun, or a verb in -s/-ing/-ed): ``A FAT CATFISH`` / ``swimming at his feet``.
_FUNCTION_WORDS = frozenset({
    "and", "or", "but", "nor", "so", "yet", "in", "on", "at", "to", "of", "with", "by", "for", "from", "into",
    "onto", "as", "than", "then", "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does",
    "did", "that", "which", "who", "whom", "whose", "it", "he", "she", "they", "we", "you", "i", "not", "very",
    "the", "a", "an", "his", "her", "their", "its", "our", "this", "these", "those", "there", "here", "up",
    "down", "out", "off", "over", "under", "through", "about", "like", "all", "some", "no"})
_AFTER_PHRASE = frozenset({"in", "on", "at", "with", "by", "from", "into", "onto", "over", "under", "through",
                           "across", "behind", "beside", "near", "past", "which", "that", "who", "we", "as"})


def _noun_phrase(phrase: list[str], rest: list[str]) -> bool:
    """A determiner and plain content words, then lower-case prose that can follow a noun."""
    follow = rest[0] if rest else ""
    return (len(rest) >= 2 and follow[:1].islower() and all(_PLAIN_WORD.match(w) for w in phrase)
            and not any(w.lower() in _FUNCTION_WORDS for w in phrase[1:])
            and (follow in _AFTER_PHRASE or follow.endswith(("s", "ing", "ed"))))


def run_in_capitals(script: Script, rng: random.Random, rate: float) -> Script:
    """Training data for a writing habit that the sources show too rarely to learn from: words of
    an action sentence set on a line of their own in capitals, the sentence running through them
    (``... looks up to see`` / ``THE OLD LANTERN`` / ``swinging on its hook.``, or
    ``THE MAZDA`` / ``begins to roll.``). About ``rate`` of the action paragraphs that have such a
    noun phrase (a determiner and one or two plain words, then a preposition, a relative
    pronoun or a verb in lower case) are split there; all three parts are action, as the slug convention labels a slug a
    sentence runs through (:func:`scenescore.segment.lines.slug_kind`)."""
    blocks: list[list[Paragraph]] = []
    for block in script.blocks:
        para = block[0]
        if len(block) != 1 or para.kind != "action" or rng.random() >= rate:
            blocks.append(block)
            continue
        words = " ".join(para.lines).split()
        starts = [i for i, w in enumerate(words[:-3]) if w.lower() in _DETERMINERS
                  and (i == 0 or _PLAIN_WORD.match(words[i - 1]))]
        rng.shuffle(starts)
        cut = next(((i, size) for i in starts for size in rng.sample((2, 3), 2)
                    if _noun_phrase(words[i:i + size], words[i + size:])), None)
        if cut is None:
            blocks.append(block)
            continue
        i, size = cut
        if i:
            blocks.append([Paragraph("action", [" ".join(words[:i])])])
        blocks.append([Paragraph("action", [" ".join(words[i:i + size]).upper()])])
        blocks.append([Paragraph("action", [" ".join(words[i + size:])])])
    return replace(script, blocks=blocks)


def rendering(script: Script, seed: int, klass: str | None = None
              ) -> tuple[list[str], list[ElementType], list[bool] | None, Layout]:
    """One random rendering as the readers would return it: lines, gold types, bold flags."""
    rng = random.Random(seed)
    klass = klass or rng.choice(LAYOUT_CLASSES)
    excerpt = klass == "excerpt"
    lay = random_layout(rng, rng.choice(LAYOUT_CLASSES[:-1]) if excerpt else klass)
    if excerpt:
        lay = replace(lay, name="excerpt")
    lines, types, bold = render(script, lay, rng, excerpt=excerpt)
    if lay.tabs:
        lines = [line.expandtabs(8) for line in lines]
    if lay.html:
        from scenescore.ingest.html import read_html

        doc = read_html(to_html(lines, bold, next_line_close=lay.bold_next_line), "<rendered>")
        if len(doc.lines) == len(lines):
            return list(doc.lines), types, list(doc.bold or []), lay
        return lines, types, bold, lay
    return lines, types, None, lay
