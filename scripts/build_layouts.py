"""Build the layout-variety evaluation set in ``eval/layouts/``.

    python scripts/build_layouts.py           # write every variant and its gold file
    python scripts/build_layouts.py --check   # exit 1 if any output is missing or stale

Four original short screenplays are written in a tagged source form
(``eval/layouts/src/<script>.tagged``, one element per line, ``TAG<TAB>text``). Each is rendered
in several layout conventions seen in real screenplay dumps (IMSDb HTML, numbered production
drafts with revision furniture, tab-indented Word exports, flattened text, pdftotext-like text).
Every rendered line carries the type of the element it came from, so the gold labels are known
by construction. Only the standard library is used; output is byte-for-byte deterministic.

Tags: ``M`` title-page line (centred), ``ML`` title-page line (left block: draft, contact),
``H`` scene heading (numbered), ``H2`` secondary slugline (not numbered), ``X`` an OMITTED
scene (numbered), ``A`` action, ``AC`` centred action, ``C`` cue, ``P`` parenthetical,
``D`` dialogue, ``T`` transition (right), ``TL`` transition (left), ``S`` shot, ``K`` act
marker, ``BLANK``. Directives: ``@num<TAB>12A`` (number of the next H/X), ``@rev`` (next line
is revised), ``@page`` (page break before the next block). Lines starting with ``#`` are
comments. See ``eval/layouts/README.md`` for the labelling conventions.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "eval" / "layouts"
SRC = OUT / "src"

TYPE_OF = {
    "M": "metadata", "ML": "metadata",
    "H": "scene_heading", "H2": "scene_heading",
    "X": "other", "K": "other",
    "A": "action", "AC": "action",
    "C": "character", "P": "parenthetical", "D": "dialogue",
    "T": "transition", "TL": "transition",
    "S": "shot",
}
TYPES = {"scene_heading", "action", "character", "dialogue", "parenthetical", "transition",
         "shot", "metadata", "other", "blank"}


# --------------------------------------------------------------------------- source


@dataclass
class El:
    tag: str
    text: str
    rev: bool = False
    num: str | None = None


@dataclass
class Block:
    els: list[El]
    sep: int = 1           # blank lines before the block
    page_before: bool = False


@dataclass
class Script:
    name: str
    title: list[El]        # M, ML and BLANK elements
    blocks: list[Block]


def read_tagged(path: Path) -> Script:
    els: list[El | str] = []  # str entries are "BLANK" or "PAGE"
    rev = False
    num: str | None = None
    counter = 0
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if not raw or raw.startswith("#"):
            continue
        tag, _, text = raw.partition("\t")
        if tag == "BLANK":
            els.append("BLANK")
        elif tag == "@rev":
            rev = True
        elif tag == "@num":
            num = text.strip()
        elif tag == "@page":
            els.append("PAGE")
        elif tag in TYPE_OF:
            el = El(tag, text, rev=rev)
            if tag in ("H", "X"):
                if num is None:
                    counter += 1
                    num = str(counter)
                el.num = num
                num = None
            els.append(el)
            rev = False
        else:
            raise ValueError(f"{path}: unknown tag {tag!r}")
    title: list[El] = []
    i = 0
    while i < len(els):
        item = els[i]
        if item == "BLANK":
            title.append(El("BLANK", ""))
        elif isinstance(item, El) and item.tag in ("M", "ML"):
            title.append(item)
        else:
            break
        i += 1
    while title and title[-1].tag == "BLANK":
        title.pop()
    blocks: list[Block] = []
    cur: list[El] = []
    sep = 0
    page = False
    for item in els[i:]:
        if isinstance(item, El):
            cur.append(item)
            continue
        if cur:
            blocks.append(Block(cur, sep, page))
            cur, sep, page = [], 0, False
        if item == "BLANK":
            sep += 1
        else:
            page = True
    if cur:
        blocks.append(Block(cur, sep, page))
    if blocks:
        blocks[0].sep = 0
    return Script(path.stem, title, blocks)


# --------------------------------------------------------------------------- layouts


@dataclass
class Line:
    text: str
    type: str
    tag: str = ""


@dataclass
class Layout:
    name: str
    script: str
    ext: str = "txt"
    # Columns (0-based) for space layouts; ``tabs`` (tag -> prefix) replaces them when set.
    cols: dict[str, int] = field(default_factory=dict)
    tabs: dict[str, str] | None = None
    numbers: str = "none"          # none | left | both | lone_before | lone_both
    num_fmt: str = "{}"
    page_body: int | None = None   # body lines per page; None: not paginated
    pad: bool = False              # pad every page to a fixed length
    header: Callable[[str | None, bool], list[str]] | None = None
    footer: Callable[[str | None], list[str]] | None = None
    page_labels: Callable[[int], str] = str
    continueds: bool = False
    more: bool = False
    formfeed: bool = False
    revmarks: bool = False
    flatten: bool = False
    odd: frozenset[str] = frozenset()
    rename: dict[str, str] = field(default_factory=dict)
    curly: bool = False
    encoding: str = "utf-8"
    newline: str = "\n"
    want: frozenset[str] = frozenset()   # paginated: furniture that must occur ("more", "cont2")
    bold: frozenset[str] = frozenset()   # html: tags whose lines are wrapped in <b>
    late_close: bool = False             # html: </b> at the start of the next line
    dash_entity: bool = False            # html: em dash written as &#151;
    title: str = ""                      # html: page title

    # ---- placement
    def col(self, key: str) -> int:
        return self.cols[key]

    def at(self, tag: str, text: str) -> str:
        if self.tabs is not None:
            return self.tabs[tag] + text
        if tag in ("M", "K", "AC"):
            return self.centre(text)
        if tag == "T":
            return self.right(text)
        key = {"ML": "A", "TL": "A", "H2": "H", "X": "H"}.get(tag, tag)
        return " " * self.cols[key] + text

    def centre(self, text: str) -> str:
        if self.tabs is not None:
            return self.tabs["K"] + text
        width = self.cols["W"]
        return " " * max(0, (width - len(text)) // 2) + text

    def right(self, text: str) -> str:
        if self.tabs is not None:
            return self.tabs["T"] + text
        return " " * max(1, self.cols["R"] - len(text)) + text

    def numbered(self, num: str, text: str) -> str:
        """A heading-column line with the scene number on the left (and right)."""
        label = self.num_fmt.format(num)
        left = " " * self.cols["NL"] + label
        left = left.ljust(self.cols["H"]) if len(left) <= self.cols["H"] - 2 else left + "  "
        line = left + text
        if self.numbers == "both":
            line = line.ljust(self.cols["NR"]) if len(line) < self.cols["NR"] - 1 else line + "  "
            line += label
        return line

    def revmark(self, line: str) -> str:
        return line.ljust(self.cols["REV"]) + "*"


# ---- rendering of one element into lines


def render_el(lay: Layout, el: El) -> list[Line]:
    typ = TYPE_OF[el.tag]
    if el.tag in ("H", "X"):
        text = "OMITTED" if el.tag == "X" else el.text
        if lay.numbers in ("left", "both"):
            lines = [Line(lay.numbered(el.num or "", text), typ, el.tag)]
        elif lay.numbers in ("lone_before", "lone_both"):
            num = " " * lay.cols["NL"] + lay.num_fmt.format(el.num)
            lines = [Line(num, "other", "N"), Line(lay.at(el.tag, text), typ, el.tag)]
            if lay.numbers == "lone_both":
                lines.append(Line(num, "other", "N"))
        else:
            lines = [Line(lay.at(el.tag, text), typ, el.tag)]
    else:
        text = lay.rename.get(el.text, el.text) if el.tag == "K" else el.text
        lines = [Line(lay.at(el.tag, text), typ, el.tag)]
    if el.rev and lay.revmarks:
        for line in lines:
            if line.tag == el.tag:
                line.text = lay.revmark(line.text)
    return lines


def is_dialogue(block: Block) -> bool:
    return block.els[0].tag == "C"


def render_block(lay: Layout, block: Block) -> list[Line]:
    out: list[Line] = []
    for k, el in enumerate(block.els):
        if k and "dialogue_double" in lay.odd and is_dialogue(block):
            out.append(Line("", "blank"))
        out.extend(render_el(lay, el))
    return out


def contd_cue(text: str) -> str:
    base = re.sub(r"\s*\((?:CONT'D|cont'd)\)\s*$", "", text)
    return f"{base} (CONT'D)"


# ---- title page


def render_title(lay: Layout, title: list[El], page_len: int | None) -> list[Line]:
    centred: list[Line] = []
    left: list[Line] = []
    for el in title:
        target = left if (el.tag == "ML" or (left and el.tag == "BLANK")) else centred
        if el.tag == "BLANK":
            target.append(Line("", "blank"))
        else:
            text = lay.at(el.tag, el.text)
            target.append(Line(text, "metadata", el.tag))
    if page_len is None:
        return centred + [Line("", "blank")] * 4 + left + [Line("", "blank")] * 3
    top = [Line("", "blank") for _ in range(18)]
    gap = max(3, page_len - len(top) - len(centred) - len(left) - 4)
    lines = top + centred + [Line("", "blank") for _ in range(gap)] + left
    if lay.pad:
        lines += [Line("", "blank") for _ in range(page_len - len(lines))]
    return lines


# ---- pagination


@dataclass
class Page:
    body: list[Line]
    cont_bottom: bool = False


def continued_line(lay: Layout, scene: str | None, count: int) -> Line:
    text = "CONTINUED:" if count == 1 else f"CONTINUED: ({count})"
    if scene is not None and lay.numbers in ("left", "both"):
        return Line(lay.numbered(scene, text), "other", "CONT")
    return Line(lay.at("A", text), "other", "CONT")


def paginate(lay: Layout, blocks: list[Block]) -> list[Page]:
    assert lay.page_body is not None
    budget = lay.page_body
    pages: list[Page] = []
    cur: list[Line] = []
    top = 0                       # lines of CONTINUED: furniture at the top of ``cur``
    scene: str | None = None      # scene number (or id) of the current scene
    last_tag = ""
    counts: dict[str, int] = {}
    queue = [replace(b) for b in blocks]

    def break_page(continued: bool) -> None:
        nonlocal cur, top
        continued = continued and lay.continueds and scene is not None
        pages.append(Page(cur, continued))
        cur, top = [], 0
        if continued:
            assert scene is not None
            counts[scene] = counts.get(scene, 0) + 1
            cur = [continued_line(lay, scene, counts[scene]), Line("", "blank")]
            top = 2

    def within_scene(block: Block) -> bool:
        return (scene is not None and last_tag != "T"
                and block.els[0].tag in ("A", "AC", "C", "P", "D", "S", "H2"))

    def place(block: Block, lines: list[Line]) -> None:
        nonlocal scene, last_tag
        if len(cur) > top:
            cur.extend(Line("", "blank") for _ in range(block.sep))
        cur.extend(lines)
        for el in block.els:
            if el.tag == "H":
                scene = el.num
            elif el.tag in ("X", "K"):
                scene = None
        last_tag = block.els[-1].tag

    while queue:
        block = queue.pop(0)
        if block.page_before and len(cur) > top:
            break_page(False)
        lines = render_block(lay, block)
        sep = block.sep if len(cur) > top else 0
        need = sep + len(lines)
        if block.els[0].tag in ("H", "H2", "S") and queue:
            nxt = queue[0]
            need += nxt.sep + min(2, len(render_block(lay, nxt)))
        avail = budget - len(cur)
        if need <= avail or len(cur) == top:
            place(block, lines)
            continue
        room = avail - sep
        tags = [el.tag for el in block.els]
        # A dialogue block splits after a dialogue line: (MORE), then NAME (CONT'D).
        if lay.more and is_dialogue(block):
            for k in range(len(tags) - 1, 2, -1):
                if tags[k - 1] == "D" and tags[k] in ("D", "P"):
                    first = Block(block.els[:k], block.sep)
                    first_lines = render_block(lay, first)
                    if len(first_lines) + 1 <= room:
                        place(first, first_lines + [Line(lay.at("C", "(MORE)"), "other", "MORE")])
                        break_page(True)
                        cue = replace(block.els[0], text=contd_cue(block.els[0].text), rev=False)
                        queue.insert(0, Block([cue, *block.els[k:]], 0))
                        break
            else:
                break_page(within_scene(block))
                queue.insert(0, block)
            continue
        # A long action paragraph splits with at least two lines on each side.
        if set(tags) == {"A"} and len(tags) >= 4:
            k = min(len(tags) - 2, room)
            if k >= 2:
                place(Block(block.els[:k], block.sep), render_block(lay, Block(block.els[:k])))
                break_page(True)
                queue.insert(0, Block(block.els[k:], 0))
                continue
        break_page(within_scene(block))
        queue.insert(0, block)
    pages.append(Page(cur, False))
    return pages


def assemble_pages(lay: Layout, title: list[Line], pages: list[Page]) -> list[Line]:
    assert lay.page_body is not None
    out: list[Line] = []
    starts: list[int] = []
    page_len = None
    if title:
        starts.append(len(out))
        out.extend(title)
    for idx, page in enumerate(pages):
        label = lay.page_labels(idx + 1)
        revised = any(line.text.endswith("*") for line in page.body) and lay.revmarks
        starts.append(len(out))
        head = lay.header(label if idx else None, revised) if lay.header else []
        out.extend(Line(t, "other" if t.strip() else "blank", "PAGE") for t in head)
        out.extend(page.body)
        if lay.pad:
            out.extend(Line("", "blank") for _ in range(lay.page_body - len(page.body)))
        if page.cont_bottom:
            out.extend([Line("", "blank"), Line(lay.right("(CONTINUED)"), "other", "CONT")])
        elif lay.pad:
            out.extend([Line("", "blank"), Line("", "blank")])
        foot = lay.footer(label if idx else None) if lay.footer else []
        out.extend(Line(t, "other" if t.strip() else "blank", "PAGE") for t in foot)
        if page_len is None and lay.pad:
            page_len = len(out) - starts[-1]
    if lay.formfeed:
        for start in starts[1:]:
            out[start].text = "\f" + out[start].text
    return out


# ---- whole documents


def apply_odd_separators(lay: Layout, blocks: list[Block]) -> list[Block]:
    blocks = [replace(b) for b in blocks]
    for prev, block in zip(blocks, blocks[1:], strict=False):
        first = block.els[0].tag
        if "no_blank_after_heading" in lay.odd and prev.els[-1].tag in ("H", "H2") and first == "A":
            block.sep = 0
        if "no_blank_before_cue" in lay.odd and prev.els[-1].tag == "A" and first == "C":
            block.sep = 0
        if "double_between_scenes" in lay.odd and first in ("H", "X"):
            block.sep = 2
    return blocks


def render(lay: Layout, script: Script) -> list[Line]:
    blocks = script.blocks
    if lay.numbers == "none":  # OMITTED placeholders exist only in numbered drafts
        blocks = [b for b in blocks if b.els[0].tag != "X"]
    blocks = apply_odd_separators(lay, blocks)
    if lay.page_body is None:
        lines = render_title(lay, script.title, None)
        for block in blocks:
            lines.extend(Line("", "blank") for _ in range(block.sep))
            lines.extend(render_block(lay, block))
    else:
        # The first page length (from page_body down) that produces the wanted furniture.
        assert lay.page_body is not None
        for body in range(lay.page_body, lay.page_body - 15, -1):
            trial = replace(lay, page_body=body)
            page_len = body + 2 + len(lay.header("1", False) if lay.header else []) + len(
                lay.footer("1") if lay.footer else [])
            title = render_title(trial, script.title, page_len)
            lines = assemble_pages(trial, title, paginate(trial, blocks))
            texts = [line.text.strip() for line in lines]
            if ("more" not in lay.want or "(MORE)" in texts) and (
                    "cont2" not in lay.want or any("CONTINUED: (2)" in t for t in texts)):
                break
        else:
            raise ValueError(f"{lay.name}: no page length gives {sorted(lay.want)}")
    while lines and not lines[-1].text.strip():
        lines.pop()
    if lay.ext == "html":
        while lines and not lines[0].text.strip():
            lines.pop(0)
    for k, line in enumerate(lines):
        if lay.flatten:
            line.text = line.text.lstrip()
        if lay.curly:
            line.text = line.text.replace("'", "\u2019")
        if "trailing_ws" in lay.odd:
            if line.text.strip() and k % 5 == 2:
                line.text += "  "
            elif not line.text.strip() and k % 4 == 1:
                line.text += "   "
        if not line.text.replace("\f", "").strip():
            line.type = "blank"
    return lines


def gold_text(line: Line) -> str:
    return line.text.replace("\f", "")


HTML_HEAD = """<html>
<head>
<title>{title} Script at IMSDb.</title>
<meta name="description" content="{title} script at the Internet Movie Script Database.">
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<link href="/style.css" rel="stylesheet" type="text/css">
</head>
<body topmargin="0" bottommargin="0" id="mainbody">
<table width="99%" border="0" cellspacing="0" cellpadding="0" class="body">
  <tr>
    <td valign="bottom" bgcolor="#FF0000"><a href="/" title="The Internet Movie Script Database"><img src="/images/logo_top.gif" border="0"></a></td>
    <td bgcolor="#FF0000"><center><font color="#FFFFFF"><h1>The Internet Movie Script Database (IMSDb)</h1></font></center></td>
  </tr>
  <tr>
    <td valign="top" width="170">
      <table width="100%" class="body">
        <tr><td class="heading">Navigation</td></tr>
        <tr><td><a href="/" title="Home">Home</a></td></tr>
        <tr><td><a href="/genre/" title="Scripts by genre">Genre</a></td></tr>
        <tr><td><a href="/all-scripts.html" title="All scripts">All scripts</a></td></tr>
      </table>
    </td>
    <td width="10"></td>
    <td valign="top">
<table width="100%"><tr><td class="scrtext">
<pre>"""

HTML_TAIL = """</pre>
<table width="85%" class="script-details">
<tr><td align="center" colspan="2"><h1>{title} Script</h1></td></tr>
<tr><td><b>Writers</b> : <a href="/writer.php?w=x" title="Scripts by this writer">{writer}</a></td></tr>
<tr><td><b>Genres</b> : <a href="/genre/{genre}" title="{genre} Scripts">{genre}</a></td></tr>
</table>
</td></tr></table>
    </td>
  </tr>
</table>
</body>
</html>
"""

HTML_INFO = {
    "salt_road": ("Salt Road", "Ivo Brandt", "Thriller"),
    "plus_one": ("Plus One", "Noor Haddad", "Comedy"),
    "winter_line": ("The Winter Line", "Tomasz Wieland", "War"),
    "harbor_precinct": ("Harbor Precinct: Low Tide", "Dee Okafor", "Crime"),
}


def to_html(lay: Layout, lines: list[Line]) -> str:
    out: list[str] = []
    close_next = False
    for line in lines:
        text = html.escape(line.text, quote=False)
        if lay.dash_entity:
            text = text.replace("\u2014", "&#151;")
        prefix = "</b>" if close_next else ""
        close_next = False
        if line.tag in lay.bold and line.text.strip():
            if lay.late_close:
                text = "<b>" + text
                close_next = True
            else:
                text = "<b>" + text + "</b>"
        out.append(prefix + text)
    if close_next:
        out[-1] += "</b>"
    title, writer, genre = HTML_INFO[lay.script]
    return (HTML_HEAD.format(title=html.escape(title)) + "\r\n".join(out)
            + HTML_TAIL.format(title=html.escape(title), writer=writer, genre=genre))


def output(lay: Layout, script: Script) -> tuple[bytes, bytes]:
    """(document bytes, gold JSONL bytes)."""
    lines = render(lay, script)
    for line in lines:
        assert line.type in TYPES, line
    if lay.ext == "html":
        page = to_html(lay, lines).replace("\r\n", "\n").replace("\n", "\r\n")
        data = page.encode(lay.encoding)
    else:
        data = (lay.newline.join(line.text for line in lines) + lay.newline).encode(lay.encoding)
    gold = "".join(json.dumps({"line": n, "type": line.type, "text": gold_text(line)},
                              ensure_ascii=False) + "\n" for n, line in enumerate(lines, 1))
    return data, gold.encode("utf-8")


# --------------------------------------------------------------------------- normalization


_PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre\s*>", re.I | re.S)
_SCRTEXT = re.compile(r"""<td\b[^>]*\bclass\s*=\s*["']?scrtext\b[^>]*>""", re.I)
_TAG = re.compile(r"</?[A-Za-z!][^>]*>")


def normalized_lines(path: Path, encoding: str) -> list[str]:
    """The normalized text of a variant, as the README defines it."""
    text = path.read_bytes().decode(encoding)
    if path.suffix == ".html":
        start = _SCRTEXT.search(text)
        assert start, path
        match = _PRE.search(text, start.end())
        assert match, path
        text = html.unescape(_TAG.sub("", match.group(1)))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --------------------------------------------------------------------------- the variants


STD15 = {"A": 15, "H": 15, "S": 15, "D": 25, "P": 30, "C": 37, "R": 75, "W": 80, "NL": 10,
         "NR": 77, "REV": 82}
IMSDB0 = {"A": 0, "H": 0, "S": 0, "D": 10, "P": 16, "C": 25, "R": 62, "W": 62}
IMSDB10 = {"A": 10, "H": 10, "S": 10, "D": 20, "P": 26, "C": 32, "R": 70, "W": 72, "NL": 0}
IMSDB5 = {"A": 5, "H": 5, "S": 5, "D": 15, "P": 20, "C": 27, "R": 66, "W": 70}
PDFTEXT0 = {"A": 0, "H": 0, "S": 0, "D": 10, "P": 15, "C": 20, "R": 56, "W": 56, "NL": 0}
PDFTEXT4 = {"A": 4, "H": 4, "S": 4, "D": 14, "P": 19, "C": 26, "R": 62, "W": 64, "NL": 0}

TABS_WORD = {"A": "\t", "H": "\t", "H2": "\t", "S": "\t", "X": "\t", "TL": "\t", "ML": "\t",
             "D": "\t\t\t", "P": "\t\t\t   ", "C": "\t\t\t\t\t", "T": "\t" * 8,
             "K": "\t\t\t\t", "AC": "\t\t\t\t\t", "M": "\t\t\t\t"}
TABS_PLAIN = {"A": "", "H": "", "H2": "", "S": "", "X": "", "TL": "", "ML": "",
              "D": "\t\t", "P": "\t\t\t", "C": "\t\t\t\t", "T": "\t" * 7,
              "K": "\t\t\t\t", "AC": "\t\t\t\t", "M": "\t\t\t"}


def right_at(col: int, text: str, left: str = "") -> str:
    return left + " " * max(2, col - len(left) - len(text)) + text


def hdr_plain(col: int) -> Callable[[str | None, bool], list[str]]:
    return lambda label, revised: [right_at(col, f"{label}.") if label else "", ""]


def hdr_salt(label: str | None, revised: bool) -> list[str]:
    if not label:
        return ["", ""]
    left = ' ' * 15 + '"SALT ROAD" Rev. 3/12/24 (BLUE)' if revised else ""
    return [right_at(75, f"{label}.", left), ""]


def hdr_winter(label: str | None, revised: bool) -> list[str]:
    if not label:
        return ["", ""]
    left = " " * 15 + "PINK REVISIONS 11/04/23" if revised else ""
    return [right_at(75, f"{label}.", left), ""]


def winter_labels(n: int) -> str:
    # A page inserted by a revision: 1, 2, 2A, 3, 4 ...
    return {1: "1", 2: "2", 3: "2A"}.get(n, str(n - 1))


def hdr_harbor(label: str | None, revised: bool) -> list[str]:
    if not label:
        return ["", ""]
    left = ' ' * 15 + 'HARBOR PRECINCT #104 "Low Tide" - Prod. Draft 8/19/24'
    return [right_at(75, f"{label}.", left), ""]


MORE = frozenset({"more"})
MORE_CONT2 = frozenset({"more", "cont2"})
TEASER = {"COLD OPEN": "TEASER", "END OF COLD OPEN": "END OF TEASER"}


def ftr_dash(label: str | None) -> list[str]:
    return ["", f"- {label} -".center(56).rstrip()] if label else []


def hdr_page(label: str | None, revised: bool) -> list[str]:
    return [right_at(62, f"Page {label}")] if label else [""]


def hdr_tabs(label: str | None, revised: bool) -> list[str]:
    return ["\t" * 9 + f"{label}." if label else "", ""]


LAYOUTS: list[Layout] = [
    # ---------------------------------------------------------------- SALT ROAD (thriller)
    Layout("salt_road_imsdb", "salt_road", ext="html", cols=IMSDB0, encoding="cp1252",
           bold=frozenset({"H", "H2", "C"})),
    Layout("salt_road_revised", "salt_road", cols=STD15, numbers="both", page_body=47,
           pad=True, header=hdr_salt, continueds=True, more=True, formfeed=True,
           revmarks=True),
    Layout("salt_road_flat", "salt_road", cols=STD15, numbers="left", page_body=44,
           pad=True, header=hdr_plain(75), continueds=True, more=True, flatten=True),
    Layout("salt_road_tabs", "salt_road", tabs=TABS_WORD, encoding="cp1252", newline="\r\n"),
    # ---------------------------------------------------------------- PLUS ONE (comedy)
    Layout("plus_one_imsdb", "plus_one", ext="html", cols=STD15, page_body=43, want=MORE_CONT2,
           header=hdr_plain(75), continueds=True, more=True, curly=True, encoding="cp1252",
           bold=frozenset({"H", "H2", "C"}), late_close=True),
    Layout("plus_one_flatodd", "plus_one", cols=STD15, flatten=True,
           odd=frozenset({"dialogue_double", "no_blank_after_heading"})),
    Layout("plus_one_numbered", "plus_one", cols=IMSDB10, numbers="left", num_fmt="{}.",
           page_body=42, want=MORE_CONT2, pad=True, header=hdr_plain(70), continueds=True,
           more=True),
    Layout("plus_one_pdftext", "plus_one", cols=PDFTEXT0, numbers="lone_before", page_body=43,
           want=MORE, footer=ftr_dash, more=True, formfeed=True),
    # ---------------------------------------------------------------- THE WINTER LINE (war)
    Layout("winter_line_imsdb", "winter_line", ext="html", cols=IMSDB10, numbers="left",
           encoding="cp1252", bold=frozenset({"H", "H2", "C", "X"}), dash_entity=True),
    Layout("winter_line_shooting", "winter_line", cols=STD15, numbers="both", page_body=45,
           want=MORE, pad=True, header=hdr_winter, page_labels=winter_labels, continueds=True,
           more=True, formfeed=True, revmarks=True, encoding="cp1252", newline="\r\n"),
    Layout("winter_line_flatodd", "winter_line", cols=STD15, page_body=43, want=MORE,
           header=hdr_plain(75), continueds=True, more=True, flatten=True,
           odd=frozenset({"no_blank_before_cue", "double_between_scenes", "trailing_ws"})),
    Layout("winter_line_pdftext", "winter_line", cols=PDFTEXT4, numbers="lone_both",
           page_body=47, want=MORE, header=hdr_page, more=True, formfeed=True),
    # ---------------------------------------------------------------- HARBOR PRECINCT (TV)
    Layout("harbor_precinct_imsdb", "harbor_precinct", ext="html", cols=IMSDB5,
           encoding="cp1252", bold=frozenset({"H", "H2", "C", "K"}), rename=TEASER),
    Layout("harbor_precinct_numbered", "harbor_precinct", cols=STD15, numbers="left",
           page_body=48, pad=True, header=hdr_harbor, continueds=True, more=True),
    Layout("harbor_precinct_flat", "harbor_precinct", cols=STD15, flatten=True, rename=TEASER),
    Layout("harbor_precinct_tabs", "harbor_precinct", tabs=TABS_PLAIN, page_body=34, want=MORE,
           header=hdr_tabs, continueds=True, more=True, formfeed=True),
]

SPLIT = {
    "dev": ["salt_road_imsdb.html", "salt_road_flat.txt", "plus_one_flatodd.txt",
            "plus_one_pdftext.txt", "winter_line_imsdb.html", "winter_line_shooting.txt",
            "harbor_precinct_numbered.txt", "harbor_precinct_tabs.txt"],
    "test": ["salt_road_revised.txt", "salt_road_tabs.txt", "plus_one_imsdb.html",
             "plus_one_numbered.txt", "winter_line_flatodd.txt", "winter_line_pdftext.txt",
             "harbor_precinct_imsdb.html", "harbor_precinct_flat.txt"],
}


def build() -> dict[Path, bytes]:
    scripts = {p.stem: read_tagged(p) for p in sorted(SRC.glob("*.tagged"))}
    files: dict[Path, bytes] = {}
    for lay in LAYOUTS:
        data, gold = output(lay, scripts[lay.script])
        name = f"{lay.name}.{lay.ext}"
        files[OUT / name] = data
        files[OUT / f"{name}.gold.jsonl"] = gold
    names = sorted(f"{lay.name}.{lay.ext}" for lay in LAYOUTS)
    assert sorted(SPLIT["dev"] + SPLIT["test"]) == names
    files[OUT / "split.json"] = (json.dumps(SPLIT, indent=2) + "\n").encode("utf-8")
    return files


def verify() -> None:
    """Every gold file has one row per normalized line, with the same text."""
    for lay in LAYOUTS:
        path = OUT / f"{lay.name}.{lay.ext}"
        lines = normalized_lines(path, lay.encoding)
        gold = [json.loads(r) for r in path.with_name(path.name + ".gold.jsonl")
                .read_text(encoding="utf-8").splitlines()]
        assert len(gold) == len(lines), (path, len(gold), len(lines))
        for n, (row, text) in enumerate(zip(gold, lines, strict=True), 1):
            assert row["line"] == n and row["text"] == text, (path, n, row, text)
            assert row["type"] in TYPES, (path, n, row)
            assert (row["type"] == "blank") == (not text.strip()), (path, n, row)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if any output is stale")
    args = parser.parse_args()
    files = build()
    stale = [p for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    if args.check:
        for p in stale:
            print(f"stale: {p.relative_to(ROOT)}")
        if not stale:
            verify()
        return 1 if stale else 0
    for p in stale:
        p.write_bytes(files[p])
    verify()
    print(f"{len(files)} files in {OUT.relative_to(ROOT)} ({len(stale)} written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
