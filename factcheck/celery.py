"""The Celery app of the claim desk, configured from Django settings (CELERY_* names)."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_init
from django.db import close_old_connections

# Like wsgi.py: what runs in production defaults to the production settings (make run and the tests say local/test).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings.production")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Tasks live beside the work they run (claims/tasks.py, claims/sources/tasks.py, claims/alerts/tasks.py).
app.autodiscover_tasks(["claims", "claims.sources", "claims.alerts", "claims.matching", "claims.intake"])


@task_prerun.connect
@task_postrun.connect
def close_broken_or_expired_connections(sender: Any = None, **kwargs: Any) -> None:
    """Around each task, as Django does around each request: drop the database connections that are broken or
    older than CONN_MAX_AGE, and keep the others (Celery's own closing is held off by CELERY_DB_REUSE_MAX).

    Not for a task run eagerly, in the caller's process: its connection may be in the middle of a transaction.
    """
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    close_old_connections()


@worker_init.connect
def prepare_the_fetcher(**kwargs: Any) -> None:
    """In the worker's main process, before its pool forks: load what every fetch shares, once for all processes."""
    from claims.sources import fetching

    fetching.prepare()
