"""The desk's figures: the daily record beat keeps, and the weekly and monthly figures the charts and the API show."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from claims import stats
from claims.models import ClaimStatus, DeskDay, Flag, FlagKind
from claims.services.figures import desk_day_record
from claims.tasks import desk_day_record_task
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

S = ClaimStatus
PARIS = timezone.get_default_timezone()


def at_paris(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def test_healthy_means_published_with_no_open_flag():
    healthy = claim_at(S.PUBLISHED)
    flagged = claim_at(S.PUBLISHED)
    once_flagged = claim_at(S.PUBLISHED)
    in_review = claim_at(S.IN_REVIEW)
    Flag.objects.create(claim=flagged, kind=FlagKind.QUOTE_MISSING)
    Flag.objects.create(claim=once_flagged, kind=FlagKind.EVIDENCE_LOST, cleared_at=timezone.now())
    assert set(stats.healthy_published()) == {healthy, once_flagged}
    assert in_review not in stats.healthy_published()


def test_the_beat_task_records_the_days_figures_once_a_day_however_often_it_runs():
    claim_at(S.PUBLISHED)
    flagged = claim_at(S.PUBLISHED)
    Flag.objects.create(claim=flagged, kind=FlagKind.SOURCE_CHANGED)

    with time_machine.travel(at_paris(2025, 3, 5, 9, 0), tick=False):
        desk_day_record_task.apply()
    claim_at(S.PUBLISHED)
    with time_machine.travel(at_paris(2025, 3, 5, 23, 30), tick=False):
        desk_day_record_task.apply()

    (day,) = DeskDay.objects.all()
    assert (day.date, day.published, day.healthy) == (datetime.date(2025, 3, 5), 3, 2)
    assert day.recorded_at == at_paris(2025, 3, 5, 23, 30)


def test_the_day_is_the_desks_day_not_utcs():
    # 00:30 in Paris on 6 March is still 5 March in UTC.
    day = desk_day_record(now=at_paris(2025, 3, 6, 0, 30))
    assert day.date == datetime.date(2025, 3, 6)


def test_beat_runs_the_daily_record_every_hour():
    task = PeriodicTask.objects.get(task="claims.tasks.desk_day_record_task")
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (1, "hours")


def test_each_week_shows_its_last_recorded_day_and_weeks_without_a_record_show_nothing():
    DeskDay.objects.create(date=datetime.date(2025, 3, 3), published=10, healthy=5, recorded_at=timezone.now())
    DeskDay.objects.create(date=datetime.date(2025, 3, 7), published=10, healthy=8, recorded_at=timezone.now())
    DeskDay.objects.create(date=datetime.date(2025, 3, 10), published=0, healthy=0, recorded_at=timezone.now())

    weeks = stats.health_per_week(datetime.date(2025, 3, 12), weeks=3)

    assert [(w.week, w.published, w.healthy, w.share) for w in weeks] == [
        (datetime.date(2025, 2, 24), None, None, None),
        (datetime.date(2025, 3, 3), 10, 8, 0.8),
        (datetime.date(2025, 3, 10), 0, 0, None),
    ]


def test_flags_are_counted_in_the_week_they_were_raised_and_cleared_in_the_desks_time_zone():
    claim = claim_at(S.PUBLISHED)
    # Sunday 23:30 in Paris is still last week, Monday 00:30 this week (Sunday 23:30 UTC).
    Flag.objects.create(claim=claim, kind=FlagKind.QUOTE_MISSING, raised_at=at_paris(2025, 3, 9, 23, 30))
    Flag.objects.create(
        claim=claim,
        kind=FlagKind.EVIDENCE_LOST,
        raised_at=at_paris(2025, 3, 10, 0, 30),
        cleared_at=at_paris(2025, 3, 11, 12, 0),
    )
    Flag.objects.create(
        claim=claim,
        kind=FlagKind.UNPROVEN,
        raised_at=at_paris(2024, 12, 1, 0, 0),  # long before the chart's weeks
        cleared_at=at_paris(2025, 3, 4, 8, 0),
    )

    weeks = stats.flags_per_week(datetime.date(2025, 3, 12), weeks=2)

    assert [(w.week, w.raised, w.cleared) for w in weeks] == [
        (datetime.date(2025, 3, 3), 1, 1),
        (datetime.date(2025, 3, 10), 1, 1),
    ]


def test_verdicts_are_counted_in_the_month_of_first_publication_by_their_verdict_today():
    with time_machine.travel(at_paris(2025, 1, 31, 23, 30), tick=False):
        january = claim_at(S.PUBLISHED, verdict="false")
    with time_machine.travel(at_paris(2025, 2, 1, 0, 30), tick=False):
        claim_at(S.PUBLISHED, verdict="false")
        claim_at(S.PUBLISHED, verdict="misleading")
        claim_at(S.IN_REVIEW, verdict="true")  # never published: not a verdict
    assert january.first_published_at is not None

    months = stats.verdicts_per_month(datetime.date(2025, 2, 14), months=3)

    assert [(m.month, m.counts) for m in months] == [
        (datetime.date(2024, 12, 1), {}),
        (datetime.date(2025, 1, 1), {"false": 1}),
        (datetime.date(2025, 2, 1), {"false": 1, "misleading": 1}),
    ]


def test_the_last_weeks_and_months_end_with_the_current_one():
    today = datetime.date(2025, 1, 15)
    assert stats.last_weeks(today, 2) == [datetime.date(2025, 1, 6), datetime.date(2025, 1, 13)]
    assert stats.last_months(today, 3) == [
        datetime.date(2024, 11, 1),
        datetime.date(2024, 12, 1),
        datetime.date(2025, 1, 1),
    ]
    assert stats.last_weeks(today)[-1] - stats.last_weeks(today)[0] == timedelta(weeks=stats.WEEKS - 1)
