"""The alerts' Celery tasks (queue `alerts`): thin doors that take ids; the rows say what is left to do.

A lost message delays an alert and never loses it: beat's `alerts_due_task` plans what is unplanned and sends again
whatever is due and held by no live worker.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from claims.alerts import mail, planning, webhooks

# A delivery's POST is bounded by FACTCHECK_WEBHOOK_TIMEOUT and a mail by EMAIL_TIMEOUT; the limits leave room for
# the bookkeeping and stay below the lease, so that a send still running is not taken by a second worker (and if it
# were, the first records nothing: leases.under_lease).
SEND_SOFT_LIMIT = settings.FACTCHECK_WEBHOOK_TIMEOUT + 20
SEND_HARD_LIMIT = SEND_SOFT_LIMIT + 10
MAIL_SOFT_LIMIT = settings.EMAIL_TIMEOUT + 15
MAIL_HARD_LIMIT = MAIL_SOFT_LIMIT + 10


@shared_task(acks_late=True, ignore_result=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def events_plan_task() -> None:
    """Right after a change commits events: plan their deliveries and notices, and send them."""
    while True:
        plan = planning.events_plan()
        for delivery_id in plan.deliveries:
            delivery_send_task.delay(delivery_id)
        for notice_id in plan.immediate_notices:
            notice_send_task.delay(notice_id)
        if plan.events < planning.EVENTS_PER_PLAN:
            return


@shared_task(
    acks_late=True,
    # A send whose worker died goes back to the queue; the delivery's lease keeps two workers from sending it at once.
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=SEND_SOFT_LIMIT,
    time_limit=SEND_HARD_LIMIT,
)
def delivery_send_task(delivery_id: int) -> None:
    """Send one webhook delivery; a failure is tried again after its backoff."""
    retry_in = webhooks.delivery_send(delivery_id)
    if retry_in is not None:
        delivery_send_task.apply_async((delivery_id,), countdown=retry_in)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    soft_time_limit=MAIL_SOFT_LIMIT,
    time_limit=MAIL_HARD_LIMIT,
)
def notice_send_task(notice_id: int) -> None:
    """Mail one urgent notice; a refusal by the mail server is tried again after its backoff."""
    retry_in = mail.notice_send(notice_id)
    if retry_in is not None:
        notice_send_task.apply_async((notice_id,), countdown=retry_in)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=55)
def alerts_due_task() -> None:
    """Every minute: plan unplanned events (a planning message lost), and send again what a dead worker held."""
    events_plan_task.apply()
    now = timezone.now()
    for delivery_id in webhooks.deliveries_due(now=now):
        delivery_send_task.delay(delivery_id)
    for notice_id in mail.notices_due(now=now):
        notice_send_task.delay(notice_id)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=1700, time_limit=1800)
def digests_send_task() -> None:
    """Every morning: each person's daily digest."""
    mail.digests_send()


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=mail.MAIL_ERRORS,
    retry_backoff=60,
    retry_jitter=True,
    max_retries=10,
)
def endpoint_disabled_mail_task(endpoint_id: int) -> None:
    """Tell the editor who added an endpoint that it was turned off."""
    mail.endpoint_disabled_mail(endpoint_id)
