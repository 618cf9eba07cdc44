"""The API's views: reads through the selectors, writes through the services, refusals through one exception handler."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from kombu import Connection
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims import rules, selectors
from claims.api.filters import ClaimFilter, SourceFilter
from claims.api.permissions import ClaimAccess, DeskRole, EvidenceAccess, SourceAccess
from claims.api.serializers import (
    CheckSerializer,
    ClaimInputSerializer,
    ClaimSerializer,
    ErrorSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    HistoryEntrySerializer,
    RatingSerializer,
    SourceSerializer,
    TransitionInputSerializer,
)
from claims.claimreview import claimreview_for
from claims.errors import InvalidInput, StaleVersion
from claims.models import Claim, Evidence, Rating, Source
from claims.services.claims import claim_create, claim_delete, claim_update
from claims.services.evidence import evidence_add, evidence_delete, evidence_update
from claims.services.sources import source_recheck_request
from claims.services.workflow import claim_transition

logger = logging.getLogger(__name__)

# A claim's history is shown whole up to this many rows of each kind (edits, evidence edits, moves).
HISTORY_LIMIT = 500

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


# --- ETag and If-Match --------------------------------------------------------------------------


def claim_etag(claim: Claim) -> str:
    """The claim's ETag names its version: every write through the services bumps it."""
    return f'"{claim.pk}-{claim.version}"'


def expected_version(request: Request, claim: Claim) -> int | None:
    """The version the caller's If-Match says they read, or None when they did not send one (or sent *)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = header.strip().removeprefix("W/").strip('"')
    claim_id, dash, version = tag.partition("-")
    if not dash or not claim_id.isdigit() or not version.isdigit() or len(version) > 10:
        example = claim_etag(claim).strip('"')
        message = _('If-Match takes the ETag of the claim, such as "%(etag)s".') % {"etag": example}
        raise InvalidInput("invalid_if_match", message, errors={"If-Match": [message]})
    if int(claim_id) != claim.pk:
        raise StaleVersion("stale_version", _("This ETag belongs to another claim."))
    return int(version)


def with_etag(response: Response, claim: Claim) -> Response:
    response["ETag"] = claim_etag(claim)
    return response


# --- Claims -------------------------------------------------------------------------------------


class LDJSONRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


COMMON_CLAIM_ERRORS = {403: error("Your role does not allow this."), 404: error("No such claim.")}


@extend_schema_view(
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
        summary="Edit a claim",
        request=ClaimInputSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ClaimSerializer,
            400: error("Some fields are not valid."),
            **COMMON_CLAIM_ERRORS,
            412: error("The claim changed since the ETag you sent."),
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
            412: error("The claim changed since the ETag you sent."),
        },
    ),
)
class ClaimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ClaimSerializer
    permission_classes = [ClaimAccess]
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Claim]:
        if self.action == "claimreview":
            # The same fact-checks as the public pages, those being corrected included.
            return selectors.factchecks_public()
        if not rules.can_read_desk(self.request.user):
            return Claim.objects.none()
        if self.action in ("list", "retrieve"):
            return selectors.claim_api_list()
        return Claim.objects.select_related("rating")

    def filter_queryset(self, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        # The list's filters do not apply to one claim: /claims/7/?status=draft is claim 7.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def claim_response(self, claim: Claim, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The claim as it is now in the database, with everything the detail shows, and its ETag."""
        claim = selectors.claim_api_list().get(pk=claim.pk)
        body = ClaimSerializer(claim, context=self.get_serializer_context()).data
        return with_etag(Response(body, status=status_code), claim)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        return with_etag(Response(self.get_serializer(claim).data), claim)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claim_create(by=request.user, **data.validated_data)
        response = self.claim_response(claim, status_code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{claim.pk}/")
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        data = ClaimInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        tags = changes.pop("tags", None)
        claim = claim_update(
            claim=claim, by=request.user, changes=changes, tags=tags, expected_version=expected_version(request, claim)
        )
        return self.claim_response(claim)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        claim_delete(claim=claim, by=request.user, expected_version=expected_version(request, claim))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Move a claim through the workflow",
        request=TransitionInputSerializer,
        parameters=[IF_MATCH, ETAG],
        responses={
            200: ClaimSerializer,
            400: error("Some fields are not valid."),
            **COMMON_CLAIM_ERRORS,
            409: error("A workflow rule refuses the move; `code` names the rule."),
            412: error("The claim changed since the ETag you sent."),
        },
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claim_transition(
            claim=claim,
            to=data.validated_data["to"],
            by=request.user,
            comment=data.validated_data["comment"],
            expected_version=expected_version(request, claim),
        )
        return self.claim_response(claim)

    @extend_schema(
        summary="The claim's history, newest first: edits of the claim and its evidence, and workflow moves",
        responses={200: HistoryEntrySerializer(many=True), **COMMON_CLAIM_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        claim_records, evidence_records, transitions = selectors.claim_history_records(claim, limit=HISTORY_LIMIT)
        entries = [
            *history_entries(claim_records, kind="claim"),
            *history_entries(evidence_records, kind="evidence"),
            *(
                {
                    "at": move.at,
                    "by": move.by.get_username(),
                    "kind": "transition",
                    "type": "transition",
                    "object_id": claim.pk,
                    "changes": [],
                    "from_status": move.from_status,
                    "to_status": move.to_status,
                    "comment": move.comment,
                }
                for move in transitions
            ),
        ]
        entries.sort(key=lambda entry: entry["at"], reverse=True)
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    @extend_schema(
        summary="ClaimReview JSON-LD of a published fact-check (public)",
        description="Anyone may read it, as on the public fact-check page. Claims that are not published: 404.",
        responses={
            (200, "application/ld+json"): OpenApiResponse(OpenApiTypes.OBJECT, description="schema.org ClaimReview"),
            (404, "application/ld+json"): error("No published fact-check with this id."),
            (404, "application/json"): error("No published fact-check with this id."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[AllowAny],
        renderer_classes=[LDJSONRenderer, JSONRenderer],
    )
    def claimreview(self, request: Request, pk: str | None = None) -> Response:
        factcheck = selectors.factcheck_published_version(self.get_object())
        return Response(claimreview_for(factcheck.claim))

    @extend_schema(
        methods=["GET"],
        summary="The claim's evidence, with their sources' state",
        responses={200: EvidenceSerializer(many=True), **COMMON_CLAIM_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Cite a page for the claim; the page's source is created or reused, and checked soon",
        request=EvidenceInputSerializer,
        responses={
            201: EvidenceSerializer,
            400: error("Some fields are not valid, such as the URL."),
            **COMMON_CLAIM_ERRORS,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.claim_evidence(claim))
            return self.get_paginated_response(EvidenceSerializer(page, many=True).data)
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The service also asks for the page to be checked once this commits.
        evidence = evidence_add(claim=claim, by=request.user, **data.validated_data)
        evidence = selectors.claim_evidence(claim).get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


def history_entries(records: Iterable[Any], *, kind: str) -> list[dict[str, Any]]:
    """simple-history rows as history entries, each edit with the fields it changed (old and new values)."""
    rows_per_object: dict[int, list[Any]] = defaultdict(list)
    for record in sorted(records, key=lambda record: (record.history_date, record.history_id)):
        rows_per_object[record.id].append(record)
    entries = []
    for object_id, rows in rows_per_object.items():
        previous = None
        for record in rows:
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, excluded_fields=["version"])
                changes = [{"field": c.field, "old": _as_text(c.old), "new": _as_text(c.new)} for c in delta.changes]
            entries.append(
                {
                    "at": record.history_date,
                    "by": record.history_user.get_username() if record.history_user else None,
                    "kind": kind,
                    "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    "object_id": object_id,
                    "changes": changes,
                    "from_status": None,
                    "to_status": None,
                    "comment": record.history_change_reason or "",
                }
            )
            previous = record
    return entries


def _as_text(value: Any) -> str | None:
    return None if value is None else str(value)


# --- Evidence -----------------------------------------------------------------------------------


@extend_schema_view(
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
class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = EvidenceSerializer
    permission_classes = [EvidenceAccess]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Evidence]:
        if not rules.can_read_desk(self.request.user):
            return Evidence.objects.none()
        return Evidence.objects.select_related("source", "added_by", "claim")

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        evidence = self.get_object()
        data = EvidenceUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        evidence = evidence_update(evidence=evidence, by=request.user, **data.validated_data)
        evidence = self.get_queryset().get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        evidence_delete(evidence=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Sources and the verdict scale --------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Cited sources", responses={200: SourceSerializer(many=True), 400: error("A filter is not valid.")}
    ),
    retrieve=extend_schema(summary="A cited source", responses={200: SourceSerializer, 404: error("No such source.")}),
)
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SourceSerializer
    permission_classes = [SourceAccess]
    filterset_class = SourceFilter
    # Only the recheck action has a scope (and its own, lower, rate).
    throttle_scope: str | None = None

    def get_queryset(self) -> QuerySet[Source]:
        if not rules.can_read_desk(self.request.user):
            return Source.objects.none()
        return selectors.source_list()

    def filter_queryset(self, queryset: QuerySet[Source]) -> QuerySet[Source]:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        summary="The source's checks (fetch attempts), newest first",
        responses={200: CheckSerializer(many=True), 404: error("No such source.")},
    )
    @action(detail=True, methods=["get"])
    def checks(self, request: Request, pk: str | None = None) -> Response:
        page = self.paginate_queryset(selectors.source_checks(self.get_object()))
        return self.get_paginated_response(CheckSerializer(page, many=True).data)

    @extend_schema(
        summary="Ask for the source to be checked now",
        request=None,
        responses={
            202: OpenApiResponse(SourceSerializer, description="Accepted: the source is due now."),
            403: error("Your role cannot ask for a check."),
            404: error("No such source."),
        },
    )
    @action(detail=True, methods=["post"], throttle_scope="recheck")
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        source = source_recheck_request(source=self.get_object(), by=request.user)
        return Response(SourceSerializer(source).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(list=extend_schema(summary="The verdict scale, in order"))
class RatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = RatingSerializer
    permission_classes = [DeskRole]

    def get_queryset(self) -> QuerySet[Rating]:
        return Rating.objects.order_by("order", "slug")


# --- Health -------------------------------------------------------------------------------------


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as problem:  # noqa: BLE001 - any failure is what the probe reports
        return _failure("database", problem)


def _broker_status() -> str:
    try:
        # Short timeouts and a single retry: a dead broker must not hang the probe.
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=2,
            transport_options={**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "socket_timeout": 2},
        ) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
        return "ok"
    except Exception as problem:  # noqa: BLE001
        return _failure("broker", problem)


def _failure(part: str, problem: Exception) -> str:
    # The probe is public: the details (addresses, user names) go to the log, the answer only names the kind.
    logger.warning("healthz: the %s is down: %s", part, problem)
    return f"error: {type(problem).__name__}"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Is the desk able to work: the database answers and the broker accepts connections (503 if not)."""
    report = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
