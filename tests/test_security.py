"""Headers and sign-in: a Content-Security-Policy on every page, and a pause after repeated wrong passwords."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from claims.models import ClaimStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["public list", "public fact-check", "admin login", "admin claim", "api docs", "api"])
def test_every_kind_of_page_carries_the_content_security_policy(page, client, editor, make_claim):
    claim = make_claim(ClaimStatus.PUBLISHED)
    if page.startswith("admin claim") or page == "api docs" or page == "api":
        client.force_login(editor)
    url = {
        "public list": "/factchecks/",
        "public fact-check": f"/factchecks/{claim.pk}/",
        "admin login": "/admin/login/",
        "admin claim": reverse("admin:claims_claim_change", args=[claim.pk]),
        "api docs": "/api/docs/",
        "api": "/api/v1/claims/",
    }[page]
    response = client.get(url, follow=True)

    assert response.status_code == 200
    policy = {
        directive.split()[0]: directive.split()[1:] for directive in response["Content-Security-Policy"].split("; ")
    }
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def sign_in(client, username, password, address="192.0.2.10"):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_sign_in_is_paused_after_five_wrong_passwords_even_with_the_right_one(client, editor, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, editor.username, "wrong").status_code == 200  # the form again, with its error
    assert sign_in(client, editor.username, "wrong").status_code == 429

    paused = sign_in(client, editor.username, "pw")

    assert paused.status_code == 429
    page = paused.content.decode()
    assert "Sign-in paused" in page and "wrong password 5 times from your address" in page
    assert "Wait 15 minutes" in page
    assert not signed_in(client)
    # The right password from another address is not paused: a stranger cannot lock an editor out.
    assert sign_in(client, editor.username, "pw", address="192.0.2.99").status_code == 302
    assert signed_in(client)


def test_the_pause_ends_after_its_time(client, editor):
    for _ in range(5):
        sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, "pw").status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, editor.username, "pw").status_code == 302
        assert signed_in(client)


def test_a_right_password_forgets_earlier_wrong_ones(client, editor):
    for _ in range(4):
        sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, "pw").status_code == 302
    client.logout()
    for _ in range(4):
        sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, "pw").status_code == 302


def test_the_pause_is_said_in_french(client, editor):
    for _ in range(5):
        sign_in(client, editor.username, "wrong")
    page = client.post(
        reverse("admin:login"),
        {"username": editor.username, "password": "pw"},
        REMOTE_ADDR="192.0.2.10",
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()
    assert "Connexion suspendue" in page and "Sign-in paused" not in page
