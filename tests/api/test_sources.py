"""Cited sources over the API: their state, their checks, and asking for a check now."""

import datetime

from django.utils import timezone

from claims.models import Check, CheckOutcome, Source, SourceState
from tests.factories import SourceFactory


def test_source_list_filters_by_state(api, viewer, db):
    alive = SourceFactory(state=SourceState.ALIVE)
    SourceFactory(state=SourceState.DEAD)
    response = api(viewer).get("/api/v1/sources/", {"state": "alive"})
    assert [row["id"] for row in response.json()["results"]] == [alive.pk]
    assert api(viewer).get("/api/v1/sources/", {"state": "sleepy"}).status_code == 400


def test_source_detail(api, viewer, db):
    source = SourceFactory(
        state=SourceState.FAILING,
        http_status=503,
        consecutive_failures=2,
        last_error_code="name_not_found",
        last_error_params={"host": "example.org"},
    )
    body = api(viewer).get(f"/api/v1/sources/{source.pk}/").json()
    assert (body["state"], body["http_status"], body["consecutive_failures"], body["last_error_code"]) == (
        "failing",
        503,
        2,
        "name_not_found",
    )
    # The reason said in the caller's language.
    assert body["last_error"] == "The name example.org could not be found."
    french = api(viewer).get(f"/api/v1/sources/{source.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["last_error"] == "Le nom example.org est introuvable."


def test_source_checks_newest_first(api, viewer, db):
    source = SourceFactory()
    now = timezone.now()
    old = Check.objects.create(source=source, started_at=now - datetime.timedelta(days=1), outcome=CheckOutcome.OK)
    new = Check.objects.create(
        source=source,
        started_at=now,
        outcome=CheckOutcome.TIMEOUT,
        error_code="total_timeout",
        error_params={"seconds": 20},
    )
    body = api(viewer).get(f"/api/v1/sources/{source.pk}/checks/").json()
    assert [row["id"] for row in body["results"]] == [new.pk, old.pk]
    assert body["results"][0]["outcome"] == "timeout"
    assert body["results"][0]["error"] == "The page did not arrive within 20 seconds, the limit for one check."
    assert (body["results"][0]["error_code"], body["results"][0]["error_params"]) == ("total_timeout", {"seconds": 20})


def test_recheck_makes_the_source_due_now(api, researcher, django_capture_on_commit_callbacks, published_tasks, db):
    source = SourceFactory(next_check_at=timezone.now() + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = api(researcher).post(f"/api/v1/sources/{source.pk}/recheck/")
    assert response.status_code == 202
    source.refresh_from_db()
    assert source.next_check_at <= timezone.now()
    assert published_tasks == [("claims.sources.tasks.sources_dispatch_task", "checks")]


def test_recheck_is_throttled(api, researcher, db, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "recheck", "2/minute")
    source = SourceFactory()
    client = api(researcher)
    codes = [client.post(f"/api/v1/sources/{source.pk}/recheck/").status_code for _ in range(3)]
    assert codes == [202, 202, 429]
    refused = client.post(f"/api/v1/sources/{source.pk}/recheck/")
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    assert Source.objects.filter(pk=source.pk).exists()
