"""Who is told of the desk's events, and how it went: mail notices, webhook endpoints and their deliveries.

The events themselves are claims.Event rows (the outbox), written by the changes that cause them; the planner
(claims.alerts.planning) turns each into the deliveries and notices below, which the tasks then send.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Event, EventType


class MailChoice(models.TextChoices):
    # A flag raised on a published fact-check at once, everything else in the daily digest.
    IMMEDIATE = "immediate", _("At once when a published fact-check is flagged, the rest in a daily digest")
    DIGEST = "digest", _("Everything in a daily digest")
    NONE = "none", _("No mail")


class AlertSettings(models.Model):
    """One desk member's choices about mail. Members without a row get the defaults (immediate, the desk's language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="alert_settings"
    )
    mail = models.CharField(_("mail"), max_length=10, choices=MailChoice.choices, default=MailChoice.IMMEDIATE)
    language = models.CharField(
        _("language of the mail"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self) -> str:
        return str(self.user)


class Notice(models.Model):
    """One event for one person's mail: sent on its own at once, or with the others in their daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notices"
    )
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="notices")
    immediate = models.BooleanField(_("sent at once"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While a worker sends it; a worker that died lets it go when this passes.
    leased_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mail notice")
        verbose_name_plural = _("mail notices")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notice_one_per_user_and_event")]
        indexes = [models.Index(fields=["user", "id"], condition=Q(sent_at__isnull=True), name="notice_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.user}"


class DisabledBecause(models.TextChoices):
    GONE = "gone", _("The receiver answered 410 Gone.")
    FAILING = "failing", _("Every delivery failed for a day.")
    BY_EDITOR = "by_editor", _("Turned off by an editor.")


class WebhookEndpoint(models.Model):
    """A machine that wants to be told of events: a CMS, a Slack bridge, a bot. Managed by editors."""

    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The event types it wants (EventType values).
    events = models.JSONField(_("events"), default=list)
    # Standard Webhooks' `whsec_` + base64 secret. Shown once, when it is made.
    secret = models.CharField(_("secret"), max_length=100)
    # The secret before the last rotation, still signing until `previous_secret_until`: receivers switch over.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_because = models.CharField(
        _("disabled because"), max_length=10, choices=DisabledBecause.choices, blank=True
    )
    # The first failure since its last success: a day of failures turns the endpoint off.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url

    def wants(self, event_type: str) -> bool:
        return event_type in self.events

    def secrets(self, now: datetime | None = None) -> list[str]:
        """The secrets deliveries are signed with now: the current one, and the previous one during a rotation."""
        moment = now or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > moment:
            return [self.secret, self.previous_secret]
        return [self.secret]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class Delivery(models.Model):
    """One event for one endpoint, with how its last attempt went: the endpoint's delivery log."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While a worker sends it; a worker that died lets it go when this passes.
    leased_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_status = models.PositiveIntegerField(_("response status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    response_excerpt = models.TextField(_("response excerpt"), blank=True)
    # Why the last attempt failed before any answer (claims.reasons codes), or why the delivery was given up.
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    error_params = models.JSONField(_("error's details"), default=dict, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due_idx"),
            models.Index(fields=["endpoint", "-id"], name="delivery_log_idx"),
        ]

    def __str__(self) -> str:
        # Ids only: a list of deliveries names each without reading its event and endpoint.
        return f"#{self.pk} (event {self.event_id}, endpoint {self.endpoint_id})"


__all__ = [
    "AlertSettings",
    "Delivery",
    "DeliveryStatus",
    "DisabledBecause",
    "EventType",
    "MailChoice",
    "Notice",
    "WebhookEndpoint",
]
