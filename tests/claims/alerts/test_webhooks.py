"""Webhook deliveries against a real receiver on 127.0.0.1, verified by the standardwebhooks library itself."""

import base64
import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from claims.alerts import events, leases, mail, planning, webhooks
from claims.alerts.models import Delivery, DeliveryStatus, DisabledBecause, WebhookEndpoint
from claims.errors import InvalidInput
from claims.models import ClaimStatus, Event, EventType
from claims.services.workflow import claim_transition
from tests.claims.alerts.flagged import quote_lost_on_published_claim
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

S = ClaimStatus


def endpoint_for(url: str, editor, events=(EventType.CLAIM_PUBLISHED,)) -> WebhookEndpoint:
    return webhooks.endpoint_create(url=url, events=list(events), description="CMS", by=editor)


def planned_delivery(endpoint: WebhookEndpoint) -> Delivery:
    plan = planning.events_plan()
    assert len(plan.deliveries) == 1
    return Delivery.objects.get(pk=plan.deliveries[0], endpoint=endpoint)


def test_a_publication_reaches_the_receiver_signed_as_the_standard_says(receiver, editor):
    url = receiver.script("/cms")
    endpoint = endpoint_for(url, editor)
    claim = claim_at(S.PUBLISHED)
    delivery = planned_delivery(endpoint)

    webhooks.delivery_send(delivery.pk)

    (seen,) = receiver.at("/cms")
    # The receiver's own library, not ours, checks the signature, the timestamp and the body.
    body = Webhook(endpoint.secret).verify(seen.body, seen.headers)
    event = Event.objects.get(claim=claim, type=EventType.CLAIM_PUBLISHED)
    assert seen.headers["webhook-id"] == f"evt_{event.pk}"
    assert body["type"] == "claim.published"
    assert body["timestamp"].endswith("Z")
    assert body["data"]["claim"]["id"] == claim.pk
    assert body["data"]["claim"]["status"] == "published"
    assert body["data"]["claim"]["url"] == f"http://127.0.0.1:8000/factchecks/{claim.pk}-{claim.slug}/"
    assert body["data"]["claim"]["rating"]["slug"] == "false"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.DELIVERED, 1, 200)
    assert delivery.response_excerpt == '{"ok": true}'
    # Another secret does not verify it: the signature means something.
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(seen.body, seen.headers)


def test_the_secret_is_standard_webhooks_own_format(editor):
    endpoint = endpoint_for("http://127.0.0.1/x", editor)
    assert endpoint.secret.startswith("whsec_")
    assert len(base64.b64decode(endpoint.secret.removeprefix("whsec_"))) == 32


def test_a_flag_tells_its_kind_and_reason(receiver, editor):
    url = receiver.script("/bot")
    endpoint = endpoint_for(url, editor, events=[EventType.FLAG_RAISED])
    claim = quote_lost_on_published_claim()
    # The publication is not asked for by this endpoint: only the flag the sweep raised is delivered.
    delivery = planned_delivery(endpoint)
    webhooks.delivery_send(delivery.pk)

    body = json.loads(receiver.at("/bot")[0].body)
    flag = claim.flags.get()
    assert body["type"] == "flag.raised"
    assert body["data"]["flag"] == {
        "id": flag.pk,
        "kind": "quote_missing",
        "reason": "A quoted passage is no longer on its page.",
    }


def test_a_claim_never_published_is_told_without_a_public_page(receiver, editor):
    url = receiver.script("/bot")
    endpoint = endpoint_for(url, editor, events=[EventType.FLAG_RAISED])
    claim = claim_at(S.RESEARCHING)
    claim.flags.create(kind="unproven")
    events.events_record_flags(type=EventType.FLAG_RAISED, flag_ids=[claim.flags.get().pk], at=timezone.now())
    webhooks.delivery_send(planned_delivery(endpoint).pk)

    body = json.loads(receiver.at("/bot")[0].body)
    assert body["data"]["claim"]["status"] == "researching" and body["data"]["claim"]["url"] is None


def test_a_failed_delivery_is_tried_again_later_with_the_same_webhook_id(receiver, editor, settings):
    settings.FACTCHECK_ALERT_RETRY_BASE = timedelta(seconds=30)
    url = receiver.script("/flaky", statuses=[500])
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    delivery = planned_delivery(endpoint)

    retry_in = webhooks.delivery_send(delivery.pk)
    # Backoff with jitter: between half and all of the base wait for a first failure.
    assert retry_in is not None and 15 <= retry_in <= 30
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.response_status == 500 and delivery.next_attempt_at > timezone.now()
    # Not due yet: a second worker holding a stray message sends nothing.
    assert webhooks.delivery_send(delivery.pk) is None

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert webhooks.delivery_send(delivery.pk) is None  # done with
    ids = [seen.headers["webhook-id"] for seen in receiver.at("/flaky")]
    assert len(ids) == 2 and ids[0] == ids[1]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_backoff_doubles_up_to_its_ceiling(settings):
    settings.FACTCHECK_ALERT_RETRY_BASE = timedelta(seconds=10)
    settings.FACTCHECK_ALERT_RETRY_MAX = timedelta(seconds=60)
    waits = [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4, 10)]
    assert 5 <= waits[0] <= 10 and 10 <= waits[1] <= 20 and 20 <= waits[2] <= 40
    assert 30 <= waits[3] <= 60 and 30 <= waits[4] <= 60


def test_a_410_turns_the_endpoint_off_and_its_editor_is_told(
    receiver, editor, smtp, django_capture_on_commit_callbacks
):
    _, mailbox = smtp
    url = receiver.script("/gone", then=410)
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    delivery = planned_delivery(endpoint)
    with django_capture_on_commit_callbacks() as callbacks:
        webhooks.delivery_send(delivery.pk)

    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_because == DisabledBecause.GONE
    # Its editor is mailed once this commits (the task the callback sends, run here).
    assert len(callbacks) == 1
    mail.endpoint_disabled_mail(endpoint.pk)
    ((recipients, raw),) = mailbox.messages
    assert recipients == ["editor@newsroom.example"] and url.encode() in raw and b"410" in raw
    # Nothing more is planned for it.
    claim_at(S.PUBLISHED)
    assert planning.events_plan().deliveries == []


def test_an_endpoint_turned_on_again_starts_afresh(receiver, editor):
    url = receiver.script("/back", statuses=[410])
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    webhooks.delivery_send(planned_delivery(endpoint).pk)
    endpoint.refresh_from_db()
    assert not endpoint.is_active

    webhooks.endpoint_update(endpoint=endpoint, by=editor, is_active=True)

    claim_at(S.PUBLISHED)
    webhooks.delivery_send(planned_delivery(endpoint).pk)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.disabled_because == "" and endpoint.failing_since is None
    assert len(receiver.webhook_ids("/back")) == 1


def test_a_day_of_failures_turns_the_endpoint_off(receiver, editor):
    url = receiver.script("/down", then=503)
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    claim_at(S.PUBLISHED)
    first, second = planning.events_plan().deliveries
    # The first failure sets when the endpoint started failing; a day later, the next one turns it off.
    webhooks.delivery_send(first)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since is not None
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(hours=25))
    Delivery.objects.filter(pk=first).update(next_attempt_at=timezone.now())

    webhooks.delivery_send(first)

    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_because == DisabledBecause.FAILING
    # The other pending delivery is given up with it, not tried for ever.
    assert Delivery.objects.get(pk=second).status == DeliveryStatus.FAILED
    assert Delivery.objects.get(pk=second).error_code == "endpoint_disabled"


def test_during_a_rotation_both_secrets_verify(receiver, editor):
    url = receiver.script("/rotating")
    endpoint = endpoint_for(url, editor)
    old_secret = endpoint.secret
    endpoint = webhooks.endpoint_rotate_secret(endpoint=endpoint, by=editor)
    claim_at(S.PUBLISHED)
    webhooks.delivery_send(planned_delivery(endpoint).pk)

    (seen,) = receiver.at("/rotating")
    assert len(seen.headers["webhook-signature"].split(" ")) == 2
    Webhook(old_secret).verify(seen.body, seen.headers)
    Webhook(endpoint.secret).verify(seen.body, seen.headers)


def test_after_the_overlap_only_the_new_secret_signs(receiver, editor):
    url = receiver.script("/rotated")
    endpoint = webhooks.endpoint_rotate_secret(endpoint=endpoint_for(url, editor), by=editor)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_until=timezone.now() - timedelta(seconds=1))
    claim_at(S.PUBLISHED)
    webhooks.delivery_send(planned_delivery(endpoint).pk)
    (seen,) = receiver.at("/rotated")
    assert len(seen.headers["webhook-signature"].split(" ")) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.7/hook",
        "http://169.254.169.254/latest/",
        "http://[::1]:8080/",
        "ftp://example.org/",
        "http://127.0.0.1:6379/",
    ],
)
def test_a_receiver_inside_the_network_is_refused(editor, url, settings):
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = []
    with pytest.raises(InvalidInput) as refused:
        endpoint_for(url, editor)
    assert refused.value.code == "url_not_allowed"


def test_a_name_that_resolves_inside_is_refused_at_delivery(receiver, editor, settings):
    url = receiver.script("/inside").replace("127.0.0.1", "localhost")
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    delivery = planned_delivery(endpoint)
    settings.FACTCHECK_FETCH_ALLOW_NETWORKS = []

    webhooks.delivery_send(delivery.pk)

    assert receiver.at("/inside") == []
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.error_code == "address_not_public"


def test_a_rolled_back_change_plans_and_sends_nothing(receiver, editor):
    url = receiver.script("/cms")
    endpoint_for(url, editor)
    claim = claim_at(S.IN_REVIEW)
    with pytest.raises(RuntimeError), transaction.atomic():
        claim_transition(claim=claim, to=S.PUBLISHED, by=editor)
        raise RuntimeError("the request failed after the move")

    assert planning.events_plan().events == 0
    assert receiver.received == []


def test_a_receiver_that_never_answers_is_cut_off_at_the_timeout(receiver, editor, settings):
    settings.FACTCHECK_WEBHOOK_TIMEOUT = 0.5
    url = receiver.script("/slow", delay=3)
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    delivery = planned_delivery(endpoint)

    webhooks.delivery_send(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.error_code == "total_timeout"
    assert delivery.duration_ms < 2000


def test_a_worker_that_outlived_its_lease_records_nothing(editor, settings):
    """Taken for dead, its send was given to another worker: the first one's late outcome is not written."""
    endpoint = endpoint_for("http://127.0.0.1/x", editor)
    claim_at(S.PUBLISHED)
    row = Delivery.objects.filter(pk=planned_delivery(endpoint).pk)
    now = timezone.now()
    first = leases.lease_take(row, now=now)
    assert first is not None and leases.lease_take(row, now=now) is None  # held

    later = now + settings.FACTCHECK_ALERT_LEASE + timedelta(seconds=1)
    assert list(leases.lost(Delivery.objects.all(), now=later)) == list(row)
    second = leases.lease_take(row, now=later)

    assert second is not None
    assert leases.under_lease(row, first).update(status=DeliveryStatus.DELIVERED) == 0
    assert leases.under_lease(row, second).update(status=DeliveryStatus.DELIVERED) == 1
    assert row.get().attempts == 2


def test_redelivery_sends_the_same_event_again(receiver, editor):
    url = receiver.script("/cms")
    endpoint = endpoint_for(url, editor)
    claim_at(S.PUBLISHED)
    delivery = planned_delivery(endpoint)
    webhooks.delivery_send(delivery.pk)

    again = webhooks.delivery_redeliver(delivery=delivery, by=editor)
    webhooks.delivery_send(again.pk)

    ids = receiver.webhook_ids("/cms")
    assert len(ids) == 2 and ids[0] == ids[1]
