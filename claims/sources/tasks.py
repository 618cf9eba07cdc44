"""The watch's Celery tasks: thin doors that take ids, load fresh rows through its services, never model instances."""

from __future__ import annotations

import uuid

from celery import Task, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

from claims.flags import flags_sweep, flags_sweep_checked
from claims.sources import recovery
from claims.sources.check import source_fetch, source_record
from claims.sources.dispatch import Lease, sources_dispatch, sources_rest_uncited

# A check's fetch is bounded by FACTCHECK_FETCH_TOTAL_TIMEOUT; the limits leave room for extraction and storage
# and stay far below the broker's visibility timeout (CELERY_VISIBILITY_TIMEOUT), so that a running check is not
# delivered a second time (and if it were, its lease would keep it from being recorded twice).
CHECK_SOFT_LIMIT = settings.FACTCHECK_FETCH_TOTAL_TIMEOUT + 40
CHECK_HARD_LIMIT = CHECK_SOFT_LIMIT + 30
# The longest wait before asking the archive again: below the visibility timeout (CELERY_VISIBILITY_TIMEOUT).
RECOVER_RETRY_MAX = max(60, min(3000, int(settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]) - 300))
# The cache key that says a sweep after checks is asked for (see _sweep_soon).
SWEEP_ASKED = "claims:flags-sweep-checked-asked"


def _enqueue(lease: Lease) -> None:
    source_check_task.delay(lease.source_id, str(lease.token))


def _sweep_soon() -> None:
    """Ask for the sweep of checked sources' claims in FACTCHECK_SWEEP_DELAY, unless one is asked for already.

    Every check that ends before that sweep runs is swept by it: one sweep for all of them instead of one each.
    The key lives as long as the countdown and is added before it starts, so the sweep runs once the key is gone:
    a check that found the key had committed its mark before then, and one that comes later asks anew.
    """
    delay = settings.FACTCHECK_SWEEP_DELAY
    if cache.add(SWEEP_ASKED, True, timeout=delay):
        flags_sweep_checked_task.apply_async(countdown=delay)


@shared_task(
    acks_late=True,
    # A check whose worker died goes back to the queue; its lease makes sure it is recorded once at most.
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=CHECK_SOFT_LIMIT,
    time_limit=CHECK_HARD_LIMIT,
    ignore_result=True,
)
def source_check_task(source_id: int, token: str) -> None:
    """Check one claimed source, and have the claims citing it swept in a moment.

    Its slot goes to the next due source as soon as the fetch is over, while this page is read and recorded.
    """
    lease = Lease(source_id, uuid.UUID(token))
    fetched = source_fetch(source_id=lease.source_id, token=lease.token)
    # For a repeated message too: giving up a slot already given up changes nothing, and free slots are filled.
    sources_dispatch(enqueue=_enqueue, fetch_over=lease)
    if fetched is not None:
        source_record(fetched)
    # Also when this message was a repeat: the first delivery may have recorded its check and died before asking.
    _sweep_soon()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=55)
def flags_sweep_checked_task() -> None:
    """A moment after checks: raise and clear the flags of the claims citing the sources checked since the last run."""
    flags_sweep_checked()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=55)
def sources_dispatch_task() -> None:
    """Every minute: claim the sources that are due and send their checks to the workers."""
    sources_rest_uncited()
    sources_dispatch(enqueue=_enqueue)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=500, time_limit=540)
def flags_sweep_task() -> None:
    """Every ten minutes: raise and clear the flags of every claim."""
    flags_sweep()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=70, max_retries=10)
def source_capture_task(source_id: int) -> None:
    """Ask the web archive to capture a cited page; asked again later when over the archive's rate limit."""
    outcome = recovery.source_capture(source_id=source_id)
    # Over the rate limit: asked again once it allows. A refusal is not asked again before the next citation.
    if outcome is not None and outcome.status == "later":
        source_capture_task.retry(countdown=outcome.retry_after or 60)


@shared_task(bind=True, acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=70, max_retries=6)
def evidence_recover_task(self: Task[[int], None], evidence_id: int) -> None:
    """Look a lost piece of evidence up in the web archive, and its quote in the archive's copy; asked again later,
    with backoff, while the archive is down or slow (its flags say so meanwhile)."""
    outcome = recovery.evidence_recover(evidence_id=evidence_id)
    if outcome is not None and outcome.transient:
        # Within the broker's visibility timeout, so that a waiting retry is not handed out a second time.
        raise self.retry(countdown=min(300 * 2**self.request.retries, RECOVER_RETRY_MAX))
