"""Every request the crawler sends, retries included, waits on the rate limiter.

Read from the fake site's own request log: what the server saw, not what the client believes
it did.
"""

from __future__ import annotations

import dataclasses

from corpus_site import fast, plain_films

from scenescore.corpus import crawl
from scenescore.corpus.client import Client, polite_retry_class
from scenescore.corpus.options import CrawlOptions
from support.fakesite import FakeFilm

# Films whose pages fail before they come: 5xx, 429 (Retry-After), dropped and cut-off answers.
FAILING = [
    FakeFilm("Salt & Pepper", faults={"script": ["500", "503", "500"]}),
    FakeFilm("Rush Hour Rain", faults={"script": ["429"], "movie": ["503"]}),
    FakeFilm("Dropped Call", faults={"movie": ["drop"], "script": ["truncate", "drop"]}),
    FakeFilm("Always Down", broken={"script": "503"}),
]


def _gaps(site) -> list[float]:  # noqa: ANN001 - FakeImsdb
    times = sorted(hit.at for hit in site.hits)
    return [b - a for a, b in zip(times, times[1:], strict=False)]


def test_no_two_requests_closer_than_the_rate_allows(make_site, tmp_path):
    site = make_site([dataclasses.replace(f, faults={k: list(v) for k, v in f.faults.items()})
                      for f in FAILING] + plain_films(1), retry_after="1")
    rate = 5.0  # requests per second: an interval of 0.2 s
    options = fast(site, rate_limit=rate, workers=4, retries=3)
    report = crawl(corpus=tmp_path, options=options)
    statuses = [hit.status for hit in site.hits]
    assert statuses.count(500) + statuses.count(503) >= 6 and 429 in statuses and 0 in statuses
    # The server's log: not one pair of requests closer than the interval (with slack for the
    # scheduling of a loaded machine; urllib3's own retries used to come 1-4 ms apart).
    assert min(_gaps(site)) >= 0.5 / rate, sorted(_gaps(site))[:5]
    # The summary counts every request the server saw, retries included.
    assert report.requests == len(site.hits)
    assert dict(report.counts) == {"ok": 4, "failed": 1}


def test_the_first_retry_waits_the_documented_second(make_site, tmp_path):
    """Default options: a 500 is retried after at least ``backoff_factor`` (1 s), not at once."""
    defaults = CrawlOptions()
    assert defaults.backoff_factor >= 1.0
    site = make_site([FakeFilm("Salt & Pepper", faults={"script": ["500"]})])
    options = dataclasses.replace(defaults, base_url=site.base_url, rate_limit=0,
                                  backoff_jitter_s=0.0, corpus_dir=str(tmp_path))
    crawl(corpus=tmp_path, options=options)
    script = [hit for hit in site.hits if hit.path.startswith("/scripts/")]
    assert [hit.status for hit in script] == [500, 200]
    assert script[1].at - script[0].at >= defaults.backoff_factor * 0.95


def test_retry_after_is_honoured_when_longer_than_the_backoff(make_site, tmp_path):
    site = make_site([FakeFilm("Rush Hour Rain", faults={"script": ["429"]})], retry_after="2")
    with Client(fast(site)) as client:
        page = client.get(site.base_url + "/scripts/Rush-Hour-Rain.html")
        assert page.status == 200 and client.requests_sent == len(site.hits) == 3  # robots + 2
    rush = [hit for hit in site.hits if hit.path.startswith("/scripts/")]
    assert [hit.status for hit in rush] == [429, 200]
    assert rush[1].at - rush[0].at >= 1.9


def test_the_backoff_doubles_from_the_factor_and_stops_at_its_cap() -> None:
    retry_class = polite_retry_class()
    retry = retry_class(total=6, backoff_factor=1.0, backoff_max=5.0, backoff_jitter=0.0)
    waits = []
    for _ in range(5):
        retry = retry.increment(method="GET", url="/x")
        waits.append(retry.get_backoff_time())
    assert waits == [1.0, 2.0, 4.0, 5.0, 5.0]
    again = retry.new()
    assert type(again) is retry_class and again.retry_after_max == retry.retry_after_max
