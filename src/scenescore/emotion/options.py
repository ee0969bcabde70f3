"""Options of the analyze and remember stages, with their defaults in one place.

Derive variants with ``dataclasses.replace``; the CLI reads its defaults from these classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scenescore.errors import OptionsError


def _share(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise OptionsError(f"{name} must be between 0 and 1, got {value}")


@dataclass(frozen=True, slots=True)
class TransformersOptions:
    #: Local folder or Hugging Face cache id of a text-classification model. Never downloaded
    #: unless ``allow_download`` is set.
    model: str | None = None
    #: Label → (valence, arousal) overrides/additions to the built-in tables in ``labels.py``.
    label_map: Mapping[str, tuple[float, float]] | None = None
    #: Texts per forward pass.
    batch_size: int = 16
    #: Tokens per text; longer texts are truncated.
    max_length: int = 256
    #: ``cpu``, ``cuda``, ``cuda:1``... (``None``: cuda when available, else cpu).
    device: str | None = None
    #: Let transformers fetch the model from the Hub when it is not in the local cache.
    allow_download: bool = False


@dataclass(frozen=True, slots=True)
class LLMOptions:
    #: OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, ...). ``None``: api.openai.com.
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    #: Environment variable holding the API key (the key itself never sits in options or logs).
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = 60.0
    #: Retries of the SDK on transport errors, plus one re-ask when a reply fails validation.
    max_retries: int = 2
    #: Texts per request.
    batch_size: int = 8
    #: Characters of one text sent to the model; longer texts are cut.
    max_chars: int = 4000
    temperature: float = 0.0


@dataclass(frozen=True, slots=True)
class AnalyzeOptions:
    #: Backend name: ``fitted`` (default, offline: fitted on EmoBank), ``lexicon`` (offline, no
    #: fitted weights), ``transformers`` or ``llm``.
    backend: str = "fitted"
    #: How many discrete emotions to keep per scene.
    top_emotions: int = 3
    #: How many evidence items to keep per scene.
    max_evidence: int = 6
    #: Weight of the screenplay arousal signals (parentheticals, sound cues, pace...) against the
    #: backend's arousal of the words: arousal = clip((1 - w) * text + w * screenplay).
    screenplay_arousal_weight: float = 0.45
    #: Scene (and character) valence is tanh(gain * mean of the units' valence): averaging many
    #: lines, most of them neutral, compresses scenes towards 0 compared with single sentences.
    scene_valence_gain: float = 2.0
    #: The same correction for arousal, for backends that read the screenplay signals as text
    #: (``fitted``): without the hand-weighted screenplay blend nothing else undoes the averaging.
    scene_arousal_gain: float = 2.0
    #: Pull of a character's own lines towards the scene's valence when they say little.
    character_shrink: float = 1.5
    #: Weight of the picture's reading (footage evidence, times its confidence) in a scene's
    #: valence/arousal when the score has footage and a CLIP model.
    visual_weight: float = 0.3
    transformers: TransformersOptions = field(default_factory=TransformersOptions)
    llm: LLMOptions = field(default_factory=LLMOptions)

    def __post_init__(self) -> None:
        _share("screenplay_arousal_weight", self.screenplay_arousal_weight)
        if self.top_emotions < 1 or self.max_evidence < 0:
            raise OptionsError("top_emotions must be at least 1 and max_evidence at least 0")


@dataclass(frozen=True, slots=True)
class MemoryOptions:
    """The context memory of the remember stage (see docs/emotion.md for the rules)."""

    #: Switch the memory off: contextual emotion equals the scene's own.
    enabled: bool = True
    #: Share of the previous context kept at each scene of the same layer (the decay):
    #: context_n = carry * context_{n-1} + (1 - carry) * scene_n. Half-life: ln 0.5 / ln carry
    #: scenes (0.4 -> 0.76 scenes: the memory fades within two or three scenes).
    carry: float = 0.4
    #: Share of the framing state a flashback, dream or flashforward scene inherits, per kind.
    inherit: Mapping[str, float] = field(default_factory=lambda: {
        "flashback": 0.5, "dream": 0.4, "flashforward": 0.35})
    #: Share of a closed layer's final state that echoes into the restored outer layer (0: the
    #: return to the present restores the present's state exactly).
    echo: float = 0.0
    #: Deepest timeline stack kept (present + nested layers, at least 2); a layer opened beyond
    #: it replaces the top one.
    max_depth: int = 4
    #: Characters whose state is kept per layer; the least recently seen is dropped first.
    max_characters: int = 64
    #: Share of a character's previous state carried to their next appearance.
    character_carry: float = 0.5
    #: Share of the film's tone prior (genre and overall reading, ``emotion/tone.py``) blended
    #: into every contextual state; the user's brief names the genre when it gives one.
    tone_weight: float = 0.15
    #: Scene ids where the memory starts afresh (act breaks, anthology segments).
    reset_at: tuple[int, ...] = ()
    #: |valence| a layer's content and its frame must each reach, with opposite signs, for the
    #: mood ``bittersweet`` (happy content, grieving frame) or ``wistful`` (the reverse).
    contrast_threshold: float = 0.1
    #: Scenes on each side of a boundary when looking for sustained shifts (turning points).
    arc_window: int = 3
    #: Turning points reported, largest first, and the smallest shift that counts as one (raw
    #: shifts of the curve: ``memory.emotional_arc`` on states alone).
    turning_points: int = 5
    min_turn: float = 0.2
    #: With the scenes at hand (``analyze_screenplay``), report the five narrative turning points
    #: TP1-TP5 from structure and events (``emotion/turning.py``) instead of the raw shifts.
    narrative_turning_points: bool = True

    def __post_init__(self) -> None:
        for name in ("carry", "echo", "character_carry", "tone_weight"):
            _share(name, getattr(self, name))
        for kind, share in self.inherit.items():
            _share(f"inherit[{kind!r}]", share)
        if self.max_depth < 2 or self.max_characters < 0 or self.arc_window < 1:
            raise OptionsError("max_depth must be at least 2, max_characters at least 0 and "
                               "arc_window at least 1")
