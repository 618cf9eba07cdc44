"""Shared fixtures: a guard on every connection, one user per role, and claims at each step of the workflow."""

import ipaddress
import socket
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Claim, ClaimStatus, QuoteStatus, Stance, Transition
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory, rating

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every address a test's process connects to. Anything outside 127.0.0.0/8 is refused before the socket
    connects, so that no test reaches another address even if the fetcher's own guard were broken."""
    attempted: list[str] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]  # type: ignore[index]
            attempted.append(host)
            if ipaddress.ip_address(host) not in LOOPBACK:
                raise ConnectionRefusedError(f"test guard: no connection outside 127.0.0.0/8 ({host})")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempted


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role="viewer")


@pytest.fixture
def researcher(db):
    return UserFactory(username="researcher", role="researcher")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", role="editor")


@pytest.fixture
def second_editor(db):
    return UserFactory(username="editor2", role="editor")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def outsider(db):
    """Staff with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture
def users(viewer, researcher, editor, superuser, outsider):
    return {"viewer": viewer, "researcher": researcher, "editor": editor, "superuser": superuser, "outsider": outsider}


def claim_in(status: ClaimStatus, *, sent_to_review_by=None, **fields) -> Claim:
    """A claim that is ready to move on from `status`: rated, with decisive found evidence and a summary."""
    if status == ClaimStatus.PUBLISHED:
        fields.setdefault("published_at", timezone.now())
        fields.setdefault("first_published_at", fields["published_at"])
    claim = ClaimFactory(status=status, rating=rating("false"), summary="Aucune preuve publiée.", **fields)
    EvidenceFactory(claim=claim, stance=Stance.REFUTES, quote="aucune preuve", quote_status=QuoteStatus.FOUND)
    if sent_to_review_by is not None:
        Transition.objects.create(
            claim=claim, from_status=ClaimStatus.RESEARCHING, to_status=ClaimStatus.IN_REVIEW, by=sent_to_review_by
        )
    return claim


@pytest.fixture
def make_claim(db):
    return claim_in


def client_for(user: AbstractBaseUser | None) -> APIClient:
    """An API client holding the user's token, as API clients authenticate; anonymous for None."""
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(db) -> Callable[[AbstractBaseUser | None], APIClient]:
    """api(user) is a client holding that user's token; api(None) an anonymous one."""
    return client_for
