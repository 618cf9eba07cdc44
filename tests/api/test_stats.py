"""`/api/v1/stats/`: the home page's figures as JSON, for the desk's readers, in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims import stats
from claims.models import ClaimStatus, Flag, FlagKind, SourceState
from claims.services.figures import desk_day_record
from tests.factories import SourceFactory, claim_at

S = ClaimStatus
URL = "/api/v1/stats/"


def test_the_stats_say_what_the_charts_show(api, viewer):
    healthy = claim_at(S.PUBLISHED, verdict="false")
    flagged = claim_at(S.PUBLISHED, verdict="mostly-true")
    Flag.objects.create(claim=flagged, kind=FlagKind.QUOTE_MISSING)
    SourceFactory(state=SourceState.DEAD)
    desk_day_record()
    assert healthy.first_published_at is not None

    response = api(viewer).get(URL)

    assert response.status_code == 200
    body = response.json()
    today = timezone.localdate()
    this_week, this_month = stats.week_start(today).isoformat(), stats.month_start(today).isoformat()
    assert body["time_zone"] == "Europe/Paris"
    assert len(body["health"]) == len(body["flags"]) == stats.WEEKS
    assert len(body["verdicts"]) == stats.MONTHS
    assert body["health"][-1] == {"week": this_week, "published": 2, "healthy": 1, "share": 0.5}
    assert body["health"][0]["share"] is None
    assert body["flags"][-1] == {"week": this_week, "raised": 1, "cleared": 0}
    assert body["verdicts"][-1] == {"month": this_month, "counts": {"false": 1, "mostly-true": 1}}
    # Each claim's evidence source is pending (never checked), and one source is dead.
    assert body["sources"] == {
        "pending": 2,
        "alive": 0,
        "failing": 0,
        "dead": 1,
        "blocked": 0,
        "restricted": 0,
    }
    assert datetime.date.fromisoformat(body["flags"][0]["week"]).weekday() == 0


@pytest.mark.parametrize(("user", "status"), [(None, 401), ("outsider", 403), ("viewer", 200), ("editor", 200)])
def test_the_stats_are_the_desks(api, users, user, status):
    assert api(users[user] if user else None).get(URL).status_code == status


def test_the_stats_query_count_does_not_grow_with_claims_and_flags(api, viewer, django_assert_num_queries):
    client = api(viewer)
    claim_at(S.PUBLISHED)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(8):
        claim = claim_at(S.PUBLISHED, verdict="misleading")
        Flag.objects.create(claim=claim, kind=FlagKind.EVIDENCE_LOST)
        SourceFactory(state=SourceState.ALIVE)
    desk_day_record()

    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


def test_the_stats_are_in_the_api_schema(api, viewer):
    schema = api(viewer).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/stats/"]["get"]
    assert operation["summary"].startswith("The desk's figures")
    assert "Stats" in operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
