"""The film's genre and tone: one estimate for the whole film, with its evidence.

Sentence-level models miss dread that lives in situations rather than words, and a film's tone
colours every scene of it. The estimate comes, in order of authority, from

1. the user's brief (``--style``): a genre named there decides;
2. genre tags of the source (IMSDB's "Genres" row) when the ingest kept them;
3. the script's own vocabulary: counts of genre words per thousand words (lists below);

and the film's own mean reading. The result is a prior (valence, arousal) that the memory blends
into every scene with ``MemoryOptions.tone_weight`` and a ``mode`` the palette follows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scenescore.emotion.records import SceneEmotion
from scenescore.records import Scene

#: Genre → (valence offset, arousal offset, mode). Offsets are added to the film's own mean.
GENRES: dict[str, tuple[float, float, str]] = {
    "horror": (-0.35, 0.2, "minor"), "thriller": (-0.25, 0.2, "minor"), "crime": (-0.2, 0.1, "minor"),
    "war": (-0.25, 0.15, "minor"), "mystery": (-0.15, 0.05, "minor"), "drama": (0.0, 0.0, "film"),
    "romance": (0.15, 0.0, "major"), "comedy": (0.3, 0.1, "major"), "family": (0.25, 0.05, "major"),
    "animation": (0.25, 0.1, "major"), "musical": (0.25, 0.1, "major"), "adventure": (0.1, 0.15, "major"),
    "action": (0.0, 0.25, "film"), "sci-fi": (-0.05, 0.1, "film"), "fantasy": (0.05, 0.05, "film"),
}
#: Words whose frequency marks a genre (a script's vocabulary, not its sentiment).
GENRE_WORDS: dict[str, frozenset[str]] = {
    "horror": frozenset(["blood", "bloody", "corpse", "demon", "ghost", "haunted", "scream", "screams", "shriek", "shadow", "shadows", "creature", "monster", "possessed", "ritual", "grave", "coffin", "skull", "rotting", "flesh", "evil"]),
    "thriller": frozenset(["gun", "pistol", "chase", "hostage", "bomb", "target", "killer", "suspect", "trap", "escape", "panic", "surveillance", "threat", "kidnapped", "ransom"]),
    "crime": frozenset(["cop", "cops", "police", "detective", "murder", "heist", "robbery", "drugs", "cash", "mob", "gang", "arrest", "precinct", "warrant", "lawyer", "prison", "deal"]),
    "comedy": frozenset(["laughs", "laughing", "joke", "jokes", "hilarious", "ridiculous", "awkward", "grins", "silly", "embarrassed", "dorky", "goofy"]),
}
#: Genre words per thousand words above which the vocabulary names a genre.
VOCABULARY_THRESHOLD = 2.0

_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class FilmTone:
    genre: str
    #: ``minor`` (dark modes), ``major`` or ``film`` (follow each cue's own affect).
    mode: str
    valence: float
    arousal: float
    #: Where the estimate came from: ``brief``, ``tags``, ``vocabulary`` or ``reading``.
    source: str
    evidence: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"genre": self.genre, "mode": self.mode, "valence": round(self.valence, 4),
                "arousal": round(self.arousal, 4), "source": self.source, "evidence": list(self.evidence)}


#: Words of a brief or a tag that name a genre under another name.
GENRE_SYNONYMS: dict[str, str] = {
    "slasher": "horror", "supernatural": "horror", "noir": "crime", "heist": "crime",
    "gangster": "crime", "suspense": "thriller", "spy": "thriller", "comedic": "comedy",
    "romcom": "comedy", "rom-com": "comedy", "romantic": "romance", "science fiction": "sci-fi",
    "scifi": "sci-fi",
}


def _named_genre(text: str) -> str | None:
    """The first genre a brief or tag names (by its name or a synonym), in the order of the text."""
    lowered = text.lower()
    names = {**{g: g for g in GENRES}, **GENRE_SYNONYMS}
    hits = [(m.start(), genre) for word, genre in names.items()
            for m in [re.search(rf"\b{re.escape(word)}\b", lowered)] if m]
    return min(hits)[1] if hits else None


def estimate_tone(scenes: Sequence[Scene], emotions: Sequence[SceneEmotion], *, style: str | None = None,
                  tags: Sequence[str] = ()) -> FilmTone:
    """The film's genre and tone prior, with the evidence for it."""
    weights = [max(1, s.word_count) for s in scenes] or [1]
    total = sum(weights)
    mean_v = sum(w * e.valence for w, e in zip(weights, emotions, strict=False)) / total if emotions else 0.0
    mean_a = sum(w * e.arousal for w, e in zip(weights, emotions, strict=False)) / total if emotions else 0.0
    evidence = [f"mean scene reading: valence {mean_v:+.2f}, arousal {mean_a:+.2f}"]

    genre, source = None, "reading"
    if style and (genre := _named_genre(style)):
        source = "brief"
        evidence.insert(0, f"the brief names {genre!r}: {style!r}")
    if genre is None and tags:
        for tag in tags:
            if (genre := _named_genre(tag)):
                source = "tags"
                evidence.insert(0, f"source genre tags: {', '.join(tags)}")
                break
    if genre is None:
        words = Counter(_WORD.findall(" ".join(s.text for s in scenes).lower()))
        n = max(1, sum(words.values()))
        rates = {g: 1000.0 * sum(words[w] for w in vocab) / n for g, vocab in GENRE_WORDS.items()}
        # Vocabulary names a genre only when the film's own reading agrees: "laughs" in a grief
        # drama does not make a comedy, nor a gun in a comedy a thriller.
        agrees = {g: (mean_v >= 0.0) if GENRES[g][0] > 0 else (mean_v <= 0.05) for g in rates}
        rates = {g: r for g, r in rates.items() if agrees[g]} or {"drama": 0.0}
        best = max(rates, key=lambda g: rates[g])
        if best in GENRE_WORDS and rates[best] >= VOCABULARY_THRESHOLD:
            genre, source = best, "vocabulary"
            top = [w for w, _ in Counter({w: words[w] for w in GENRE_WORDS[best]}).most_common(4) if words[w]]
            evidence.insert(0, f"{best} vocabulary {rates[best]:.1f} per 1000 words ({', '.join(top)})")
    genre = genre or "drama"
    dv, da, mode = GENRES[genre]
    return FilmTone(genre=genre, mode=mode, valence=_clip(mean_v + dv), arousal=_clip(mean_a + da),
                    source=source, evidence=tuple(evidence))


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, x))


def apply_tone(states: Sequence, tone: FilmTone, weight: float) -> list:
    """Blend the film's tone into every contextual state: ``(1 - weight) * state + weight * tone``.

    Moods set by the memory's layers (``bittersweet``, ``wistful``) are kept; the others are
    named again from the blended point. The weights and the note say what the tone contributed.
    """
    import dataclasses

    from scenescore.emotion.labels import mood_of

    if weight <= 0:
        return list(states)
    out = []
    for s in states:
        v = _clip((1 - weight) * s.valence + weight * tone.valence)
        a = _clip((1 - weight) * s.arousal + weight * tone.arousal)
        mood = s.mood if s.mood in ("bittersweet", "wistful") or s.event == "off" else mood_of(v, a)
        weights = {k: round(x * (1 - weight), 4) for k, x in s.weights.items()}
        weights["film"] = round(weight, 4)
        note = f"{s.note}; film tone {tone.genre} (v={tone.valence:+.2f}) weighs {weight:.0%}"
        out.append(dataclasses.replace(s, valence=round(v, 4), arousal=round(a, 4), mood=mood,
                                       weights=weights, note=note))
    return out
