"""`manage.py issue_token USERNAME`: the key on the last line, the same key the next time, a clear error otherwise."""

import io

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import client_for


def issue(username: str) -> str:
    out = io.StringIO()
    call_command("issue_token", username, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_the_key_works_and_stays_the_same(researcher):
    from rest_framework.test import APIClient

    key = issue("researcher")
    assert issue("researcher") == key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/claims/").status_code == 200
    assert client_for(researcher).get("/api/v1/claims/").status_code == 200


def test_an_unknown_user_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no user named 'ghost'"):
        issue("ghost")
