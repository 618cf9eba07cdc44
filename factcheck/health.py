"""`/healthz`: can the desk work? The database answers and the broker accepts connections."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as problem:  # noqa: BLE001 - any failure is what the probe reports
        return _failure("database", problem)


def _broker_status() -> str:
    try:
        # Short timeouts and a single retry: a dead broker must not hang the probe.
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=2,
            transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": 2},
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return "ok"
    except Exception as problem:  # noqa: BLE001
        return _failure("broker", problem)


def _failure(part: str, problem: Exception) -> str:
    # The probe is public: the details (addresses, user names) go to the log, the answer only names the kind.
    logger.warning("healthz: the %s is down: %s", part, problem)
    return f"error: {type(problem).__name__}"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Is the desk able to work: the database answers and the broker accepts connections (503 if not)."""
    report = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
