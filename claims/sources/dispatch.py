"""Due-based dispatch of source checks: due sources, each claimed under a lease, within per-host and global limits."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from claims.models import Evidence, Source


@dataclass(frozen=True)
class Lease:
    """A source claimed for one check: only the holder of the current token records a check of it."""

    source_id: int
    token: uuid.UUID


# Any number that no other advisory lock of this database uses.
DISPATCH_LOCK = 7_201_225


def sources_dispatch(
    *, now: datetime | None = None, enqueue: Callable[[Lease], None], fetch_over: Lease | None = None
) -> list[Lease]:
    """Claim the sources that are due, within the per-host and global limits, and enqueue a check of each after commit.

    A claimed source's next check time moves to the end of its lease: if the check is lost, the source is
    due again then, and the late message, if it ever comes, finds another token and records nothing. The limits
    count the fetches under way (`Source.fetching`, within their lease): a check that has fetched its page and is
    recording it holds its lease but no longer a slot. `fetch_over` is the caller's own lease, whose fetch has
    ended: its slot is given up in the same transaction (nothing happens if the lease is no longer current).
    """
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Dispatchers (beat, and every finished check) take turns, so the limits hold; it lasts milliseconds.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DISPATCH_LOCK])
        if fetch_over is not None:
            Source.objects.filter(pk=fetch_over.source_id, lease_token=fetch_over.token).update(fetching=False)
        fetching = Source.objects.filter(fetching=True, next_check_at__gt=now)
        per_host = Counter(dict(fetching.values_list("host").annotate(count=Count("id")).order_by()))
        free = settings.FACTCHECK_GLOBAL_CONCURRENCY - per_host.total()
        if free <= 0:
            return []
        full = [host for host, count in per_host.items() if count >= settings.FACTCHECK_PER_HOST_CONCURRENCY]
        # Rows a check is writing right now are skipped, not waited for; a source no evidence cites any more rests;
        # hosts already at their limit are left out, so that the rows looked at can all be taken.
        due = (
            Source.objects.filter(next_check_at__lte=now)
            .exclude(host__in=full)
            .filter(Exists(Evidence.objects.filter(source=OuterRef("pk"))))
            .order_by("next_check_at", "id")
            .select_for_update(skip_locked=True)
            .values_list("id", "host")[: free * 20]
        )
        chosen: list[int] = []
        for source_id, host in due:
            if per_host[host] < settings.FACTCHECK_PER_HOST_CONCURRENCY:
                per_host[host] += 1
                chosen.append(source_id)
                if len(chosen) == free:
                    break
        if not chosen:
            return []
        # A compare-and-set for each: on SQLite, which has no row locks, a row claimed meanwhile is left alone.
        lease_end = now + max(settings.FACTCHECK_CHECK_LEASE, settings.FACTCHECK_MIN_RECHECK)
        leases = [lease for source_id in chosen if (lease := _claim(source_id, now=now, lease_end=lease_end))]

        def enqueue_all() -> None:
            for lease in leases:
                enqueue(lease)

        transaction.on_commit(enqueue_all)
    return leases


def _claim(source_id: int, *, now: datetime, lease_end: datetime) -> Lease | None:
    """A lease on a due source, unless it was claimed meanwhile. The lease's end is when a lost check is due
    again: never sooner than a source may be fetched again."""
    token = uuid.uuid4()
    claimed = Source.objects.filter(pk=source_id, next_check_at__lte=now).update(
        lease_token=token, next_check_at=lease_end, fetching=True
    )
    return Lease(source_id, token) if claimed else None


def sources_rest_uncited(*, now: datetime | None = None) -> int:
    """Give the due sources that no evidence cites any more their next check a check interval from now.

    The dispatch passes them over (no quote to verify), but they would stay first in the due order, to be passed
    over again by every dispatch. Only sources due for longer than a lease: one that evidence has just cited
    again was made due now, and is left to the dispatch. Returns how many were moved.
    """
    now = now or timezone.now()
    return (
        Source.objects.filter(next_check_at__lte=now - settings.FACTCHECK_CHECK_LEASE, lease_token__isnull=True)
        .exclude(Exists(Evidence.objects.filter(source=OuterRef("pk"))))
        .update(next_check_at=now + settings.FACTCHECK_CHECK_INTERVAL)
    )
