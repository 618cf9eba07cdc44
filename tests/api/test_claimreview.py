"""ClaimReview JSON-LD of a published fact-check, as search engines and the public pages read it."""

import datetime

import pytest
from django.utils import timezone

from claims.claimreview import claimreview_for
from claims.models import ClaimStatus
from tests.factories import rating

S = ClaimStatus


@pytest.fixture
def published(make_claim, settings):
    settings.FACTCHECK_SITE_URL = "https://verif.example.org/"
    settings.FACTCHECK_NEWSROOM_NAME = "La Rédaction"
    return make_claim(
        S.PUBLISHED,
        text="DeepSeek a coûté six millions de dollars.",
        claimant="David Sacks",
        appearance_url="https://example.com/interview",
        at=timezone.make_aware(datetime.datetime(2025, 2, 3, 10, 0)),
    )


def test_claimreview_of_a_published_claim(published, api, db):
    response = api(None).get(f"/api/v1/claims/{published.pk}/claimreview/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response.json() == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://verif.example.org/factchecks/{published.pk}-deepseek-a-coute-six-millions-de-dollars/",
        "claimReviewed": "DeepSeek a coûté six millions de dollars.",
        "author": {"@type": "Organization", "name": "La Rédaction"},
        "datePublished": "2025-02-03",
        "inLanguage": "fr",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Faux",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Person", "name": "David Sacks"},
            "appearance": {"@type": "CreativeWork", "url": "https://example.com/interview"},
            "datePublished": "2025-01-29",
        },
    }


def test_a_rating_without_a_number_has_only_its_label(published):
    published.rating = rating("misleading")
    review = claimreview_for(published, base_url="https://x.org")
    assert set(review["reviewRating"]) == {"@type", "alternateName"}


def test_the_label_follows_the_claims_language(published):
    published.language = "en"
    assert claimreview_for(published)["reviewRating"]["alternateName"] == "False"


@pytest.mark.parametrize("status", [S.DRAFT, S.RESEARCHING, S.IN_REVIEW, S.REJECTED])
def test_no_claimreview_before_publication(status, make_claim, api, editor):
    claim = make_claim(status)
    response = api(editor).get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert response.status_code == 404


def test_a_fact_check_being_corrected_keeps_the_claimreview_of_its_published_version(published, api, editor):
    published_review = api(editor).get(f"/api/v1/claims/{published.pk}/claimreview/").json()
    reopened = api(editor).post(
        f"/api/v1/claims/{published.pk}/transitions/", {"to": "researching", "comment": "Erreur."}, format="json"
    )
    assert reopened.status_code == 200, reopened.json()
    edited = api(editor).patch(
        f"/api/v1/claims/{published.pk}/", {"text": "Texte en cours de correction."}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["status"] == "researching"

    response = api(editor).get(f"/api/v1/claims/{published.pk}/claimreview/")
    assert response.status_code == 200
    assert response.json() == published_review
