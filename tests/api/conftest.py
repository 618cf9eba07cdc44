"""API fixtures: clients that authenticate the way API clients do (a token), and a fresh throttle per test."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_throttles():
    # Throttle counters live in the cache; one test's requests must not count against the next.
    cache.clear()
    yield
    cache.clear()


def client_for(user: AbstractBaseUser | None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(db) -> Callable[[AbstractBaseUser | None], APIClient]:
    """api(user) is a client holding that user's token; api(None) an anonymous one."""
    return client_for
