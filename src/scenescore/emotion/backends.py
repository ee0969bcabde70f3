"""The backend interface and the name → class table.

A backend reads a batch of texts and returns one :class:`TextEmotion` per text. Backends import
their heavy libraries (torch, transformers, openai) when constructed, never at module import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

from scenescore.emotion.fitted import FittedBackend
from scenescore.emotion.lexicon import LexiconBackend
from scenescore.emotion.llm import LLMBackend
from scenescore.emotion.records import TextEmotion
from scenescore.emotion.transformers_backend import TransformersBackend
from scenescore.errors import OptionsError

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.emotion.options import AnalyzeOptions


@runtime_checkable
class EmotionBackend(Protocol):
    #: Registry name, also written into the output's ``backend`` column.
    name: ClassVar[str]
    #: ``line``: score each dialogue line and action sentence; ``scene``: one text per scene and
    #: one per speaking character (for backends where each call is expensive).
    unit: ClassVar[str]

    def score_texts(self, texts: Sequence[str]) -> list[TextEmotion]:
        """One result per text, in order; an empty text scores neutral."""
        ...


#: Known backends by name.
BACKENDS: dict[str, type] = {
    FittedBackend.name: FittedBackend,
    LexiconBackend.name: LexiconBackend,
    TransformersBackend.name: TransformersBackend,
    LLMBackend.name: LLMBackend,
}


def backend_class(name: str) -> type:
    try:
        return BACKENDS[name]
    except KeyError:
        raise OptionsError(
            f"unknown emotion backend {name!r}; known: {', '.join(sorted(BACKENDS))}") from None


def create_backend(options: AnalyzeOptions) -> EmotionBackend:
    """Build the backend named in ``options.backend`` (fails early on unknown names)."""
    return backend_class(options.backend)(options)
