"""Fixtures of the session tests (the helpers live in ``session_support.py``)."""

from __future__ import annotations

import pytest
from session_support import SAMPLE, Film, film_of, revise


@pytest.fixture(scope="session")
def sample() -> Film:
    return film_of(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def revised(sample: Film) -> Film:
    return film_of(revise(sample.text))
