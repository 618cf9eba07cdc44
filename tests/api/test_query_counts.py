"""Every list endpoint reads no more queries for a page of 100 than for a page of 5."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Check, CheckOutcome, Flag, FlagKind
from tests.conftest import rows_for_the_module
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, UserFactory, rating


@pytest.fixture(scope="module")
def busy_desk(django_db_setup, django_db_blocker):
    """More than 100 of everything a list shows, with all the relations a row touches.

    Built once for all the module's tests.
    """
    with rows_for_the_module(django_db_blocker):
        editor = UserFactory(username="busy-editor", role="editor")
        source = SourceFactory()
        claims = ClaimFactory.create_batch(105, rating=rating("false"), assignee=editor, created_by=editor)
        for claim in claims:
            claim.tags.add("ia", "deepseek")
            EvidenceFactory(claim=claim, source=source, added_by=editor)
            EvidenceFactory(claim=claim, added_by=editor)
            Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN)
        Check.objects.bulk_create(
            Check(source=source, outcome=CheckOutcome.OK, started_at=timezone.now()) for _ in range(105)
        )
        busy = claims[0]
        for n in range(105):
            EvidenceFactory(claim=busy, source=source, added_by=UserFactory(username=f"helper{n}", role="researcher"))
        # Edits and moves for the history.
        for n in range(60):
            busy.summary = f"Version {n}"
            busy._history_user = UserFactory(username=f"editor{n}", role="editor")
            busy.save()
        yield {"claim": busy, "source": source}


LISTS = [
    "/api/v1/claims/",
    "/api/v1/claims/?q=DeepSeek",
    "/api/v1/claims/?flag=unproven&rating=false&ordering=-created_at",
    "/api/v1/claims/{claim}/evidence/",
    "/api/v1/claims/{claim}/history/",
    "/api/v1/sources/",
    "/api/v1/sources/{source}/checks/",
    "/api/v1/ratings/",
]


@pytest.mark.parametrize("path", LISTS)
def test_the_query_count_does_not_grow_with_the_page(path, busy_desk, api, viewer):
    client = api(viewer)
    url = path.format(claim=busy_desk["claim"].pk, source=busy_desk["source"].pk)
    separator = "&" if "?" in url else "?"
    # Warm up once: the first request of a user loads their permissions.
    assert client.get(url).status_code == 200

    with CaptureQueriesContext(connection) as counted_small:
        small = client.get(f"{url}{separator}page_size=5")
    with CaptureQueriesContext(connection) as counted_large:
        large = client.get(f"{url}{separator}page_size=100")
    # Fewer is allowed: a list that fits on its first page is counted without a query.
    assert len(counted_large) <= len(counted_small), [q["sql"] for q in counted_large]

    assert small.status_code == large.status_code == 200
    if "ratings" not in path:
        assert len(large.json()["results"]) > len(small.json()["results"])
