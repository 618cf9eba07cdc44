"""Has this been checked already? `POST /api/v1/match/` for CMSs and tipline bots, and a claim's similar claims."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import override
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import rules
from claims.api.permissions import DeskRole
from claims.api.schema import error
from claims.api.serializers import StrictInput
from claims.claimreview import factcheck_url
from claims.matching import selectors, services
from claims.matching.models import ExternalFactCheck, MatchMethod, SuggestionStatus
from claims.matching.search import Found, Scope, statements_find
from claims.models import Claim, language_code_validator
from claims.public.selectors import factchecks_public

# Longer texts are articles, not claims: intake (POST /api/v1/intake/) reads those.
TEXT_MAX = 2000


def rating_label(claim: Claim) -> str:
    """The verdict as the fact-check's own readers read it: in its language."""
    if claim.rating is None:
        return ""
    with override(claim.language if claim.language in ("fr", "en") else "en"):
        return str(claim.rating.label)


class MatchInputSerializer(StrictInput):
    text = serializers.CharField(max_length=TEXT_MAX, help_text="The statement to look for, in any language.")
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2,
        validators=[language_code_validator],
        help_text="Its language (ISO 639-1, such as fr or en), if known: adds the same-language search.",
    )


MATCHED_FACTCHECK = inline_serializer(
    "MatchedFactCheck",
    {
        "id": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=["claim", "external"], help_text="The desk's own, or imported."),
        "text": serializers.CharField(),
        "language": serializers.CharField(),
        "rating": serializers.CharField(),
        "url": serializers.URLField(),
        "publisher": serializers.CharField(),
    },
)
MATCH_RESULTS = inline_serializer(
    "MatchResults",
    {
        "results": inline_serializer(
            "MatchResult",
            {
                "claim": MATCHED_FACTCHECK,
                "score": serializers.FloatField(help_text="The model's cosine similarity, from the threshold to 1."),
                "method": serializers.ChoiceField(choices=MatchMethod.choices),
            },
            many=True,
        )
    },
)


def _factchecks_by_key(found: list[Found]) -> dict[tuple[str, int], dict[str, Any]]:
    claim_ids = [key[1] for key in (f.key for f in found) if key[0] == "claim"]
    external_ids = [key[1] for key in (f.key for f in found) if key[0] == "external"]
    shown: dict[tuple[str, int], dict[str, Any]] = {}
    for claim in factchecks_public().filter(pk__in=claim_ids):
        shown["claim", claim.pk] = {
            "id": claim.pk,
            "kind": "claim",
            "text": claim.text,
            "language": claim.language,
            "rating": rating_label(claim),
            "url": factcheck_url(claim),
            "publisher": settings.FACTCHECK_NEWSROOM_NAME,
        }
    for external in ExternalFactCheck.objects.filter(pk__in=external_ids):
        shown["external", external.pk] = {
            "id": external.pk,
            "kind": "external",
            "text": external.claim_reviewed,
            "language": external.language,
            "rating": external.rating,
            "url": external.url,
            "publisher": external.publisher,
        }
    return shown


class MatchView(APIView):
    """Any desk role may ask; the answer lists published fact-checks only, the desk's own and imported ones."""

    permission_classes = [DeskRole]

    @extend_schema(
        summary="Has this been checked already? The published fact-checks that make the same statement, best first",
        request=MatchInputSerializer,
        responses={
            200: MATCH_RESULTS,
            400: error("The text is missing or too long, or the language is not a two-letter code."),
        },
    )
    def post(self, request: Request) -> Response:
        data = MatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = statements_find(
            text=data.validated_data["text"],
            language=data.validated_data["language"],
            scope=Scope.FACTCHECKS,
            wording_search=False,
        )
        shown = _factchecks_by_key(found)
        results = [
            {"claim": shown[match.key], "score": match.score, "method": match.method}
            for match in found
            if match.key in shown
        ]
        return Response({"results": results})


class SimilarDecisionSerializer(StrictInput):
    status = serializers.ChoiceField(choices=[SuggestionStatus.CONFIRMED, SuggestionStatus.DISMISSED])


SIMILAR_CLAIM_FIELDS = {
    "claim": inline_serializer(
        "SimilarClaimClaim",
        {
            "id": serializers.IntegerField(),
            "text": serializers.CharField(),
            "language": serializers.CharField(),
            "status": serializers.CharField(),
            "rating": serializers.CharField(),
        },
    ),
    "score": serializers.FloatField(),
    "method": serializers.ChoiceField(choices=MatchMethod.choices),
    "status": serializers.ChoiceField(choices=SuggestionStatus.choices),
    "decided_by": serializers.CharField(allow_null=True),
    "decided_at": serializers.DateTimeField(allow_null=True),
}
SIMILAR_CLAIM = inline_serializer("SimilarClaim", SIMILAR_CLAIM_FIELDS)
SIMILAR_CLAIMS = inline_serializer(
    "SimilarClaims", {"results": inline_serializer("SimilarClaimListed", SIMILAR_CLAIM_FIELDS, many=True)}
)


def similar_as_json(claim: Claim, *, other: Claim, pair: Any) -> dict[str, Any]:
    return {
        "claim": {
            "id": other.pk,
            "text": other.text,
            "language": other.language,
            "status": other.status,
            "rating": other.rating.slug if other.rating else "",
        },
        "score": pair.score,
        "method": pair.method,
        "status": pair.status,
        "decided_by": pair.decided_by.get_username() if pair.decided_by else None,
        "decided_at": pair.decided_at,
    }


class SimilarClaimsView(APIView):
    """A claim's similar claims: suggested, confirmed (the same claim) and dismissed (another one)."""

    permission_classes = [DeskRole]

    @extend_schema(
        summary="The claims suggested or confirmed as making the same statement, in any language",
        responses={200: SIMILAR_CLAIMS, 404: error("No such claim.")},
    )
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        listed = selectors.similar_claims_of(claim, with_dismissed=True)
        return Response({"results": [similar_as_json(claim, other=s.other, pair=s.pair) for s in listed]})


class SimilarClaimDecisionView(APIView):
    """`PATCH /api/v1/claims/{id}/similar/{other}/` `{"status": "confirmed" | "dismissed"}`."""

    permission_classes = [DeskRole]

    @extend_schema(
        summary="Confirm a suggested claim as the same one (linked both ways) or dismiss it (never suggested again)",
        request=SimilarDecisionSerializer,
        responses={200: SIMILAR_CLAIM, 403: error("Your role does not allow this."), 404: error("Not suggested.")},
    )
    def patch(self, request: Request, pk: int, other: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        data = SimilarDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.similar_claim_decide(
            claim=claim, other_id=other, status=data.validated_data["status"], by=rules.signed_in(request.user)
        )
        other_claim = pair.claim_b if pair.claim_a_id == claim.pk else pair.claim_a
        return Response(similar_as_json(claim, other=other_claim, pair=pair))
