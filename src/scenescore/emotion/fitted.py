"""The default backend: a ridge model fitted on EmoBank's human valence/arousal ratings.

Fitted by ``scripts/train_emotion.py`` on EmoBank's train split (Buechel & Hahn 2017,
CC-BY-SA 4.0; the shipped ``data/emotion_model.npz`` is a derived work under the same licence),
settings chosen on its dev split. Features (``features.py``): hashed word and character n-grams,
VADER's scores, the lexicon's reading, negation, intensifiers and typography. Inference is numpy
only: a sparse dot product per text, well under a millisecond.

Outputs are the model's predictions on EmoBank's 1-5 scale, centred on the mean of its predictions
for the training sentences and divided by two of their standard deviations, clipped to [-1, 1]:
a sentence predicted one standard deviation above the mean reads +0.5 (Pearson r is unchanged).

The screenplay's own signals reach this backend as text the model reads (docs/emotion.md):
parentheticals (``(screaming)``) are scored as delivery units of their speaker, sound cues and
shouting through the capitals and exclamation features, short action lines through the length
feature; their weights are those fitted on EmoBank, not set by hand.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, ClassVar

from scenescore.emotion.lexicon import (
    coverage_confidence,
    discrete_emotions,
    load_lexicon,
    read_text,
)
from scenescore.emotion.records import TextEmotion
from scenescore.errors import ScenescoreError

if TYPE_CHECKING:  # pragma: no cover - numpy loads with the backend, not with the package
    import numpy as np

    from scenescore.emotion.features import SparseBatch

MODEL_FILE = "data/emotion_model.npz"


@dataclass(frozen=True, slots=True)
class FittedModel:
    w_valence: np.ndarray
    w_arousal: np.ndarray
    idf: np.ndarray
    dense_mean: np.ndarray
    dense_scale: np.ndarray
    meta: dict

    @property
    def group_weights(self) -> tuple[float, float]:
        gw = self.meta["settings"]["group_weights"]
        return float(gw[0]), float(gw[1])

    @property
    def dense_weight(self) -> float:
        return float(self.meta["settings"]["dense_weight"])


@functools.cache
def load_model() -> FittedModel:
    """Read the shipped model (cached; about 0.1 s)."""
    import numpy as np

    from scenescore.emotion.features import DENSE_FEATURES, N_BUCKETS

    try:
        with resources.files("scenescore").joinpath(MODEL_FILE).open("rb") as f, np.load(f) as z:
            meta = json.loads(bytes(z["meta"]).decode())
            model = FittedModel(
                w_valence=z["w_valence"].astype(np.float64), w_arousal=z["w_arousal"].astype(np.float64),
                idf=z["idf"].astype(np.float64), dense_mean=z["dense_mean"].astype(np.float64),
                dense_scale=z["dense_scale"].astype(np.float64), meta=meta)
    except (OSError, KeyError, ValueError) as exc:
        raise ScenescoreError(f"scenescore/{MODEL_FILE}: cannot read the fitted emotion model ({exc}); "
                              "rebuild it with scripts/train_emotion.py") from exc
    if meta.get("n_buckets") != N_BUCKETS or meta.get("dense_features") != list(DENSE_FEATURES):
        raise ScenescoreError(f"scenescore/{MODEL_FILE}: built for other features; "
                              "rebuild it with scripts/train_emotion.py")
    return model


class FittedBackend:
    """Offline default: EmoBank-fitted ridge over n-grams, VADER, the lexicon and typography."""

    name: ClassVar[str] = "fitted"
    unit: ClassVar[str] = "line"
    #: Parentheticals are read as delivery units (the model's arousal of "screaming"), not blended
    #: in with hand-set weights.
    reads_delivery: ClassVar[bool] = True

    def __init__(self, options: object | None = None) -> None:
        from scenescore.emotion.options import AnalyzeOptions

        self.options = options if isinstance(options, AnalyzeOptions) else AnalyzeOptions()
        self.model = load_model()
        self.lexicon = load_lexicon()
        spread = self.model.meta["prediction"]
        self._v_center, self._v_scale = spread["valence_mean"], 2.0 * spread["valence_std"]
        self._a_center, self._a_scale = spread["arousal_mean"], 2.0 * spread["arousal_std"]

    def score_texts(self, texts: Sequence[str]) -> list[TextEmotion]:
        """Score many texts at once: the n-grams of the whole batch are hashed, counted and
        weighted in a few array operations (:func:`features.sparse_batch`); a text repeated in the
        batch is scored once. Same outputs, bit for bit, as :meth:`score_one` text by text."""
        unique = [t for t in dict.fromkeys(texts) if t.strip()]
        if not unique:
            return [self.score_one(t) for t in texts]
        scored = dict(zip(unique, self._score_batch(unique), strict=True))
        return [scored[t] if t in scored else self.score_one(t) for t in texts]

    def _score_batch(self, texts: list[str]) -> list[TextEmotion]:
        import numpy as np

        from scenescore.emotion.features import (
            N_BUCKETS,
            batch_values,
            dense_features,
            sparse_batch,
        )

        m = self.model
        k = N_BUCKETS
        batch = sparse_batch(texts)
        values = batch_values(batch, m.idf, m.group_weights)
        wv, wa = m.w_valence[batch.buckets], m.w_arousal[batch.buckets]
        readings = [read_text(t, self.lexicon) for t in texts]
        dense = (np.asarray([dense_features(t, r) for t, r in zip(texts, readings, strict=True)])
                 - m.dense_mean) / m.dense_scale
        dense = np.hstack([m.dense_weight * dense, np.ones((len(texts), 1))])
        wv_dense, wa_dense = m.w_valence[k:], m.w_arousal[k:]
        evidence = self._batch_evidence(batch, values)
        out = []
        for i, (s, e) in enumerate(zip(batch.starts[:-1].tolist(), batch.starts[1:].tolist(), strict=True)):
            # Fresh contiguous copies: BLAS sums a dot product the same way as for the arrays
            # score_one builds, whatever the alignment of a slice.
            vals, d = values[s:e].copy(), dense[i].copy()
            raw_v = float(wv[s:e].copy() @ vals + wv_dense @ d)
            raw_a = float(wa[s:e].copy() @ vals + wa_dense @ d)
            out.append(self._emotion(raw_v, raw_a, readings[i], evidence[i]))
        return out

    def _batch_evidence(self, batch: SparseBatch, values: np.ndarray) -> list[list[tuple[float, str]]]:
        """Per text, the words whose unigram weights moved valence most (``_evidence``'s items)."""
        import numpy as np

        from scenescore.emotion.features import N_BUCKETS, _word_bucket

        span = 2 * N_BUCKETS
        keys = batch.rows * span + batch.groups * N_BUCKETS + batch.buckets  # sorted
        q_rows, q_tokens, q_buckets = [], [], []
        for i, toks in enumerate(batch.tokens):
            for tok in dict.fromkeys(toks):
                q_rows.append(i)
                q_tokens.append(tok)
                q_buckets.append(_word_bucket(tok))
        out: list[list[tuple[float, str]]] = [[] for _ in batch.tokens]
        if not q_rows:
            return out
        rows, buckets = np.asarray(q_rows, dtype=np.int64), np.asarray(q_buckets, dtype=np.int64)
        # score_one looks a bucket up among all the text's columns, characters after words.
        found = np.full(len(rows), np.nan)
        for group in (0, 1):
            q = rows * span + group * N_BUCKETS + buckets
            at = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
            hit = keys[at] == q
            found[hit] = values[at[hit]]
        contrib = self.model.w_valence[buckets] * found / self._v_scale
        for j in np.flatnonzero(np.abs(contrib) >= 0.02).tolist():
            c = float(contrib[j])
            out[q_rows[j]].append((abs(c), f'"{q_tokens[j]}" valence {c:+.2f}'))
        return out

    def score_one(self, text: str) -> TextEmotion:
        """One text, step by step: the reference :meth:`score_texts` reproduces."""
        if not text.strip():
            return TextEmotion(valence=0.0, arousal=0.0, confidence=0.0, weight=0.0)
        import numpy as np

        from scenescore.emotion.features import (
            N_BUCKETS,
            dense_features,
            sparse_text,
            weighted_groups,
        )

        m = self.model
        reading = read_text(text, self.lexicon)
        sparse = sparse_text(text)
        cols, vals = weighted_groups(sparse, m.idf, m.group_weights)
        dense = (np.asarray(dense_features(text, reading)) - m.dense_mean) / m.dense_scale
        dense = np.append(m.dense_weight * dense, 1.0)
        k = N_BUCKETS
        raw_v = float(m.w_valence[cols] @ vals + m.w_valence[k:] @ dense)
        raw_a = float(m.w_arousal[cols] @ vals + m.w_arousal[k:] @ dense)
        return self._emotion(raw_v, raw_a, reading, self._word_evidence(sparse, cols, vals))

    def _emotion(self, raw_v: float, raw_a: float, reading, words: list[tuple[float, str]]) -> TextEmotion:  # noqa: ANN001
        valence = _clip((raw_v - self._v_center) / self._v_scale)
        arousal = _clip((raw_a - self._a_center) / self._a_scale)
        top, max_evidence = self.options.top_emotions, self.options.max_evidence
        items = words + [(s, t) for s, t in reading.evidence if t.startswith(('"!"', "capitals"))]
        evidence = [t for _, t in sorted(items, key=lambda e: -e[0])][:max_evidence]
        hits = reading.valence_hits + reading.arousal_hits
        return TextEmotion(
            valence=valence, arousal=arousal,
            emotions=tuple(discrete_emotions(valence, arousal, reading.emotion_scores)[:top]),
            confidence=round(0.5 * coverage_confidence(hits) + 0.25, 4),
            evidence=tuple(evidence),
            # Material for the scene mean: every line counts a little, affect-bearing ones more.
            weight=0.5 + min(float(hits), 4.0) * 0.25 + 2.0 * abs(valence),
        )

    def _word_evidence(self, sparse, cols, vals) -> list[tuple[float, str]]:  # noqa: ANN001
        """The words whose unigram weights moved valence most (strength, text)."""
        from scenescore.emotion.features import _word_bucket

        value = dict(zip(cols.tolist(), vals.tolist(), strict=True))
        scale = self._v_scale
        items: list[tuple[float, str]] = []
        for tok in dict.fromkeys(sparse.tokens):
            b = _word_bucket(tok)
            if b in value:
                c = self.model.w_valence[b] * value[b] / scale
                if abs(c) >= 0.02:
                    items.append((abs(c), f'"{tok}" valence {c:+.2f}'))
        return items


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))
