"""With a real Celery worker process, a throwaway Redis and a real HTTP server: checks run, and survive SIGKILL."""

import re
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.db.models import Count
from pytest_django.fixtures import Settings

from claims.models import Check, Evidence, Flag, FlagKind, QuoteStatus, Source
from claims.sources.dispatch import sources_dispatch
from claims.sources.tasks import CHECK_HARD_LIMIT
from harness.celery_worker import ThrowawayRedis, Worker, enqueue_into, wait_until
from tests.factories import ClaimFactory, EvidenceFactory
from tests.http_server import LocalHTTPServer

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = (
    "<html><head><title>Enquête</title></head>"
    "<body><p>Pour l’instant, aucune preuve n’a été présentée.</p></body></html>"
)
HTML = [("Content-Type", "text/html; charset=utf-8")]


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


def test_a_worker_checks_a_cited_page_and_sweeps_its_claims_flags(http_server, redis):
    url = http_server.route("/enquete", headers=HTML, body=PAGE.encode())
    claim = ClaimFactory()
    evidence = EvidenceFactory(
        claim=claim, source=Source.objects.create(url=url, host="127.0.0.1"), quote="aucune preuve n'a été présentée"
    )
    dead = EvidenceFactory(
        claim=claim, source=Source.objects.create(url=http_server.route("/gone", status=410), host="127.0.0.1")
    )
    Source.objects.filter(pk=dead.source_id).update(
        state="failing", consecutive_failures=2, first_failure_at=evidence.added_at - timedelta(days=2)
    )

    # Room for both checks to end before the sweep they ask for, even on a loaded machine.
    worker = Worker(redis.url, FACTCHECK_SWEEP_DELAY_SECONDS="5")
    try:
        sources_dispatch(enqueue=enqueue_into(redis.url))
        assert wait_until(lambda: Check.objects.count() == 2, timeout=60), worker.output()
        assert wait_until(lambda: Flag.objects.filter(kind=FlagKind.EVIDENCE_LOST).exists(), timeout=20), (
            worker.output()
        )
        # Both checks ended within FACTCHECK_SWEEP_DELAY_SECONDS: they asked for one sweep, which covered both.
        assert wait_until(lambda: worker.output().count("succeeded") == 3, timeout=20), worker.output()
        sweeps = re.findall(r"flags_sweep_checked_task\[[-0-9a-f]+\] received", worker.output())
        assert len(sweeps) == 1, worker.output()
    finally:
        worker.stop()
    assert not Source.objects.filter(sweep_pending=True).exists()

    evidence.refresh_from_db()
    assert evidence.quote_status == QuoteStatus.FOUND
    assert Source.objects.get(pk=evidence.source_id).state == "alive"
    assert Source.objects.get(pk=dead.source_id).state == "dead"
    assert set(claim.flags.filter(cleared_at__isnull=True).values_list("kind", flat=True)) == {FlagKind.EVIDENCE_LOST}


def test_a_worker_keeps_its_database_connection_from_one_task_to_the_next(http_server, redis):
    for i in range(3):
        EvidenceFactory(
            source=Source.objects.create(
                url=http_server.route(f"/{i}", headers=HTML, body=PAGE.encode()), host="127.0.0.1"
            )
        )

    # One thread, so one connection at most; CONN_MAX_AGE as in production.
    worker = Worker(redis.url, concurrency=1, DJANGO_CONN_MAX_AGE="60")
    try:
        sources_dispatch(enqueue=enqueue_into(redis.url))
        # The three checks, and at least one sweep after them.
        assert wait_until(lambda: Check.objects.count() == 3 and worker.output().count("succeeded") >= 4, timeout=60), (
            worker.output()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT backend_start FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            (opened,) = (row[0] for row in cursor.fetchall())
    finally:
        worker.stop()
    # Opened for the first task and still open after the last: not a new PostgreSQL backend for every task.
    assert opened < Check.objects.order_by("started_at").last().started_at


def test_after_a_sigkill_every_due_source_is_checked_once(http_server, redis, settings):
    # Slow pages, so that the worker dies with checks under way and others still queued.
    settings.FACTCHECK_CHECK_LEASE = timedelta(seconds=6)
    settings.FACTCHECK_PER_HOST_CONCURRENCY = 12
    settings.FACTCHECK_GLOBAL_CONCURRENCY = 12
    env = {
        "FACTCHECK_CHECK_LEASE_SECONDS": "6",
        "FACTCHECK_PER_HOST_CONCURRENCY": "12",
        "FACTCHECK_GLOBAL_CONCURRENCY": "12",
        # Unacknowledged messages of the dead worker come back soon: they must not be recorded twice.
        "CELERY_VISIBILITY_TIMEOUT": "8",
    }
    sources = []
    for i in range(12):
        url = http_server.route(f"/slow/{i}", headers=HTML, body=PAGE.encode(), delay=1.5)
        sources.append(Source.objects.create(url=url, host="127.0.0.1"))
        EvidenceFactory(source=sources[-1], quote="aucune preuve")

    first = Worker(redis.url, **env)
    try:
        assert len(sources_dispatch(enqueue=enqueue_into(redis.url))) == 12
        assert wait_until(lambda: Check.objects.count() >= 2, timeout=30), first.output()
    finally:
        first.kill()
    recorded_before = Check.objects.count()
    assert recorded_before < 12

    second = Worker(redis.url, **env)
    try:

        def all_checked() -> bool:
            # Beat would run this every minute; here the test plays beat.
            sources_dispatch(enqueue=enqueue_into(redis.url))
            return Check.objects.values("source").distinct().count() == 12

        assert wait_until(all_checked, timeout=90, interval=1), second.output()
        # Leave time for any late redelivery of the dead worker's messages (the visibility timeout is 8 s).
        time.sleep(12)
    finally:
        second.stop()

    per_source = dict(Check.objects.values_list("source").annotate(n=Count("id")))
    assert per_source == {source.pk: 1 for source in sources}
    assert set(Source.objects.values_list("state", flat=True)) == {"alive"}
    assert not Source.objects.filter(lease_token__isnull=False).exists()


def test_as_production_runs_them_checks_ending_together_ask_for_one_sweep(
    http_server: LocalHTTPServer, redis: ThrowawayRedis, settings: Settings
) -> None:
    """As docker-compose runs them: a prefork worker for the checks queue, another for the sweeps queue, both with
    the Redis cache. The checks end in different processes; the cache they share has them ask for one sweep after
    checks, which raises the flags of every claim they cite (with each process's own memory cache, each process
    would ask for a sweep of its own)."""
    pages = 6
    settings.FACTCHECK_GLOBAL_CONCURRENCY = settings.FACTCHECK_PER_HOST_CONCURRENCY = pages
    moved = "<html><body><p>Le rapport complet sera publié demain.</p></body></html>"
    quote_on_page: dict[str, bool] = {}
    for n in range(pages):
        # Every other page no longer holds the quote. Slow enough for the checks to run side by side.
        body = PAGE if n % 2 == 0 else moved
        url = http_server.route(f"/enquete/{n}", headers=HTML, body=body.encode(), delay=0.5)
        EvidenceFactory(
            source=Source.objects.create(url=url, host="127.0.0.1"), quote="aucune preuve n'a été présentée"
        )
        quote_on_page[url] = n % 2 == 0

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
    assert dict(Evidence.objects.values_list("source__url", "quote_status")) == {
        url: QuoteStatus.FOUND if found else QuoteStatus.MISSING for url, found in quote_on_page.items()
    }
    # The one sweep raised the flag of every claim whose quote went missing, and of no other.
    unquoted = Evidence.objects.filter(quote_status=QuoteStatus.MISSING).values_list("claim_id", flat=True)
    open_flags = Flag.objects.filter(cleared_at__isnull=True).values_list("claim_id", "kind")
    assert sorted(open_flags) == sorted((pk, FlagKind.QUOTE_MISSING) for pk in unquoted)
