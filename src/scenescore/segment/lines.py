"""Line typing: every line of the normalized text gets one :class:`ElementType`.

Formats that mark their elements (Final Draft, Fountain) give the type directly. Printed
layouts (plain text, IMSDB HTML, PDF) are typed by rules over text and indentation:

1. page furniture first (page numbers, ``(CONTINUED)``, ``(MORE)``, revision marks, lone
   scene numbers) → ``other``; it never breaks a dialogue block that spans a page;
2. a title page before the first heading or transition, recognised by what title pages say
   (``written by``, draft dates, contacts) → ``metadata``;
3. blocks of consecutive lines are read with a small state machine: a heading or transition
   stands alone; an uppercase name line followed at once by text opens a dialogue block in
   which ``(...)`` lines are parentheticals; everything else is action, except standalone
   camera directions (``CLOSE ON``, ``ANGLE ON``, ``INSERT``, ``... POV``), which are shots.

Indentation is used when the layout has it (columns are measured relative to the action
margin); when all indentation was lost the same rules run on text alone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scenescore.records import ElementType
from scenescore.segment import patterns as P

T = ElementType
_SENTENCE_END = re.compile(r"[.!?,;]$")
_NOT_NAMES = frozenset({
    "THE END", "END", "CONTINUED", "MORE", "SUPER", "TITLE", "TITLES", "INSERT", "MONTAGE",
    "SILENCE", "LATER", "INTERCUT", "BLACK", "BLACKNESS", "DARKNESS", "FLASHBACK", "END FLASHBACK",
    "BACK TO PRESENT", "DREAM SEQUENCE", "END DREAM", "END MONTAGE", "SERIES OF SHOTS",
    "END OF FLASHBACK", "PRESENT DAY", "MAIN TITLES", "OPENING CREDITS", "END CREDITS",
    "FADE IN", "FADE OUT", "THE NEXT MORNING", "MOMENTS LATER", "CREDITS", "NOTE", "BEAT",
})


@dataclass(slots=True)
class _Line:
    raw: str
    text: str  # stripped, revision marks and scene numbers removed
    indent: int
    upper: bool  # has letters and no lowercase letters


def clean_line(raw: str) -> tuple[str, int]:
    """Strip a line for typing: whitespace, revision asterisks; return (text, indent)."""
    s = raw.rstrip()
    if not s:
        return "", 0
    if s[-1] != "*" and "*" not in s[:len(s) - len(s.lstrip()) + 1]:
        stripped = s.lstrip()
        return stripped, len(s) - len(stripped)
    if s.endswith("*"):
        s = P.REVISION_MARK.sub("", s).rstrip()
    indent = len(s) - len(s.lstrip())
    s = s.lstrip()
    if s.startswith("*"):
        m = P.LEADING_REVISION_MARK.match(s)
        if m:
            indent += m.end()
            s = s[m.end():]
    return s, indent


def _is_upper(text: str) -> bool:
    """Has a letter and no lower-case letter (uncased scripts count as upper)."""
    if text.isupper():
        return True
    if text != text.upper():
        return False  # a lower-case letter somewhere
    return any(ch.isalpha() for ch in text)


def strip_scene_numbers(text: str) -> tuple[str, str | None]:
    """Remove printed scene numbers on either side of a heading; return (heading, number).

    A trailing number counts when it repeats the leading one, or when it stands apart (two or
    more spaces) and does not look like a year: ``EXT. DOCK - NIGHT - 1993`` keeps its year.
    """
    number = None
    lead = P.LEADING_NUMBER.match(text)
    trail = P.TRAILING_NUMBER.search(text)
    if lead and (P.HEADING_PREFIX.match(text[lead.end():].lstrip())
                 or (trail and trail.group(1) == lead.group(1) and trail.start() > lead.end())):
        number = lead.group(1)
        text = text[lead.end():].lstrip()
        trail = P.TRAILING_NUMBER.search(text)
    if trail:
        value = trail.group(1)
        apart = text[trail.start():trail.start() + 2] == "  "
        year = len(value) == 4 and value.isdigit() and value[:2] in ("18", "19", "20")
        if value == number or (number is None and apart and not year):
            number = number or value
            text = text[:trail.start()].rstrip()
    return text, number


_SEQUENCE_HEADING = re.compile(r"^(?:MONTAGE|SERIES\s+OF\s+SHOTS|QUICK\s+CUTS)\s*[-–—:]+\s*\S")
_NOT_SLUGS = frozenset({
    "SILENCE", "BLACKNESS", "DARKNESS", "NOTHING", "BLACK", "WHITE", "THE END", "END", "BOOM", "BANG",
    "CRASH", "THUD", "SLAM", "CLICK", "RING", "BEEP", "KNOCK", "SCREAM", "WHAM", "THWACK", "SMASH",
    "CONTINUED", "MORE", "FADE IN", "FADE OUT", "SUPER", "TITLE", "MAIN TITLES", "CREDITS", "END CREDITS",
    "OPENING CREDITS", "FLASHBACK", "END FLASHBACK", "BACK TO PRESENT", "DREAM SEQUENCE", "END DREAM",
    "MONTAGE", "END MONTAGE", "SERIES OF SHOTS", "INTERCUT", "END OF FLASHBACK", "THE NEXT MORNING",
})


def is_slug_text(text: str) -> bool:
    """A secondary slug line (``THE PANTRY``, ``BACK ROOM - LATER``): a place, not a sentence."""
    if not text or len(text) > 50 or not _is_upper(text) or "(" in text or text[0] in "-—\"'" or "   " in text:
        return False
    if text[-1] in ".!?,;:\"'" or text.replace(" ", "").isdigit():
        return False
    words = text.split()
    return len(words) <= 6 and text not in _NOT_SLUGS and cue_name(text) not in _NOT_SLUGS


# ----------------------------------------------------------------- slug convention

MASTER_LOOSE = re.compile(
    r"^(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E|INTERIOR|EXTERIOR|INT|EXT)(?:[.:\-–—]|\s)", re.I)
_POSSESSIVE = re.compile(r"['’]S$")


def slug_name(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip(" .,:;-–—").upper()).strip()


def _is_subject(text: str, speakers: set[str]) -> bool:
    """A subject slug: the line names one of the script's speakers (``SCOTT``, ``NAK'S``), alone
    or with at most two more words (``SPALDING JEAGER``)."""
    bare = slug_name(text)
    if bare in speakers:
        return True
    words = bare.replace(",", " ").split()
    return 0 < len(words) <= 3 and words[0] in speakers and " - " not in text


def slug_kind(text: str, speakers: set[str], *, runs_through: bool = False) -> str:
    """What a stand-alone slug-like line is under the project's convention (docs/parsing.md):

    * ``heading``: it opens a scene at a place or a time — a master heading (``INT.``/``EXT.``
      in any of its forms, or a ``PLACE - TIME`` slug) or a secondary slug line naming a place
      or a time in capitals (``THE PANTRY``, ``BACK ROOM - LATER``);
    * ``shot``: it points the camera — a camera direction of film grammar (``ANGLE ON``,
      ``CLOSE ON``, ``ON ...``, ``... POV``, ``INSERT``, ``OVER ... SHOULDER``, ``WIDE``,
      ``BACK TO SCENE``...) or a subject slug naming one of the script's speakers (``SCOTT``);
    * ``action``: anything else a source typed as a heading — a sentence (lower case, or ending
      in ``. ! ? , : ;``), a sound, or a line too long to be a slug; a reader sees action. So is
      a secondary slug that a sentence of the action runs through (``runs_through``: the action
      before it stops mid-sentence, or the action after it goes on in lower case, as in
      ``... looks up to see`` / ``A MAN'S SILHOUETTE`` / ``on the sheet.``): words of a
      sentence set in capitals for emphasis, not a new place.
    """
    s = text.strip()
    if is_heading(s) or MASTER_LOOSE.match(s) or P.TIME_SLUG.search(s):
        return "heading"
    if is_shot(s) or _is_subject(s, speakers):
        return "shot"
    if is_slug_text(s):
        return "action" if runs_through else "heading"
    return "action"


def runs_into(previous_action: str) -> bool:
    """Does an action paragraph stop mid-sentence (its last character a letter, a digit or a
    comma), so that its sentence runs on into the next line?"""
    s = previous_action.rstrip()
    return bool(s) and (s[-1].isalnum() or s[-1] == ",")


def runs_on(next_action: str) -> bool:
    """Does an action paragraph go on with a sentence begun before it (its first letter in
    lower case: ``reach in and scoop them up.``, ``...which rains down``)?"""
    for ch in next_action:
        if ch.isalpha():
            return ch.islower()
    return False


_BOTH_NUMBERS = re.compile(rf"^({P.NUMBER})\.?\s+\S.*?\s({P.NUMBER})\.?$")


def is_heading(text: str) -> bool:
    if not text:
        return False
    bare = P.LEADING_NUMBER.sub("", text, count=1).lstrip() if text[0].isdigit() else text
    if _SEQUENCE_HEADING.match(bare) and _is_upper(bare):
        return True  # MONTAGE - THE LONGEST AFTERNOON, SERIES OF SHOTS - THE SEARCH
    both = _BOTH_NUMBERS.match(text)
    if both and both.group(1) == both.group(2) and _is_upper(text):
        return True  # printed scene numbers on both sides mark a heading whatever it says
    head, _number = strip_scene_numbers(text) if text[0].isdigit() or text[-1].isdigit() else (text, None)
    if P.HEADING_PREFIX.match(head):
        return _is_upper(head) or bool(P.HEADING_MIXED.match(head))
    return bool(P.HEADING_MIXED.match(head))


def is_transition(text: str) -> bool:
    if not _is_upper(text) or len(text) > 40:
        return False
    return bool(P.TRANSITION_TO.match(text) or P.TRANSITION_WORDS.match(text))


def is_shot(text: str) -> bool:
    if not _is_upper(text) or len(text) > 60:
        return False
    return bool(P.SHOT.match(text) or P.POV_SUFFIX.search(text))


def cue_name(text: str) -> str:
    """The speaker a cue names: extensions, CONT'D and dual-dialogue marks removed."""
    name = P.PARENTHESES.sub("", text).replace("^", "")
    name = P.CONTD.sub("", name)
    return re.sub(r"\s+", " ", name).strip(" .:-*")


def is_cue_text(text: str) -> bool:
    """Could this line name a speaker? Uppercase name, short, not a sentence or a slug."""
    if not text or len(text) > 50 or text.startswith(("(", "[", "-", "—", "\"", "'")):
        return False
    core = text.rstrip(" ^")
    name = P.PARENTHESES.sub("", core).strip()
    if "(" in name or ")" in name:
        return False
    if not name or not _is_upper(P.NAME_PREFIXES.sub("", name)):
        return False
    if _SENTENCE_END.search(name) and not re.search(r"\b(?:MR|MRS|MS|DR|ST|JR|SR|LT|SGT|CPT|CAPT|COL|GEN|REV|PROF)\.$", name):
        return False
    if name.endswith(":") or " - " in name or name in _NOT_NAMES or cue_name(name) in _NOT_NAMES:
        return False
    if len(name.split()) > 5 or P.SHOT.match(name):
        return False
    return not name.replace(" ", "").isdigit()


def _prepare(lines: Sequence[str]) -> list[_Line]:
    out = []
    for raw in lines:
        text, indent = clean_line(raw)
        # Extensions may be lower case in a cue: REYES (cont'd).
        upper = _is_upper(P.PARENTHESES.sub("", text) if "(" in text else text)
        if not upper and text and len(text) < 50 and P.NAME_PREFIXES.search(text):
            upper = _is_upper(P.NAME_PREFIXES.sub("", text))  # McCREE, DeVITO
        out.append(_Line(raw, text, indent, upper))
    return out


def _furniture(line: _Line, prev_blank: bool) -> bool:
    """Page numbers, CONTINUED, MORE, lone scene numbers, revision headers."""
    s = line.text
    if not s:
        return False
    if len(s) <= 30 and (P.PAGE_FURNITURE.match(s) or P.PAGE_NUMBER.match(s)):
        return True
    if P.ONLY_MARKS.match(s):
        return True
    if "CONTINUED" in s.upper():
        # "12   CONTINUED:   12", "CONTINUED: (2)", "(CONTINUED)   *"
        bare = P.LEADING_NUMBER.sub("", s).strip()
        bare = P.TRAILING_NUMBER.sub("", bare).strip()
        if P.PAGE_FURNITURE.match(bare):
            return True
    if P.OMITTED.match(s) or (line.upper and P.ACT_MARKER.match(s)):
        return True
    if P.PAGE_HEADER.match(s):
        # A running header: after a blank, or dated and ending in a page number wherever it is.
        return prev_blank or bool(P.DATE.search(s))
    return False


def _layout(lines: list[_Line]) -> tuple[bool, int]:
    """Is the layout indented, and where is the action margin?"""
    # Action lines are the long mixed-case ones; headings and cues (upper case) may sit elsewhere.
    counts = Counter(ln.indent for ln in lines if ln.text and len(ln.text) > 40 and not ln.upper)
    if sum(counts.values()) < 5:
        counts = Counter(ln.indent for ln in lines if ln.text and not ln.upper) or Counter(
            ln.indent for ln in lines if ln.text)
    if not counts:
        return False, 0
    total = sum(counts.values())
    # The action margin: the leftmost indent that holds a fair share of the long lines.
    frequent = [i for i, c in counts.items() if c >= max(2, 0.05 * total)] if total >= 10 else []
    margin = min(frequent) if frequent else min(counts)
    body = [ln.indent for ln in lines if ln.text]
    deeper = sum(1 for i in body if i >= margin + 6)
    return deeper >= max(3, 0.08 * len(body)), margin


def type_layout_lines(lines: Sequence[str], *,
                      bold: Sequence[bool] | None = None) -> list[ElementType]:
    """Type the lines of a printed screenplay (plain text, HTML ``<pre>``, PDF text).

    ``bold`` (IMSDB sets headings and cues in ``<b>``) breaks ties the layout leaves open.
    """
    info = _prepare(lines)
    is_bold = (lambda i: bold[i]) if bold is not None else (lambda i: False)
    n = len(info)
    types: list[ElementType | None] = [None] * n
    for i, ln in enumerate(info):
        if not ln.text:
            types[i] = T.BLANK
    for i, ln in enumerate(info):
        if types[i] is None:
            prev_blank = i == 0 or types[i - 1] is T.BLANK
            if _furniture(ln, prev_blank):
                types[i] = T.OTHER
    indented, margin = _layout(info)

    def rel(i: int) -> int:
        return info[i].indent - margin

    # Double-spaced files (a blank after every line, as some text conversions make them): a
    # single blank line does not end a block there, two or more do.
    spaced = _double_spaced(types)
    breaks = [t is T.BLANK for t in types]
    if spaced:
        for i in range(n):
            if breaks[i] and not ((i > 0 and types[i - 1] is T.BLANK) or (i + 1 < n and types[i + 1] is T.BLANK)):
                breaks[i] = False

    def next_content(i: int) -> int | None:
        """Index of the next line in the same block, skipping furniture; None at a blank."""
        j = i + 1
        while j < n:
            t = types[j]
            if breaks[j]:
                # A page break inside a dialogue block shows as furniture then blank lines.
                return None
            if t is not T.OTHER and t is not T.BLANK:
                return j
            j += 1
        return None

    _title_page(info, types)

    # Printed text wraps action at about 60 characters and dialogue at about 35: a line much
    # longer than dialogue ever is cannot be dialogue (used where indentation was lost).
    wrap = _wrap_width(info, types)
    dialogue_max = max(30, int(wrap * 0.8)) if wrap <= 80 else 10_000
    # "Loose" flattened files put a blank line between a cue and each line of its speech.
    loose = not indented and not spaced and _loose_dialogue(info, types, dialogue_max)

    def after_gap(i: int) -> int | None:
        """The line after exactly one blank line following ``i`` (loose files)."""
        j = i + 1
        if j < n and types[j] is T.BLANK and j + 1 < n and types[j + 1] is None:
            return j + 1
        return None

    known_names: set[str] = set()
    state = "none"  # none | action | dialogue | paren | gap (loose files: between speech lines)
    cue_rel = 0
    last_kind: ElementType | None = None
    last_text = ""
    for i in range(n):
        t = types[i]
        if t is T.BLANK:
            if not breaks[i]:
                continue
            # Furniture between two parts of a dialogue block keeps the block open.
            if state in ("dialogue", "paren") and _page_break_continues(info, types, i):
                continue
            if loose and state in ("dialogue", "paren") and i + 1 < n and types[i + 1] is None:
                state = "gap"
                continue
            state = "none"
            continue
        if t is not None:
            continue
        ln = info[i]
        s = ln.text
        r = rel(i)
        if state == "gap":
            single = next_content(i) is None
            if s.startswith("(") and single or last_kind is T.PARENTHETICAL and not last_text.endswith(")"):
                types[i] = last_kind = T.PARENTHETICAL
                last_text = s
                state = "dialogue" if s.endswith(")") else "paren"
                continue
            continues = (last_kind in (T.CHARACTER, T.PARENTHETICAL) or not _ends_sentence(last_text)
                         or (ln.upper and not is_cue_text(s)))
            if single and continues and len(s) <= dialogue_max and not is_heading(s) and not is_transition(s):
                types[i] = last_kind = T.DIALOGUE
                last_text = s
                state = "dialogue"
                continue
            state = "none"
        if ln.upper and not s.endswith(":") and len(s) < 70 and r <= 5 and P.TIME_SLUG.search(s) \
                and state not in ("dialogue", "paren") and (i == 0 or types[i - 1] in (T.BLANK, T.OTHER)):
            types[i] = T.SCENE_HEADING  # a slug line without INT./EXT.: "MARSH HOUSE - KITCHEN - NIGHT"
            state = "none"
            continue
        in_block = state in ("dialogue", "paren")
        if is_heading(s) and not (in_block and indented and r >= 8 and not P.HEADING_PREFIX.match(s)):
            types[i] = T.SCENE_HEADING
            state = "none"
            continue
        if ln.upper and is_transition(s) and (not in_block or (indented and r >= 30)):
            types[i] = T.TRANSITION
            state = "none"
            continue
        if indented and ln.upper and r >= 35 and len(s) < 40 \
                and next_content(i) is None and state not in ("dialogue", "paren"):
            types[i] = T.TRANSITION  # right-aligned uppercase: BACK TO PRESENT., INTERCUT WITH:
            state = "none"
            continue
        if state in ("dialogue", "paren"):
            if indented and r <= 2 and not s.startswith("(") and "     " not in s:
                state = "none"  # back at the action margin (side-by-side dual dialogue is not)
            elif state == "paren" or s.startswith("("):
                types[i] = last_kind = T.PARENTHETICAL
                last_text = s
                state = "dialogue" if s.rstrip().endswith(")") else "paren"
                continue
            elif (ln.upper and is_cue_text(s) and next_content(i) is not None
                  and (cue_name(s) in known_names or (indented and r >= cue_rel - 2 and r > 12)
                       or "(" in s)):
                types[i] = last_kind = T.CHARACTER
                last_text = s
                state = "dialogue"
                continue
            else:
                types[i] = last_kind = T.DIALOGUE
                last_text = s
                continue
        nxt = next_content(i)
        if ln.upper and nxt is not None and is_cue_text(s):
            nr = rel(nxt)
            if indented:
                ok = (r >= 8 and nr >= 4) or (r > nr + 4 and nr >= 2) or (r >= 8 and info[nxt].text.startswith("("))
            else:
                # Without indentation a name line usually opens a block; one straight after an
                # action sentence (a missing blank line) counts when it is clearly a name.
                after_sentence = (state == "action" and i > 0 and _ends_sentence(info[i - 1].text)
                                  and (len(cue_name(s).split()) <= 3 or "(" in s))
                ok = (state == "none" or cue_name(s) in known_names or after_sentence) and (
                    _speech_len(info[nxt].text) <= dialogue_max or info[nxt].text.startswith("(")) \
                    and not (after_sentence and info[nxt].upper)
            ok = ok or (is_bold(i) and not is_bold(nxt) and state == "none" and (not indented or r > 3))
            if ok and not is_heading(info[nxt].text) and not is_transition(info[nxt].text):
                types[i] = last_kind = T.CHARACTER
                last_text = s
                known_names.add(cue_name(s))
                cue_rel = r
                state = "dialogue"
                continue
        if loose and ln.upper and nxt is None and state == "none" and is_cue_text(s):
            after = after_gap(i)
            if after is not None and (info[after].text.startswith("(") or (
                    len(info[after].text) <= dialogue_max and not is_heading(info[after].text)
                    and not is_transition(info[after].text) and not info[after].upper)):
                types[i] = last_kind = T.CHARACTER
                last_text = s
                known_names.add(cue_name(s))
                state = "dialogue"
                continue
        if ln.upper and is_shot(s) and state == "none":
            types[i] = T.SHOT
            state = "none" if nxt is None else "action"
            continue
        if ln.upper and state == "none" and (not indented or r <= 3) and is_slug_text(s) \
                and (i == 0 or types[i - 1] in (T.BLANK, T.OTHER)):
            if nxt is None:
                slug = True
            elif indented:
                slug = rel(nxt) <= 3 and not info[nxt].upper
            else:
                slug = _speech_len(info[nxt].text) > dialogue_max
            if slug:
                types[i] = T.SCENE_HEADING  # a secondary slug line: THE PANTRY, BACK ROOM - LATER
                continue
        if ln.upper and state == "none" and nxt is None and indented and r >= 20 and is_cue_text(s):
            # A cue whose dialogue was lost, or a centred title: read as action.
            types[i] = T.ACTION
            continue
        types[i] = T.ACTION
        state = "action"
    return [t if t is not None else T.ACTION for t in types]


_WIDE_GAP = re.compile(r"\s{5,}")


def _speech_len(text: str) -> int:
    """Length of the longest column of a line (side-by-side dual dialogue has two)."""
    return max(len(part) for part in _WIDE_GAP.split(text)) if "     " in text else len(text)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "…", '"', "'", "”", ")")) and not text.rstrip().endswith("...")


def _wrap_width(info: list[_Line], types: list[ElementType | None]) -> int:
    """The width the text was wrapped at: the 95th percentile of content line lengths."""
    lengths = sorted(len(ln.text) for ln, t in zip(info, types, strict=True) if t is None and ln.text)
    if len(lengths) < 20:
        return 10_000
    return lengths[int(len(lengths) * 0.95)]


def _loose_dialogue(info: list[_Line], types: list[ElementType | None], dialogue_max: int) -> bool:
    """Do name lines stand alone, a blank line before their speech, more often than not?"""
    loose = tight = 0
    n = len(info)
    for i, ln in enumerate(info):
        if types[i] is not None or not ln.upper or not is_cue_text(ln.text):
            continue
        if i + 1 < n and types[i + 1] is None:
            if not info[i + 1].upper:
                tight += 1
        elif (i + 2 < n and types[i + 1] is T.BLANK and types[i + 2] is None and not info[i + 2].upper
              and (len(info[i + 2].text) <= dialogue_max or info[i + 2].text.startswith("("))):
            loose += 1
    return loose >= 3 and loose > 2 * tight


def _double_spaced(types: list[ElementType | None]) -> bool:
    """Nearly every content line is followed by a blank line."""
    content = followed = 0
    for i, t in enumerate(types[:-1]):
        if t is not T.BLANK:
            content += 1
            followed += types[i + 1] is T.BLANK
    return content >= 10 and followed / content > 0.9


def _page_break_continues(info: list[_Line], types: list[ElementType | None], i: int) -> bool:
    """A blank inside a page break: furniture before or after it, then dialogue resumes."""
    n = len(info)
    j = i
    saw_furniture = False
    while j < n and (types[j] is T.BLANK or types[j] is T.OTHER):
        saw_furniture = saw_furniture or types[j] is T.OTHER
        j += 1
    k = i - 1
    while k >= 0 and (types[k] is T.BLANK or types[k] is T.OTHER):
        saw_furniture = saw_furniture or (types[k] is T.OTHER and "MORE" in info[k].text.upper())
        k -= 1
    if not saw_furniture or j >= n:
        return False
    # The block continues only if a (MORE) announced it or the next text is a CONT'D cue.
    return any("MORE" in info[x].text.upper() for x in range(k + 1, j) if types[x] is T.OTHER)


def _title_page(info: list[_Line], types: list[ElementType | None]) -> None:
    """Lines before the first heading/transition that read like a title page are metadata."""
    n = len(info)
    end = None
    for i in range(n):
        if types[i] is not None:
            continue
        s = info[i].text
        if is_heading(s) or (info[i].upper and is_transition(s)):
            end = i
            break
        if i > 400:
            return
    if end is None or end == 0:
        return
    region = [i for i in range(end) if types[i] is None]
    if not region:
        return
    signals = sum(1 for i in region if P.TITLE_PAGE_SIGNAL.search(info[i].text))
    sentences = sum(1 for i in region if len(info[i].text) > 60 and not info[i].upper)
    # A few short lines before FADE IN (a bare title, an author) are a title page too.
    bare_title = len(region) <= 6 and all(len(info[i].text) <= 50 for i in region) and any(
        info[i].upper for i in region)
    if (signals == 0 and not bare_title) or sentences > max(3, len(region) // 3):
        return
    for i in region:
        types[i] = T.METADATA
