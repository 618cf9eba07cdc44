"""The desk's daily record of its figures, which the home page's health chart reads (claims.stats)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from claims.models import Claim, ClaimStatus, DeskDay
from claims.stats import healthy_published


def desk_day_record(*, now: datetime | None = None) -> DeskDay:
    """Record today's figures (the desk's today): how many fact-checks are published now, how many are healthy.

    Beat runs it every hour; each run updates the day's row (one row a day however often it runs), so that the day
    keeps its last record.
    """
    now = now or timezone.now()
    published = Claim.objects.filter(status=ClaimStatus.PUBLISHED).count()
    day, _ = DeskDay.objects.update_or_create(
        date=timezone.localdate(now),
        defaults={"published": published, "healthy": healthy_published().count(), "recorded_at": now},
    )
    return day
