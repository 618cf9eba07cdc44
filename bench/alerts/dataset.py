"""The run's desk: published fact-checks that the flags sweep is about to flag, an editor and three endpoints."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone

from bench.alerts.receiver import ENDPOINTS
from claims.alerts import webhooks
from claims.alerts.models import Delivery, Notice, WebhookEndpoint
from claims.models import Check, Claim, ClaimStatus, Event, EventType, Evidence, Flag, Rating, Snapshot, Source

EDITOR = "bench-alerts-editor"


def tables_empty() -> None:
    """Empty every table the benchmark fills, so that each run starts from nothing."""
    models = (Delivery, Notice, WebhookEndpoint, Event, Flag, Check, Evidence, Snapshot, Source, Claim)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} RESTART IDENTITY CASCADE")


def claims_seed(count: int) -> None:
    """`count` fact-checks published three days ago, with no decisive evidence: the sweep flags each `unproven`.

    Rows written in bulk (the setting, not what is measured); no assignee and no publishing transition, so the
    planner makes no mail notices: the run is about webhooks only.
    """
    now = timezone.now()
    created = now - settings.FACTCHECK_UNPROVEN_AFTER - timedelta(days=1)
    published = created + timedelta(hours=1)
    rating = Rating.objects.order_by("order", "id").first()
    Claim.objects.bulk_create(
        [
            Claim(
                text=f"DeepSeek aurait entraîné son modèle sur les réponses de ChatGPT (affirmation {i}).",
                claimant="OpenAI",
                status=ClaimStatus.PUBLISHED,
                rating=rating,
                summary="Aucune preuve publique ne l'établit à ce jour.",
                created_at=created,
                first_published_at=published,
                published_at=published,
            )
            for i in range(count)
        ],
        batch_size=5000,
    )


def editor_get() -> User:
    """An editor of the desk (the `editor` role its migrations create): the one who adds the endpoints."""
    user, _ = User.objects.get_or_create(username=EDITOR, defaults={"email": "bench-alerts@127.0.0.1"})
    user.groups.add(Group.objects.get(name="editor"))
    # The permission cache of a user fetched before the group was added.
    return User.objects.get(pk=user.pk)


def endpoints_create(urls: dict[str, str], *, by: User) -> dict[str, WebhookEndpoint]:
    """The three endpoints of a phase, subscribed to `flag.raised`, as an editor adds them."""
    return {
        name: webhooks.endpoint_create(
            url=urls[name], events=[EventType.FLAG_RAISED], description=f"bench-alerts {name}", by=by
        )
        for name in ENDPOINTS
    }


def bodies() -> list[tuple[str, bytes]]:
    """Each flag.raised event's webhook-id and body, as the desk sends them, read before the clock starts."""
    events = Event.objects.filter(type=EventType.FLAG_RAISED).select_related("claim__rating", "flag").order_by("id")
    return [(event.webhook_id, webhooks.payload(event)) for event in events]
