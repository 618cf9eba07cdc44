"""The desk's home page (the admin index): its lists, each bounded, each a query that joins what the page shows.

Each block shows at most HOME_ROWS rows and links to the admin's list with the same filter for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from claims import selectors, stats
from claims.models import Claim, ClaimStatus, Flag

HOME_ROWS = 10

# What is still to do on a claim assigned to someone.
IN_PROGRESS = (ClaimStatus.DRAFT, ClaimStatus.RESEARCHING, ClaimStatus.IN_REVIEW)


def claims_assigned_to(user: User) -> QuerySet[Claim]:
    """The claims assigned to this user that are not done yet (neither published nor rejected), latest change first."""
    return (
        Claim.objects.filter(assignee=user, status__in=IN_PROGRESS)
        .select_related("rating")
        .order_by("-updated_at", "-id")
    )


def claims_to_publish_by(user: User) -> QuerySet[Claim]:
    """The claims waiting in review that this user may publish, longest waiting first (selectors.claims_to_publish)."""
    return selectors.claims_to_publish(Claim.objects.select_related("rating", "assignee"), user)


def published_with_open_flags() -> QuerySet[Claim]:
    """Published fact-checks with an open flag, the one whose oldest open flag is oldest first; with those flags
    (`open_flags`, as selectors.prefetched_open_flags reads them) and `oldest_flag_at`."""
    flagged = selectors.claims_with_open_flag(selectors.claim_list().filter(status=ClaimStatus.PUBLISHED))
    return flagged.annotate(oldest_flag_at=Min("flags__raised_at", filter=Q(flags__cleared_at__isnull=True))).order_by(
        "oldest_flag_at", "id"
    )


def this_week_start(now: datetime | None = None) -> datetime:
    """Monday midnight of this week, in the desk's time zone."""
    return stats.desk_midnight(stats.week_start(timezone.localdate(now)))


def flags_raised_since(since: datetime) -> QuerySet[Flag]:
    """Flags raised since then, newest first, with their claim (cleared ones too: they say what the watch saw)."""
    return Flag.objects.filter(raised_at__gte=since).select_related("claim").order_by("-raised_at", "-id")


@dataclass(frozen=True)
class Block:
    """One list of the home page: its first rows and whether there are more than those."""

    rows: Sequence[object]
    more: bool


def bounded(rows: QuerySet[Claim] | QuerySet[Flag], limit: int = HOME_ROWS) -> Block:
    """The first `limit` rows, and whether there are more (one query: one row more is read)."""
    taken = list(rows[: limit + 1])
    return Block(rows=taken[:limit], more=len(taken) > limit)
