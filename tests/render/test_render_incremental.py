"""Rendering again after an edit: only the changed cue is redone, and the result is byte for byte
what a full render of the edited film gives (cue files, film MIDI, temp track)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from render_support import condition, theme

from scenescore.render.film import render_film
from scenescore.render.fluidsynth import fluidsynth_available
from scenescore.render.incremental import render_film_incremental
from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions
from scenescore.render.themes import ThemeBook

needs_fluidsynth = pytest.mark.skipif(not fluidsynth_available(), reason="FluidSynth or a GM SoundFont is missing")
OPTIONS = RenderOptions(audio=AudioOptions(fluidsynth=FluidSynthOptions(workers=1, reverb=False,
                                                                        interpolation="linear")))


def film(tempo2: float = 90.0):
    conds = [condition("1M01", seconds=4.0, themes=[theme("statement")]),
             condition("1M02", seconds=3.0, tempo=tempo2, themes=[theme("restatement")]),
             condition("1M03", seconds=4.0, key="F", mode="major"),
             condition("1M04", seconds=3.0, key="A")]
    return conds, [0.0, 4.0, 9.5, 13.5]


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
            and p.name != "render_state.json"}


@needs_fluidsynth
def test_an_edit_re_renders_one_cue_and_matches_a_full_render(tmp_path: Path) -> None:
    conds, starts = film()
    first = render_film_incremental(conds, starts, tmp_path / "run", options=OPTIONS)
    assert first.temp_track == "full" and len(first.rendered) == 4
    render_film(conds, starts, tmp_path / "full", options=OPTIONS)
    assert files(tmp_path / "run") == files(tmp_path / "full")

    kept_mtimes = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run").rglob("1M0[134]*")}
    edited, starts = film(tempo2=120.0)
    again = render_film_incremental(edited, starts, tmp_path / "run", options=OPTIONS, previous=first.state,
                                   trusted=first.outputs)
    assert again.rendered == ("1M02",) and again.temp_track == "patched"
    assert set(again.neighbours) <= {"1M01", "1M03"}
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "run").rglob("1M0[134]*")} == kept_mtimes
    render_film(edited, starts, tmp_path / "full2", options=OPTIONS)
    assert files(tmp_path / "run") == files(tmp_path / "full2")

    same = render_film_incremental(edited, starts, tmp_path / "run", options=OPTIONS, previous=again.state,
                                  trusted=again.outputs)
    assert same.rendered == () and same.temp_track == "kept"
    assert files(tmp_path / "run") == files(tmp_path / "full2")


@needs_fluidsynth
def test_only_files_vouched_for_and_of_their_size_are_reused(tmp_path: Path) -> None:
    conds, starts = film()
    first = render_film_incremental(conds, starts, tmp_path, options=OPTIONS)
    midi = tmp_path / "midi" / "1M03.mid"
    midi.write_bytes(midi.read_bytes() + b"x")  # another size: made again
    again = render_film_incremental(conds, starts, tmp_path, options=OPTIONS, previous=first.state,
                                    trusted=first.outputs)
    assert again.rendered == ("1M03",) and again.temp_track == "patched"
    unvouched = render_film_incremental(conds, starts, tmp_path, options=OPTIONS, previous=again.state)
    assert len(unvouched.rendered) == 4 and unvouched.temp_track == "full"


def test_midi_only_and_a_pinned_theme(tmp_path: Path) -> None:
    conds, starts = film()
    options = replace(OPTIONS, audio=AudioOptions(backend="none"))
    plain = render_film_incremental(conds, starts, tmp_path / "a", options=options)
    pinned = render_film_incremental(conds, starts, tmp_path / "b", options=options,
                                     themes=ThemeBook(pinned={"ELLA-A": ((2, 4, 5, 4, 7), (1.0, 1.0, 1.0, 1.0, 2.0))}))
    assert plain.temp_track == "none" and pinned.film.temp_track is None
    import json

    motif = json.loads((tmp_path / "b" / "themes.json").read_text())["motifs"]["ELLA-A"]
    assert motif["degrees"] == [2, 4, 5, 4, 7]
    assert (tmp_path / "a" / "midi" / "1M01.mid").read_bytes() != (tmp_path / "b" / "midi" / "1M01.mid").read_bytes()
    assert (tmp_path / "a" / "midi" / "1M03.mid").read_bytes() == (tmp_path / "b" / "midi" / "1M03.mid").read_bytes()


@needs_fluidsynth
def test_a_failure_while_the_synthesizer_runs_ends_the_render(tmp_path: Path, monkeypatch) -> None:
    """A first render hands each cue to the synthesizer as it is sketched, and starts synthesis
    before the MIDI is written: a failure in either raises it (no worker left waiting), and the
    next render makes every file as a full render does."""
    import threading

    import scenescore.render.incremental as incremental
    import scenescore.render.sketch as sketch_module

    conds, starts = film()
    real_sketch, real_scores = sketch_module.sketch_cue, incremental._write_scores

    def failing_sketch(condition, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if condition.cue_id == "1M03":
            raise RuntimeError("sketch failed")
        return real_sketch(condition, **kwargs)

    before = threading.active_count()
    monkeypatch.setattr(sketch_module, "sketch_cue", failing_sketch)
    with pytest.raises(RuntimeError, match="sketch failed"):
        render_film_incremental(conds, starts, tmp_path / "run", options=OPTIONS)
    monkeypatch.setattr(sketch_module, "sketch_cue", real_sketch)

    def failing_scores(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("MIDI failed")

    monkeypatch.setattr(incremental, "_write_scores", failing_scores)
    with pytest.raises(RuntimeError, match="MIDI failed"):
        render_film_incremental(conds, starts, tmp_path / "run", options=OPTIONS)
    monkeypatch.setattr(incremental, "_write_scores", real_scores)
    import gc

    gc.collect()
    for _ in range(100):  # the abandoned synthesizers' threads end
        if threading.active_count() <= before:
            break
        threading.Event().wait(0.05)
    assert threading.active_count() <= before, [t.name for t in threading.enumerate()]

    again = render_film_incremental(conds, starts, tmp_path / "run", options=OPTIONS)
    assert again.temp_track == "full" and len(again.rendered) == 4
    render_film(conds, starts, tmp_path / "full", options=OPTIONS)
    assert files(tmp_path / "run") == files(tmp_path / "full")
