"""The desk's figures: the home page's charts and `/api/v1/stats/` read them here, and beat records the daily ones.

Weeks start on Monday and months on the 1st, at midnight in the desk's time zone (TIME_ZONE). Each figure takes
one query, whatever the number of claims and flags, and the queries read indexes bounded by the period shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from claims import selectors
from claims.models import Claim, ClaimStatus, DeskDay, Flag, Rating, Source, SourceState

# How far back the charts and the stats go.
WEEKS = 12
MONTHS = 12


# --- What "healthy" means ----------------------------------------------------------------------


def healthy_published() -> QuerySet[Claim]:
    """The published fact-checks whose evidence is all healthy: published, with no open flag.

    The flags are the watch's word on a fact-check's evidence, defined once in claims/flags.py: a cited page dead
    (`evidence_lost`), a quote gone from its page (`quote_missing`), a page changed materially since it was cited
    (`source_changed`), or no decisive evidence left whose source is alive and whose quote is found (`unproven`).
    A published fact-check with none of them open is healthy.
    """
    return Claim.objects.filter(status=ClaimStatus.PUBLISHED).exclude(selectors.has_open_flag())


# --- Periods ----------------------------------------------------------------------------------


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def desk_midnight(day: date) -> datetime:
    """The start of a day in the desk's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def last_weeks(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, this week's last."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=n) for n in reversed(range(weeks))]


def last_months(today: date, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months, this month's last."""
    firsts = [month_start(today)]
    for _ in range(months - 1):
        firsts.append(month_start(firsts[-1] - timedelta(days=1)))
    return list(reversed(firsts))


# --- The figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekHealth:
    """A week's health: the last figures recorded that week (None for a week beat recorded nothing)."""

    week: date
    published: int | None
    healthy: int | None

    @property
    def share(self) -> float | None:
        """The share of published fact-checks that were healthy, from 0 to 1; None without any published."""
        if not self.published or self.healthy is None:
            return None
        return self.healthy / self.published


@dataclass(frozen=True)
class WeekFlags:
    week: date
    raised: int
    cleared: int


@dataclass(frozen=True)
class MonthVerdicts:
    """The fact-checks first published in a month, by their verdict (rating slug) today."""

    month: date
    counts: dict[str, int]


@dataclass(frozen=True)
class DeskFigures:
    health: list[WeekHealth]
    flags: list[WeekFlags]
    verdicts: list[MonthVerdicts]
    ratings: list[Rating]
    sources: dict[str, int]


def health_per_week(today: date, weeks: int = WEEKS) -> list[WeekHealth]:
    """Each week's last recorded day (DeskDay). One query."""
    mondays = last_weeks(today, weeks)
    last_of_week: dict[date, DeskDay] = {}
    for day in DeskDay.objects.filter(date__gte=mondays[0], date__lte=today).order_by("date"):
        last_of_week[week_start(day.date)] = day
    return [
        WeekHealth(
            monday,
            last_of_week[monday].published if monday in last_of_week else None,
            last_of_week[monday].healthy if monday in last_of_week else None,
        )
        for monday in mondays
    ]


def flags_per_week(today: date, weeks: int = WEEKS) -> list[WeekFlags]:
    """Flags raised and cleared each week, from the flags' own history (a cleared flag keeps its dates). One query."""
    mondays = last_weeks(today, weeks)
    bounds = [desk_midnight(monday) for monday in [*mondays, mondays[-1] + timedelta(weeks=1)]]
    aggregates = {}
    for n in range(weeks):
        start, end = bounds[n], bounds[n + 1]
        aggregates[f"raised_{n}"] = Count("pk", filter=Q(raised_at__gte=start, raised_at__lt=end))
        aggregates[f"cleared_{n}"] = Count("pk", filter=Q(cleared_at__gte=start, cleared_at__lt=end))
    counts = Flag.objects.filter(Q(raised_at__gte=bounds[0]) | Q(cleared_at__gte=bounds[0])).aggregate(**aggregates)
    return [WeekFlags(monday, counts[f"raised_{n}"], counts[f"cleared_{n}"]) for n, monday in enumerate(mondays)]


def verdicts_per_month(today: date, months: int = MONTHS) -> list[MonthVerdicts]:
    """Fact-checks by the month they were first published and their verdict now (a correction moves them). One
    query; fact-checks being corrected count, those published without a rating (none can be) would not."""
    firsts = last_months(today, months)
    bounds = [desk_midnight(first) for first in [*firsts, _next_month(firsts[-1])]]
    aggregates = {
        f"month_{n}": Count("pk", filter=Q(first_published_at__gte=bounds[n], first_published_at__lt=bounds[n + 1]))
        for n in range(months)
    }
    rows = (
        Claim.objects.filter(first_published_at__gte=bounds[0], rating__isnull=False)
        .values("rating__slug")
        .order_by("rating__slug")
        .annotate(**aggregates)
    )
    counts: list[dict[str, int]] = [{} for _ in firsts]
    for values in rows:
        row: Mapping[str, Any] = values
        for n in range(months):
            if row[f"month_{n}"]:
                counts[n][row["rating__slug"]] = row[f"month_{n}"]
    return [MonthVerdicts(first, counts[n]) for n, first in enumerate(firsts)]


def sources_by_state() -> dict[str, int]:
    """How many sources are in each state, every state named (0 for none). One query."""
    counts = dict.fromkeys(SourceState.values, 0)
    for row in Source.objects.values("state").order_by("state").annotate(count=Count("pk")):
        counts[row["state"]] = row["count"]
    return counts


def desk_figures(*, today: date | None = None) -> DeskFigures:
    """Everything the charts and `/api/v1/stats/` show. Five queries."""
    today = today or timezone.localdate()
    return DeskFigures(
        health=health_per_week(today),
        flags=flags_per_week(today),
        verdicts=verdicts_per_month(today),
        ratings=list(Rating.objects.all()),
        sources=sources_by_state(),
    )
