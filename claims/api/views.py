"""The API's views: reads through the selectors, writes through the services, refusals through one exception handler."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import ModelSerializer
from rest_framework.views import APIView

from claims import rules, selectors, stats
from claims.api import reads
from claims.api.etags import expected_version, with_etag
from claims.api.filters import ClaimFilter, SourceFilter
from claims.api.permissions import ClaimAccess, DeskRole, EvidenceAccess, SourceAccess
from claims.api.schema import claim_schema, evidence_schema, rating_schema, source_schema, stats_schema
from claims.api.serializers import (
    CheckSerializer,
    ClaimInputSerializer,
    ClaimSerializer,
    ClaimUpdateInputSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    EvidenceUpdateSerializer,
    HistoryEntrySerializer,
    RatingSerializer,
    SourceSerializer,
    StatsSerializer,
    TransitionInputSerializer,
)
from claims.claimreview import claimreview_for
from claims.models import Claim, Evidence, Rating, Source
from claims.public import selectors as public_selectors
from claims.services.claims import claim_create, claim_delete, claim_update
from claims.services.evidence import evidence_add, evidence_delete, evidence_update
from claims.services.workflow import claim_transition
from claims.sources import selectors as source_selectors
from claims.sources.services import source_recheck_request

Row = TypeVar("Row")
Listed = TypeVar("Listed", bound=Model)


def paginated(view: GenericAPIView[Any], rows: QuerySet[Listed], serializer: type[ModelSerializer[Listed]]) -> Response:
    """A page of rows other than the view's own (a claim's evidence, a source's checks), with the view's paginator."""
    paginator = view.paginator
    if paginator is None:
        raise ImproperlyConfigured("The API pages its lists: set REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS.")
    page = paginator.paginate_queryset(rows, view.request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class LDJSONRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


# --- Claims -------------------------------------------------------------------------------------


@claim_schema
class ClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Claim]):
    serializer_class = ClaimSerializer
    permission_classes = [ClaimAccess]
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Claim]:
        if self.action == "claimreview":
            # The same fact-checks as the public pages, those being corrected included.
            return public_selectors.factchecks_public()
        if not rules.can_read_desk(self.request.user):
            return Claim.objects.none()
        return Claim.objects.select_related("rating")

    def filter_queryset(self, queryset: QuerySet[Claim, Row]) -> QuerySet[Claim, Row]:
        # The list's filters do not apply to one claim: /claims/7/?status=draft is claim 7.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def claim_response(self, claim: Claim, *, status_code: int = status.HTTP_200_OK) -> Response:
        """The claim as it is now in the database, with everything the detail shows, and its ETag."""
        body = reads.claim_json(Claim.objects.filter(pk=claim.pk), user=self.request.user)
        return with_etag(Response(body, status=status_code), body)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(reads.claim_rows(self.filter_queryset(self.get_queryset())))
        return self.get_paginated_response(reads.claims_json(page or [], user=request.user))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Reading a claim takes no rule of its own (ClaimAccess rules writes): its row is read once, for its body.
        try:
            claim = self.get_queryset().filter(pk=kwargs["pk"])
        except (TypeError, ValueError, DjangoValidationError) as malformed:
            raise NotFound() from malformed
        body = reads.claim_json(claim, user=request.user)
        return with_etag(Response(body), body)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claim_create(by=rules.signed_in(request.user), **data.validated_data)
        response = self.claim_response(claim, status_code=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{claim.pk}/")
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        data = ClaimUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        tags = changes.pop("tags", None)
        claim = claim_update(
            claim=claim,
            by=rules.signed_in(request.user),
            changes=changes,
            tags=tags,
            expected_version=expected_version(request, claim),
            change_kind=changes.pop("change_kind", ""),
            change_note=changes.pop("change_note", ""),
        )
        return self.claim_response(claim)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        claim = self.get_object()
        claim_delete(claim=claim, by=rules.signed_in(request.user), expected_version=expected_version(request, claim))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        data = TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = claim_transition(
            claim=claim,
            to=data.validated_data["to"],
            by=rules.signed_in(request.user),
            comment=data.validated_data["comment"],
            expected_version=expected_version(request, claim),
        )
        return self.claim_response(claim)

    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str | None = None) -> Response:
        page = self.paginate_queryset(selectors.claim_history(self.get_object()))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)

    @action(
        detail=True,
        methods=["get"],
        permission_classes=[AllowAny],
        renderer_classes=[LDJSONRenderer, JSONRenderer],
    )
    def claimreview(self, request: Request, pk: str | None = None) -> Response:
        factcheck = public_selectors.factcheck_published_version(self.get_object())
        modified_at = factcheck.updated_at if factcheck.modified else None
        return Response(claimreview_for(factcheck.claim, modified_at=modified_at))

    @action(detail=True, methods=["get", "post"])
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        claim = self.get_object()
        if request.method == "GET":
            return paginated(self, selectors.claim_evidence(claim), EvidenceSerializer)
        data = EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The service also asks for the page to be checked once this commits.
        evidence = evidence_add(claim=claim, by=rules.signed_in(request.user), **data.validated_data)
        evidence = selectors.claim_evidence(claim).get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- Evidence -----------------------------------------------------------------------------------


@evidence_schema
class EvidenceViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Evidence]):
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
        evidence = evidence_update(evidence=evidence, by=rules.signed_in(request.user), **data.validated_data)
        evidence = self.get_queryset().get(pk=evidence.pk)
        return Response(EvidenceSerializer(evidence).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        evidence_delete(evidence=self.get_object(), by=rules.signed_in(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Sources and the verdict scale --------------------------------------------------------------


@source_schema
class SourceViewSet(viewsets.ReadOnlyModelViewSet[Source]):
    serializer_class = SourceSerializer
    permission_classes = [SourceAccess]
    filterset_class = SourceFilter
    # Only the recheck action has a scope (and its own, lower, rate).
    throttle_scope: str | None = None

    def get_queryset(self) -> QuerySet[Source]:
        if not rules.can_read_desk(self.request.user):
            return Source.objects.none()
        return source_selectors.source_list()

    def filter_queryset(self, queryset: QuerySet[Source, Row]) -> QuerySet[Source, Row]:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @action(detail=True, methods=["get"])
    def checks(self, request: Request, pk: str | None = None) -> Response:
        return paginated(self, source_selectors.source_checks(self.get_object()), CheckSerializer)

    @action(detail=True, methods=["post"], throttle_scope="recheck")
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        source = source_recheck_request(source=self.get_object(), by=rules.signed_in(request.user))
        return Response(SourceSerializer(source).data, status=status.HTTP_202_ACCEPTED)


@rating_schema
class RatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Rating]):
    serializer_class = RatingSerializer
    permission_classes = [DeskRole]

    def get_queryset(self) -> QuerySet[Rating]:
        return Rating.objects.order_by("order", "slug")


# --- The desk's figures -------------------------------------------------------------------------


class StatsView(APIView):
    """The home page's figures, for dashboards: the same numbers as its charts (claims/stats.py)."""

    permission_classes = [DeskRole]

    @stats_schema
    def get(self, request: Request) -> Response:
        figures = stats.desk_figures()
        data = {
            "time_zone": settings.TIME_ZONE,
            "health": figures.health,
            "flags": figures.flags,
            "verdicts": figures.verdicts,
            "sources": figures.sources,
        }
        return Response(StatsSerializer(data).data)
