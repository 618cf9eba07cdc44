"""/healthz: what a load balancer asks, the database and the broker, 200 or 503."""

import time


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_dead_broker_is_503_quickly(client, db, settings):
    # A closed port on loopback: nothing listens there.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")
    assert time.monotonic() - started < 10
