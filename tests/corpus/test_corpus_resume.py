"""A crawl killed midway (SIGKILL, Ctrl-C) and restarted ends with the same store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus_site import RECOVERABLE, fast, plain_films, snapshot

from scenescore.corpus import CorpusStore, crawl, verify_corpus
from support.fakesite import FakeFilm

SRC = Path(__file__).resolve().parents[2] / "src"
CRAWL = """
import sys
from scenescore.corpus import CrawlOptions, crawl
crawl(corpus=sys.argv[1], options=CrawlOptions(
    base_url=sys.argv[2], rate_limit=float(sys.argv[3]), workers=3, backoff_factor=0.01,
    backoff_jitter_s=0.01, read_timeout_s=2, manifest_every=3))
"""


def _films() -> list[FakeFilm]:
    return plain_films(40) + [RECOVERABLE["Café Noir"], RECOVERABLE["../../etc"],
                              FakeFilm("Paper Only", kind="pdf"), FakeFilm("Empty Stage", kind="stub")]


def _finished(root: Path) -> set[str]:
    return {r.title for r in CorpusStore(root).load_records().values()}


def _run_and_kill(root: Path, base_url: str, *, after_films: int) -> set[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", CRAWL, str(root), base_url, "60"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while len(list(root.glob("films/*/film.json"))) < after_films:
            if proc.poll() is not None:
                pytest.fail(f"crawl ended before it was killed: {proc.communicate()[1].decode()}")
            if time.monotonic() > deadline:
                pytest.fail("crawl made no progress")
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
    return _finished(root)


def test_kill_9_midway_then_resume_gives_the_same_store(make_site, tmp_path):
    site = make_site(_films())
    reference = tmp_path / "reference"
    crawl(corpus=reference, options=fast(site))

    resumed = tmp_path / "resumed"
    done_at_kill = _run_and_kill(resumed, site.base_url, after_films=10)
    assert 10 <= len(done_at_kill) < len(site.films)

    site.clear_hits()
    report = crawl(corpus=resumed, options=fast(site))
    assert report.skipped == len(done_at_kill)
    fetched_again = {h.path for h in site.hits if "Script" in h.path or "/scripts/" in h.path}
    for title in done_at_kill:  # a finished film is never fetched again
        assert not [p for p in fetched_again if title.replace(" ", "%20") in p
                    or title.replace(" ", "-") in p], title
    assert snapshot(resumed) == snapshot(reference)
    assert verify_corpus(resumed) == []


def test_interrupt_then_resume_gives_the_same_store(make_site, tmp_path):
    site = make_site(plain_films(12))
    reference = tmp_path / "reference"
    crawl(corpus=reference, options=fast(site))

    resumed = tmp_path / "resumed"

    def interrupt_after_five(event) -> None:
        if event.done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        crawl(corpus=resumed, options=fast(site, workers=2), progress=interrupt_after_five)
    assert 5 <= len(_finished(resumed)) < 12
    assert verify_corpus(resumed) == []  # the manifest was written on the way out
    crawl(corpus=resumed, options=fast(site))
    assert snapshot(resumed) == snapshot(reference)
