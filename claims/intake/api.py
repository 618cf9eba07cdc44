"""`/api/v1/intake/`: an article's address in (202), its ranked sentences out, and the chosen ones made claims."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import rules
from claims.api import reads
from claims.api.permissions import DeskRole
from claims.api.schema import error
from claims.api.serializers import BoundedListField, ClaimSerializer, StrictInput
from claims.intake import services
from claims.intake.models import Candidate, Intake
from claims.intake.ranking import Signal
from claims.models import Claim
from claims.sources.services import MAX_URL_LENGTH

if TYPE_CHECKING:
    from rest_framework.views import APIView


class IntakeAccess(DeskRole):
    """Every door of the intake is for those who may create claims: it exists to make them."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        rules.check_may_take_in_articles(request.user)
        return True


class ReasonSerializer(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=Signal.choices)
    # A field named `label`, as the API has it, over DRF's own `label` attribute of a field.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The reason in the request's language."
    )


class CandidateSerializer(serializers.ModelSerializer[Candidate]):
    reasons = serializers.SerializerMethodField()
    claimant = serializers.CharField(
        read_only=True, help_text="Who the sentence attributes it to; empty when it names no one."
    )
    claimant_for_claim = serializers.SerializerMethodField(
        help_text="The claimant a claim made of it gets: the attribution's, or else the article's site."
    )
    claim: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The claim it became, once chosen."
    )

    class Meta:
        model = Candidate
        fields = ["id", "position", "text", "score", "reasons", "claimant", "claimant_for_claim", "claim"]

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, candidate: Candidate) -> list[dict[str, str]]:
        return [{"code": code, "label": str(Signal(code).label)} for code in candidate.reasons if code in Signal.values]

    def get_claimant_for_claim(self, candidate: Candidate) -> str:
        return candidate.claimant or candidate.intake.site_name


class FailureSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField(help_text="Why, in the request's language.")


class IntakeSerializer(serializers.ModelSerializer[Intake]):
    requested_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    failure = serializers.SerializerMethodField()
    candidates = CandidateSerializer(many=True, read_only=True, help_text="Best first.")

    class Meta:
        model = Intake
        fields = [
            "id",
            "url",
            "status",
            "failure",
            "title",
            "language",
            "cut_short",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "candidates",
        ]

    @extend_schema_field(FailureSerializer(allow_null=True))
    def get_failure(self, intake: Intake) -> dict[str, str] | None:
        if not intake.failure_code:
            return None
        return {"code": intake.failure_code, "message": intake.failure_reason}


class IntakeInputSerializer(StrictInput):
    url = serializers.CharField(max_length=MAX_URL_LENGTH)


class IntakeClaimsInputSerializer(StrictInput):
    candidates = BoundedListField(
        child=serializers.IntegerField(min_value=1), max_length=services.CANDIDATES_PER_REQUEST
    )


ONLY_CREATORS = error("Your role cannot create claims.")


@extend_schema_view(
    create=extend_schema(
        summary="Ask the desk to read an article: its check-worthy sentences are ranked in the background",
        request=IntakeInputSerializer,
        responses={202: IntakeSerializer, 400: error("The address is not valid."), 403: ONLY_CREATORS},
    ),
    retrieve=extend_schema(
        summary="An intake: its status (or why it failed) and its sentences, best first, with their reasons",
        responses={200: IntakeSerializer, 403: ONLY_CREATORS, 404: error("No such intake.")},
    ),
)
class IntakeViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Intake]):
    serializer_class = IntakeSerializer
    permission_classes = [IntakeAccess]
    # Only asking for an intake has a scope: it makes the workers fetch someone else's site.
    throttle_scope: str | None = None

    def get_queryset(self) -> QuerySet[Intake]:
        candidates = Candidate.objects.select_related("intake").order_by("-score", "position")
        return Intake.objects.select_related("requested_by").prefetch_related(
            Prefetch("candidates", queryset=candidates)
        )

    def get_throttles(self) -> list[Any]:
        self.throttle_scope = "intake" if self.action == "create" else None
        return super().get_throttles()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = IntakeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        intake = services.intake_request(url=data.validated_data["url"], by=rules.signed_in(request.user))
        response = Response(IntakeSerializer(intake).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = request.build_absolute_uri(f"{intake.pk}/")
        return response

    @extend_schema(
        summary="Make the chosen sentences draft claims (the article as their appearance, the claimant from the "
        "attribution); each gets its similar claims suggested",
        request=IntakeClaimsInputSerializer,
        responses={
            201: ClaimSerializer(many=True),
            400: error("No sentence chosen, or one that is not this article's."),
            403: ONLY_CREATORS,
            404: error("No such intake."),
            409: error("The article is not read yet, or a sentence is already a claim. `code` names the rule."),
        },
    )
    @action(detail=True, methods=["post"])
    def claims(self, request: Request, pk: str | None = None) -> Response:
        intake = self.get_object()
        data = IntakeClaimsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.intake_claims_create(
            intake=intake, candidate_ids=data.validated_data["candidates"], by=rules.signed_in(request.user)
        )
        rows = reads.claim_rows(Claim.objects.filter(pk__in=[claim.pk for claim in created]).order_by("id"))
        return Response(reads.claims_json(list(rows), user=request.user), status=status.HTTP_201_CREATED)
