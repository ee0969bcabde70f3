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
        return [self._score(t) for t in texts]

    def _score(self, text: str) -> TextEmotion:
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
        valence = _clip((raw_v - self._v_center) / self._v_scale)
        arousal = _clip((raw_a - self._a_center) / self._a_scale)
        top, max_evidence = self.options.top_emotions, self.options.max_evidence
        evidence = self._evidence(sparse, cols, vals, reading)[:max_evidence]
        hits = reading.valence_hits + reading.arousal_hits
        return TextEmotion(
            valence=valence, arousal=arousal,
            emotions=tuple(discrete_emotions(valence, arousal, reading.emotion_scores)[:top]),
            confidence=round(0.5 * coverage_confidence(hits) + 0.25, 4),
            evidence=tuple(evidence),
            # Material for the scene mean: every line counts a little, affect-bearing ones more.
            weight=0.5 + min(float(hits), 4.0) * 0.25 + 2.0 * abs(valence),
        )

    def _evidence(self, sparse, cols, vals, reading) -> list[str]:
        """The words whose unigram weights moved valence most, and the typography."""
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
        items += [(s, t) for s, t in reading.evidence if t.startswith(('"!"', "capitals"))]
        return [t for _, t in sorted(items, key=lambda e: -e[0])]


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))
