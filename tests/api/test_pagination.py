"""Long lists are not counted row by row: the count is exact up to a limit and an estimate beyond, said so, and
following `next` still reads every row once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import pagination
from claims.models import Claim
from tests.factories import ClaimFactory, EvidenceFactory


@pytest.fixture
def twelve_claims(db: None) -> list[int]:
    return [claim.pk for claim in ClaimFactory.create_batch(12)]


def every_page(client, url: str) -> tuple[list[int], list[dict]]:
    seen: list[int] = []
    bodies = []
    while url:
        body = client.get(url).json()
        bodies.append(body)
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    return seen, bodies


def test_a_short_list_is_counted_exactly(twelve_claims, api, viewer):
    body = api(viewer).get("/api/v1/claims/?page_size=5").json()
    assert (body["count"], body["count_is_estimate"]) == (12, False)


def test_beyond_the_limit_the_count_is_an_estimate_and_every_row_is_still_read_once(
    twelve_claims, api, viewer, monkeypatch
):
    monkeypatch.setattr(pagination, "COUNT_EXACT_UP_TO", 5)
    seen, bodies = every_page(api(viewer), "/api/v1/claims/?page_size=5")
    assert sorted(seen) == sorted(twelve_claims)
    assert len(bodies) == 3
    assert all(body["count_is_estimate"] for body in bodies)
    # At least what was counted before the limit: never fewer rows than the list is known to hold.
    assert all(body["count"] > 5 for body in bodies)


@pytest.mark.parametrize("limit", [5, 1000])
def test_a_page_past_the_last_is_a_clear_404(twelve_claims, api, viewer, monkeypatch, limit):
    monkeypatch.setattr(pagination, "COUNT_EXACT_UP_TO", limit)
    answer = api(viewer).get("/api/v1/claims/?page_size=5&page=4")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


def test_an_empty_list_has_one_empty_page(db, api, viewer):
    body = api(viewer).get("/api/v1/claims/").json()
    assert body == {"count": 0, "count_is_estimate": False, "next": None, "previous": None, "results": []}


def test_the_schema_describes_the_count_and_whether_it_is_an_estimate(db, api, viewer):
    schema = api(viewer).get("/api/schema/", {"format": "json"}).json()
    page = schema["components"]["schemas"]["PaginatedClaimList"]
    assert page["properties"]["count_is_estimate"]["type"] == "boolean"
    assert "count_is_estimate" in page["required"]


def test_a_search_counts_its_matches_once(db, api, viewer):
    ClaimFactory.create_batch(7, text="DeepSeek a copié ChatGPT.", language="fr")
    client = api(viewer)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/claims/", {"q": "DeepSeek", "page_size": 5}).json()
    # The search counts its matches to choose their order; the page's count is that one.
    assert (body["count"], body["count_is_estimate"], len(body["results"])) == (7, False, 5)
    assert sum("COUNT(" in query["sql"] for query in queries.captured_queries) == 1


def test_a_count_serves_the_querysets_that_hold_the_same_rows_and_no_other(db, django_assert_num_queries):
    evidence = EvidenceFactory.create_batch(3, claim=ClaimFactory(language="en"))
    ClaimFactory.create_batch(4, language="fr")
    everything = Claim.objects.all()
    claims, count = pagination.counted_rows(everything, 100)
    assert count == 5
    with django_assert_num_queries(0):
        # Ordered, with columns of the claims and of the rows their foreign keys point to: the same 5 rows.
        rows = claims.order_by("-id").values("id", "rating__slug", "assignee__username")
        assert pagination.capped_count(rows, 100) == 5
    with django_assert_num_queries(1):
        assert pagination.capped_count(claims.filter(language="fr"), 100) == 4
    with django_assert_num_queries(1):
        # One row for each piece of evidence: counted anew.
        assert pagination.capped_count(claims.values("id", "evidence__id"), 100) == 4 + len(evidence)
    with django_assert_num_queries(1):
        assert pagination.capped_count(claims, 2) == 3
    # What was counted from is left as it was: a claim added since is counted.
    ClaimFactory()
    with django_assert_num_queries(1):
        assert pagination.capped_count(everything, 100) == 6
