"""The palette follows the film's tone (issue 16): a genre recentres each cue's valence before its
mode is chosen, moves the near-neutral cues' modes along the brightness scale, darkens or lightens
the instruments, and the user's brief overrides the script."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from scenescore.conditions.options import TranslateOptions
from scenescore.conditions.palette import MODE_CENTRES, choose_palette, neutral_steps, tone_valence
from scenescore.conditions.rules import BRIGHTNESS, choose_mode
from scenescore.conditions.translate import translate_cues
from scenescore.emotion.tone import FilmTone
from scenescore.memory import analyze_screenplay
from scenescore.options import ScoreOptions
from scenescore.pipeline import score
from scenescore.segment import segment_screenplay
from scenescore.spotting import spot_cues

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
DARK = {"minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic minor"}


def _tone(genre: str, mode: str, source: str = "vocabulary") -> FilmTone:
    return FilmTone(genre=genre, mode=mode, valence=0.0, arousal=0.0, source=source,
                    evidence=(f"{genre} evidence",))


def _cues(*valences: float) -> list[SimpleNamespace]:
    return [SimpleNamespace(valence=v, arousal=0.1, duration_s=10.0) for v in valences]


def test_the_tone_recentres_valence_and_keeps_each_cues_contrast() -> None:
    cues = _cues(-0.2, 0.0, 0.2)  # film mean 0.0
    horror = choose_palette(cues, tone=_tone("horror", "minor"))
    assert horror.name == "horror" and horror.mode_centre == MODE_CENTRES["minor"]
    values = [tone_valence(horror, c.valence)[0] for c in cues]
    assert values == pytest.approx([-0.5, -0.3, -0.1])  # same spacing, darker neutral
    assert "film tone horror" in tone_valence(horror, 0.0)[1]
    comedy = choose_palette(cues, tone=_tone("comedy", "major"))
    assert comedy.name == "warm" and tone_valence(comedy, -0.2)[0] == pytest.approx(0.1)
    drama = choose_palette(cues, tone=_tone("drama", "film"))
    assert drama.mode_centre is None and tone_valence(drama, -0.2) == (-0.2, "")
    assert choose_palette(cues).tone is None and tone_valence(choose_palette(cues), 0.3) == (0.3, "")
    crime = choose_palette(cues, tone=_tone("crime", "minor")).to_dict()
    assert crime["name"] == "thriller" and crime["tone"]["evidence"] == ["crime evidence"]


def test_the_brief_overrides_the_scripts_tone() -> None:
    palette = choose_palette(_cues(0.0), style="solo cello, warm folk", tone=_tone("horror", "minor"))
    assert palette.melody.name == "cello" and palette.name == "warm"  # the brief's genre words win
    # ... and so do its modes: the script's horror vocabulary no longer darkens them.
    assert palette.mode_centre == MODE_CENTRES["major"] and palette.neutral_shift < 0
    assert palette.tone["source"] == "brief" and "warm folk" in palette.tone["evidence"][0]
    assert palette.tone["evidence"][-1] == "horror evidence"  # what the script said stays on record
    # A brief that names a genre decided the tone upstream; the palette keeps it.
    named = choose_palette(_cues(0.0), style="comedy", tone=_tone("comedy", "major", "brief"))
    assert named.tone["genre"] == "comedy" and named.neutral_shift == -2


def test_the_tones_darkness_and_confidence_set_how_far_the_neutral_middle_moves() -> None:
    assert [neutral_steps("horror", s) for s in ("brief", "tags", "vocabulary", "reading")] == [2, 2, 1, 0]
    assert (neutral_steps("crime", "brief"), neutral_steps("mystery", "tags")) == (1, 1)
    assert (neutral_steps("comedy", "brief"), neutral_steps("romance", "brief")) == (-2, -1)
    assert neutral_steps("drama", "brief") == neutral_steps("action", "tags") == 0
    cues = _cues(-0.2, 0.0, 0.2)
    assert choose_palette(cues, tone=_tone("horror", "minor", "tags")).neutral_shift == 2
    assert choose_palette(cues, tone=_tone("drama", "film", "brief")).neutral_shift == 0


def test_only_the_neutral_middle_changes_mode_with_the_tone() -> None:
    for a, drama in ((0.0, "dorian"), (0.3, "mixolydian")):
        assert choose_mode(0.0, a, "neutral", "present")[0] == drama
        darker = [choose_mode(0.0, a, "neutral", "present", s)[0] for s in (1, 2)]
        brighter = [choose_mode(0.0, a, "neutral", "present", s)[0] for s in (-1, -2)]
        i = BRIGHTNESS.index(drama)
        assert darker == list(BRIGHTNESS[i + 1:i + 3]) and brighter == [BRIGHTNESS[i - 1], BRIGHTNESS[i - 2]]
    mode, why = choose_mode(0.05, 0.0, "neutral", "present", 2)
    assert mode == "phrygian" and "2 steps darker than a drama's dorian" in why
    # A dark film's happy memory is still happy, a comedy's funeral still minor.
    assert choose_mode(0.4, 0.2, "joyful", "present", 2)[0] == "major"
    assert choose_mode(0.3, 0.0, "bittersweet", "flashback", 2)[0] == "major"
    assert choose_mode(-0.4, 0.0, "sorrowful", "present", -2)[0] == "minor"
    # Dreams: a dark film's neutral dream is a nightmare, a bright one still floats.
    assert choose_mode(0.0, 0.0, "neutral", "dream", 1)[0] == "phrygian"
    assert choose_mode(0.0, 0.0, "neutral", "dream", 0)[0] == "lydian"
    assert choose_mode(0.3, 0.0, "tender", "dream", 2)[0] == "lydian"


def test_the_tone_never_pulls_a_film_away_from_its_genres_side() -> None:
    dark = _cues(-0.7, -0.5, -0.3)  # film mean -0.5, already darker than the horror centre
    horror = choose_palette(dark, tone=_tone("horror", "minor"))
    assert [tone_valence(horror, c.valence)[0] for c in dark] == pytest.approx([-0.7, -0.5, -0.3])
    bright = _cues(0.3, 0.5, 0.7)
    comedy = choose_palette(bright, tone=_tone("comedy", "major"))
    assert [tone_valence(comedy, c.valence)[0] for c in bright] == pytest.approx([0.3, 0.5, 0.7])
    # The other way round the centre applies: a bright film under a horror tone darkens.
    assert tone_valence(choose_palette(bright, tone=_tone("horror", "minor")), 0.5)[0] == pytest.approx(-0.3)


def _dark_share(scenes, brief: str | None) -> tuple[float, object]:
    analysis = analyze_screenplay(scenes, style=brief)
    cues = spot_cues(scenes, analysis)
    translation = translate_cues(cues, scenes, analysis, options=TranslateOptions(style=brief))
    modes = [c.mode for c in translation.conditions]
    for cue, condition in zip(cues, translation.conditions, strict=True):
        # Cues keep their own valence in the condition; only the mode's reading of it moved.
        assert condition.valence == pytest.approx(max(-1.0, min(1.0, cue.valence)))
    return sum(m in DARK for m in modes) / len(modes), translation


@pytest.fixture(scope="module")
def sample_scenes():
    return segment_screenplay(SAMPLE).scenes


def test_a_genre_brief_sets_the_modes_of_the_sample(sample_scenes) -> None:
    own, plain = _dark_share(sample_scenes, None)
    horror, dark = _dark_share(sample_scenes, "a slow-burn horror")
    comedy, light = _dark_share(sample_scenes, "screwball comedy")
    drama, _ = _dark_share(sample_scenes, "drama")
    assert horror >= 0.7 and comedy <= 0.4 and drama == own
    assert dark.palette.neutral_shift == 2 and light.palette.neutral_shift == -2
    assert dark.palette.tone["source"] == "brief" and dark.palette.name == "horror"
    assert light.palette.name == "warm"
    assert any("film tone horror (brief)" in c.rationale for c in dark.conditions)
    assert plain.palette.mode_centre is None


def test_the_tone_travels_through_the_run_folder(tmp_path: Path) -> None:
    score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film", style="noir, muted trumpet",
                                       stop="translate"))
    arc = json.loads((tmp_path / "film" / "arc.json").read_text("utf-8"))
    assert arc["tone"]["genre"] == "crime" and arc["tone"]["source"] == "brief"
    assert any("noir" in e for e in arc["tone"]["evidence"])
    report = json.loads((tmp_path / "film" / "translate_report.json").read_text("utf-8"))
    assert report["palette"]["tone"]["genre"] == "crime" and report["palette"]["mode_centre"] < 0
    from scenescore.report import build_report

    page = build_report(tmp_path / "film")
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    assert "film tone <b>crime (brief)</b>: the brief names" in page


def test_an_imsdb_pages_genre_tags_set_the_tone(tmp_path: Path) -> None:
    """A script page's Writers/Genres footer reaches the tone (source ``tags``) and the palette."""
    from scenescore.corpus.imsdb import script_page_genres
    from support.fakesite import FakeFilm, FakeImsdb

    text = (ROOT / "corpus" / "sample" / "sample.txt").read_text(encoding="utf-8")
    page = FakeImsdb([FakeFilm("What the Lake Keeps", script=text)]).script_page(
        FakeFilm("What the Lake Keeps", script=text)).decode("utf-8")
    footer = ('<b>Genres</b> : <a href="/genre/Horror" title="Horror Scripts">Horror</a>&nbsp;'
              '<a href="/genre/Mystery" title="Mystery Scripts">Mystery</a><br>')
    assert "<b>Writers</b>" in page
    page = page.replace("</td></tr></table>\n</td></tr></table>", f"<br>{footer}</td></tr></table>\n</td></tr></table>")
    path = tmp_path / "lake.html"
    path.write_text(page, encoding="utf-8")
    assert script_page_genres(path.read_bytes()) == ("Horror", "Mystery")
    assert script_page_genres(b"<html><body><pre>INT. ROOM - DAY</pre></body></html>") == ()
    score(path, options=ScoreOptions(out=str(tmp_path / "runs"), name="lake", stop="translate"))
    arc = json.loads((tmp_path / "runs" / "lake" / "arc.json").read_text("utf-8"))
    assert arc["tone"]["genre"] == "horror" and arc["tone"]["source"] == "tags"
    report = json.loads((tmp_path / "runs" / "lake" / "translate_report.json").read_text("utf-8"))
    assert report["palette"]["name"] == "horror"
