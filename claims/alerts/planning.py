"""The planner: each new event becomes its webhook deliveries and its mail notices, in one transaction.

Events are taken with `SKIP LOCKED`, so planners running at once never plan one event twice; an event is marked
planned in the same transaction as the rows it produced, so a planner that dies leaves it for the next one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from claims.alerts import mail
from claims.alerts.models import Delivery, MailChoice, Notice, WebhookEndpoint
from claims.models import Claim, ClaimStatus, Event, EventType, Transition

# Events planned per transaction: a sweep's hundred thousand flags are planned in slices, each committed.
EVENTS_PER_PLAN = 1000


@dataclass
class Plan:
    """What one planning pass made: the ids the tasks are to send now."""

    events: int = 0
    deliveries: list[int] = field(default_factory=list)
    immediate_notices: list[int] = field(default_factory=list)


def is_urgent(event: Event) -> bool:
    """A published fact-check flagged: its assignee and its publisher hear of it at once (PRODUCT.md, Alerts)."""
    return event.type == EventType.FLAG_RAISED and event.claim_status == ClaimStatus.PUBLISHED


@transaction.atomic
def events_plan(*, limit: int = EVENTS_PER_PLAN) -> Plan:
    """Plan the deliveries and notices of up to `limit` unplanned events, oldest first."""
    events = list(
        Event.objects.filter(planned_at__isnull=True)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("id")[:limit]
    )
    plan = Plan(events=len(events))
    if not events:
        return plan
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
    deliveries = Delivery.objects.bulk_create(
        [
            Delivery(endpoint=endpoint, event=event)
            for event in events
            for endpoint in endpoints
            if endpoint.wants(event.type)
        ]
    )
    plan.deliveries = [delivery.pk for delivery in deliveries]

    # The events are this transaction's alone (SKIP LOCKED) and marked planned in it: no notice is made twice.
    notices = Notice.objects.bulk_create(_notices(events))
    plan.immediate_notices = [notice.pk for notice in notices if notice.immediate]
    Event.objects.filter(pk__in=[event.pk for event in events]).update(planned_at=timezone.now())
    return plan


def _notices(events: list[Event]) -> list[Notice]:
    """Each event's notices: for the claim's assignee and the editor who last published it, per their settings."""
    claim_ids = {event.claim_id for event in events}
    last_publisher = (
        Transition.objects.filter(claim=OuterRef("pk"), to_status=ClaimStatus.PUBLISHED)
        .order_by("-at", "-id")
        .values("by_id")[:1]
    )
    people: dict[int, set[int]] = {}
    for claim_id, assignee_id, publisher_id in (
        Claim.objects.filter(pk__in=claim_ids)
        .annotate(publisher_id=Subquery(last_publisher))
        .values_list("pk", "assignee_id", "publisher_id")
    ):
        people[claim_id] = {user_id for user_id in (assignee_id, publisher_id) if user_id is not None}
    user_ids = set().union(*people.values()) if people else set()
    readers = mail.reachable(User.objects.filter(pk__in=user_ids))
    choices = dict(readers.values_list("pk", "alert_settings__mail"))
    notices = []
    for event in events:
        for user_id in sorted(people.get(event.claim_id, set()) & choices.keys()):
            immediate = (choices[user_id] or MailChoice.IMMEDIATE) == MailChoice.IMMEDIATE and is_urgent(event)
            notices.append(Notice(user_id=user_id, event=event, immediate=immediate))
    return notices
