"""Crawling a fault-injecting IMSDB-shaped site on 127.0.0.1."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from corpus_site import (
    NO_SCRIPT,
    RECOVERABLE,
    ROBOTS,
    UNRECOVERABLE,
    fast,
    faulty_films,
    plain_films,
    snapshot,
)

from scenescore.corpus import (
    MANIFEST_COLUMNS,
    CorpusStore,
    crawl,
    fetch_film,
    films_frame,
    list_films,
    read_manifest,
    verify_corpus,
)
from scenescore.corpus.client import Client, FetchError
from scenescore.corpus.imsdb import extract_script
from scenescore.errors import InputError, OptionsError, OutputError
from support.fakesite import FakeFilm


def test_every_film_ends_whole_and_byte_identical_or_recorded_with_its_reason(make_site, tmp_path):
    site = make_site(faulty_films(), robots=ROBOTS)
    report = crawl(corpus=tmp_path, options=fast(site))

    records = CorpusStore(tmp_path).load_records()
    assert set(records) == {film.title for film in site.films}
    for film in site.films:
        record = records[film.title]
        folder = tmp_path / "films" / record.slug
        assert folder.parent == tmp_path / "films"  # no title escapes the store
        if film.title in UNRECOVERABLE:
            assert record.status == "failed", film.title
            assert UNRECOVERABLE[film.title][1] in record.error
            assert not (folder / "script.html").exists()
        elif film.title in NO_SCRIPT:
            assert record.status == NO_SCRIPT[film.title][1], film.title
            assert record.error
        else:
            assert record.status == "ok", (film.title, record.error)
            served = site.script_page(film)
            stored = (folder / "script.html").read_bytes()
            assert stored == served, film.title
            assert record.bytes == len(served)
            text = (folder / "script.txt").read_text("utf-8")
            assert text == extract_script(served, source=film.title)
    assert report.counts == {"ok": len(RECOVERABLE) + 4, "failed": len(UNRECOVERABLE),
                             "no_script": 2, "pdf_only": 1}
    assert sorted(title for title, _ in report.failed) == sorted(UNRECOVERABLE)
    assert verify_corpus(tmp_path) == []
    assert not list(tmp_path.rglob("*.part"))


def test_text_of_wrongly_declared_and_latin1_pages_is_decoded(make_site, tmp_path):
    films = [RECOVERABLE["Mojibake Motel"], RECOVERABLE["Old Latin"], RECOVERABLE["Split Reels"]]
    site = make_site(films)
    crawl(corpus=tmp_path, options=fast(site))
    texts = {r.title: (tmp_path / "films" / r.slug / "script.txt").read_text("utf-8")
             for r in CorpusStore(tmp_path).load_records().values()}
    assert "“VACANCY” in café neon" in texts["Mojibake Motel"]
    assert "niño sells piñatas" in texts["Old Latin"]
    assert "<pre>" not in texts["Split Reels"] and texts["Split Reels"].count("INT.") + \
        texts["Split Reels"].count("EXT.") == 3


def test_faults_are_met_politely(make_site, tmp_path):
    site = make_site(faulty_films(), robots=ROBOTS)
    options = fast(site, user_agent="scenescore-test/1 (+tests)")
    crawl(corpus=tmp_path, options=options)
    hits = list(site.hits)
    assert {hit.user_agent for hit in hits} == {"scenescore-test/1 (+tests)"}
    assert not [h for h in hits if "Secret" in h.path and "/scripts/" in h.path]  # robots.txt
    assert hits[0].path == "/robots.txt"
    # 429 → the next try waits for Retry-After (1 s).
    rush = [h for h in hits if h.path == "/scripts/Rush-Hour-Rain.html"]
    assert [h.status for h in rush] == [429, 200]
    assert rush[1].at - rush[0].at >= 0.9
    # 5xx retried by urllib3 until the page came; a permanent 503 tried 1 + retries times.
    assert [h.status for h in site.hits if h.path == "/scripts/Salt-&-Pepper.html"] == [500, 503, 200]
    assert len([h for h in hits if h.path == "/scripts/Always-Down.html"]) == options.retries + 1
    # The redirect loop is noticed at once, not followed until a limit.
    assert len([h for h in hits if "loop-" in h.path]) == 2
    # The huge page is refused from its Content-Length, once.
    assert len([h for h in hits if h.path == "/scripts/Big-Sky.html"]) == 1


def test_manifest_is_a_table_pandas_opens(make_site, tmp_path):
    site = make_site(plain_films(3) + [FakeFilm("Paper Only", kind="pdf")])
    crawl(corpus=tmp_path, options=fast(site))
    frame = pd.read_json(tmp_path / "manifest.jsonl", lines=True)
    assert list(frame.columns) == list(MANIFEST_COLUMNS)
    assert len(frame) == 4
    table = read_manifest(tmp_path)
    assert list(table.columns) == list(MANIFEST_COLUMNS)
    assert set(table.status) == {"ok", "pdf_only"}
    row = table[table.title == "Harbour Story 001"].iloc[0]
    assert row.genres == ["Horror"] and row.writers == ["Ada Quill"] and row.script_date == "1991-02"
    assert row.script_url.endswith("/scripts/Harbour-Story-001.html") and row.http_status == 200
    assert read_manifest(tmp_path / "new").empty


def test_recrawl_of_unchanged_site_is_conditional_and_writes_nothing(make_site, tmp_path):
    films = plain_films(5) + [RECOVERABLE["Señor Sol"], RECOVERABLE["Moved Along"],
                              FakeFilm("Paper Only", kind="pdf"), FakeFilm("Empty Stage", kind="stub")]
    site = make_site(films)
    crawl(corpus=tmp_path, options=fast(site))
    before = snapshot(tmp_path, with_times=True)

    site.clear_hits()
    again = crawl(corpus=tmp_path, options=fast(site))
    assert {h.path for h in site.hits} == {"/robots.txt", "/all-scripts.html"}
    assert all(h.conditional and h.status == 304 for h in site.hits)
    assert again.skipped == len(films) and again.fetched == 0

    site.clear_hits()
    refreshed = crawl(corpus=tmp_path, options=fast(site), refresh=True)
    assert len(site.hits) == 2 + 2 * 7 + 2  # robots, index, movie+script pages, 2 stub movie pages
    assert all(h.conditional and h.status == 304 for h in site.hits), \
        [h for h in site.hits if not h.conditional]
    assert refreshed.fetched == 0 and refreshed.unchanged == len(films)
    assert snapshot(tmp_path, with_times=True) == before


def test_refresh_downloads_only_what_changed(make_site, tmp_path):
    site = make_site(plain_films(4))
    crawl(corpus=tmp_path, options=fast(site))
    before = snapshot(tmp_path, with_times=True)
    site.set_script("Harbour Story 002", "INT. NEW DRAFT - DAY\n\nEverything changed.\n")
    report = crawl(corpus=tmp_path, options=fast(site), refresh=True)
    assert report.fetched == 1
    after = snapshot(tmp_path, with_times=True)
    changed = {path for path in after if after[path] != before.get(path)}
    assert changed == {"films/harbour-story-002/script.html", "films/harbour-story-002/script.txt",
                       "films/harbour-story-002/film.json", "manifest.jsonl"}
    assert "Everything changed." in (tmp_path / "films/harbour-story-002/script.txt").read_text()
    assert verify_corpus(tmp_path) == []


def test_failed_films_are_retried_and_damaged_files_fetched_again(make_site, tmp_path):
    down = FakeFilm("Down Today", broken={"script": "503"})
    site = make_site(plain_films(2) + [down])
    first = crawl(corpus=tmp_path, options=fast(site, retries=0))
    assert [t for t, _ in first.failed] == ["Down Today"]

    site.routes[b"/scripts/Down-Today.html"].broken = None  # the site recovers
    damaged = tmp_path / "films/harbour-story-000/script.html"
    damaged.write_bytes(damaged.read_bytes()[:100])
    assert any("harbour-story-000" in p for p in verify_corpus(tmp_path))
    site.clear_hits()
    second = crawl(corpus=tmp_path, options=fast(site))
    assert second.failed == [] and second.counts == {"ok": 3}
    assert {h.path for h in site.hits if h.path.startswith("/scripts/")} == {
        "/scripts/Down-Today.html", "/scripts/Harbour-Story-000.html"}
    assert damaged.read_bytes() == site.script_page(site.film("Harbour Story 000"))
    assert verify_corpus(tmp_path) == []


def test_refresh_that_fails_keeps_the_stored_copy(make_site, tmp_path):
    site = make_site(plain_films(2))
    crawl(corpus=tmp_path, options=fast(site))
    before = snapshot(tmp_path)
    site.routes[b"/scripts/Harbour-Story-001.html"].broken = "500"
    report = crawl(corpus=tmp_path, options=fast(site, retries=0), refresh=True)
    assert report.counts == {"ok": 2}
    assert snapshot(tmp_path) == before


def test_rate_limit_and_parallelism_are_bounded(make_site, tmp_path):
    site = make_site(plain_films(6), delay_s=0.03)
    crawl(corpus=tmp_path, options=fast(site, rate_limit=25, workers=3))
    times = sorted(h.at for h in site.hits)
    assert len(times) == 14
    assert times[-1] - times[0] >= 13 / 25 * 0.9
    assert site.max_inflight <= 3

    site.clear_hits()
    crawl(corpus=tmp_path / "b", options=fast(site, workers=3))
    assert 2 <= site.max_inflight <= 3


def test_robots_txt_rules(make_site, tmp_path):
    site = make_site([], robots="User-agent: *\nCrawl-delay: 2\nDisallow: /scripts/\n")
    with Client(fast(site)) as client:
        assert not client.allowed(site.base_url + "/scripts/X.html")
        assert client.allowed(site.base_url + "/all-scripts.html")
        assert client.limiter.interval == 2
        with pytest.raises(FetchError, match="robots.txt"):
            client.get(site.base_url + "/scripts/X.html")
    no_robots = make_site([], robots=None)
    with Client(fast(no_robots)) as client:
        assert client.allowed(no_robots.base_url + "/scripts/X.html")
    broken = make_site(plain_films(1))
    broken.routes[b"/robots.txt"].broken = "500"
    with pytest.raises(FetchError, match="robots.txt could not be read"):
        crawl(corpus=tmp_path, options=fast(broken, retries=0))
    assert not [h for h in broken.hits if h.path != "/robots.txt"]


def test_a_second_writer_is_refused(make_site, tmp_path):
    site = make_site(plain_films(1))
    with CorpusStore(tmp_path).lock(), pytest.raises(OutputError, match="another scenescore"):
        crawl(corpus=tmp_path, options=fast(site))


def test_genre_since_and_limit_select_films(make_site, tmp_path):
    site = make_site(plain_films(9))
    report = crawl(corpus=tmp_path, options=fast(site), genre="horror")
    assert report.selected == 3
    assert {r.genres[0] for r in CorpusStore(tmp_path).load_records().values()} == {"Horror"}
    assert crawl(corpus=tmp_path / "s", options=fast(site), since="1996-06").selected == 3
    assert crawl(corpus=tmp_path / "l", options=fast(site), limit=2).selected == 2
    with pytest.raises(OptionsError, match="known genres"):
        crawl(corpus=tmp_path, options=fast(site), genre="Opera")
    with pytest.raises(OptionsError, match="YYYY"):
        crawl(corpus=tmp_path, options=fast(site), since="last week")


def test_fetch_one_film_by_title_or_url(make_site, tmp_path):
    site = make_site(plain_films(3) + [RECOVERABLE["Salt & Pepper"], FakeFilm("Unlisted", listed=False)])
    record = fetch_film("salt & PEPPER", corpus=tmp_path, options=fast(site))
    assert record.status == "ok" and record.slug == "salt-and-pepper"
    site.clear_hits()
    assert fetch_film("Salt & Pepper", corpus=tmp_path, options=fast(site)).status == "ok"
    assert site.hits == []  # finished films are not fetched again

    by_url = fetch_film(site.base_url + "/Movie Scripts/Unlisted Script.html", corpus=tmp_path,
                        options=fast(site))
    assert by_url.title == "Unlisted" and by_url.status == "ok"
    direct = fetch_film(site.base_url + "/scripts/Harbour-Story-002.html", corpus=tmp_path / "d",
                        options=fast(site))
    assert direct.status == "ok" and direct.movie_url is None
    with pytest.raises(InputError, match="did you mean 'Harbour Story 001'"):
        fetch_film("Harbor Story 001", corpus=tmp_path, options=fast(site))
    manifest = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    assert [row["title"] for row in manifest] == ["Salt & Pepper", "Unlisted"]


def test_list_reads_index_and_genre_pages(make_site, tmp_path):
    site = make_site(plain_films(4) + [RECOVERABLE["Café Noir"]])
    films = list_films(options=fast(site), with_genres=True, corpus=tmp_path)
    by_title = {f.title: f for f in films}
    assert len(films) == 5
    assert by_title["Café Noir"].genres == ("Drama", "Romance")
    assert by_title["Café Noir"].script_date == "1999-11"
    assert by_title["Harbour Story 003"].writers == ("Ada Quill",)
    fetch_film("Harbour Story 003", corpus=tmp_path, options=fast(site))
    frame = films_frame(films, corpus=tmp_path)
    row = frame[frame.title == "Harbour Story 003"].iloc[0]
    assert row.status == "ok" and row.script_url.endswith("/scripts/Harbour-Story-003.html")


def test_partial_files_of_a_killed_writer_are_reported_then_removed(make_site, tmp_path):
    site = make_site(plain_films(2))
    crawl(corpus=tmp_path, options=fast(site))
    before = snapshot(tmp_path)
    leftovers = [tmp_path / "films/harbour-story-000/.script.html.x1.part",
                 tmp_path / "pages/.abc.html.x2.part", tmp_path / ".manifest.jsonl.x3.part"]
    for path in leftovers:
        path.write_bytes(b"half a file")
    assert len([p for p in verify_corpus(tmp_path) if "partial file" in p]) == 3
    crawl(corpus=tmp_path, options=fast(site))
    assert not list(tmp_path.rglob("*.part"))
    assert snapshot(tmp_path) == before
