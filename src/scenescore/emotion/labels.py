"""Where discrete emotion labels sit on the valence/arousal plane.

The positions are this project's placements on Russell's circumplex (valence and arousal in
[-1, 1]), written for scenescore; they are documented in docs/emotion.md. They serve three uses:
mapping a classifier's labels to valence/arousal, ranking discrete emotions from a valence/arousal
point, and naming a context's mood.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from scenescore import circumplex

#: The discrete emotions scenescore reports, shared with the picture evidence (align).
CORE_LABELS = circumplex.CORE_LABELS

#: Ekman's six plus neutral (e.g. j-hartmann/emotion-english-distilroberta-base).
EKMAN_LABELS: dict[str, tuple[float, float]] = {
    "anger": (-0.6, 0.75),
    "disgust": (-0.7, 0.3),
    "fear": (-0.65, 0.7),
    "joy": (0.8, 0.45),
    "sadness": (-0.7, -0.4),
    "surprise": (0.15, 0.8),
    "neutral": (0.0, -0.2),
}

#: GoEmotions' 27 emotions plus neutral (e.g. SamLowe/roberta-base-go_emotions).
GOEMOTIONS_LABELS: dict[str, tuple[float, float]] = {
    "admiration": (0.6, 0.1),
    "amusement": (0.7, 0.4),
    "anger": (-0.6, 0.75),
    "annoyance": (-0.45, 0.4),
    "approval": (0.45, -0.1),
    "caring": (0.6, -0.2),
    "confusion": (-0.2, 0.2),
    "curiosity": (0.25, 0.35),
    "desire": (0.5, 0.5),
    "disappointment": (-0.55, -0.3),
    "disapproval": (-0.45, 0.1),
    "disgust": (-0.7, 0.3),
    "embarrassment": (-0.45, 0.35),
    "excitement": (0.7, 0.8),
    "fear": (-0.65, 0.7),
    "gratitude": (0.7, 0.0),
    "grief": (-0.85, -0.35),
    "joy": (0.8, 0.45),
    "love": (0.8, 0.2),
    "nervousness": (-0.45, 0.6),
    "optimism": (0.6, 0.2),
    "pride": (0.6, 0.35),
    "realization": (0.1, 0.2),
    "relief": (0.5, -0.4),
    "remorse": (-0.6, -0.2),
    "sadness": (-0.7, -0.4),
    "surprise": (0.15, 0.8),
    "neutral": (0.0, -0.2),
}

#: Sentiment heads (SST-2, Twitter sentiment, review stars).
SENTIMENT_LABELS: dict[str, tuple[float, float]] = {
    "positive": (0.7, 0.1),
    "negative": (-0.7, 0.1),
    "neutral": (0.0, -0.2),
    "pos": (0.7, 0.1),
    "neg": (-0.7, 0.1),
    "neu": (0.0, -0.2),
    "1 star": (-0.85, 0.3),
    "2 stars": (-0.45, 0.1),
    "3 stars": (0.0, -0.1),
    "4 stars": (0.45, 0.1),
    "5 stars": (0.85, 0.3),
}

#: Every built-in table merged; a user's ``label_map`` is laid over it.
KNOWN_LABELS: dict[str, tuple[float, float]] = {
    **SENTIMENT_LABELS, **GOEMOTIONS_LABELS, **EKMAN_LABELS, **CORE_LABELS,
    "happiness": (0.8, 0.45), "happy": (0.8, 0.45), "love": (0.8, 0.2), "sad": (-0.7, -0.4),
    "angry": (-0.6, 0.75), "scared": (-0.65, 0.7), "worry": (-0.45, 0.5), "fun": (0.7, 0.5),
    "enthusiasm": (0.7, 0.7), "boredom": (-0.35, -0.75), "hate": (-0.8, 0.6), "empty": (-0.4, -0.6),
    "trust": (0.5, -0.1), "anticipation": (0.3, 0.5), "bittersweet": (0.0, -0.3),
}


def normalize_label(label: str) -> str:
    """``LABEL_Joy`` / ``Joy`` / ``joy `` → ``joy`` (case, spacing and underscores ignored)."""
    text = label.strip().lower().replace("_", " ")
    return re.sub(r"\s+", " ", text)


def label_position(label: str, extra: Mapping[str, tuple[float, float]] | None = None
                   ) -> tuple[float, float] | None:
    """Valence/arousal of a classifier label, or ``None`` when no table knows it."""
    key = normalize_label(label)
    if extra:
        for name, point in extra.items():
            if normalize_label(name) == key:
                return point
    return KNOWN_LABELS.get(key)


def rank_core_emotions(valence: float, arousal: float, spread: float = 0.55
                       ) -> list[tuple[str, float]]:
    """Similarity of a valence/arousal point to each core emotion, highest first (scores sum 1)."""
    sims = {label: math.exp(-((valence - v) ** 2 + (arousal - a) ** 2) / (2 * spread ** 2))
            for label, (v, a) in CORE_LABELS.items()}
    total = sum(sims.values()) or 1.0
    return sorted(((k, s / total) for k, s in sims.items()), key=lambda kv: -kv[1])


def mood_of(valence: float, arousal: float) -> str:
    """Name a contextual state for people: one of five moods by circumplex region."""
    if abs(valence) < 0.12 and abs(arousal) < 0.35:
        return "neutral"
    if valence >= 0:
        return "joyful" if arousal > 0.05 else "tender"
    return "tense" if arousal > 0.15 else "sorrowful"
