"""Every task of ours goes to a queue a worker consumes: checks, sweeps, alerts or matching, never the default."""

import pytest
from celery.exceptions import QueueNotFound
from django.conf import settings
from django_celery_beat.models import PeriodicTask

from factcheck.celery import app

DECLARED = {"checks", "sweeps", "alerts", "matching"}


def queue_of(task_name: str) -> str:
    """The queue a message for this task goes to, as Celery routes it when the task is sent."""
    return app.amqp.router.route({}, task_name)["queue"].name


def our_tasks() -> list[str]:
    # What the worker loads at start (autodiscovery of every app's tasks), so that a task in a new module counts too.
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if name.startswith("claims."))


def test_the_declared_queues_are_checks_sweeps_alerts_and_matching_and_the_default_is_not_one_of_them() -> None:
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} == DECLARED
    assert settings.CELERY_TASK_DEFAULT_QUEUE not in DECLARED


def test_every_task_of_ours_has_a_route_to_a_declared_queue() -> None:
    tasks = our_tasks()
    assert len(tasks) >= 4
    assert {name: queue_of(name) for name in tasks if queue_of(name) not in DECLARED} == {}


def test_source_checks_and_sweeps_have_their_own_queues() -> None:
    expected = {
        "claims.sources.tasks.sources_dispatch_task": "checks",
        "claims.sources.tasks.source_check_task": "checks",
        "claims.sources.tasks.flags_sweep_task": "sweeps",
        "claims.sources.tasks.flags_sweep_checked_task": "sweeps",
    }
    assert {name: queue_of(name) for name in expected if name in our_tasks()} == expected


def test_a_task_without_a_route_cannot_be_sent() -> None:
    """It would land on a queue no worker consumes, and wait there for ever: sending it fails instead."""
    with pytest.raises(QueueNotFound):
        queue_of("claims.sources.tasks.a_task_nobody_routed")


@pytest.mark.django_db
def test_every_beat_schedule_names_a_task_of_ours_with_a_route() -> None:
    """The migration's schedules name the tasks by their dotted names; renaming a task would orphan them."""
    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"claims.sources.tasks.sources_dispatch_task", "claims.sources.tasks.flags_sweep_task"} <= scheduled
    assert scheduled <= {*our_tasks(), "celery.backend_cleanup"}
    assert {queue_of(name) for name in scheduled} <= DECLARED
