"""`POST /api/v1/match/`: a CMS or a tipline bot asks "has this been checked?" and gets the published fact-checks
(the desk's own and imported ones) that make the same statement, best first, or an empty list."""

from __future__ import annotations

import json

import pytest

from claims.matching import model
from claims.matching.claimreview_import import external_factchecks_import
from claims.matching.models import ExternalFactCheck
from claims.matching.services import embeddings_missing
from claims.models import ClaimStatus
from tests.factories import claim_at

pytestmark = pytest.mark.django_db

PUBLISHED = "La start-up chinoise DeepSeek a siphonné le savoir de ChatGPT pour entraîner son modèle."
DRAFT = "DeepSeek a aspiré les connaissances de ChatGPT pour former son IA."


@pytest.fixture
def factchecks(db):
    published = claim_at(ClaimStatus.PUBLISHED, text=PUBLISHED, language="fr", verdict="unproven")
    draft = claim_at(ClaimStatus.DRAFT, text=DRAFT, language="fr")
    external = ExternalFactCheck.objects.create(
        url="https://fullfact.example/deepseek-cost",
        publisher="Full Fact",
        claim_reviewed="DeepSeek was built for only 6 million dollars.",
        rating="Misleading",
        language="en",
    )
    embeddings_missing()
    return published, draft, external


def test_the_same_claim_in_english_finds_the_published_french_fact_check(factchecks, api, viewer, settings):
    published, _draft, _external = factchecks
    settings.FACTCHECK_SITE_URL = "https://factcheck.example"
    answer = api(viewer).post(
        "/api/v1/match/", {"text": "DeepSeek siphoned ChatGPT's knowledge to train its model."}, format="json"
    )
    assert answer.status_code == 200, answer.content
    results = answer.json()["results"]
    assert [r["claim"]["id"] for r in results] == [published.pk]
    assert results[0]["claim"] == {
        "id": published.pk,
        "kind": "claim",
        "text": PUBLISHED,
        "language": "fr",
        "rating": "Non prouvé",
        "url": f"https://factcheck.example/factchecks/{published.pk}-{published.slug}/",
        "publisher": settings.FACTCHECK_NEWSROOM_NAME,
    }
    assert results[0]["method"] == "embedding"
    assert settings.FACTCHECK_MATCH_THRESHOLD <= results[0]["score"] <= 1


def test_an_imported_fact_check_is_found_too_and_drafts_never_are(factchecks, api, viewer):
    _published, draft, external = factchecks
    answer = api(viewer).post(
        "/api/v1/match/", {"text": "DeepSeek n'a coûté que 6 millions de dollars.", "language": "fr"}, format="json"
    )
    results = answer.json()["results"]
    assert [(r["claim"]["kind"], r["claim"]["id"]) for r in results] == [("external", external.pk)]
    assert results[0]["claim"]["publisher"] == "Full Fact"
    assert results[0]["claim"]["rating"] == "Misleading"
    assert results[0]["claim"]["url"] == external.url
    # The draft says the same as the published fact-check in other words: only the published one is answered.
    same_as_draft = api(viewer).post("/api/v1/match/", {"text": DRAFT, "language": "fr"}, format="json")
    assert draft.pk not in [r["claim"]["id"] for r in same_as_draft.json()["results"] if r["claim"]["kind"] == "claim"]


def test_the_same_words_are_found_by_trigrams_in_the_same_language(factchecks, api, viewer):
    published, _draft, _external = factchecks
    answer = api(viewer).post("/api/v1/match/", {"text": PUBLISHED, "language": "fr"}, format="json")
    assert [(r["claim"]["id"], r["method"]) for r in answer.json()["results"]] == [(published.pk, "trigram")]


def test_nothing_close_enough_is_an_empty_list(factchecks, api, viewer):
    for text in ("La tour Eiffel mesure 330 mètres.", "DeepSeek cost 6 billion dollars to build."):
        answer = api(viewer).post("/api/v1/match/", {"text": text}, format="json")
        assert answer.status_code == 200
        assert answer.json() == {"results": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": 12}, None),
        ({"text": "DeepSeek", "language": "french"}, "language"),
        ({"text": "DeepSeek", "language": "F1"}, "language"),
        ({"text": "DeepSeek", "limit": 3}, "limit"),
        (["DeepSeek"], None),
    ],
)
def test_bad_input_gets_a_clear_error_per_field(db, api, viewer, body, field):
    answer = api(viewer).post("/api/v1/match/", body, format="json")
    if field is None and answer.status_code == 200:
        return  # 12 is read as the text "12": nothing matches it.
    assert answer.status_code == 400, answer.content
    if field:
        assert field in answer.json()["errors"]


def test_any_desk_role_may_ask_and_nobody_else(db, api, users):
    for role in ("viewer", "researcher", "editor", "superuser"):
        assert api(users[role]).post("/api/v1/match/", {"text": "DeepSeek"}, format="json").status_code == 200
    assert api(users["outsider"]).post("/api/v1/match/", {"text": "DeepSeek"}, format="json").status_code == 403
    assert api(None).post("/api/v1/match/", {"text": "DeepSeek"}, format="json").status_code == 401


def test_the_model_loads_from_its_package_with_the_network_closed(connections):
    """The suite's connection guard refuses anything outside 127.0.0.0/8: the model needs nothing from outside."""
    model._model.cache_clear()
    vector = model.text_embed("DeepSeek a siphonné le savoir de ChatGPT.")
    assert vector.shape == (model.DIMENSIONS,)
    assert abs(float(vector @ vector) - 1) < 1e-3
    assert connections == []


def feed(claim: str) -> bytes:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://verif.example/bytedance-o1",
        "author": {"@type": "Organization", "name": "Vérif"},
        "claimReviewed": claim,
        "reviewRating": {"@type": "Rating", "alternateName": "Faux"},
        "datePublished": "2025-01-30",
        "inLanguage": "fr",
    }
    return json.dumps({"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": review}]}).encode()


def test_an_import_is_embedded_by_the_matching_worker_then_matched_and_read_again_when_reworded(
    db, api, viewer, editor, published_tasks, django_capture_on_commit_callbacks
):
    ask = {"text": "ByteDance released an AI model that beats OpenAI's o1.", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        external_factchecks_import(data=feed("ByteDance a sorti un modèle d'IA meilleur que o1 d'OpenAI."), by=editor)
    assert published_tasks == [("claims.matching.tasks.embeddings_missing_task", "matching")]
    embeddings_missing()  # what that worker does
    assert [
        r["claim"]["publisher"] for r in api(viewer).post("/api/v1/match/", ask, format="json").json()["results"]
    ] == ["Vérif"]

    with django_capture_on_commit_callbacks(execute=True):
        external_factchecks_import(data=feed("La tour Eiffel mesure 330 mètres."), by=editor)
    embeddings_missing()
    assert api(viewer).post("/api/v1/match/", ask, format="json").json() == {"results": []}
