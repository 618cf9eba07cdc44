"""API fixtures: a fresh throttle per test (the clients that authenticate with a token are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache; one test's requests must not count against the next.
    cache.clear()
    yield
    cache.clear()
