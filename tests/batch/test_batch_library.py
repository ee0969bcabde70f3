"""batch(): many films, one failure recorded, the rest done; processes, serial, corpus, titles."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from batch_support import CRASH_ALWAYS, CRASH_ONCE, cheap_render, crashing_work

import scenescore.batch as batch_module
from scenescore.batch import (
    SUMMARY_COLUMNS,
    BatchOptions,
    FilmJob,
    FilmProgress,
    FilmResult,
    ProcessExecutor,
    _Input,
    _name_films,
    batch,
    run_jobs,
)
from scenescore.errors import InputError, MissingDependencyError, OptionsError
from scenescore.options import ScoreOptions
from scenescore.render.fluidsynth import fluidsynth_available

needs_fluidsynth = pytest.mark.skipif(
    not fluidsynth_available(),
    reason="FluidSynth or a General MIDI SoundFont is missing: apt-get install fluidsynth fluid-soundfont-gm")


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == SUMMARY_COLUMNS
        return list(reader)


def test_three_formats_and_a_broken_file_in_worker_processes(tmp_path: Path, inputs: list[str]) -> None:
    out = tmp_path / "runs"
    seen: list[tuple[str, str]] = []
    report = batch(inputs, options=BatchOptions(workers=2, executor="process"),
                   score_options=ScoreOptions(stop="translate", out=str(out)),
                   progress=lambda film: seen.append((film.film, film.status)))
    by_name = {f.film: f for f in report.films}
    # Same stem, three formats: each film gets its own run folder.
    assert list(by_name) == ["sample-fountain", "sample-fdx", "sample-html", "broken"]
    assert [f.status for f in report.films] == ["ok", "ok", "ok", "failed"]
    broken = by_name["broken"]
    assert "binary file, not a screenplay" in (broken.error or "") and "\n" not in broken.error
    for film in report.ok:
        assert film.scenes and film.scenes > 10 and film.cues and film.minutes_of_music
        assert (out / film.film / "cues.json").is_file()
        assert set(film.stages.values()) == {"ran", "not in slice"}
    # Every film went queued → running → done, through the callback.
    for name in by_name:
        states = [s for n, s in seen if n == name]
        assert states[0] == "queued" and states[-1] in ("ok", "failed")
    rows = _rows(out / "batch_summary.csv")
    assert report.summary == out / "batch_summary.csv"
    assert [r["status"] for r in rows] == ["ok", "ok", "ok", "failed"]
    assert rows[0]["source"] == inputs[0] and int(rows[0]["scenes"]) == by_name["sample-fountain"].scenes
    assert float(rows[0]["minutes_of_music"]) == by_name["sample-fountain"].minutes_of_music
    assert rows[3]["scenes"] == "" and "binary file" in rows[3]["error"]
    assert not list(out.glob(".*.part"))

    # Resumable for free: again, every stage of every good film is skipped.
    again = batch(inputs, options=BatchOptions(executor="serial"), score_options=ScoreOptions(stop="translate", out=str(out)))
    assert [f.status for f in again.films] == ["ok", "ok", "ok", "failed"]
    assert all(f.up_to_date for f in again.ok)
    assert [f.minutes_of_music for f in again.ok] == [f.minutes_of_music for f in report.ok]


def test_names_do_not_depend_on_order() -> None:
    items = [_Input("a/x.fdx", "/a/x.fdx", "x", "x-fdx"), _Input("b/x.fdx", "/b/x.fdx", "x", "x-fdx"),
             _Input("x.fountain", "/x.fountain", "x", "x-fountain"), _Input("y.txt", "/y.txt", "y", "y-txt")]
    names = _name_films(items)
    assert len(set(names)) == 4 and names[3] == "y" and names[2] == "x-fountain"
    assert names[0].startswith("x-fdx-") and names[1].startswith("x-fdx-")
    assert dict(zip(items, names, strict=True)) == dict(zip(items[::-1], _name_films(items[::-1]), strict=True))


def test_corpus_and_genre(tmp_path: Path, corpus_store: Path) -> None:
    opts = BatchOptions(executor="serial")
    drama = batch(corpus=str(corpus_store), genre="drama", options=opts,
                  score_options=ScoreOptions(stop="translate", out=str(tmp_path / "runs")))
    assert [(f.film, f.status) for f in drama.films] == [("cold-water", "ok"), ("marrow-lake", "ok")]
    assert drama.films[0].source == "corpus:Cold Water"
    thriller = batch(corpus=str(corpus_store), genre="Thriller", options=opts,
                     score_options=ScoreOptions(stop="translate", out=str(tmp_path / "runs")))
    assert [f.film for f in thriller.films] == ["cold-water"] and thriller.films[0].up_to_date
    with pytest.raises(OptionsError, match="genres there: Drama, Thriller"):
        batch(corpus=str(corpus_store), genre="Western", options=opts, score_options=ScoreOptions(stop="translate", out=str(tmp_path)))
    with pytest.raises(InputError, match="no such corpus folder"):
        batch(corpus=str(tmp_path / "nope"), options=opts, score_options=ScoreOptions(stop="translate", out=str(tmp_path)))


def test_a_title_is_read_from_the_corpus_store(tmp_path: Path, corpus_store: Path) -> None:
    report = batch(["Marrow Lake"], corpus=str(corpus_store), options=BatchOptions(executor="serial"),
                   score_options=ScoreOptions(stop="translate", out=str(tmp_path / "runs")))
    assert [(f.film, f.source, f.status) for f in report.films] == [("marrow-lake", "imsdb:Marrow Lake", "ok")]


def test_bad_requests_fail_before_any_work(tmp_path: Path, inputs: list[str]) -> None:
    out = ScoreOptions(stop="translate", out=str(tmp_path))
    with pytest.raises(OptionsError, match="known: process, ray, serial"):
        batch(inputs, options=BatchOptions(executor="slurm"), score_options=out)
    with pytest.raises(OptionsError, match="at least 1"):
        batch(inputs, options=BatchOptions(workers=0), score_options=out)
    with pytest.raises(OptionsError, match="--name"):
        batch(inputs, score_options=ScoreOptions(stop="translate", out=str(tmp_path), name="one"))
    with pytest.raises(OptionsError, match="nothing to score"):
        batch([], score_options=out)
    with pytest.raises(OptionsError, match="--genre"):
        batch(inputs, genre="Drama", score_options=out)
    assert not (tmp_path / "batch_summary.csv").exists()


def test_ray_missing_names_the_install_command(monkeypatch: pytest.MonkeyPatch, inputs: list[str],
                                               tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'scenescore\[distributed\]'"):
        batch(inputs, options=BatchOptions(executor="ray"), score_options=ScoreOptions(stop="translate", out=str(tmp_path)))


@pytest.mark.parametrize("with_progress", [False, True], ids=["statuses", "and-film-progress"])
def test_a_dead_worker_is_retried_once_then_fails_alone(tmp_path: Path, inputs: list[str],
                                                        with_progress: bool) -> None:
    options = ScoreOptions(stop="translate", out=str(tmp_path))
    names = [CRASH_ONCE, CRASH_ALWAYS, "good"]
    jobs = [FilmJob(index=i, film=name, source=inputs[0], path=inputs[0],
                    score_options=ScoreOptions(stop="translate", out=str(tmp_path), name=name))
            for i, name in enumerate(names)]
    inside: list[FilmProgress] = []
    seen: list[tuple[str, str]] = []
    results = run_jobs(jobs, ProcessExecutor(BatchOptions(workers=2), crashing_work),
                       progress=lambda film: seen.append((film.film, film.status)),
                       film_progress=inside.append if with_progress else None)
    assert results[0].status == "ok"  # crashed once, fine on the retry
    assert results[1].status == "failed" and "died scoring this film alone" in (results[1].error or "")
    assert results[2].status == "ok"
    assert options.out == str(tmp_path)
    # A lost film is queued again until it is tried alone
    assert [s for n, s in seen if n == CRASH_ONCE] == ["running", "queued", "running", "ok"]
    assert [s for n, s in seen if n == CRASH_ALWAYS] == ["running", "queued", "running", "failed"]
    if with_progress:  # the pipe is replaced with the broken pool; the films that ended ok report every stage
        ran = ["segment", "analyze", "spot", "translate"]
        for name in (CRASH_ONCE, "good"):  # a film lost in flight may have reported a few stages before
            assert [e.stage for e in inside if e.film == name][-len(ran):] == ran
        assert not [e for e in inside if e.film == CRASH_ALWAYS]  # it dies before its first stage


@needs_fluidsynth
def test_film_progress_crosses_worker_processes(tmp_path: Path, short_script: Path, inputs: list[str]) -> None:
    heard: list[FilmResult | FilmProgress] = []  # both callbacks, in the order the caller heard them
    report = batch([str(short_script), inputs[3]], options=BatchOptions(workers=2, executor="process"),
                   score_options=ScoreOptions(stop="render", out=str(tmp_path / "runs")),
                   stage_options=cheap_render(), progress=heard.append, film_progress=heard.append)
    short, broken = report.films
    assert (short.status, broken.status) == ("ok", "failed") and short.cues and short.cues >= 2

    def of(film: str) -> list[FilmResult | FilmProgress]:
        return [e for e in heard if e.film == film]

    # The short film: running, then its stages and cues from the worker, then ok.
    mine = of("short")
    first_running = next(k for k, e in enumerate(mine) if getattr(e, "status", None) == "running")
    inside = [k for k, e in enumerate(mine) if isinstance(e, FilmProgress)]
    assert first_running < inside[0] and inside[-1] < len(mine) - 1 and mine[-1].status == "ok"
    stages = [e.stage for e in mine if isinstance(e, FilmProgress) and e.cue_id is None]
    assert stages == [name for name, state in short.stages.items() if state == "ran"]
    cues = [e for e in mine if isinstance(e, FilmProgress) and e.cue_id is not None]
    assert [e.cues_done for e in cues] == list(range(1, short.cues + 1))
    assert {e.cues_total for e in cues} == {short.cues} and all(e.stage == "render" for e in cues)
    done = [e.music_done_s for e in cues]
    assert done == sorted(done) and done[-1] == pytest.approx(cues[-1].music_total_s)
    assert cues[-1].music_total_s / 60 == pytest.approx(short.minutes_of_music, abs=0.01)
    # The broken file fails in its worker: no cue, and its failure reaches the caller.
    assert not [e for e in of("broken") if isinstance(e, FilmProgress) and e.cue_id]
    assert of("broken")[-1].status == "failed"


def test_an_interrupted_batch_still_writes_its_summary(tmp_path: Path, inputs: list[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = batch_module.score_film
    calls: list[str] = []

    def interrupt_second(job: FilmJob):  # noqa: ANN202
        calls.append(job.film)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(job)

    monkeypatch.setattr(batch_module, "score_film", interrupt_second)
    with pytest.raises(KeyboardInterrupt):
        batch(inputs, options=BatchOptions(executor="serial"), score_options=ScoreOptions(stop="translate", out=str(tmp_path)))
    rows = _rows(tmp_path / "batch_summary.csv")
    assert [r["status"] for r in rows] == ["ok", "not run", "not run", "not run"]
    assert rows[1]["error"] == "the batch stopped before this film finished"


@pytest.mark.parametrize(("executor", "workers", "ahead"), [("serial", None, True), ("process", 1, True),
                                                          ("process", 2, False)])
def test_ahead_work_only_when_one_film_runs_at_a_time(tmp_path: Path, inputs: list[str],
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      executor: str, workers: int | None, ahead: bool) -> None:
    """Films side by side keep the cores busy: no arc-plot helper process per film then."""
    seen: list[bool] = []

    class Recording(batch_module.SerialExecutor):
        def __init__(self, options: BatchOptions, work=batch_module.score_film) -> None:  # noqa: ANN001
            super().__init__(options, work)
            self.capacity = options.workers or 1

        def submit(self, job: FilmJob):  # noqa: ANN202
            seen.append(job.score_options.ahead)
            return super().submit(job)

    monkeypatch.setitem(batch_module.EXECUTORS, executor, Recording)
    batch(inputs[:1], options=BatchOptions(executor=executor, workers=workers),
          score_options=ScoreOptions(stop="segment", out=str(tmp_path)))
    assert seen == [ahead]
