"""Who sends a delivery or a mail notice: a lease in its row, so that one worker at a time sends it and a dead
worker's sends are taken again once their lease has run out (FACTCHECK_ALERT_LEASE).

Rows that are sent this way carry `next_attempt_at`, `leased_until` and `attempts`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.db.models import F, Model, Q, QuerySet

Sent = TypeVar("Sent", bound=Model)


def _free(now: datetime) -> Q:
    return Q(leased_until__isnull=True) | Q(leased_until__lt=now)


def lease_take(row: QuerySet[Sent], *, now: datetime, **also: object) -> datetime | None:
    """Lease the row (a queryset of one, already filtered to what may be sent) if it is due and no live worker holds
    it; count the attempt. Returns the lease, which the outcome is recorded under, or None if it is not ours."""
    lease = now + settings.FACTCHECK_ALERT_LEASE
    taken = row.filter(_free(now), next_attempt_at__lte=now).update(
        leased_until=lease, attempts=F("attempts") + 1, **also
    )
    return lease if taken else None


def under_lease(row: QuerySet[Sent], lease: datetime) -> QuerySet[Sent]:
    """The row, if the lease is still the one it was taken under: a worker that outlived its lease, whose send was
    taken again by another, records nothing."""
    return row.filter(leased_until=lease)


def lost(rows: QuerySet[Sent], *, now: datetime) -> QuerySet[Sent]:
    """Due rows no live worker holds whose message was likely lost (a dead worker, a broker restart): their lease ran
    out, or they have been due for longer than a lease and were never taken (the others are still queued)."""
    overdue = now - settings.FACTCHECK_ALERT_LEASE
    return rows.filter(next_attempt_at__lte=now).filter(
        Q(leased_until__isnull=True, next_attempt_at__lte=overdue) | Q(leased_until__lt=now)
    )
