"""Fixtures for the corpus tests: IMSDB-shaped sites on 127.0.0.1, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from support.fakesite import FakeFilm, FakeImsdb


@pytest.fixture
def make_site() -> Iterator[Callable[..., FakeImsdb]]:
    """Start fake IMSDB sites (stopped after the test)."""
    sites: list[FakeImsdb] = []

    def start(films: list[FakeFilm], **kwargs: object) -> FakeImsdb:
        kwargs.setdefault("slow_s", 1.0)
        site = FakeImsdb(films, **kwargs).start()
        sites.append(site)
        return site

    yield start
    for site in sites:
        site.stop()
