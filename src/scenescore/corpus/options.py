"""Crawl options, with their defaults in one place (the CLI and config files refer to these)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlsplit

from scenescore import __version__
from scenescore.errors import OptionsError

#: The site the crawler talks to unless told otherwise (a mirror or a test server works too).
IMSDB_URL = "https://imsdb.com"

#: Identifies the crawler to site operators, as polite crawlers do.
DEFAULT_USER_AGENT = (
    f"scenescore/{__version__} (screenplay corpus builder for film-music research; "
    "honours robots.txt, about 1 request/s)"
)

#: IMSDB's genre pages (``/genre/<name>``); ``corpus list --genres`` reads each of them.
IMSDB_GENRES: tuple[str, ...] = (
    "Action", "Adventure", "Animation", "Comedy", "Crime", "Drama", "Family", "Fantasy",
    "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Short", "Thriller",
    "War", "Western",
)


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    """How the IMSDB client behaves. Derive variants with ``dataclasses.replace``."""

    #: Where the corpus lives (None: ``scenescore/corpus`` in the user data directory).
    corpus_dir: str | None = None
    #: Root of the site: IMSDB itself, a mirror, or a test server.
    base_url: str = IMSDB_URL
    #: Sent with every request; say who you are so the operator can reach you.
    user_agent: str = DEFAULT_USER_AGENT
    #: Requests per second over all workers (0 turns the limit off; robots.txt
    #: ``Crawl-delay`` still applies when it asks for less).
    rate_limit: float = 1.0
    #: Films fetched in parallel (each worker still waits for the shared rate limit).
    workers: int = 4
    #: Seconds to wait for a connection.
    connect_timeout_s: float = 10.0
    #: Seconds to wait for the next bytes of a response.
    read_timeout_s: float = 30.0
    #: Seconds one page may take in all (guards against a server that drips bytes).
    page_timeout_s: float = 120.0
    #: Retries of one request on connection errors, timeouts, 429 and 5xx (urllib3 ``Retry``).
    retries: int = 5
    #: Exponential backoff between retries: ``factor * 2**(n-1)`` seconds, capped, plus jitter.
    backoff_factor: float = 1.0
    backoff_max_s: float = 60.0
    backoff_jitter_s: float = 1.0
    #: Longest ``Retry-After`` honoured as given; a longer one waits this long (urllib3 >= 2.5).
    retry_after_max_s: float = 600.0
    #: Downloads of a page whose body arrives truncated or corrupt before the film is failed.
    attempts: int = 3
    #: Refuse pages larger than this many bytes (IMSDB scripts are well under 2 MB).
    max_page_bytes: int = 16 * 1024 * 1024
    #: Redirects followed for one page; a loop is detected before this.
    max_redirects: int = 5
    #: Honour the site's robots.txt (turn off only for a mirror you run yourself).
    respect_robots: bool = True
    #: Rewrite the manifest table after this many finished films (it is rebuilt at the end
    #: anyway; each film's own record is written the moment it finishes).
    manifest_every: int = 25
    #: Genre pages read to fill the ``genres`` column of ``corpus list``.
    genres: tuple[str, ...] = IMSDB_GENRES

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise OptionsError(f"base_url must be an http(s) URL such as {IMSDB_URL}, "
                               f"got {self.base_url!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise OptionsError(f"{f.name} must not be negative, got {value}")
        for name in ("workers", "attempts", "max_page_bytes", "manifest_every"):
            if getattr(self, name) < 1:
                raise OptionsError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("connect_timeout_s", "read_timeout_s", "page_timeout_s"):
            if getattr(self, name) <= 0:
                raise OptionsError(f"{name} must be positive, got {getattr(self, name)}")
        if not self.user_agent.strip():
            raise OptionsError("user_agent must not be empty")

    @property
    def site(self) -> str:
        """``base_url`` without a trailing slash."""
        return self.base_url.rstrip("/")
