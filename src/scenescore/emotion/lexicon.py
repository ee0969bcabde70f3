"""The default backend: VADER's valence lexicon and rules, plus scenescore's own arousal signal.

Valence follows VADER (Hutto & Gilbert 2014): word ratings from ``vader_lexicon.txt`` with its
rules for boosters, capitals, negation, "but" and exclamation marks, normalized with
``s / sqrt(s^2 + 15)``. Reimplemented here (with the dependency's constants and lexicon) so each
word's contribution can be reported as evidence and film words VADER lacks can be added.

Arousal has no permissive lexicon to build on, so it is our own signal (docs/emotion.md): the
arousal of words from ``data/affect_lexicon.tsv``, the intensity of the sentiment words, and the
typography of agitation (exclamation marks, capitals, stretched letters) against that of calm
(ellipses).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import ClassVar

from scenescore.emotion.labels import CORE_LABELS, rank_core_emotions
from scenescore.emotion.records import TextEmotion

# VADER's empirically derived constants (Hutto & Gilbert 2014), as in vaderSentiment 3.3.2.
_B_INCR = 0.293
_C_INCR = 0.733
_N_SCALAR = -0.74
_ALPHA = 15.0
_EXCL = 0.292
_QM = 0.18

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
_ELLIPSIS = re.compile(r"\.\.\.|…|--\s*$|—\s*$")
_ELONGATED = re.compile(r"([A-Za-z])\1\1")

#: Words of this length or shorter are not taken as capitals for emphasis ("I", "OK", "TV").
_MIN_CAPS = 3


@dataclass(frozen=True, slots=True)
class AffectEntry:
    arousal: float
    valence: float | None
    emotion: str | None


@dataclass(slots=True)
class Lexicon:
    """Valence ratings (VADER, with our overrides), arousal/emotion entries and VADER's rules."""

    valence: dict[str, float]
    #: scenescore's own valence ratings, consulted before VADER's (0 removes a VADER entry).
    override: dict[str, float]
    affect: dict[str, AffectEntry]
    boosters: dict[str, float]
    negations: frozenset[str]
    _valence_cache: dict[str, float | None] = field(default_factory=dict)
    _affect_cache: dict[str, AffectEntry | None] = field(default_factory=dict)

    def lookup_valence(self, word: str) -> float | None:
        """VADER scale (-4..4) rating of a lower-case word, trying simple inflections."""
        try:
            return self._valence_cache[word]
        except KeyError:
            pass
        found = None
        forms = _forms(word)
        for table in (self.override, self.valence):
            for form in forms:
                if form in table:
                    found = table[form]
                    break
            if found is not None:
                break
        self._valence_cache[word] = found
        return found

    def lookup_affect(self, word: str) -> AffectEntry | None:
        try:
            return self._affect_cache[word]
        except KeyError:
            pass
        found = None
        for form in _forms(word):
            if form in self.affect:
                found = self.affect[form]
                break
        self._affect_cache[word] = found
        return found


def _forms(word: str) -> list[str]:
    """The word and the base forms a crude English stemmer would give (no dictionary needed)."""
    forms = [word]
    if word.endswith(("'s", "’s")):
        word = word[:-2]
        forms.append(word)
    if len(word) > 4 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if len(word) > 3 and word.endswith("es"):
        forms.append(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if len(word) > 4 and word.endswith("ed"):
        forms += [word[:-1], word[:-2]]
        if word[-3] == word[-4]:
            forms.append(word[:-3])
        if word.endswith("ied"):
            forms.append(word[:-3] + "y")
    if len(word) > 5 and word.endswith("ing"):
        stem = word[:-3]
        forms += [stem, stem + "e"]
        if stem[-1] == stem[-2]:
            forms.append(stem[:-1])
    if len(word) > 5 and word.endswith("ily"):
        forms.append(word[:-3] + "y")
    if len(word) > 4 and word.endswith("ly"):
        forms.append(word[:-2])
    return forms


def _read_affect_table(text: str) -> dict[str, AffectEntry]:
    table: dict[str, AffectEntry] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("term\t"):
            continue
        parts = (line.split("\t") + ["", "", ""])[:4]
        term, arousal, valence, emotion = (p.strip() for p in parts)
        table[term.lower()] = AffectEntry(
            arousal=float(arousal or 0.0),
            valence=float(valence) if valence else None,
            emotion=emotion if emotion in CORE_LABELS else None,
        )
    return table


@functools.cache
def load_lexicon() -> Lexicon:
    """Read VADER's lexicon from the installed package and scenescore's affect table (cached)."""
    from vaderSentiment import vaderSentiment as vader  # a core dependency (MIT)

    valence: dict[str, float] = {}
    raw = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text("utf-8")
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            try:
                valence[parts[0]] = float(parts[1])
            except ValueError:
                continue
    affect = _read_affect_table(
        resources.files("scenescore").joinpath("data/affect_lexicon.tsv").read_text("utf-8"))
    override = {term: e.valence for term, e in affect.items() if e.valence is not None}
    return Lexicon(
        valence=valence,
        override=override,
        affect=affect,
        boosters={k.lower(): float(v) for k, v in vader.BOOSTER_DICT.items()},
        negations=frozenset(vader.NEGATE),
    )


@dataclass(slots=True)
class LexiconReading:
    """Everything the lexicon saw in one text; ``to_text_emotion`` condenses it."""

    valence: float
    arousal: float
    valence_hits: int
    arousal_hits: int
    words: int
    emotion_scores: dict[str, float]
    #: (strength, description) pairs; the strongest become evidence.
    evidence: list[tuple[float, str]]

    def to_text_emotion(self, top: int = 3, max_evidence: int = 6) -> TextEmotion:
        if self.words == 0:
            return TextEmotion(valence=0.0, arousal=0.0, confidence=0.0, weight=0.0)
        return TextEmotion(
            valence=self.valence,
            arousal=self.arousal,
            emotions=tuple(discrete_emotions(self.valence, self.arousal, self.emotion_scores)[:top]),
            confidence=coverage_confidence(self.valence_hits + self.arousal_hits),
            evidence=tuple(text for _, text in sorted(self.evidence, key=lambda e: -e[0])[:max_evidence]),
            weight=float(self.valence_hits) + 0.25 * self.arousal_hits,
        )


def coverage_confidence(hits: float) -> float:
    """0.15 with nothing to go on, rising towards 0.9 as affect-bearing words accumulate."""
    return 0.15 + 0.75 * (1.0 - math.exp(-hits / 4.0))


def discrete_emotions(valence: float, arousal: float, word_scores: dict[str, float]
                      ) -> list[tuple[str, float]]:
    """Rank core emotions: emotion words found, blended with where the text sits on the plane."""
    prior = dict(rank_core_emotions(valence, arousal))
    total_words = sum(word_scores.values())
    if total_words <= 0:
        return sorted(prior.items(), key=lambda kv: -kv[1])
    share = total_words / (total_words + 1.0)  # more emotion words → trust them more
    blended = {label: share * word_scores.get(label, 0.0) / total_words + (1 - share) * p
               for label, p in prior.items()}
    return sorted(blended.items(), key=lambda kv: -kv[1])


def read_text(text: str, lexicon: Lexicon | None = None) -> LexiconReading:
    """Read one text (a line of dialogue, an action paragraph, a sentence) with the lexicon."""
    lex = lexicon or load_lexicon()
    originals = [m.group(0).strip("'’") for m in _TOKEN.finditer(text)]
    originals = [w for w in originals if w]
    lowers = [w.lower() for w in originals]
    n = len(lowers)
    has_lower = any(not w.isupper() for w in originals)
    is_caps = [has_lower and len(w) >= _MIN_CAPS and w.isupper() for w in originals]

    contributions: list[tuple[int, float]] = []
    evidence: list[tuple[float, str]] = []
    emotion_scores: dict[str, float] = {}
    arousal_values: list[float] = []
    intensities: list[float] = []
    but_at = -1
    negations = lex.negations
    boosters = lex.boosters

    negates = [p in negations or p.endswith("n't") or p.endswith("n’t") for p in lowers]
    for i, w in enumerate(lowers):
        if w == "but":
            but_at = i
        entry = lex.lookup_affect(w)
        val = None if w in boosters else lex.lookup_valence(w)
        if entry is None and not val:
            continue  # neither an arousal nor a valence word: nothing below applies
        negated = any(negates[max(0, i - 3):i])
        if entry is not None:
            if entry.arousal:
                a = entry.arousal * (1.15 if is_caps[i] else 1.0) * (0.5 if negated else 1.0)
                a = max(-1.0, min(1.0, a))
                arousal_values.append(a)
                if abs(a) >= 0.4:
                    evidence.append((abs(a) * 0.8, f'"{originals[i]}" arousal {a:+.1f}'))
            if entry.emotion and not negated:
                emotion_scores[entry.emotion] = emotion_scores.get(entry.emotion, 0.0) + 0.5 + 0.5 * abs(entry.arousal)
        if val is None or val == 0.0:  # boosters read as None: they only scale their neighbours
            continue
        sign = 1.0 if val > 0 else -1.0
        if is_caps[i]:
            val += sign * _C_INCR
        for k in (1, 2, 3):
            j = i - k
            if j < 0:
                break
            b = boosters.get(lowers[j])
            if b is not None:
                scalar = b * sign
                if is_caps[j]:
                    scalar += sign * _C_INCR
                val += scalar * (1.0, 0.95, 0.9)[k - 1]
        intensities.append(min(abs(val), 4.0) / 4.0)
        if negated:
            val *= _N_SCALAR
        contributions.append((i, val))

    total = 0.0
    for i, val in contributions:
        if but_at >= 0:
            val *= 0.5 if i < but_at else 1.5 if i > but_at else 1.0
        total += val
        evidence.append((abs(val) / 4.0, f'"{originals[i]}" valence {val / 4.0:+.2f}'))

    excl = min(text.count("!"), 4)
    qm = text.count("?")
    if total:
        emphasis = excl * _EXCL + ((0.96 if qm > 3 else qm * _QM) if qm > 1 else 0.0)
        total += emphasis if total > 0 else -emphasis
    valence = total / math.sqrt(total * total + _ALPHA) if total else 0.0

    if n == 0:
        return LexiconReading(valence=0.0, arousal=0.0, valence_hits=0, arousal_hits=0, words=0,
                              emotion_scores={}, evidence=[])
    # Arousal: our own signal. Every term is in [-1, 1]; weights were set by hand (no rated data
    # was available to fit them; see docs/emotion.md) and squashed by tanh.
    lex_arousal = 0.0
    if arousal_values:
        lex_arousal = sum(arousal_values) / (len(arousal_values) + 0.5)
    intensity = 0.0
    if intensities:
        intensity = (sum(intensities) / len(intensities) - 0.35) * len(intensities) / (len(intensities) + 1.0)
    # Capitals for emphasis; a whole line in capitals (2+ words) is shouting.
    caps_words = sum(is_caps) if has_lower else (3 if n >= 2 else 0)
    elongated = 1 if _ELONGATED.search(text) else 0
    calm_marks = len(_ELLIPSIS.findall(text))
    raw = (0.9 * lex_arousal + 0.6 * intensity + 0.22 * min(excl, 3) + 0.18 * min(caps_words, 3)
           + 0.15 * elongated + (0.1 if qm else 0.0) - 0.15 * min(calm_marks, 2) - 0.08)
    arousal = math.tanh(1.4 * raw)
    if excl:
        evidence.append((0.2 * excl, f'"!" x{excl} arousal +'))
    if caps_words:
        evidence.append((0.15 * caps_words, f"capitals x{caps_words} arousal +"))
    return LexiconReading(
        valence=valence,
        arousal=arousal,
        valence_hits=len(contributions),
        arousal_hits=len(arousal_values) + (1 if excl or caps_words else 0),
        words=n,
        emotion_scores=emotion_scores,
        evidence=evidence,
    )


class LexiconBackend:
    """Offline, fast, explainable: VADER valence plus scenescore's arousal signal."""

    name: ClassVar[str] = "lexicon"
    #: Scores each line of dialogue and paragraph of action separately.
    unit: ClassVar[str] = "line"

    def __init__(self, options: object | None = None) -> None:
        from scenescore.emotion.options import AnalyzeOptions

        self.options = options if isinstance(options, AnalyzeOptions) else AnalyzeOptions()
        self.lexicon = load_lexicon()

    def read(self, text: str) -> LexiconReading:
        return read_text(text, self.lexicon)

    def score_texts(self, texts: Sequence[str]) -> list[TextEmotion]:
        top, max_evidence = self.options.top_emotions, self.options.max_evidence
        return [read_text(t, self.lexicon).to_text_emotion(top, max_evidence) for t in texts]
