"""The API's claims, read as rows (claims/api/reads.py), are the body its OpenAPI schema describes: the same as
ClaimSerializer and EvidenceSerializer would write for the same claim, field for field, value for value."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Prefetch
from django.test.utils import override_settings
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from claims import rules
from claims.api.serializers import ClaimSerializer, EvidenceSerializer
from claims.models import Claim, ClaimStatus, Evidence, Flag, FlagKind, QuoteStatus, QuoteUnverifiedBecause
from claims.selectors import open_flags
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory, claim_at, rating


@pytest.fixture
def rich_claim(db: None) -> Claim:
    """A claim with every field the body shows set: rating, people, tags, flags, evidence of every kind."""
    editor = UserFactory(username="editor-of-record", role="editor")
    claim = ClaimFactory(
        rating=rating("false"),
        assignee=editor,
        created_by=editor,
        claim_date=datetime.date(2025, 1, 29),
        appearance_url="https://www.example.org/article",
        summary="Aucune preuve publiée.",
    )
    claim.tags.add("deepseek", "ia")
    Flag.objects.create(claim=claim, kind=FlagKind.UNPROVEN)
    Flag.objects.create(claim=claim, kind=FlagKind.EVIDENCE_LOST, cleared_at=timezone.now())
    EvidenceFactory(
        claim=claim,
        added_by=editor,
        quote="six millions de dollars",
        quote_status=QuoteStatus.UNVERIFIED,
        quote_unverified_because=QuoteUnverifiedBecause.values[0],
        quote_page=3,
        archive_url="https://web.archive.org/web/2025/https://www.example.org/",
        archive_captured_at=timezone.now(),
        archive_quote_status=QuoteStatus.FOUND,
        quote_override_by=editor,
        quote_override_reason="Lu sur la version papier.",
    )
    EvidenceFactory(claim=claim, note="Sans citation.")
    return claim


def serialized_by_drf(claim: Claim, user: object) -> dict[str, object]:
    claim = (
        Claim.objects.select_related("rating", "assignee", "created_by")
        .prefetch_related(
            "tags",
            Prefetch("flags", queryset=open_flags(), to_attr="open_flags"),
            Prefetch("evidence", queryset=Evidence.objects.select_related("source", "added_by")),
        )
        .get(pk=claim.pk)
    )
    request = APIRequestFactory().get("/")
    request.user = user
    return dict(ClaimSerializer(claim, context={"request": request}).data)


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Paris"])
def test_a_claims_body_is_what_its_schema_says_field_for_field(rich_claim, api, editor, time_zone):
    with override_settings(TIME_ZONE=time_zone):
        timezone.activate(time_zone)
        try:
            expected = serialized_by_drf(rich_claim, editor)
            detail = api(editor).get(f"/api/v1/claims/{rich_claim.pk}/").json()
            listed = api(editor).get("/api/v1/claims/").json()["results"]
        finally:
            timezone.deactivate()
    assert detail == expected
    assert listed == [expected]
    # Everything was there to compare: a rich claim, not a row of empty fields.
    assert len(detail["evidence"]) == 2 and detail["flags"] and detail["tags"] == ["deepseek", "ia"]
    assert detail["evidence"][0]["quote_overridden"] is True
    assert detail["moves"]


def test_the_evidence_inside_a_claim_is_the_evidence_endpoints_own(rich_claim, api, viewer):
    inside = api(viewer).get(f"/api/v1/claims/{rich_claim.pk}/").json()["evidence"]
    listed = api(viewer).get(f"/api/v1/claims/{rich_claim.pk}/evidence/").json()["results"]
    one = api(viewer).get(f"/api/v1/evidence/{inside[0]['id']}/").json()
    assert inside == listed
    assert one == inside[0] == dict(EvidenceSerializer(Evidence.objects.get(pk=inside[0]["id"])).data)


def test_the_moves_offered_follow_each_claims_status_and_past(api, editor, viewer):
    published = claim_at(ClaimStatus.PUBLISHED)
    reopened = claim_at(ClaimStatus.PUBLISHED)
    (reopen,) = api(editor).get(f"/api/v1/claims/{reopened.pk}/").json()["moves"]
    answer = api(editor).post(
        f"/api/v1/claims/{reopened.pk}/transitions/", {"to": reopen, "comment": "Correction."}, format="json"
    )
    assert answer.status_code == 200, answer.json()
    never_published = ClaimFactory(status=reopen)
    moves = {row["id"]: row["moves"] for row in api(editor).get("/api/v1/claims/").json()["results"]}
    for claim in (published, reopened, never_published):
        claim.refresh_from_db()
        assert moves[claim.pk] == [str(move) for move in rules.moves_for(editor, claim)]
    # In the same status, a fact-check once published is never offered a rejection; a new claim is.
    assert "rejected" in moves[never_published.pk] and "rejected" not in moves[reopened.pk]
    # The viewer moves nothing.
    assert {tuple(row["moves"]) for row in api(viewer).get("/api/v1/claims/").json()["results"]} == {()}
