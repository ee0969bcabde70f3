"""What a script argument means, the same for ``score`` and ``batch``: a file, or an IMSDB title
fetched into the corpus store, whose script *page* (``script.html``, the bytes IMSDB served) is
the input. The page rather than the extracted ``script.txt``: the IMSDB reader keeps what the
page's markup says (``<b>`` marks headings and character cues), and the page is what the corpus
record's sha256 vouches for.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from scenescore.errors import InputError
from scenescore.pipeline.engine import slugify


def corpus_script_path(store: Any, slug: str) -> Path:
    """The input file of a fetched film in a corpus store."""
    from scenescore.corpus.store import SCRIPT_PAGE

    return store.film_dir(slug) / SCRIPT_PAGE


def fetch_script(title: str, *, corpus: str | os.PathLike[str] | None = None,
                 crawl: Any = None) -> tuple[Any, Path]:
    """An IMSDB title fetched (or found) in the corpus store: its record and its input file."""
    from scenescore.corpus import fetch_film
    from scenescore.corpus.store import CorpusStore

    record = fetch_film(title, corpus=corpus, options=crawl)
    if record.status != "ok":
        raise InputError(title, f"IMSDB has no script for it ({record.status}"
                                f"{': ' + record.error if record.error else ''})")
    store = CorpusStore(corpus if corpus is not None else getattr(crawl, "corpus_dir", None))
    path = corpus_script_path(store, record.slug)
    if not path.is_file():
        raise InputError(title, "the corpus store lost the script page; fetch it again with --refresh")
    return record, path


def resolve_input(script: str | os.PathLike[str], *, corpus: str | None = None,
                  max_bytes: int | None = None, crawl: Any = None) -> tuple[str, bytes, str]:
    """A path, or an IMSDB title fetched into the corpus store: (source, bytes, film name)."""
    from scenescore.io import read_input_bytes
    from scenescore.options import IngestOptions

    limit = max_bytes or IngestOptions().max_bytes
    path = Path(script)
    if path.exists():
        return str(path), read_input_bytes(path, max_bytes=limit), slugify(path.stem)
    text = str(script)
    if re.search(r"[\\/]|\.(fountain|fdx|html?|txt|pdf)$", text, re.I):
        raise InputError(text, "no such file")
    record, page_path = fetch_script(text, corpus=corpus, crawl=crawl)
    size = page_path.stat().st_size
    if size > limit:
        raise InputError(text, f"script page is {size:,} bytes, over the {limit:,}-byte limit")
    return f"imsdb:{record.title}", read_input_bytes(page_path, max_bytes=limit), slugify(record.title)
