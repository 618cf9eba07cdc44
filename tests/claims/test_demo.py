"""load_demo: the seed article's claims, walked through the real workflow; a second run changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from claims.models import Claim, ClaimStatus, Evidence, HistoricalClaim, Source, Transition

pytestmark = pytest.mark.django_db


def snapshot_of_rows():
    return {
        "claims": sorted(Claim.objects.values_list("text", "status", "rating__slug", "version", "language")),
        "evidence": Evidence.objects.count(),
        "sources": sorted(Source.objects.values_list("url", flat=True)),
        "transitions": Transition.objects.count(),
        "history": HistoricalClaim.objects.count(),
        "users": sorted(get_user_model().objects.values_list("username", "password")),
    }


def test_load_demo_twice_gives_the_same_rows():
    call_command("load_demo", force=True)
    first = snapshot_of_rows()
    call_command("load_demo", force=True)
    assert snapshot_of_rows() == first


def test_the_demo_covers_the_workflow_in_french():
    call_command("load_demo", force=True)
    claims = Claim.objects.all()
    checkable = claims.exclude(status=ClaimStatus.REJECTED)
    assert checkable.count() >= 6
    assert set(claims.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert set(claims.values_list("language", flat=True)) == {"fr"}
    assert all(c.claimant and c.claim_date for c in claims)
    assert claims.filter(status=ClaimStatus.PUBLISHED, summary="").count() == 0
    assert all(url.startswith("https://") for url in Source.objects.values_list("url", flat=True))


def test_the_demo_accounts_log_in_with_their_roles(client):
    call_command("load_demo", force=True)
    for username, password in [("editor", "editor-demo-2025"), ("researcher", "researcher-demo-2025")]:
        # Through the sign-in page, as a person does (the lockout's backend needs the request).
        response = client.post("/admin/login/", {"username": username, "password": password})
        assert response.status_code == 302, response.content.decode()[:500]
        client.logout()
    editor = get_user_model().objects.get(username="editor")
    assert editor.has_perm("claims.publish_claim")
    assert not get_user_model().objects.get(username="researcher").has_perm("claims.publish_claim")
    # Alerts have somewhere to go (the console in `make run`).
    assert editor.email == "editor@newsroom.example"


def test_load_demo_refuses_a_production_machine_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="known passwords"):
        call_command("load_demo")
    assert not Claim.objects.exists()
