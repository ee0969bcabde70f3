"""IMSDB page parsing, URLs, dates, slugs and records (no network)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenescore.corpus.imsdb import (
    date_reaches,
    encode_url,
    parse_date,
    parse_index,
    parse_movie_page,
    title_from_url,
)
from scenescore.corpus.options import CrawlOptions
from scenescore.corpus.store import CorpusStore, FilmRecord, assign_slugs, base_slug
from scenescore.errors import OptionsError, OutputError

BASE = "https://imsdb.example"
INDEX = b"""<html><head><meta charset="iso-8859-1"></head><body><table><tr><td valign="top">
<h1>All Movie Scripts on IMSDb (A-Z)</h1>
<p><a href="/Movie Scripts/Ghost Orchard Script.html" title="Ghost Orchard Script">Ghost Orchard</a> (1997-01)<br><i>Written by Ada Quill,Rui Ferro</i><br></p>
<p><a href="/Movie Scripts/Salt &amp; Pepper Script.html" title="Salt &amp; Pepper Script">Salt &amp; Pepper</a> (Undated Draft)<br><i>Written by Nell Brooks</i><br></p>
<p><a href="/Movie Scripts/Keeper's Lamp, The Script.html" title="Keeper's Lamp, The Script">Keeper's Lamp, The</a><br></p>
<p><a href="/Movie Scripts/Caf\xe9 Noir Script.html" title="Caf\xe9 Noir Script">Caf\xe9 Noir</a> (2003-06-01)<br><i>Written by Zo\xeb Marr</i><br></p>
<p><a href="/Movie Scripts/Ghost Orchard Script.html">Ghost Orchard</a> (1997-01)<br></p>
<a href="/genre/Drama">Drama</a>
</td></tr></table></body></html>"""

MOVIE = b"""<html><head><title>Ghost Orchard Script at IMSDb.</title></head><body>
<table><tr><td valign="top"><a href="/genre/Action">Action</a><br><a href="/genre/Horror">Horror</a>
<a href="/scripts/Sidebar-Film.html">Sidebar</a></td>
<td><table class="script-details"><tr><td>
<h1>Ghost Orchard Script</h1>
<b>Writers</b> : <a href="/writer.php?w=Ada Quill" title="Scripts by Ada Quill">Ada Quill</a>&nbsp;<a href="/writer.php?w=Rui Ferro" title="Scripts by Rui Ferro">Rui Ferro</a><br>
<b>Genres</b> : <a href="/genre/Drama" title="Drama Scripts">Drama</a>&nbsp;<a href="/genre/Sci-Fi" title="Sci-Fi Scripts">Sci-Fi</a><br>
<b>Script Date</b> : January 1997<br>
<a href="/scripts/Ghost-Orchard.html">Read "Ghost Orchard" Script</a>
</td></tr></table></td></tr></table></body></html>"""


def test_index_entries_give_title_urls_date_and_writers():
    films = parse_index(INDEX, BASE + "/all-scripts.html")
    assert [f.title for f in films] == ["Ghost Orchard", "Salt & Pepper", "Keeper's Lamp, The", "Café Noir"]
    ghost, salt, keeper, cafe = films
    assert ghost.movie_url == BASE + "/Movie%20Scripts/Ghost%20Orchard%20Script.html"
    assert ghost.script_date == "1997-01" and ghost.writers == ("Ada Quill", "Rui Ferro")
    assert salt.movie_url == BASE + "/Movie%20Scripts/Salt%20&%20Pepper%20Script.html"
    assert salt.script_date is None and salt.writers == ("Nell Brooks",)
    assert keeper.movie_url == BASE + "/Movie%20Scripts/Keeper's%20Lamp,%20The%20Script.html"
    assert keeper.writers == ()
    assert cafe.movie_url == BASE + "/Movie%20Scripts/Caf%C3%A9%20Noir%20Script.html"
    assert cafe.writers == ("Zoë Marr",) and cafe.script_date == "2003-06-01"


def test_movie_page_gives_script_link_writers_genres_and_date_not_the_sidebar():
    page = parse_movie_page(MOVIE, BASE + "/Movie%20Scripts/Ghost%20Orchard%20Script.html")
    assert page.script_url == BASE + "/scripts/Ghost-Orchard.html" and page.pdf_url is None
    assert page.writers == ("Ada Quill", "Rui Ferro")
    assert page.genres == ("Drama", "Sci-Fi")
    assert page.script_date == "1997-01"


def test_movie_page_with_a_pdf_or_no_script():
    pdf = MOVIE.replace(b"/scripts/Ghost-Orchard.html", b"/scripts/Ghost-Orchard.pdf")
    page = parse_movie_page(pdf, BASE + "/m")
    assert page.script_url is None and page.pdf_url == BASE + "/scripts/Ghost-Orchard.pdf"
    stub = re.sub(rb"<a href=\"/scripts/Ghost-Orchard.html\">.*?</a>", b"", MOVIE)
    assert parse_movie_page(stub, BASE + "/m").script_url is None


@pytest.mark.parametrize(("text", "iso"), [
    ("1997-01", "1997-01"), ("2003-06-01", "2003-06-01"), ("October 1978", "1978-10"),
    ("January 25, 2002", "2002-01-25"), ("Undated Draft", None), ("", None), (None, None),
    ("Revised draft, March 3 1999", "1999-03-03"),
])
def test_dates(text, iso):
    assert parse_date(text) == iso


def test_since_counts_partial_dates_as_their_last_day():
    assert date_reaches("2001", "2001-06")
    assert date_reaches("2001-06", "2001-06-30")
    assert not date_reaches("2001-05", "2001-06")
    assert date_reaches("2002-01-02", "2002")
    assert not date_reaches(None, "1900")


@pytest.mark.parametrize(("url", "encoded"), [
    ("http://H/Movie Scripts/A B Script.html", "http://h/Movie%20Scripts/A%20B%20Script.html"),
    ("http://h/scripts/Salt-&-Pepper.html", "http://h/scripts/Salt-&-Pepper.html"),
    ("http://h/scripts/Keeper's-Lamp.html", "http://h/scripts/Keeper's-Lamp.html"),
    ("http://h/scripts/Café.html", "http://h/scripts/Caf%C3%A9.html"),
    ("http://h/scripts/100% Love.html", "http://h/scripts/100%25%20Love.html"),
    ("http://h/scripts/..%2F..%2Fetc.html", "http://h/scripts/..%2F..%2Fetc.html"),
    ("http://h", "http://h/"),
])
def test_urls_are_encoded_once(url, encoded):
    assert encode_url(url) == encoded
    assert encode_url(encoded) == encoded


def test_titles_from_urls():
    assert title_from_url(BASE + "/Movie%20Scripts/Ghost%20Orchard%20Script.html") == "Ghost Orchard"
    assert title_from_url(BASE + "/scripts/Ghost-Orchard.html") == "Ghost Orchard"


@pytest.mark.parametrize(("title", "slug"), [
    ("../../etc", "etc"), ("Salt & Pepper", "salt-and-pepper"), ("Keeper's Lamp, The", "keepers-lamp-the"),
    ("Café Noir", "cafe-noir"), ("CON", "con-"), ("東京物語", "film-"), ("...", "film-"),
])
def test_slugs_are_safe_file_names(title, slug):
    got = assign_slugs([title], {})[title]
    assert got == slug or (slug.endswith("-") and got.startswith(slug) and len(got) == len(slug) + 8)


_TITLE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=120)
SAFE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")


@settings(max_examples=200, deadline=None)
@given(st.lists(_TITLE, max_size=12), st.randoms(use_true_random=False))
def test_slugs_are_safe_unique_and_independent_of_order(titles, rng):
    slugs = assign_slugs(titles, {})
    assert set(slugs) == set(titles)
    assert len(set(slugs.values())) == len(slugs)
    for slug in slugs.values():
        assert SAFE.fullmatch(slug) and ".." not in slug and "/" not in slug
    shuffled = list(titles)
    rng.shuffle(shuffled)
    assert assign_slugs(shuffled, {}) == slugs


def test_known_slugs_are_kept_and_not_reused():
    known = {"Alien": "alien"}
    slugs = assign_slugs(["ALIEN", "Alien", "Aliens"], known)
    assert slugs["Alien"] == "alien" and slugs["Aliens"] == "aliens"
    assert slugs["ALIEN"].startswith("alien-") and len(slugs["ALIEN"]) == len("alien-") + 8
    assert base_slug("x" * 300) == "x" * 80


def test_record_round_trip_and_unsafe_slugs(tmp_path):
    record = FilmRecord(title="Café", slug="cafe", status="ok", genres=["Drama"],
                        pages={"script": {"requested": "u", "url": "u", "etag": '"1"', "last_modified": None}})
    assert FilmRecord.from_json(record.to_json()) == record
    store = CorpusStore(tmp_path)
    for bad in ("../etc", "a/b", "", ".hidden", "x" * 120):
        with pytest.raises(OutputError):
            store.film_dir(bad)


def test_options_are_checked():
    with pytest.raises(OptionsError, match="base_url"):
        CrawlOptions(base_url="imsdb.com")
    with pytest.raises(OptionsError, match="rate_limit"):
        CrawlOptions(rate_limit=-1)
    with pytest.raises(OptionsError, match="workers"):
        CrawlOptions(workers=0)
    assert CrawlOptions(base_url="http://127.0.0.1:8/").site == "http://127.0.0.1:8"
