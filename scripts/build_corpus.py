#!/usr/bin/env python3
"""Build the sample screenplay corpus with gold line labels.

Reads ``corpus/sample/sample.tagged`` (one screenplay element per line,
``TAG<TAB>text``) and renders the same script as Fountain, Final Draft XML,
an indented plain-text printout, a flattened (indentation lost) text, an
IMSDb-shaped HTML page and a PDF.  For every format it also writes a gold
file (``sample.<fmt>.gold.jsonl``) labelling each line of that format's
normalized text, and ``sample.scenes.gold.json`` with one record per scene.

The labels are known by construction: nothing here parses the outputs.

Usage::

    python scripts/build_corpus.py            # regenerate corpus/sample/
    python scripts/build_corpus.py --check    # fail if outputs are stale

Only the standard library and ``fpdf2`` (dev dependency) are needed.  The
output is byte-for-byte deterministic.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import html as _html
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as _xml_escape

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = ROOT / "corpus" / "sample"
SOURCE = SAMPLE_DIR / "sample.tagged"

# --------------------------------------------------------------------------
# Plain-text page layout.  A "column" below is a 0-based character index,
# i.e. the number of spaces before the text (10 characters = 1 inch).
# --------------------------------------------------------------------------
PAGE_LINES = 55  # lines per page (title page included)
COL_ACTION = 15  # action, scene headings, shots, CONTINUED:, FADE IN:
COL_DIALOGUE = 25
COL_PAREN = 30
COL_CUE = 37  # character cues and (MORE)
RIGHT_EDGE = 75  # transitions, page numbers, (CONTINUED) end here (exclusive)
COL_SCENE_NUM_LEFT = 10  # left scene number starts here
COL_SCENE_NUM_RIGHT = 75  # right scene number starts here
COL_REVISION = 78  # revision asterisk
DUAL_LEFT_CUE, DUAL_LEFT_DIALOGUE = 24, 17
DUAL_RIGHT_CUE, DUAL_RIGHT_DIALOGUE = 54, 47
DUAL_WIDTH = 28
BODY_FIRST, BODY_LAST = 3, 52  # 1-based page lines available for the script body
CONTINUED_LINE = 54  # 1-based page line of "(CONTINUED)"

MAX_WIDTH = {"A": 58, "D": 35, "P": 26, "H": 56, "S": 58, "T": 40, "C": 30}

# Final Draft: scene numbers (Number="..") only on the first scenes, as in a
# draft whose numbering was locked part-way through.
FDX_NUMBERED_SCENES = 12
FDX_SPLIT_EVERY = 7  # every 7th paragraph (offset 3) gets a mid-word run split
SOUND_WORDS = {
    "RINGS",
    "BEEPS",
    "SPLASH",
    "WHISTLES",
    "WHISTLING",
    "HISS",
    "CRASH",
    "BANG",
    "BANGS",
    "CRACKS",
}

FIXED_DATE = _dt.datetime(2025, 3, 3, 12, 0, 0, tzinfo=_dt.UTC)

TIMES_OF_DAY = {
    "DAY",
    "NIGHT",
    "DAWN",
    "DUSK",
    "MORNING",
    "EVENING",
    "AFTERNOON",
    "CONTINUOUS",
    "LATER",
    "MOMENTS LATER",
    "SAME",
}
TIMELINES = {"present", "flashback", "flashforward", "dream", "montage", "intercut"}

GOLD_TYPES = {
    "scene_heading",
    "action",
    "character",
    "dialogue",
    "parenthetical",
    "transition",
    "shot",
    "metadata",
    "other",
    "blank",
}


# --------------------------------------------------------------------------
# Source model
# --------------------------------------------------------------------------
@dataclass
class Element:
    """One screenplay element (a paragraph) of the tagged source."""

    kind: str  # TITLE H A AC C P D T S BLANK FOUNTAIN
    lines: list[str]  # source lines (already wrapped by the author)
    rev: list[bool] = field(default_factory=list)  # revision mark per line
    scene: int = -1  # index of the scene this element belongs to
    dual: bool = False  # character cue of the second speaker of a dual block
    timeline: str | None = None  # scene headings only

    @property
    def text(self) -> str:
        """Whole paragraph, wrapped lines joined with spaces (markup kept)."""
        return " ".join(self.lines)


@dataclass
class Scene:
    index: int
    heading: str
    number: str
    timeline: str
    characters: set[str] = field(default_factory=set)
    n_dialogue_blocks: int = 0


_EMPH_RE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*|_(.+?)_")


def emphasis_runs(text: str) -> list[tuple[str, str]]:
    """Split Fountain emphasis markup into (style, text) runs."""
    runs: list[tuple[str, str]] = []
    pos = 0
    for m in _EMPH_RE.finditer(text):
        if m.start() > pos:
            runs.append(("", text[pos : m.start()]))
        if m.group(1) is not None:
            runs.append(("Bold", m.group(1)))
        elif m.group(2) is not None:
            runs.append(("Italic", m.group(2)))
        else:
            runs.append(("Underline", m.group(3)))
        pos = m.end()
    if pos < len(text):
        runs.append(("", text[pos:]))
    return runs


def plain(text: str) -> str:
    """Text with Fountain emphasis markup removed."""
    return "".join(t for _, t in emphasis_runs(text))


def parse_source(path: Path) -> tuple[list[tuple[str, str]], list[Element], list[Scene]]:
    title: list[tuple[str, str]] = []
    elements: list[Element] = []
    scenes: list[Scene] = []
    pending_timeline: str | None = None
    pending_rev = False
    pending_dual = False
    scene = -1
    raw_lines = path.read_text(encoding="utf-8").split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    for lineno, raw in enumerate(raw_lines, 1):
        where = f"{path.name}:{lineno}"
        tag, _, text = raw.partition("\t")
        if tag == "@timeline":
            if text not in TIMELINES:
                raise SystemExit(f"{where}: unknown timeline {text!r}")
            pending_timeline = text
            continue
        if tag == "@rev":
            pending_rev = True
            continue
        if tag == "@fountain":
            elements.append(Element("FOUNTAIN", [text], [False], scene))
            continue
        if tag == "DUAL":
            pending_dual = True
            continue
        if tag == "TITLE_KEY":
            key, _, value = text.partition(": ")
            title.append((key, value))
            continue
        if tag == "BLANK":
            elements.append(Element("BLANK", [""], [False], scene))
            continue
        if tag not in {"H", "A", "AC", "C", "P", "D", "T", "S"}:
            raise SystemExit(f"{where}: unknown tag {tag!r}")
        if not text.strip() or text != text.strip():
            raise SystemExit(f"{where}: empty text or stray spaces")
        width = MAX_WIDTH.get(tag)
        if width is not None and len(plain(text)) > width:
            raise SystemExit(f"{where}: {tag} line longer than {width}: {text!r}")
        if text.count("*") % 2 or text.count("_") % 2:
            raise SystemExit(f"{where}: unbalanced emphasis markup")
        rev, pending_rev = pending_rev, False
        if tag == "H":
            if pending_timeline is None:
                raise SystemExit(f"{where}: scene heading without @timeline")
            scene += 1
            scenes.append(Scene(scene, text, str(scene + 1), pending_timeline))
            elements.append(Element("H", [text], [rev], scene, timeline=pending_timeline))
            pending_timeline = None
            continue
        prev = elements[-1] if elements else None
        # consecutive A lines (or D lines) form one paragraph
        if tag in {"A", "D"} and prev is not None and prev.kind == tag:
            prev.lines.append(text)
            prev.rev.append(rev)
            continue
        el = Element(tag, [text], [rev], scene)
        if tag == "C":
            el.dual, pending_dual = pending_dual, False
            if scene < 0:
                raise SystemExit(f"{where}: dialogue before the first scene")
            scenes[scene].characters.add(cue_name(text))
            scenes[scene].n_dialogue_blocks += 1
        elements.append(el)
    return title, elements, scenes


_EXT_RE = re.compile(r"\s*\([^)]*\)\s*$")


def cue_name(cue: str) -> str:
    """Character name without extensions such as (V.O.) or (CONT'D)."""
    name = cue
    while True:
        stripped = _EXT_RE.sub("", name)
        if stripped == name:
            return name.strip()
        name = stripped


def cont_cue(cue: str) -> str:
    """Cue repeated at the top of a page after a dialogue page break."""
    base = cue
    if base.endswith("(CONT'D)"):
        return base
    return f"{base} (CONT'D)"


def heading_fields(heading: str) -> dict[str, str | None]:
    """Decompose a scene heading into int_ext / location / time_of_day."""
    rest = heading
    int_ext = None
    for prefix, norm in (
        ("INT./EXT. ", "INT/EXT"),
        ("I/E ", "INT/EXT"),
        ("INT. ", "INT"),
        ("EXT. ", "EXT"),
    ):
        if rest.startswith(prefix):
            int_ext, rest = norm, rest[len(prefix) :]
            break
    rest = re.sub(r"\s*\((FLASHBACK|DREAM|PRESENT)\)$", "", rest)
    parts = rest.split(" - ")
    if len(parts) > 1 and re.fullmatch(r"(19|20)\d\d", parts[-1]):
        parts.pop()
    time_of_day = None
    if int_ext is not None and len(parts) > 1 and parts[-1] in TIMES_OF_DAY:
        time_of_day = parts.pop()
    return {"int_ext": int_ext, "location": " - ".join(parts), "time_of_day": time_of_day}


# --------------------------------------------------------------------------
# Plain-text layout (txt, flat, html and pdf share it)
# --------------------------------------------------------------------------
@dataclass
class BodyLine:
    text: str  # fully rendered line
    type: str  # gold type
    kind: str  # source element kind, "B" for blank, "DUAL" for dual rows
    scene: int
    unit: int  # lines of one unit stay together (except dialogue splits)
    cue: str | None = None  # for dialogue-block lines: the block's cue
    keep: bool = False  # keep with the next element (never last on a page)


def with_rev(line: str, rev: bool) -> str:
    if not rev:
        return line
    return line.ljust(COL_REVISION) + "*"


def right(text: str, edge: int = RIGHT_EDGE) -> str:
    return " " * (edge - len(text)) + text


def heading_line(heading: str, number: str) -> str:
    line = " " * COL_SCENE_NUM_LEFT + number
    line = line.ljust(COL_ACTION) + heading
    return line.ljust(COL_SCENE_NUM_RIGHT) + number


def is_marker(el: Element) -> bool:
    """Timeline markers that open something (BEGIN FLASHBACK:, DREAM SEQUENCE)."""
    text = el.text
    return (
        len(el.lines) == 1
        and text.upper() == text
        and (text.endswith(":") or text in {"DREAM SEQUENCE", "MONTAGE"})
    )


def layout_body(elements: list[Element], scenes: list[Scene]) -> list[BodyLine]:
    body: list[BodyLine] = []
    unit = 0
    i = 0
    n = len(elements)
    while i < n:
        el = elements[i]
        unit += 1
        if el.kind == "FOUNTAIN":
            i += 1
            continue
        if el.kind == "BLANK":
            body.append(BodyLine("", "blank", "B", el.scene, unit))
            i += 1
            continue
        if el.kind == "H":
            line = heading_line(el.lines[0], scenes[el.scene].number)
            body.append(BodyLine(with_rev(line, el.rev[0]), "scene_heading", "H", el.scene, unit))
            i += 1
            continue
        if el.kind in {"A", "S"}:
            gold = "action" if el.kind == "A" else "shot"
            keep = el.kind == "A" and is_marker(el)
            for text, rev in zip(el.lines, el.rev, strict=True):
                line = " " * COL_ACTION + plain(text)
                body.append(BodyLine(with_rev(line, rev), gold, el.kind, el.scene, unit, keep=keep))
            i += 1
            continue
        if el.kind == "AC":
            text = plain(el.lines[0])
            line = " " * ((COL_ACTION + RIGHT_EDGE - len(text)) // 2) + text
            body.append(BodyLine(with_rev(line, el.rev[0]), "action", "AC", el.scene, unit))
            i += 1
            continue
        if el.kind == "T":
            text = el.lines[0]
            line = " " * COL_ACTION + text if text == "FADE IN:" else right(text)
            body.append(BodyLine(with_rev(line, el.rev[0]), "transition", "T", el.scene, unit))
            i += 1
            continue
        if el.kind == "C":
            # dialogue block: C followed by P/D elements
            j = i + 1
            while j < n and elements[j].kind in {"P", "D"}:
                j += 1
            block = elements[i:j]
            if j < n and elements[j].kind == "C" and elements[j].dual:
                k = j + 1
                while k < n and elements[k].kind in {"P", "D"}:
                    k += 1
                body.extend(layout_dual(block, elements[j:k], unit))
                i = k
                continue
            cue = el.lines[0]
            for b in block:
                for text, rev in zip(b.lines, b.rev, strict=True):
                    col = {"C": COL_CUE, "P": COL_PAREN, "D": COL_DIALOGUE}[b.kind]
                    gold = {"C": "character", "P": "parenthetical", "D": "dialogue"}[b.kind]
                    line = " " * col + plain(text)
                    body.append(BodyLine(with_rev(line, rev), gold, b.kind, el.scene, unit, cue))
            i = j
            continue
        raise SystemExit(f"layout: unexpected element {el.kind} {el.lines!r}")
    return body


def layout_dual(left: list[Element], right_: list[Element], unit: int) -> list[BodyLine]:
    """Side-by-side dual dialogue (cues and dialogue only)."""
    for b in left + right_:
        if b.kind == "P":
            raise SystemExit("dual dialogue may not contain parentheticals")
        for t in b.lines:
            if len(plain(t)) > DUAL_WIDTH:
                raise SystemExit(f"dual dialogue line too long: {t!r}")

    def rows(block: list[Element]) -> list[str]:
        return [plain(t) for b in block[1:] for t in b.lines]

    lrows, rrows = rows(left), rows(right_)
    scene = left[0].scene
    out = []
    cue_line = (" " * DUAL_LEFT_CUE + left[0].lines[0]).ljust(DUAL_RIGHT_CUE) + right_[0].lines[0]
    out.append(BodyLine(cue_line, "character", "DUAL", scene, unit))
    for r in range(max(len(lrows), len(rrows))):
        lt = lrows[r] if r < len(lrows) else ""
        rt = rrows[r] if r < len(rrows) else ""
        line = (" " * DUAL_LEFT_DIALOGUE + lt) if lt else ""
        if rt:
            line = line.ljust(DUAL_RIGHT_DIALOGUE) + rt
        out.append(BodyLine(line, "dialogue", "DUAL", scene, unit))
    return out


def title_page_lines(title: list[tuple[str, str]]) -> list[tuple[str, str]]:
    values: dict[str, list[str]] = {}
    for key, value in title:
        values.setdefault(key, []).append(value)
    page = [("", "blank")] * PAGE_LINES
    page = list(page)

    def centred(text: str) -> str:
        return " " * ((COL_ACTION + RIGHT_EDGE - len(text)) // 2) + text

    def put(lineno: int, text: str) -> None:
        page[lineno - 1] = (text, "metadata")

    put(20, centred(values["Title"][0]))
    put(23, centred(values.get("Credit", ["written by"])[0]))
    put(25, centred(values["Author"][0]))
    row = 46
    for v in values.get("Draft date", []):
        put(row, " " * COL_ACTION + v)
        row += 1
    row += 1
    for v in values.get("Contact", []):
        put(row, " " * COL_ACTION + v)
        row += 1
    return page


def paginate(body: list[BodyLine]) -> list[list[tuple[str, str]]]:
    """Break the body into pages of PAGE_LINES lines (the last one unpadded)."""
    pages: list[list[tuple[str, str]]] = []
    n = len(body)
    i = 0
    continued = False  # the page starts inside a scene
    carry_cue: str | None = None  # dialogue block split over the page break
    page_no = 0

    def last_nonblank(a: int, b: int) -> int | None:
        for x in range(b - 1, a - 1, -1):
            if body[x].kind != "B":
                return x
        return None

    def next_nonblank(a: int) -> int | None:
        for x in range(a, n):
            if body[x].kind != "B":
                return x
        return None

    while True:
        while i < n and body[i].kind == "B":
            i += 1
        if i >= n:
            break
        page_no += 1
        page: list[tuple[str, str]] = []
        page.append((right(f"{page_no}."), "other") if page_no > 1 else ("", "blank"))
        page.append(("", "blank"))
        if continued:
            page.append((" " * COL_ACTION + "CONTINUED:", "other"))
            page.append(("", "blank"))
        if carry_cue is not None:
            page.append((" " * COL_CUE + cont_cue(carry_cue), "character"))
        capacity = BODY_LAST - BODY_FIRST + 1 - (len(page) - 2)

        best: tuple[int, bool] | None = None
        for k in range(i + 1, n + 1):
            if body[k - 1].kind == "B":
                continue
            split = k < n and body[k].unit == body[k - 1].unit
            used = k - i + (1 if split else 0)
            if used > capacity:
                break
            if k < n:
                if split and not (body[k - 1].kind == "D" and body[k].kind in {"D", "P"}):
                    continue
                last = last_nonblank(i, k)
                if last is None or body[last].kind in {"H", "S", "C", "P"} or body[last].keep:
                    continue
                nxt = next_nonblank(k)
                if nxt is not None and body[nxt].kind == "T":
                    continue
            best = (k, split)
        if best is None:
            raise SystemExit(f"cannot paginate near body line {i}: {body[i].text!r}")
        k, split = best
        for bl in body[i:k]:
            page.append((bl.text, bl.type))
        if split:
            page.append((" " * COL_CUE + "(MORE)", "other"))
            carry_cue = body[k].cue
        else:
            carry_cue = None
        nxt = next_nonblank(k)
        last = last_nonblank(i, k)
        continued = (
            nxt is not None
            and body[nxt].kind != "H"
            and body[last].scene >= 0
            and body[nxt].scene == body[last].scene
        )
        if nxt is None:
            pages.append(page)  # last page: not padded
            break
        while len(page) < BODY_LAST:
            page.append(("", "blank"))
        page.append(("", "blank"))
        page.append((right("(CONTINUED)"), "other") if continued else ("", "blank"))
        page.append(("", "blank"))
        assert len(page) == PAGE_LINES, len(page)
        pages.append(page)
        i = k
    return pages


# --------------------------------------------------------------------------
# Renderers
# --------------------------------------------------------------------------
def render_txt(title, elements, scenes):
    body = layout_body(elements, scenes)
    pages = [title_page_lines(title)] + paginate(body)
    return pages


def render_fountain(title, elements, scenes) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    values: dict[str, list[str]] = {}
    order: list[str] = []
    for key, value in title:
        if key not in values:
            order.append(key)
        values.setdefault(key, []).append(value)
    for key in order:
        vals = values[key]
        if len(vals) == 1:
            out.append((f"{key}: {vals[0]}", "metadata"))
        else:
            out.append((f"{key}:", "metadata"))
            out.extend((f"    {v}", "metadata") for v in vals)
    out.append(("", "blank"))
    for el in elements:
        if el.kind == "FOUNTAIN":
            text = el.lines[0]
            out.append((text, "other" if text.strip() else "blank"))
        elif el.kind == "BLANK":
            out.append(("", "blank"))
        elif el.kind == "H":
            heading = el.lines[0]
            if not re.match(r"(INT|EXT|EST|INT\./EXT|INT/EXT|I/E)[. ]", heading):
                heading = "." + heading
            out.append((f"{heading} #{scenes[el.scene].number}#", "scene_heading"))
        elif el.kind == "A":
            out.append((el.text, "action"))
        elif el.kind == "AC":
            out.append((f"> {el.text} <", "action"))
        elif el.kind == "S":
            out.append((el.text, "shot"))
        elif el.kind == "T":
            text = el.text
            out.append((text if text.endswith("TO:") else ">" + text, "transition"))
        elif el.kind == "C":
            cue = el.text
            if re.search(r"[a-z]", cue_name(cue)):
                cue = "@" + cue
            if el.dual:
                out.append(("", "blank"))
                cue += " ^"
            out.append((cue, "character"))
        elif el.kind == "P":
            out.append((el.text, "parenthetical"))
        elif el.kind == "D":
            out.append((el.text, "dialogue"))
        else:
            raise SystemExit(f"fountain: unexpected element {el.kind}")
    return out


def smart_quotes(text: str) -> str:
    out = []
    for idx, ch in enumerate(text):
        prev = text[idx - 1] if idx else " "
        opening = prev.isspace() or prev in "([{—-"
        if ch == '"':
            out.append("\u201c" if opening else "\u201d")
        elif ch == "'":
            out.append("\u2018" if opening else "\u2019")
        else:
            out.append(ch)
    return "".join(out)


FDX_TYPES = {
    "H": "Scene Heading",
    "A": "Action",
    "AC": "General",
    "C": "Character",
    "P": "Parenthetical",
    "D": "Dialogue",
    "T": "Transition",
    "S": "Shot",
}
GOLD_OF_KIND = {
    "H": "scene_heading",
    "A": "action",
    "AC": "action",
    "C": "character",
    "P": "parenthetical",
    "D": "dialogue",
    "T": "transition",
    "S": "shot",
}


def fdx_runs(el: Element, para_index: int) -> list[tuple[str, str]]:
    runs = emphasis_runs(el.text)
    if el.kind in {"A", "D", "P"}:
        runs = [(style, smart_quotes(t)) for style, t in runs]
    if el.kind == "A":
        # sound cues set in bold
        bolded: list[tuple[str, str]] = []
        for style, t in runs:
            if style:
                bolded.append((style, t))
                continue
            pos = 0
            for m in re.finditer(r"\b[A-Z]{3,}\b", t):
                if m.group(0) in SOUND_WORDS:
                    if m.start() > pos:
                        bolded.append(("", t[pos : m.start()]))
                    bolded.append(("Bold", m.group(0)))
                    pos = m.end()
            if pos < len(t):
                bolded.append(("", t[pos:]))
        runs = bolded
    if para_index % FDX_SPLIT_EVERY == 3:
        # split the longest plain run in the middle of a word
        best = max(range(len(runs)), key=lambda r: (runs[r][0] == "", len(runs[r][1])))
        style, t = runs[best]
        if len(t) >= 8:
            mid = len(t) // 2
            cut = None
            for off in range(len(t)):
                for c in (mid + off, mid - off):
                    if 0 < c < len(t) and t[c - 1].isalpha() and t[c].isalpha():
                        cut = c
                        break
                if cut is not None:
                    break
            if cut is not None:
                runs[best : best + 1] = [(style, t[:cut]), (style, t[cut:])]
    return runs


def fdx_paragraph(
    ptype: str | None, runs: list[tuple[str, str]], indent: str, extra: str = ""
) -> list[str]:
    attrs = extra
    if ptype is not None:
        attrs += f' Type="{ptype}"'
    lines = [f"{indent}<Paragraph{attrs}>"]
    for style, t in runs:
        style_attr = f' Style="{style}"' if style else ""
        lines.append(f"{indent}  <Text{style_attr}>{_xml_escape(t)}</Text>")
    lines.append(f"{indent}</Paragraph>")
    return lines


def render_fdx(title, elements, scenes) -> tuple[str, list[tuple[str, str]]]:
    xml: list[str] = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
        '<FinalDraft DocumentType="Script" Template="No" Version="5">',
        "",
        "  <Content>",
    ]
    gold_body: list[tuple[str, str]] = []
    para_index = 0
    i = 0
    items = [e for e in elements if e.kind not in {"BLANK", "FOUNTAIN"}]
    while i < len(items):
        el = items[i]
        # dual dialogue: both blocks inside one <DualDialogue>
        if el.kind == "C":
            j = i + 1
            while j < len(items) and items[j].kind in {"P", "D"}:
                j += 1
            if j < len(items) and items[j].kind == "C" and items[j].dual:
                k = j + 1
                while k < len(items) and items[k].kind in {"P", "D"}:
                    k += 1
                xml.append("    <Paragraph>")
                xml.append("      <DualDialogue>")
                for sub in items[i:k]:
                    runs = fdx_runs(sub, para_index)
                    para_index += 1
                    xml.extend(fdx_paragraph(FDX_TYPES[sub.kind], runs, "        "))
                    gold_body.append(("".join(t for _, t in runs), GOLD_OF_KIND[sub.kind]))
                xml.append("      </DualDialogue>")
                xml.append("    </Paragraph>")
                i = k
                continue
        runs = fdx_runs(el, para_index)
        para_index += 1
        extra = ""
        if el.kind == "H":
            number = scenes[el.scene].number
            if el.scene < FDX_NUMBERED_SCENES:
                extra = f' Number="{number}"'
        if el.kind == "AC":
            extra = ' Alignment="Center"'
        xml.extend(fdx_paragraph(FDX_TYPES[el.kind], runs, "    ", extra))
        gold_body.append(("".join(t for _, t in runs), GOLD_OF_KIND[el.kind]))
        i += 1
    xml.append("  </Content>")
    xml.append("")
    # title page (after the content, as Final Draft writes it)
    xml.append("  <TitlePage>")
    xml.append("    <Content>")
    gold_title: list[tuple[str, str]] = []
    values: dict[str, list[str]] = {}
    for key, value in title:
        values.setdefault(key, []).append(value)
    title_paras: list[tuple[str, str]] = [("Center", values["Title"][0])]
    title_paras.append(("Center", values.get("Credit", ["written by"])[0]))
    title_paras.append(("Center", values["Author"][0]))
    title_paras.extend(("Left", v) for v in values.get("Draft date", []))
    title_paras.extend(("Left", v) for v in values.get("Contact", []))
    for align, text in title_paras:
        xml.extend(fdx_paragraph(None, [("", text)], "      ", f' Alignment="{align}"'))
        gold_title.append((text, "metadata"))
    xml.append("    </Content>")
    xml.append("  </TitlePage>")
    xml.append("")
    # SmartType lists, as Final Draft keeps them (not script text)
    names = sorted({cue_name(e.text) for e in elements if e.kind == "C"})
    xml.append("  <SmartType>")
    xml.append("    <Characters>")
    xml.extend(f"      <Character>{_xml_escape(nm)}</Character>" for nm in names)
    xml.append("    </Characters>")
    xml.append("    <Extensions>")
    for ext in ("(V.O.)", "(O.S.)", "(O.C.)", "(CONT'D)"):
        xml.append(f"      <Extension>{_xml_escape(ext)}</Extension>")
    xml.append("    </Extensions>")
    xml.append("    <SceneIntros>")
    for intro in ("INT. ", "EXT. ", "INT./EXT. ", "I/E "):
        xml.append(f"      <SceneIntro>{intro.strip()}</SceneIntro>")
    xml.append("    </SceneIntros>")
    xml.append("    <TimesOfDay>")
    for tod in ("DAY", "NIGHT", "DAWN", "CONTINUOUS", "LATER", "MOMENTS LATER"):
        xml.append(f"      <TimeOfDay>{tod}</TimeOfDay>")
    xml.append("    </TimesOfDay>")
    xml.append("  </SmartType>")
    xml.append("")
    xml.append("</FinalDraft>")
    return "\n".join(xml) + "\n", gold_title + gold_body


def html_line(text: str, gold: str) -> str:
    esc = _html.escape(text, quote=False)
    if gold in {"scene_heading", "character"} and text.strip():
        return f"<b>{esc}</b>"
    return esc


def render_html(title, txt_lines: list[tuple[str, str]]) -> tuple[bytes, list[tuple[str, str]]]:
    values = dict(title)
    name = values["Title"].title().replace(" The ", " the ")
    author = values["Author"]
    # IMSDb pages start the <pre> at the first text line
    first = next(x for x, (t, _) in enumerate(txt_lines) if t.strip())
    pre_lines = txt_lines[first:]
    pre = "\n".join(html_line(t, g) for t, g in pre_lines)
    head = f"""<html>
<head>
<title>{name} Script at IMSDb.</title>
<meta name="description" content="{name} script at the Internet Movie Script Database.">
<meta name="keywords" content="{name}, script, screenplay, Drama">
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<link href="/style.css" rel="stylesheet" type="text/css">
</head>

<body topmargin="0" bottommargin="0" id="mainbody">

<table width="99%" border="0" cellspacing="0" cellpadding="0" class="body">
  <tr>
    <td valign="bottom" bgcolor="#FF0000"><a href="/" title="The Internet Movie Script Database"><img src="/images/logo_top.gif" border="0"></a></td>
    <td bgcolor="#FF0000">
      <center>
        <font color="#FFFFFF"><h1>The Internet Movie Script Database (IMSDb)</h1></font>
      </center>
    </td>
  </tr>
  <tr>
    <td valign="top" width="170">
      <table class="body" border="0" cellspacing="0" cellpadding="0" width="100%">
        <tr><td class="heading">Search IMSDb</td></tr>
        <tr><td>
          <form method="post" action="/search.php">
            <input type="text" name="search_query" maxlength="255" size="15">
            <input type="submit" value="Go!" name="submit">
          </form>
        </td></tr>
      </table>
      <br>
      <table width="100%" class="body">
        <tr><td colspan="9" class="heading">Navigation</td></tr>
        <tr><td><a href="/" title="Home">Home</a></td></tr>
        <tr><td><a href="/genre/" title="Scripts by genre">Genre</a></td></tr>
        <tr><td><a href="/alphabetical/0" title="Scripts by title">Alphabetical</a></td></tr>
        <tr><td><a href="/all-scripts.html" title="All scripts">All scripts</a></td></tr>
      </table>
    </td>
    <td width="10"></td>
    <td valign="top">
<table width="100%"><tr><td class="scrtext">
<pre>"""
    foot = f"""</pre>
<table width="85%" class="script-details">
<tr><td align="center" colspan="2"><h1>{name}</h1></td></tr>
<tr><td align="left" valign="top" colspan="2">
<b>Writers</b> : <a href="/writer.php?w={author.replace(" ", "%20")}" title="Scripts by {author}">{author}</a><br>
<b>Genres</b> : <a href="/genre/Drama" title="Drama Scripts">Drama</a><br><br>
<a href="/Movie%20Scripts/{name.replace(" ", "%20")}%20Script.html">Read &quot;{name}&quot; Script</a>
</td></tr>
</table>
</td></tr></table>
    </td>
  </tr>
</table>

</body>
</html>
"""
    doc = (head + pre + foot).replace("\n", "\r\n")
    data = doc.encode("iso-8859-1", errors="xmlcharrefreplace")
    return data, pre_lines


def render_pdf(pages: list[list[tuple[str, str]]]) -> bytes:
    from fpdf import FPDF  # dev dependency

    class _PDF(FPDF):
        def file_id(self):  # fixed document id: deterministic output
            return "<5343454E4553434F5245434F52505553><5343454E4553434F5245434F52505553>"

    pdf = _PDF(orientation="portrait", unit="pt", format="letter")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_compression(False)
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_creator("scenescore scripts/build_corpus.py")
    pdf.set_producer("scenescore scripts/build_corpus.py")
    pdf.set_title("What the Lake Keeps")
    pdf.set_author("Maren Solvik")
    pdf.set_font("Courier", size=12)
    char_w = 7.2  # Courier 12 pt: 0.6 em = 7.2 pt = 1/10 inch
    for page in pages:
        pdf.add_page()
        for lineno, (text, _gold) in enumerate(page, 1):
            stripped = text.lstrip(" ")
            if not stripped.strip():
                continue
            col = len(text) - len(stripped)
            pdf.text(x=col * char_w, y=36 + 12 * lineno, text=stripped.rstrip())
    return bytes(pdf.output())


# --------------------------------------------------------------------------
# Gold writers
# --------------------------------------------------------------------------
def gold_jsonl(lines: list[tuple[str, str]]) -> str:
    out = []
    for n, (text, gold) in enumerate(lines, 1):
        if gold not in GOLD_TYPES:
            raise SystemExit(f"bad gold type {gold}")
        if not text.strip():
            gold = "blank"
        elif gold == "blank":
            raise SystemExit(f"line {n} is not blank: {text!r}")
        out.append(json.dumps({"line": n, "type": gold, "text": text}, ensure_ascii=False))
    return "\n".join(out) + "\n"


def scenes_gold(scenes: list[Scene]) -> str:
    records = []
    for s in scenes:
        rec: dict[str, object] = {"heading": s.heading, "number": s.number}
        rec["number_fdx"] = s.number if s.index < FDX_NUMBERED_SCENES else None
        rec.update(heading_fields(s.heading))
        rec["timeline"] = s.timeline
        rec["characters"] = sorted(s.characters)
        rec["n_dialogue_blocks"] = s.n_dialogue_blocks
        records.append(rec)
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def build() -> dict[str, bytes]:
    title, elements, scenes = parse_source(SOURCE)
    files: dict[str, bytes] = {}

    def text_file(lines: list[tuple[str, str]]) -> bytes:
        return ("\n".join(t for t, _ in lines) + "\n").encode("utf-8")

    fountain = render_fountain(title, elements, scenes)
    files["sample.fountain"] = text_file(fountain)
    files["sample.fountain.gold.jsonl"] = gold_jsonl(fountain).encode("utf-8")

    fdx, fdx_gold = render_fdx(title, elements, scenes)
    files["sample.fdx"] = fdx.encode("utf-8")
    files["sample.fdx.gold.jsonl"] = gold_jsonl(fdx_gold).encode("utf-8")

    pages = render_txt(title, elements, scenes)
    txt = [line for page in pages for line in page]
    files["sample.txt"] = text_file(txt)
    files["sample.txt.gold.jsonl"] = gold_jsonl(txt).encode("utf-8")

    flat = [(t.lstrip(), g) for t, g in txt]
    files["sample_flat.txt"] = text_file(flat)
    files["sample.flat.gold.jsonl"] = gold_jsonl(flat).encode("utf-8")

    html_bytes, html_lines = render_html(title, txt)
    files["sample.html"] = html_bytes
    files["sample.html.gold.jsonl"] = gold_jsonl(html_lines).encode("utf-8")

    files["sample.pdf"] = render_pdf(pages)
    files["sample.pdf.gold.jsonl"] = gold_jsonl(txt).encode("utf-8")

    files["sample.scenes.gold.json"] = scenes_gold(scenes).encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if any output differs"
    )
    args = parser.parse_args(argv)
    files = build()
    stale = []
    for name, data in files.items():
        path = SAMPLE_DIR / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.write_bytes(data)
    if args.check:
        for name in stale:
            print(f"stale: corpus/sample/{name}", file=sys.stderr)
        return 1 if stale else 0
    for name in files:
        print(f"wrote corpus/sample/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
