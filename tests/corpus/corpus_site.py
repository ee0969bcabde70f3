"""The corpus tests' fake IMSDB films (with their faults and expected ends) and helpers."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from scenescore.corpus.options import CrawlOptions
from support.fakesite import FakeFilm, FakeImsdb, make_screenplay

# Faults the crawler must recover from, and what each film must end as.
RECOVERABLE: dict[str, FakeFilm] = {
    "Salt & Pepper": FakeFilm("Salt & Pepper", genres=("Comedy",), faults={"script": ["500", "503"]}),
    "The Lighthouse Keeper's Daughter": FakeFilm(
        "The Lighthouse Keeper's Daughter", writers=("Ada Quill", "Rui Ferro"),
        faults={"movie": ["drop"], "script": ["truncate", "drop"]}),
    "Rush Hour Rain": FakeFilm("Rush Hour Rain", faults={"script": ["429"]}),
    "Slow Boat": FakeFilm("Slow Boat", faults={"script": ["slow"]}),
    "Stalled Reel": FakeFilm("Stalled Reel", faults={"script": ["stall"]}),
    "Half a Page": FakeFilm("Half a Page", faults={"script": ["cut"]}),
    "Café Noir": FakeFilm("Café Noir", date="1999-11", genres=("Drama", "Romance")),
    "Señor Sol": FakeFilm("Señor Sol", latin1_paths=True),
    "Mojibake Motel": FakeFilm("Mojibake Motel", encoding="cp1252", declared="utf-8",
                               script="INT. MOTEL - NIGHT\n\nThe sign says “VACANCY” in café neon.\n"),
    "Old Latin": FakeFilm("Old Latin", encoding="latin-1", declared="iso-8859-1",
                          script="EXT. PLAZA - DAY\n\nA niño sells piñatas.\n"),
    "../../etc": FakeFilm("../../etc", genres=("Thriller",)),
    "Split Reels": FakeFilm("Split Reels", pre_blocks=3),
    "Moved Along": FakeFilm("Moved Along", moved=True),
    "No End Tag": FakeFilm("No End Tag", no_html_end=True),
}
# Films with no script: recorded with their status, not dropped.
NO_SCRIPT: dict[str, tuple[FakeFilm, str]] = {
    "Paper Only": (FakeFilm("Paper Only", kind="pdf"), "pdf_only"),
    "Empty Stage": (FakeFilm("Empty Stage", kind="stub"), "no_script"),
    "Blank Page": (FakeFilm("Blank Page", kind="empty"), "no_script"),
}
# Films that cannot be had: recorded failed with the reason (a substring of it).
UNRECOVERABLE: dict[str, tuple[FakeFilm, str]] = {
    "Round and Round": (FakeFilm("Round and Round", redirect_loop=True), "redirect loop"),
    "Big Sky": (FakeFilm("Big Sky", pad_bytes=300_000), "byte limit"),
    "Always Down": (FakeFilm("Always Down", broken={"script": "503"}), "HTTP 503"),
    "Forever Cut": (FakeFilm("Forever Cut", broken={"script": "truncate"}), "cut off"),
    "Secret Garden": (FakeFilm("Secret Garden"), "robots.txt"),
}
ROBOTS = "User-agent: *\nDisallow: /private/\nDisallow: /scripts/Secret-Garden.html\n"


def plain_films(n: int, start: int = 0) -> list[FakeFilm]:
    """``n`` ordinary films with made-up titles and screenplays."""
    return [FakeFilm(f"Harbour Story {i:03d}", script=make_screenplay(f"Harbour Story {i:03d}", i),
                     date=f"{1990 + i % 30}-{1 + i % 12:02d}",
                     genres=(("Drama", "Horror", "Comedy")[i % 3],))
            for i in range(start, start + n)]


def faulty_films() -> list[FakeFilm]:
    films = [dataclasses.replace(f, faults={k: list(v) for k, v in f.faults.items()})
             for f in RECOVERABLE.values()]
    films += [f for f, _ in NO_SCRIPT.values()] + [f for f, _ in UNRECOVERABLE.values()]
    return films + plain_films(4)


def fast(site: FakeImsdb, **changes: object) -> CrawlOptions:
    """Options for tests: no rate limit, tiny backoff, short timeouts, small page limit."""
    base = CrawlOptions(base_url=site.base_url, rate_limit=0, workers=4, connect_timeout_s=2,
                        read_timeout_s=0.4, page_timeout_s=5, retries=3, backoff_factor=0.01,
                        backoff_max_s=0.05, backoff_jitter_s=0.01, attempts=3,
                        max_page_bytes=200_000, manifest_every=5)
    return dataclasses.replace(base, **changes)


def snapshot(root: Path, *, with_times: bool = False) -> dict[str, object]:
    """Every file of a store (bytes, or bytes and mtime), ignoring the lock and fetch times."""
    import json
    import re

    out: dict[str, object] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name == ".lock":
            continue
        rel = path.relative_to(root).as_posix()
        data = path.read_bytes()
        if path.name == "film.json":
            raw = json.loads(data)
            raw.pop("fetched_at")
            data = json.dumps(raw, sort_keys=True).encode()
        elif path.name == "manifest.jsonl":
            data = re.sub(rb'"fetched_at": "[^"]*"', b'"fetched_at": ""', data)
        out[rel] = (data, path.stat().st_mtime_ns) if with_times else data
    return out
