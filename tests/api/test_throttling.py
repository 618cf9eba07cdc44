"""Throttling: too many requests get 429 with Retry-After, per user and per anonymous caller."""

import pytest
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from claims.models import ClaimStatus


@pytest.fixture
def tiny_rates(monkeypatch):
    # DRF reads the rates when the throttle classes are defined: patch the class attribute itself.
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "3/minute")
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")


def test_a_user_over_their_rate_gets_429(tiny_rates, api, viewer, researcher):
    client = api(viewer)
    codes = [client.get("/api/v1/ratings/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/claims/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    # Another user has their own allowance.
    assert api(researcher).get("/api/v1/ratings/").status_code == 200


def test_anonymous_callers_of_the_public_claimreview_are_throttled(tiny_rates, api, make_claim):
    claim = make_claim(ClaimStatus.PUBLISHED)
    codes = [api(None).get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
