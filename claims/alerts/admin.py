"""The alerts in the admin: each member's mail settings, and the editors' webhook endpoints with their delivery logs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import rules
from claims.alerts import webhooks
from claims.alerts.models import AlertSettings, Delivery, WebhookEndpoint
from claims.errors import DeskError
from claims.models import EventType

# Deliveries shown on an endpoint's page; the delivery log has them all.
LATEST = 20

# --- Each member's mail ----------------------------------------------------------------------------


@admin.register(AlertSettings)
class AlertSettingsAdmin(admin.ModelAdmin[AlertSettings]):
    """Members see and change their own settings; superusers everyone's."""

    list_display = ["user", "mail", "language"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertSettings]:
        rows = super().get_queryset(request).select_related("user")
        return rows if request.user.is_superuser else rows.filter(user=rules.signed_in(request.user))

    def get_fields(self, request: HttpRequest, obj: AlertSettings | None = None) -> tuple[str, ...]:
        return ("user", "mail", "language") if request.user.is_superuser else ("mail", "language")

    def has_add_permission(self, request: HttpRequest) -> bool:
        if not super().has_add_permission(request):
            return False
        user = rules.signed_in(request.user)
        return user.is_superuser or not AlertSettings.objects.filter(user=user).exists()

    def save_model(self, request: HttpRequest, obj: AlertSettings, form: Any, change: bool) -> None:
        if not request.user.is_superuser:
            obj.user = rules.signed_in(request.user)
        super().save_model(request, obj, form, change)


# --- Webhooks --------------------------------------------------------------------------------------


class WebhookEndpointForm(forms.ModelForm[WebhookEndpoint]):
    url = forms.URLField(label=_("URL"), max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "is_active"]

    def clean_url(self) -> str:
        try:
            return webhooks.check_url(self.cleaned_data["url"])
        except DeskError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    form = WebhookEndpointForm
    list_display = ["__str__", "url", "is_active", "disabled_because", "failing_since", "log"]
    list_filter = ["is_active"]
    readonly_fields = (
        "disabled_at",
        "disabled_because",
        "failing_since",
        "created_by",
        "created_at",
        "latest_deliveries",
    )
    actions = ["rotate_secret"]

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> tuple[str, ...]:
        fields = ("url", "description", "events")
        return fields if obj is None else (*fields, "is_active", *self.readonly_fields)

    @admin.display(description=_("delivery log"))
    def log(self, endpoint: WebhookEndpoint) -> str:
        link = reverse("admin:alerts_delivery_changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return format_html('<a href="{}">{}</a>', link, _("deliveries"))

    @admin.display(description=_("latest deliveries"))
    def latest_deliveries(self, endpoint: WebhookEndpoint) -> str:
        deliveries = endpoint.deliveries.select_related("event").order_by("-id")[:LATEST]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    d.event.webhook_id,
                    d.event.get_type_display(),
                    d.get_status_display(),
                    d.response_status or "-",
                    d.duration_ms if d.duration_ms is not None else "-",
                    d.response_excerpt[:200] or "-",
                )
                for d in deliveries
            ),
        )
        return format_html("<table>{}</table>{}", rows, self.log(endpoint)) if rows else "-"

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        data = form.cleaned_data
        by = rules.signed_in(request.user)
        try:
            if change:
                webhooks.endpoint_update(
                    # As it is in the database: the form has already copied its fields onto `obj`.
                    endpoint=WebhookEndpoint.objects.get(pk=obj.pk),
                    by=by,
                    url=data["url"],
                    events=data["events"],
                    description=data["description"],
                    is_active=data.get("is_active"),
                )
                return
            created = webhooks.endpoint_create(
                url=data["url"],
                events=data["events"],
                description=data["description"],
                by=by,
            )
        except DeskError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = created.pk
        self._secret_shown(request, created)

    def _secret_shown(self, request: HttpRequest, endpoint: WebhookEndpoint) -> None:
        self.message_user(
            request,
            format_html(
                "{}: {} <code>{}</code>",
                str(endpoint),
                _("Its signing secret, shown this once: give it to the receiver now."),
                endpoint.secret,
            ),
            messages.WARNING,
        )

    @admin.action(
        description=_("Rotate the signing secret (the old one still signs for a day)"), permissions=["change"]
    )
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        by = rules.signed_in(request.user)
        for endpoint in queryset:
            self._secret_shown(request, webhooks.endpoint_rotate_secret(endpoint=endpoint, by=by))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    """Each endpoint's delivery log; editors redeliver from it."""

    list_display = [
        "id",
        "endpoint",
        "webhook_id",
        "event_type",
        "status",
        "attempts",
        "last_attempt_at",
        "response_status",
        "duration_ms",
    ]
    list_filter = ["status", "endpoint"]
    list_select_related = ["endpoint", "event"]
    fields = readonly_fields = (
        "endpoint",
        "webhook_id",
        "event_type",
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
    )
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        return rules.can_manage_webhooks(request.user)

    @admin.display(description=_("webhook-id"))
    def webhook_id(self, delivery: Delivery) -> str:
        return delivery.event.webhook_id

    @admin.display(description=_("event"))
    def event_type(self, delivery: Delivery) -> str:
        return delivery.event.get_type_display()

    @admin.action(description=_("Deliver the selected events again"), permissions=["redeliver"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        sent = 0
        for delivery in queryset.select_related("endpoint", "event"):
            try:
                webhooks.delivery_redeliver(delivery=delivery, by=rules.signed_in(request.user))
            except DeskError as error:
                self.message_user(request, f"{delivery.endpoint}: {error.message}", messages.ERROR)
                continue
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", sent)
                % {"count": sent},
            )
