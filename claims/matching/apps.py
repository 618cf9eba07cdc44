"""The matching app: similar claims, the match index and imported fact-checks (its own tables, label `matching`)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "claims.matching"
    label = "matching"
    verbose_name = _("Matching")
