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


@dataclass(frozen=True, slots=True)
class SparseBatch:
    """Many texts' hashed n-grams in one sorted coordinate array: entry ``j`` belongs to text
    ``rows[j]`` and group ``groups[j]`` (0 words, 1 characters); each text's entries are
    contiguous (``starts[i]:starts[i + 1]``), words before characters, buckets ascending within a
    group: exactly the arrays :func:`sparse_text` gives text by text, made with one ``np.unique``
    instead of two per text."""

    rows: np.ndarray
    groups: np.ndarray
    buckets: np.ndarray
    counts: np.ndarray
    #: Where each text's entries start, and where its character entries start.
    starts: np.ndarray
    char_starts: np.ndarray
    tokens: tuple[tuple[str, ...], ...]


def sparse_batch(texts: Sequence[str]) -> SparseBatch:
    """:func:`sparse_text` for many texts at once (the fitted backend's fast path)."""
    span = 2 * N_BUCKETS
    word_keys: list[int] = []
    word_rows: list[int] = []
    char_words: list[int] = []  # per word occurrence: its id among the batch's distinct words
    char_rows: list[int] = []
    ids: dict[str, int] = {}
    all_tokens: list[tuple[str, ...]] = []
    for i, text in enumerate(texts):
        toks = tokens_of(text)
        all_tokens.append(tuple(toks))
        buckets = [_word_bucket(t) for t in toks]
        buckets += [_bigram_bucket(a, b) for a, b in zip(toks, toks[1:], strict=False)]
        word_keys.extend(buckets)
        word_rows.extend([i] * len(buckets))
        words = [t.removeprefix("not_") for t in toks if t not in _SCOPE_END]
        char_words.extend(ids.setdefault(w, len(ids)) for w in words)
        char_rows.extend([i] * len(words))
    # Character n-grams: each distinct word's buckets once, gathered for every occurrence.
    per_word = [_char_array(w) for w in ids]
    lengths = np.asarray([len(b) for b in per_word], dtype=np.int64)
    flat = np.concatenate(per_word) if per_word else np.zeros(0, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else lengths
    occ = np.asarray(char_words, dtype=np.int64)
    occ_len = lengths[occ] if len(occ) else np.zeros(0, dtype=np.int64)
    first = np.repeat(offsets[occ] if len(occ) else occ, occ_len)
    within = np.arange(int(occ_len.sum()), dtype=np.int64) - np.repeat(np.cumsum(occ_len) - occ_len, occ_len)
    char_keys = (np.repeat(np.asarray(char_rows, dtype=np.int64), occ_len) * span + N_BUCKETS
                 + flat[first + within])
    keys = np.concatenate([np.asarray(word_rows, dtype=np.int64) * span
                           + np.asarray(word_keys, dtype=np.int64), char_keys])
    uniq, counts = np.unique(keys, return_counts=True)
    rows = uniq // span
    groups = (uniq // N_BUCKETS) % 2
    index = np.arange(len(texts), dtype=np.int64)
    return SparseBatch(rows=rows, groups=groups, buckets=uniq % N_BUCKETS,
                       counts=counts.astype(np.float64),
                       starts=np.searchsorted(rows, np.arange(len(texts) + 1, dtype=np.int64)),
                       char_starts=np.searchsorted(rows * 2 + groups, 2 * index + 1),
                       tokens=tuple(all_tokens))


@functools.lru_cache(maxsize=200_000)
def _char_array(word: str) -> np.ndarray:
    return np.asarray(_char_buckets(word), dtype=np.int64)


@functools.lru_cache(maxsize=200_000)
def _bigram_bucket(a: str, b: str) -> int:
    return _bucket(f"b:{a} {b}")


def batch_values(batch: SparseBatch, idf: np.ndarray, group_weights: tuple[float, float]) -> np.ndarray:
    """:func:`weighted_groups`' values for every entry of a batch, bit for bit: the per-group
    norms are still taken one group at a time with ``np.sum`` (pairwise summation, as there)."""
    v = (1.0 + np.log(batch.counts)) * idf[batch.buckets]
    squares = v * v
    norms = np.ones(len(v))
    weights = np.where(batch.groups == 0, group_weights[0], group_weights[1])
    bounds = np.stack([batch.starts[:-1], batch.char_starts, batch.char_starts, batch.starts[1:]], axis=1)
    for s, e in bounds.reshape(-1, 2).tolist():
        if e > s:
            norms[s:e] = float(np.sqrt(np.sum(squares[s:e]))) or 1.0
    return weights * v / norms


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
    negation_words, booster_words = _negations(), _boosters()
    negations = sum(1 for w in lowers if w in negation_words or w.endswith(("n't", "n’t")))
    boosters = sum(1 for w in lowers if w in booster_words)
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
