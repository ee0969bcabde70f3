"""IMSDB's pages: the index of all scripts, genre pages, movie pages, script pages.

The path to a script is index → movie page (``/Movie Scripts/<Title> Script.html``) → the
``Read "<Title>" Script`` link → script page (``/scripts/<Title>.html``). Links are read with
regular expressions, as the script text is (``scenescore.ingest.html``): the pages are old,
hand-made HTML that strict parsers trip over, and the patterns are few.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from scenescore.errors import InputError

_ANCHOR = re.compile(r"""<a\b([^>]*)>(.*?)</a\s*>""", re.I | re.S)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TAG = re.compile(r"<[^>]*>")
_MOVIE_PATH = re.compile(r"/movie(?:%20|\s|\+)scripts/", re.I)
_INDEX_DATE = re.compile(r"^\s*\(([^)]*)\)")
_WRITTEN_BY = re.compile(r"<i>\s*Written\s+by\s*:?\s*(.*?)</i\s*>", re.I | re.S)
_ENTRY_END = re.compile(r"</p\s*>|<p\b", re.I)
_READ_LINK = re.compile(r"^\s*Read\b.*\bScript\s*$", re.I | re.S)
_DETAILS = re.compile(r"""<table\b[^>]*\bclass\s*=\s*["']?script-details\b""", re.I)
_LABEL = re.compile(r"<b>\s*([A-Za-z ]+?)\s*:?\s*</b>", re.I)
_SCRIPT_DATE = re.compile(r"<b>\s*Script\s+Date\s*:?\s*</b>\s*:?\s*([^<]*)", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.I | re.S)
_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
# Characters a URL path may carry as they are; "%" stays when it starts an escape.
_PATH_SAFE = "/!$&'()*+,;=:@-._~"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True, slots=True)
class FilmRef:
    """One film as a listing shows it: enough to fetch it."""

    title: str
    movie_url: str | None
    script_date: str | None = None
    writers: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    #: Set when the user named a script page directly (no movie page to read).
    script_url: str | None = None


@dataclass(frozen=True, slots=True)
class MoviePage:
    """What a movie page says about its film."""

    script_url: str | None
    pdf_url: str | None
    writers: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    script_date: str | None = None


def decode_page(data: bytes, source: str) -> str:
    """Page bytes as text: UTF-8, else the declared charset, else Windows-1252/Latin-1."""
    from scenescore.ingest.decode import decode_text
    from scenescore.ingest.html import declared_charset

    try:
        text, _ = decode_text(data, source, declared=declared_charset(data))
    except InputError:
        text = data.decode("latin-1")
    return text


def encode_url(url: str, encoding: str = "utf-8") -> str:
    """Percent-encode what a URL may not carry raw (spaces, non-ASCII), keeping escapes.

    IMSDB links hold raw spaces and apostrophes (``/Movie Scripts/Schindler's List Script.html``);
    non-ASCII goes out as UTF-8 unless ``encoding`` says otherwise (old servers use Latin-1).
    """
    parts = urlsplit(url.strip())

    def fix(piece: str, safe: str) -> str:
        return quote(_LONE_PERCENT.sub("%25", piece), safe=safe + "%", encoding=encoding)

    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), fix(parts.path, _PATH_SAFE) or "/",
                       fix(parts.query, _PATH_SAFE + "?"), ""))


def link_target(href: str, page_url: str) -> str:
    """Absolute, encoded URL of a link as written in a page (entities unescaped)."""
    return encode_url(urljoin(page_url, _html.unescape(href).strip()))


def _href(attrs: str) -> str | None:
    match = _HREF.search(attrs)
    if not match:
        return None
    return next(g for g in match.groups() if g is not None)


def _text(fragment: str) -> str:
    return " ".join(_html.unescape(_TAG.sub("", fragment)).split())


def _anchors(page: str, start: int = 0, end: int | None = None):
    """Yield ``(href, text, match)`` for the links in ``page[start:end]``."""
    for match in _ANCHOR.finditer(page, start, len(page) if end is None else end):
        href = _href(match.group(1))
        if href is not None:
            yield href, _text(match.group(2)), match


def parse_date(text: str | None) -> str | None:
    """``1997-01``, ``October 1978``, ``January 25, 2002`` → ISO-like ``YYYY[-MM[-DD]]``."""
    if not text:
        return None
    text = text.strip()
    iso = re.search(r"\b(1[89]\d\d|20\d\d)(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?\b", text)
    words = re.search(r"\b([A-Za-z]+)\.?\s+(?:(\d{1,2}),?\s+)?(1[89]\d\d|20\d\d)\b", text)
    if words and words.group(1).lower() in _MONTHS:
        month = _MONTHS[words.group(1).lower()]
        day = f"-{int(words.group(2)):02d}" if words.group(2) else ""
        return f"{words.group(3)}-{month:02d}{day}"
    if iso:
        return "-".join(g for g in iso.groups() if g)
    return None


def date_reaches(script_date: str | None, since: str) -> bool:
    """Whether a script dated ``script_date`` is on or after ``since`` (both ``YYYY[-MM[-DD]]``).

    A date known only to the year or month counts as its last day, so ``2001`` passes
    ``--since 2001-06``; an undated script never passes.
    """
    if not script_date:
        return False
    parts = script_date.split("-")
    y, m, d = [*parts, *("12", "31")[len(parts) - 1:]][:3]
    return f"{y}-{m.zfill(2)}-{d.zfill(2)}" >= _pad_since(since)


def _pad_since(since: str) -> str:
    parts = since.split("-")
    return "-".join([parts[0], *(p.zfill(2) for p in parts[1:])] + ["01"] * (3 - len(parts)))


def parse_index(data: bytes, page_url: str) -> list[FilmRef]:
    """Films listed on the all-scripts page or a genre page, in page order, one per movie page.

    An entry is ``<a href="/Movie Scripts/T Script.html" title="T Script">T</a> (date)<br>
    <i>Written by A,B</i>``; the date and writers are optional.
    """
    page = decode_page(data, page_url)
    films: list[FilmRef] = []
    seen: set[str] = set()
    for href, text, match in _anchors(page):
        if not _MOVIE_PATH.search(href.replace("\\", "/")):
            continue
        url = link_target(href, page_url)
        if url in seen:
            continue
        title = text or _title_from_movie_url(url)
        if not title:
            continue
        seen.add(url)
        tail_end = _ENTRY_END.search(page, match.end())
        tail = page[match.end(): tail_end.start() if tail_end else match.end() + 500]
        date_match = _INDEX_DATE.match(tail)
        writers_match = _WRITTEN_BY.search(tail)
        writers: tuple[str, ...] = ()
        if writers_match:
            writers = tuple(w for w in (x.strip() for x in _text(writers_match.group(1)).split(",")) if w)
        films.append(FilmRef(title=title, movie_url=url,
                             script_date=parse_date(date_match.group(1)) if date_match else None,
                             writers=writers))
    return films


def _title_from_movie_url(url: str) -> str:
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"\.html?$", "", name, flags=re.I)
    return re.sub(r"\s+Script$", "", name, flags=re.I).strip()


def title_from_url(url: str) -> str:
    """A title for a film named only by URL: ``/Movie Scripts/A B Script.html`` or
    ``/scripts/A-B.html`` → ``A B``."""
    if _MOVIE_PATH.search(url):
        return _title_from_movie_url(url)
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    name = re.sub(r"\.(html?|pdf)$", "", name, flags=re.I)
    return name.replace("-", " ").strip()


def is_movie_page_url(url: str) -> bool:
    return bool(_MOVIE_PATH.search(url))


def _labelled_links(page: str, region: tuple[int, int], label: str, path_marker: str) -> tuple[str, ...]:
    """Link texts after ``<b>label</b>`` up to the next label, whose href has ``path_marker``."""
    start, end = region
    for lab in _LABEL.finditer(page, start, end):
        if lab.group(1).strip().lower() != label:
            continue
        nxt = _LABEL.search(page, lab.end(), end)
        stop = nxt.start() if nxt else end
        out = [text for href, text, _ in _anchors(page, lab.end(), stop)
               if path_marker in href.lower() and text]
        return tuple(dict.fromkeys(out))
    return ()


def parse_movie_page(data: bytes, page_url: str) -> MoviePage:
    """The script link (or PDF link), writers, genres and script date of a movie page."""
    page = decode_page(data, page_url)
    details = _DETAILS.search(page)
    region = (details.start(), len(page)) if details else (0, len(page))
    script_url = pdf_url = None
    candidates = [(href, text) for href, text, _ in _anchors(page, *region)]
    read_links = [href for href, text in candidates if _READ_LINK.match(text)]
    if not read_links:  # no "Read ... Script" wording: any link into /scripts/ in the details
        read_links = [href for href, _ in candidates if "/scripts/" in href.lower()] if details else []
    for href in read_links:
        url = link_target(href, page_url)
        path = urlsplit(url).path.lower()
        if path.endswith(".pdf"):
            pdf_url = pdf_url or url
        elif script_url is None:
            script_url = url
    date_match = _SCRIPT_DATE.search(page, region[0])
    return MoviePage(
        script_url=script_url,
        pdf_url=pdf_url,
        writers=_labelled_links(page, region, "writers", "writer"),
        genres=_labelled_links(page, region, "genres", "/genre/"),
        script_date=parse_date(date_match.group(1)) if date_match else None,
    )


def script_page_genres(data: bytes, source: str = "<page>") -> tuple[str, ...]:
    """The genre tags in a script page's Writers/Genres footer (``()`` when it has none): the
    film's tone reads them (``emotion/tone.py``)."""
    page = decode_page(data, source)
    tables = list(_DETAILS.finditer(page))  # the footer is the last one, after the script's <pre>
    region = (tables[-1].start(), len(page)) if tables else (0, len(page))
    return _labelled_links(page, region, "genres", "/genre/")


def page_title(data: bytes) -> str | None:
    """The ``<title>`` of a page, without IMSDB's " Script at IMSDb." ending."""
    match = _TITLE.search(decode_page(data[:16384], "<page>"))
    if not match:
        return None
    title = _text(match.group(1))
    title = re.sub(r"\s*(Script\s+)?at\s+IMSDb\.?\s*$", "", title, flags=re.I).strip()
    return title or None


def extract_script(data: bytes, source: str) -> str:
    """The script text of a script page (``scenescore.ingest.html``); ``InputError`` if none."""
    from scenescore.ingest.html import extract_imsdb_text

    return extract_imsdb_text(data, source=source)
