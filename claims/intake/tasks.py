"""The intake's Celery tasks (queue `checks`, as they fetch pages): thin doors that take ids."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from claims.intake import reading


@shared_task(
    acks_late=True,
    # An intake whose worker died goes back to the queue; its lease keeps two workers from reading it at once.
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=reading.READ_SOFT_LIMIT,
    time_limit=reading.READ_HARD_LIMIT,
    ignore_result=True,
)
def intake_read_task(intake_id: int) -> None:
    """Fetch an article, rank its sentences, and store them for the researcher who asked."""
    reading.intake_read(intake_id=intake_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=55)
def intakes_resume_task() -> None:
    """Every minute: send again the intakes whose message was lost or whose worker died."""
    for intake_id in reading.intakes_due():
        intake_read_task.delay(intake_id)
