"""Align a transcript to the screenplay's dialogue over normalized words.

Pass 1 is a global Needleman-Wunsch alignment of every transcript word against every script
dialogue word (linear gaps, exact and same-stem matches), so cut lines and added lines become
gaps. Pass 2 gives the transcript lines pass 1 left out (reordered or paraphrased lines) to the
most similar script line among the scenes of their aligned neighbours. A last pass keeps the
heaviest run of lines whose scenes never go backwards, so one stray match cannot tear a scene.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from scenescore.align.options import AlignOptions
from scenescore.align.records import TranscriptLine
from scenescore.errors import OptionsError
from scenescore.records import Scene

log = logging.getLogger("scenescore.align")

_WORD = re.compile(r"[a-z0-9]+")
#: Matches shorter than this many characters of a shared stem do not count as partial matches.
_STEM = 4
#: Pass 2 needs this many words in a transcript line to accept containment as similarity.
_CONTAINMENT_MIN_WORDS = 5


def normalize_words(text: str) -> list[str]:
    """Lower-case ASCII words without punctuation; apostrophes join (``it's`` -> ``its``)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return _WORD.findall(folded.replace("'", ""))


@dataclass(frozen=True, slots=True)
class ScriptWord:
    word: str
    scene_id: int
    line_index: int


def script_words(scenes: Sequence[Scene]) -> list[ScriptWord]:
    return [ScriptWord(w, s.scene_id, k) for s in scenes for k, d in enumerate(s.dialogue)
            for w in normalize_words(d.text)]


def needleman_wunsch(a: Sequence[str], b: Sequence[str], *, options: AlignOptions | None = None
                     ) -> list[tuple[int, int, float]]:
    """Global alignment of two word sequences: the aligned pairs ``(i, j, score)`` with score > 0.

    Rows are computed with numpy (the left-gap chain is a running maximum), so the cost is
    ``len(a) * len(b)`` bytes for the traceback and well under a second for a feature film.
    """
    import numpy as np

    opts = options or AlignOptions()
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return []
    if n * m > opts.max_alignment_cells:
        raise OptionsError(f"alignment table of {n:,} x {m:,} words is over max_alignment_cells "
                           f"({opts.max_alignment_cells:,}); raise it or split the footage")
    vocab: dict[str, int] = {}
    stems: dict[str, int] = {}

    def ids(words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        w = np.fromiter((vocab.setdefault(x, len(vocab)) for x in words), dtype=np.int64,
                        count=len(words))
        # Words shorter than a stem get a stem id of their own so they never half-match.
        s = np.fromiter((stems.setdefault(x[:_STEM] if len(x) >= _STEM else "#" + x, len(stems))
                         for x in words), dtype=np.int64, count=len(words))
        return w, s

    aw, astem = ids(a)
    bw, bstem = ids(b)
    g, match, mismatch = opts.gap_score, opts.match_score, opts.mismatch_score
    partial = match / 2
    cols = np.arange(m + 1, dtype=np.float64)
    prev = cols * g
    trace = np.zeros((n, m + 1), dtype=np.int8)  # 0 diagonal, 1 up, 2 left
    for i in range(n):
        sub = np.where(bw == aw[i], match, np.where(bstem == astem[i], partial, mismatch))
        diag = prev[:-1] + sub
        up = prev[1:] + g
        best = np.empty(m + 1)
        best[0] = (i + 1) * g
        best[1:] = np.maximum(diag, up)
        run = np.maximum.accumulate(best - cols * g) + cols * g
        row_trace = np.where(run > best, 2, 0).astype(np.int8)
        row_trace[1:][(row_trace[1:] == 0) & (up > diag)] = 1
        row_trace[0] = 1
        trace[i] = row_trace
        prev = run
    pairs: list[tuple[int, int, float]] = []
    i, j = n, m
    while i > 0 and j > 0:
        step = trace[i - 1, j]
        if step == 0:
            if aw[i - 1] == bw[j - 1]:
                pairs.append((i - 1, j - 1, 1.0))
            elif astem[i - 1] == bstem[j - 1]:
                pairs.append((i - 1, j - 1, 0.5))
            i, j = i - 1, j - 1
        elif step == 1:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs


def _similarity(a: Counter[str], b: Counter[str]) -> float:
    na, nb = sum(a.values()), sum(b.values())
    if not na or not nb:
        return 0.0
    common = sum((a & b).values())
    dice = 2 * common / (na + nb)
    if na >= _CONTAINMENT_MIN_WORDS:
        dice = max(dice, 0.8 * common / na)  # a subtitle cue holding part of a long speech
    return dice


def align_transcript(transcript: Sequence[TranscriptLine], scenes: Sequence[Scene], *,
                     options: AlignOptions | None = None) -> list[TranscriptLine]:
    """The transcript lines with ``scene_id``, ``line_index`` and ``score`` filled in."""
    opts = options or AlignOptions()
    script = script_words(scenes)
    line_words = [normalize_words(t.text) for t in transcript]
    flat = [(k, w) for k, words in enumerate(line_words) for w in words]
    pairs = needleman_wunsch([w for _, w in flat], [s.word for s in script], options=opts)

    votes: list[Counter[tuple[int, int]]] = [Counter() for _ in transcript]
    for i, j, score in pairs:
        sw = script[j]
        votes[flat[i][0]][(sw.scene_id, sw.line_index)] += score
    order = {s.scene_id: n for n, s in enumerate(scenes)}
    assigned: list[tuple[int, int, float] | None] = []
    for k, words in enumerate(line_words):
        if not words or not votes[k]:
            assigned.append(None)
            continue
        (scene_id, line_index), _ = votes[k].most_common(1)[0]
        share = sum(votes[k].values()) / len(words)
        assigned.append((scene_id, line_index, share) if share >= opts.min_line_similarity
                        else None)

    # Pass 2: lines left out, matched to a script line between their neighbours' scenes.
    script_lines = {(s.scene_id, k): Counter(normalize_words(d.text))
                    for s in scenes for k, d in enumerate(s.dialogue)}
    anchors = [a for a in assigned]
    for k, words in enumerate(line_words):
        if assigned[k] is not None or not words:
            continue
        before = next((anchors[x] for x in range(k - 1, -1, -1) if anchors[x]), None)
        after = next((anchors[x] for x in range(k + 1, len(anchors)) if anchors[x]), None)
        lo = order[before[0]] if before else 0
        hi = order[after[0]] if after else len(scenes) - 1
        bag = Counter(words)
        best: tuple[float, int, int] | None = None
        for scene in scenes[lo:hi + 1]:
            for li in range(len(scene.dialogue)):
                sim = _similarity(bag, script_lines[(scene.scene_id, li)])
                if best is None or sim > best[0]:
                    best = (sim, scene.scene_id, li)
        if best is not None and best[0] >= opts.min_line_similarity:
            assigned[k] = (best[1], best[2], best[0])

    keep = _monotone(assigned, line_words, order)
    out: list[TranscriptLine] = []
    for k, line in enumerate(transcript):
        a = assigned[k] if k in keep else None
        out.append(replace(line, scene_id=a[0], line_index=a[1], score=a[2]) if a
                   else replace(line, scene_id=None, line_index=None, score=0.0))
    log.info("aligned %d of %d transcript lines", sum(1 for t in out if t.scene_id is not None),
             len(out))
    return out


def _monotone(assigned: list[tuple[int, int, float] | None], line_words: list[list[str]],
              order: dict[int, int]) -> set[int]:
    """Indices of the heaviest subsequence of assigned lines whose scene order never decreases."""
    idx = [k for k, a in enumerate(assigned) if a is not None]
    if not idx:
        return set()
    rank = [order[assigned[k][0]] for k in idx]  # type: ignore[index]
    weight = [assigned[k][2] * max(1, len(line_words[k])) for k in idx]  # type: ignore[index]
    best = list(weight)
    back = [-1] * len(idx)
    for x in range(len(idx)):
        for y in range(max(0, x - 400), x):  # bounded look-back keeps this linear in practice
            if rank[y] <= rank[x] and best[y] + weight[x] > best[x]:
                best[x], back[x] = best[y] + weight[x], y
    x = max(range(len(idx)), key=best.__getitem__)
    chosen: set[int] = set()
    while x >= 0:
        chosen.add(idx[x])
        x = back[x]
    return chosen
