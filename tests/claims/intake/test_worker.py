"""With a real Celery worker process on the `checks` queue, a throwaway Redis and a real HTTP server: an intake sent
as the API sends it is read, its French model loaded in the worker, once."""

import pytest

from claims.intake.models import Intake, IntakeStatus
from harness.celery_worker import ThrowawayRedis, Worker, send_into, wait_until
from tests.claims.intake.articles import HTML, MAIN_CLAIMS, SEED_PAGE
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis():
    server = ThrowawayRedis()
    yield server
    server.stop()


def test_a_worker_on_the_checks_queue_reads_intakes_and_a_hostile_one_ends_failed(http_server, redis, desk_defaults):
    researcher = UserFactory(username="researcher", role="researcher")
    good = Intake.objects.create(
        url=http_server.route("/deepseek", headers=HTML, body=SEED_PAGE), requested_by=researcher
    )
    hostile = Intake.objects.create(
        url=http_server.route("/image", headers=[("Content-Type", "image/png")], body=b"\x89PNG"),
        requested_by=researcher,
    )
    worker = Worker(redis.url, concurrency=2, queues=["checks"])
    try:
        for intake in (good, hostile):
            send_into(redis.url, "claims.intake.tasks.intake_read_task", intake.pk)
        assert wait_until(
            lambda: not Intake.objects.filter(status__in=[IntakeStatus.QUEUED, IntakeStatus.FETCHING]).exists(),
            timeout=90,
        ), worker.output()
    finally:
        worker.stop()

    good.refresh_from_db()
    hostile.refresh_from_db()
    assert good.status == IntakeStatus.DONE, good.failure_reason
    top_ten = [c.text for c in good.candidates.order_by("-score", "position")[:10]]
    assert all(any(piece in text for text in top_ten) for piece in MAIN_CLAIMS.values())
    assert hostile.status == IntakeStatus.FAILED
    assert "image/png" in hostile.failure_reason
