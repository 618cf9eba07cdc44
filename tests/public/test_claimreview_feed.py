"""The ClaimReview data feed at /factchecks/claimreview.jsonld, read the way a fact-check aggregator reads it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from claims.claimreview import claimreview_for
from claims.models import ClaimStatus
from claims.services.claims import claim_update
from claims.services.workflow import claim_transition
from tests.factories import claim_at, rating

S = ClaimStatus
pytestmark = pytest.mark.django_db

FEED = "/factchecks/claimreview.jsonld"


def read_feed(client, **headers) -> dict:
    response = client.get(FEED, **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    return json.loads(b"".join(response.streaming_content))


def reviews_of(feed: dict) -> list[dict]:
    return [review for element in feed["dataFeedElement"] for review in element["item"]]


def published_claim(*, days_ago: int = 0, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return claim_at(S.PUBLISHED, at=when, summary="Résumé.", **fields)


def test_the_feed_is_a_datafeed_of_the_claimreview_each_page_carries(publish, client, settings):
    settings.FACTCHECK_SITE_URL = "https://verif.example.org"
    claim = publish(verdict="mostly-false")

    feed = read_feed(client, HTTP_ACCEPT_LANGUAGE="en")

    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    assert feed["url"] == "https://verif.example.org/factchecks/claimreview.jsonld"
    assert datetime.datetime.fromisoformat(feed["dateModified"]) == claim.published_at
    [element] = feed["dataFeedElement"]
    assert element["@type"] == "DataFeedItem"
    assert datetime.datetime.fromisoformat(element["dateCreated"]) == claim.first_published_at
    assert "dateModified" not in element
    # The very ClaimReview of the fact-check's page, its verdict in the claim's language (not the reader's).
    assert element["item"] == [claimreview_for(claim)]
    assert element["item"][0]["reviewRating"]["alternateName"] == "Plutôt faux"


@pytest.mark.parametrize("status", [S.DRAFT, S.RESEARCHING, S.IN_REVIEW, S.REJECTED])
def test_only_published_fact_checks_are_in_the_feed(status, make_claim, client):
    published = published_claim(text="Une affirmation publiée.")
    make_claim(status, text="Une affirmation que les lecteurs ne voient pas.")

    assert [review["claimReviewed"] for review in reviews_of(read_feed(client))] == [published.text]


def test_the_feed_is_newest_first_with_a_fact_check_being_corrected_as_it_was_published(client, editor):
    oldest = published_claim(text="La plus ancienne.", days_ago=3)
    reopened = published_claim(text="Celle qui est en cours de correction.", days_ago=2)
    newest = published_claim(text="La plus récente.", days_ago=1)
    reopened = claim_transition(claim=reopened, to=S.RESEARCHING, by=editor, comment="Le chiffre était faux.")
    claim_update(claim=reopened, by=editor, changes={"text": "Brouillon de correction", "rating": rating("mixed")})

    reviews = reviews_of(read_feed(client))

    being_corrected = "Celle qui est en cours de correction."
    assert [review["claimReviewed"] for review in reviews] == [newest.text, being_corrected, oldest.text]
    assert reviews[1]["reviewRating"]["alternateName"] == "Faux"


def test_a_change_made_in_the_open_dates_the_item_and_the_feed(publish, editor, client):
    claim = publish()
    claim_update(
        claim=claim,
        by=editor,
        changes={"summary": "Précisé."},
        change_kind="clarification",
        change_note="Nous précisons la source du chiffre.",
    )
    changed_at = claim.published_changes.get().at

    feed = read_feed(client)

    [element] = feed["dataFeedElement"]
    assert datetime.datetime.fromisoformat(element["dateModified"]) == changed_at
    assert datetime.datetime.fromisoformat(element["item"][0]["dateModified"]) == changed_at
    assert datetime.datetime.fromisoformat(feed["dateModified"]) == changed_at


def test_an_empty_feed_is_still_a_datafeed(client):
    feed = read_feed(client)

    assert feed["@type"] == "DataFeed"
    assert feed["dataFeedElement"] == []
    assert "dateModified" not in feed


def test_caches_may_keep_the_feed_and_ask_again_whether_it_changed(publish, client):
    publish()
    older = published_claim(text="Une autre, publiée avant.", days_ago=5)
    response = client.get(FEED)
    b"".join(response.streaming_content)
    assert "public" in response["Cache-Control"] and "max-age=600" in response["Cache-Control"]
    assert response["Last-Modified"]

    assert client.get(FEED, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304

    # An older fact-check deleted: no date moved, but the feed did change.
    older.delete()
    assert client.get(FEED, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_a_head_request_answers_the_headers_without_reading_the_fact_checks(publish, client):
    publish()

    response = client.head(FEED)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response["ETag"] and response.content == b""


@pytest.mark.parametrize("count", [2, 12])
def test_the_feed_takes_the_same_number_of_queries_however_many_fact_checks(
    count, client, editor, django_assert_num_queries
):
    for n in range(count):
        published_claim(days_ago=n)
    newest = published_claim(days_ago=0)
    claim_transition(claim=newest, to=S.RESEARCHING, by=editor, comment="Correction.")

    # The count and date (two), the published fact-checks through one cursor, the ones being corrected, their
    # published versions, their reopenings and their latest changes.
    with django_assert_num_queries(7):
        response = client.get(FEED)
        feed = json.loads(b"".join(response.streaming_content))
    assert len(feed["dataFeedElement"]) == count + 1


def test_the_public_pages_advertise_the_feed(client):
    html = client.get("/factchecks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<link rel="alternate" type="application/ld+json" href="/factchecks/claimreview.jsonld"' in html
    assert '<a href="/factchecks/claimreview.jsonld">ClaimReview data feed</a>' in html
