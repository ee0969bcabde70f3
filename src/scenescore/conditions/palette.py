"""The film-wide palette: one set of instruments, one genre and one home key for the whole film.

A temp score should sound like one film, not like twenty cues from twenty libraries. The palette is
chosen once from the film's overall affect (mean contextual valence/arousal), the film's tone (the
genre estimate of ``emotion/tone.py``) and the user's brief (``--style``, which overrides both);
every cue draws its voices from it, and each principal character gets one instrument for their
theme, kept for the whole film. The tone also recentres each cue's valence before its mode is
chosen (:func:`tone_valence`): a horror film's neutral is dark, a comedy's light.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from scenescore.conditions.schema import Instrument

#: General MIDI programs (0-based) by the names a brief uses. Longer names are matched first.
GM_PROGRAMS: dict[str, int] = {
    "acoustic grand piano": 0, "grand piano": 0, "piano": 0, "bright piano": 1,
    "electric piano": 4, "rhodes": 4, "harpsichord": 6, "celesta": 8, "glockenspiel": 9,
    "music box": 10, "vibraphone": 11, "vibes": 11, "marimba": 12, "xylophone": 13,
    "organ": 19, "church organ": 19, "accordion": 21, "harmonica": 22,
    "nylon guitar": 24, "classical guitar": 24, "acoustic guitar": 25, "steel guitar": 25,
    "guitar": 25, "electric guitar": 27, "clean guitar": 27, "distorted guitar": 30,
    "acoustic bass": 32, "upright bass": 32, "double bass": 43, "bass guitar": 33,
    "electric bass": 33, "synth bass": 38,
    "violin": 40, "viola": 41, "cello": 42, "contrabass": 43, "tremolo strings": 44,
    "pizzicato strings": 45, "pizzicato": 45, "harp": 46, "timpani": 47, "strings": 48,
    "string ensemble": 48, "string orchestra": 48, "slow strings": 49, "synth strings": 50,
    "choir": 52, "voices": 52, "trumpet": 56, "trombone": 57, "tuba": 58, "muted trumpet": 59,
    "french horn": 60, "horn": 60, "horns": 60, "brass": 61, "brass section": 61,
    "saxophone": 65, "alto sax": 65, "tenor sax": 66, "sax": 66, "oboe": 68,
    "english horn": 69, "bassoon": 70, "clarinet": 71, "piccolo": 72, "flute": 73,
    "recorder": 74, "pan flute": 75, "whistle": 78, "ocarina": 79,
    "synth lead": 81, "lead synth": 81, "synth": 89, "synth pad": 89, "warm pad": 89, "pad": 89,
    "choir pad": 91, "new age pad": 88, "sweep pad": 95, "sitar": 104, "banjo": 105,
    "koto": 107, "fiddle": 110, "taiko": 116, "taiko drums": 116,
}
#: Words of a brief that ask for (or refuse) a drum kit.
_DRUM_WORDS = re.compile(r"\b(?:drums?|drum kit|beat|percussive|breakbeat|groove)\b", re.I)
_NO_DRUMS = re.compile(r"\bno (?:drums?|drum kit|beat|percussion)\b", re.I)
_SPARSE = re.compile(r"\b(?:sparse|minimal|minimalist|spare|intimate|solo)\b", re.I)
_KEY = re.compile(r"\bin ([A-G](?:#|b|♯|♭)?)(?:\s*(?:major|minor|maj|min|m))?\b")
_GENRE_WORDS = {
    "horror": ("horror", "slasher", "supernatural", "occult"),
    "thriller": ("thriller", "noir", "suspense", "crime", "heist", "spy", "mystery"),
    "warm": ("comedy", "romantic", "romance", "warm", "folk", "family", "pastoral", "whimsical"),
}
_INSTRUMENT_NAMES = sorted(GM_PROGRAMS, key=len, reverse=True)


def gm(name: str, role: str, *, program: int | None = None) -> Instrument:
    """An instrument by GM name and role (``program`` overrides the table)."""
    return Instrument(name=name, program=GM_PROGRAMS[name] if program is None else program,
                      role=role)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Palette:
    """What every cue of the film draws from."""

    name: str
    genre: str
    #: Home tonic of the film (cue keys are set relative to it by timeline layer).
    tonic: str
    melody: Instrument
    harmony: Instrument
    bass: Instrument
    pad: Instrument
    #: Colours: memories (flashbacks), dreams, tension, pulse (high arousal, montage), brightness.
    memory: Instrument
    dream: Instrument
    tension: Instrument
    pulse: Instrument
    bright: Instrument
    #: Instruments handed to the principal characters' themes, in order of prominence.
    theme_voices: tuple[Instrument, ...]
    #: Character id → the instrument of their theme (filled by :func:`choose_palette`).
    themes: Mapping[str, Instrument] = field(default_factory=dict)
    #: Tempo offset of the film in BPM (a thriller runs a little faster than a drama).
    tempo_offset: float = 0.0
    #: Voices and note density scale (a "sparse" brief thins every cue).
    density: float = 1.0
    drums: bool = False
    style: str | None = None
    #: The film's tone as the palette follows it: genre, mode (``minor``, ``major``, ``film``),
    #: where it came from (``brief``, ``tags``, ``vocabulary``, ``reading``) and the evidence.
    tone: Mapping[str, Any] | None = None
    #: Where the tone puts the film's neutral on the valence axis for choosing modes (``None``:
    #: each cue's own valence, as a drama); see :func:`tone_valence`.
    mode_centre: float | None = None
    #: The film's mean cue valence (seconds-weighted), the point recentred on ``mode_centre``.
    film_valence: float = 0.0
    #: Steps along the modes' brightness scale that the tone moves a near-neutral cue's mode
    #: (positive darker, negative brighter, 0 as a drama); see :func:`neutral_steps`.
    neutral_shift: int = 0

    def to_dict(self) -> dict[str, Any]:
        def inst(i: Instrument) -> dict[str, Any]:
            return i.model_dump(mode="json")

        return {
            "name": self.name, "genre": self.genre, "tonic": self.tonic,
            "melody": inst(self.melody), "harmony": inst(self.harmony), "bass": inst(self.bass),
            "pad": inst(self.pad), "memory": inst(self.memory), "dream": inst(self.dream),
            "tension": inst(self.tension), "pulse": inst(self.pulse), "bright": inst(self.bright),
            "themes": {k: inst(v) for k, v in self.themes.items()},
            "tempo_offset": self.tempo_offset, "density": self.density, "drums": self.drums,
            "style": self.style, "tone": dict(self.tone) if self.tone else None,
            "mode_centre": self.mode_centre, "film_valence": round(self.film_valence, 4),
            "neutral_shift": self.neutral_shift,
        }

    def summary(self) -> str:
        """One line for prompts and notes."""
        voices = ", ".join(dict.fromkeys(i.name for i in (self.melody, self.harmony, self.bass,
                                                           self.pad)))
        colours = ", ".join(dict.fromkeys(i.name for i in (self.memory, self.dream, self.tension,
                                                            self.pulse)))
        tone = f"; tone {self.tone['genre']}" if self.tone else ""
        return f"{self.genre}; core: {voices}; colours: {colours}; home key {self.tonic}{tone}"


PRESETS: dict[str, Palette] = {
    "drama": Palette(
        name="drama", genre="intimate orchestral film score", tonic="D",
        melody=gm("piano", "melody"), harmony=gm("strings", "harmony"),
        bass=gm("contrabass", "bass"), pad=gm("slow strings", "pad"),
        memory=gm("celesta", "counter"), dream=gm("vibraphone", "counter"),
        tension=gm("tremolo strings", "harmony"), pulse=gm("timpani", "percussion"),
        bright=gm("flute", "counter"),
        theme_voices=(gm("piano", "melody"), gm("cello", "melody"), gm("clarinet", "melody"),
                      gm("oboe", "melody"), gm("french horn", "melody"), gm("harp", "melody")),
    ),
    "thriller": Palette(
        name="thriller", genre="dark suspense film score", tonic="C",
        melody=gm("piano", "melody"), harmony=gm("strings", "harmony"),
        bass=gm("contrabass", "bass"), pad=gm("warm pad", "pad"),
        memory=gm("celesta", "counter"), dream=gm("choir pad", "pad"),
        tension=gm("tremolo strings", "harmony"), pulse=gm("timpani", "percussion"),
        bright=gm("glockenspiel", "counter"),
        theme_voices=(gm("french horn", "melody"), gm("piano", "melody"), gm("cello", "melody"),
                      gm("english horn", "melody"), gm("trumpet", "melody")),
        tempo_offset=6.0,
    ),
    "horror": Palette(
        name="horror", genre="dark atmospheric horror score", tonic="C",
        melody=gm("cello", "melody"), harmony=gm("tremolo strings", "harmony"),
        bass=gm("contrabass", "bass"), pad=gm("choir pad", "pad"),
        memory=gm("music box", "counter"), dream=gm("sweep pad", "pad"),
        tension=gm("tremolo strings", "harmony"), pulse=gm("taiko drums", "percussion"),
        bright=gm("celesta", "counter"),
        theme_voices=(gm("cello", "melody"), gm("english horn", "melody"), gm("piano", "melody"),
                      gm("viola", "melody"), gm("bassoon", "melody")),
    ),
    "warm": Palette(
        name="warm", genre="warm acoustic film score", tonic="G",
        melody=gm("nylon guitar", "melody"), harmony=gm("piano", "harmony"),
        bass=gm("acoustic bass", "bass"), pad=gm("strings", "pad"),
        memory=gm("music box", "counter"), dream=gm("harp", "counter"),
        tension=gm("tremolo strings", "harmony"), pulse=gm("pizzicato strings", "percussion"),
        bright=gm("flute", "counter"),
        theme_voices=(gm("flute", "melody"), gm("nylon guitar", "melody"), gm("clarinet", "melody"),
                      gm("cello", "melody")),
        tempo_offset=4.0,
    ),
}


def _style_instruments(style: str) -> list[str]:
    """GM names a brief mentions, in the order it mentions them (longest name wins)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    lowered = style.lower()
    for name in _INSTRUMENT_NAMES:
        for m in re.finditer(rf"\b{re.escape(name)}s?\b", lowered):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), name))
    return [name for _, name in sorted(found)]


_FILLER = frozenset({"a", "an", "and", "the", "with", "of", "for", "in", "on", "plus", "some",
                     "no", "only", "solo", "sparse", "minimal", "minimalist", "spare", "lush",
                     "light", "heavy", "major", "minor", "key", "drum", "drums", "kit", "beat",
                     "percussion", "percussive", "groove", "breakbeat"})


def _style_genre(style: str) -> str | None:
    """What a brief says besides instruments (``"1970s thriller"``, ``"warm folk"``), as a genre."""
    rest: list[str] = []
    for part in re.split(r"[,;]", _KEY.sub(" ", style)):
        if re.search(r"\b(score|music|soundtrack)\b", part, re.I):
            rest.append(" ".join(part.split()))  # "synth score": instruments belong to the genre
            continue
        words = part.lower()
        for name in _INSTRUMENT_NAMES:
            words = re.sub(rf"\b{re.escape(name)}s?\b", " ", words)
        kept = [w for w in re.findall(r"[\w'-]+", words) if w not in _FILLER]
        if kept:
            original = {w.lower(): w for w in re.findall(r"[\w'-]+", part)}
            rest.append(" ".join(original.get(w, w) for w in kept))
    if not rest:
        return None
    genre = ", ".join(rest)
    if not re.search(r"\b(score|music|soundtrack|song)\b", genre, re.I):
        genre += " film score"
    return genre[:80]


#: The film tone's genre → the preset whose instruments it darkens or lightens to (other genres,
#: drama among them, choose from the film's affect as before).
TONE_PRESETS: dict[str, str] = {
    "horror": "horror", "thriller": "thriller", "crime": "thriller", "war": "thriller",
    "mystery": "thriller", "comedy": "warm", "family": "warm", "animation": "warm",
    "musical": "warm", "romance": "warm",
}
#: Where a tone's mode puts the film's neutral on the valence axis (see :func:`tone_valence`).
#: Mode choice (``rules.choose_mode``) reads minor at or below -0.12 and major at or above +0.12:
#: a centre of -0.3 / +0.3 puts a film's typical cue well inside the dark / bright region, and a
#: cue has to be about 0.4 brighter / darker than the film's mean to cross to the other side.
MODE_CENTRES: dict[str, float] = {"minor": -0.3, "major": 0.3}
#: How far a tone's source can be trusted to move the modes: the user's brief and the source's
#: genre tags are statements about the film; a vocabulary count is circumstantial (a gun in a
#: comedy, "laughs" in a wake), so it moves the neutral middle half as far. A ``reading`` names
#: no genre (drama) and moves nothing.
TONE_CONFIDENCE: dict[str, float] = {"brief": 1.0, "tags": 1.0, "vocabulary": 0.5, "reading": 0.0}
#: One step along the brightness scale per this much of the genre's valence offset
#: (``emotion.tone.GENRES``): the mildest genres with a direction (mystery -0.15, romance
#: +0.15) move one step, the strongest (horror -0.35, comedy +0.3) two, the cap.
VALENCE_PER_STEP = 0.15
MAX_NEUTRAL_STEPS = 2
#: Genre words of a brief (``_GENRE_WORDS``'s presets) as the genre whose tone they stand for,
#: when the brief names no genre ``emotion/tone.py`` knows (``"warm folk"``, ``"occult"``).
PRESET_TONES: dict[str, str] = {"horror": "horror", "thriller": "thriller", "warm": "family"}


def neutral_steps(genre: str, source: str) -> int:
    """Steps along the brightness scale (``rules.BRIGHTNESS``) that a film's tone moves its
    near-neutral cues: positive darker, negative brighter.

    Film music sets a genre's colour mostly in its undecided moments: a horror score's
    in-between scenes sit in aeolian or phrygian (the flat second of dread), a comedy's in major
    or lydian (the raised fourth of whimsy), while clearly happy or clearly sad scenes keep the
    major or minor their own affect asks for in any genre. How far the middle moves is the
    genre's darkness (its valence offset, one step per ``VALENCE_PER_STEP``) times the
    confidence of the source (``TONE_CONFIDENCE``), rounded, at most ``MAX_NEUTRAL_STEPS``.
    """
    from scenescore.emotion.tone import GENRES

    offset = GENRES.get(genre, (0.0, 0.0, "film"))[0]
    steps = round(TONE_CONFIDENCE.get(source, 0.0) * abs(offset) / VALENCE_PER_STEP)
    steps = min(MAX_NEUTRAL_STEPS, steps)
    return -steps if offset > 0 else steps


def tone_valence(palette: Palette, valence: float) -> tuple[float, str]:
    """A cue's valence as the film's tone hears it, and why (``""`` when the tone changes nothing).

    A genre sets where a film's neutral lies: the same mildly negative scene is a breather in a
    horror film and a low point in a comedy. The cue keeps its own contrast with the rest of the
    film (its valence minus the film's mean) and the tone's centre replaces the film's mean:
    ``v' = v - film mean + centre``. The tone only ever moves a film towards its genre's side: a
    dark-toned film whose cues already read darker than the centre keeps them (the centre is
    then the film's own mean), and likewise a bright-toned film brighter than its centre.
    Dramas (``mode_centre`` None) keep each cue's valence.
    """
    if palette.mode_centre is None or not palette.tone:
        return valence, ""
    centre = palette.mode_centre
    centre = min(centre, palette.film_valence) if centre < 0 else max(centre, palette.film_valence)
    shifted = max(-1.0, min(1.0, valence - palette.film_valence + centre))
    return shifted, (f"film tone {palette.tone.get('genre')} ({palette.tone.get('source')}) hears "
                     f"v={valence:+.2f} as {shifted:+.2f}")


def choose_palette(cues: Sequence[Any], principals: Sequence[tuple[str, str]] = (),
                   style: str | None = None, tone: Any = None) -> Palette:
    """The palette of a film from its cues' affect, its tone and the brief.

    ``principals`` are (character id, name) pairs, most prominent first: each gets a theme voice.
    ``tone`` is the film's ``FilmTone`` (or its dict) from the analyze/remember stage; a genre the
    brief names has already decided it there, and the brief's instruments and genre words still
    override the preset here.
    """
    seconds = [max(c.duration_s, 1e-3) for c in cues] or [1.0]
    v = sum(c.valence * w for c, w in zip(cues, seconds, strict=False)) / sum(seconds)
    a = sum(c.arousal * w for c, w in zip(cues, seconds, strict=False)) / sum(seconds)
    preset = "drama"
    if a > 0.3 and v < 0:
        preset = "thriller"
    elif v > 0.15:
        preset = "warm"
    tone_info = _tone_dict(tone)
    if tone_info:
        preset = TONE_PRESETS.get(str(tone_info.get("genre")), preset)
    text = style or ""
    brief_preset = None
    for name, words in _GENRE_WORDS.items():
        if any(re.search(rf"\b{w}\b", text, re.I) for w in words):
            preset = brief_preset = name
            break
    palette = PRESETS[preset]
    if tone_info and brief_preset and tone_info.get("source") != "brief":
        # The brief overrides the script: its genre words ("warm folk", "occult") set the
        # modes' direction as well as the instruments, whatever the script's vocabulary said.
        from scenescore.emotion.tone import GENRES

        genre = PRESET_TONES[brief_preset]
        tone_info = {**tone_info, "genre": genre, "mode": GENRES[genre][2], "source": "brief",
                     "evidence": [f"the brief's words {text!r} ask for the {brief_preset} palette",
                                  *tone_info.get("evidence", [])]}
    if tone_info:
        palette = replace(palette, tone=tone_info, film_valence=float(v),
                          mode_centre=MODE_CENTRES.get(str(tone_info.get("mode"))),
                          neutral_shift=neutral_steps(str(tone_info.get("genre")),
                                                      str(tone_info.get("source"))))
    if text:
        named = _style_instruments(text)
        roles = ["melody", "harmony", "bass", "pad"]
        changes: dict[str, Any] = {}
        for role, name in zip(roles, named, strict=False):
            changes[role] = gm(name, role)
        if named:
            # The brief's instruments carry the themes first, then the preset's.
            voices = [gm(n, "melody") for n in named]
            voices += [i for i in palette.theme_voices if i.program not in {x.program for x in voices}]
            changes["theme_voices"] = tuple(voices)
        genre = _style_genre(text)
        if genre:
            changes["genre"] = genre
        key = _KEY.search(text)
        if key:
            changes["tonic"] = key.group(1).replace("♯", "#").replace("♭", "b")
        if _SPARSE.search(text):
            changes["density"] = 0.7
        changes["drums"] = bool(_DRUM_WORDS.search(text)) and not _NO_DRUMS.search(text)
        changes["style"] = text
        palette = replace(palette, **changes)
    voices = palette.theme_voices
    themes = {cid: voices[i % len(voices)] for i, (cid, _) in enumerate(principals)}
    return replace(palette, themes=themes)


def _tone_dict(tone: Any) -> dict[str, Any] | None:
    if tone is None:
        return None
    info = tone.to_dict() if hasattr(tone, "to_dict") else dict(tone)
    return info if info.get("genre") else None
