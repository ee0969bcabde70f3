"""Any local Hugging Face text-classification model, its labels mapped to valence/arousal.

The model comes from a folder or the local Hugging Face cache (``local_files_only`` unless the
user allows downloads). Its labels are placed on the valence/arousal plane by the tables in
``labels.py`` (GoEmotions, Ekman, sentiment heads) or the user's ``label_map``; valence/arousal
is the probability-weighted mean of the label positions.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from scenescore.emotion.labels import label_position
from scenescore.emotion.records import TextEmotion
from scenescore.errors import InputError, MissingDependencyError, OptionsError

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.emotion.options import AnalyzeOptions

log = logging.getLogger(__name__)


class TransformersBackend:
    """Batched inference with a local sequence-classification model (torch)."""

    name: ClassVar[str] = "transformers"
    unit: ClassVar[str] = "line"

    def __init__(self, options: AnalyzeOptions) -> None:
        self.options = options
        topts = options.transformers
        if not topts.model:
            raise OptionsError("the transformers emotion backend needs a model: a local folder or "
                               "a model id already in the Hugging Face cache (--model)")
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            package = "torch" if "torch" in str(exc) else "transformers"
            raise MissingDependencyError("the transformers emotion backend", package,
                                         "emotion-ml") from None
        self._torch = torch
        local_only = not topts.allow_download
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(topts.model, local_files_only=local_only)
            self.model = AutoModelForSequenceClassification.from_pretrained(
                topts.model, local_files_only=local_only)
        except (OSError, ValueError) as exc:
            where = "folder" if Path(topts.model).exists() else "model id (not in the local cache?)"
            raise InputError(topts.model, f"cannot load a text-classification model from this "
                                          f"{where}: {str(exc).splitlines()[0]}") from None
        device = topts.device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.device = torch.device(device)
        self.model.to(self.device).eval()
        config = self.model.config
        self.labels = [str(config.id2label[i]) for i in range(config.num_labels)]
        self.multi_label = getattr(config, "problem_type", None) == "multi_label_classification"
        positions = [label_position(lbl, topts.label_map) for lbl in self.labels]
        unknown = [lbl for lbl, pos in zip(self.labels, positions, strict=True) if pos is None]
        if unknown:
            raise OptionsError(
                f"model {topts.model!r} has labels with no valence/arousal position: "
                f"{', '.join(unknown[:10])}; give them with label_map (see docs/emotion.md)")
        self.positions: list[tuple[float, float]] = [p for p in positions if p is not None]

    def score_texts(self, texts: Sequence[str]) -> list[TextEmotion]:
        torch = self._torch
        topts = self.options.transformers
        results: list[TextEmotion] = []
        for start in range(0, len(texts), max(1, topts.batch_size)):
            batch = [t if t.strip() else "." for t in texts[start:start + topts.batch_size]]
            enc = self.tokenizer(batch, padding=True, truncation=True, max_length=topts.max_length,
                                 return_tensors="pt").to(self.device)
            with torch.inference_mode():
                logits = self.model(**enc).logits.float()
            probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
            for text, row in zip(texts[start:start + topts.batch_size], probs.cpu().tolist(),
                                 strict=True):
                results.append(self._reading(text, row))
        return results

    def _reading(self, text: str, probs: list[float]) -> TextEmotion:
        if not text.strip():
            return TextEmotion(valence=0.0, arousal=0.0, confidence=0.0, weight=0.0)
        total = sum(probs) or 1.0
        weights = [p / total for p in probs]
        valence = sum(w * v for w, (v, _) in zip(weights, self.positions, strict=True))
        arousal = sum(w * a for w, (_, a) in zip(weights, self.positions, strict=True))
        ranked = sorted(zip(self.labels, probs, strict=True), key=lambda kv: -kv[1])
        top = tuple((label, float(p)) for label, p in ranked[: self.options.top_emotions])
        # Confidence: 1 - normalized entropy of the label distribution.
        entropy = -sum(w * math.log(w) for w in weights if w > 0)
        confidence = 1.0 - entropy / math.log(len(weights)) if len(weights) > 1 else 1.0
        evidence = tuple(f"{label} {p:.2f}" for label, p in top)
        return TextEmotion(valence=_clip(valence), arousal=_clip(arousal), emotions=top,
                           confidence=confidence, evidence=evidence, weight=1.0)


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, float(x)))

