"""The intake app: an article's address in, its check-worthy sentences out, for a researcher to choose from (label
`intake`)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "claims.intake"
    label = "intake"
    verbose_name = _("Intake")
