"""The OpenAPI schema says what the API really does: Schemathesis runs every operation against the live schema."""

import os
import re
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from claims.models import Check, CheckOutcome, ClaimStatus, Flag, FlagKind
from factcheck.wsgi import application
from tests.conftest import client_for
from tests.factories import UserFactory, claim_at

# An unordered page is a bug that shows only under load; here it fails the operation (a 500).
pytestmark = pytest.mark.filterwarnings("error::django.core.paginator.UnorderedObjectListWarning")


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Requests through the WSGI app share the test's transaction, as Django's own test client arranges.

    Django closes "old" connections when a request starts and ends; inside the test's transaction that would close it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo_desk(db) -> dict[str, int]:
    """Demo-like data: claims at each step of the workflow, with evidence, flags, sources and their checks."""
    colleague = UserFactory(username="colleague", role="researcher")
    claims = {status: claim_at(status, sent_to_review_by=colleague) for status in ClaimStatus}
    Flag.objects.create(claim=claims[ClaimStatus.RESEARCHING], kind=FlagKind.UNPROVEN)
    source = claims[ClaimStatus.PUBLISHED].evidence.get().source
    Check.objects.create(source=source, outcome=CheckOutcome.OK, http_status=200)
    # Ids that exist, so that detail operations are tried on real rows and not only answered 404.
    KNOWN_IDS[:] = sorted(
        {claim.pk for claim in claims.values()}
        | {evidence.pk for claim in claims.values() for evidence in claim.evidence.all()}
        | {source.pk}
    )
    return {"published": claims[ClaimStatus.PUBLISHED].pk, "source": source.pk}


@pytest.fixture
def editor_token(db) -> str:
    editor = UserFactory(username="fuzzing-editor", role="editor")
    client_for(editor)
    return editor.auth_token.key


# The schema the app serves now, not a copy. Loaded when the module is collected: serving it reads no database.
# (schemathesis.pytest.from_fixture would load it per test, but does not run under pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
KNOWN_IDS: list[int] = []


def flatmap_path_parameters(context, path_parameters: dict) -> st.SearchStrategy:
    """Half the time, an id that exists instead of the generated one."""
    if not path_parameters or "id" not in path_parameters or not KNOWN_IDS:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters), st.sampled_from(KNOWN_IDS).map(lambda id_: {**path_parameters, "id": id_})
    )


@schema.hooks.apply(flatmap_path_parameters)
@schema.parametrize()
@settings(
    max_examples=50,
    # In CI the same examples every run, so that main stays green; elsewhere each run explores new inputs.
    derandomize=os.environ.get("CI") == "true",
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_against_the_live_schema(case, in_test_transaction, demo_desk, editor_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {editor_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_the_schema_and_docs_are_served(client, db):
    schema_response = client.get("/api/schema/")
    assert schema_response.status_code == 200
    assert b"/api/v1/claims/{id}/transitions/" in schema_response.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_the_docs_page_loads_nothing_from_a_cdn(client):
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(asset.startswith("/static/") for asset in assets), assets
    assert client.get(next(a for a in assets if a.endswith("swagger-ui-bundle.js"))).status_code == 200
