"""The alerts in the admin: each member's own mail settings; the editors' webhook endpoints and delivery logs."""

import pytest

from claims.alerts import planning, webhooks
from claims.alerts.models import AlertSettings, Delivery, DisabledBecause, WebhookEndpoint
from claims.models import ClaimStatus
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

ENDPOINTS = "/admin/alerts/webhookendpoint/"
SETTINGS = "/admin/alerts/alertsettings/"


def test_a_member_sees_and_changes_only_their_own_mail_settings(client, researcher, editor):
    AlertSettings.objects.create(user=editor, mail="digest")
    client.force_login(researcher)

    assert "editor" not in client.get(SETTINGS).content.decode()
    answer = client.post(f"{SETTINGS}add/", {"mail": "none", "language": "fr"})
    assert answer.status_code == 302
    assert AlertSettings.objects.get(user=researcher).mail == "none"
    # One row each: no second one to add, and the editor's is out of reach.
    assert client.get(f"{SETTINGS}add/").status_code == 403
    assert client.get(f"{SETTINGS}{AlertSettings.objects.get(user=editor).pk}/change/").status_code == 302


def test_an_editor_adds_an_endpoint_and_reads_its_secret_once(client, editor):
    client.force_login(editor)
    answer = client.post(
        f"{ENDPOINTS}add/",
        {"url": "https://cms.example.org/hooks", "description": "CMS", "events": ["flag.raised"]},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    page = answer.content.decode()
    assert endpoint.secret in page and endpoint.created_by == editor
    # Not again.
    assert endpoint.secret not in client.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()


def test_an_address_inside_the_network_is_refused_in_the_form(client, editor, settings):
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = []
    client.force_login(editor)
    answer = client.post(f"{ENDPOINTS}add/", {"url": "http://10.0.0.7/", "events": ["flag.raised"]})
    assert answer.status_code == 200 and "private network address" in answer.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_editor_turns_an_endpoint_off_and_on_again(client, editor):
    endpoint = webhooks.endpoint_create(
        url="https://cms.example.org/", events=["flag.raised"], description="", by=editor
    )
    webhooks.endpoint_disable(endpoint=endpoint, because=DisabledBecause.GONE)
    client.force_login(editor)
    form = {"url": endpoint.url, "description": "", "events": ["flag.raised"]}

    client.post(f"{ENDPOINTS}{endpoint.pk}/change/", {**form, "is_active": "on"})
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_because == ""

    client.post(f"{ENDPOINTS}{endpoint.pk}/change/", form)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_because == DisabledBecause.BY_EDITOR


@pytest.mark.parametrize("role", ["viewer", "researcher"])
def test_webhooks_are_the_editors(client, users, role, editor):
    endpoint = webhooks.endpoint_create(
        url="https://cms.example.org/", events=["claim.published"], description="", by=editor
    )
    client.force_login(users[role])
    assert client.get(ENDPOINTS).status_code == 403
    assert client.get(f"{ENDPOINTS}{endpoint.pk}/change/").status_code == 403
    assert client.get("/admin/alerts/delivery/").status_code == 403


def test_an_editor_redelivers_from_the_log(client, editor):
    endpoint = webhooks.endpoint_create(
        url="https://cms.example.org/", events=["claim.published"], description="", by=editor
    )
    claim_at(ClaimStatus.PUBLISHED)
    (delivery_id,) = planning.events_plan().deliveries
    client.force_login(editor)

    client.post("/admin/alerts/delivery/", {"action": "redeliver", "_selected_action": [delivery_id]})

    assert Delivery.objects.filter(endpoint=endpoint).count() == 2
    assert len(set(Delivery.objects.values_list("event_id", flat=True))) == 1
