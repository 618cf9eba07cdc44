"""Intake in the admin, as a researcher uses it: paste an address, wait for the sentences, tick, make draft claims."""

import re

import pytest

from claims.intake.models import Intake
from claims.intake.reading import intake_read
from claims.models import Claim
from tests.claims.intake.articles import HTML, SEED_PAGE

pytestmark = pytest.mark.django_db

INTAKES = "/admin/intake/intake/"


def test_a_researcher_pastes_an_address_ticks_sentences_and_gets_draft_claims(
    client, researcher, http_server, django_capture_on_commit_callbacks, published_tasks
):
    url = http_server.route("/deepseek", headers=HTML, body=SEED_PAGE)
    client.force_login(researcher)
    assert client.get(f"{INTAKES}add/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"{INTAKES}add/", {"url": url})
    intake = Intake.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"{INTAKES}{intake.pk}/change/"
    assert published_tasks == [("claims.intake.tasks.intake_read_task", "checks")]
    waiting = client.get(answer["Location"]).content.decode()
    assert "The desk is reading the article" in waiting

    intake_read(intake_id=intake.pk)  # what the worker does with the message
    page = client.get(f"{INTAKES}{intake.pk}/change/").content.decode()
    assert "Create draft claims from the ticked sentences" in page
    offered = [int(pk) for pk in re.findall(r'name="candidates" value="(\d+)"', page)]
    best_first = list(intake.candidates.order_by("-score", "position").values_list("pk", flat=True))
    assert offered == best_first
    assert "attributed to someone" in page and "les Américains" in page
    assert "names no one: the claim gets 127.0.0.1" in page

    ticked = offered[:2]
    done = client.post(f"{INTAKES}{intake.pk}/change/", {"_create_claims": "1", "candidates": ticked}, follow=True)

    claims = list(Claim.objects.order_by("id"))
    assert len(claims) == 2
    assert {claim.appearance_url for claim in claims} == {url}
    assert {claim.created_by for claim in claims} == {researcher}
    page = done.content.decode()
    assert "2 draft claims made" in page
    for claim in claims:
        assert f'href="/admin/claims/claim/{claim.pk}/change/"' in page
    # Chosen sentences are no longer offered; the others still are.
    offered_now = [int(pk) for pk in re.findall(r'name="candidates" value="(\d+)"', page)]
    assert offered_now == offered[2:]


def test_ticking_nothing_says_so_and_makes_nothing(client, researcher, read_intake):
    intake = read_intake()
    client.force_login(researcher)

    answer = client.post(f"{INTAKES}{intake.pk}/change/", {"_create_claims": "1"}, follow=True)

    assert "Tick at least one sentence." in answer.content.decode()
    assert not Claim.objects.exists()


def test_an_address_the_desk_may_not_fetch_is_refused_on_the_form(client, researcher):
    client.force_login(researcher)

    answer = client.post(f"{INTAKES}add/", {"url": "http://192.168.1.1/admin"})

    assert answer.status_code == 200
    assert "private network address" in answer.content.decode()
    assert not Intake.objects.exists()


def test_a_failed_intake_shows_why(client, researcher, read_intake):
    intake = read_intake(status=404, body=b"gone")
    client.force_login(researcher)

    page = client.get(f"{INTAKES}{intake.pk}/change/").content.decode()

    assert "The server answered 404 Not Found." in page
    assert "Create draft claims" not in page


def test_a_viewer_neither_sees_nor_uses_the_intake(client, viewer, read_intake):
    intake = read_intake()
    client.force_login(viewer)

    assert client.get(f"{INTAKES}add/").status_code == 403
    assert client.get(f"{INTAKES}{intake.pk}/change/").status_code in (302, 403)
    client.post(f"{INTAKES}{intake.pk}/change/", {"_create_claims": "1", "candidates": [intake.candidates.first().pk]})
    assert not Claim.objects.exists()
