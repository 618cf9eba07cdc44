"""Claims over the API: what a client reads, creates, edits and deletes, with ETags and If-Match."""

import datetime

import pytest
from django.utils import timezone

from claims.models import Claim, ClaimStatus, Flag, FlagKind, SourceState
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, claim_at

S = ClaimStatus


def test_the_detail_shows_evidence_with_source_state_open_flags_and_an_etag(api, viewer, make_claim):
    claim = make_claim(S.RESEARCHING)
    claim.evidence.update(source=SourceFactory(state=SourceState.DEAD, url="https://example.org/gone"))
    Flag.objects.create(claim=claim, kind=FlagKind.EVIDENCE_LOST)
    Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN, cleared_at=timezone.now())

    response = api(viewer).get(f"/api/v1/claims/{claim.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"'
    body = response.json()
    assert body["rating"] == "false"
    assert body["status"] == "researching"
    assert body["version"] == claim.version
    assert [(f["kind"], f["reason"]) for f in body["flags"]] == [("evidence_lost", "A cited page is dead.")]
    [evidence] = body["evidence"]
    assert evidence["url"] == "https://example.org/gone"
    assert evidence["source"]["state"] == "dead"
    assert evidence["stance"] == "refutes"
    assert evidence["quote_status"] == "found"
    assert body["moves"] == []  # a viewer moves nothing


def test_create_a_claim(api, researcher):
    response = api(researcher).post(
        "/api/v1/claims/",
        {
            "text": "DeepSeek a copié ChatGPT.",
            "claimant": "OpenAI",
            "claim_date": "2025-01-29",
            "language": "fr",
            "tags": ["ia", "deepseek"],
            "rating": "unproven",
            "appearance_url": "https://example.com/interview",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    claim = Claim.objects.get(pk=body["id"])
    assert response["ETag"] == f'"{claim.pk}-1"'
    assert response["Location"].endswith(f"/api/v1/claims/{claim.pk}/")
    assert (claim.status, claim.created_by, claim.rating.slug) == (S.DRAFT, researcher, "unproven")
    assert body["tags"] == ["deepseek", "ia"]
    assert body["moves"] == ["researching"]
    assert claim.history.get().history_user == researcher


def test_patch_changes_only_what_was_sent_and_bumps_the_version(api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    response = api(researcher).patch(
        f"/api/v1/claims/{claim.pk}/", {"summary": "Rien ne le prouve.", "rating": "mostly-false"}, format="json"
    )

    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert (claim.summary, claim.rating.slug) == ("Rien ne le prouve.", "mostly-false")
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"'
    assert response.json()["version"] == claim.version


@pytest.mark.parametrize("field", ["status", "version", "flags", "created_by", "published_at", "evidence", "bogus"])
def test_fields_only_services_change_are_refused(field, api, editor, make_claim):
    claim = make_claim(S.IN_REVIEW)
    response = api(editor).patch(f"/api/v1/claims/{claim.pk}/", {field: "published"}, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    claim.refresh_from_db()
    assert claim.status == S.IN_REVIEW


def test_if_match_with_the_current_etag_is_accepted_and_a_stale_one_is_412(api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    client = api(researcher)
    etag = client.get(f"/api/v1/claims/{claim.pk}/")["ETag"]

    first = client.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Un."}, format="json", HTTP_IF_MATCH=etag)
    second = client.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Deux."}, format="json", HTTP_IF_MATCH=etag)

    assert first.status_code == 200
    assert first["ETag"] != etag
    assert second.status_code == 412
    assert second.json()["code"] == "stale_version"
    claim.refresh_from_db()
    assert claim.summary == "Un."


@pytest.mark.parametrize("header", ["banana", '"7"', '"-"', '"x-1"'])
def test_a_malformed_if_match_is_400(header, api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    response = api(researcher).patch(
        f"/api/v1/claims/{claim.pk}/", {"summary": "x"}, format="json", HTTP_IF_MATCH=header
    )
    assert response.status_code == 400
    assert "If-Match" in response.json()["errors"]


def test_an_etag_of_another_claim_is_412(api, researcher, make_claim):
    claim, other = make_claim(S.RESEARCHING), make_claim(S.RESEARCHING)
    response = api(researcher).patch(
        f"/api/v1/claims/{claim.pk}/", {"summary": "x"}, format="json", HTTP_IF_MATCH=f'"{other.pk}-{claim.version}"'
    )
    assert response.status_code == 412


def test_weak_and_star_if_match_are_understood(api, researcher, make_claim):
    claim = make_claim(S.RESEARCHING)
    client = api(researcher)
    weak = client.patch(
        f"/api/v1/claims/{claim.pk}/", {"summary": "W"}, format="json", HTTP_IF_MATCH=f'W/"{claim.pk}-{claim.version}"'
    )
    star = client.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "*"}, format="json", HTTP_IF_MATCH="*")
    assert (weak.status_code, star.status_code) == (200, 200)


def test_delete_with_a_stale_etag_is_412_and_keeps_the_claim(api, editor, make_claim):
    claim = make_claim(S.DRAFT)
    stale = f'"{claim.pk}-{claim.version}"'
    api(editor).patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Changé."}, format="json")

    response = api(editor).delete(f"/api/v1/claims/{claim.pk}/", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_deleting_a_published_claim_is_409_with_the_rule(api, editor, make_claim):
    claim = make_claim(S.PUBLISHED)
    response = api(editor).delete(f"/api/v1/claims/{claim.pk}/")
    assert response.status_code == 409
    assert response.json()["code"] == "published_claim_not_deletable"
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_delete_keeps_the_history(api, editor, make_claim):
    claim = make_claim(S.DRAFT)
    assert api(editor).delete(f"/api/v1/claims/{claim.pk}/").status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert Claim.history.filter(id=claim.pk, history_type="-").get().history_user == editor


def test_an_unknown_claim_is_404(api, viewer):
    response = api(viewer).get("/api/v1/claims/999999999/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- Filters and ordering ---


@pytest.fixture
def desk(db, editor):
    """A few claims that differ in every filtered field."""
    draft = ClaimFactory(text="Le modèle a coûté six millions.", language="fr")
    english = ClaimFactory(text="The model cost six million dollars.", language="en", assignee=editor)
    rated = claim_at(
        S.PUBLISHED, text="DeepSeek a volé des données.", verdict="false", claim_date=datetime.date(2025, 1, 1)
    )
    flagged = claim_at(S.RESEARCHING, text="Nvidia a perdu 600 milliards.", verdict="mixed")
    Flag.objects.create(claim=flagged, kind=FlagKind.UNPROVEN)
    Flag.objects.create(claim=draft, kind=FlagKind.UNPROVEN, cleared_at=timezone.now())
    return {"draft": draft, "english": english, "rated": rated, "flagged": flagged}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=published", ["rated"]),
        ("status=researching", ["flagged"]),
        ("rating=false", ["rated"]),
        ("flag=unproven", ["flagged"]),
        ("language=en", ["english"]),
        ("assignee=editor", ["english"]),
        ("status=draft&language=fr", ["draft"]),
    ],
)
def test_filters(query, expected, desk, api, viewer):
    response = api(viewer).get(f"/api/v1/claims/?{query}")
    assert response.status_code == 200
    assert sorted(c["id"] for c in response.json()["results"]) == sorted(desk[name].pk for name in expected)


@pytest.mark.parametrize(
    "query", ["status=lost", "rating=nope", "flag=everything", "language=french", "q=" + "x" * 201]
)
def test_a_bad_filter_is_400_naming_it(query, desk, api, viewer):
    response = api(viewer).get(f"/api/v1/claims/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()["errors"]


def test_the_assignee_filter_does_not_tell_real_usernames_from_unknown_ones(desk, api, viewer, researcher):
    # researcher is a real user with no claim assigned; nobody is no one: the answers are the same.
    real = api(viewer).get("/api/v1/claims/?assignee=researcher")
    unknown = api(viewer).get("/api/v1/claims/?assignee=nobody")
    assert (real.status_code, unknown.status_code) == (200, 200)
    assert (
        real.json()
        == unknown.json()
        == {"count": 0, "count_is_estimate": False, "next": None, "previous": None, "results": []}
    )


def test_ordering(desk, api, viewer):
    ascending = api(viewer).get("/api/v1/claims/?ordering=id").json()["results"]
    descending = api(viewer).get("/api/v1/claims/?ordering=-id").json()["results"]
    assert [c["id"] for c in ascending] == sorted(c.pk for c in desk.values())
    assert [c["id"] for c in descending] == sorted((c.pk for c in desk.values()), reverse=True)


def test_pages_are_capped_at_100(api, viewer, db):
    ClaimFactory.create_batch(105)
    page = api(viewer).get("/api/v1/claims/?page_size=1000").json()
    assert page["count"] == 105
    assert len(page["results"]) == 100
    assert api(viewer).get("/api/v1/claims/?page=99").status_code == 404


def test_the_list_shows_evidence_and_their_sources_state(api, viewer, db):
    claim = ClaimFactory()
    EvidenceFactory(claim=claim, source=SourceFactory(state=SourceState.ALIVE))
    [row] = api(viewer).get("/api/v1/claims/").json()["results"]
    assert row["evidence"][0]["source"]["state"] == "alive"
