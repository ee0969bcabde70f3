"""A local corpus of screenplays from IMSDB: list, fetch one film, crawl many.

``scenescore corpus list|fetch|crawl`` is the command line over these functions. The names
below are imported lazily, so ``import scenescore.corpus`` does not import requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

_LAZY = {
    "CrawlOptions": "scenescore.corpus.options",
    "IMSDB_URL": "scenescore.corpus.options",
    "crawl": "scenescore.corpus.crawler",
    "fetch_film": "scenescore.corpus.crawler",
    "list_films": "scenescore.corpus.crawler",
    "films_frame": "scenescore.corpus.crawler",
    "read_manifest": "scenescore.corpus.crawler",
    "verify_corpus": "scenescore.corpus.crawler",
    "CrawlProgress": "scenescore.corpus.crawler",
    "CrawlReport": "scenescore.corpus.crawler",
    "CorpusStore": "scenescore.corpus.store",
    "FilmRecord": "scenescore.corpus.store",
    "default_corpus_dir": "scenescore.corpus.store",
    "MANIFEST_COLUMNS": "scenescore.corpus.store",
    "STATUSES": "scenescore.corpus.store",
    "FetchError": "scenescore.corpus.client",
    "FilmRef": "scenescore.corpus.imsdb",
}

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.corpus.client import FetchError
    from scenescore.corpus.crawler import (
        CrawlProgress,
        CrawlReport,
        crawl,
        fetch_film,
        films_frame,
        list_films,
        read_manifest,
        verify_corpus,
    )
    from scenescore.corpus.imsdb import FilmRef
    from scenescore.corpus.options import IMSDB_URL, CrawlOptions
    from scenescore.corpus.store import (
        MANIFEST_COLUMNS,
        STATUSES,
        CorpusStore,
        FilmRecord,
        default_corpus_dir,
    )


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'scenescore.corpus' has no attribute {name!r}")


__all__ = [
    "CrawlOptions",
    "IMSDB_URL",
    "crawl",
    "fetch_film",
    "list_films",
    "films_frame",
    "read_manifest",
    "verify_corpus",
    "CrawlProgress",
    "CrawlReport",
    "CorpusStore",
    "FilmRecord",
    "default_corpus_dir",
    "MANIFEST_COLUMNS",
    "STATUSES",
    "FetchError",
    "FilmRef",
]
