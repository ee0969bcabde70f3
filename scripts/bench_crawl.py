"""Benchmark: crawl an IMSDB-shaped site on 127.0.0.1 with the rate limit off, and resume.

The site (``tests/support/fakesite.py``, in a process of its own) serves made-up feature-length script pages of about
``--script-kb`` KB each. For each run, into a fresh corpus:

* full crawl: every film from an empty store (films/s, MB/s);
* resume: a crawl stopped after half the films is restarted; the time to finish;
* no-op resume: a crawl over a finished store (index revalidated, every film checked by sha256).

Prints the median of ``--runs`` runs.

    python scripts/bench_crawl.py [--films 200] [--runs 5] [--workers 4] [--script-kb 200]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # the fake site is a test double, not shipped

from scenescore.corpus import CrawlOptions, crawl  # noqa: E402
from support.fakesite import FakeFilm, FakeImsdb, make_screenplay  # noqa: E402


def build_films(count: int, script_kb: int) -> list[FakeFilm]:
    one_scene = len(make_screenplay("Sizing", 0, scenes=10)) / 10
    scenes = max(3, round(script_kb * 1024 / one_scene))
    return [FakeFilm(f"Bench Film {i:04d}", script=make_screenplay(f"Bench Film {i:04d}", i, scenes=scenes))
            for i in range(count)]


def serve(films: int, script_kb: int, urls, stop) -> None:  # noqa: ANN001 - multiprocessing
    with FakeImsdb(build_films(films, script_kb)) as site:
        urls.put(site.base_url)
        stop.wait()


def run_once(options: CrawlOptions, films: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        full_dir, resume_dir = os.path.join(tmp, "full"), os.path.join(tmp, "resume")
        start = time.perf_counter()
        report = crawl(corpus=full_dir, options=options)
        full_s = time.perf_counter() - start
        if report.counts.get("ok") != films:
            raise SystemExit(f"bench crawl did not fetch every film: {report.counts}")
        megabytes = sum(p.stat().st_size for p in Path(full_dir).glob("films/*/script.html")) / 1e6

        crawl(corpus=resume_dir, options=options, limit=films // 2)
        start = time.perf_counter()
        crawl(corpus=resume_dir, options=options)
        resume_s = time.perf_counter() - start

        start = time.perf_counter()
        again = crawl(corpus=full_dir, options=options)
        noop_s = time.perf_counter() - start
        if again.requests != 2:
            raise SystemExit(f"a re-crawl of a finished store sent {again.requests} requests")
    return {"full_s": full_s, "films_per_s": films / full_s, "mb_per_s": megabytes / full_s,
            "resume_s": resume_s, "noop_s": noop_s, "requests": report.requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--films", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=CrawlOptions().workers)
    parser.add_argument("--script-kb", type=int, default=200)
    args = parser.parse_args()

    # The site runs in its own process, so that it does not share the crawler's GIL.
    ctx = multiprocessing.get_context("spawn")
    urls, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(target=serve, args=(args.films, args.script_kb, urls, stop), daemon=True)
    server.start()
    try:
        base_url = urls.get(timeout=120)
        options = replace(CrawlOptions(), base_url=base_url, rate_limit=0, workers=args.workers)
        runs = [run_once(options, args.films) for _ in range(args.runs)]
    finally:
        stop.set()
        server.join(timeout=10)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    print(f"scenescore corpus crawl benchmark: {args.films} films of ~{args.script_kb} KB, "
          f"{args.workers} workers, rate limit off, {args.runs} runs (median); "
          f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"  full crawl     {med('full_s'):7.2f} s  {med('films_per_s'):7.1f} films/s  "
          f"{med('mb_per_s'):6.1f} MB/s  ({int(med('requests'))} requests)")
    print(f"  resume (1/2)   {med('resume_s'):7.2f} s  to fetch the {args.films - args.films // 2} "
          "films left by a stopped crawl")
    print(f"  no-op resume   {med('noop_s'):7.2f} s  over a finished store "
          f"({med('noop_s') / args.films * 1e3:.2f} ms per film)")
    print(f"  at the default 1 request/s the same crawl takes ~{(2 + 2 * args.films) / 60:.0f} min")


if __name__ == "__main__":
    main()
