"""An IMSDB-shaped web site on loopback, with injectable faults, for tests and benchmarks.

The site is built from small *original* screenplays (:func:`make_screenplay`), never from
IMSDB's text. It serves ``/robots.txt``, ``/all-scripts.html``, ``/genre/<G>``, movie pages
``/Movie Scripts/<Title> Script.html`` and script pages ``/scripts/<Title>.html`` shaped like
IMSDB's, with ETag / Last-Modified and 304 answers, and records every request.

Faults (``FakeFilm.faults[page]``, one per request, in order, then the page is served
normally): ``"500"``, ``"503"``, ``"429"`` (with ``Retry-After``), ``"slow"`` (answers after
``slow_s``), ``"truncate"`` (``Content-Length`` says more than is sent, then the connection
closes), ``"drop"`` (closes without answering), ``"cut"`` (a consistent response holding only
the first half of the page), ``"stall"`` (half the body, then silence). ``FakeFilm.broken``
makes a page fail on every request the same way (e.g. ``{"script": "503"}``).
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import random
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote_to_bytes, urlsplit

GENRES = ("Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi", "Thriller")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_LAST_MODIFIED = email.utils.formatdate(1_700_000_000, usegmt=True)

# The pieces of the made-up screenplays (written for this project).
_PLACES = ("KITCHEN", "LIGHTHOUSE", "BUS DEPOT", "ROOFTOP", "ORCHARD", "RADIO STATION",
           "FERRY DECK", "LAUNDROMAT", "HOSPITAL CORRIDOR", "GREENHOUSE")
_TIMES = ("DAY", "NIGHT", "DAWN", "DUSK", "LATER")
_NAMES = ("MARGO", "TEODOR", "ISLA", "BENNETT", "RUI", "OLYMPIA", "DESH", "FENNA")
_ACTIONS = (
    "Rain needles the window. {a} counts coins into a jar, loses count, starts again.",
    "{a} climbs the last step and stops, out of breath, staring at the empty chair.",
    "A kettle screams. Nobody moves to take it off the stove.",
    "{a} folds the letter into smaller and smaller squares.",
    "The lights flicker twice and settle. Somewhere below, a dog barks once.",
    "{a} and {b} stand an arm's length apart, neither willing to close it.",
)
_LINES = (
    "You said the tide would wait for us.",
    "I kept the key. I don't know why I kept the key.",
    "Don't make this about the boat again.",
    "If we leave now we can still make the last ferry.",
    "She wrote back. Twice. I never opened the second one.",
    "That song was playing the night the power went out.",
    "Nobody here remembers your father the way I do.",
    "We were happy once — weren’t we?",
)
_PARENS = ("(quietly)", "(not looking up)", "(beat)", "(almost laughing)")


def make_screenplay(title: str, seed: int, scenes: int = 3) -> str:
    """A tiny original screenplay: a title block and a few scenes with dialogue."""
    rng = random.Random(f"{title}/{seed}")
    out = [f"{title.upper():^60}".rstrip(), "", f"{'Written by':^60}".rstrip(),
           f"{'A. Nonymous':^60}".rstrip(), "", "FADE IN:", ""]
    for n in range(1, scenes + 1):
        a, b = rng.sample(_NAMES, 2)
        out += [f"{rng.choice(('INT.', 'EXT.'))} {rng.choice(_PLACES)} - {rng.choice(_TIMES)}", ""]
        out += [rng.choice(_ACTIONS).format(a=a.title(), b=b.title()), ""]
        for speaker in (a, b, a)[: 2 + n % 2]:
            out += [f"{'':20}{speaker}"]
            if rng.random() < 0.4:
                out += [f"{'':15}{rng.choice(_PARENS)}"]
            out += [f"{'':10}{rng.choice(_LINES)}", ""]
        out += [f"{'CUT TO:':>60}" if n < scenes else f"{'FADE OUT.':>60}", ""]
    return "\n".join(out) + "\n"


@dataclass
class FakeFilm:
    """One film of the fake site and how its pages misbehave."""

    title: str
    script: str | None = None
    writers: tuple[str, ...] = ("Ada Quill",)
    genres: tuple[str, ...] = ("Drama",)
    #: As the index shows it: ``YYYY-MM`` (None: undated).
    date: str | None = "2001-05"
    #: ``html``; ``pdf`` (movie page links a PDF only); ``stub`` (movie page without a script
    #: link); ``empty`` (script page whose script block is empty).
    kind: str = "html"
    #: Encoding of the script page's bytes, and the charset its ``<meta>`` declares.
    encoding: str = "utf-8"
    declared: str | None = "utf-8"
    #: Script split across this many ``<pre>`` blocks.
    pre_blocks: int = 1
    #: Bytes of padding added to the script page (a huge page).
    pad_bytes: int = 0
    #: The script page ends without ``</body></html>``.
    no_html_end: bool = False
    #: The index links an old movie-page address that redirects (301) to the real one.
    moved: bool = False
    #: The script link leads into a redirect loop.
    redirect_loop: bool = False
    #: File names are served as Latin-1 bytes (old servers), not UTF-8.
    latin1_paths: bool = False
    #: Listed in the index (a film reachable only by URL sets this False).
    listed: bool = True
    faults: dict[str, list[str]] = field(default_factory=dict)
    broken: dict[str, str] = field(default_factory=dict)

    @property
    def script_name(self) -> str:
        return self.title.replace(" ", "-")


@dataclass
class _Route:
    body: bytes
    content_type: str = "text/html"
    redirect: str | None = None
    faults: list[str] = field(default_factory=list)
    broken: str | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the site received."""

    path: str
    status: int
    conditional: bool
    user_agent: str
    #: ``time.monotonic()`` when the request line arrived.
    at: float
    fault: str | None


def _href_path(name: str) -> str:
    """A name as IMSDB puts it into an href: raw spaces and apostrophes, ``/`` escaped."""
    return html.escape(name.replace("%", "%25").replace("/", "%2F"), quote=True).replace("&#x27;", "'")


def _location(path: str) -> str:
    return quote(path, safe="/!$&'()*+,;=:@-._~")


def _entry(film: FakeFilm) -> str:
    date = f" ({film.date})" if film.date else ""
    writers = ",".join(film.writers)
    title = html.escape(film.title, quote=False)
    return (f'<p><a href="/Movie Scripts/{_href_path(film.title)} Script.html" '
            f'title="{html.escape(film.title)} Script">{title}</a>{date}<br>'
            f"<i>Written by {html.escape(writers, quote=False)}</i><br></p>\n")


def _page(title: str, body: str, charset: str | None = "utf-8") -> str:
    meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
            if charset else "")
    nav = "".join(f'<a href="/genre/{g}" title="{g} Scripts">{g}</a><br>\n' for g in GENRES)
    return (f"<html>\n<head>\n<title>{html.escape(title)}</title>\n{meta}</head>\n<body>\n"
            f'<table width="99%"><tr><td valign="top" width="20%">{nav}</td>\n'
            f'<td valign="top">\n{body}\n</td></tr></table>\n</body>\n</html>\n')


def _script_html(text: str) -> str:
    """Screenplay text as IMSDB marks it up: headings and character cues in ``<b>``."""
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        escaped = html.escape(line, quote=False)
        if stripped.startswith(("INT.", "EXT.")) or (stripped.isupper() and line.startswith(" " * 20)):
            escaped = f"<b>{escaped}</b>"
        lines.append(escaped)
    return "\n".join(lines)


class FakeImsdb:
    """The site; ``with FakeImsdb(films) as site: site.base_url ...``."""

    def __init__(self, films: Iterable[FakeFilm], *,
                 robots: str | None = "User-agent: *\nDisallow: /private/\n",
                 slow_s: float = 2.0, retry_after: str = "1", genres: Iterable[str] = GENRES,
                 delay_s: float = 0.0) -> None:
        self.films = list(films)
        #: Seconds every answer waits (a distant server).
        self.delay_s = delay_s
        self.slow_s = slow_s
        self.retry_after = retry_after
        self.genres = tuple(genres)
        self.hits: list[Hit] = []
        self.inflight = 0
        self.max_inflight = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.routes: dict[bytes, _Route] = {}
        self._build(robots)

    # -- the site -------------------------------------------------------------------------

    def _add(self, path: str, route: _Route, *, encoding: str = "utf-8") -> None:
        self.routes[path.encode(encoding)] = route

    def _build(self, robots: str | None) -> None:
        if robots is not None:  # None: no robots.txt (404), which allows everything
            self._add("/robots.txt", _Route(robots.encode("utf-8"), content_type="text/plain"))
        listed = sorted((f for f in self.films if f.listed), key=lambda f: f.title.casefold())
        index = "".join(_entry(f) for f in listed)
        self._add("/all-scripts.html", _Route(_page("All scripts at IMSDb", index).encode("utf-8")))
        for genre in self.genres:
            members = "".join(_entry(f) for f in listed if genre in f.genres)
            page = _page(f"{genre} Movie Scripts at IMSDb", members)
            self._add(f"/genre/{genre}", _Route(page.encode("utf-8")))
        for film in self.films:
            self._build_film(film)

    def movie_path(self, film: FakeFilm) -> str:
        return f"/Movie Scripts/{film.title} Script.html"

    def script_path(self, film: FakeFilm) -> str:
        suffix = ".pdf" if film.kind == "pdf" else ".html"
        return f"/scripts/{film.script_name}{suffix}"

    def _build_film(self, film: FakeFilm) -> None:
        enc = "latin-1" if film.latin1_paths else "utf-8"
        writers = "&nbsp;".join(f'<a href="/writer.php?w={html.escape(w)}" title="Scripts by '
                                f'{html.escape(w)}">{html.escape(w)}</a>' for w in film.writers)
        genres = "&nbsp;".join(f'<a href="/genre/{g}" title="{g} Scripts">{g}</a>'
                               for g in film.genres)
        date = ""
        if film.date:
            year, month = (film.date.split("-") + ["1"])[:2]
            date = f"<b>Script Date</b> : {_MONTHS[int(month) - 1]} {year}<br>\n"
        link = ""
        if film.kind != "stub":
            target = self.script_path(film).replace(film.script_name, _href_path(film.script_name))
            if film.redirect_loop:
                target = f"/scripts/loop-a-{film.script_name}.html"
            link = f'<a href="{target}">Read "{html.escape(film.title)}" Script</a>'
        else:
            link = "<i>We do not have this script yet.</i>"
        details = (f'<table class="script-details" width="60%"><tr><td>\n'
                   f"<h1>{html.escape(film.title)} Script</h1>\n"
                   f"<b>Writers</b> : {writers}<br>\n<b>Genres</b> : {genres}<br>\n{date}"
                   f"<br>\n{link}\n</td></tr></table>")
        movie = _Route(_page(f"{film.title} Script", details).encode("utf-8"),
                       faults=list(film.faults.get("movie", [])), broken=film.broken.get("movie"))
        if film.moved:
            old = f"/Movie Scripts/{film.title} Script.html"
            new = f"/Movie Scripts/moved/{film.title} Script.html"
            self._add(old, _Route(b"", redirect=_location(new)), encoding=enc)
            self._add(new, movie, encoding=enc)
        else:
            self._add(self.movie_path(film), movie, encoding=enc)
        if film.kind in ("stub",):
            return
        if film.kind == "pdf":
            self._add(self.script_path(film), _Route(b"%PDF-1.4\n%fake\n", content_type="application/pdf"),
                      encoding=enc)
            return
        if film.redirect_loop:
            a = f"/scripts/loop-a-{film.script_name}.html"
            b = f"/scripts/loop-b-{film.script_name}.html"
            self._add(a, _Route(b"", redirect=_location(b)))
            self._add(b, _Route(b"", redirect=_location(a)))
            return
        self._add(self.script_path(film), _Route(self.script_page(film),
                                                 faults=list(film.faults.get("script", [])),
                                                 broken=film.broken.get("script")), encoding=enc)

    def script_page(self, film: FakeFilm) -> bytes:
        """The script page of ``film`` exactly as served."""
        text = film.script if film.script is not None else make_screenplay(film.title, 0)
        marked = "" if film.kind == "empty" else _script_html(text)
        lines = marked.split("\n")
        step = max(1, len(lines) // max(1, film.pre_blocks))
        blocks = ["\n".join(lines[i:i + step]) for i in range(0, len(lines), step)] or [""]
        pres = "\n".join(f"<pre>{b}</pre>" for b in blocks[: film.pre_blocks - 1]
                         + ["\n".join(blocks[film.pre_blocks - 1:])])
        pad = f"<!-- {'x' * film.pad_bytes} -->\n" if film.pad_bytes else ""
        body = (f'<table width="100%"><tr><td class="scrtext">\n{pres}\n{pad}'
                f'<table width="85%" class="script-details"><tr><td><b>Writers</b> : '
                f"{html.escape(', '.join(film.writers))}</td></tr></table>\n</td></tr></table>")
        page = _page(f"{film.title} Script at IMSDb.", body, film.declared)
        if film.no_html_end:
            page = page[: page.rindex("</body>")]
        return page.encode(film.encoding)

    def film(self, title: str) -> FakeFilm:
        return next(f for f in self.films if f.title == title)

    def set_script(self, title: str, text: str) -> None:
        """Change a film's script (the page gets a new ETag)."""
        film = self.film(title)
        film.script = text
        enc = "latin-1" if film.latin1_paths else "utf-8"
        self.routes[self.script_path(film).encode(enc)].body = self.script_page(film)

    # -- serving --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake site is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeImsdb:
        site = self

        class Handler(_Handler):
            pass

        Handler.site = site
        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-imsdb",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeImsdb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def clear_hits(self) -> None:
        with self._lock:
            self.hits.clear()
            self.max_inflight = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        pass  # a client that hung up on a slow answer is part of the test


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, as real servers do
    site: FakeImsdb

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def parse_request(self) -> bool:
        # The request's time is when its request line came in, before any work on it, so that
        # the log's gaps are the client's, not this server's.
        self._arrived = time.monotonic()
        return super().parse_request()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        site = self.site
        with site._lock:
            site.inflight += 1
            site.max_inflight = max(site.max_inflight, site.inflight)
        try:
            self._answer()
        finally:
            with site._lock:
                site.inflight -= 1

    def _hit(self, status: int, fault: str | None = None) -> None:
        conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
        self.site.record(Hit(urlsplit(self.path).path, status, conditional,
                             self.headers.get("User-Agent", ""), self._arrived, fault))

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        site = self.site
        if site.delay_s:
            time.sleep(site.delay_s)
        key = unquote_to_bytes(urlsplit(self.path).path)
        route = site.routes.get(key)
        if route is None:
            self._hit(404)
            self._send(404, b"<html><body>Not found</body></html>\n", {"Content-Type": "text/html"})
            return
        with site._lock:
            fault = route.faults.pop(0) if route.faults else route.broken
        if route.redirect is not None:
            self._hit(301)
            self._send(301, b"", {"Location": route.redirect})
            return
        if fault in ("500", "503"):
            self._hit(int(fault), fault)
            self._send(int(fault), b"<html><body>Server error</body></html>\n")
            return
        if fault == "429":
            self._hit(429, fault)
            self._send(429, b"slow down\n", {"Retry-After": site.retry_after})
            return
        if fault == "drop":
            self._hit(0, fault)
            self.close_connection = True
            with _quiet():
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "slow":
            time.sleep(site.slow_s)
        headers = {"Content-Type": f"{route.content_type}", "ETag": route.etag,
                   "Last-Modified": _LAST_MODIFIED}
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (inm and inm == route.etag) or (not inm and ims == _LAST_MODIFIED):
            self._hit(304, fault)
            self.send_response(304)
            for k, v in headers.items():
                if k != "Content-Type":
                    self.send_header(k, v)
            self.end_headers()
            return
        body = route.body
        self._hit(200, fault)
        with _quiet():
            if fault in ("truncate", "stall"):
                self.send_response(200)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if fault == "stall":
                    time.sleep(site.slow_s)
                self.close_connection = True
                return
            if fault == "cut":
                body = body[: len(body) // 2]
            self._send(200, body, headers)


class _quiet:
    """Ignore a client that went away (it timed out on a slow answer, as tests want)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> bool:
        return kind is not None and issubclass(kind, OSError)
