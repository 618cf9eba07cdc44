"""The alerts app: mail and webhooks about the desk's events (its own tables, label `alerts`)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "claims.alerts"
    label = "alerts"
    verbose_name = _("Alerts")
