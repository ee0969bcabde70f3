"""The ``rules`` backend: valence/arousal and context to music parameters, offline and deterministic.

The mapping follows what listeners agree on in music-emotion research (sources in
docs/conditions.md): mode carries valence (major bright, minor dark); tempo, loudness, note
density and articulation carry arousal (fast, loud, busy, detached = activated); register and
dissonance separate the negative-activated states (fear, anger) from the negative-calm ones
(sadness). The film-wide palette keeps the instruments, the genre and the home key; the cue's
timeline layer moves the key (memories a fourth up, dreams a third) and adds a colour; the dramatic
function from spotting shapes the intensity curve. The text prompt is written like the captions
MusicGen was trained on, about 30 words.
"""

from __future__ import annotations

from collections.abc import Sequence

from scenescore.conditions.context import CueContext
from scenescore.conditions.palette import Palette, tone_valence
from scenescore.conditions.schema import Instrument, IntensityPoint, MusicCondition
from scenescore.spotting import CueFunction

#: Spellings of the 12 pitch classes for major-like and minor-like modes.
MAJOR_NAMES = ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
MINOR_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")
PITCH_CLASS = {name: pc for names in (MAJOR_NAMES, MINOR_NAMES) for pc, name in enumerate(names)}
PITCH_CLASS.update({"Gb": 6, "A#": 10, "D#": 3, "Cb": 11, "B#": 0, "E#": 5, "Fb": 4})
#: Semitones above the home tonic by timeline layer: a remembered world on the subdominant, a
#: dream a major third away (a chromatic-mediant shift, film music's sign of the uncanny).
LAYER_OFFSET = {"flashback": 5, "flashforward": 7, "dream": 4}
DYNAMICS = ("ppp", "pp", "p", "mp", "mf", "f", "ff", "fff")
_MINOR_LIKE = {"minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic minor"}


def _clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def cue_key(palette: Palette, timeline: str, mode: str, area: int = 0) -> str:
    """The tonic of a cue: the home tonic moved by the key plan's area and the timeline layer,
    spelled for the mode."""
    pc = (PITCH_CLASS.get(palette.tonic, 2) + area + LAYER_OFFSET.get(timeline, 0)) % 12
    return (MINOR_NAMES if mode in _MINOR_LIKE else MAJOR_NAMES)[pc]


#: The diatonic modes from brightest to darkest (each step lowers one degree: lydian's raised
#: fourth, then major, mixolydian's flat seventh, dorian's flat third, aeolian's flat sixth,
#: phrygian's flat second; Persichetti, *Twentieth-Century Harmony*, 1961, ch. 1). Locrian, with
#: no perfect fifth, is left out: it has no stable tonic to end a cue on.
BRIGHTNESS = ("lydian", "major", "mixolydian", "dorian", "aeolian", "phrygian")
_NEUTRAL_WHY = {
    "lydian": "lydian's raised fourth, light and whimsical", "major": "major",
    "mixolydian": "mixolydian", "dorian": "dorian, neither bright nor dark",
    "aeolian": "aeolian, the natural minor", "phrygian": "phrygian's flat second, dread",
}


def choose_mode(v: float, a: float, mood: str, timeline: str, neutral_shift: int = 0) -> tuple[str, str]:
    """Mode and why. Valence decides major/minor; context and layer pick the modal colours.

    ``neutral_shift`` is the film tone's move of the undecided middle (``palette.neutral_steps``):
    a near-neutral cue's mode (dorian when calm, mixolydian with some energy, as in a drama) moves
    that many steps darker (positive) or brighter along :data:`BRIGHTNESS`, and in a dark film a
    neutral dream is a nightmare. Clearly positive or negative cues keep their major or minor.
    """
    if timeline == "dream":
        if v < -0.25 or (neutral_shift > 0 and v < 0.12):
            why = "a nightmare: phrygian's flat second"
            return "phrygian", why if v < -0.25 else f"{why} (a dark film's neutral dream)"
        return "lydian", "a dream: lydian's raised fourth floats"
    if mood == "bittersweet":
        return "major", "bittersweet: major, darkened by borrowed minor chords"
    if mood == "wistful":
        return "dorian", "wistful: dorian, minor with a hopeful raised sixth"
    if v <= -0.3 and a >= 0.35:
        return "harmonic minor", "dark and activated: harmonic minor's augmented second"
    if v <= -0.12:
        return "minor", f"negative valence ({v:+.2f}): minor"
    if v >= 0.12:
        return "major", f"positive valence ({v:+.2f}): major"
    base = "mixolydian" if a >= 0.1 else "dorian"
    if not neutral_shift:
        return ("mixolydian", "near-neutral valence, some energy: mixolydian") if a >= 0.1 else (
            "dorian", "near-neutral valence: dorian, neither bright nor dark")
    index = max(0, min(len(BRIGHTNESS) - 1, BRIGHTNESS.index(base) + neutral_shift))
    mode = BRIGHTNESS[index]
    side = "darker" if neutral_shift > 0 else "brighter"
    return mode, (f"near-neutral valence ({v:+.2f}): {_NEUTRAL_WHY[mode]}, {abs(neutral_shift)} "
                  f"step{'s' if abs(neutral_shift) > 1 else ''} {side} than a drama's {base} "
                  "for the film's tone")


def choose_tempo(v: float, a: float, palette: Palette, function: str, timeline: str) -> float:
    """BPM: arousal sets the pace on a log scale (76 at neutral arousal, doubling over +1.1, about
    142 at the most activated, floored at 48); valence adds a little (happy runs faster than sad at
    equal arousal)."""
    bpm = 76.0 * 2.0 ** (0.9 * a) + 6.0 * v + palette.tempo_offset
    if timeline == "montage":
        bpm += 6.0
    if function == CueFunction.UNDERSCORE_DIALOGUE:
        bpm -= 4.0
    return float(round(_clamp(bpm, 48.0, 168.0)))


def choose_dynamics(a: float, function: str) -> str:
    level = int(3.0 + 2.5 * a + 0.5)  # pp at a=-1, mp at 0, mf from a=0.2, ff at 1
    if function == CueFunction.UNDERSCORE_DIALOGUE:
        level = min(level - 1, 4)
    return DYNAMICS[int(_clamp(level, 1, 6))]


def choose_register(v: float, a: float) -> str:
    if v <= -0.2 and a >= 0.3:
        return "wide"  # low pedal and high dissonance: threat
    if v >= 0.2 and a >= 0.0:
        return "high"
    if v <= -0.2 and a < 0.0:
        return "low"
    return "mid"


def choose_articulation(v: float, a: float, timeline: str) -> str:
    if timeline == "montage":
        return "mixed"
    if a < -0.05:
        return "legato"
    if v < -0.15 and a >= 0.45:
        return "marcato"
    if a >= 0.3:
        return "staccato"
    if v < -0.15 and a >= 0.15:
        return "pizzicato"  # suspense: plucked, held back
    return "legato"


def choose_harmony(v: float, a: float, mood: str, timeline: str) -> str:
    if timeline == "dream":
        return "parallel planing chords that never resolve, chromatic-mediant shifts"
    if mood == "bittersweet":
        return "modal mixture: major with borrowed iv and bVI"
    if mood == "wistful":
        return "dorian minor, suspended chords resolving late"
    if v <= -0.3 and a >= 0.3:
        return "dissonant: minor seconds and tritones over a low pedal"
    if v <= -0.12:
        return "minor triads, slow harmonic rhythm, suspensions"
    if v >= 0.3:
        return "consonant diatonic triads with added sixths"
    if v >= 0.12:
        return "diatonic triads, gentle suspensions"
    return "open fifths and suspended chords, tonally ambiguous"


def choose_meter(v: float, a: float, mood: str, timeline: str) -> str:
    if timeline == "dream":
        return "6/8"
    if v <= -0.3 and a >= 0.6:
        return "7/8"  # irregular: off balance
    if (mood in ("bittersweet", "tender") or (v > 0.1 and a < 0.3)) and timeline == "flashback":
        return "3/4"
    return "4/4"


def choose_density(a: float, function: str, palette: Palette) -> float:
    d = (a + 1.0) / 2.0
    if function == CueFunction.UNDERSCORE_DIALOGUE:
        d *= 0.6
    return round(_clamp(d * palette.density, 0.05, 0.95), 3)


def choose_instruments(ctx: CueContext, v: float, a: float, function: str) -> list[Instrument]:
    """Voices from the palette: theme voice or melody, harmony, bass, pad, and a colour."""
    p, cue = ctx.palette, ctx.cue
    voices: list[Instrument] = []
    theme_voice = next((p.themes[t.character_id] for t in ctx.themes
                        if t.character_id in p.themes and t.character in cue.characters), None)
    if function == CueFunction.UNDERSCORE_DIALOGUE:
        # Keep out of the voices' range: no foreground melody, a high colour carries the theme.
        if theme_voice is not None:
            voices.append(p.memory.model_copy(update={"role": "melody"}))
    else:
        voices.append((theme_voice or p.melody).model_copy(update={"role": "melody"}))
    tense = v < -0.15 and a > 0.3
    voices.append(p.tension if tense else p.harmony)
    voices.append(p.bass)
    if a < 0.3:
        voices.append(p.pad)
    if cue.timeline == "flashback":
        voices.append(p.memory)
    elif cue.timeline == "dream":
        voices.append(p.dream)
    elif v >= 0.3 and a >= 0.2:
        voices.append(p.bright)
    if a >= 0.45 or function == CueFunction.BUILD_TENSION or cue.timeline == "montage":
        voices.append(p.pulse)
        if p.drums:
            voices.append(Instrument(name="drum kit", program=0, role="percussion", is_drum=True))
    out: list[Instrument] = []
    seen: set[tuple[int, bool]] = set()
    for inst in voices:
        if (inst.program, inst.is_drum) not in seen:
            seen.add((inst.program, inst.is_drum))
            out.append(inst)
    keep = max(2, round(len(out) * p.density)) if p.density < 1 else len(out)
    return out[:keep][:6]


def intensity_curve(ctx: CueContext, function: str) -> list[IntensityPoint]:
    """Intensity at each scene's middle from its contextual arousal, shaped by the function."""
    cue = ctx.cue
    total = max(cue.duration_s, 1e-6)
    points: list[tuple[float, float]] = []
    clock = 0.0
    for scene, affect in zip(ctx.scenes, ctx.affects, strict=True):
        length = max(float(scene.seconds), 0.0)  # the picture's span when aligned
        mid = _clamp((clock + length / 2) / total, 0.0, 1.0) if len(ctx.scenes) > 1 else 0.5
        points.append((mid, _clamp(0.5 + 0.45 * affect.arousal, 0.08, 0.95)))
        clock += length
    if not points:
        points = [(0.5, _clamp(0.5 + 0.45 * cue.arousal, 0.08, 0.95))]
    if len(points) > 30:
        step = len(points) / 30
        points = [points[int(i * step)] for i in range(30)]
    peak = max(i for _, i in points)
    low = min(i for _, i in points)
    first, last = points[0][1], points[-1][1]
    if function == CueFunction.BUILD_TENSION:
        start, end = low * 0.8, min(1.0, peak + 0.15)
        running = start
        shaped = []
        for at, i in points:
            running = max(running, i)
            shaped.append((at, running))
        points = shaped
    elif function == CueFunction.RELEASE:
        start, end = min(1.0, peak + 0.1), low * 0.6
        running = start
        shaped = []
        for at, i in points:
            running = min(running, i)
            shaped.append((at, running))
        points = shaped
    elif function == CueFunction.TRANSITION:
        start, end = 0.2, 0.25
        points = [(0.5, min(1.0, peak + 0.1))]
    elif function == CueFunction.THEME_STATEMENT:
        start, end = first * 0.6, last * 0.7
    elif function == CueFunction.UNDERSCORE_DIALOGUE:
        points = [(at, min(i, 0.45)) for at, i in points]
        start, end = min(first, 0.45) * 0.8, min(last, 0.45) * 0.8
    else:
        start, end = first * 0.7, last * 0.7
    curve = [(0.0, start), *points, (1.0, end)]
    curve = [(round(at, 3), round(_clamp(i, 0.0, 1.0), 3)) for at, i in curve]
    return [IntensityPoint(at=at, intensity=i) for at, i in curve]


def avoid_list(ctx: CueContext, v: float, a: float, function: str) -> list[str]:
    items = ["vocals", "lyrics"]
    if function == CueFunction.UNDERSCORE_DIALOGUE:
        items += ["busy melody in the vocal range", "sudden loud hits"]
    if v < -0.12:
        items.append("bright major-key fanfares")
    if v > 0.12:
        items.append("dissonant clusters")
    if a < 0.0:
        items.append("fast ostinati")
    if not ctx.palette.drums:
        items.append("drum kit")
    if ctx.cue.timeline in ("flashback", "dream") and "synth" not in ctx.palette.genre.lower():
        items.append("modern electronic sounds")
    return list(dict.fromkeys(items))[:12]


def choose_ending(ctx: CueContext, function: str, harmony: str) -> tuple[str, str]:
    """How the cue ends, and why: from its out point, its function and its harmony.

    A cue that segues hands over without closing; a cut to another timeline is a hard out; a
    build or a harmony that must not resolve stays open; a release or the film's end resolves;
    a reel change closes with a button.
    """
    out = ctx.cue.out_point.lower()
    if "never resolve" in harmony or "unresolved" in harmony:
        return "open", "the harmony must not resolve"
    if function == CueFunction.BUILD_TENSION:
        return ("segue", "a build that hands over to the next cue") if "segue" in out else (
            "open", "a build: no tonic resolution")
    if "segue" in out:
        return "segue", "segues into the next cue"
    if "hard out" in out:
        return "hard_out", "hard out on the cut"
    if "reel change" in out:
        return "button", "a button at the reel change"
    return "resolve", "resolves" + (" at the end of the film" if "end of the film" in out else "")


def mood_words(v: float, a: float, mood: str, timeline: str) -> str:
    if mood == "bittersweet":
        words = "bittersweet, nostalgic"
    elif mood == "wistful":
        words = "wistful, aching"
    elif v <= -0.45 and a < 0.2:
        words = "mournful"
    elif v < -0.12 and a < 0.15:
        words = "melancholic"
    elif v < -0.12 and a >= 0.45:
        words = "menacing, urgent"
    elif v < -0.12:
        words = "tense, uneasy"
    elif v >= 0.4 and a >= 0.3:
        words = "joyful, lively"
    elif v >= 0.12 and a >= 0.05:
        words = "hopeful, warm"
    elif v >= 0.12:
        words = "tender, gentle"
    elif a >= 0.3:
        words = "restless"
    else:
        words = "contemplative, restrained"
    if timeline == "dream":
        words = "dreamlike, " + words
    elif timeline == "montage" and a > 0.1:
        words = "driving, " + words
    return words


_DYNAMICS_WORDS = {"ppp": "barely audible", "pp": "very soft", "p": "soft", "mp": "gentle",
                   "mf": "moderate", "f": "strong", "ff": "loud", "fff": "overwhelming"}
_ARTICULATION_WORDS = {"legato": "legato", "staccato": "staccato", "marcato": "accented",
                       "tenuto": "sustained", "pizzicato": "plucked", "mixed": "varied"}
_SHAPE_WORDS = {
    CueFunction.BUILD_TENSION: "building steadily", CueFunction.RELEASE: "easing into calm",
    CueFunction.TRANSITION: "a short swell", CueFunction.THEME_STATEMENT: "opening into a full phrase",
    CueFunction.UNDERSCORE_DIALOGUE: "understated beneath dialogue",
    CueFunction.ATMOSPHERE: "slowly evolving",
}
_THEME_WORDS = {
    "statement": "a new motif is stated", "restatement": "a familiar motif returns",
    "recall": "a motif returns as a distant memory", "mode_change": "a familiar motif turns to {mode}",
    "fragmentation": "fragments of a motif", "augmentation": "a motif slowed and broadened",
    "diminution": "a motif quickened", "reharmonisation": "a motif under new harmony",
    "transposition": "a motif in a new key", "inversion": "a motif turned upside down",
}


def _join(names: Sequence[str]) -> str:
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def caption(*, mood: str, genre: str, key: str, mode: str, tempo: float, meter: str,
            instruments: Sequence[Instrument], articulation: str, dynamics: str, function: str,
            density: float, theme: str | None) -> str:
    """A MusicGen-style caption of about 30 words (20-40)."""
    lead = [i.name for i in instruments if i.role in ("melody", "counter")][:2]
    bed = [i.name for i in instruments if i.role in ("harmony", "pad", "bass")][:2]
    voices = _join(lead) + (f" over {_join(bed)}" if bed and lead else _join(bed))
    texture = "sparse" if density < 0.35 else ("busy" if density > 0.7 else "flowing")
    meter_words = {"3/4": ", in three", "6/8": ", lilting 6/8", "7/8": ", uneven 7/8"}.get(meter, "")
    parts = [f"{mood.capitalize()} {genre} in {key} {mode} at {tempo:.0f} bpm{meter_words}.",
             f"{voices[:1].upper() + voices[1:]}, {_ARTICULATION_WORDS.get(articulation, articulation)},",
             f"{_DYNAMICS_WORDS[dynamics]} and {texture},",
             f"{_SHAPE_WORDS.get(function, 'evolving')}"]
    optional = [f"; {theme}" if theme else "", ", cinematic underscore", ", no vocals"]
    text = " ".join(parts)
    for extra in optional:
        if extra and len((text + extra).split()) <= 36:
            text += extra
        if len(text.split()) >= 28:
            break
    return text.rstrip(",;") + "."


def rules_condition(ctx: CueContext) -> MusicCondition:
    """The rules backend's condition for one cue."""
    cue, p = ctx.cue, ctx.palette
    v, a = float(cue.valence), float(cue.arousal)
    v, tone_why = tone_valence(p, v)  # the film's tone recentres valence (palette.py); drama: as is
    function = str(cue.function)
    mode, mode_why = choose_mode(v, a, cue.mood, cue.timeline, p.neutral_shift)
    mode_why = f"{mode_why} ({tone_why})" if tone_why else mode_why
    area = ctx.key_area.offset if ctx.key_area is not None else 0
    key = cue_key(p, cue.timeline, mode, area)
    key_reason = (ctx.key_area.reason if ctx.key_area is not None else "home") + (
        f"; {cue.timeline} layer" if cue.timeline in LAYER_OFFSET else "")
    tempo = choose_tempo(v, a, p, function, cue.timeline)
    dynamics = choose_dynamics(a, function)
    articulation = choose_articulation(v, a, cue.timeline)
    meter = choose_meter(v, a, cue.mood, cue.timeline)
    density = choose_density(a, function, p)
    instruments = choose_instruments(ctx, v, a, function)
    words = mood_words(v, a, cue.mood, cue.timeline)
    theme = ctx.themes[0] if ctx.themes else None
    theme_phrase = None
    if theme is not None:
        mode_word = "minor" if mode in _MINOR_LIKE else "major"
        theme_phrase = _THEME_WORDS[theme.transformation].format(mode=mode_word)
    prompt = caption(mood=words, genre=p.genre, key=key, mode=mode, tempo=tempo, meter=meter,
                     instruments=instruments, articulation=articulation, dynamics=dynamics,
                     function=function, density=density, theme=theme_phrase)
    layer = f"; {cue.timeline}: key {key} (home {p.tonic})" if cue.timeline in LAYER_OFFSET else ""
    harmony = choose_harmony(v, a, cue.mood, cue.timeline)
    ending, ending_why = choose_ending(ctx, function, harmony)
    rationale = (
        f"{cue.cue_id} {function}, mood {cue.mood} (v={v:+.2f}, a={a:+.2f}, scenes "
        f"{', '.join(str(s) for s in cue.scene_ids)}). {mode_why}; arousal sets {tempo:.0f} bpm, "
        f"{dynamics}, {articulation}, density {density:.2f} (Gabrielsson & Lindström 2010; "
        f"Eerola et al. 2013){layer}; palette '{p.name}'; ending: {ending} ({ending_why})."
        + (" Themes: " + "; ".join(f"{t.motif} {t.transformation} ({t.note})" for t in ctx.themes)
           if ctx.themes else ""))
    return MusicCondition(
        cue_id=cue.cue_id, duration_s=max(round(cue.duration_s, 3), 0.001), prompt=prompt[:600],
        genre=p.genre[:80], instrumentation=instruments, tempo_bpm=tempo, key=key,
        mode=mode,  # type: ignore[arg-type]
        meter=meter, dynamics=dynamics,  # type: ignore[arg-type]
        intensity_curve=intensity_curve(ctx, function),
        articulation=articulation,  # type: ignore[arg-type]
        pitch_register=choose_register(v, a),  # type: ignore[arg-type]
        harmony=harmony[:120], note_density=density, ending=ending,  # type: ignore[arg-type]
        themes=list(ctx.themes), avoid=avoid_list(ctx, v, a, function), rationale=rationale[:2000],
        key_reason=key_reason[:200],
        valence=max(-1.0, min(1.0, float(cue.valence))), arousal=max(-1.0, min(1.0, a)), backend="rules",
    )
