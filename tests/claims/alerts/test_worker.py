"""With a real Celery worker process, a throwaway Redis and a real receiver: deliveries retry, and survive SIGKILL."""

import threading
import time
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from claims.alerts import webhooks
from claims.alerts.models import Delivery, DeliveryStatus
from claims.alerts.tasks import SEND_HARD_LIMIT
from claims.models import ClaimStatus, Event, EventType
from harness.celery_worker import ThrowawayRedis, Worker, send_into, wait_until
from tests.factories import claim_at

pytestmark = pytest.mark.django_db(transaction=True)

S = ClaimStatus
PLAN = "claims.alerts.tasks.events_plan_task"
DUE = "claims.alerts.tasks.alerts_due_task"


@pytest.fixture
def redis():
    server = ThrowawayRedis()
    yield server
    server.stop()


def test_the_send_limits_stay_below_the_lease(settings):
    assert SEND_HARD_LIMIT < settings.FACTCHECK_ALERT_LEASE.total_seconds()


def test_a_receiver_that_fails_then_recovers_gets_every_event_once_signed(desk_defaults, receiver, redis, editor):
    url = receiver.script("/cms", statuses=[500, 500])
    endpoint = webhooks.endpoint_create(url=url, events=[EventType.CLAIM_PUBLISHED], description="", by=editor)
    claims = [claim_at(S.PUBLISHED) for _ in range(3)]

    worker = Worker(redis.url, FACTCHECK_ALERT_RETRY_BASE_SECONDS="0.5", FACTCHECK_ALERT_RETRY_MAX_SECONDS="1")
    try:
        # What the committed publications asked for (their message went to the suite's own broker).
        send_into(redis.url, PLAN)
        assert wait_until(lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 3, timeout=60), (
            worker.output()
        )
    finally:
        worker.stop()

    expected = {f"evt_{event.pk}" for event in Event.objects.filter(claim__in=claims)}
    assert sorted(receiver.webhook_ids("/cms")) == sorted(expected)
    for seen in receiver.at("/cms"):
        Webhook(endpoint.secret).verify(seen.body, seen.headers)
    # The two 500s were tried again, later, with the same webhook-id.
    assert sum(Delivery.objects.values_list("attempts", flat=True)) == 5


def test_a_worker_killed_mid_delivery_loses_no_event(desk_defaults, receiver, redis, editor, settings):
    # The first request is held until the worker that sent it is dead: it never hears the answer.
    held = threading.Event()
    url = receiver.script("/held", statuses=[200], hold=held)
    webhooks.endpoint_create(url=url, events=[EventType.CLAIM_PUBLISHED], description="", by=editor)
    claims = [claim_at(S.PUBLISHED) for _ in range(4)]
    env = {"FACTCHECK_ALERT_LEASE_SECONDS": "3", "FACTCHECK_WEBHOOK_TIMEOUT": "2", "CELERY_VISIBILITY_TIMEOUT": "6"}
    settings.FACTCHECK_ALERT_LEASE = timedelta(seconds=3)  # as the workers have it, for the test's own reads

    first = Worker(redis.url, concurrency=1, **env)
    try:
        send_into(redis.url, PLAN)
        # Killed while its first POST waits for an answer, with the other deliveries still queued.
        assert wait_until(lambda: Delivery.objects.filter(attempts=1).exists(), timeout=30), first.output()
        time.sleep(0.5)
    finally:
        first.kill()
    held.set()

    second = Worker(redis.url, **env)
    try:

        def all_delivered() -> bool:
            # Beat would run this every minute; here the test plays beat.
            send_into(redis.url, DUE)
            return Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 4

        assert wait_until(all_delivered, timeout=90, interval=1), second.output()
    finally:
        second.stop()

    expected = {f"evt_{event.pk}" for event in Event.objects.filter(claim__in=claims)}
    # At least once: every event reached the receiver; a repeat carries the same webhook-id, for it to drop.
    assert set(receiver.webhook_ids("/held")) == expected
