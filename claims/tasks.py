"""The desk's own Celery tasks, beside the watch's (claims/sources/tasks.py) and the alerts' (alerts/tasks.py)."""

from __future__ import annotations

from celery import shared_task

from claims.services.figures import desk_day_record


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=55)
def desk_day_record_task() -> None:
    """Every hour: record today's figures (published and healthy fact-checks) for the home page's health chart.

    On the sweeps' queue: it reads what the sweeps leave (the open flags).
    """
    desk_day_record()
