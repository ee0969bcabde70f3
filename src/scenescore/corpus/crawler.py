"""List, fetch and crawl IMSDB into a local corpus store.

A crawl reads the index (or a genre page), skips films the store already finished, and
fetches the rest with a few workers behind one rate limit. Each film ends in the store with
a status (see :data:`scenescore.corpus.store.STATUSES`); a failed film is tried again by the
next crawl, a finished one only with ``refresh`` (and then conditionally: an unchanged page
costs a 304 and writes nothing).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scenescore.corpus.client import Client, FetchError, Page, Validators
from scenescore.corpus.imsdb import (
    FilmRef,
    date_reaches,
    encode_url,
    extract_script,
    is_movie_page_url,
    parse_index,
    parse_movie_page,
    title_from_url,
)
from scenescore.corpus.options import CrawlOptions
from scenescore.corpus.store import (
    MANIFEST_COLUMNS,
    MOVIE_PAGE,
    SCRIPT_PAGE,
    CorpusStore,
    FilmRecord,
    assign_slugs,
    sha256_hex,
    utc_now,
)
from scenescore.errors import InputError, OptionsError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

log = logging.getLogger(__name__)

INDEX_PATH = "/all-scripts.html"


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """One film done (``skipped``: it was already finished in the store)."""

    done: int
    total: int
    title: str
    status: str
    skipped: bool = False


@dataclass(slots=True)
class CrawlReport:
    """What a crawl did. ``failed`` lists ``(title, reason)``."""

    corpus: Path
    selected: int = 0
    skipped: int = 0
    fetched: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0
    elapsed_s: float = 0.0


ProgressCallback = Callable[[CrawlProgress], None]


# -- listing ---------------------------------------------------------------------------------


def _genre_url(options: CrawlOptions, genre: str) -> str:
    return encode_url(f"{options.site}/genre/{genre}")


def _canonical_genre(options: CrawlOptions, genre: str) -> str:
    for known in options.genres:
        if known.lower() == genre.strip().lower():
            return known
    return genre.strip()


def _read_index(client: Client) -> list[FilmRef]:
    url = encode_url(client.options.site + INDEX_PATH)
    films = parse_index(client.get_cached(url), url)
    if not films:
        raise InputError(url, "no films found on the index page (is base_url an IMSDB site?)")
    return films


def _read_genre(client: Client, genre: str) -> list[FilmRef]:
    genre = _canonical_genre(client.options, genre)
    url = _genre_url(client.options, genre)
    try:
        return parse_index(client.get_cached(url), url)
    except FetchError as exc:
        if exc.status == 404:
            raise OptionsError(f"no genre page for {genre!r} ({url}); known genres: "
                               + ", ".join(client.options.genres)) from None
        raise


def _listing(client: Client, *, genre: str | None, with_genres: bool) -> list[FilmRef]:
    films = _read_index(client)
    genres_of: dict[str, list[str]] = {}
    names = [genre] if genre else (list(client.options.genres) if with_genres else [])
    members: set[str] | None = None
    for name in names:
        try:
            listed = _read_genre(client, name)
        except (OptionsError, FetchError) as exc:
            if genre:
                raise
            log.warning("genre %s skipped: %s", name, exc)
            continue
        canonical = _canonical_genre(client.options, name)
        for ref in listed:
            genres_of.setdefault(ref.movie_url or ref.title, []).append(canonical)
        if genre:
            members = {ref.movie_url or ref.title for ref in listed}
            known = {ref.movie_url for ref in films}
            films.extend(ref for ref in listed if ref.movie_url not in known)
    if members is not None:
        films = [ref for ref in films if (ref.movie_url or ref.title) in members]
    if genres_of:
        films = [replace(ref, genres=tuple(genres_of.get(ref.movie_url or ref.title, ())))
                 for ref in films]
    return films


def list_films(*, options: CrawlOptions | None = None, genre: str | None = None,
               with_genres: bool = False, corpus: str | os.PathLike[str] | None = None,
               use_cache: bool = True) -> list[FilmRef]:
    """The films IMSDB lists (in one genre, or all), with writers, dates and genres.

    ``with_genres`` reads every genre page to fill ``genres`` (one request each). With a
    corpus, the pages are revalidated against the copies kept there.
    """
    options = options if options is not None else CrawlOptions()
    store = CorpusStore(corpus if corpus is not None else options.corpus_dir) if use_cache else None
    with Client(options, cache=store) as client:
        return _listing(client, genre=genre, with_genres=with_genres)


def films_frame(films: list[FilmRef], *, corpus: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """A listing as a table; ``script_url`` and ``status`` come from the store when known."""
    import pandas as pd

    records = CorpusStore(corpus).load_records() if corpus is not None else {}
    rows = []
    for ref in films:
        record = records.get(ref.title)
        rows.append({
            "title": ref.title, "movie_url": ref.movie_url,
            "script_url": record.script_url if record else ref.script_url,
            "genres": list(ref.genres or (record.genres if record else [])),
            "writers": list(ref.writers), "script_date": ref.script_date,
            "status": record.status if record else None,
        })
    return pd.DataFrame(rows, columns=["title", "movie_url", "script_url", "genres", "writers",
                                       "script_date", "status"])


# -- one film --------------------------------------------------------------------------------


def _get(client: Client, store: CorpusStore, prior: FilmRecord | None, key: str, name: str,
         url: str, refresh: bool) -> tuple[Page, bytes]:
    """Fetch one of a film's pages; on refresh, conditionally at the address it was found at
    (after redirects) when the store holds a copy of it."""
    url = encode_url(url)
    if refresh and prior is not None:
        known = prior.pages.get(key) or {}
        stored = store.read_file(prior.slug, name)
        if stored is not None and known.get("requested") == url and known.get("url"):
            validators = Validators(etag=known.get("etag"), last_modified=known.get("last_modified"))
            try:
                page = client.get(str(known["url"]), validators=validators)
            except FetchError as exc:
                log.info("%s: %s; asking %s again", prior.title, exc.reason, url)
            else:
                if page.not_modified:
                    return page, stored
                if page.body is not None:
                    return page, page.body
    page = client.get(url)
    if page.body is None:  # pragma: no cover - only a conditional request gets a 304
        raise FetchError(url, "HTTP 304 to a request that was not conditional")
    return page, page.body


def _page_info(page: Page, requested: str) -> dict[str, str | None]:
    return {"requested": encode_url(requested), "url": page.url, **page.validators.to_dict()}


def fetch_into_store(client: Client, store: CorpusStore, ref: FilmRef, slug: str,
                     prior: FilmRecord | None, *, refresh: bool = False) -> tuple[FilmRecord, bool]:
    """Fetch one film and record it; return the record and whether the store changed.

    Never raises for a film's own trouble: a failure is recorded (``failed`` + reason). A
    finished film whose refresh fails keeps its stored copy.
    """
    record = FilmRecord(title=ref.title, slug=slug, movie_url=ref.movie_url,
                        genres=list(ref.genres), writers=list(ref.writers),
                        script_date=ref.script_date)
    movie_bytes = script_bytes = None
    text = None
    try:
        script_url = ref.script_url
        if ref.movie_url is not None:
            page, movie_bytes = _get(client, store, prior, "movie", MOVIE_PAGE, ref.movie_url,
                                     refresh)
            record.pages["movie"] = _page_info(page, ref.movie_url)
            info = parse_movie_page(movie_bytes, page.url)
            record.genres = list(dict.fromkeys([*ref.genres, *info.genres]))
            record.writers = list(ref.writers or info.writers)
            record.script_date = ref.script_date or info.script_date
            script_url = info.script_url
            if script_url is None:
                record.http_status = 200
                if info.pdf_url:
                    record.status, record.script_url = "pdf_only", info.pdf_url
                    record.error = "IMSDB has this script only as a PDF"
                else:
                    record.status, record.error = "no_script", "movie page has no script link"
        if script_url is not None:
            page, script_bytes = _get(client, store, prior, "script", SCRIPT_PAGE, script_url,
                                      refresh)
            record.pages["script"] = _page_info(page, script_url)
            record.script_url, record.http_status = page.url, 200
            record.sha256, record.bytes = sha256_hex(script_bytes), len(script_bytes)
            try:
                text = extract_script(script_bytes, source=page.url)
            except InputError as exc:
                record.status, record.error = "no_script", f"script page holds no script: {exc.problem}"
            else:
                record.status = "ok"
    except FetchError as exc:
        record.status, record.error, record.http_status = "failed", exc.reason, exc.status
        record.sha256 = record.bytes = None
        record.pages = {}
        if prior is not None and store.is_complete(prior):
            log.warning("%s: refresh failed (%s); keeping the stored copy", ref.title, exc.reason)
            return prior, False
        log.info("%s: failed: %s", ref.title, exc)  # the report and the manifest list it
        movie_bytes = script_bytes = None
    if prior is not None and record.same_content(prior):
        record = prior  # nothing changed: keep when it was fetched, write nothing
    else:
        record.fetched_at = utc_now()
    changed = store.save_film(record, movie=movie_bytes, script=script_bytes, text=text)
    return record, changed


# -- public entry points ---------------------------------------------------------------------


def _select(client: Client, *, genre: str | None, since: str | None,
            limit: int | None) -> list[FilmRef]:
    films = _listing(client, genre=genre, with_genres=False)
    if since:
        films = [ref for ref in films if date_reaches(ref.script_date, since)]
    seen: set[str] = set()
    unique = []
    for ref in films:
        if ref.title not in seen:
            seen.add(ref.title)
            unique.append(ref)
    return unique[:limit] if limit is not None else unique


def _check_since(since: str | None) -> None:
    import re

    if since and not re.fullmatch(r"\d{4}(-\d{1,2}(-\d{1,2})?)?", since):
        raise OptionsError(f"--since takes a date as YYYY, YYYY-MM or YYYY-MM-DD, got {since!r}")


def crawl(*, corpus: str | os.PathLike[str] | None = None, options: CrawlOptions | None = None,
          genre: str | None = None, limit: int | None = None, since: str | None = None,
          refresh: bool = False, progress: ProgressCallback | None = None) -> CrawlReport:
    """Fetch every listed film (or a genre's, those dated ``since``, the first ``limit``)."""
    options = options if options is not None else CrawlOptions()
    _check_since(since)
    if limit is not None and limit < 0:
        raise OptionsError(f"limit must not be negative, got {limit}")
    store = CorpusStore(corpus if corpus is not None else options.corpus_dir)
    report = CrawlReport(corpus=store.root)
    started = time.monotonic()
    with store.lock(), Client(options, cache=store) as client:
        store.remove_partials()
        films = _select(client, genre=genre, since=since, limit=limit)
        records = store.load_records()
        slugs = assign_slugs([ref.title for ref in films],
                             {title: r.slug for title, r in records.items()})
        report.selected = len(films)
        todo = []
        done = 0
        for ref in films:
            if not refresh and store.is_complete(records.get(ref.title)):
                done += 1
                report.skipped += 1
                status = records[ref.title].status
                report.counts[status] = report.counts.get(status, 0) + 1
                if progress:
                    progress(CrawlProgress(done, len(films), ref.title, status, skipped=True))
            else:
                todo.append(ref)
        since_manifest = 0
        pool = ThreadPoolExecutor(max_workers=options.workers, thread_name_prefix="scenescore-crawl")
        try:
            pending: set[Future] = set()
            queue = iter(todo)
            refs: dict[Future, FilmRef] = {}

            def submit_next() -> bool:
                ref = next(queue, None)
                if ref is None:
                    return False
                fut = pool.submit(fetch_into_store, client, store, ref, slugs[ref.title],
                                  records.get(ref.title), refresh=refresh)
                refs[fut] = ref
                pending.add(fut)
                return True

            # Keep only a few films in flight, so an interrupt leaves little half done.
            for _ in range(options.workers * 2):
                if not submit_next():
                    break
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    pending.discard(fut)
                    ref = refs.pop(fut)
                    record, changed = fut.result()
                    records[ref.title] = record
                    done += 1
                    report.counts[record.status] = report.counts.get(record.status, 0) + 1
                    if record.status == "failed":
                        report.failed.append((record.title, record.error or ""))
                    elif changed:
                        report.fetched += 1
                    else:
                        report.unchanged += 1
                    since_manifest += 1
                    if since_manifest >= options.manifest_every:
                        store.write_manifest(records.values())
                        since_manifest = 0
                    if progress:
                        progress(CrawlProgress(done, len(films), ref.title, record.status))
                    submit_next()
        except BaseException:
            client.cancel()  # in-flight films stop at their next request; none is recorded
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            store.rebuild_manifest()  # from disk: also films that finished while stopping
            report.requests = client.requests_sent
            report.elapsed_s = time.monotonic() - started
    return report


def _find(films: list[FilmRef], target: str) -> FilmRef | None:
    def norm(title: str) -> str:
        import re

        title = " ".join(title.casefold().split())
        moved = re.fullmatch(r"(.+), (the|a|an)", title)
        return f"{moved.group(2)} {moved.group(1)}" if moved else title

    wanted = norm(target)
    return next((ref for ref in films if norm(ref.title) == wanted), None)


def fetch_film(target: str, *, corpus: str | os.PathLike[str] | None = None,
               options: CrawlOptions | None = None, refresh: bool = False) -> FilmRecord:
    """Fetch one film by title (as IMSDB lists it) or by movie-page or script-page URL.

    A film already finished in the store is returned without a request unless ``refresh``.
    Raises :class:`~scenescore.errors.InputError` for a title IMSDB does not list.
    """
    import difflib

    options = options if options is not None else CrawlOptions()
    store = CorpusStore(corpus if corpus is not None else options.corpus_dir)
    with store.lock(), Client(options, cache=store) as client:
        store.remove_partials()
        records = store.load_records()
        is_url = target.lower().startswith(("http://", "https://"))
        if not is_url:
            known = _find([FilmRef(title=t, movie_url=None) for t in records], target)
            if known and not refresh and store.is_complete(records[known.title]):
                return records[known.title]
        films = _read_index(client)
        if is_url:
            url = encode_url(target)
            ref = next((r for r in films if r.movie_url == url), None)
            if ref is None:
                title = title_from_url(url)
                ref = (FilmRef(title=title, movie_url=url) if is_movie_page_url(url)
                       else FilmRef(title=title, movie_url=None, script_url=url))
        else:
            ref = _find(films, target)
            if ref is None:
                close = difflib.get_close_matches(target, [r.title for r in films], n=3)
                hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                raise InputError(target, f"no such title in the IMSDB index{hint}")
        prior = records.get(ref.title)
        if prior is not None and not refresh and store.is_complete(prior):
            return prior
        slug = assign_slugs([ref.title], {t: r.slug for t, r in records.items()})[ref.title]
        record, _ = fetch_into_store(client, store, ref, slug, prior, refresh=refresh)
        records[record.title] = record
        store.write_manifest(records.values())
        return record


def read_manifest(corpus: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The corpus manifest as pandas (``MANIFEST_COLUMNS``; empty table for a new corpus)."""
    import json

    import pandas as pd

    store = CorpusStore(corpus)
    rows = []
    if store.manifest_path.exists():
        for line in store.manifest_path.read_text("utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS))


def verify_corpus(corpus: str | os.PathLike[str] | None = None) -> list[str]:
    """Problems found in a corpus store (empty when every file matches its record)."""
    return CorpusStore(corpus).verify()
