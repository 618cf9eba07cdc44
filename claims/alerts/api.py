"""`/api/v1/webhooks/`: editors manage the endpoints the desk tells of its events, and read their delivery logs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from claims import rules
from claims.alerts import webhooks
from claims.alerts.models import Delivery, WebhookEndpoint
from claims.api.permissions import DeskRole
from claims.api.schema import error
from claims.api.serializers import BoundedListField, StrictInput
from claims.api.views import paginated
from claims.models import EventType

if TYPE_CHECKING:
    from rest_framework.views import APIView


class WebhookAccess(DeskRole):
    """Every door of the webhooks is the editors': the endpoints' addresses are theirs to know."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        rules.check_may_manage_webhooks(request.user)
        return True


class WebhookEndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "description",
            "is_active",
            "disabled_at",
            "disabled_because",
            "failing_since",
            "created_at",
        ]


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """Only in the answer that makes a secret: it is not shown again."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookEndpointInputSerializer(StrictInput):
    url = serializers.URLField(max_length=2000)
    events = BoundedListField(child=serializers.ChoiceField(choices=EventType.values), max_length=len(EventType))
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class WebhookEndpointUpdateSerializer(StrictInput):
    url = serializers.URLField(max_length=2000, required=False)
    events = BoundedListField(
        child=serializers.ChoiceField(choices=EventType.values), max_length=len(EventType), required=False
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    webhook_id = serializers.CharField(source="event.webhook_id", read_only=True)
    type = serializers.CharField(source="event.type", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "webhook_id",
            "type",
            "status",
            "attempts",
            "created_at",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
            "response_status",
            "duration_ms",
            "response_excerpt",
            "error_code",
        ]


MANAGERS_ONLY = error("Only editors manage webhooks.")


@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints", responses={200: WebhookEndpointSerializer(many=True)}),
    retrieve=extend_schema(summary="A webhook endpoint (its secret is shown only when it is made)"),
    create=extend_schema(
        summary="Add a webhook endpoint; the answer shows its secret, once",
        request=WebhookEndpointInputSerializer,
        responses={
            201: WebhookEndpointWithSecretSerializer,
            400: error("Some fields are not valid."),
            403: MANAGERS_ONLY,
        },
    ),
    partial_update=extend_schema(
        summary="Change an endpoint's address, events or description; turn it off or on (`is_active`)",
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer, 400: error("Some fields are not valid."), 403: MANAGERS_ONLY},
    ),
    destroy=extend_schema(summary="Remove a webhook endpoint and its delivery log"),
)
class WebhookEndpointViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet[WebhookEndpoint]
):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [WebhookAccess]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        return WebhookEndpoint.objects.order_by("id")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_create(by=rules.signed_in(request.user), **data.validated_data)
        response = Response(WebhookEndpointWithSecretSerializer(endpoint).data, status=status.HTTP_201_CREATED)
        response["Location"] = request.build_absolute_uri(f"{endpoint.pk}/")
        return response

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        data = WebhookEndpointUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = webhooks.endpoint_update(endpoint=endpoint, by=rules.signed_in(request.user), **data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(
        summary="A new secret, shown once; the old one keeps signing next to it for a day",
        request=None,
        responses={200: WebhookEndpointWithSecretSerializer},
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str | None = None) -> Response:
        endpoint = webhooks.endpoint_rotate_secret(endpoint=self.get_object(), by=rules.signed_in(request.user))
        return Response(WebhookEndpointWithSecretSerializer(endpoint).data)

    @extend_schema(summary="The endpoint's delivery log, newest first", responses={200: DeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self.get_object()
        rows = Delivery.objects.filter(endpoint=endpoint).select_related("event").order_by("-id")
        return paginated(self, rows, DeliverySerializer)

    @extend_schema(
        summary="Send a delivery's event again (the same `webhook-id`), as a new delivery",
        request=None,
        responses={202: DeliverySerializer, 409: error("The endpoint is turned off.")},
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>\d+)/redeliver")
    def redeliver(self, request: Request, pk: str | None = None, delivery_id: str | None = None) -> Response:
        endpoint = self.get_object()
        delivery = get_object_or_404(
            Delivery.objects.select_related("endpoint", "event"), pk=delivery_id, endpoint=endpoint
        )
        again = webhooks.delivery_redeliver(delivery=delivery, by=rules.signed_in(request.user))
        return Response(DeliverySerializer(again).data, status=status.HTTP_202_ACCEPTED)
