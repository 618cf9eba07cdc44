"""/api/v1/webhooks/: editors manage endpoints; the secret is shown once; the log and redelivery."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.alerts import planning, webhooks
from claims.alerts.models import Delivery, WebhookEndpoint
from claims.models import ClaimStatus
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/"


def test_an_editor_adds_an_endpoint_and_sees_its_secret_once(api, editor):
    answer = api(editor).post(
        URL,
        {"url": "https://cms.example.org/hooks", "events": ["flag.raised", "claim.published"], "description": "CMS"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["secret"].startswith("whsec_") and len(base64.b64decode(body["secret"][6:])) == 32
    # In the scale's order, each once.
    assert body["events"] == ["claim.published", "flag.raised"]
    assert answer["Location"].endswith(f"{URL}{body['id']}/")

    shown = api(editor).get(f"{URL}{body['id']}/").json()
    assert "secret" not in shown and shown["url"] == "https://cms.example.org/hooks"
    assert "secret" not in api(editor).get(URL).json()["results"][0]


@pytest.mark.parametrize("role", ["viewer", "researcher"])
def test_other_roles_may_not_see_or_add_endpoints(api, users, role):
    assert api(users[role]).get(URL).status_code == 403
    answer = api(users[role]).post(URL, {"url": "https://x.example/", "events": ["flag.raised"]}, format="json")
    assert answer.status_code == 403 and answer.json()["code"] == "permission_denied"
    assert api(None).get(URL).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://10.1.2.3/hook", "events": ["flag.raised"]}, "url"),
        ({"url": "http://169.254.169.254/", "events": ["flag.raised"]}, "url"),
        ({"url": "https://cms.example.org/", "events": ["flag.exploded"]}, "events"),
        ({"url": "https://cms.example.org/", "events": []}, None),
        ({"url": "https://cms.example.org/", "events": ["flag.raised"] * 50}, "events"),
        ({"url": "https://cms.example.org/", "events": ["flag.raised"], "secret": "mine"}, "secret"),
        ({"url": "not a url", "events": ["flag.raised"]}, "url"),
    ],
)
def test_a_bad_endpoint_is_refused_with_a_clear_error(api, editor, body, field, settings):
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = []
    answer = api(editor).post(URL, body, format="json")
    assert answer.status_code == 400, answer.json()
    if field:
        assert field in answer.json()["errors"]
    assert not WebhookEndpoint.objects.exists()


def test_an_editor_changes_pauses_and_removes_an_endpoint(api, editor):
    endpoint = webhooks.endpoint_create(
        url="https://cms.example.org/", events=["flag.raised"], description="", by=editor
    )
    client = api(editor)
    answer = client.patch(f"{URL}{endpoint.pk}/", {"events": ["claim.corrected"], "is_active": False}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["events"] == ["claim.corrected"]
    assert answer.json()["is_active"] is False and answer.json()["disabled_because"] == "by_editor"
    assert client.patch(f"{URL}{endpoint.pk}/", {"is_active": True}, format="json").json()["is_active"] is True
    assert client.delete(f"{URL}{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_signing(api, editor):
    endpoint = webhooks.endpoint_create(
        url="https://cms.example.org/", events=["flag.raised"], description="", by=editor
    )
    answer = api(editor).post(f"{URL}{endpoint.pk}/rotate-secret/")
    assert answer.status_code == 200
    endpoint.refresh_from_db()
    assert answer.json()["secret"] == endpoint.secret != endpoint.previous_secret
    assert endpoint.secrets() == [endpoint.secret, endpoint.previous_secret]


def test_the_list_of_endpoints_reads_a_fixed_number_of_queries(api, editor, django_assert_num_queries):
    client = api(editor)
    webhooks.endpoint_create(url="https://cms.example.org/", events=["flag.raised"], description="", by=editor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for n in range(6):
        webhooks.endpoint_create(url=f"https://cms{n}.example.org/", events=["flag.raised"], description="", by=editor)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 7


def test_the_delivery_log_reads_a_fixed_number_of_queries_and_redelivers(api, editor, django_assert_num_queries):
    endpoint = webhooks.endpoint_create(
        url="https://cms.example.org/", events=["claim.published"], description="", by=editor
    )
    for _ in range(3):
        claim_at(ClaimStatus.PUBLISHED)
    planning.events_plan()
    client = api(editor)

    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 200
    for _ in range(5):
        claim_at(ClaimStatus.PUBLISHED)
    planning.events_plan()
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(f"{URL}{endpoint.pk}/deliveries/").status_code == 200

    log = client.get(f"{URL}{endpoint.pk}/deliveries/").json()["results"]
    assert len(log) == 8 and log[0]["status"] == "pending" and log[0]["webhook_id"].startswith("evt_")
    delivery_id = log[-1]["id"]
    answer = client.post(f"{URL}{endpoint.pk}/deliveries/{delivery_id}/redeliver/")
    assert answer.status_code == 202, answer.json()
    again = Delivery.objects.get(pk=answer.json()["id"])
    assert again.event_id == Delivery.objects.get(pk=delivery_id).event_id and again.pk != delivery_id

    # Another endpoint's delivery is not this one's to redeliver.
    other = webhooks.endpoint_create(url="https://bot.example.org/", events=["flag.raised"], description="", by=editor)
    assert client.post(f"{URL}{other.pk}/deliveries/{delivery_id}/redeliver/").status_code == 404

    client.patch(f"{URL}{endpoint.pk}/", {"is_active": False}, format="json")
    refused = client.post(f"{URL}{endpoint.pk}/deliveries/{delivery_id}/redeliver/")
    assert refused.status_code == 409 and refused.json()["code"] == "endpoint_disabled"
