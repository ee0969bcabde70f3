"""The local corpus: one folder per film and a manifest table over them.

```
<corpus>/
  manifest.jsonl            one row per film (MANIFEST_COLUMNS); pandas opens it
  films/<slug>/film.json    the film's record: the manifest row + validators per URL
  films/<slug>/movie.html   the movie page as fetched (bytes)
  films/<slug>/script.html  the script page as fetched (bytes)
  films/<slug>/script.txt   the script text extracted from it (UTF-8)
  pages/<key>.html|.json    index pages and robots.txt with their validators
  .lock                     held while a crawl writes
```

Every file is written atomically (temporary file, fsync, rename) and only when its bytes
change, so an unchanged re-crawl touches nothing. A film's ``film.json`` is written last:
until it exists the film is not done, and a killed crawl fetches it again. The manifest is
rebuilt from the ``film.json`` files, so it can never disagree with them for long.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from scenescore.corpus.client import Validators
from scenescore.errors import OutputError
from scenescore.io import atomic_write_bytes

log = logging.getLogger(__name__)

#: Manifest columns, in order (also the fields of :class:`FilmRecord` that pandas sees).
MANIFEST_COLUMNS: tuple[str, ...] = (
    "title", "slug", "status", "error", "movie_url", "script_url", "genres", "writers",
    "script_date", "fetched_at", "http_status", "sha256", "bytes",
)
#: ``ok``: script fetched; ``no_script``: IMSDB has no script for the film (stub page);
#: ``pdf_only``: the script is only a PDF link; ``failed``: see ``error``, retried next crawl.
STATUSES: tuple[str, ...] = ("ok", "no_script", "pdf_only", "failed")
FINISHED: frozenset[str] = frozenset({"ok", "no_script", "pdf_only"})

MANIFEST = "manifest.jsonl"
FILMS = "films"
PAGES = "pages"
RECORD = "film.json"
MOVIE_PAGE = "movie.html"
SCRIPT_PAGE = "script.html"
SCRIPT_TEXT = "script.txt"
_MAX_SLUG = 80
_SAFE_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                       *(f"lpt{i}" for i in range(10))})


def default_corpus_dir() -> Path:
    """``<user data dir>/scenescore/corpus`` (``platformdirs``), e.g. ``~/.local/share/...``."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("scenescore")) / "corpus"


def base_slug(title: str) -> str:
    """A title as a safe, readable file name: lower-case ASCII letters, digits and ``-``.

    ``../../etc`` → ``etc``; ``Salt & Pepper`` → ``salt-and-pepper``; may be empty.
    """
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    text = text.lower().replace("&", " and ").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:_MAX_SLUG].rstrip("-")


def title_hash(title: str) -> str:
    return hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]


def assign_slugs(titles: Iterable[str], known: dict[str, str]) -> dict[str, str]:
    """Slugs for ``titles``: a film keeps the slug it has (``known``: title → slug).

    A new title gets its :func:`base_slug`, or the base plus a hash of the title when the
    base is empty, reserved, or shared with any other title here or in ``known``; the rule
    does not depend on the order titles come in, so a resumed crawl names films the same.
    """
    titles = list(dict.fromkeys(titles))
    taken = {slug: title for title, slug in known.items()}
    groups: dict[str, list[str]] = {}
    for title in titles:
        if title not in known:
            groups.setdefault(base_slug(title), []).append(title)
    out = {t: known[t] for t in titles if t in known}
    for base, members in groups.items():
        clash = not base or base in _RESERVED or len(members) > 1 or base in taken
        for title in members:
            out[title] = f"{base or 'film'}-{title_hash(title)}" if clash else base
    return out


def utc_now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(slots=True)
class FilmRecord:
    """One film in the store: a manifest row plus what a later conditional request needs."""

    title: str
    slug: str
    status: str = "failed"
    error: str | None = None
    movie_url: str | None = None
    script_url: str | None = None
    genres: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    script_date: str | None = None
    fetched_at: str | None = None
    http_status: int | None = None
    sha256: str | None = None
    bytes: int | None = None
    #: ``movie`` / ``script`` → {"requested": URL asked for, "url": URL answered (after
    #: redirects), "etag": ..., "last_modified": ...}: what a conditional re-request needs.
    pages: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in MANIFEST_COLUMNS}

    def to_json(self) -> bytes:
        return (json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=False)
                + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> FilmRecord:
        raw = json.loads(data)
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})

    def same_content(self, other: FilmRecord | None) -> bool:
        """Equal but for when it was fetched."""
        if other is None:
            return False
        mine, theirs = asdict(self), asdict(other)
        mine.pop("fetched_at")
        theirs.pop("fetched_at")
        return mine == theirs


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CorpusStore:
    """A corpus folder. Only one process writes at a time (:meth:`lock`)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else default_corpus_dir()
        if self.root.exists() and not self.root.is_dir():
            raise OutputError(f"{self.root}: is a file, expected a corpus folder")
        self.films_dir = self.root / FILMS
        self.pages_dir = self.root / PAGES
        self.manifest_path = self.root / MANIFEST

    # -- locking and housekeeping ---------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the corpus for writing; a second crawl on the same folder is refused."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.root}: cannot create the corpus folder "
                              f"({exc.strerror or exc})") from None
        path = self.root / ".lock"
        with open(path, "a+b") as handle:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - Windows: no advisory lock
                yield
                return
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise OutputError(f"{self.root}: another scenescore process is writing this "
                                  "corpus; wait for it or use another --corpus folder") from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def remove_partials(self) -> int:
        """Delete temporary files a killed writer left behind (``.<name>.*.part``)."""
        count = 0
        for folder in (self.root, self.films_dir, self.pages_dir):
            if not folder.is_dir():
                continue
            paths = folder.glob(".*.part") if folder is not self.films_dir else folder.glob("*/.*.part")
            for path in paths:
                with contextlib.suppress(OSError):
                    path.unlink()
                    count += 1
        if count:
            log.info("removed %d partial files left by an interrupted run", count)
        return count

    # -- films ----------------------------------------------------------------------------

    def film_dir(self, slug: str) -> Path:
        if not _SAFE_SLUG.fullmatch(slug):
            raise OutputError(f"unsafe film slug {slug!r}")
        return self.films_dir / slug

    def load_records(self) -> dict[str, FilmRecord]:
        """Every film's record, by title (unreadable records are skipped: fetched again)."""
        out: dict[str, FilmRecord] = {}
        if not self.films_dir.is_dir():
            return out
        for path in sorted(self.films_dir.glob(f"*/{RECORD}")):
            try:
                record = FilmRecord.from_json(path.read_bytes())
            except (OSError, ValueError, TypeError) as exc:
                log.warning("%s: unreadable film record, the film will be fetched again (%s)",
                            path, exc)
                continue
            if record.slug != path.parent.name:
                log.warning("%s: record names slug %r; ignored", path, record.slug)
                continue
            out[record.title] = record
        return out

    def read_file(self, slug: str, name: str) -> bytes | None:
        try:
            return (self.film_dir(slug) / name).read_bytes()
        except OSError:
            return None

    def is_complete(self, record: FilmRecord | None) -> bool:
        """Whether a film is finished: a final status and, for ``ok``, intact files."""
        if record is None or record.status not in FINISHED:
            return False
        if record.status != "ok":
            return True
        script = self.read_file(record.slug, SCRIPT_PAGE)
        if script is None or sha256_hex(script) != record.sha256:
            log.warning("%s: stored script page is missing or damaged; fetching it again",
                        record.title)
            return False
        return (self.film_dir(record.slug) / SCRIPT_TEXT).is_file()

    def _write_if_changed(self, path: Path, data: bytes) -> bool:
        try:
            if path.read_bytes() == data:
                return False
        except OSError:
            pass
        atomic_write_bytes(path, data)
        return True

    def save_film(self, record: FilmRecord, *, movie: bytes | None = None,
                  script: bytes | None = None, text: str | None = None) -> bool:
        """Write a film's files, then its record; return whether anything changed on disk."""
        folder = self.film_dir(record.slug)
        changed = False
        for name, data in ((MOVIE_PAGE, movie), (SCRIPT_PAGE, script),
                           (SCRIPT_TEXT, text.encode("utf-8") if text is not None else None)):
            if data is not None:
                changed |= self._write_if_changed(folder / name, data)
        changed |= self._write_if_changed(folder / RECORD, record.to_json())
        return changed

    # -- manifest -------------------------------------------------------------------------

    def write_manifest(self, records: Iterable[FilmRecord]) -> bool:
        """Rewrite ``manifest.jsonl`` (sorted by slug) if its content changed."""
        rows = sorted((r.row() for r in records), key=lambda row: row["slug"])
        data = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")
        return self._write_if_changed(self.manifest_path, data)

    def rebuild_manifest(self) -> bool:
        return self.write_manifest(self.load_records().values())

    # -- page cache (robots.txt, index and genre pages) -----------------------------------

    def _page_paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
        return self.pages_dir / f"{key}.html", self.pages_dir / f"{key}.json"

    def load_page(self, url: str) -> tuple[bytes, Validators] | None:
        body_path, meta_path = self._page_paths(url)
        try:
            meta = json.loads(meta_path.read_bytes())
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("url") != url or meta.get("sha256") != sha256_hex(body):
            return None
        return body, Validators(etag=meta.get("etag"), last_modified=meta.get("last_modified"))

    def save_page(self, url: str, body: bytes, validators: Validators) -> None:
        body_path, meta_path = self._page_paths(url)
        meta = {"url": url, "sha256": sha256_hex(body), **validators.to_dict()}
        self._write_if_changed(body_path, body)
        self._write_if_changed(meta_path, (json.dumps(meta, ensure_ascii=False, indent=1)
                                           + "\n").encode("utf-8"))

    # -- checking -------------------------------------------------------------------------

    def verify(self) -> list[str]:
        """Problems in the store: records whose files are missing or do not match them."""
        from scenescore.corpus.imsdb import extract_script
        from scenescore.errors import InputError

        problems: list[str] = []
        records = self.load_records()
        for record in records.values():
            where = f"{record.slug} ({record.title})"
            if record.status not in STATUSES:
                problems.append(f"{where}: unknown status {record.status!r}")
                continue
            if record.status == "failed" and not record.error:
                problems.append(f"{where}: failed without a reason")
            if record.status != "ok":
                continue
            script = self.read_file(record.slug, SCRIPT_PAGE)
            if script is None:
                problems.append(f"{where}: {SCRIPT_PAGE} missing")
                continue
            if sha256_hex(script) != record.sha256 or len(script) != record.bytes:
                problems.append(f"{where}: {SCRIPT_PAGE} does not match its sha256/bytes")
            text = self.read_file(record.slug, SCRIPT_TEXT)
            try:
                expected = extract_script(script, source=record.slug)
            except InputError as exc:
                problems.append(f"{where}: {SCRIPT_PAGE} holds no script ({exc.problem})")
                continue
            if text is None or text.decode("utf-8", "replace") != expected:
                problems.append(f"{where}: {SCRIPT_TEXT} is not the text of {SCRIPT_PAGE}")
        if self.manifest_path.exists():
            try:
                rows = [json.loads(line) for line in self.manifest_path.read_text("utf-8").splitlines()]
            except (OSError, ValueError) as exc:
                problems.append(f"{MANIFEST}: unreadable ({exc})")
            else:
                expected_rows = sorted((r.row() for r in records.values()), key=lambda r: r["slug"])
                if rows != expected_rows:
                    problems.append(f"{MANIFEST}: out of date with the film records "
                                    "(rebuilt by the next crawl)")
        for path in self.root.rglob(".*.part"):
            problems.append(f"{path.relative_to(self.root)}: partial file left by a killed run")
        return problems
