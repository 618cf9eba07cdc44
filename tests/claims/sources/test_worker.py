"""With a real Celery worker process, a throwaway Redis and a real HTTP server: checks run, and survive SIGKILL."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from pytest_django.fixtures import Settings

from claims.models import Check, CheckOutcome, Evidence, Flag, FlagKind, QuoteStatus, QuoteUnverifiedBecause, Source
from claims.sources.dispatch import sources_dispatch
from claims.sources.tasks import CHECK_HARD_LIMIT
from harness.celery_worker import ThrowawayRedis, Worker, enqueue_into, wait_until
from tests.factories import EvidenceFactory
from tests.http_server import LocalHTTPServer
from tests.pages import HTML, QUOTE, WITH_QUOTE, WITHOUT_QUOTE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis():
    server = ThrowawayRedis()
    yield server
    server.stop()


def succeeded(worker: Worker, task: str) -> list[str]:
    """The pool processes (ForkPoolWorker-<n>) in which this task succeeded, once per success."""
    return re.findall(
        rf"ForkPoolWorker-(\d+)\] Task claims\.sources\.tasks\.{task}\[[-0-9a-f]+\] succeeded", worker.output()
    )


def test_the_default_time_limits_stay_below_the_visibility_timeout():
    assert CHECK_HARD_LIMIT < django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next(http_server, redis):
    for i in range(3):
        EvidenceFactory(
            source=Source.objects.create(
                url=http_server.route(f"/{i}", headers=HTML, body=WITH_QUOTE), host="127.0.0.1"
            )
        )

    # One thread, so one connection at most; CONN_MAX_AGE as in production. Its connections carry a name of their
    # own (libpq's PGAPPNAME), to tell them from those the suite's other threads may hold on this database.
    worker = Worker(redis.url, concurrency=1, DJANGO_CONN_MAX_AGE="60", PGAPPNAME="factcheck-test-worker")
    try:
        sources_dispatch(enqueue=enqueue_into(redis.url))
        # The three checks, and at least one sweep after them.
        assert wait_until(lambda: Check.objects.count() == 3 and worker.output().count("succeeded") >= 4, timeout=60), (
            worker.output()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT backend_start FROM pg_stat_activity"
                " WHERE datname = current_database() AND application_name = 'factcheck-test-worker'"
            )
            (opened,) = (row[0] for row in cursor.fetchall())
    finally:
        worker.stop()
    # Opened for the first task and still open after the last: not a new PostgreSQL backend for every task.
    assert opened < Check.objects.order_by("started_at").last().started_at


def test_after_a_sigkill_every_due_source_is_checked_once(http_server, redis, settings):
    # Slow pages, so that the worker dies with checks under way and others still queued.
    settings.FACTCHECK_CHECK_LEASE = timedelta(seconds=6)
    settings.FACTCHECK_MIN_RECHECK = timedelta(0)  # the lease alone decides when a lost check is due again
    settings.FACTCHECK_PER_HOST_CONCURRENCY = 12
    settings.FACTCHECK_GLOBAL_CONCURRENCY = 12
    env = {
        "FACTCHECK_CHECK_LEASE_SECONDS": "6",
        "FACTCHECK_MIN_RECHECK_MINUTES": "0",
        "FACTCHECK_PER_HOST_CONCURRENCY": "12",
        "FACTCHECK_GLOBAL_CONCURRENCY": "12",
        # Unacknowledged messages of the dead worker come back soon: they must not be recorded twice.
        "CELERY_VISIBILITY_TIMEOUT": "8",
    }
    sources = []
    for i in range(12):
        url = http_server.route(f"/slow/{i}", headers=HTML, body=WITH_QUOTE, delay=1.5)
        sources.append(Source.objects.create(url=url, host="127.0.0.1"))
        EvidenceFactory(source=sources[-1], quote=QUOTE)

    first = Worker(redis.url, **env)
    try:
        assert len(sources_dispatch(enqueue=enqueue_into(redis.url))) == 12
        assert wait_until(lambda: Check.objects.count() >= 2, timeout=30), first.output()
    finally:
        first.kill()
    killed_at = time.monotonic()
    recorded_before = Check.objects.count()
    assert recorded_before < 12

    second = Worker(redis.url, **env)
    try:

        def all_checked() -> bool:
            # Beat would run this every minute; here the test plays beat.
            sources_dispatch(enqueue=enqueue_into(redis.url))
            return Check.objects.values("source").distinct().count() == 12

        assert wait_until(all_checked, timeout=90, interval=1), second.output()
        # Leave time for any late redelivery of the dead worker's messages: the visibility timeout (8 s) after they
        # were delivered, and a few seconds for the worker to notice.
        time.sleep(max(2.0, killed_at + 14 - time.monotonic()))
    finally:
        second.stop()

    per_source = dict(Check.objects.values_list("source").annotate(n=Count("id")))
    assert per_source == {source.pk: 1 for source in sources}
    assert set(Source.objects.values_list("state", flat=True)) == {"alive"}
    assert not Source.objects.filter(lease_token__isnull=False).exists()


def test_workers_check_cited_pages_and_checks_ending_together_ask_for_one_sweep(
    http_server: LocalHTTPServer, redis: ThrowawayRedis, settings: Settings
) -> None:
    """As docker-compose runs them: a prefork worker for the checks queue, another for the sweeps queue, both with
    the Redis cache. The checks end in different processes; the cache they share has them ask for one sweep after
    checks, which raises the flags of every claim they cite (with each process's own memory cache, each process
    would ask for a sweep of its own)."""
    pages = 8
    settings.FACTCHECK_GLOBAL_CONCURRENCY = settings.FACTCHECK_PER_HOST_CONCURRENCY = pages
    quote_on_page: dict[str, bool] = {}
    for n in range(pages - 2):
        # Every other page no longer holds the quote. Slow enough for the checks to run side by side.
        body = WITH_QUOTE if n % 2 == 0 else WITHOUT_QUOTE
        url = http_server.route(f"/enquete/{n}", headers=HTML, body=body, delay=0.5)
        EvidenceFactory(source=Source.objects.create(url=url, host="127.0.0.1"), quote=QUOTE)
        quote_on_page[url] = n % 2 == 0
    # The first claim also cites a page that has failed twice over two days: this third failure makes it dead.
    lost = EvidenceFactory(
        claim=Evidence.objects.earliest("id").claim,
        source=Source.objects.create(
            url=http_server.route("/gone", status=410),
            host="127.0.0.1",
            state="failing",
            consecutive_failures=2,
            first_failure_at=timezone.now() - timedelta(days=2),
        ),
    )
    # And a page of 4.9 MB of markup, which once burnt a worker past its time limit: read within budget now.
    huge = EvidenceFactory(
        source=Source.objects.create(
            url=http_server.route("/huge", headers=HTML, body=b"<html><body>" + b"<p>w</p>" * 612_000 + b"</body>"),
            host="127.0.0.1",
        ),
        quote=QUOTE,
    )

    def start(queue: str, processes: int) -> Worker:
        return Worker(
            redis.url,
            concurrency=processes,
            prefork=True,
            queues=[queue],
            DJANGO_CACHE_URL=f"redis://127.0.0.1:{redis.port}/1",
            FACTCHECK_GLOBAL_CONCURRENCY=str(pages),
            FACTCHECK_PER_HOST_CONCURRENCY=str(pages),
            # Room for all the checks to end before the sweep they ask for, even on a loaded machine.
            FACTCHECK_SWEEP_DELAY_SECONDS="5",
        )

    checks = start("checks", pages)
    sweeps = start("sweeps", 2)
    try:
        assert (checks.queues(), sweeps.queues()) == ({"checks"}, {"sweeps"})
        assert len(sources_dispatch(enqueue=enqueue_into(redis.url))) == pages
        assert wait_until(
            lambda: (
                len(succeeded(checks, "source_check_task")) == pages and succeeded(sweeps, "flags_sweep_checked_task")
            ),
            timeout=60,
        ), checks.output() + sweeps.output()
        # The checks ran in several processes of the pool, which shared the answer to "is a sweep asked for?".
        assert len(set(succeeded(checks, "source_check_task"))) > 1, checks.output()
        # A sweep asked for by a check would be received at once (it waits for its countdown in the worker).
        time.sleep(1)
        sweeps_received = re.findall(r"Task (claims\.sources\.tasks\.\w+)\[[-0-9a-f]+\] received", sweeps.output())
        checks_received = re.findall(r"Task (claims\.sources\.tasks\.\w+)\[[-0-9a-f]+\] received", checks.output())
    finally:
        checks.stop()
        sweeps.stop()

    assert sweeps_received == ["claims.sources.tasks.flags_sweep_checked_task"]
    assert checks_received == ["claims.sources.tasks.source_check_task"] * pages
    assert Check.objects.count() == pages
    assert not Source.objects.filter(sweep_pending=True).exists()
    assert (Evidence.objects.get(pk=huge.pk).quote_unverified_because, huge.source.checks.get().outcome) == (
        QuoteUnverifiedBecause.TOO_COMPLEX,
        CheckOutcome.TOO_COMPLEX,
    )
    assert dict(Evidence.objects.exclude(pk__in=[lost.pk, huge.pk]).values_list("source__url", "quote_status")) == {
        url: QuoteStatus.FOUND if found else QuoteStatus.MISSING for url, found in quote_on_page.items()
    }
    assert set(Source.objects.exclude(pk=lost.source_id).values_list("state", flat=True)) == {"alive"}
    assert Source.objects.get(pk=lost.source_id).state == "dead"
    # The one sweep raised the flag of every claim whose quote went missing or whose page died, and no other.
    unquoted = Evidence.objects.filter(quote_status=QuoteStatus.MISSING).values_list("claim_id", flat=True)
    open_flags = Flag.objects.filter(cleared_at__isnull=True).values_list("claim_id", "kind")
    assert sorted(open_flags) == sorted(
        [*((pk, FlagKind.QUOTE_MISSING) for pk in unquoted), (lost.claim_id, FlagKind.EVIDENCE_LOST)]
    )
