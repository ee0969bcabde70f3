"""Scenes from typed lines: headings split the script, markers set the timeline, and each
scene gets its characters, structured dialogue, page eighths and an estimated screen time.

Timeline rules (documented in docs/architecture.md):

* a heading that names it (``(FLASHBACK)``, ``- DREAM``, ``FLASHBACK - INT. ...``) marks that
  scene only;
* a marker line opens a layer that lasts across scenes until it is closed: ``FLASHBACK:``,
  ``BEGIN FLASHBACK``, ``FLASHBACK TO:``, ``SUPER: "Twenty years earlier"`` open a flashback
  that ``END FLASHBACK``, ``BACK TO PRESENT``, a bare ``BACK TO:``, ``SUPER: "Present day"`` or
  a heading set in the present (``INT. KITCHEN - PRESENT DAY``) close; ``DREAM SEQUENCE`` …
  ``END DREAM``; ``FLASH FORWARD`` … ``END FLASH FORWARD``; ``MONTAGE``/``SERIES OF SHOTS``
  … ``END MONTAGE``; ``INTERCUT`` marks the scene that says it and the scene it cuts with
  (the one before) until the next heading;
* the outer layer wins when layers nest (a montage inside a flashback is a flashback).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from scenescore.options import SegmentOptions
from scenescore.records import DialogueLine, Element, ElementType, Scene, Timeline
from scenescore.segment.lines import clean_line, cue_name, strip_scene_numbers

T = ElementType

_IE = re.compile(
    r"^(?:(?:FLASHBACK|FLASH\s?BACK|FLASH-?\s?FORWARD|DREAM|NIGHTMARE|INTERCUT|MONTAGE)\s*[-:–—]?\s*)?"
    r"(INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INT\.?\s*-\s*EXT|I\s*/\s*E|E\s*/\s*I|INTERIOR|EXTERIOR|INT|EXT|EST)"
    r"\.?\s*[-–—:]?\s*", re.I)
_TIMES = (
    "MOMENTS LATER", "MINUTES LATER", "HOURS LATER", "A MOMENT LATER", "CONTINUOUS", "LATER",
    "DAY", "NIGHT", "MORNING", "EVENING", "AFTERNOON", "DUSK", "DAWN", "SUNSET", "SUNRISE",
    "SAME TIME", "SAME", "MIDNIGHT", "NOON", "MAGIC HOUR", "PRE-DAWN", "EARLY MORNING",
    "LATE NIGHT", "NIGHTFALL", "TWILIGHT", "FIRST LIGHT", "THE NEXT DAY", "NEXT DAY",
    "NEXT MORNING", "CONTINUING",
)
_TIME_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(t) for t in _TIMES), key=len, reverse=True)) + r")\b")
_HEADING_TIMELINE = (
    (re.compile(r"\bFLASH[\s-]?FORWARD\b", re.I), Timeline.FLASHFORWARD),
    (re.compile(r"\bFLASH[\s-]?BACK\b", re.I), Timeline.FLASHBACK),
    (re.compile(r"\b(?:DREAM|NIGHTMARE|FANTASY|HALLUCINATION)\b", re.I), Timeline.DREAM),
    (re.compile(r"\bMONTAGE\b|\bSERIES OF SHOTS\b", re.I), Timeline.MONTAGE),
    (re.compile(r"\bINTERCUT\b", re.I), Timeline.INTERCUT),
)
_OPEN = (
    (re.compile(r"^(?:BEGIN\s+|START\s+(?:OF\s+)?)?FLASH[\s-]?FORWARD\b(?!\s*ENDS)", re.I), Timeline.FLASHFORWARD),
    (re.compile(r"^(?:BEGIN\s+|START\s+(?:OF\s+)?)?(?:FLASH[\s-]?BACK|BACK\s+IN\s+TIME)\b(?!\s*ENDS)", re.I), Timeline.FLASHBACK),
    (re.compile(r"^(?:BEGIN\s+|START\s+(?:OF\s+)?)?(?:DREAM(?:\s+SEQUENCE)?|NIGHTMARE|FANTASY\s+SEQUENCE)\b(?!\s*ENDS)", re.I),
     Timeline.DREAM),
    (re.compile(r"^(?:BEGIN\s+|START\s+(?:OF\s+)?)?(?:[A-Z'’ ]+\s+)?(?:MONTAGE|SERIES\s+OF\s+SHOTS)\b(?!\s*ENDS)", re.I),
     Timeline.MONTAGE),
)
_CLOSE = (
    (re.compile(r"^(?:END\s+(?:OF\s+)?FLASH[\s-]?FORWARD|FLASH[\s-]?FORWARD\s+ENDS)\b", re.I), Timeline.FLASHFORWARD),
    # A bare "BACK TO:" is the transition that ends what "FLASHBACK TO:" began (it names no
    # place: "BACK TO SCENE" and "BACK TO THE KITCHEN" are the camera's, not the timeline's).
    (re.compile(r"^(?:END\s+(?:OF\s+)?FLASH[\s-]?BACKS?|FLASH[\s-]?BACK\s+ENDS|BACK\s+TO\s+(?:THE\s+)?PRESENT|"
                r"RETURN\s+TO\s+(?:THE\s+)?PRESENT|PRESENT\s+DAY)\b|^BACK\s+TO$", re.I), Timeline.FLASHBACK),
    (re.compile(r"^(?:END\s+(?:OF\s+)?(?:DREAM|NIGHTMARE|FANTASY)|DREAM\s+ENDS|BACK\s+TO\s+REALITY)\b", re.I),
     Timeline.DREAM),
    (re.compile(r"^(?:END\s+(?:OF\s+)?(?:THE\s+)?(?:MONTAGE|SERIES\s+OF\s+SHOTS)|MONTAGE\s+ENDS)\b", re.I),
     Timeline.MONTAGE),
)
#: A heading that sets its scene in the present (``INT. KITCHEN - PRESENT DAY``, ``(PRESENT)``,
#: ``EXT. PIER - NIGHT - THE PRESENT``) returns from a flashback or flash forward left open.
_PRESENT_HEADING = re.compile(
    r"(?:^|[-–—,(\[]|\s-)\s*(?:BACK\s+TO\s+)?(?:THE\s+)?PRESENT(?:\s+(?:DAY|TIME))?\s*[)\]]?\s*(?:$|[-–—,])", re.I)
_INTERCUT = re.compile(r"^(?:INTERCUT|INTER-CUT|INTERCUTTING)\b", re.I)
_END_INTERCUT = re.compile(r"^END\s+(?:OF\s+)?INTERCUT\b", re.I)
_SUPER = re.compile(r"^(?:SUPER(?:IMPOSE)?|TITLE(?: CARD)?|CHYRON|CAPTION|ON SCREEN)\s*:?\s*(.*)$", re.I)
_PAST = re.compile(r"\b(?:years?|months?|weeks?|days?|decades?)\s+(?:earlier|before|ago)\b|\bearlier\b", re.I)
_PRESENT = re.compile(r"\b(?:present\s+day|the\s+present|today|now)\b", re.I)
_FUTURE = re.compile(r"\b(?:years?|months?|decades?)\s+(?:from\s+now|later|hence)\b", re.I)
_WORDS = re.compile(r"[A-Za-z0-9’']+")
# Cheap first test: only lines that could be a timeline marker go through the patterns below.
_MAYBE_MARKER = re.compile(
    r"^(?:BEGIN|START|END|FLASH|BACK|RETURN|PRESENT|DREAM|NIGHTMARE|FANTASY|MONTAGE|SERIES|INTER|"
    r"SUPER|TITLE|CHYRON|CAPTION|ON SCREEN|[A-Z'’ ]{0,40}MONTAGE)", re.I)
_DUAL_SPLIT = re.compile(r"\s{3,}")
_SKIP_TYPES = frozenset({T.BLANK, T.OTHER, T.METADATA})
_FLOWING = frozenset({T.ACTION, T.DIALOGUE, T.PARENTHETICAL})
_IN_DIALOGUE = frozenset({T.DIALOGUE, T.PARENTHETICAL})
_DIALOGUE_BLOCK = frozenset({T.CHARACTER, T.DIALOGUE, T.PARENTHETICAL})
_MARKER_TYPES = frozenset({T.ACTION, T.TRANSITION, T.SHOT, T.OTHER})
# Priority when layers nest: the outermost layer names the scene, and these outrank "present".
_LAYER_RANK = {Timeline.FLASHBACK: 5, Timeline.DREAM: 5, Timeline.FLASHFORWARD: 5,
               Timeline.INTERCUT: 3, Timeline.MONTAGE: 2, Timeline.PRESENT: 0}
# Characters per laid-out line for each element, Courier 12 at standard margins.
_WRAP = {T.ACTION: 61, T.SCENE_HEADING: 61, T.SHOT: 61, T.DIALOGUE: 35, T.PARENTHETICAL: 25,
         T.CHARACTER: 38, T.TRANSITION: 20}


@dataclass(slots=True)
class _Span:
    start: int  # index into elements
    end: int  # exclusive
    heading_index: int | None


@dataclass(slots=True)
class _Timeline:
    """The open timeline layers while reading a script front to back."""

    stack: list[Timeline] = field(default_factory=list)
    #: layer -> (index of the scene that opened it, line of the marker)
    opened_at: dict[Timeline, tuple[int, int]] = field(default_factory=dict)

    def current(self) -> Timeline:
        if not self.stack:
            return Timeline.PRESENT
        return max(self.stack, key=lambda t: (_LAYER_RANK[t], -self.stack.index(t)))

    def open(self, layer: Timeline, scene: int = 0, line: int = 0) -> None:
        if layer not in self.stack:
            self.stack.append(layer)
            self.opened_at[layer] = (scene, line)

    def close(self, layer: Timeline) -> None:
        if layer in self.stack:
            # Closing an outer layer closes what was opened inside it.
            for inner in self.stack[self.stack.index(layer):]:
                self.opened_at.pop(inner, None)
            del self.stack[self.stack.index(layer):]

    def leave_sequence(self, scene: int) -> None:
        """A full INT./EXT. heading after the scene that opened a montage (or series of
        shots) without an end marker ends it: the sequence has been left."""
        if Timeline.MONTAGE in self.stack and self.opened_at.get(Timeline.MONTAGE, (scene, 0))[0] < scene:
            self.close(Timeline.MONTAGE)


def parse_heading(heading: str) -> tuple[str, str | None, str | None, str | None, str | None]:
    """Split a heading into (heading, number, int_ext, location, time_of_day)."""
    text, number = strip_scene_numbers(heading.strip())
    text = " ".join(text.split())
    fountain_number = re.search(r"\s*#([\w.\-]+)#\s*$", text)
    if fountain_number:
        number = number or fountain_number.group(1)
        text = text[:fountain_number.start()].rstrip()
    if text.startswith(".") and not text.startswith(".."):
        text = text[1:]
    int_ext = location = time_of_day = None
    m = _IE.match(text)
    rest = text
    if m:
        token = re.sub(r"[\s.]", "", m.group(1).upper())
        if token in ("INT/EXT", "EXT/INT", "INT-EXT", "I/E", "E/I"):
            int_ext = "INT/EXT"
        elif token in ("INT", "INTERIOR"):
            int_ext = "INT"
        elif token in ("EXT", "EXTERIOR"):
            int_ext = "EXT"
        else:
            int_ext = "EXT"  # EST(ABLISHING) shots are exteriors
        rest = text[m.end():]
    parts = [p.strip() for p in re.split(r"\s+[-–—]+\s+|\s+--\s*|\s*--\s+", rest) if p.strip()]
    if len(parts) == 1 and "," in parts[0]:
        # "Exterior: Kanoma City, Day": a comma before the time of day.
        head, _, tail = parts[0].rpartition(",")
        if _TIME_RE.fullmatch(tail.strip().upper()):
            parts = [head.strip(), tail.strip()]
    if parts:
        time_index = None
        for k in range(len(parts) - 1, 0, -1):
            if _TIME_RE.search(parts[k].upper()):
                time_index = k
                break
        if time_index is not None:
            # "NIGHT (FLASHBACK)" and "DAY - 1993": the time is the part that names it.
            time_of_day = re.sub(r"\s*\([^)]*\)\s*", " ", parts[time_index]).strip(" ()") or None
            location = " - ".join(parts[:time_index]) or None
        else:
            location = " - ".join(parts)
    if location:
        location = re.sub(r"\s*\((?:FLASH[\s-]?BACK|FLASH[\s-]?FORWARD|DREAM|NIGHTMARE|MONTAGE|INTERCUT)[^)]*\)\s*",
                          " ", location, flags=re.I).strip(" .-") or None
    return text.strip(), number, int_ext, location, time_of_day


def _marker_text(element: Element) -> str:
    text, _ = clean_line(element.text)
    text = text.strip().lstrip(">").rstrip("<").strip()
    return text.strip(" *:.")


def _spans(elements: Sequence[Element], options: SegmentOptions) -> tuple[list[_Span], bool]:
    headings = [i for i, e in enumerate(elements) if e.type is T.SCENE_HEADING]
    spans: list[_Span] = []
    if headings:
        first = headings[0]
        prologue = [e for e in elements[:first] if e.type in (T.ACTION, T.DIALOGUE, T.SHOT)]
        if sum(len(e.text.split()) for e in prologue) >= 8:
            spans.append(_Span(0, first, None))
        for k, h in enumerate(headings):
            end = headings[k + 1] if k + 1 < len(headings) else len(elements)
            spans.append(_Span(h, end, h))
        return spans, False
    # Fallback: no headings. Cut at transitions, else every ~page at a block boundary.
    start = next((i for i, e in enumerate(elements) if e.type not in (T.METADATA, T.BLANK, T.OTHER)), None)
    if start is None:
        return [], True
    begin = start
    count = 0
    for i in range(start, len(elements)):
        e = elements[i]
        count += 1
        at_transition = e.type is T.TRANSITION and i > begin
        at_page = (count >= options.fallback_scene_lines and e.type is T.BLANK
                   and i + 1 < len(elements) and elements[i + 1].type in (T.ACTION, T.SHOT))
        if at_transition or at_page:
            end = i + 1
            spans.append(_Span(begin, end, None))
            begin = end
            count = 0
    if begin < len(elements):
        spans.append(_Span(begin, len(elements), None))
    return [s for s in spans if any(e.type not in (T.BLANK, T.OTHER) for e in elements[s.start:s.end])], True


def _timeline_events(scene_elements: Sequence[Element], heading_el: Element | None
                     ) -> list[tuple[str, Timeline | None]]:
    """The scene in order as ``content`` lines and timeline markers (open/close/intercut)."""
    events: list[tuple[str, Timeline | None]] = []
    for e in scene_elements:
        if e is heading_el or e.type in _SKIP_TYPES and e.type is not T.OTHER:
            continue
        if e.type in (T.DIALOGUE, T.CHARACTER, T.PARENTHETICAL):
            if not events or events[-1][0] != "content":
                events.append(("content", None))
            continue
        if e.type not in _MARKER_TYPES:
            continue
        marker = _marker_text(e)
        if not marker or len(marker) > 80 or not _MAYBE_MARKER.match(marker):
            if e.type in (T.ACTION, T.SHOT) and (not events or events[-1][0] != "content"):
                events.append(("content", None))
            continue
        if _INTERCUT.match(marker):
            events.append(("intercut", None))
            continue
        if _END_INTERCUT.match(marker):
            continue
        closed = next((layer for pattern, layer in _CLOSE if pattern.match(marker)), None)
        if closed is not None:
            events.append(("close", closed))
            continue
        opened = next((layer for pattern, layer in _OPEN if pattern.match(marker)), None)
        if opened is not None:
            # "FLASHBACK:", "BEGIN MONTAGE", "SERIES OF SHOTS" standing alone open a layer; the
            # same word opening a sentence of prose ("Montage of shots on T.V. ...") marks the
            # scene that says it and no more.
            events.append(("open" if _is_marker_line(marker) else "open_scene", opened))
            if not _is_marker_line(marker) and e.type in (T.ACTION, T.SHOT):
                events.append(("content", None))
            continue
        sup = _SUPER.match(marker)
        if sup and e.type in (T.ACTION, T.OTHER):
            said = sup.group(1)
            if _PAST.search(said):
                events.append(("open", Timeline.FLASHBACK))
            elif _PRESENT.search(said) or _FUTURE.search(said):
                events.append(("close", Timeline.FLASHBACK))
            continue
        if e.type in (T.ACTION, T.SHOT) and (not events or events[-1][0] != "content"):
            events.append(("content", None))
    return events


def _is_marker_line(marker: str) -> bool:
    """A timeline marker set as its own line (capitals, or a few words), not prose."""
    words = marker.split()
    if len(words) <= 4:
        return True
    return marker.isupper() and len(words) <= 8


#: A layer left open by its marker may cover at most this share of the scenes before it is
#: reported (a flashback or montage that never closes is usually a missed end marker).
LONG_LAYER_SHARE = 0.25


def build_scenes(elements: Sequence[Element], options: SegmentOptions | None = None,
                 numbers: dict[int, str] | None = None) -> tuple[list[Scene], list[str]]:
    """Group typed lines into scenes; return the scenes and any warnings."""
    options = options or SegmentOptions()
    spans, fallback = _spans(elements, options)
    warnings: list[str] = []
    if fallback and spans:
        warnings.append(
            f"no scene headings found: split into {len(spans)} scenes at transitions and about "
            f"every {options.fallback_scene_lines} lines")
    timeline = _Timeline()
    scenes: list[Scene] = []
    intercut_next = False
    for span in spans:
        scene_elements = elements[span.start:span.end]
        heading_el = elements[span.heading_index] if span.heading_index is not None else None
        heading_text = ""
        number = int_ext = location = time_of_day = None
        if heading_el is not None:
            heading_text, number, int_ext, location, time_of_day = parse_heading(heading_el.text)
            if numbers and heading_el.line in numbers:
                number = numbers[heading_el.line]
        heading_layer = next((layer for pattern, layer in _HEADING_TIMELINE
                              if heading_text and pattern.search(heading_text)), None)
        if int_ext is not None:
            timeline.leave_sequence(len(scenes))
        if heading_text and _PRESENT_HEADING.search(heading_text):
            timeline.close(Timeline.FLASHBACK)
            timeline.close(Timeline.FLASHFORWARD)
        events = _timeline_events(scene_elements, heading_el)
        scene_layer: Timeline | None = None
        last_content = max((k for k, (kind, _) in enumerate(events) if kind == "content"), default=-1)
        first_content = next((k for k, (kind, _) in enumerate(events) if kind == "content"), len(events))
        deferred: list[tuple[str, Timeline]] = []
        intercut_here = heading_layer is Timeline.INTERCUT or intercut_next
        intercut_next = False
        for k, (kind, layer) in enumerate(events):
            trailing = k > last_content
            if kind == "intercut":
                if trailing and last_content >= 0:
                    intercut_next = True  # "INTERCUT WITH:" closing a scene pairs it with the next
                elif scenes and scenes[-1].timeline is Timeline.PRESENT and not intercut_here:
                    scenes[-1] = _replace_timeline(scenes[-1], Timeline.INTERCUT)
                intercut_here = True
            elif kind == "open" and layer is not None:
                # A marker after the scene's last line opens the layer at the next heading.
                if trailing and last_content >= 0:
                    deferred.append(("open", layer))
                else:
                    timeline.open(layer, len(scenes), span.start)
            elif kind == "open_scene" and layer is not None:
                if scene_layer is None or _LAYER_RANK[layer] > _LAYER_RANK[scene_layer]:
                    scene_layer = layer
            elif kind == "close" and layer is not None:
                if k < first_content:
                    timeline.close(layer)
                else:
                    deferred.append(("close", layer))
        layer = timeline.current()
        if heading_layer is not None and _LAYER_RANK[heading_layer] > _LAYER_RANK[layer]:
            layer = heading_layer
        if scene_layer is not None and _LAYER_RANK[scene_layer] > _LAYER_RANK[layer]:
            layer = scene_layer
        if intercut_here and _LAYER_RANK[layer] < _LAYER_RANK[Timeline.INTERCUT]:
            layer = Timeline.INTERCUT
        for action, change in deferred:
            if action == "close":
                timeline.close(change)
            else:
                timeline.open(change, len(scenes) + 1, span.start)
        scenes.append(_make_scene(len(scenes) + 1, heading_text, number, int_ext, location, time_of_day,
                                  layer, scene_elements, options))
    warnings.extend(_long_layer_warnings(timeline, scenes, elements))
    if options.target_runtime_s and scenes:
        scenes = calibrate_seconds(scenes, options.target_runtime_s)
    return scenes, warnings


def _long_layer_warnings(timeline: _Timeline, scenes: Sequence[Scene], elements: Sequence[Element]) -> list[str]:
    """Layers still open at the end that cover more than a small share of the film."""
    out = []
    n = len(scenes)
    for layer, (first, index) in timeline.opened_at.items():
        covered = n - first
        if n >= 8 and covered > LONG_LAYER_SHARE * n:
            line = elements[index].line if index < len(elements) else 0
            out.append(f"the {layer.value} opened near line {line} never closes: it covers {covered} of {n} "
                       f"scenes ({covered / n:.0%}) with no end marker; check the script's markers")
    return out


def _replace_timeline(scene: Scene, timeline: Timeline) -> Scene:
    from dataclasses import replace

    return replace(scene, timeline=timeline)


def _make_scene(scene_id: int, heading: str, number: str | None, int_ext: str | None,
                location: str | None, time_of_day: str | None, timeline: Timeline,
                elements: Sequence[Element], options: SegmentOptions) -> Scene:
    characters: list[str] = []
    dialogue: list[DialogueLine] = []
    action_parts: list[str] = []
    speaker = ""
    paren = ""
    speech: list[str] = []
    # Side-by-side dual dialogue in a printed layout: the second speaker and where its column starts.
    dual: tuple[str, int] | None = None
    dual_speech: list[str] = []
    paragraphs: list[list] = []  # [type, characters]
    prev_type: ElementType | None = None
    text_lines: list[str] = []

    def flush_speech() -> None:
        nonlocal speech, paren, dual, dual_speech
        if speaker and (speech or paren):
            dialogue.append(DialogueLine(speaker, paren, " ".join(speech)))
        if dual is not None and dual_speech:
            dialogue.append(DialogueLine(dual[0], "", " ".join(dual_speech)))
        speech = []
        dual_speech = []
        dual = None
        paren = ""

    def add_character(name: str) -> None:
        if name and name not in characters:
            characters.append(name)

    skip = _SKIP_TYPES
    more = False  # a (MORE) at a page break: the same speaker's repeated cue continues the block
    for e in elements:
        t = e.type
        if t in skip:
            if t is T.OTHER and speaker and "MORE" in e.text.upper():
                more = True
            prev_type = None
            continue
        stripped = e.text.strip()
        if stripped.endswith("*") or stripped.startswith("*"):
            stripped, _ = clean_line(e.text)
        text_lines.append(stripped)
        if t is T.CHARACTER:
            if more and dual is None and cue_name(stripped.lstrip("@")) == speaker:
                more = False
                continue
            more = False
            flush_speech()
            pair = _DUAL_SPLIT.split(stripped)
            if len(pair) == 2 and all(cue_name(p) for p in pair):
                speaker = cue_name(pair[0].lstrip("@"))
                column = e.text.index(pair[1], len(e.text) - len(e.text.lstrip()) + len(pair[0]))
                dual = (cue_name(pair[1]), column - 8)
                add_character(speaker)
                add_character(dual[0])
            else:
                speaker = cue_name(stripped.lstrip("@"))
                add_character(speaker)
        elif t is T.PARENTHETICAL:
            # Parentheticals of one cue are kept together; the speech stays one line of text.
            paren = f"{paren} {stripped}".strip() if paren else stripped
        elif t is T.DIALOGUE:
            if dual is not None:
                parts = _DUAL_SPLIT.split(stripped)
                if len(parts) == 2:
                    speech.append(parts[0])
                    dual_speech.append(parts[1])
                elif len(e.text) - len(e.text.lstrip()) >= dual[1]:
                    dual_speech.append(stripped)
                else:
                    speech.append(stripped)
            else:
                speech.append(stripped.lstrip("~").strip())
        elif t is T.ACTION or t is T.SHOT:
            if speaker:
                flush_speech()
                speaker = ""
            action_parts.append(stripped.lstrip("!").strip())
        elif speaker:  # heading or transition
            flush_speech()
            speaker = ""
        # Paragraphs for page-length estimation, independent of the source's line wrapping.
        if prev_type is t and t in _FLOWING:
            paragraphs[-1][1] += len(stripped) + 1
        else:
            paragraphs.append([t, len(stripped)])
        prev_type = t
    if speaker:
        flush_speech()

    layout = 0
    action_lines = 0
    last_kind: ElementType | None = None
    for kind, chars in paragraphs:
        # One blank line before each element except inside a dialogue block.
        if last_kind is not None and not (kind in _IN_DIALOGUE and last_kind in _DIALOGUE_BLOCK):
            layout += 1
        if kind is T.SCENE_HEADING:
            layout += 1
        width = _WRAP.get(kind)
        n_lines = max(1, -(-chars // width)) if width else 1
        layout += n_lines
        if kind is T.ACTION or kind is T.SHOT:
            action_lines += n_lines
        last_kind = kind
    eighths = max(1, round(layout / options.lines_per_page * 8))
    words_dialogue = sum(len(_WORDS.findall(d.text)) for d in dialogue)
    action_text = "\n".join(action_parts)
    page_seconds = layout / options.lines_per_page * options.seconds_per_page
    content_seconds = (words_dialogue / options.dialogue_wpm * 60.0
                       + action_lines * options.seconds_per_action_line + options.seconds_per_scene)
    w = options.page_weight
    est = round(w * page_seconds + (1 - w) * content_seconds, 2)
    text = "\n".join(text_lines)
    start_line = elements[0].line if elements else 0
    end_line = elements[-1].line if elements else 0
    # Trailing blank/furniture lines still belong to the scene: they are between it and the next.
    return Scene(
        scene_id=scene_id, number=number, heading=heading, int_ext=int_ext, location=location,
        time_of_day=time_of_day, timeline=timeline, characters=tuple(characters),
        dialogue=tuple(dialogue), action=action_text, text=text,
        word_count=len(_WORDS.findall(text)), eighths=eighths, est_seconds=est,
        start_line=start_line, end_line=end_line,
    )


def calibrate_seconds(scenes: Sequence[Scene], target_runtime_s: float) -> list[Scene]:
    """Scale every scene's estimate so the film's total is ``target_runtime_s``."""
    from dataclasses import replace

    total = sum(s.est_seconds for s in scenes)
    if total <= 0:
        return list(scenes)
    factor = target_runtime_s / total
    return [replace(s, est_seconds=round(s.est_seconds * factor, 2)) for s in scenes]
