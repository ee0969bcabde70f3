"""Fixtures for the batch tests: the sample screenplay in three formats plus a broken file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample"
FORMATS = ("fountain", "fdx", "html")


@pytest.fixture
def inputs(tmp_path: Path) -> list[str]:
    """Three good screenplays and one line of garbage bytes, in that order."""
    broken = tmp_path / "in" / "broken.fountain"
    broken.parent.mkdir()
    broken.write_bytes(b"\x00\x9f\xff\xfe\x81\x00garbage\x01\x02\n")
    return [str(SAMPLE / f"sample.{fmt}") for fmt in FORMATS] + [str(broken)]


@pytest.fixture
def corpus_store(tmp_path: Path) -> Path:
    """A corpus store with two fetched films (Drama; Thriller) and one without a script."""
    from scenescore.corpus import CorpusStore, FilmRecord

    root = tmp_path / "corpus"
    store = CorpusStore(root)
    text = (SAMPLE / "sample.fountain").read_text(encoding="utf-8")
    records = []
    for title, slug, genres in (("Marrow Lake", "marrow-lake", ["Drama"]),
                                ("Cold Water", "cold-water", ["Thriller", "Drama"])):
        page = f"<html><body><pre>{text}</pre></body></html>".encode()
        record = FilmRecord(title=title, slug=slug, status="ok", genres=genres,
                            sha256=hashlib.sha256(page).hexdigest(), bytes=len(page))
        store.save_film(record, script=page, text=text)
        records.append(record)
    missing = FilmRecord(title="No Script", slug="no-script", status="no_script", genres=["Comedy"])
    store.save_film(missing)
    store.write_manifest([*records, missing])
    return root


@pytest.fixture
def short_script(tmp_path: Path) -> Path:
    """The sample's title page and first five scenes (four cues), so a render is quick."""
    lines = (SAMPLE / "sample.fountain").read_text(encoding="utf-8").splitlines()
    headings = [k for k, line in enumerate(lines) if line.startswith(("INT.", "EXT."))]
    path = tmp_path / "short" / "short.fountain"
    path.parent.mkdir()
    path.write_text("\n".join(lines[: headings[5]]) + "\n", encoding="utf-8")
    return path
