"""``batch``: score many films, in parallel, where one film's failure never stops the rest.

Each film is one :func:`scenescore.pipeline.score` run in its own run folder under
``ScoreOptions.out``, so a batch is resumable for free: run it again and every film skips the
stages whose inputs and options did not change. The films are scored by an executor chosen by
name (:data:`EXECUTORS`): worker processes on this machine (the default), tasks on a Ray
cluster, or one after another in this process. At most ``workers`` films are in flight at a
time, so a film reported ``running`` is really being scored.

A film fails alone: any exception while scoring it becomes status ``failed`` and a one-line
error in its row; a worker process that dies (killed, out of memory) fails only the film it
was scoring, found by trying each film it had again, alone. When the batch ends (or is
interrupted) the summary table is written to ``<out>/batch_summary.csv``.

Two callbacks report progress, both on the thread that called :func:`batch`: ``progress``
hears of a film's status (:class:`FilmResult`), ``film_progress`` of what happens inside a
film while it is scored (:class:`FilmProgress`: the stage it entered, and each cue whose audio
is written). Worker processes send the latter over a pipe the main process reads between
waits, so a display never runs in a worker and never slows one.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from scenescore.errors import InputError, MissingDependencyError, OptionsError, ScenescoreError
from scenescore.options import ScoreOptions

log = logging.getLogger(__name__)

#: Summary table columns, in order (one row per film).
SUMMARY_COLUMNS: tuple[str, ...] = (
    "film", "source", "scenes", "cues", "minutes_of_music", "seconds", "status", "error", "degraded",
)
SUMMARY_NAME = "batch_summary.csv"
#: A film's states as the progress callback sees them (``queued`` again for a film whose worker
#: was lost, until it is tried again alone); the summary holds the last two only (``not run``
#: for films an interrupted batch never finished).
STATES: tuple[str, ...] = ("queued", "running", "ok", "failed", "not run")
_MAX_ERROR_CHARS = 300


def default_workers() -> int:
    """Films scored at once on this machine: a few, since each stage is itself single-threaded
    and memory grows with every worker."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class BatchOptions:
    #: Films scored at once. None: :func:`default_workers` for processes, the cluster's CPU
    #: count for Ray.
    workers: int | None = None
    #: Where films are scored: ``process`` (this machine), ``ray`` (a Ray cluster, extra
    #: ``[distributed]``) or ``serial`` (one at a time in this process, for debugging).
    executor: str = "process"
    #: Ray cluster address (``auto``, ``ray://head:10001``); None starts a local Ray, or uses
    #: the one this process already initialized.
    address: str | None = None


@dataclass(frozen=True, slots=True)
class FilmJob:
    """One film to score: everything a worker needs (picklable, paths absolute)."""

    index: int
    film: str
    source: str
    path: str
    score_options: ScoreOptions
    stage_options: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class FilmResult:
    """A film's row of the summary, and what the progress callback receives."""

    film: str
    source: str
    status: str = "queued"
    scenes: int | None = None
    cues: int | None = None
    minutes_of_music: float | None = None
    seconds: float | None = None
    error: str | None = None
    #: A film scored but degraded (``translate: 9 of 9 cues fell back to the rules``); its next
    #: run retries those stages.
    degraded: str | None = None
    #: Per stage: ``ran``, ``degraded``, ``skipped`` or ``not in slice`` (empty until scored).
    stages: dict[str, str] = field(default_factory=dict)
    folder: str | None = None
    #: The traceback of an unexpected exception (logged at DEBUG, not in the summary).
    detail: str | None = None
    index: int = 0

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SUMMARY_COLUMNS}

    @property
    def up_to_date(self) -> bool:
        """Scored before with the same inputs and options: every stage was skipped."""
        return bool(self.stages) and all(s in ("skipped", "not in slice") for s in self.stages.values())


@dataclass
class BatchReport:
    films: list[FilmResult]
    summary: Path
    seconds: float

    @property
    def ok(self) -> list[FilmResult]:
        return [f for f in self.films if f.status == "ok"]

    @property
    def failed(self) -> list[FilmResult]:
        return [f for f in self.films if f.status != "ok"]


BatchProgress = Callable[[FilmResult], None]


@dataclass(frozen=True, slots=True)
class FilmProgress:
    """Progress inside one film while it is scored: the stage it entered, or (stage ``render``,
    ``cue_id`` set) a cue whose audio was written, with the cues and seconds of music done of
    the film's total (``render.film.CueProgress``). Picklable: it crosses from a worker."""

    index: int
    film: str
    stage: str
    cue_id: str | None = None
    cues_done: int = 0
    cues_total: int = 0
    music_done_s: float = 0.0
    music_total_s: float = 0.0


FilmProgressCallback = Callable[[FilmProgress], None]
#: Where :func:`score_film` sends its :class:`FilmProgress`, in the process that scores the
#: film: the caller's callback (serial) or the pipe to the main process (a worker). None: nowhere.
_SINK: ContextVar[FilmProgressCallback | None] = ContextVar("scenescore_batch_sink", default=None)
#: Seconds between reads of the workers' progress pipe while films are in flight.
_POLL_S = 0.2


# ---- choosing the films ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Input:
    source: str
    path: str | None
    base: str
    alternative: str
    error: str | None = None


def _slug(text: str) -> str:
    from scenescore.pipeline import slugify

    return slugify(text)


def _from_path(text: str) -> _Input:
    path = Path(text).resolve()
    return _Input(source=text, path=str(path), base=_slug(path.stem), alternative=_slug(path.name))


def _from_title(title: str, corpus: str | None) -> _Input:
    """An IMSDB title, fetched into the corpus store here, one at a time: the store has one
    writer, and the workers then read a plain file (the same input ``score TITLE`` reads)."""
    from scenescore.corpus import CrawlOptions
    from scenescore.pipeline.inputs import fetch_script

    options = CrawlOptions() if corpus is None else dataclasses.replace(CrawlOptions(), corpus_dir=corpus)
    source = f"imsdb:{title}"
    try:
        record, path = fetch_script(title, crawl=options)
    except Exception as exc:  # a title that cannot be fetched is that film's failure
        return _Input(source=source, path=None, base=_slug(title), alternative=_slug(title),
                      error=one_line(exc))
    return _Input(source=f"imsdb:{record.title}", path=str(path.resolve()), base=record.slug,
                  alternative=record.slug)


def corpus_inputs(corpus: str | os.PathLike[str], genre: str | None = None) -> list[_Input]:
    """The fetched scripts of a corpus store (``status == ok``), optionally of one genre."""
    from scenescore.corpus import CorpusStore
    from scenescore.pipeline.inputs import corpus_script_path

    root = Path(corpus)
    if not root.is_dir():
        raise InputError(root, "no such corpus folder")
    store = CorpusStore(root)
    records = sorted((r for r in store.load_records().values() if r.status == "ok"),
                     key=lambda r: r.slug)
    if not records:
        raise InputError(root, "no fetched scripts in this corpus; fetch some with "
                               "`scenescore corpus crawl` or `scenescore corpus fetch TITLE`")
    if genre is not None:
        wanted = genre.casefold()
        chosen = [r for r in records if any(g.casefold() == wanted for g in r.genres)]
        if not chosen:
            genres = sorted({g for r in records for g in r.genres}, key=str.casefold)
            raise OptionsError(f"--genre {genre!r}: no fetched script in {root} has it; "
                               f"genres there: {', '.join(genres) or '(none recorded)'}")
        records = chosen
    out = []
    for record in records:
        path = corpus_script_path(store, record.slug).resolve()
        out.append(_Input(source=f"corpus:{record.title}", path=str(path), base=record.slug,
                          alternative=record.slug))
    return out


def _name_films(inputs: Sequence[_Input]) -> list[str]:
    """Run folder names: the input's slug, or, where two inputs share one (``x.fdx`` and
    ``x.fountain``), the slug of the whole file name, then a hash of the source. The rule does
    not depend on the order of the inputs, so a re-run finds its folders again."""
    import hashlib

    names = [i.base for i in inputs]
    for attempt in (lambda i: i.alternative,
                    lambda i: f"{i.alternative}-{hashlib.sha1(i.source.encode()).hexdigest()[:8]}"):
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        names = [attempt(i) if counts[n] > 1 else n for i, n in zip(inputs, names, strict=True)]
    return names


# ---- scoring one film (runs in a worker) ----------------------------------------------------
def one_line(exc: BaseException) -> str:
    """An exception as one short line: the message of a domain error, else its type too."""
    text = str(exc) if isinstance(exc, ScenescoreError) else f"{type(exc).__name__}: {exc}"
    text = re.sub(r"\s+", " ", text).strip() or type(exc).__name__
    return text if len(text) <= _MAX_ERROR_CHARS else text[: _MAX_ERROR_CHARS - 1] + "…"


def score_film(job: FilmJob) -> FilmResult:
    """Score one film and describe the result; never raises (a failure is the film's status).

    Its stages and cues are reported to the progress sink of the process it runs in, if any."""
    from scenescore.pipeline import score

    result = FilmResult(film=job.film, source=job.source, status="running", index=job.index)
    sink = _SINK.get()
    stage_event = cue_event = None
    if sink is not None:
        def stage_event(stage: str, state: str) -> None:
            if state == "start":
                _send(sink, FilmProgress(index=job.index, film=job.film, stage=stage))

        def cue_event(cue: Any) -> None:
            _send(sink, FilmProgress(index=job.index, film=job.film, stage="render", cue_id=cue.cue_id,
                                     cues_done=cue.cues_done, cues_total=cue.cues_total,
                                     music_done_s=cue.music_done_s, music_total_s=cue.music_total_s))
    start = time.perf_counter()
    try:
        run = score(job.path, options=job.score_options, stage_options=job.stage_options,
                    progress=stage_event, on_cue=cue_event)
        result.stages = dict(run.statuses)
        result.folder = str(run.folder)
        result.scenes, result.cues, result.minutes_of_music = film_counts(run.folder, run.manifest)
        result.status = "ok"
        result.degraded = "; ".join(f"{stage}: {why}" for stage, why in run.degraded.items()) or None
    except Exception as exc:
        result.status = "failed"
        result.error = one_line(exc)
        if not isinstance(exc, ScenescoreError):
            result.detail = traceback.format_exc()
    result.seconds = round(time.perf_counter() - start, 3)
    return result


def _send(sink: FilmProgressCallback, event: FilmProgress) -> None:
    """Progress never fails a film: a display's error or a closed pipe is logged and dropped."""
    try:
        sink(event)
    except Exception as exc:
        log.debug("%s: progress not delivered (%s)", event.film, one_line(exc))


def _worker_sink(channel: Any) -> None:
    """A worker process's initializer: its films' progress goes into ``channel``."""
    _SINK.set(channel.put)


def film_counts(folder: Path, manifest: dict[str, Any]) -> tuple[int | None, int | None, float | None]:
    """Scenes, cues and minutes of music from the files the manifest records as done
    (None where that stage has not run: a ``--to`` slice)."""
    import json

    done = {rel for record in manifest.get("stages", {}).values()
            if record.get("status") in ("done", "degraded") for rel in record.get("outputs", {})}
    scenes = cues = minutes = None
    if "scenes.parquet" in done:
        import pyarrow.parquet as pq

        scenes = pq.read_metadata(folder / "scenes.parquet").num_rows
    if "cues.json" in done:
        rows = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
        cues = len(rows)
        minutes = round(sum(float(r["end_s"]) - float(r["start_s"]) for r in rows) / 60.0, 2)
    return scenes, cues, minutes


# ---- executors ------------------------------------------------------------------------------
Work = Callable[[FilmJob], FilmResult]


class Executor(Protocol):
    """Runs ``work`` on jobs somewhere. ``wait`` blocks until at least one submitted job ends
    and returns each ended handle with its result, or with the exception that lost it (a dead
    worker); ``work`` itself never raises. Before ``wait`` returns a film's end it hands every
    :class:`FilmProgress` that film sent to ``events`` (when set), on the calling thread."""

    capacity: int
    events: FilmProgressCallback | None

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def submit(self, job: FilmJob) -> Any: ...

    def wait(self, handles: Sequence[Any]) -> list[tuple[Any, FilmResult | BaseException]]: ...


class SerialExecutor:
    """One film at a time in this process: no pickling, and a debugger stops where it fails."""

    def __init__(self, options: BatchOptions, work: Work = score_film) -> None:
        self.capacity = 1
        self.work = work
        self.events: FilmProgressCallback | None = None
        self._jobs: dict[int, FilmJob] = {}

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._jobs.clear()

    def submit(self, job: FilmJob) -> int:
        self._jobs[job.index] = job
        return job.index

    def wait(self, handles: Sequence[int]) -> list[tuple[int, FilmResult | BaseException]]:
        handle = handles[0]
        token = _SINK.set(self.events)
        try:
            return [(handle, self.work(self._jobs.pop(handle)))]
        finally:
            _SINK.reset(token)


class ProcessExecutor:
    """Worker processes on this machine (``spawn``: safe beside the threads of a progress
    display or a Ray client, and the same on every platform).

    With ``events`` set, the workers send their films' progress through one pipe per pool
    (a ``SimpleQueue``: a worker's write is done before its film's result is sent, so a film's
    progress is read before its end). A pool that breaks is replaced with its pipe: a worker
    killed while writing cannot leave the next pool's pipe locked."""

    def __init__(self, options: BatchOptions, work: Work = score_film) -> None:
        self.capacity = options.workers or default_workers()
        self.work = work
        self.events: FilmProgressCallback | None = None
        self._pool: Any = None
        self._channel: Any = None
        self._pool_of: dict[Any, Any] = {}  # future → the pool that runs it

    def _new_pool(self) -> Any:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        if self.events is None:
            return ProcessPoolExecutor(max_workers=self.capacity, mp_context=context)
        self._channel = context.SimpleQueue()
        return ProcessPoolExecutor(max_workers=self.capacity, mp_context=context,
                                   initializer=_worker_sink, initargs=(self._channel,))

    def _read_events(self) -> None:
        channel = self._channel
        if channel is None or self.events is None:
            return
        while not channel.empty():
            self.events(channel.get())

    def _close_channel(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def __enter__(self) -> ProcessExecutor:
        self._pool = self._new_pool()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._close_channel()

    def submit(self, job: FilmJob) -> Any:
        future = self._pool.submit(self.work, job)
        self._pool_of[future] = self._pool
        return future

    def wait(self, handles: Sequence[Any]) -> list[tuple[Any, FilmResult | BaseException]]:
        from concurrent.futures import FIRST_COMPLETED, CancelledError
        from concurrent.futures import wait as wait_futures
        from concurrent.futures.process import BrokenProcessPool

        poll = _POLL_S if self.events is not None else None
        while True:
            done, _ = wait_futures(handles, timeout=poll, return_when=FIRST_COMPLETED)
            self._read_events()  # after the wait: every event of a film that ended is in the pipe
            if done:
                break
        out: list[tuple[Any, FilmResult | BaseException]] = []
        broken = False
        for future in done:
            pool = self._pool_of.pop(future, None)
            exc = CancelledError() if future.cancelled() else future.exception()
            out.append((future, exc if exc is not None else future.result()))
            broken |= isinstance(exc, BrokenProcessPool) and pool is self._pool
        if broken:  # the films in flight are lost with the pool; the next ones get a new pool
            log.warning("a worker process died; starting new workers")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._close_channel()  # its films are lost, their progress with them
            self._pool = self._new_pool()
        return out


class RayExecutor:
    """Tasks on a Ray cluster (one CPU each). Inputs and ``out`` must be on a file system the
    cluster's nodes share, at the same path; ``scenescore`` must be installed on every node.

    With ``events`` set, the tasks send their films' progress to a Ray queue (an actor that
    holds no CPU); a task's put returns once the queue has the event, so a film's progress is
    read before its end, as with processes."""

    def __init__(self, options: BatchOptions, work: Work = score_film) -> None:
        try:
            import ray
        except ImportError:
            raise MissingDependencyError("--executor ray", "ray", "distributed") from None
        self.ray = ray
        self.options = options
        self.work = work
        self.events: FilmProgressCallback | None = None
        self.capacity = options.workers or 1
        self._started = False
        self._remote: Any = None
        self._channel: Any = None

    def __enter__(self) -> RayExecutor:
        ray = self.ray
        if not ray.is_initialized():
            try:
                ray.init(address=self.options.address, log_to_driver=False)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                where = self.options.address or "a local Ray instance"
                raise OptionsError(f"--executor ray: cannot start or reach {where} "
                                   f"({one_line(exc)})") from None
            self._started = True
        elif self.options.address:
            log.warning("Ray is already initialized in this process; --address %s is ignored",
                        self.options.address)
        if not self.options.workers:
            self.capacity = max(1, int(ray.cluster_resources().get("CPU", 1)))
        # No Ray retries: run_jobs retries a lost film itself, alone (one policy everywhere).
        self._remote = ray.remote(num_cpus=1, max_retries=0)(_work_reporting)
        if self.events is not None:
            from ray.util.queue import Queue

            self._channel = Queue(actor_options={"num_cpus": 0})
        return self

    def __exit__(self, *exc: object) -> None:
        if self._channel is not None:
            self._channel.shutdown()
            self._channel = None
        if self._started:
            self.ray.shutdown()
            self._started = False

    def submit(self, job: FilmJob) -> Any:
        return self._remote.remote(self.work, job, self._channel)

    def _read_events(self) -> None:
        if self._channel is None or self.events is None:
            return
        waiting = self._channel.qsize()
        for event in self._channel.get_nowait_batch(waiting) if waiting else ():
            self.events(event)

    def wait(self, handles: Sequence[Any]) -> list[tuple[Any, FilmResult | BaseException]]:
        poll = _POLL_S if self._channel is not None else None
        while True:
            ready, _ = self.ray.wait(list(handles), num_returns=1, timeout=poll)
            self._read_events()
            if ready:
                break
        out: list[tuple[Any, FilmResult | BaseException]] = []
        for ref in ready:
            try:
                out.append((ref, self.ray.get(ref)))
            except Exception as exc:  # the task's worker died or the node went away
                out.append((ref, exc))
        return out


def _work_reporting(work: Work, job: FilmJob, channel: Any) -> FilmResult:
    """A Ray task: ``work(job)`` with its film's progress sent to ``channel`` (a Ray queue)."""
    token = _SINK.set(channel.put if channel is not None else None)
    try:
        return work(job)
    finally:
        _SINK.reset(token)


#: Executor name → class; ``BatchOptions.executor`` picks one.
EXECUTORS: dict[str, Callable[..., Executor]] = {
    "process": ProcessExecutor,
    "ray": RayExecutor,
    "serial": SerialExecutor,
}


def make_executor(options: BatchOptions, work: Work | None = None) -> Executor:
    """The executor ``options.executor`` names, running ``work`` (default :func:`score_film`)."""
    if options.executor not in EXECUTORS:
        raise OptionsError(f"unknown executor {options.executor!r}; known: {', '.join(EXECUTORS)}")
    if options.workers is not None and options.workers < 1:
        raise OptionsError(f"--workers must be at least 1, not {options.workers}")
    return EXECUTORS[options.executor](options, work or score_film)


# ---- the batch ------------------------------------------------------------------------------
def run_jobs(jobs: Sequence[FilmJob], executor: Executor, progress: BatchProgress | None = None,
             film_progress: FilmProgressCallback | None = None) -> dict[int, FilmResult]:
    """Score ``jobs`` with at most ``executor.capacity`` in flight. Returns a result per job
    index (films not finished are left out). ``film_progress`` hears what happens inside the
    films in flight, each film's between its ``running`` and its end (a lost film's stray
    progress is dropped; its retry starts again from its first stage).

    A dead worker process can take the films beside it down too (a process pool breaks as a
    whole), so a film whose worker was lost is a suspect, not a culprit: once the films in
    flight have ended it is tried again alone, and only a second loss then fails it.
    """
    queue = deque(jobs)
    suspects: deque[FilmJob] = deque()
    lost: set[int] = set()
    in_flight: dict[Any, FilmJob] = {}
    results: dict[int, FilmResult] = {}

    def inside(event: FilmProgress) -> None:
        if film_progress is not None and any(job.index == event.index for job in in_flight.values()):
            film_progress(event)

    executor.events = inside if film_progress is not None else None

    def submit(job: FilmJob) -> None:
        in_flight[executor.submit(job)] = job
        _report(progress, FilmResult(film=job.film, source=job.source, status="running",
                                     index=job.index))

    with executor:
        while queue or suspects or in_flight:
            alone = any(job.index in lost for job in in_flight.values())
            if suspects and not in_flight:
                submit(suspects.popleft())
            elif not suspects and not alone:
                while queue and len(in_flight) < executor.capacity:
                    submit(queue.popleft())
            for handle, outcome in executor.wait(list(in_flight)):
                job = in_flight.pop(handle)
                if isinstance(outcome, BaseException):
                    if job.index not in lost:
                        lost.add(job.index)
                        log.warning("%s: its worker was lost (%s); it will be tried again alone",
                                    job.film, one_line(outcome))
                        suspects.append(job)
                        _report(progress, FilmResult(film=job.film, source=job.source, status="queued",
                                                     index=job.index))  # waits to be tried again
                        continue
                    outcome = FilmResult(
                        film=job.film, source=job.source, status="failed", index=job.index,
                        error=f"the worker process died scoring this film alone (killed, or out of "
                              f"memory?): {one_line(outcome)}")
                results[job.index] = outcome
                _finished(outcome)
                _report(progress, outcome)
    return results


def _report(progress: BatchProgress | None, film: FilmResult) -> None:
    if progress is not None:
        progress(film)


def _finished(film: FilmResult) -> None:
    if film.status == "ok":
        log.info("%s: ok in %.2fs", film.film, film.seconds or 0.0)
    else:
        log.info("%s: failed: %s", film.film, film.error)  # the report holds it; not a warning
        if film.detail:
            log.debug("%s: %s", film.film, film.detail)


def batch(inputs: Sequence[str] | None = None, *, corpus: str | None = None,
          genre: str | None = None, options: BatchOptions | None = None,
          score_options: ScoreOptions | None = None, stage_options: dict[str, Any] | None = None,
          progress: BatchProgress | None = None,
          film_progress: FilmProgressCallback | None = None) -> BatchReport:
    """Score many films into ``score_options.out`` and write the summary there.

    ``inputs`` are screenplay files or IMSDB titles (fetched into the ``corpus`` store); with
    no inputs, every fetched script of the ``corpus`` store is scored (only ``genre``'s, if
    given). ``progress`` receives each film's row whenever its status changes;
    ``film_progress`` each stage a running film enters and each cue whose audio it wrote
    (:class:`FilmProgress`), both on this thread. Raises only
    for a batch that cannot start (bad options, no films); a film's failure is in the report.
    """
    options = options or BatchOptions()
    score_options = score_options or ScoreOptions()
    stage_options = dict(stage_options or {})
    if score_options.name:
        raise OptionsError("--name names one run folder; a batch names each film's folder itself")
    executor = make_executor(options)  # a bad executor or a missing Ray fails before any work
    t0 = time.perf_counter()
    chosen = _choose_inputs(inputs, corpus=corpus, genre=genre)
    names = _name_films(chosen)
    out = Path(score_options.out).resolve()
    # Films scored side by side keep every core busy: no helper process per film (ahead work
    # only fills cores that one film leaves idle).
    ahead = score_options.ahead and options.executor != "ray" and executor.capacity == 1
    base = dataclasses.replace(score_options, out=str(out), ahead=ahead)
    films = [FilmResult(film=name, source=item.source, index=i)
             for i, (item, name) in enumerate(zip(chosen, names, strict=True))]
    jobs: list[FilmJob] = []
    for film, item in zip(films, chosen, strict=True):
        if item.path is None:
            film.status, film.error = "failed", item.error
            _finished(film)
        else:
            jobs.append(FilmJob(index=film.index, film=film.film, source=film.source,
                                path=item.path, stage_options=stage_options,
                                score_options=dataclasses.replace(base, name=film.film)))
        _report(progress, film)
    summary = out / SUMMARY_NAME

    def record(film: FilmResult) -> None:  # kept as they end, so an interrupted batch has them
        if film.status in ("ok", "failed"):
            films[film.index] = film
        _report(progress, film)

    try:
        run_jobs(jobs, executor, record, film_progress)
    finally:
        for film in films:
            if film.status not in ("ok", "failed"):
                film.status, film.error = "not run", "the batch stopped before this film finished"
        write_summary(films, summary)
    return BatchReport(films=films, summary=summary, seconds=round(time.perf_counter() - t0, 3))


def _choose_inputs(inputs: Sequence[str] | None, *, corpus: str | None,
                   genre: str | None) -> list[_Input]:
    if inputs:
        if genre is not None:
            raise OptionsError("--genre chooses films of a --corpus; it cannot filter inputs "
                               "named on the command line")
        chosen = []
        for text in dict.fromkeys(str(i) for i in inputs):  # the same input twice is one film
            if Path(text).exists() or re.search(r"[\\/]|\.(fountain|fdx|html?|txt|pdf)$", text, re.I):
                chosen.append(_from_path(text))
            else:
                chosen.append(_from_title(text, corpus))
        return chosen
    if corpus is None:
        raise OptionsError("nothing to score: name screenplay files or titles, or a --corpus folder")
    return corpus_inputs(corpus, genre)


def write_summary(films: Sequence[FilmResult], path: Path) -> Path:
    """The summary table (:data:`SUMMARY_COLUMNS`), written atomically; it is the batch's own
    output and is replaced on every run."""
    import pandas as pd

    from scenescore.io import write_table

    frame = pd.DataFrame([f.row() for f in films], columns=list(SUMMARY_COLUMNS))
    for column in ("scenes", "cues"):
        frame[column] = frame[column].astype("Int64")
    return write_table(frame, path, overwrite=True, nested=frozenset())
