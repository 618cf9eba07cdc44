"""A published fact-check changes only in the open: over the API, its readers see the change, its note and its date."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.utils import timezone

from claims.models import ClaimStatus
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

S = ClaimStatus
ATOM = "{http://www.w3.org/2005/Atom}"
PUBLISHED_ON = timezone.make_aware(datetime.datetime(2025, 2, 3, 10, 0))


@pytest.fixture
def published():
    return claim_at(S.PUBLISHED, text="DeepSeek a coûté six millions de dollars.", at=PUBLISHED_ON)


def patch(api, user, claim, body):
    return api(user).patch(f"/api/v1/claims/{claim.pk}/", body, format="json")


def test_a_change_readers_would_see_without_a_note_is_refused(published, api, editor, client):
    response = patch(api, editor, published, {"summary": "Un nouveau résumé, en silence."})

    assert response.status_code == 409
    assert response.json()["code"] == "change_note_required"
    page = client.get(f"/factchecks/{published.pk}/", follow=True).content.decode()
    assert "Un nouveau résumé, en silence." not in page and "Aucune preuve publiée." in page


@pytest.mark.parametrize("where", ["a change readers do not see", "a claim not published"])
def test_a_note_for_readers_with_nothing_for_them_to_read_is_refused_not_dropped(published, api, editor, where):
    claim = published if where == "a change readers do not see" else claim_at(S.RESEARCHING)
    body = {"tags": ["ia"], "change_kind": "clarification", "change_note": "Nous avons ajouté un mot-clé."}

    response = patch(api, editor, claim, body)

    assert response.status_code == 400
    assert response.json()["code"] == "change_note_without_change"
    assert list(response.json()["errors"]) == ["change_note"]
    assert list(claim.tags.names()) == [] and not claim.published_changes.exists()


def test_a_published_verdict_is_changed_only_by_a_correction(published, api, editor):
    response = patch(
        api, editor, published, {"rating": "true", "change_kind": "correction", "change_note": "Finalement vrai."}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "reopen_to_change_verdict"
    assert api(editor).get(f"/api/v1/claims/{published.pk}/").json()["rating"] == "false"


def test_a_change_with_a_note_is_listed_on_the_page_and_moves_the_dates_readers_and_robots_read(
    published, api, editor, client
):
    changed_on = timezone.make_aware(datetime.datetime(2025, 3, 1, 12, 0))
    with time_machine.travel(changed_on, tick=False):
        response = patch(
            api,
            editor,
            published,
            {
                "summary": "Le chiffre ne couvre que la dernière phase d’entraînement, selon le rapport technique.",
                "change_kind": "clarification",
                "change_note": "Nous précisons la source du chiffre.",
            },
        )
    assert response.status_code == 200, response.json()

    page = client.get(f"/factchecks/{published.pk}/", follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Changes since publication" in page
    assert "Clarification" in page and "Nous précisons la source du chiffre." in page
    assert 'datetime="2025-03-01T' in page
    assert "selon le rapport technique" in page

    review = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert review["datePublished"] == "2025-02-03"
    assert datetime.datetime.fromisoformat(review["dateModified"]) == changed_on
    assert api(None).get(f"/api/v1/claims/{published.pk}/claimreview/").json() == review

    feed = ET.fromstring(client.get("/factchecks/feed/").content)
    [entry] = feed.findall(f"{ATOM}entry")
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == PUBLISHED_ON
    assert datetime.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == changed_on


def test_desk_only_fields_change_without_a_note_and_without_telling_readers(published, api, editor, client):
    response = patch(api, editor, published, {"assignee": "editor", "tags": ["suivi"]})

    assert response.status_code == 200, response.json()
    page = client.get(f"/factchecks/{published.pk}/", follow=True).content.decode()
    assert "dateModified" not in page
    assert "Changes since publication" not in page


def test_a_note_needs_its_kind(published, api, editor):
    response = patch(api, editor, published, {"summary": "Précisé.", "change_note": "Une précision."})
    assert response.status_code == 400
    assert "change_kind" in response.json()["errors"]
