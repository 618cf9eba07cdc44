"""`/api/v1/intake/`: 202 with the intake and where to follow it, its ranked sentences, and claims made of the chosen
ones; the errors in the API's one body, per field, 409 for a rule, never a 500."""

import pytest

from claims.intake.models import Intake, IntakeStatus
from claims.models import Claim

pytestmark = pytest.mark.django_db


def test_asking_for_an_intake_answers_202_with_where_to_follow_it(
    api, researcher, published_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(researcher).post("/api/v1/intake/", {"url": "http://127.0.0.1/article"})

    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["status"], body["url"], body["candidates"]) == ("queued", "http://127.0.0.1/article", [])
    assert body["requested_by"] == "researcher"
    assert response["Location"] == f"http://testserver/api/v1/intake/{body['id']}/"
    assert published_tasks == [("claims.intake.tasks.intake_read_task", "checks")]


def test_an_intake_read_shows_its_sentences_best_first_with_scores_reasons_and_claimants(api, researcher, read_intake):
    intake = read_intake()

    response = api(researcher).get(f"/api/v1/intake/{intake.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["language"], body["failure"]) == ("done", "fr", None)
    scores = [candidate["score"] for candidate in body["candidates"]]
    assert scores == sorted(scores, reverse=True)
    siphoning = next(c for c in body["candidates"] if "siphonné" in c["text"])
    assert siphoning["claimant"] == siphoning["claimant_for_claim"] == "les Américains"
    assert {"code": "attribution", "label": "attributed to someone"} in siphoning["reasons"]
    losses = next(c for c in body["candidates"] if "milliards en bourse" in c["text"])
    assert (losses["claimant"], losses["claimant_for_claim"]) == ("", "127.0.0.1")
    assert losses["claim"] is None


def test_a_failed_intake_says_why(api, researcher, read_intake):
    intake = read_intake(status=404, body=b"gone")

    body = api(researcher).get(f"/api/v1/intake/{intake.pk}/").json()

    assert body["status"] == "failed"
    assert body["failure"] == {"code": "http_error", "message": "The server answered 404 Not Found."}


def test_the_chosen_sentences_become_claims_answered_201(api, researcher, read_intake):
    intake = read_intake()
    chosen = list(intake.candidates.order_by("-score", "position").values_list("pk", flat=True)[:3])

    response = api(researcher).post(f"/api/v1/intake/{intake.pk}/claims/", {"candidates": chosen}, format="json")

    assert response.status_code == 201, response.json()
    claims = response.json()
    assert len(claims) == 3
    assert {claim["status"] for claim in claims} == {"draft"}
    assert {claim["appearance_url"] for claim in claims} == {intake.url}
    assert set(Claim.objects.values_list("pk", flat=True)) == {claim["id"] for claim in claims}
    again = api(researcher).post(f"/api/v1/intake/{intake.pk}/claims/", {"candidates": chosen[:1]}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "candidate_already_claimed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://example.org/a"}, "url"),
        ({"url": "http://10.1.2.3/"}, "url"),
        ({}, "url"),
        ({"url": "http://127.0.0.1/", "priority": 1}, "priority"),
        ({"url": ["http://127.0.0.1/"]}, "url"),
    ],
)
def test_a_bad_request_for_an_intake_is_a_400_per_field(api, researcher, body, field):
    response = api(researcher).post("/api/v1/intake/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Intake.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"candidates": []}, 400),
        ({"candidates": "all"}, 400),
        ({"candidates": [0]}, 400),
        ({"candidates": [999_999]}, 400),
        ({"candidates": list(range(1, 500))}, 400),
    ],
)
def test_a_bad_choice_of_sentences_is_a_400(api, researcher, read_intake, body, status):
    intake = read_intake()

    response = api(researcher).post(f"/api/v1/intake/{intake.pk}/claims/", body, format="json")

    assert response.status_code == status
    assert "candidates" in response.json()["errors"]
    assert not Claim.objects.exists()


def test_claims_of_an_article_not_read_yet_are_a_409(api, researcher):
    intake = Intake.objects.create(url="http://127.0.0.1/a", requested_by=researcher, status=IntakeStatus.FETCHING)

    response = api(researcher).post(f"/api/v1/intake/{intake.pk}/claims/", {"candidates": [1]}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "intake_not_done"


def test_only_those_who_may_create_claims_use_the_intake(api, viewer, outsider, editor, researcher):
    intake = Intake.objects.create(url="http://127.0.0.1/a", requested_by=researcher)
    detail = f"/api/v1/intake/{intake.pk}/"

    assert api(None).get(detail).status_code == 401
    assert api(None).post("/api/v1/intake/", {"url": "http://127.0.0.1/"}).status_code == 401
    for user in (viewer, outsider):
        assert api(user).get(detail).status_code == 403
        assert api(user).post("/api/v1/intake/", {"url": "http://127.0.0.1/"}).status_code == 403
        assert api(user).post(f"{detail}claims/", {"candidates": [1]}, format="json").status_code == 403
    assert api(editor).get(detail).status_code == 200
    assert api(editor).get("/api/v1/intake/999999/").status_code == 404
    assert Intake.objects.count() == 1


def test_the_intake_is_in_the_openapi_schema(api, researcher):
    schema = api(researcher).get("/api/schema/", HTTP_ACCEPT="application/json").json()

    assert {"/api/v1/intake/", "/api/v1/intake/{id}/", "/api/v1/intake/{id}/claims/"} <= set(schema["paths"])
    assert "202" in schema["paths"]["/api/v1/intake/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/intake/{id}/claims/"]["post"]["responses"]
