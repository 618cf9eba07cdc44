"""Shared fixtures: a guard on every connection, one user per role, claims at each step of the workflow, API clients."""

import importlib
import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Rating
from factcheck.celery import app
from tests.factories import UserFactory, claim_at
from tests.http_server import LocalHTTPServer

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


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the desk's default language: a request in French (LocaleMiddleware) leaves French active
    in the thread, and the next test would read the desk in it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


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


@pytest.fixture
def make_claim(db):
    """make_claim(status, sent_to_review_by=None, **fields): a claim taken to `status` through the real workflow."""
    return claim_at


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


@pytest.fixture
def published_tasks() -> Iterator[list[tuple[str, str]]]:
    """Every task this test sends to the broker, as (task name, queue), in order; the messages are taken back from
    the broker afterwards (no worker of the suite consumes the standard Redis)."""
    sent: list[tuple[str, str]] = []

    def record(sender: str, routing_key: str, **kwargs: Any) -> None:
        sent.append((sender, routing_key))

    before_task_publish.connect(record)
    yield sent
    before_task_publish.disconnect(record)
    if sent:
        app.control.purge()


@contextmanager
def rows_for_the_module(django_db_blocker: Any) -> Iterator[None]:
    """For an expensive module-scoped fixture: the rows made inside stay for all the module's tests (each runs in a
    savepoint of them) and are gone after the module, with the transaction that is rolled back then."""
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def serving(server: LocalHTTPServer, settings: Any) -> Iterator[LocalHTTPServer]:
    """The server, running for the test, on a port the fetcher allows (its port rules hold on loopback too)."""
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [*settings.FACTCHECK_FETCH_ALLOWED_PORTS, server.port]
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http_server(settings: Any) -> Iterator[LocalHTTPServer]:
    """A real HTTP server on 127.0.0.1 for the source fetcher: routes are added with `route(path, ...)`."""
    yield from serving(LocalHTTPServer(), settings)


@pytest.fixture
def desk_defaults(transactional_db: None) -> None:
    """The verdict scale and the roles, as their migrations make them.

    For tests that need a transactional database (a live server, threads with their own connections): earlier
    transactional tests emptied it (the flush keeps content types and permissions, not the rows data migrations
    made). Restoring them with serialized_rollback collides with those recreated content types whenever another
    transactional test ran first in the same process, so they are rebuilt from the migrations' own lists.
    """
    scale = importlib.import_module("claims.migrations.0002_default_rating_scale").DEFAULT_SCALE
    for order, (slug, label_en, label_fr, colour, value) in enumerate(scale, start=1):
        Rating.objects.get_or_create(
            slug=slug,
            defaults={
                "label_en": label_en,
                "label_fr": label_fr,
                "colour": colour,
                "claimreview_value": value,
                "order": order,
            },
        )
    for migration in (
        "claims.migrations.0003_roles",
        "claims.alerts.migrations.0002_roles_and_schedules",
        "claims.matching.migrations.0003_roles",
    ):
        add_roles(importlib.import_module(migration).ROLES)


def add_roles(roles: dict[str, list[str]]) -> None:
    for name, permissions in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
