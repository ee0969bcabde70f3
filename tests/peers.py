"""Outside check of the Fountain and FDX readers against other parsers' test suites.

The fixtures in ``shared/fixtures/fountain-peers/`` carry the expected output other screenplay
parsers' maintainers wrote for their own tests. This module turns each suite's expectations into
a list of :class:`Expected` elements typed with *our* :class:`~scenescore.records.ElementType`
values (see the ``*_TYPES`` tables), runs our reader on the input, groups our typed lines into
elements, aligns the two sequences by normalized text and counts where the types agree.

Used by ``tests/test_peers.py`` (regression floor) and ``scripts/eval_peers.py`` (report).
See ``docs/peers.md`` for the mapping and the measured figures.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from scenescore.records import ElementType

T = ElementType
ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT.parent / "shared" / "fixtures" / "fountain-peers"

# --------------------------------------------------------------------------------------------
# Type mappings: the peer's label -> our type; None means "not compared" (documented per table)
# --------------------------------------------------------------------------------------------

#: jouvence ``out`` strings: the first character is the type (``!>`` is centred action).
JOUVENCE_TYPES: dict[str, ElementType | None] = {
    ".": T.SCENE_HEADING,
    "!": T.ACTION,
    "@": T.CHARACTER,
    "=": T.DIALOGUE,
    "_": T.PARENTHETICAL,
    ">": T.TRANSITION,
    "~": T.DIALOGUE,  # lyrics: ours are dialogue
    "#": T.OTHER,  # section
    "+": T.OTHER,  # synopsis
    "<pagebreak>": T.OTHER,
}

#: screenplay-tools ``X.txt`` dumps (``TYPE:"text" ...``).
SCREENPLAY_TOOLS_TYPES: dict[str, ElementType | None] = {
    "HEADING": T.SCENE_HEADING,
    "ACTION": T.ACTION,  # centred text too
    "CHARACTER": T.CHARACTER,
    "DIALOGUE": T.DIALOGUE,
    "PARENTHETICAL": T.PARENTHETICAL,
    "TRANSITION": T.TRANSITION,
    "LYRIC": T.DIALOGUE,
    "TITLEENTRY": T.METADATA,
    "SECTION": T.OTHER,
    "SYNOPSIS": T.OTHER,
    "PAGEBREAK": T.OTHER,
    # Listed at the end of the dump, out of document order, with a placeholder in the text they
    # were cut from: there is no position to compare, so they are dropped. Their text is hidden
    # on our side too (notes and boneyard are not script content).
    "NOTE": None,
    "BONEYARD": None,
}

#: screenplain ``X.html``: tag or CSS class -> our type.
SCREENPLAIN_TYPES: dict[str, ElementType | None] = {
    "h6": T.SCENE_HEADING,
    "h1": T.OTHER, "h2": T.OTHER, "h3": T.OTHER, "h4": T.OTHER, "h5": T.OTHER,  # sections
    "synopsis": T.OTHER,  # span.h1-synopsis, span.h6-synopsis ...
    "page-break": T.OTHER,  # class on the element after a ``===``; we insert a page break
    "action": T.ACTION,
    "centered": T.ACTION,
    "transition": T.TRANSITION,
    "character": T.CHARACTER,
    "parenthetical": T.PARENTHETICAL,
    "dialog": T.DIALOGUE,  # an unclassed <p> in div.dialog (also inside div.dual)
}

#: Our type that counts as agreeing with a different expected type. Fountain has no shot
#: element; we find standalone camera directions (``ANGLE ON``, ``... POV``) in its action.
COMPATIBLE: frozenset[tuple[ElementType, ElementType]] = frozenset({(T.ACTION, T.SHOT)})

#: Our types that are script content: one of these with no counterpart in the peer's output
#: is a disagreement ("extra"). ``other``/``metadata`` with no counterpart are not (peers drop
#: notes, boneyard and title pages from their element lists).
CONTENT = frozenset({T.SCENE_HEADING, T.ACTION, T.CHARACTER, T.DIALOGUE, T.PARENTHETICAL,
                     T.TRANSITION, T.SHOT})

SKIP = "?"  # hand label: ambiguous under the spec / peers disagree; not compared

# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expected:
    """One element of a peer's expected output, typed with our type."""

    type: ElementType | None  # None: known to the peer but not compared
    text: str
    label: str  # the peer's own label, for reports
    optional: bool = False  # compared if we have it; its absence is not a disagreement


@dataclass(slots=True)
class Case:
    suite: str
    name: str  # file (or file#document) relative to the fixtures folder
    fmt: str  # "fountain" or "fdx": the reader under test
    data: bytes
    expected: list[Expected]
    hide_markup: bool  # the peer removed notes/boneyard from its output: hide them on ours
    note: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    """One compared element."""

    suite: str
    case: str
    kind: str  # "match" (aligned), "missing" (peer's element not found in ours), "extra"
    expected: str  # our type name the peer's label maps to, or "(none)" for extras
    label: str  # the peer's label
    ours: str  # our type(s) joined by "+", or "(missing)"
    text: str
    agree: bool
    soft: bool = False  # agreed through COMPATIBLE, not equality


@dataclass(slots=True)
class CaseResult:
    case: Case
    rows: list[Row] = field(default_factory=list)
    error: str | None = None
    exp_chars: int = 0
    exp_matched: int = 0
    our_chars: int = 0
    our_matched: int = 0

    @property
    def recall(self) -> float:
        return self.exp_matched / self.exp_chars if self.exp_chars else 1.0

    @property
    def precision(self) -> float:
        return self.our_matched / self.our_chars if self.our_chars else 1.0


@dataclass(slots=True)
class Summary:
    name: str
    fmt: str = ""
    files: int = 0
    errors: int = 0
    compared: int = 0
    agreed: int = 0
    soft: int = 0
    exp_chars: int = 0
    exp_matched: int = 0
    our_chars: int = 0
    our_matched: int = 0

    @property
    def pct(self) -> float:
        return 100.0 * self.agreed / self.compared if self.compared else 0.0

    @property
    def recall(self) -> float:
        return self.exp_matched / self.exp_chars if self.exp_chars else 1.0

    @property
    def precision(self) -> float:
        return self.our_matched / self.our_chars if self.our_chars else 1.0

    def add(self, result: CaseResult) -> None:
        self.files += 1
        self.errors += result.error is not None
        self.compared += len(result.rows)
        self.agreed += sum(r.agree for r in result.rows)
        self.soft += sum(r.soft for r in result.rows)
        self.exp_chars += result.exp_chars
        self.exp_matched += result.exp_matched
        self.our_chars += result.our_chars
        self.our_matched += result.our_matched


# --------------------------------------------------------------------------------------------
# Text normalization
# --------------------------------------------------------------------------------------------

_PAGE_BREAK = re.compile(r"\s*={3,}\s*")
_SCENE_NUMBER = re.compile(r"\s*#[^#\s][^#]*#\s*$")
PAGE_BREAK_KEY = "\ue000"  # a page break has no text; both sides use this key for it
# Fountain markup that hides text: boneyard (any span) and notes (no empty line inside;
# a line of two spaces keeps a note open, as the spec says).
_HIDDEN = re.compile(r"/\*.*?\*/|\[\[(?:(?!\]\]|\n\n).)*\]\]", re.S)


def norm(line: str) -> str:
    """Matching key of one line: letters and digits only, case-folded.

    Drops emphasis (``*``, ``_``), forcing marks (``. @ > ! ~ ^``), centring ``<``,
    parentheses, punctuation and whitespace, and a trailing scene number ``#12A#``. Page
    breaks (``===``) become :data:`PAGE_BREAK_KEY`.
    """
    if _PAGE_BREAK.fullmatch(line):
        return PAGE_BREAK_KEY
    line = _SCENE_NUMBER.sub("", line)
    return "".join(ch for ch in line.casefold() if ch.isalnum())


def hide_markup(lines: list[str]) -> list[str]:
    """The lines with boneyard and note spans removed (spans may cross lines)."""
    text = "\n".join(lines)
    out = _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return out.split("\n")


# --------------------------------------------------------------------------------------------
# Alignment
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ours:
    type: ElementType
    lines: list[int]
    key: str


def group_elements(types: list[ElementType], keys: list[str]) -> list[_Ours]:
    """Our typed lines as elements: consecutive lines of one type in one block form one element,
    blank lines separate, a character line is its own element. Elements with no text are left
    out (hidden boneyard/notes, empty lines)."""
    groups: list[_Ours] = []
    current: _Ours | None = None
    for i, t in enumerate(types):
        if t is T.BLANK:
            current = None
            continue
        if current is None or current.type is not t or t is T.CHARACTER:
            current = _Ours(t, [], "")
            groups.append(current)
        current.lines.append(i)
    for g in groups:
        g.key = "".join(keys[i] for i in g.lines)
    return [g for g in groups if g.key]


def _agrees(expected: ElementType, ours: Iterable[ElementType]) -> tuple[bool, bool]:
    ours = list(ours)
    if not ours:
        return False, False
    exact = all(o is expected for o in ours)
    ok = all(o is expected or (expected, o) in COMPATIBLE for o in ours)
    return ok, ok and not exact


def compare(case: Case, types: list[ElementType], lines: list[str]) -> CaseResult:
    """Align our typed lines with the case's expectations and compare types element by element.

    1. Element level: :class:`difflib.SequenceMatcher` over the elements' normalized text; equal
       runs pair one expected element with one of ours.
    2. Elsewhere (different grouping, text a peer rewrote): character-level alignment of the
       normalized text in that region; each of our lines goes to the expected element most of
       its matched characters belong to, if that is at least half of the line (or half of the
       element).
    An expected element with no line of ours is "missing"; one of our content elements with
    no expected counterpart is "extra", and so is a run of lines the peer hides (all boneyard
    or note) that we type as content. All three count as disagreements.
    """
    result = CaseResult(case)
    visible = hide_markup(lines) if case.hide_markup else list(lines)
    keys = [norm(v) for v in visible]
    ours = group_elements(types, keys)
    # Elements not compared (type None) still take part in the alignment, so that our
    # element standing for them is neither "extra" nor matched with a neighbour.
    exp = list(case.expected)
    exp_keys = [norm_text(e.text, case.hide_markup) for e in exp]
    kept = [i for i, k in enumerate(exp_keys) if k]
    exp = [exp[i] for i in kept]
    exp_keys = [exp_keys[i] for i in kept]
    has_metadata = any(e.type is T.METADATA for e in exp)

    assigned: dict[int, list[int]] = defaultdict(list)  # expected index -> our line indices
    our_assigned: set[int] = set()  # our group indices with at least one line assigned
    matched_exp: Counter[int] = Counter()  # expected index -> matched characters
    matched_line_chars: Counter[int] = Counter()

    sm = difflib.SequenceMatcher(None, exp_keys, [g.key for g in ours], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                assigned[i].extend(ours[j].lines)
                our_assigned.add(j)
                matched_exp[i] += len(exp_keys[i])
                for li in ours[j].lines:
                    matched_line_chars[li] += len(keys[li])
            continue
        if i1 == i2 or j1 == j2:
            continue
        a_owner: list[int] = []
        for i in range(i1, i2):
            a_owner.extend([i] * len(exp_keys[i]))
        b_owner: list[int] = []
        line_group: dict[int, int] = {}
        for j in range(j1, j2):
            for li in ours[j].lines:
                b_owner.extend([li] * len(keys[li]))
                line_group[li] = j
        a = "".join(exp_keys[i1:i2])
        b = "".join(keys[li] for j in range(j1, j2) for li in ours[j].lines)
        counts: Counter[tuple[int, int]] = Counter()
        for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                counts[a_owner[block.a + k], b_owner[block.b + k]] += 1
        per_line: dict[int, Counter[int]] = defaultdict(Counter)
        for (i, li), n in counts.items():
            matched_exp[i] += n
            per_line[li][i] += n
            matched_line_chars[li] += n
        for li, by_exp in per_line.items():
            i, n = by_exp.most_common(1)[0]
            if 2 * n >= len(keys[li]) or 2 * n >= len(exp_keys[i]):
                assigned[i].append(li)
                our_assigned.add(line_group[li])

    for i, e in enumerate(exp):
        if e.type is None:
            continue
        got = [types[li] for li in sorted(set(assigned.get(i, [])))]
        uniq = list(dict.fromkeys(got))
        if e.optional and not uniq:
            continue
        ok, soft = _agrees(e.type, uniq)
        result.rows.append(Row(
            suite=case.suite, case=case.name, kind="match" if uniq else "missing",
            expected=str(e.type), label=e.label,
            ours="+".join(str(t) for t in uniq) if uniq else "(missing)",
            text=_short(e.text), agree=ok, soft=soft))
    for j, g in enumerate(ours):
        if j in our_assigned or g.type not in CONTENT:
            continue
        result.rows.append(Row(
            suite=case.suite, case=case.name, kind="extra", expected="(none)", label="-",
            ours=str(g.type), text=_short("\n".join(lines[li] for li in g.lines)), agree=False))

    if case.hide_markup:
        # Lines the peer hides (all boneyard or note) that we type as script content.
        hidden = [i for i, t in enumerate(types)
                  if t in CONTENT and lines[i].strip() and not visible[i].strip()]
        for run in _runs(hidden, types):
            result.rows.append(Row(
                suite=case.suite, case=case.name, kind="extra", expected="(hidden)", label="-",
                ours=str(types[run[0]]), text=_short("\n".join(lines[i] for i in run)),
                agree=False))

    typed = [i for i, e in enumerate(exp)
             if e.type is not None and not (e.optional and not matched_exp[i])]
    result.exp_chars = sum(len(exp_keys[i]) for i in typed)
    result.exp_matched = sum(min(matched_exp[i], len(exp_keys[i])) for i in typed)
    counted = [i for i, t in enumerate(types)
               if t is not T.BLANK and (has_metadata or t is not T.METADATA)]
    result.our_chars = sum(len(keys[i]) for i in counted)
    result.our_matched = sum(min(matched_line_chars[i], len(keys[i])) for i in counted)
    return result


def _runs(indices: list[int], types: list[ElementType]) -> list[list[int]]:
    """Consecutive line indices of one type."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1 and types[runs[-1][-1]] is types[i]:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _short(text: str, width: int = 70) -> str:
    s = " / ".join(part.strip() for part in text.strip("\n").split("\n"))
    return s if len(s) <= width else s[: width - 1] + "…"


# --------------------------------------------------------------------------------------------
# Running our reader
# --------------------------------------------------------------------------------------------


def read_types(data: bytes, source: str) -> tuple[list[ElementType], list[str]]:
    """Our reader on ``data`` (the format detected as for a user's file named ``source``)."""
    from scenescore.ingest import read_screenplay_bytes
    from scenescore.segment import type_lines

    doc = read_screenplay_bytes(data, source)
    elements = type_lines(doc)
    return [e.type for e in elements], [e.text for e in elements]


def run_case(case: Case) -> CaseResult:
    source = case.name.replace("#", "-") + ("" if case.name.endswith(f".{case.fmt}")
                                             else f".{case.fmt}")
    try:
        types, lines = read_types(case.data, source)
    except Exception as exc:  # a reader failure is a finding, not a crash
        result = CaseResult(case, error=f"{type(exc).__name__}: {exc}")
        result.rows = [Row(case.suite, case.name, "missing", str(e.type), e.label,
                           "(error)", _short(e.text), False)
                       for e in case.expected
                       if e.type is not None and norm_text(e.text, case.hide_markup)]
        return result
    try:
        return compare(case, types, lines)
    except Exception as exc:  # a harness bug: report it on this case, keep going
        return CaseResult(case, error=f"harness {type(exc).__name__}: {exc}")


def norm_text(text: str, hide: bool = True) -> str:
    """Matching key of a whole element (see :func:`norm`)."""
    lines = text.split("\n")
    return "".join(norm(x) for x in (hide_markup(lines) if hide else lines))


# --------------------------------------------------------------------------------------------
# Suites: loading each peer's expectations
# --------------------------------------------------------------------------------------------


def _jouvence_out(item: str) -> Expected:
    if item == "<pagebreak>":
        return Expected(T.OTHER, "===", "<pagebreak>")
    if item.startswith("!>"):
        return Expected(T.ACTION, item[2:], "!>")
    mark = item[:1]
    if mark not in JOUVENCE_TYPES:
        raise ValueError(f"unknown jouvence type {mark!r} in {item!r}")
    return Expected(JOUVENCE_TYPES[mark], item[1:], mark)


def jouvence_cases(root: Path = PEERS) -> list[Case]:
    import yaml  # PyYAML: present in the dev environment (transformers/huggingface-hub pull it)

    cases = []
    for path in sorted((root / "jouvence_tests").glob("*.yaml")):
        docs = yaml.safe_load_all(path.read_text(encoding="utf-8"))
        for n, doc in enumerate(docs, 1):
            if not doc or not str(doc.get("in") or "").strip():
                continue  # empty input: our reader refuses it by design
            expected = [Expected(T.METADATA, _title_text(k, v), "title")
                        for k, v in (doc.get("title") or {}).items()]
            expected += [_jouvence_out(item) for item in doc.get("out") or []]
            cases.append(Case("jouvence", f"jouvence_tests/{path.name}#{n}", "fountain",
                              str(doc["in"]).encode("utf-8"), expected, hide_markup=True))
    return cases


def _title_text(key: str, value: object) -> str:
    value = str(value)
    return f"{key}:\n{value.lstrip(chr(10))}" if "\n" in value else f"{key}: {value}"


_ST_RECORD = re.compile(r"(?:/\*\d+\*/|\[\[\d+\]\])?([A-Z]+):")
_ST_TAIL = re.compile(r'(?::"| ")|(?:\s*\([^()\n]*\))*(?:\s+tags:\S*)?[ \t]*(?:\n|$)')


def parse_screenplay_tools(text: str) -> list[Expected]:
    """``TYPE:"text"`` records; strings may span lines; more strings or ``(n)`` may follow."""
    out: list[Expected] = []
    pos = 0
    n = len(text)
    while pos < n:
        while pos < n and text[pos] in "\r\n":
            pos += 1
        if pos >= n:
            break
        m = _ST_RECORD.match(text, pos)
        if not m:
            raise ValueError(f"unexpected text at {pos}: {text[pos:pos + 40]!r}")
        label = m.group(1)
        pos = m.end()
        strings = []
        while pos < n and text[pos] == '"':
            end = pos + 1
            while True:
                end = text.find('"', end)
                if end < 0:
                    raise ValueError(f"unterminated string at {pos}")
                if _ST_TAIL.match(text, end + 1):
                    break
                end += 1
            strings.append(text[pos + 1:end])
            pos = end + 1
            if text.startswith(':"', pos) or text.startswith(' "', pos):
                pos += 1
        eol = text.find("\n", pos)
        pos = n if eol < 0 else eol + 1
        if label not in SCREENPLAY_TOOLS_TYPES:
            raise ValueError(f"unknown screenplay-tools type {label!r}")
        if label == "TITLEENTRY" and len(strings) == 2:
            body = _title_text(strings[0], strings[1])
        elif label == "PAGEBREAK":
            body = "==="
        else:
            body = " ".join(strings)
        if SCREENPLAY_TOOLS_TYPES[label] is not None:
            out.append(Expected(SCREENPLAY_TOOLS_TYPES[label], body, label))
    return out


#: screenplay-tools dumps compared, and why the others are not.
SCREENPLAY_TOOLS_SKIP = {
    "Tags": "#tags are a screenplay-tools extension, not Fountain 1.1",
    "Formatted": "expected output is emphasis markup, not element types",
    "SimpleCallbackParser": "callback log of several inputs, not one file's elements",
}


def screenplay_tools_cases(root: Path = PEERS) -> list[Case]:
    folder = root / "screenplay_tools_tests"
    cases = []
    for src in sorted(folder.glob("*.fountain")):
        stem = src.stem
        if stem in SCREENPLAY_TOOLS_SKIP:
            continue
        dump = next((p for p in (folder / f"{stem}-Merged.txt", folder / f"{stem}.txt")
                     if p.exists()), None)
        if dump is None:
            continue  # writer outputs and the FDX pairs (see pair_cases) have no dump
        expected = parse_screenplay_tools(dump.read_text(encoding="utf-8"))
        cases.append(Case("screenplay-tools", f"screenplay_tools_tests/{src.name}", "fountain",
                          src.read_bytes(), expected, hide_markup=True,
                          note=f"expected: {dump.name}"))
    return cases


class _ScreenplainHTML(HTMLParser):
    """screenplain's HTML body: one element per heading/div/p, its type from the CSS class."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[list] = []  # [type, label, text]
        self._stack: list[tuple[str, str]] = []
        self._current: list | None = None
        self._skip = 0
        self._dialog_open = False

    def _start(self, label: str) -> None:
        self._current = [SCREENPLAIN_TYPES[label], label, ""]
        self.out.append(self._current)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        self._stack.append((tag, cls))
        classes = cls.split()
        if tag == "span" and classes and classes[0] in ("scnuml", "scnumr"):
            self._skip += 1
        elif tag == "span" and cls.endswith("-synopsis"):
            self._start("synopsis")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            if "page-break" in classes:
                self.out.append([T.OTHER, "page-break", "==="])
            self._start(tag)
        elif tag == "div" and classes and classes[0] in ("action", "transition"):
            if "page-break" in classes:
                self.out.append([T.OTHER, "page-break", "==="])
            self._current = None
            if classes[0] == "transition":
                self._start("transition")
            elif "centered" in classes:
                self._start("centered")
        elif tag == "div" and classes and classes[0] in ("dialog", "dual", "left", "right"):
            if "page-break" in classes:
                self.out.append([T.OTHER, "page-break", "==="])
            self._current = None
            self._dialog_open = False
        elif tag == "p":
            inside = [c for _t, c in self._stack[:-1]]
            if any(c.split()[:1] == ["action"] for c in inside):
                if self._current is None or self._current[1] not in ("action", "centered"):
                    self._start("centered" if any("centered" in c for c in inside) else "action")
                else:
                    self._current[2] += "\n\n"
            elif "character" in classes or "parenthetical" in classes:
                self._start("character" if "character" in classes else "parenthetical")
                self._dialog_open = False
            else:
                if self._dialog_open and self._current is not None:
                    self._current[2] += "\n"
                else:
                    self._start("dialog")
                    self._dialog_open = True
        elif tag == "br" and self._current is not None:
            self._current[2] += "\n"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and self._current is not None:
            self._current[2] += "\n"

    def handle_endtag(self, tag: str) -> None:
        closed = ""
        while self._stack:
            t, cls = self._stack.pop()
            if t == "span" and cls.split()[:1] in (["scnuml"], ["scnumr"]):
                self._skip -= 1
            if t == tag:
                closed = cls
                break
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "div"):
            self._current = None
            self._dialog_open = False
        elif tag == "span" and closed.endswith("-synopsis"):
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._skip or self._current is None:
            return
        self._current[2] += data.replace("\xa0", " ")


def parse_screenplain_html(text: str) -> list[Expected]:
    parser = _ScreenplainHTML()
    parser.feed(text)
    parser.close()
    return [Expected(t, body, label) for t, label, body in parser.out]


def screenplain_cases(root: Path = PEERS) -> list[Case]:
    """screenplain's ``X.fountain`` against ``X.html``; and its ``X.fdx`` against the same."""
    folder = root / "screenplain_tests"
    cases = []
    for src in sorted(folder.glob("*.fountain")):
        html = src.with_suffix(".html")
        if not html.exists():
            continue
        expected = parse_screenplain_html(html.read_text(encoding="utf-8"))
        cases.append(Case("screenplain", f"screenplain_tests/{src.name}", "fountain",
                          src.read_bytes(), expected, hide_markup=True))
        fdx = src.with_suffix(".fdx")
        if fdx.exists():
            cases.append(Case("screenplain-fdx", f"screenplain_tests/{fdx.name}", "fdx",
                              fdx.read_bytes(), expected, hide_markup=True,
                              note=f"expected: {html.name}"))
    return cases


# --------------------------------------------------------------------------------------------
# Hand labels: unlabelled peer files, labelled by us from the Fountain 1.1 spec
# --------------------------------------------------------------------------------------------
# Each entry is (type, text) in document order; "?" marks an element left out of the
# comparison because the spec is ambiguous or the peers disagree (reason in the comment).

A, H, C, D, P, X, OT, M = "action", "scene_heading", "character", "dialogue", "parenthetical", \
    "transition", "other", "metadata"

HAND_LABELS: dict[str, list[tuple[str, str]]] = {
    "nyousefi_FountainTests/Boneyard.fountain": [
        (A, "A line of action."),
        (OT, "/* This is an inline Boneyard. */"),
        (OT, "/* \nThis is a\nmulti-line \nBoneyard. \n*/"),
        (A, "This is an /* internal */ boneyard."),
    ],
    "nyousefi_FountainTests/CenteredText.fountain": [
        (A, "> Centered <"),
        (X, "> Not centered"),
        (A, ">No space<"),
        (A, ">      Lots of Space\t\t<"),
    ],
    "nyousefi_FountainTests/Dialogue.fountain": [
        (C, "ADAM"), (D, "I like to write."),
        (C, "EVE (O.S.)"), (D, "What kind of writing?"),
        (C, "ADAM"), (P, "(nervous)"), (D, "Screenwriting."),
        (C, "EVE"), (D, "ME TOO!"),
        (C, "EVE (cont'd)"), (D, "I think screenwriting is the best."),
        (C, "ADAM"), (D, "That's great. \nI was really worried you wouldn't \nlike screenwriting."),
        (C, "EVE"), (D, "Oh, Adam."), (P, "(kissing him)"),
        (C, "ADAM"), (D, "I love you."),
        (C, "EVE ^"), (D, "You're so stupid."),
        (C, "R2D2"), (D, "Bleep Boop."), (P, "(*This is a valid character cue.*)"),
        (A, "23 (O.S.)\nCharacter name must include a letter"),
        (C, "ADAM"),
        (D, "That was really weird.\nI can be weird to. Here's\na space in the dialogue\nblock\n"
            "  \nfor absolutely no good\nreason."),
        (C, "\t\tEVE"), (P, "\t  (feeling cocky)"), (D, "\tWell, then I'll just indent!"),
    ],
    "nyousefi_FountainTests/DualDialogue.fountain": [
        (C, "ADAM"), (D, "Yes."), (C, "EVE ^"), (D, "No."),
    ],
    "nyousefi_FountainTests/ForcedElements.fountain": [
        (A, "!BANG\nBANG\nBANG"),
        (C, "@McDUCK"), (D, "I'm vegan."),
        (C, "SINGER"), (D, "~These are the songs\n~That I sing."),
    ],
    "nyousefi_FountainTests/Indenting.fountain": [
        # A first line "X:" reads as a one-key title page to some parsers (screenplay-tools
        # does so in its Sections test) and as a transition to others.
        (SKIP, "                CUT TO:"),
        (H, "INT. GARAGE - DAY"),
        (A, "BRICK and STEEL get into Mom's PORSCHE, Steel at the wheel.  They pause for a beat, "
            "the gravity of the situation catching up with them."),
        (C, "            BRICK"), (D, "    This is everybody we've ever put away."),
        (C, "            STEEL"), (P, "        (starting the engine)"),
        (D, "    So much for retirement!"),
        (A, "They speed off.  To destiny!"),
    ],
    "nyousefi_FountainTests/MultilineAction.fountain": [
        (A, "A normal line of action."),
        (A, "This is a multi-line block of Action.\nMade famous by the great\nWALTER HILL\n"
            "but used by many other writers."),
        (A, "A normal line of action."),
    ],
    "nyousefi_FountainTests/Notes.fountain": [
        (A, "A line."),
        (OT, "[[A note.]]"),
        (OT, "[[This line spans\n  multiple lines.]]"),
        (A, "This is an [[internal]] note."),
    ],
    "nyousefi_FountainTests/PageBreaks.fountain": [
        (A, "Page one."), (OT, "==="), (A, "Page two."), (OT, "========="), (A, "Page three."),
    ],
    "nyousefi_FountainTests/SceneHeaders.fountain": [
        (H, "INT. HOUSE - DAY"), (H, "EXT. HOUSE - DAY"), (H, "INT HOUSE DAY"),
        (H, "EXT HOUSE DAY"), (H, "INT/EXT. HOUSE - DAY"), (H, "INT./EXT. HOUSE - DAY"),
        (H, "I/E. HOUSE - DAY"),
        (SKIP, "I./E. HOUSE - DAY"),  # not in the spec's prefix list; nyousefi's parser takes it
        (H, "I/E HOUSE DAY"), (H, "INT - HOUSE - DAY"), (H, "EXT - HOUSE - DAY"),
        (H, "EST. HOUSE - DAY"), (H, "EST HOUSE DAY"), (H, "INT. HOUSE - DAY (1979)"),
        (H, ".KITCHEN"),
        (A, "... not a scene header."),
        # "A Scene Heading is any line that has a blank line following it" (spec): not this one.
        (A, "INT. HOUSE - DAY"),
        (SKIP, "EXT. HOUSE - DAY"),  # blank after but not before: parsers differ
        (A, "ESTABLISHING"),
        (H, "int. house - day"),
    ],
    "nyousefi_FountainTests/SceneNumbers.fountain": [
        (H, "INT. HOUSE - DAY #1#"), (H, "INT. HOUSE - DAY #1A#"), (H, "INT. HOUSE - DAY #1a#"),
        (H, "INT. HOUSE - DAY #A1#"), (H, "INT. HOUSE - DAY #I-1-A#"),
        (H, "INT. HOUSE - DAY #1.#"), (H, "INT. HOUSE - DAY - FLASHBACK (1944) #110A#"),
    ],
    "nyousefi_FountainTests/SectionHeaders.fountain": [
        (OT, "# Act One"), (OT, "#Act Two"), (OT, "#ACT THREE"), (OT, "# ACT FOUR"), (OT, "# 5 "),
        (OT, "## Level 2"), (OT, "### Level 3"),
    ],
    "nyousefi_FountainTests/Sections-Complex.fountain": [
        (OT, "# Act 1"), (OT, "= Synopsis 1"), (H, "INT. LOCATION - DAY"),
        (OT, "# Act 2"), (OT, "## Sequence 1"), (H, "INT. LOCATION - DAY"),
    ],
    "nyousefi_FountainTests/Simple.fountain": [
        (M, "Title: A Simple Script\nAuthor: Nima Yousefi\nDraft date: 2/1/2012"),
        (SKIP, "FADE IN:"),  # the spec's transition ends in "TO:"; most parsers special-case it
        (H, "INT. OFFICE - MORNING"),
        (A, "A MAN sits alone at his desk."),
        (C, "MAN (V.O.)"), (P, "(passionately)"), (D, "I'm writing."),
        (OT, "===="),
        (H, "ext. house - day"),
        (A, "Another scene."),
        (X, "> Burn to White."),
        (A, "> THE END <"),
        (OT, "[[Comment]]"),
        (OT, "= Synopsis"),
        (OT, "/*\nThis text is in the boneyard.\n*/"),
        (OT, "# Section 1"),
        (A, "This is in section one."),
        (OT, "## Section 1-1"),
        (A, "This should be at a higher depth than the previous section."),
        (H, ".FORCED SCENE HEADING"),
        (A, "... Not a forced scene heading"),
        (OT, "/* Boneyard 2 */"),
        (A, "Scott exasperatedly throws down the card on the table and picks up the phone, "
            "hitting speed dial #1..."),
        (OT, "[[The following should not be considered a transition because it ends with one or "
            "more spaces.]]"),
        (A, "CUT TO: "),  # per the note above it (jouvence tests the same rule)
    ],
    "nyousefi_FountainTests/Synopses.fountain": [
        (OT, "# Act One"), (OT, "= This is the first act."), (OT, "# Act Two"),
        (OT, "=This is another act."), (OT, "# Act Three"), (OT, "=THE FINAL ACT"),
    ],
    "nyousefi_FountainTests/Transitions.fountain": [
        (SKIP, "CUT TO:"),  # first line "X:": title key or transition (see Indenting)
        (X, "SMASH CUT TO:"),
        (SKIP, "FADE TO BLACK."),  # not "TO:"-ending; parsers differ
        (X, "> NOT A STANDARD TRANSITION:"),
        (A, "CUT TO:  "),  # trailing spaces: not a transition (nyousefi Simple, jouvence)
        (X, "GO TO:"),
        (SKIP, "TO:"),  # uppercase and ends in TO:, but no words: parsers differ
    ],
}

_FDX_PAIR_BODY: list[tuple[str, str]] = [
    (H, "INT. RADIO STUDIO #1#"),
    (A, "We are in a TV station listening to the announcer on the other site of the glass."),
    (C, "DJ"), (P, "(bored)"), (D, "Hey everyone, this is some music that sounds kinda terrible."),
    (A, "Dave is at the coffee machine."),
    (C, "DAVE"), (D, "Why do we pay him?"),
    (C, "JIM (O.S.)"), (D, "Because he helps us test this screenplay."),
    (X, "CUT TO:"),
    (H, "EXT. OUTSIDE THE FOOD STORE #2#"),
    (A, "We are standing outside the food store. Kay is looking at the posters in the window."),
    (C, "KAY"), (D, "Maybe there's a job for me here."),
    (X, "> FADE TO BLACK"),
]

#: FDX files and the Fountain file the peer converts them to (or from); both are read by us
#: and compared with the same labels, taken from the Fountain side.
FDX_PAIRS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "screenplay_tools_tests/TestFDX-FD.fdx": ("screenplay_tools_tests/TestFDX-FD.fountain",
                                              _FDX_PAIR_BODY),
    "screenplay_tools_tests/TestFDX-FI.fdx": (
        "screenplay_tools_tests/TestFDX-FI.fountain",
        [(M, "Title: FDX Test Script\nAuthor: Ian\nDraft date:\n\tDraft\n\tinformation\n"
             "Copyright: Copyright (c) 2026\nContact:\n\tContact\n\tinformation")]
        + _FDX_PAIR_BODY),
    "afterwriting_test_data/fdx__header_note.fdx": (
        "afterwriting_test_data/fdx__header_note.fountain",
        [(H, "INT. SCENE HEADING - DAY"), (OT, "[[Note in scene heading.]]")]),
    "afterwriting_test_data/fdx__note.fdx": (
        "afterwriting_test_data/fdx__note.fountain",
        [(A, "Action. Action. [[Note in action. Note. Note. Note.]]")]),
    "afterwriting_test_data/fdx__synopsis.fdx": (
        "afterwriting_test_data/fdx__synopsis.fountain",
        [(H, "INT. SCENE HEADING - DAY"), (OT, "= Here is the synopsis.")]),
}


def _hand(labels: list[tuple[str, str]], *, fdx: bool = False) -> list[Expected]:
    """Hand labels as expectations. On the FDX side of a pair, notes and synopses (Final Draft
    ``<ScriptNote>``, ``<Summary>``) are optional: dropping them is fine, script text is not."""
    out = []
    for t, text in labels:
        optional = fdx and t == OT and text.startswith(("[[", "="))
        if fdx and not optional:
            text = _HIDDEN.sub("", text)  # an inline note is a <ScriptNote>: optional too
        out.append(Expected(None if t == SKIP else ElementType(t), text, "hand:" + t,
                            optional=optional))
    return out


def hand_cases(root: Path = PEERS) -> list[Case]:
    cases = []
    for name, labels in HAND_LABELS.items():
        path = root / name
        if path.exists():
            cases.append(Case("nyousefi (hand)", name, "fountain", path.read_bytes(),
                              _hand(labels), hide_markup=False))
    for fdx_name, (fountain_name, labels) in FDX_PAIRS.items():
        fdx, fountain = root / fdx_name, root / fountain_name
        if fountain.exists():
            cases.append(Case("pairs-fountain (hand)", fountain_name, "fountain",
                              fountain.read_bytes(), _hand(labels), hide_markup=False))
        if fdx.exists():
            cases.append(Case("pairs-fdx (hand)", fdx_name, "fdx", fdx.read_bytes(),
                              _hand(labels, fdx=True), hide_markup=False,
                              note=f"labels from {Path(fountain_name).name}"))
    return cases


def smoke_files(root: Path = PEERS) -> list[Path]:
    """Unlabelled scripts read only to check that the reader does not fail on them."""
    folder = root / "afterwriting_test_data"
    return [p for p in sorted(folder.glob("*.fountain")) if not p.name.startswith("fdx__")]


def smoke(root: Path = PEERS) -> list[tuple[str, str | None, Counter[str]]]:
    out = []
    for path in smoke_files(root):
        name = str(path.relative_to(root))
        try:
            types, _lines = read_types(path.read_bytes(), path.name)
        except Exception as exc:
            out.append((name, f"{type(exc).__name__}: {exc}", Counter()))
            continue
        out.append((name, None, Counter(str(t) for t in types if t is not T.BLANK)))
    return out


# --------------------------------------------------------------------------------------------
# Whole run
# --------------------------------------------------------------------------------------------

LOADERS: dict[str, Callable[[Path], list[Case]]] = {
    "jouvence": jouvence_cases,
    "screenplay-tools": screenplay_tools_cases,
    "screenplain": screenplain_cases,
    "hand": hand_cases,
}


def all_cases(root: Path = PEERS) -> tuple[list[Case], list[str]]:
    """Every case of every suite; a suite that cannot be loaded is reported, not raised."""
    cases: list[Case] = []
    problems: list[str] = []
    for name, loader in LOADERS.items():
        try:
            cases.extend(loader(root))
        except Exception as exc:
            problems.append(f"{name}: cannot load expectations ({type(exc).__name__}: {exc})")
    return cases, problems


@dataclass(slots=True)
class Report:
    results: list[CaseResult]
    suites: dict[str, Summary]
    overall: Summary
    by_format: dict[str, Summary]
    problems: list[str]

    @property
    def disagreements(self) -> list[Row]:
        return [r for res in self.results for r in res.rows if not r.agree]


def run_all(root: Path = PEERS) -> Report:
    cases, problems = all_cases(root)
    results = [run_case(c) for c in cases]
    suites: dict[str, Summary] = {}
    by_format: dict[str, Summary] = {}
    overall = Summary("overall")
    for res in results:
        suite = suites.setdefault(res.case.suite, Summary(res.case.suite, res.case.fmt))
        suite.add(res)
        by_format.setdefault(res.case.fmt, Summary(f"all {res.case.fmt}", res.case.fmt)).add(res)
        overall.add(res)
    return Report(results, suites, overall, by_format, problems)
