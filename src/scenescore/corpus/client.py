"""A polite, fault-tolerant HTTP client for one site.

Two layers of retry, each for what it can see:

* urllib3's ``Retry`` (mounted on every requests ``Session``) retries a request that failed
  before its body: connection errors, read timeouts, 429 (waiting as ``Retry-After`` says)
  and 5xx, with exponential backoff and jitter. Its subclass :class:`PoliteRetry` makes every
  retry wait on the rate limiter too and counts it, so a failing site sees no more requests
  than the rate allows, and its first backoff is ``backoff_factor`` seconds (urllib3's own
  first retry does not wait at all).
* This module re-downloads a page whose *body* went wrong: cut off (fewer bytes than
  ``Content-Length``, a dropped connection), or without the ``</html>`` a complete page ends
  with. A page that lacks ``</html>`` but arrives identical twice is taken as it is.

Also here: robots.txt (``urllib.robotparser``, fetched through the same session), a rate
limit shared by all threads, redirects followed by hand (so each hop is rate limited,
checked against robots.txt and a loop is named as one), conditional requests
(``If-None-Match`` / ``If-Modified-Since``) and a size limit.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urljoin, urlsplit

from scenescore.corpus.imsdb import encode_url
from scenescore.corpus.options import CrawlOptions
from scenescore.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import requests

log = logging.getLogger(__name__)

#: Statuses urllib3 retries (with backoff; 429 and 503 wait as ``Retry-After`` says).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


class FetchError(InputError):
    """A page could not be fetched; ``reason`` says why (it goes into the manifest)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(url, reason)


class CrawlCancelled(Exception):
    """Raised in workers after :meth:`Client.cancel` (an interrupted crawl); never recorded."""


class _BrokenBody(Exception):
    """The body of a response is incomplete or corrupt: worth downloading again."""


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said identifies a version of a page, for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out

    def to_dict(self) -> dict[str, str | None]:
        return {"etag": self.etag, "last_modified": self.last_modified}


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page. ``body`` is ``None`` when the server answered 304 Not Modified."""

    url: str
    status: int
    body: bytes | None
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class PageCache(Protocol):
    """Where pages fetched again and again (robots.txt, index pages) keep their last copy."""

    def load_page(self, url: str) -> tuple[bytes, Validators] | None: ...

    def save_page(self, url: str, body: bytes, validators: Validators) -> None: ...


class RateLimiter:
    """At most one request per ``interval`` seconds over all threads (0: no limit)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            time.sleep(slot - now)


@cache
def polite_retry_class() -> type:
    """``PoliteRetry``, defined on first use so that importing this module loads no urllib3."""
    import inspect
    from itertools import takewhile

    from urllib3.exceptions import InvalidHeader
    from urllib3.util.retry import Retry

    _BASE_HAS_CAP = "retry_after_max" in inspect.signature(Retry.__init__).parameters

    class PoliteRetry(Retry):
        """urllib3's ``Retry`` whose every retry goes through the crawl's rate limiter.

        Between two attempts it waits the longer of its backoff and the server's
        ``Retry-After`` (capped at ``retry_after_max``), then for the limiter's next slot, then
        counts the request it is about to let through. The backoff is ``backoff_factor *
        2**(n-1)`` for the n-th consecutive retry plus up to ``backoff_jitter`` seconds, capped
        at ``backoff_max`` (urllib3's own first retry has no backoff). A cancelled crawl stops
        waiting at once.
        """

        def __init__(self, *args: Any, limiter: RateLimiter | None = None,
                     on_send: Callable[[], None] | None = None,
                     cancelled: threading.Event | None = None, **kwargs: Any) -> None:
            cap = kwargs.pop("retry_after_max", 600.0)
            if _BASE_HAS_CAP:  # urllib3 >= 2.5 knows the cap too
                kwargs["retry_after_max"] = cap
            super().__init__(*args, **kwargs)
            self.retry_after_max = cap
            self.limiter = limiter
            self.on_send = on_send
            self.cancelled = cancelled

        def new(self, **kw: Any) -> PoliteRetry:
            kw.setdefault("limiter", self.limiter)
            kw.setdefault("on_send", self.on_send)
            kw.setdefault("cancelled", self.cancelled)
            kw.setdefault("retry_after_max", self.retry_after_max)
            return super().new(**kw)

        def get_backoff_time(self) -> float:
            consecutive = len(list(takewhile(lambda x: x.redirect_location is None,
                                             reversed(self.history))))
            if consecutive == 0:
                return 0.0
            value = self.backoff_factor * 2 ** (consecutive - 1)
            if self.backoff_jitter:
                value += random.random() * self.backoff_jitter
            return float(max(0.0, min(self.backoff_max, value)))

        def sleep(self, response: Any = None) -> None:
            delay = self.get_backoff_time()
            if self.respect_retry_after_header and response is not None:
                try:
                    asked = self.get_retry_after(response)
                except InvalidHeader:
                    asked = None
                if asked:
                    delay = max(delay, min(asked, self.retry_after_max))
            if self.cancelled is not None:
                if self.cancelled.wait(delay):
                    raise CrawlCancelled("retry")
            elif delay > 0:
                time.sleep(delay)
            if self.limiter is not None:
                self.limiter.wait()
            if self.cancelled is not None and self.cancelled.is_set():
                raise CrawlCancelled("retry")
            if self.on_send is not None:
                self.on_send()

    return PoliteRetry


def looks_complete_html(body: bytes) -> bool:
    """A whole HTML page ends with ``</html>`` (trailing scripts or comments allowed)."""
    return b"</html" in body[-4096:].lower()


def _short(exc: BaseException) -> str:
    """The innermost reason of a requests/urllib3 error, on one line."""
    seen = {id(exc)}
    while True:
        inner = getattr(exc, "reason", None)
        if not isinstance(inner, BaseException):
            inner = exc.__cause__ or exc.__context__
        if not isinstance(inner, BaseException) or id(inner) in seen or not str(inner):
            break
        seen.add(id(inner))
        exc = inner
    text = str(exc).split("\n")[0]
    return f"{type(exc).__name__}: {text}"[:200]


def _status_reason(status: int, retries: int) -> str:
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "unknown status"
    if status in RETRY_STATUSES and retries:
        return f"HTTP {status} {phrase} (still, after {retries} retries)"
    return f"HTTP {status} {phrase}"


class Client:
    """Fetches pages from ``options.base_url``'s site; safe to share between threads."""

    def __init__(self, options: CrawlOptions, *, cache: PageCache | None = None) -> None:
        self.options = options
        self.cache = cache
        self.limiter = RateLimiter(1.0 / options.rate_limit if options.rate_limit else 0.0)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._robots = None
        self._robots_lock = threading.Lock()
        self.requests_sent = 0
        self._cancelled = threading.Event()

    # -- sessions -------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._new_session()
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _new_session(self) -> requests.Session:
        import requests
        from requests.adapters import HTTPAdapter

        o = self.options
        retry = polite_retry_class()(
            total=o.retries, connect=o.retries, read=o.retries, status=o.retries, other=0,
            allowed_methods=frozenset({"GET", "HEAD"}), status_forcelist=RETRY_STATUSES,
            backoff_factor=o.backoff_factor, backoff_max=o.backoff_max_s,
            backoff_jitter=o.backoff_jitter_s, respect_retry_after_header=True,
            retry_after_max=o.retry_after_max_s, raise_on_status=False, raise_on_redirect=False,
            limiter=self.limiter, on_send=self._count_request, cancelled=self._cancelled,
        )
        adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=2)
        session = requests.Session()
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"User-Agent": o.user_agent,
                                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"})
        return session

    def _count_request(self) -> None:
        with self._lock:
            self.requests_sent += 1

    def cancel(self) -> None:
        """Make every later request raise :class:`CrawlCancelled` (used on Ctrl-C)."""
        self._cancelled.set()

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- robots.txt -----------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets this client fetch ``url``."""
        if not self.options.respect_robots:
            return True
        with self._robots_lock:
            if self._robots is None:
                self._robots = self._load_robots()
        return self._robots.can_fetch(self.options.user_agent, url)

    def _load_robots(self):  # noqa: ANN202 - urllib.robotparser.RobotFileParser
        from urllib.robotparser import RobotFileParser

        url = self.options.site + "/robots.txt"
        parser = RobotFileParser(url)
        try:
            body = self.get_cached(url, html=False, check_robots=False)
        except FetchError as exc:
            if exc.status in (401, 403):
                log.warning("robots.txt answers %s: the site forbids crawling", exc.status)
                parser.disallow_all = True
                return parser
            if exc.status is not None and 400 <= exc.status < 500:
                parser.allow_all = True  # no robots.txt: everything is allowed
                return parser
            raise FetchError(url, f"robots.txt could not be read ({exc.reason}); nothing is "
                             "fetched without it (turn respect_robots off only for your own "
                             "mirror)", status=exc.status) from None
        from scenescore.corpus.imsdb import decode_page

        parser.parse(decode_page(body, url).splitlines())
        delay = parser.crawl_delay(self.options.user_agent)
        rate = parser.request_rate(self.options.user_agent)
        interval = max(float(delay or 0), rate.seconds / rate.requests if rate else 0.0)
        if interval > self.limiter.interval:
            log.info("robots.txt asks for %.1f s between requests", interval)
            self.limiter.interval = interval
        return parser

    # -- fetching -------------------------------------------------------------------------

    def get(self, url: str, *, validators: Validators | None = None, html: bool = True,
            check_robots: bool = True) -> Page:
        """Fetch ``url`` (following redirects), conditionally when ``validators`` are given.

        Raises :class:`FetchError` with the reason when the page cannot be had whole.
        """
        encoded = encode_url(url)
        try:
            return self._follow(encoded, validators, html=html, check_robots=check_robots)
        except FetchError as exc:
            if exc.status != 404:
                raise
            latin = _latin1_url(encoded)
            if latin is None:
                raise
            # Old servers keep file names in Latin-1: try the name as such bytes.
            log.info("%s: 404 as UTF-8, trying the Latin-1 spelling", url)
            try:
                return self._follow(latin, validators, html=html, check_robots=check_robots)
            except FetchError:
                raise exc from None

    def get_cached(self, url: str, *, html: bool = True, check_robots: bool = True) -> bytes:
        """The body of ``url``, revalidated against the cache (when there is one)."""
        cached = self.cache.load_page(url) if self.cache is not None else None
        page = self.get(url, validators=cached[1] if cached else None, html=html,
                        check_robots=check_robots)
        if page.not_modified and cached is not None:
            return cached[0]
        if page.body is None:  # pragma: no cover - a 304 always comes with a cached copy
            raise FetchError(url, "HTTP 304 without a cached copy")
        if self.cache is not None and (cached is None or cached[0] != page.body
                                       or cached[1] != page.validators):
            self.cache.save_page(url, page.body, page.validators)
        return page.body

    def _follow(self, url: str, validators: Validators | None, *, html: bool,
                check_robots: bool) -> Page:
        chain = [url]
        current = url
        for _hop in range(self.options.max_redirects + 1):
            if check_robots and not self.allowed(current):
                raise FetchError(current, "disallowed by robots.txt")
            result = self._download(current, validators if current == url else None, html=html)
            if isinstance(result, Page):
                return result
            target = encode_url(urljoin(current, result))
            if urlsplit(target).scheme not in ("http", "https"):
                raise FetchError(url, f"redirect to a non-HTTP address {target!r}")
            if target in chain:
                raise FetchError(url, "redirect loop: " + " -> ".join([*chain, target]))
            chain.append(target)
            current = target
        raise FetchError(url, f"more than {self.options.max_redirects} redirects: "
                         + " -> ".join(chain))

    def _download(self, url: str, validators: Validators | None, *, html: bool) -> Page | str:
        """One page, downloaded again while its body arrives broken. A redirect returns
        the ``Location``."""
        o = self.options
        problem = ""
        previous_sha = None
        for attempt in range(1, o.attempts + 1):
            if attempt > 1:
                delay = min(o.backoff_max_s, o.backoff_factor * 2 ** (attempt - 2))
                time.sleep(delay + random.uniform(0, o.backoff_jitter_s))
            response = self._send(url, validators)
            try:
                status = response.status_code
                if status in _REDIRECTS:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(url, f"HTTP {status} redirect without a Location",
                                         status=status)
                    return location
                if status == 304:
                    if not validators:
                        raise FetchError(url, "HTTP 304 to a request that was not conditional",
                                         status=status)
                    return Page(url=url, status=304, body=None, validators=validators)
                if status != 200:
                    raise FetchError(url, _status_reason(status, o.retries), status=status)
                try:
                    body = self._read_body(response, url)
                except _BrokenBody as exc:
                    problem = str(exc)
                    log.info("%s: %s (download %d of %d)", url, problem, attempt, o.attempts)
                    continue
            finally:
                response.close()
            found = Validators(etag=response.headers.get("ETag"),
                               last_modified=response.headers.get("Last-Modified"))
            if html and not looks_complete_html(body):
                sha = hashlib.sha256(body).hexdigest()
                if sha == previous_sha:
                    log.warning("%s: page does not end with </html>; taken as it is after two "
                                "identical downloads", url)
                    return Page(url=url, status=200, body=body, validators=found)
                previous_sha = sha
                problem = f"page ends without </html> after {len(body):,} bytes (cut off?)"
                log.info("%s: %s (download %d of %d)", url, problem, attempt, o.attempts)
                continue
            return Page(url=url, status=200, body=body, validators=found)
        raise FetchError(url, f"{problem} in each of {o.attempts} downloads")

    def _send(self, url: str, validators: Validators | None) -> requests.Response:
        import requests

        o = self.options
        headers = validators.headers() if validators else {}
        self.limiter.wait()
        if self._cancelled.is_set():
            raise CrawlCancelled(url)
        self._count_request()
        try:
            return self._session().get(url, headers=headers, stream=True, allow_redirects=False,
                                       timeout=(o.connect_timeout_s, o.read_timeout_s))
        except requests.Timeout as exc:
            raise FetchError(url, f"timed out (after {o.retries} retries; {_short(exc)})") from None
        except requests.ConnectionError as exc:
            raise FetchError(url, f"connection failed (after {o.retries} retries; "
                             f"{_short(exc)})") from None
        except requests.RequestException as exc:
            raise FetchError(url, f"request failed: {_short(exc)}") from None

    def _read_body(self, response: requests.Response, url: str) -> bytes:
        import http.client

        import requests
        import urllib3

        o = self.options
        declared = response.headers.get("Content-Length")
        expected: int | None = None
        if declared is not None:
            try:
                expected = int(declared)
            except ValueError:
                raise _BrokenBody(f"bad Content-Length {declared!r}") from None
            if expected > o.max_page_bytes:
                raise FetchError(url, f"page is {expected:,} bytes, over the "
                                 f"{o.max_page_bytes:,}-byte limit", status=response.status_code)
        deadline = time.monotonic() + o.page_timeout_s
        chunks: list[bytes] = []
        received = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                received += len(chunk)
                if received > o.max_page_bytes:
                    raise FetchError(url, f"page is over the {o.max_page_bytes:,}-byte limit",
                                     status=response.status_code)
                if time.monotonic() > deadline:
                    raise _BrokenBody(f"page took longer than {o.page_timeout_s:g} s")
                chunks.append(chunk)
        except (requests.RequestException, urllib3.exceptions.HTTPError,
                http.client.HTTPException, OSError) as exc:
            raise _BrokenBody(f"download cut off ({_short(exc)})") from None
        body = b"".join(chunks)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if expected is not None and encoding in ("", "identity") and len(body) != expected:
            raise _BrokenBody(f"got {len(body):,} of {expected:,} bytes (cut off)")
        return body


def _latin1_url(url: str) -> str | None:
    """The same URL with its non-ASCII path characters as Latin-1 escapes, if it has any."""
    from urllib.parse import unquote

    parts = urlsplit(url)
    try:
        path = unquote(parts.path, errors="strict")
    except UnicodeDecodeError:
        return None
    if path.isascii():
        return None
    try:
        return encode_url(parts._replace(path=path).geturl(), encoding="latin-1")
    except UnicodeEncodeError:
        return None
