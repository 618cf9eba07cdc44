"""ClaimReview JSON-LD as the public page embeds it: the properties search engines read, with their types."""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urlsplit

import pytest

from claims.claimreview import factcheck_url
from claims.models import Rating
from claims.templatetags.factchecks import badge_text_colour, contrast_ratio, jsonld

pytestmark = pytest.mark.django_db


def embedded_claimreview(client, claim) -> dict:
    html = client.get(factcheck_url(claim, base_url="")).content.decode()
    [found] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found)


def test_claimreview_properties_are_present_and_typed(publish, client, settings):
    settings.FACTCHECK_SITE_URL = "https://verif.example.org"
    settings.FACTCHECK_NEWSROOM_NAME = "La Rédaction"
    claim = publish(verdict="mostly-false")

    review = embedded_claimreview(client, claim)

    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.text
    assert urlsplit(review["url"]).netloc == "verif.example.org"
    assert review["url"] == factcheck_url(claim)
    assert review["author"] == {"@type": "Organization", "name": "La Rédaction"}
    assert datetime.date.fromisoformat(review["datePublished"]) == claim.first_published_at.date()
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating"
    assert rating["alternateName"] == "Plutôt faux"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (2, 5, 1)
    assert all(type(rating[key]) is int for key in ("ratingValue", "bestRating", "worstRating"))
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "David Sacks"}
    assert item["appearance"] == {"@type": "CreativeWork", "url": "https://example.com/interview"}
    assert item["datePublished"] == "2025-01-29"


def test_a_verdict_without_a_number_has_its_label_and_no_numbers(publish, client):
    review = embedded_claimreview(client, publish(verdict="misleading"))

    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Trompeur"}


def test_jsonld_escapes_what_could_close_the_script_element():
    assert str(jsonld({"t": "</script><!-- & >"})) == '{"t": "\\u003C/script\\u003E\\u003C!-- \\u0026 \\u003E"}'
    assert json.loads(str(jsonld({"t": "</script>"}))) == {"t": "</script>"}


def test_every_verdict_badge_of_the_default_scale_is_readable():
    for rating in Rating.objects.all():
        text = badge_text_colour(rating.colour)
        assert contrast_ratio(rating.colour, text) >= 4.5, rating.slug


def test_contrast_ratio_matches_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert badge_text_colour("#ffff00") == "#000000"
    assert badge_text_colour("#000080") == "#ffffff"
