"""Similar claims: suggested in the background for every claim written, confirmed (linked both ways) or dismissed
(never suggested again) by a researcher, in the admin and through the API."""

from __future__ import annotations

from html import escape

import pytest
from django.urls import reverse

from claims.matching.models import SimilarClaim, SuggestionStatus
from claims.matching.services import similar_claims_find
from claims.models import ClaimStatus
from claims.services.claims import claim_create, claim_update
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

FRENCH = "Le développement de DeepSeek n'a coûté que 6 millions de dollars."
ENGLISH = "DeepSeek cost only 6 million dollars to build."
OTHER_FIGURE = "DeepSeek cost 6 billion dollars to build."


@pytest.fixture
def pair(researcher):
    """An English claim on the desk, then the same claim in French, whose search has run."""
    english = claim_create(by=researcher, text=ENGLISH, claimant="David Sacks", language="en")
    french = claim_create(by=researcher, text=FRENCH, claimant="Franceinfo", language="fr")
    similar_claims_find(claim_id=english.pk)
    similar_claims_find(claim_id=french.pk)
    return english, french


def test_the_same_claim_in_the_other_language_is_suggested_with_its_score_and_method(pair):
    english, french = pair
    suggestion = SimilarClaim.objects.get()
    assert (suggestion.claim_a, suggestion.claim_b) == (english, french)
    assert suggestion.status == SuggestionStatus.SUGGESTED
    assert suggestion.method == "embedding"
    assert 0.9 <= suggestion.score <= 1


def test_another_figure_is_not_suggested(researcher):
    first = claim_create(by=researcher, text=ENGLISH, claimant="David Sacks", language="en")
    claim_create(by=researcher, text=OTHER_FIGURE, claimant="Someone", language="en")
    assert similar_claims_find(claim_id=first.pk) == []


def test_a_claim_whose_text_changes_loses_the_suggestions_that_no_longer_hold(pair, researcher):
    english, _french = pair
    claim_update(claim=english, by=researcher, changes={"text": "Alibaba released a new model in January."})
    similar_claims_find(claim_id=english.pk)
    assert not SimilarClaim.objects.exists()


def test_the_api_lists_them_and_a_researcher_confirms_one_shown_on_both_claims(pair, api, researcher, viewer):
    english, french = pair
    listed = api(viewer).get(f"/api/v1/claims/{english.pk}/similar/").json()["results"]
    assert [(s["claim"]["id"], s["status"], s["method"]) for s in listed] == [(french.pk, "suggested", "embedding")]

    answer = api(researcher).patch(f"/api/v1/claims/{english.pk}/similar/{french.pk}/", {"status": "confirmed"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["decided_by"] == researcher.username
    from_french = api(viewer).get(f"/api/v1/claims/{french.pk}/similar/").json()["results"]
    assert [(s["claim"]["id"], s["status"]) for s in from_french] == [(english.pk, "confirmed")]


def test_a_dismissed_claim_is_not_suggested_again(pair, api, researcher):
    english, french = pair
    api(researcher).patch(f"/api/v1/claims/{english.pk}/similar/{french.pk}/", {"status": "dismissed"})
    claim_update(claim=english, by=researcher, changes={"text": "DeepSeek only cost 6 million dollars to build."})
    similar_claims_find(claim_id=english.pk)
    assert SimilarClaim.objects.get().status == SuggestionStatus.DISMISSED


def test_deciding_takes_a_role_that_edits_claims_and_a_real_suggestion(pair, api, viewer, researcher):
    english, french = pair
    refused = api(viewer).patch(f"/api/v1/claims/{english.pk}/similar/{french.pk}/", {"status": "confirmed"})
    assert refused.status_code == 403
    other = claim_at(ClaimStatus.DRAFT)
    unknown = api(researcher).patch(f"/api/v1/claims/{english.pk}/similar/{other.pk}/", {"status": "confirmed"})
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "not_suggested"
    invalid = api(researcher).patch(f"/api/v1/claims/{english.pk}/similar/{french.pk}/", {"status": "maybe"})
    assert invalid.status_code == 400
    assert "status" in invalid.json()["errors"]
    assert api(None).get(f"/api/v1/claims/{english.pk}/similar/").status_code == 401
    assert api(viewer).get("/api/v1/claims/999999999/similar/").status_code == 404
    assert SimilarClaim.objects.get().status == SuggestionStatus.SUGGESTED


def test_the_admin_page_shows_them_and_a_researcher_confirms_from_it(pair, client, researcher):
    english, french = pair
    client.force_login(researcher)
    page = client.get(reverse("admin:claims_claim_change", args=[english.pk]))
    assert escape(FRENCH) in page.content.decode()
    assert "Confirm: the same claim" in page.content.decode()

    url = reverse("admin:claims_claim_similar", args=[english.pk, french.pk])
    answer = client.post(url, {"status": "confirmed"}, follow=True)
    assert "is confirmed as the same claim" in answer.content.decode()
    other_side = client.get(reverse("admin:claims_claim_change", args=[french.pk])).content.decode()
    assert ENGLISH in other_side and "Confirmed: the same claim" in other_side
    assert client.get(url).status_code == 405


def test_a_viewer_sees_them_in_the_admin_without_the_buttons(pair, client, viewer):
    english, _french = pair
    client.force_login(viewer)
    page = client.get(reverse("admin:claims_claim_change", args=[english.pk])).content.decode()
    assert escape(FRENCH) in page
    assert "Confirm: the same claim" not in page
