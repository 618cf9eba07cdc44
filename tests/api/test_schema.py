"""The OpenAPI schema says what the API really does: Schemathesis runs every operation against the live schema."""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import EndpointEnumerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from claims.models import Check, CheckOutcome, ClaimStatus, Flag, FlagKind
from factcheck.wsgi import application
from tests.conftest import client_for, rows_for_the_module
from tests.factories import UserFactory, claim_at

# An unordered page is a bug that shows only under load; here it fails the operation (a 500).
pytestmark = pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")


@contextmanager
def requests_in_this_transaction() -> Iterator[None]:
    """Requests through the WSGI app share the test's transaction, as Django's own test client arranges.

    Django closes "old" connections when a request starts and ends; inside the test's transaction that would close it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    with requests_in_this_transaction():
        yield


@pytest.fixture(scope="module")
def demo_desk(django_db_setup, django_db_blocker) -> Iterator[dict[str, int]]:
    """Demo-like data, built once for every operation: claims at each step of the workflow, with evidence, flags,
    sources and their checks, and an editor's token."""
    with rows_for_the_module(django_db_blocker):
        claims = {status: claim_at(status) for status in ClaimStatus}
        Flag.objects.create(claim=claims[ClaimStatus.RESEARCHING], kind=FlagKind.UNPROVEN)
        source = claims[ClaimStatus.PUBLISHED].evidence.get().source
        Check.objects.create(source=source, outcome=CheckOutcome.OK, http_status=200)
        editor = UserFactory(username="fuzzing-editor", role="editor")
        client_for(editor)
        # Ids that exist, so that detail operations are tried on real rows and not only answered 404.
        known_ids = sorted(
            {claim.pk for claim in claims.values()}
            | {evidence.pk for claim in claims.values() for evidence in claim.evidence.all()}
            | {source.pk}
        )
        yield {"token": editor.auth_token.key, "known_ids": known_ids}


@pytest.fixture(scope="module")
def live_schema(demo_desk, django_db_blocker) -> Any:
    """The schema the app serves now, not a copy, read when the first operation is tried (not when tests are
    collected: generating it takes seconds), with the editor's token: the schema is the desk's."""
    with django_db_blocker.unblock(), requests_in_this_transaction():
        return schemathesis.openapi.from_wsgi(
            "/api/schema/", application, headers={"Authorization": f"Token {demo_desk['token']}"}
        )


def api_operations() -> list[tuple[str, str]]:
    """The API's operations as (method, path), read from its URLs at collection, cheaply; the test below holds
    them to the schema's own list."""
    endpoints = EndpointEnumerator().get_api_endpoints()
    return sorted(
        (method, path.replace("{pk}", "{id}")) for path, _, method, _ in endpoints if path.startswith("/api/v1/")
    )


def test_every_operation_of_the_schema_is_tried(live_schema, db):
    # `db`: run among the database tests, before the transactional ones empty the roles the schema's reader needs.
    operations = {(op.method.upper(), op.path) for op in (result.ok() for result in live_schema.get_all_operations())}
    assert operations == set(api_operations())


@pytest.mark.parametrize(("method", "path"), api_operations())
def test_every_operation_against_the_live_schema(method, path, live_schema, in_test_transaction, demo_desk, db):
    operation = live_schema[path][method]

    # Valid and invalid inputs alike (Schemathesis' positive and negative modes), as its own runner draws them.
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @given(case=cases, known_id=st.sampled_from(demo_desk["known_ids"]), use_known=st.booleans())
    @settings(
        max_examples=100,
        # In CI the same examples every run, so that main stays green; elsewhere each run explores new inputs.
        derandomize=os.environ.get("CI") == "true",
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def call(case: Any, known_id: int, use_known: bool) -> None:
        # Half the time, an id that exists instead of the generated one.
        if use_known and "id" in (case.path_parameters or {}):
            case.path_parameters = {**case.path_parameters, "id": known_id}
        case.call_and_validate(
            headers={"Authorization": f"Token {demo_desk['token']}"},
            checks=[not_a_server_error, response_schema_conformance],
        )

    call()


def test_the_schema_and_docs_are_served_to_the_desk(client, api, viewer):
    schema_response = api(viewer).get("/api/schema/")
    assert schema_response.status_code == 200
    assert b"/api/v1/claims/{id}/transitions/" in schema_response.content
    client.force_login(viewer)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_the_schema_and_docs_are_not_public(client, api, outsider):
    # As the README says: only the ClaimReview of a published fact-check is public.
    anonymous = api(None).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert api(outsider).get("/api/schema/").status_code == 403
    docs = client.get("/api/docs/")
    assert (docs.status_code, docs["Location"]) == (302, "/admin/login/?next=/api/docs/")
    client.force_login(outsider)
    assert client.get("/api/docs/").status_code == 403


def test_the_docs_page_loads_nothing_from_a_cdn_and_nothing_inline(client, viewer):
    client.force_login(viewer)
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/static/") or asset.startswith("/api/docs/") for asset in assets), assets
    assert client.get(next(a for a in assets if a.endswith("swagger-ui-bundle.js"))).status_code == 200
    # Every script and style is a file (the Content-Security-Policy allows neither inline).
    assert "<style" not in page
    assert all(re.search(r"\bsrc=", tag) for tag in re.findall(r"<script\b[^>]*>", page)), page
