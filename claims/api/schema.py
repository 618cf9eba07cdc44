"""The API's OpenAPI description: each operation's summary and answers, and the refusals every operation can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from claims import stats
from claims.api.serializers import (
    CheckSerializer,
    ClaimInputSerializer,
    ClaimSerializer,
    ClaimUpdateInputSerializer,
    ErrorSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    HistoryEntrySerializer,
    SourceSerializer,
    StatsSerializer,
    TransitionInputSerializer,
)

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you read (e.g. "12-3"): the change is refused with 412 if the claim changed since.',
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The claim\'s version, such as "12-3": send it back in If-Match.',
)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


COMMON_CLAIM_ERRORS = {403: error("Your role does not allow this."), 404: error("No such claim.")}
STALE = error("The claim changed since the ETag you sent.")

claim_schema = extend_schema_view(
    list=extend_schema(
        summary="Claims", responses={200: ClaimSerializer(many=True), 400: error("A filter is not valid.")}
    ),
    retrieve=extend_schema(
        summary="A claim with its evidence, their sources' state and its open flags; carries an ETag",
        parameters=[ETAG],
    ),
    create=extend_schema(
        summary="Create a claim (in draft)",
        request=ClaimInputSerializer,
        parameters=[ETAG],
        responses={
            201: ClaimSerializer,
            400: error("Some fields are not valid."),
            403: error("Your role cannot create claims."),
        },
    ),
    partial_update=extend_schema(
        summary="Edit a claim; a published fact-check with a note for readers",
        request=ClaimUpdateInputSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ClaimSerializer,
            400: error("Some fields are not valid."),
            **COMMON_CLAIM_ERRORS,
            409: error(
                "A published fact-check: its verdict changes only through a reopening; a change readers see "
                "needs a note for them. `code` names the rule."
            ),
            412: STALE,
        },
    ),
    destroy=extend_schema(
        summary="Delete an unpublished claim",
        parameters=[IF_MATCH],
        responses={
            204: None,
            400: error("If-Match is not an ETag."),
            **COMMON_CLAIM_ERRORS,
            409: error("A published fact-check cannot be deleted."),
            412: STALE,
        },
    ),
    transitions=extend_schema(
        summary="Move a claim through the workflow",
        request=TransitionInputSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ClaimSerializer,
            400: error("Some fields are not valid."),
            **COMMON_CLAIM_ERRORS,
            409: error("A workflow rule refuses the move; `code` names the rule."),
            412: STALE,
        },
    ),
    history=extend_schema(
        summary="The claim's history, newest first: edits of the claim and its evidence, and workflow moves",
        responses={200: HistoryEntrySerializer(many=True), **COMMON_CLAIM_ERRORS},
    ),
    claimreview=extend_schema(
        summary="ClaimReview JSON-LD of a published fact-check (public)",
        description="Anyone may read it, as on the public fact-check page. Claims that are not published: 404.",
        responses={
            (200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org ClaimReview"),
            (404, "application/ld+json"): error("No published fact-check with this id."),
            (404, "application/json"): error("No published fact-check with this id."),
        },
    ),
    evidence=[
        extend_schema(
            methods=["GET"],
            summary="The claim's evidence, with their sources' state",
            responses={200: EvidenceSerializer(many=True), **COMMON_CLAIM_ERRORS},
        ),
        extend_schema(
            methods=["POST"],
            summary="Cite a page for the claim; the page's source is created or reused, and checked soon",
            request=EvidenceInputSerializer,
            responses={
                201: EvidenceSerializer,
                400: error("Some fields are not valid, such as the URL."),
                **COMMON_CLAIM_ERRORS,
            },
        ),
    ],
)

evidence_schema = extend_schema_view(
    retrieve=extend_schema(summary="One piece of evidence"),
    partial_update=extend_schema(
        summary="Change what a piece of evidence cites or says; editors may vouch for its quote",
        request=EvidenceUpdateSerializer,
        responses={
            200: EvidenceSerializer,
            400: error("Some fields are not valid."),
            403: error("Your role cannot change this evidence."),
            404: error("No such evidence."),
            409: error("A rule refuses the change."),
        },
    ),
    destroy=extend_schema(
        summary="Remove a piece of evidence",
        responses={204: None, 403: error("Your role cannot remove this evidence."), 404: error("No such evidence.")},
    ),
)

source_schema = extend_schema_view(
    list=extend_schema(
        summary="Cited sources", responses={200: SourceSerializer(many=True), 400: error("A filter is not valid.")}
    ),
    retrieve=extend_schema(summary="A cited source", responses={200: SourceSerializer, 404: error("No such source.")}),
    checks=extend_schema(
        summary="The source's checks (fetch attempts), newest first",
        responses={200: CheckSerializer(many=True), 404: error("No such source.")},
    ),
    recheck=extend_schema(
        summary="Ask for the source to be checked now",
        request=None,
        responses={
            202: OpenApiResponse(SourceSerializer, description="Accepted: the source is due now."),
            403: error("Your role cannot ask for a check."),
            404: error("No such source."),
        },
    ),
)

rating_schema = extend_schema_view(list=extend_schema(summary="The verdict scale, in order"))


# --- Post-processing: what every operation may answer -------------------------------------------

ERROR_REF = {"$ref": "#/components/schemas/Error"}

# What any authenticated operation may answer, besides its own responses.
COMMON = {
    "401": "Not authenticated: send `Authorization: Token <key>` or a session cookie.",
    "403": "Your account has no role on the desk, or your role does not allow this.",
    "429": "Too many requests: wait for the number of seconds in Retry-After.",
}
# What any operation with a JSON body may answer.
WITH_BODY = {
    "400": "The body is not valid JSON, or some fields are not valid.",
    "413": "The body is too large.",
    "415": "Send the body as application/json.",
}
# Lists are paginated: a page that does not exist is 404.
PAGINATED = {"404": "No such page."}


def _error_response(description: str, content_types: list[str]) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": ERROR_REF} for media in content_types}}


def add_common_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular hook: add the shared refusals (with the Error body) to every operation of the API."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(
        "Error",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "errors": {"type": "object", "additionalProperties": {}, "description": "Messages per field."},
            },
            "required": ["code", "message", "errors"],
        },
    )
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            media = sorted({m for r in responses.values() for m in r.get("content", {})}) or ["application/json"]
            extra = dict(COMMON)
            if method in ("post", "put", "patch") and "requestBody" in operation:
                extra.update(WITH_BODY)
            if "{id}" in path:
                extra.setdefault("404", "No such row.")
            if any(p.get("name") == "page" for p in operation.get("parameters", [])):
                extra.update(PAGINATED)
                extra.setdefault("400", "A filter is not valid.")
            for code, description in extra.items():
                responses.setdefault(code, _error_response(description, media))
    return result


stats_schema = extend_schema(
    summary="The desk's figures: health, flags and verdicts over time, sources by state",
    description=(
        "The weekly share of published fact-checks whose evidence is all healthy (no open flag; the last day "
        "recorded each week), flags raised and cleared per week, verdicts per month (the fact-checks first "
        f"published that month, by their verdict today), and sources by state. The last {stats.WEEKS} weeks and "
        f"{stats.MONTHS} months, each beginning at midnight in the desk's time zone; the current one last."
    ),
    responses={200: StatsSerializer},
)
