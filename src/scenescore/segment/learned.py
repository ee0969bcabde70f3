"""The learned line typer: a linear-chain CRF over line features, decoded with Viterbi.

A line's type depends on its neighbours (a cue opens a dialogue block, a blank line or a
heading ends it), on its text (capitals, ``(V.O.)``, sentence shape) and on the page's own
margins when the layout has them. Margins are not taken at fixed columns: the script's own
indentation clusters are found first (the action margin, where its cues and its speech sit,
the rank of each indent among the frequent ones), so margins one column apart, dialogue at
the action margin and fully flattened text are all described in the same terms.

The model is trained by ``scripts/train_segment.py`` (python-crfsuite, seeded) on typed
scripts rendered into many layouts (:mod:`scenescore.segment.render_layouts`); its weights
ship rounded in ``scenescore/data/line_crf.json.gz`` and are decoded here with numpy and a
small Viterbi, so typing needs no CRF library at run time.

Features are categorical *slots*: every content line gets one small integer per slot, and the
feature ``slot=value`` has one weight per type. Blank lines are not in the chain (they are
``blank`` by definition); how many of them sit before and after a line are features.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from scenescore.records import ElementType
from scenescore.segment import patterns as P
from scenescore.segment.lines import (
    clean_line,
    cue_name,
    is_cue_text,
    is_heading,
    is_shot,
    is_slug_text,
    is_transition,
)

T = ElementType
#: The types the chain chooses from (``blank`` is decided before the model runs).
LABELS: tuple[ElementType, ...] = (T.SCENE_HEADING, T.ACTION, T.CHARACTER, T.DIALOGUE, T.PARENTHETICAL,
                                   T.TRANSITION, T.SHOT, T.METADATA, T.OTHER)
MODEL_FILE = "line_crf.json.gz"

_LOOSE_HEADING = re.compile(
    r"^(?:\d{1,4}[A-Z]?\.?\s+)?(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E|INTERIOR|EXTERIOR|INT|EXT)"
    r"(?:[.:\-–—]|\s)", re.I)
_EXTENSION = re.compile(r"\((?:V\.?\s?O|O\.?\s?S|O\.?\s?C|CONT['’]?D|CONT|ON\s+\w+|PRE-?LAP|FILTERED|"
                        r"INTO\s+\w+|OVER\s+\w+|SUBTITLED?|IN\s+\w+|THROUGH|THRU|V\.?O\.?|O\.?S\.?)", re.I)
_LEAD_NUM = re.compile(rf"^{P.NUMBER}\.?\s")
_TRAIL_NUM = re.compile(rf"\s{P.NUMBER}\.?$")
_END_CLASS = {".": 1, "!": 2, "?": 2, ",": 3, ":": 4, ")": 5, "-": 6, "—": 6, "…": 6, "–": 6,
              '"': 7, "'": 7, "”": 7, "’": 7, ";": 3}
#: Place words of screenplay slug lines (a secondary heading names a place inside the scene's
#: location); with a ``- DAY``/``- LATER`` time suffix they tell a slug from a name in capitals.
_PLACE_WORD = re.compile(
    r"\b(?:ROOMS?|HOUSE|HOME|KITCHEN|BEDROOM|BATHROOM|HALL|HALLWAY|CORRIDOR|OFFICE|LOBBY|STUDY|LIBRARY|"
    r"STREET|ROAD|AVENUE|ALLEY|HIGHWAY|BRIDGE|PARKING|LOT|GARAGE|BUILDING|APARTMENT|FLAT|BAR|PUB|CLUB|"
    r"RESTAURANT|DINER|CAFE|CAFETERIA|SHOP|STORE|MARKET|WAREHOUSE|FACTORY|HOSPITAL|WARD|CLINIC|SCHOOL|"
    r"CLASSROOM|CHURCH|CHAPEL|STATION|PRECINCT|AIRPORT|HOTEL|MOTEL|CABIN|BARN|FARM|FIELD|YARD|BACKYARD|"
    r"GARDEN|PORCH|DECK|ROOF|ROOFTOP|ATTIC|BASEMENT|CELLAR|STAIRS|STAIRWELL|STAIRCASE|ELEVATOR|LANDING|"
    r"PARK|FOREST|WOODS|BEACH|SHORE|RIVER|LAKE|DOCK|PIER|HARBOR|HARBOUR|DESERT|MOUNTAIN|CAVE|TUNNEL|"
    r"CAR|TRUCK|VAN|TAXI|CAB|BUS|TRAIN|PLANE|BOAT|SHIP|CABIN|COCKPIT|UPSTAIRS|DOWNSTAIRS|OUTSIDE|"
    r"INSIDE|NEARBY|ELSEWHERE|ENTRANCE|EXIT|GATE|TOWN|CITY|VILLAGE|CAMP|PRISON|CELL|COURTROOM|"
    r"LAB|LABORATORY|THEATER|THEATRE|STAGE|BACKSTAGE|GYM|POOL|LOCKER)\b")
_LEN_EDGES = np.array([3, 8, 15, 22, 30, 36, 42, 50, 58, 66])
_REL_EDGES = np.array([-1, 0, 1, 3, 6, 9, 14, 19, 25, 35])  # indent relative to the action margin
_DELTA_EDGES = np.array([-9, -4, -2, -1, 0, 1, 3, 8])


def _bucket(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.searchsorted(edges, values, side="left")


# One entry per slot: its name and how many values it takes. The order is the model's.
SLOTS: tuple[tuple[str, int], ...] = (
    ("bias", 1), ("caps", 4), ("paren", 5), ("end", 11), ("len", 11), ("words", 9), ("head", 4),
    ("trans", 2), ("shot", 2), ("furn", 8), ("cue", 3), ("slug", 2), ("ext", 2), ("num", 4),
    ("titlesig", 2), ("bb", 3), ("ba", 2), ("pos", 4), ("bold", 3), ("first", 2), ("names", 5),
    ("long", 4), ("ind", 2), ("rel", 11), ("rank", 6), ("margin", 4), ("dprev", 9), ("dnext", 9),
    ("rel_ind", 22), ("len_ind", 22), ("sig", 4 * 5 * 3 * 2), ("caps_rel", 4 * 11),
    ("cue_next", 3 * 4 * 3), ("prev_caps", 4), ("prev_cue", 3), ("prev_end", 11), ("prev_len", 11),
    ("prev_paren", 5), ("prev_head", 4), ("next_caps", 4), ("next_paren", 5), ("next_len", 11),
    ("next_head", 4), ("next_bb", 3), ("next_cue", 3), ("prev_sig", 4 * 5 * 3 * 2),
    ("next_sig", 4 * 5 * 3 * 2), ("margin_prev", 16), ("pos_bb", 12), ("dprev_bb", 27),
    ("first_title", 4), ("centre", 3), ("prev2_caps", 5), ("prev_rule", 16), ("rule_ind", 32),
    ("ie_rule", 48), ("ie_shape", 72), ("next_long", 8), ("block_long", 8), ("cue_next_long", 3 * 4 * 2),
    ("alone_rules", 8 * 2 * 3), ("title_zone", 3 * 4 * 2), ("name_ie", 5 * 3 * 2 * 2),
    ("cue_names", 5 * 2 * 4), ("cue_names_ie", 5 * 3 * 2), ("place", 4 * 3), ("place_ctx", 4 * 2 * 2),
    ("caps_ctx", (1 + 2 * 4 * 4) * 2), ("shot_kind", 3 * 2 * 3),
    ("prev2_sig", 1 + 4 * 5 * 3 * 2), ("next2_sig", 1 + 4 * 5 * 3 * 2), ("next2_caps", 5),
    ("margin_use", 4 * 4 * 2), ("ie_share", 5 * 3 * 2), ("ie_share_ctx", 5 * 4 * 2),
)
#: Slots set to 0 for every line (ablation in scripts/dev_segment.py only; empty in use).
ABLATE: set[str] = set()
SLOT_NAMES = tuple(name for name, _ in SLOTS)
SLOT_OFFSETS = np.cumsum([0] + [size for _, size in SLOTS])[:-1]
N_FEATURES = int(sum(size for _, size in SLOTS))


def _caps(text: str) -> int:
    """0 no letters, 1 upper case (extensions and Mc/De prefixes aside), 2 capitalised, 3 lower."""
    if text.isupper():
        return 1
    if "(" in text:
        bare = P.PARENTHESES.sub("", text)
        if bare.isupper():
            return 1
    if len(text) < 50 and P.NAME_PREFIXES.search(text) and P.NAME_PREFIXES.sub("", text).isupper():
        return 1
    for ch in text:
        if ch.isalpha():
            return 2 if ch.isupper() else 3
    return 0


def _furniture(text: str, upper: bool) -> int:
    """Page furniture class: 0 none, 1 page number, 2 CONTINUED, 3 MORE, 4 act marker,
    5 OMITTED, 6 page header, 7 only marks."""
    first = text[0]
    if len(text) <= 30 and first in _FURNITURE_FIRST:
        if P.PAGE_NUMBER.match(text):
            return 1
        if P.PAGE_FURNITURE.match(text):
            return 3 if "MORE" in text.upper() else 2
    if first in _MARKS and P.ONLY_MARKS.match(text):
        return 7
    if "CONTINUED" in text.upper():
        bare = P.TRAILING_NUMBER.sub("", P.LEADING_NUMBER.sub("", text).strip()).strip()
        if P.PAGE_FURNITURE.match(bare):
            return 2
    if upper and P.ACT_MARKER.match(text):
        return 4
    if upper and P.OMITTED.match(text):
        return 5
    if (text[-1].isdigit() or text[-2:-1].isdigit()) and P.PAGE_HEADER.match(text):
        return 6
    return 0


_FURNITURE_FIRST = frozenset("0123456789-[(PpCcMm")
_MARKS = frozenset(" *#_=~-.")


def line_features(lines: Sequence[str], bold: Sequence[bool] | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Content-line indices and their slot values (``(n_content, n_slots)`` ints)."""
    idx: list[int] = []
    texts: list[str] = []
    indents: list[int] = []
    for i, raw in enumerate(lines):
        if not raw or raw.isspace():
            continue
        text, indent = clean_line(raw)
        if not text:
            continue
        idx.append(i)
        texts.append(text)
        indents.append(indent)
    n = len(idx)
    index = np.array(idx, dtype=np.int64)
    if n == 0:
        return index, np.zeros((0, len(SLOTS)), dtype=np.int64)

    caps = np.zeros(n, np.int64)
    paren = np.zeros(n, np.int64)
    end = np.zeros(n, np.int64)
    length = np.zeros(n, np.int64)
    words = np.zeros(n, np.int64)
    head = np.zeros(n, np.int64)
    trans = np.zeros(n, np.int64)
    shot = np.zeros(n, np.int64)
    furn = np.zeros(n, np.int64)
    cue = np.zeros(n, np.int64)
    slug = np.zeros(n, np.int64)
    ext = np.zeros(n, np.int64)
    num = np.zeros(n, np.int64)
    titlesig = np.zeros(n, np.int64)
    names: list[str | None] = [None] * n
    for k, s in enumerate(texts):
        c = _caps(s)
        caps[k] = c
        length[k] = len(s)
        words[k] = min(8, s.count(" ") + 1)
        first, last = s[0], s[-1]
        if first == "(":
            paren[k] = 1 if last == ")" else 2
        elif last == ")":
            paren[k] = 4 if "(" in s else 3
        end[k] = _END_CLASS.get(last, 8 if last.isdigit() else 9 if last.isalpha() else 10)
        if s.endswith("..."):
            end[k] = 6
        upper = c == 1
        fu = _furniture(s, upper) if (len(s) <= 30 or upper or "CONTINUED" in s or "*" in s
                                      or first.isdigit() or last.isdigit() or s[-2:-1].isdigit()) else 0
        furn[k] = fu
        if upper or first.isdigit():
            if is_heading(s):
                head[k] = 1
            elif _LOOSE_HEADING.match(s):
                head[k] = 2
            elif P.TIME_SLUG.search(s):
                head[k] = 3
            if upper:
                trans[k] = is_transition(s)
                shot[k] = is_shot(s)
                if is_cue_text(s):
                    cue[k] = 2 if "(" in s else 1
                    names[k] = cue_name(s)
                slug[k] = is_slug_text(s)
        elif _LOOSE_HEADING.match(s) and len(s) < 80:
            head[k] = 2
        if "(" in s and _EXTENSION.search(s):
            ext[k] = 1
        if first.isdigit() or last.isdigit():
            num[k] = bool(_LEAD_NUM.match(s)) + 2 * bool(_TRAIL_NUM.search(s))
    ind = np.array(indents, dtype=np.int64)

    # Blank lines around each content line, and the line's place in its block.
    gaps = np.diff(np.concatenate(([-1], index, [len(lines)]))) - 1
    before = gaps[:-1]
    after = gaps[1:]
    bb = np.minimum(before, 2)
    ba = np.minimum(after, 1)
    starts = before > 0
    starts[0] = True
    ends = after > 0
    ends[-1] = True
    pos = np.where(starts & ends, 0, np.where(starts, 1, np.where(ends, 3, 2)))
    if bold is not None:
        bold_arr = np.array([bold[i] for i in idx], dtype=bool)
        bold_slot = np.where(bold_arr, 1, 2)
    else:
        bold_slot = np.zeros(n, np.int64)
    heads = np.flatnonzero((head == 1) | ((trans == 1) & (caps == 1)))
    first_head = heads[0] if len(heads) else n
    for k in range(min(first_head, 400)):  # title pages come before the first heading
        titlesig[k] = bool(P.TITLE_PAGE_SIGNAL.search(texts[k]))
    before_first = (np.arange(n) < first_head).astype(np.int64)

    # How often each cue-like name recurs as a cue-like line.
    counter = Counter(name for name in names if name)
    name_count = np.array([counter[nm] if nm else 0 for nm in names], dtype=np.int64)
    names_slot = np.where(name_count == 0, 0, np.where(name_count == 1, 1, np.where(
        name_count <= 3, 2, np.where(name_count <= 9, 3, 4))))

    # The script's own margins.
    long_mixed = (length > 40) & (caps != 1)
    # Before the first heading: a title page has no prose; once prose appears it is the script.
    title_zone = np.where(before_first == 0, 0, np.where(np.cumsum(long_mixed) == 0, 2, 1))
    pool = ind[long_mixed] if long_mixed.sum() >= 5 else ind[caps != 1] if (caps != 1).any() else ind
    counts = Counter(pool.tolist())
    total = sum(counts.values())
    frequent = [v for v, c in counts.items() if c >= max(2, 0.05 * total)] if total >= 10 else []
    margin = min(frequent) if frequent else min(counts)
    rel = ind - margin
    indented = int(np.count_nonzero(rel >= 6) >= max(3, 0.08 * n))
    all_counts = Counter(ind.tolist())
    freq_all = sorted(v for v, c in all_counts.items() if c >= max(2, 0.03 * n))
    rank_of = {v: min(r, 4) for r, v in enumerate(freq_all)}
    rank = np.array([rank_of.get(v, 5) for v in ind.tolist()], dtype=np.int64)
    wrap = int(np.percentile(length, 95)) if n >= 20 else 60
    long_slot = _bucket(length * 100 // max(wrap, 1), np.array([45, 70, 90]))

    # The longest line of each block (run of lines between blank lines), relative to the wrap.
    block_id = np.cumsum(starts) - 1
    block_max = np.zeros(int(block_id[-1]) + 1, np.int64)
    np.maximum.at(block_max, block_id, long_slot)
    block_long = block_max[block_id]
    nxt = np.concatenate((np.arange(1, n), [n - 1]))
    prv = np.concatenate(([0], np.arange(0, n - 1)))
    # Where the script puts its cues and its speech: the commonest indent of cue-like lines
    # that run straight into mixed-case text, and of the lines they run into.
    cue_like = (cue > 0) & (ba == 0) & (caps[nxt] != 1) & (np.arange(n) < n - 1) & (head == 0)
    if cue_like.any():
        cue_margin = Counter(ind[cue_like].tolist()).most_common(1)[0][0]
        dlg_margin = Counter(ind[nxt[cue_like]].tolist()).most_common(1)[0][0]
        margin_slot = (ind == cue_margin).astype(np.int64) + 2 * (ind == dlg_margin)
    else:
        margin_slot = np.zeros(n, np.int64)
    if not indented:
        margin_slot = np.zeros(n, np.int64)
    rel_slot = _bucket(rel, _REL_EDGES)
    delta_prev = np.where(starts, 4, _bucket(ind - ind[prv], _DELTA_EDGES))
    delta_next = np.where(ends, 4, _bucket(ind[nxt] - ind, _DELTA_EDGES))
    delta_prev[0] = 4
    delta_next[-1] = 4
    centre = np.zeros(n, np.int64)
    if indented:
        mid = ind * 2 + length - (2 * margin + wrap)
        centre = np.where(np.abs(mid) <= 6, 1, np.where(mid > 6, 2, 0))
    sig = ((caps * 5 + paren) * 3 + bb) * 2 + ba
    no_prev = np.zeros(n, bool)
    no_prev[0] = True
    no_next = np.zeros(n, bool)
    no_next[-1] = True
    rule = np.where(head == 1, 1, np.where(trans == 1, 2, np.where(shot == 1, 3, np.where(
        furn > 0, 4 + np.minimum(furn, 7), np.where(cue > 0, 11 + cue, np.where(slug == 1, 14, np.where(
            head > 1, 15, 0)))))))
    rule = np.minimum(rule, 15)
    # Does the script mark its headings with INT./EXT. (then a caps line alone is rarely one)?
    n_ie = int(np.count_nonzero(head == 1))
    ie_doc = np.full(n, 0 if n_ie == 0 else 1 if n_ie <= 3 else 2, dtype=np.int64)

    cols = [
        np.zeros(n, np.int64), caps, paren, end, _bucket(length, _LEN_EDGES), words, head, trans, shot, furn,
        cue, slug, ext, num, titlesig, bb, ba, pos, bold_slot, before_first, names_slot, long_slot,
        np.full(n, indented), rel_slot, rank, margin_slot, delta_prev, delta_next,
        rel_slot * 2 + indented, _bucket(length, _LEN_EDGES) * 2 + indented, sig, caps * 11 + rel_slot,
        (cue * 4 + caps[nxt]) * 3 + np.where(no_next, 2, ba),
        np.where(no_prev, 0, caps[prv]), np.where(no_prev, 0, cue[prv]), np.where(no_prev, 0, end[prv]),
        np.where(no_prev, 0, _bucket(length[prv], _LEN_EDGES)), np.where(no_prev, 0, paren[prv]),
        np.where(no_prev, 0, head[prv]),
        np.where(no_next, 0, caps[nxt]), np.where(no_next, 0, paren[nxt]),
        np.where(no_next, 0, _bucket(length[nxt], _LEN_EDGES)), np.where(no_next, 0, head[nxt]),
        np.where(no_next, 2, bb[nxt]), np.where(no_next, 0, cue[nxt]),
        np.where(no_prev, 0, sig[prv]), np.where(no_next, 0, sig[nxt]),
        margin_slot * 4 + np.where(no_prev, 0, margin_slot[prv]),
        pos * 3 + bb, delta_prev * 3 + bb, before_first * 2 + titlesig,
        centre, np.where(np.arange(n) < 2, 4, caps[np.maximum(np.arange(n) - 2, 0)]),
        np.where(no_prev, 0, rule[prv]), rule * 2 + indented,
        rule * 3 + ie_doc, ((caps * 3 + bb) * 2 + ba) * 3 + ie_doc,
        np.where(no_next, 0, long_slot[nxt]) * 2 + indented, block_long * 2 + indented,
        (cue * 4 + np.where(no_next, 0, long_slot[nxt])) * 2 + indented,
        ((np.minimum(cue, 1) * 4 + slug * 2 + shot) * 2 + ((bb > 0) & (ba > 0))) * 3 + ie_doc,
        (title_zone * 4 + caps) * 2 + titlesig,
        ((names_slot * 3 + ie_doc) * 2 + ba) * 2 + indented,
    ]
    # The script's own cue vocabulary (two passes): names used as cues for sure — a cue-like
    # line with an extension such as (V.O.), or one running straight into a mixed-case line —
    # and, for every name line, how often the *other* lines of the script use it so.
    runs_into_text = (ba == 0) & ((caps[nxt] == 2) | (caps[nxt] == 3)) & (head[nxt] == 0) & ~no_next
    sure = (cue > 0) & ((ext == 1) | runs_into_text)
    sure_count = Counter(names[k] for k in np.flatnonzero(sure).tolist())
    others = np.array([sure_count[nm] - int(sure[k]) if nm else -1 for k, nm in enumerate(names)], dtype=np.int64)
    cue_names = np.where(others < 0, 0, np.where(others == 0, 1, np.where(others == 1, 2, np.where(
        others <= 4, 3, 4))))
    # Place words and time suffixes on a capitals line.
    place = np.zeros(n, np.int64)
    for k in np.flatnonzero(caps == 1).tolist():
        s = texts[k]
        place[k] = bool(P.TIME_SLUG.search(s)) + 2 * bool(_PLACE_WORD.search(s))
    # What follows a capitals line: blank or not, the next line's case and length.
    caps_ctx = np.where(caps == 1, 1 + (ba * 4 + np.where(no_next, 0, caps[nxt])) * 4
                        + np.where(no_next, 0, long_slot[nxt]), 0)
    shot_kind = np.zeros(n, np.int64)
    for k in np.flatnonzero(shot == 1).tolist():
        shot_kind[k] = 2 if P.POV_SUFFIX.search(texts[k]) else 1
    cols += [
        (cue_names * 2 + ba) * 4 + np.where(no_next, 0, caps[nxt]),
        (cue_names * 3 + ie_doc) * 2 + indented,
        place * 3 + ie_doc,
        (place * 2 + ba) * 2 + (cue_names >= 2),
        caps_ctx * 2 + (cue_names >= 2),
        (shot_kind * 2 + ba) * 3 + np.minimum(bb, 2),
    ]
    # Two lines away (the chain itself only links neighbours).
    ar = np.arange(n)
    has_p2, has_n2 = ar >= 2, ar < n - 2
    p2, n2 = np.maximum(ar - 2, 0), np.minimum(ar + 2, n - 1)
    # Document-level layout statistics. Which kinds of line this line's indent hosts over the
    # whole script (cues that run into speech, INT./EXT. headings): a caps line at a margin
    # that only ever holds cues is rarely a heading, and the reverse.
    ind_list = ind.tolist()
    cue_at = Counter(ind[cue_like].tolist())
    head_at = Counter(ind[head == 1].tolist())
    margin_use = np.array([(head_at[v] >= 2) + 2 * (cue_at[v] >= 2) for v in ind_list], dtype=np.int64)
    if not indented:
        margin_use[:] = 0
    # How many of the script's stand-alone capitals lines carry INT./EXT. (a script that uses
    # them throughout rarely makes a heading of a capitals line without them).
    alone_caps = (caps == 1) & (bb > 0) & (ba > 0) & (furn == 0) & (trans == 0)
    n_alone = int(np.count_nonzero(alone_caps))
    share = n_ie / n_alone if n_alone else 0.0
    ie_share = 0 if n_ie == 0 else 1 if share < 0.3 else 2 if share < 0.6 else 3 if share < 0.85 else 4
    kind = np.where(head == 1, 1, np.where(alone_caps, 2, 0))
    cols += [
        np.where(has_p2, 1 + sig[p2], 0), np.where(has_n2, 1 + sig[n2], 0), np.where(has_n2, caps[n2], 4),
        (margin_use * 4 + caps) * 2 + (ba > 0),
        (np.full(n, ie_share) * 3 + kind) * 2 + (cue_names >= 2),
        (np.full(n, ie_share) * 4 + np.where(alone_caps, 1 + np.minimum(place, 2), 0)) * 2 + indented,
    ]
    values = np.stack(cols, axis=1)
    if ABLATE:
        for name in ABLATE:
            values[:, SLOT_NAMES.index(name)] = 0
    return index, values


def feature_ids(values: np.ndarray) -> np.ndarray:
    """Slot values as rows of the weight matrix."""
    return values + SLOT_OFFSETS[None, :]


def feature_strings(values: np.ndarray) -> list[dict[str, float]]:
    """Slot values as crfsuite item features (training only)."""
    return [{f"{name}={v}": 1.0 for name, v in zip(SLOT_NAMES, row.tolist(), strict=True)} for row in values]


class LineCRF:
    """Weights of the line CRF: one row per feature value, one column per label."""

    def __init__(self, state: np.ndarray, transitions: np.ndarray, start: np.ndarray | None = None) -> None:
        self.state = state
        self.transitions = transitions
        self.start = start if start is not None else np.zeros(len(LABELS))
        self.bounds = prune_bounds(transitions)

    @classmethod
    def from_dict(cls, data: dict) -> LineCRF:
        labels = tuple(data["labels"])
        if labels != tuple(t.value for t in LABELS) or data["slots"] != [list(s) for s in SLOTS]:
            raise ValueError("line model does not match this version's labels and feature slots")
        state = np.zeros((N_FEATURES, len(LABELS)))
        for key, row in data["state"].items():
            state[int(key)] = row
        return cls(state, np.array(data["transitions"], dtype=float))

    def to_dict(self) -> dict:
        state = {str(i): [round(float(x), 4) for x in row] for i, row in enumerate(self.state) if np.any(row)}
        return {"labels": [t.value for t in LABELS], "slots": [list(s) for s in SLOTS],
                "state": state, "transitions": [[round(float(x), 4) for x in row] for row in self.transitions]}

    def decode(self, values: np.ndarray) -> np.ndarray:
        """Viterbi over the content lines; returns label indices."""
        n = len(values)
        if n == 0:
            return np.zeros(0, np.int64)
        ids = feature_ids(values)
        emit = self.state[ids[:, 0]].copy()
        for k in range(1, ids.shape[1]):  # slot by slot: no (lines x slots x labels) temporary
            emit += self.state[ids[:, k]]
        return viterbi(emit, self.transitions, self.bounds)


def prune_bounds(trans: np.ndarray) -> np.ndarray:
    """``bound[y, b]``: the most that putting ``y`` instead of ``b`` on one line can gain
    through the transitions. A label whose emission trails the line's best label ``b`` by more
    than ``bound[y, b]`` is never on the best path (swapping in ``b`` would improve it)."""
    into = (trans[:, :, None] - trans[:, None, :]).max(axis=0)  # max_p tr[p,y] - tr[p,b]
    out_of = (trans[:, None, :] - trans[None, :, :]).max(axis=2)  # max_q tr[y,q] - tr[b,q]
    return into + out_of


def viterbi(emit: np.ndarray, trans: np.ndarray, bounds: np.ndarray | None = None) -> np.ndarray:
    """Exact Viterbi, searching only the labels that :func:`prune_bounds` leaves possible
    (almost always one or two per line)."""
    n, n_labels = emit.shape
    if bounds is None:
        bounds = prune_bounds(trans)
    top = emit.argmax(axis=1)
    gap = emit[np.arange(n), top][:, None] - emit
    keep = gap <= bounds[:, top].T + 1e-9
    tr = trans.tolist()
    em = emit.tolist()
    cands = [np.flatnonzero(row).tolist() if n_keep > 1 else [t]
             for row, n_keep, t in zip(keep, keep.sum(axis=1).tolist(), top.tolist(), strict=True)]
    prev_labels = cands[0]
    prev_scores = [em[0][y] for y in prev_labels]
    back: list[list[int]] = [[]]
    for i in range(1, n):
        row = em[i]
        labels = cands[i]
        if len(prev_labels) == 1:
            ps = prev_scores[0]
            tp = tr[prev_labels[0]]
            scores = [ps + tp[y] + row[y] for y in labels]
            ptr = [0] * len(labels)
        else:
            scores = []
            ptr = []
            for y in labels:
                best = -1e300
                arg = 0
                for k, p in enumerate(prev_labels):
                    v = prev_scores[k] + tr[p][y]
                    if v > best:
                        best = v
                        arg = k
                scores.append(best + row[y])
                ptr.append(arg)
        back.append(ptr)
        prev_labels = labels
        prev_scores = scores
    out = np.zeros(n, np.int64)
    k = max(range(len(prev_scores)), key=prev_scores.__getitem__)
    for i in range(n - 1, -1, -1):
        out[i] = cands[i][k]
        if i:
            k = back[i][k]
    return out


@lru_cache(maxsize=1)
def load_model() -> LineCRF | None:
    """The shipped model, or None when the package has none (the rules are used then)."""
    try:
        raw = resources.files("scenescore.data").joinpath(MODEL_FILE).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return None
    return LineCRF.from_dict(json.loads(gzip.decompress(raw)))


def type_lines_learned(lines: Sequence[str], *, bold: Sequence[bool] | None = None,
                       model: LineCRF | None = None) -> list[ElementType] | None:
    """Type a printed layout's lines with the CRF; None when no model is available."""
    model = model or load_model()
    if model is None:
        return None
    index, values = line_features(lines, bold)
    types = [T.BLANK] * len(lines)
    if len(index):
        labels = model.decode(values)
        for i, y in zip(index.tolist(), labels.tolist(), strict=True):
            types[i] = LABELS[y]
    return types
