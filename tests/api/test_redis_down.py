"""With Redis down (the throttles' counters, the broker), the API says so in JSON and the admin keeps working."""

import socket
import threading

import pytest
from django.core.cache import caches
from django.urls import reverse

from claims.models import ClaimStatus
from harness.celery_worker import ThrowawayRedis

pytestmark = pytest.mark.django_db


def redis_cache_on(settings, url: str) -> None:
    """The cache on Redis at `url`, configured as in production."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }


@pytest.fixture
def redis_cache(settings):
    """The cache on a Redis of the test's own, as in production; `stop()` kills it."""
    redis = ThrowawayRedis()
    redis_cache_on(settings, redis.url)
    yield redis
    caches["default"].close()
    redis.stop()


@pytest.fixture
def silent_redis(settings):
    """A "Redis" that takes connections and never answers: a host that hangs rather than refuses."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    redis_cache_on(settings, f"redis://127.0.0.1:{listener.getsockname()[1]}/0")
    yield
    caches["default"].close()
    listener.close()


def test_the_api_answers_503_in_json_and_the_admin_keeps_working(redis_cache, api, editor, make_claim, client):
    claim = make_claim(ClaimStatus.PUBLISHED)
    assert api(None).get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 200
    assert api(editor).get("/api/v1/claims/").status_code == 200

    redis_cache.stop()

    for response in (
        api(None).get(f"/api/v1/claims/{claim.pk}/claimreview/"),
        api(editor).get("/api/v1/claims/"),
        api(editor).patch(f"/api/v1/claims/{claim.pk}/", {"tags": ["ia"]}, format="json"),
    ):
        assert response.status_code == 503
        # JSON (the ClaimReview endpoint answers everything as JSON-LD, its errors included, as its schema says).
        assert response["Content-Type"] in ("application/json", "application/ld+json")
        assert response.json()["code"] == "service_unavailable"
        assert int(response["Retry-After"]) > 0
    claim.refresh_from_db()
    assert list(claim.tags.names()) == []

    client.force_login(editor)
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 200
    assert client.get(reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 200
    assert client.get(f"/factchecks/{claim.pk}/", follow=True).status_code == 200


def test_a_redis_that_hangs_gets_a_503_not_a_hung_api(silent_redis, api, make_claim):
    claim = make_claim(ClaimStatus.PUBLISHED)
    answers = []
    call = threading.Thread(
        target=lambda: answers.append(api(None).get(f"/api/v1/claims/{claim.pk}/claimreview/")), daemon=True
    )
    call.start()
    call.join(timeout=30)  # without the socket timeouts the call waits for ever

    assert not call.is_alive(), "the API call is still waiting for Redis"
    (response,) = answers
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
