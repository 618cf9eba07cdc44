"""An article a researcher asked the desk to read, and its sentences ranked as candidate claims.

Nothing here is a claim yet: a candidate becomes one only when a person chooses it (claims.intake.services).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.intake.ranking import CLAIMANT_MAX_LENGTH, Signal
from claims.models import Claim, QuoteUnverifiedBecause
from claims.reasons import reason_text


class IntakeStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    FETCHING = "fetching", _("being read")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class IntakeFailure(models.TextChoices):
    """Why the desk could not read an article, besides the fetcher's own reasons (claims.reasons codes)."""

    NOT_READ = "intake_not_read", _("The article was fetched, but its text could not be read: %(because)s")
    NO_SENTENCES = "intake_no_sentences", _("The article was read, but it holds no sentence to check.")
    TOO_SLOW = "intake_too_slow", _("Reading the article took too long; the desk gave up.")
    ERROR = "intake_error", _("An unexpected error stopped the desk from reading the article (%(detail)s).")
    GAVE_UP = (
        "intake_gave_up",
        _("The desk tried to read the article %(attempts)s times without finishing; it gave up."),
    )


class Intake(models.Model):
    """One article's address, pasted by a researcher, and how reading it went."""

    url = models.URLField(_("article's address"), max_length=2000)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.QUEUED)
    # Why it failed: an IntakeFailure or a claims.reasons code, with its parameters; said in the reader's language.
    failure_code = models.CharField(_("failure"), max_length=40, blank=True)
    failure_params = models.JSONField(_("failure's details"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True)
    # The article was longer than the desk reads (INTAKE_MAX_CHARACTERS): only its beginning was ranked.
    cut_short = models.BooleanField(_("only its beginning was read"), default=False)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    # When a worker took it: while this is recent the intake is that worker's, after that it is taken again.
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("article intake")
        verbose_name_plural = _("article intakes")
        constraints = [models.CheckConstraint(condition=Q(status__in=IntakeStatus.values), name="intake_status_valid")]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status__in=["queued", "fetching"]), name="intake_open_idx")
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def site_name(self) -> str:
        """The article's site, as readers call it ("lemonde.fr"): the claimant when the sentence names no one."""
        host = urlsplit(self.url).hostname or self.url
        return host.removeprefix("www.")

    @property
    def failure_reason(self) -> str:
        """Why reading the article failed, in the active language; "" unless it failed."""
        if not self.failure_code:
            return ""
        if self.failure_code in IntakeFailure.values:
            params: dict[str, Any] = dict(self.failure_params)
            if "because" in params:
                params["because"] = _unread_text(str(params["because"]))
            template = str(IntakeFailure(self.failure_code).label)
            try:
                return template % params
            except (KeyError, TypeError, ValueError):
                return template
        return reason_text(self.failure_code, self.failure_params)

    @property
    def is_open(self) -> bool:
        return self.status in (IntakeStatus.QUEUED, IntakeStatus.FETCHING)


def _unread_text(code: str) -> str:
    try:
        return str(QuoteUnverifiedBecause(code).label)
    except ValueError:
        return code


class Candidate(models.Model):
    """A sentence of the article, ranked: what a researcher ticks to make it a draft claim."""

    intake = models.ForeignKey(Intake, verbose_name=_("intake"), on_delete=models.CASCADE, related_name="candidates")
    # The sentence's order in the article, from 0.
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("sentence"))
    score = models.FloatField(_("score"))
    # Why it ranks where it does: claims.intake.ranking.Signal codes.
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # Who the sentence attributes it to ("les Américains"); "" when it names no one.
    claimant = models.CharField(_("claimant"), max_length=CLAIMANT_MAX_LENGTH, blank=True)
    claim = models.OneToOneField(
        Claim,
        verbose_name=_("claim"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_candidate",
    )

    class Meta:
        ordering = ["-score", "position"]
        verbose_name = _("candidate sentence")
        verbose_name_plural = _("candidate sentences")
        constraints = [models.UniqueConstraint(fields=["intake", "position"], name="candidate_one_per_position")]

    def __str__(self) -> str:
        return self.text[:80]

    def reason_labels(self) -> list[str]:
        """The reasons in the active language, in the ranking's order."""
        return [str(Signal(code).label) for code in self.reasons if code in Signal.values]
