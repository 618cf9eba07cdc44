"""Other outlets' fact-checks, the embeddings matching reads, and the similar claims suggested to researchers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, language_code_validator


class ExternalFactCheck(models.Model):
    """Another outlet's published fact-check, imported from its ClaimReview JSON-LD. Matching searches it too."""

    url = models.URLField(_("address"), max_length=2000, unique=True, help_text=_("The fact-check's own address."))
    publisher = models.CharField(_("publisher"), max_length=200)
    claim_reviewed = models.TextField(_("claim reviewed"))
    claimant = models.CharField(_("claimant"), max_length=200, blank=True)
    rating = models.CharField(_("rating"), max_length=200, blank=True, help_text=_("The publisher's textual rating."))
    reviewed_on = models.DateField(_("date of the fact-check"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, blank=True, validators=[language_code_validator])
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("external fact-check")
        verbose_name_plural = _("external fact-checks")

    def __str__(self) -> str:
        text = " ".join(self.claim_reviewed.split())
        return f"{self.publisher}: {text if len(text) <= 70 else text[:69] + '…'}"


class Embedding(models.Model):
    """The multilingual model's vector of one claim's or one external fact-check's text (exactly one of the two).

    `digest` is the hash of the text it was made from: a text that changes is embedded again.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, null=True, related_name="embedding")
    external = models.OneToOneField(ExternalFactCheck, on_delete=models.CASCADE, null=True, related_name="embedding")
    # float32 values, little-endian, as many as the model's dimensions.
    vector = models.BinaryField()
    model = models.CharField(max_length=60)
    digest = models.CharField(max_length=64)
    embedded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, external__isnull=True) | Q(claim__isnull=True, external__isnull=False),
                name="embedding_of_one_text",
            )
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id}" if self.claim_id else f"external fact-check {self.external_id}"


class MatchMethod(models.TextChoices):
    TRIGRAM = "trigram", _("close wording")
    FULLTEXT = "fulltext", _("same words")
    EMBEDDING = "embedding", _("same meaning (multilingual model)")


class SuggestionStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed: the same claim")
    DISMISSED = "dismissed", _("Dismissed: a different claim")


class SimilarClaim(models.Model):
    """Two claims that may make the same statement, stored once per pair (the lower id in `claim_a`).

    Suggested by the background search; a researcher confirms (the two are linked, shown on both) or dismisses
    (never suggested again).
    """

    claim_a = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    claim_b = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    method = models.CharField(_("found by"), max_length=20, choices=MatchMethod.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.SUGGESTED
    )
    found_at = models.DateTimeField(_("found at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("similar claim")
        verbose_name_plural = _("similar claims")
        constraints = [
            models.UniqueConstraint(fields=["claim_a", "claim_b"], name="similar_claim_pair_once"),
            models.CheckConstraint(condition=Q(claim_a__lt=F("claim_b")), name="similar_claim_pair_ordered"),
            models.CheckConstraint(condition=Q(status__in=SuggestionStatus.values), name="similar_claim_status_valid"),
        ]
        indexes = [models.Index(fields=["claim_b"])]

    def __str__(self) -> str:
        return f"{self.claim_a_id} ~ {self.claim_b_id} ({self.status})"
