"""Webhooks as the Standard Webhooks specification has them: signed deliveries, tried until they land or give up.

A delivery is taken by one worker at a time (a lease in its row), sent through the fetcher's address rules, and
recorded: delivered, tried again later (exponential backoff with jitter), or failed. The row is the truth: a lost
task message or a worker killed mid-send delays a delivery (the due sweep sends it again) and never loses it.
Receivers drop the repeats this allows by `webhook-id`, the same for every try of an event.
"""

from __future__ import annotations

import base64
import json
import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, override
from standardwebhooks.webhooks import Webhook

from claims import rules
from claims.alerts.leases import lease_take, lost, under_lease
from claims.alerts.models import Delivery, DeliveryStatus, DisabledBecause, WebhookEndpoint
from claims.claimreview import factcheck_url
from claims.errors import InvalidInput, RuleViolation
from claims.models import Event, EventType
from claims.sources import fetching

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret as Standard Webhooks writes them: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def check_events(events: list[str]) -> list[str]:
    """The event types an endpoint asks for, each known, without repeats, in a stable order."""
    unknown = sorted(set(events) - set(EventType.values))
    if unknown:
        raise InvalidInput(
            "unknown_event_type",
            gettext("Unknown event types: %(types)s.") % {"types": ", ".join(unknown)},
        )
    if not events:
        raise InvalidInput("no_event_type", gettext("Choose at least one event type."))
    return [value for value in EventType.values if value in events]


def check_url(url: str) -> str:
    """A receiver's address, under the fetcher's rules (an SSRF door otherwise): http(s), a public address or an
    allowed network, an allowed port. Names are judged again by what they resolve to at each delivery."""
    refusal = fetching.target_refusal(url)
    if refusal is not None:
        raise InvalidInput("url_not_allowed", str(refusal), errors={"url": [str(refusal)]})
    return url


@transaction.atomic
def endpoint_create(*, url: str, events: list[str], description: str, by: User) -> WebhookEndpoint:
    """A new endpoint with its own secret (the caller shows it once)."""
    rules.check_may_manage_webhooks(by)
    return WebhookEndpoint.objects.create(
        url=check_url(url), events=check_events(events), description=description, secret=new_secret(), created_by=by
    )


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    by: User,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what an editor may change; turning it off or on goes through endpoint_disable / endpoint_enable.

    `endpoint` as it is in the database: `is_active` is compared with what it is now."""
    rules.check_may_manage_webhooks(by)
    changed = []
    if url is not None:
        endpoint.url = check_url(url)
        changed.append("url")
    if events is not None:
        endpoint.events = check_events(events)
        changed.append("events")
    if description is not None:
        endpoint.description = description
        changed.append("description")
    if changed:
        endpoint.save(update_fields=changed)
    if is_active is True and not endpoint.is_active:
        endpoint_enable(endpoint=endpoint)
    elif is_active is False and endpoint.is_active:
        endpoint_disable(endpoint=endpoint, because=DisabledBecause.BY_EDITOR)
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, by: User) -> WebhookEndpoint:
    """A new secret; the old one keeps signing next to it for FACTCHECK_WEBHOOK_SECRET_OVERLAP."""
    rules.check_may_manage_webhooks(by)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = timezone.now() + settings.FACTCHECK_WEBHOOK_SECRET_OVERLAP
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    return endpoint


@transaction.atomic
def endpoint_enable(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Turned on again (after a 410, a day of failures or an editor's pause): deliveries start afresh."""
    endpoint.is_active, endpoint.disabled_at, endpoint.disabled_because = True, None, ""
    endpoint.failing_since = None
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_because", "failing_since"])
    return endpoint


def endpoint_disable(*, endpoint: WebhookEndpoint, because: DisabledBecause) -> bool:
    """Turn the endpoint off and fail its pending deliveries. False if it was already off."""
    now = timezone.now()
    with transaction.atomic():
        turned_off = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now, disabled_because=because
        )
        if not turned_off:
            return False
        Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED, error_code="endpoint_disabled", leased_until=None
        )
        if because != DisabledBecause.BY_EDITOR:
            from claims.alerts.tasks import endpoint_disabled_mail_task

            endpoint_id = endpoint.pk
            transaction.on_commit(lambda: endpoint_disabled_mail_task.delay(endpoint_id))
    endpoint.is_active, endpoint.disabled_at, endpoint.disabled_because = False, now, because
    return True


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, by: User) -> Delivery:
    """Send an event to the endpoint again, as a new delivery with the same `webhook-id`."""
    rules.check_may_manage_webhooks(by)
    if not delivery.endpoint.is_active:
        raise RuleViolation("endpoint_disabled", gettext("The endpoint is turned off: turn it on before redelivering."))
    again = Delivery.objects.create(endpoint=delivery.endpoint, event=delivery.event)
    from claims.alerts.tasks import delivery_send_task

    transaction.on_commit(lambda: delivery_send_task.delay(again.pk))
    return again


# --- What is sent ---------------------------------------------------------------------------------


def event_data(event: Event) -> dict[str, Any]:
    """The `data` of a webhook: the claim as it was told (status then), its verdict and, for flags, the flag."""
    claim = event.claim
    rating = claim.rating
    data: dict[str, Any] = {
        "claim": {
            "id": claim.pk,
            # Its public page, once it has one.
            "url": factcheck_url(claim) if rules.was_published(claim) else None,
            "status": event.claim_status,
            "rating": None
            if rating is None
            else {
                "slug": rating.slug,
                "label_en": rating.label_en,
                "label_fr": rating.label_fr,
                "claimreview_value": rating.claimreview_value,
            },
        }
    }
    if event.flag is not None:
        with override("en"):
            reason = event.flag.reason
        data["flag"] = {"id": event.flag.pk, "kind": event.flag.kind, "reason": reason}
    return data


def payload(event: Event) -> bytes:
    """The body: Standard Webhooks' `{"type", "timestamp", "data"}`, the timestamp when the event happened."""
    body = {
        "type": event.type,
        "timestamp": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": event_data(event),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def signed_headers(*, msg_id: str, body: bytes, secrets_now: list[str], at: datetime) -> dict[str, str]:
    """Standard Webhooks' three headers, signed with every secret in use (two during a rotation)."""
    at_utc = at.astimezone(UTC)
    text = body.decode()
    signatures = " ".join(Webhook(secret).sign(msg_id, at_utc, text) for secret in secrets_now)
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at_utc.timestamp())),
        "webhook-signature": signatures,
    }


# --- Sending --------------------------------------------------------------------------------------


def backoff(attempts: int) -> timedelta:
    """The wait before the next try: doubled at each failure up to the maximum, then half of it drawn at random
    ("equal jitter"), so that the receivers of a burst are not all retried in the same second."""
    base = settings.FACTCHECK_ALERT_RETRY_BASE.total_seconds()
    ceiling = min(settings.FACTCHECK_ALERT_RETRY_MAX.total_seconds(), base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311 - jitter, not a secret


def delivery_send(delivery_id: int) -> float | None:
    """Try one delivery now. Returns the seconds to wait before trying it again, None when it is done with or was not
    ours to try (delivered, failed, not due, or another worker's)."""
    now = timezone.now()
    row = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING)
    lease = lease_take(row, now=now, last_attempt_at=now)
    if lease is None:
        return None
    delivery = Delivery.objects.select_related("endpoint", "event__claim__rating", "event__flag").get(pk=delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.is_active:
        under_lease(row, lease).update(status=DeliveryStatus.FAILED, error_code="endpoint_disabled", leased_until=None)
        return None
    body = payload(event)
    headers = signed_headers(msg_id=event.webhook_id, body=body, secrets_now=endpoint.secrets(now), at=now)
    result = fetching.post(endpoint.url, body=body, headers=headers, timeout=settings.FACTCHECK_WEBHOOK_TIMEOUT)
    return _record(under_lease(row, lease), delivery, result, now=now)


def _record(row: QuerySet[Delivery], delivery: Delivery, result: fetching.PostResult, *, now: datetime) -> float | None:
    """The outcome, on the delivery's row (if this worker still holds it) and on its endpoint."""
    endpoint = delivery.endpoint
    answered = {
        "response_status": result.http_status,
        "duration_ms": result.duration_ms,
        "response_excerpt": result.excerpt,
        "error_code": result.reason.code if result.reason else "",
        "error_params": dict(result.reason.params) if result.reason else {},
        "leased_until": None,
    }
    if result.succeeded:
        if row.update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), **answered) and (
            endpoint.failing_since is not None
        ):
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return None
    failing_since = endpoint.failing_since or now
    if result.http_status == 410 or now - failing_since >= settings.FACTCHECK_WEBHOOK_FAILING_FOR:
        # Gone (the receiver asks for no more, as Standard Webhooks says), or a day of failures: turned off until
        # an editor turns it on again.
        if row.update(status=DeliveryStatus.FAILED, **answered):
            because = DisabledBecause.GONE if result.http_status == 410 else DisabledBecause.FAILING
            endpoint_disable(endpoint=endpoint, because=because)
        return None
    wait = backoff(delivery.attempts)
    if not row.update(next_attempt_at=now + wait, **answered):
        return None
    if endpoint.failing_since is None:
        WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
    return wait.total_seconds()


def deliveries_due(*, now: datetime, limit: int = 1000) -> list[int]:
    """Pending deliveries whose message was likely lost (leases.lost)."""
    pending = Delivery.objects.filter(status=DeliveryStatus.PENDING)
    return list(lost(pending, now=now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
