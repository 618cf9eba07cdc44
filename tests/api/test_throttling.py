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


def test_a_random_forwarded_for_header_does_not_buy_a_new_allowance(tiny_rates, api, make_claim, settings):
    # Nothing in front of the desk here (FACTCHECK_TRUSTED_PROXIES=0): the header is the caller's own words.
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    claim = make_claim(ClaimStatus.PUBLISHED)
    codes = [
        api(None).get(f"/api/v1/claims/{claim.pk}/claimreview/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_behind_one_proxy_the_address_it_saw_is_the_one_counted(tiny_rates, api, make_claim, settings):
    # The TLS proxy appends the address it saw; whatever the caller wrote before it does not count.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    claim = make_claim(ClaimStatus.PUBLISHED)
    url = f"/api/v1/claims/{claim.pk}/claimreview/"
    codes = [api(None).get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    # Another reader behind the same proxy has their own allowance.
    assert api(None).get(url, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_number_of_trusted_proxies_is_one_in_production_and_a_setting():
    import subprocess
    import sys

    script = (
        "import django, os; django.setup(); from django.conf import settings; "
        "print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    base_env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "factcheck.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "desk.example",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/factcheck",
        "FACTCHECK_SITE_URL": "https://desk.example",
        "EMAIL_URL": "smtp://127.0.0.1:25",
    }
    for extra, expected in [({}, "1"), ({"FACTCHECK_TRUSTED_PROXIES": "2"}, "2")]:
        result = subprocess.run(
            [sys.executable, "-c", script], env={**base_env, **extra}, capture_output=True, text=True, timeout=60
        )
        assert result.stdout.strip() == expected, result.stderr
