"""Features of the fitted emotion model, shared by its training script and its backend.

A text becomes a sparse vector of hashed word and character n-grams (no vocabulary is shipped:
each n-gram is hashed with CRC-32 into ``N_BUCKETS`` buckets) plus a few dense features that
generalise beyond the training sentences: VADER's scores, scenescore's lexicon reading, negation
and intensifiers, and the typography a screenplay uses for agitation or calm (exclamation marks,
capitals, stretched letters, ellipses, short lines). Words inside a negation's scope (the three
words after ``not``/``n't``/``never``...) are hashed as ``not_word``.

Only numpy and the standard library are used, so the backend needs no scikit-learn at run time.
"""

from __future__ import annotations

import functools
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.emotion.lexicon import LexiconReading

#: Hash buckets for the sparse n-grams (2^18: collisions are rare at EmoBank's size).
N_BUCKETS = 1 << 18
#: Character n-gram lengths, taken inside word boundaries (" word " padded).
CHAR_NGRAMS = (2, 3, 4, 5)
#: Words after a negation that are read as negated.
NEGATION_SCOPE = 3

DENSE_FEATURES: tuple[str, ...] = (
    "vader_compound", "vader_pos", "vader_neg", "vader_neu",
    "lexicon_valence", "lexicon_arousal", "lexicon_abs_valence", "lexicon_hits",
    "negations", "intensifiers", "exclamations", "questions", "capital_words", "shouted_line",
    "stretched", "ellipses", "log_words", "quoted",
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*|[!?]")
_CAPS = re.compile(r"\b[A-Z][A-Z'’]{2,}\b")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*")
_STRETCHED = re.compile(r"([A-Za-z])\1\1")
_ELLIPSIS = re.compile(r"\.\.\.|…|--\s*$|—\s*$")
_SCOPE_END = frozenset({"!", "?"})


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) % N_BUCKETS


@functools.lru_cache(maxsize=200_000)
def _char_buckets(word: str) -> tuple[int, ...]:
    """Buckets of a word's character n-grams (cached: a film repeats its words)."""
    padded = f" {word} "
    out = []
    for n in CHAR_NGRAMS:
        for i in range(len(padded) - n + 1):
            out.append(_bucket("c:" + padded[i:i + n]))
    return tuple(out)


@functools.lru_cache(maxsize=200_000)
def _word_bucket(word: str) -> int:
    return _bucket("w:" + word)


@functools.cache
def _negations() -> frozenset[str]:
    from vaderSentiment import vaderSentiment as vader

    return frozenset(w.lower() for w in vader.NEGATE) | {"never", "no", "nothing", "nobody", "none"}


@functools.cache
def _boosters() -> frozenset[str]:
    from vaderSentiment import vaderSentiment as vader

    return frozenset(k.lower() for k in vader.BOOSTER_DICT)


@functools.cache
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@dataclass(frozen=True, slots=True)
class SparseText:
    """One text's hashed n-grams: word buckets, char buckets (with counts) and its tokens."""

    word_buckets: np.ndarray
    word_counts: np.ndarray
    char_buckets: np.ndarray
    char_counts: np.ndarray
    tokens: tuple[str, ...]


def tokens_of(text: str) -> list[str]:
    """Lower-case tokens with negation scope marked (``not_happy``)."""
    negations = _negations()
    out: list[str] = []
    scope = 0
    for raw in _TOKEN.findall(text):
        w = raw.lower().replace("’", "'")
        if w in _SCOPE_END:
            scope = 0
            out.append(w)
            continue
        out.append(f"not_{w}" if scope else w)
        scope = max(0, scope - 1)
        if w in negations or w.endswith("n't"):
            scope = NEGATION_SCOPE
    return out


def sparse_text(text: str) -> SparseText:
    toks = tokens_of(text)
    words = [_word_bucket(t) for t in toks]
    words += [_bucket(f"b:{a} {b}") for a, b in zip(toks, toks[1:], strict=False)]
    chars: list[int] = []
    for t in toks:
        if t not in _SCOPE_END:
            chars.extend(_char_buckets(t.removeprefix("not_")))
    wb, wc = np.unique(np.asarray(words, dtype=np.int64), return_counts=True)
    cb, cc = np.unique(np.asarray(chars, dtype=np.int64), return_counts=True)
    return SparseText(wb, wc.astype(np.float64), cb, cc.astype(np.float64), tuple(toks))


def dense_features(text: str, reading: LexiconReading | None = None) -> list[float]:
    """The dense features of one text, in the order of :data:`DENSE_FEATURES`."""
    from scenescore.emotion.lexicon import read_text

    scores = _vader().polarity_scores(text)
    reading = reading if reading is not None else read_text(text)
    words = _WORDS.findall(text)
    lowers = [w.lower() for w in words]
    n = len(words)
    has_lower = any(not w.isupper() for w in words)
    caps = len(_CAPS.findall(text)) if has_lower else 0
    shouted = 1.0 if (not has_lower and n >= 2) else 0.0
    negations = sum(1 for w in lowers if w in _negations() or w.endswith(("n't", "n’t")))
    boosters = sum(1 for w in lowers if w in _boosters())
    return [
        scores["compound"], scores["pos"], scores["neg"], scores["neu"],
        reading.valence, reading.arousal, abs(reading.valence),
        min(reading.valence_hits + reading.arousal_hits, 6) / 6.0,
        min(negations, 3) / 3.0, min(boosters, 3) / 3.0,
        min(text.count("!"), 3) / 3.0, min(text.count("?"), 3) / 3.0, min(caps, 3) / 3.0, shouted,
        1.0 if _STRETCHED.search(text) else 0.0, min(len(_ELLIPSIS.findall(text)), 2) / 2.0,
        math.log1p(n), 1.0 if ('"' in text or "“" in text) else 0.0,
    ]


def weighted_groups(sparse: SparseText, idf: np.ndarray, group_weights: tuple[float, float]
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of one text: sublinear tf x idf, L2-normalised per group, weighted."""
    cols, vals = [], []
    for buckets, counts, gw in ((sparse.word_buckets, sparse.word_counts, group_weights[0]),
                                (sparse.char_buckets, sparse.char_counts, group_weights[1])):
        if len(buckets) == 0:
            continue
        v = (1.0 + np.log(counts)) * idf[buckets]
        norm = float(np.sqrt(np.sum(v * v))) or 1.0  # not BLAS: same bits on every kernel
        cols.append(buckets)
        vals.append(gw * v / norm)
    if not cols:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(cols), np.concatenate(vals)


def design(texts: Sequence[str], idf: np.ndarray, group_weights: tuple[float, float],
           dense_mean: np.ndarray, dense_scale: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[SparseText]]:
    """The design matrix of ``texts`` in coordinate form: (rows, cols, vals), dense block, sparse."""
    rows, cols, vals, sparse = [], [], [], []
    dense = np.zeros((len(texts), len(DENSE_FEATURES)))
    for i, text in enumerate(texts):
        s = sparse_text(text)
        sparse.append(s)
        c, v = weighted_groups(s, idf, group_weights)
        rows.append(np.full(len(c), i, dtype=np.int64))
        cols.append(c)
        vals.append(v)
        dense[i] = dense_features(text)
    dense = (dense - dense_mean) / dense_scale
    return (np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64),
            np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
            np.concatenate(vals) if vals else np.zeros(0), dense, sparse)
