"""The claim desk's data: claims, the verdict scale, cited sources with their snapshots and checks, evidence, flags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from claims.reasons import flag_reason_text, reason_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

language_code_validator = RegexValidator(r"^[a-z]{2}$", _("Use a two-letter ISO 639-1 code, such as fr or en."))
colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour such as #1a7f37."))


class Rating(models.Model):
    """One step of the newsroom's verdict scale; the scale is data that editors change in the admin."""

    UNPROVEN = "unproven"

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_fr = models.CharField(_("label (French)"), max_length=80)
    colour = models.CharField(_("colour"), max_length=7, validators=[colour_validator], default="#6e7781")
    claimreview_value = models.PositiveSmallIntegerField(
        _("ClaimReview value"),
        null=True,
        blank=True,
        help_text=_("From 1 (worst) to 5 (best); empty when the verdict has no place on the numeric scale."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(claimreview_value__isnull=True) | Q(claimreview_value__gte=1, claimreview_value__lte=5),
                name="rating_claimreview_value_1_to_5",
            ),
            models.CheckConstraint(condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="rating_colour_hex"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The label in the active language, French or English."""
        return self.label_fr if (get_language() or "").startswith("fr") else self.label_en


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    RESEARCHING = "researching", _("Researching")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Claim(models.Model):
    """A statement made in public, as made, and the desk's work on it."""

    text = models.TextField(_("claim"), help_text=_("The statement exactly as it was made."))
    claimant = models.CharField(_("claimant"), max_length=200, help_text=_("Who made the claim."))
    claim_date = models.DateField(_("claim date"), null=True, blank=True, help_text=_("When the claim was made."))
    appearance_url = models.URLField(
        _("appearance URL"), max_length=2000, blank=True, help_text=_("Where the claim appeared.")
    )
    language = models.CharField(
        _("language"), max_length=2, default="fr", validators=[language_code_validator], help_text=_("ISO 639-1 code.")
    )
    tags = TaggableManager(_("tags"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, editable=False
    )
    rating = models.ForeignKey(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("The published explanation of the verdict."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    first_published_at = models.DateTimeField(_("first published at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("last published at"), null=True, blank=True, editable=False)
    # Bumped by every write through the services; the API's ETag and the admin's stale-form check.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Who makes the next save and why: django-simple-history writes them into the history row that save adds.
    _history_user: User
    _change_reason: str | None

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [
            ("publish_claim", _("Can publish claims")),
            ("reject_claim", _("Can reject claims")),
            ("reopen_claim", _("Can reopen published claims")),
            ("correct_published_claim", _("Can edit published claims and their evidence")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"),
            models.CheckConstraint(condition=Q(language__regex=r"^[a-z]{2}$"), name="claim_language_iso639_1"),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="claim_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["language"]),
            models.Index(fields=["-published_at"]),
            # The public list: the fact-checks readers see (all published once), newest publication first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(published_at__isnull=False),
                name="claim_public_list_idx",
            ),
            # The home page's verdicts per month: the fact-checks first published in the last months.
            models.Index(
                fields=["first_published_at"],
                condition=Q(first_published_at__isnull=False),
                name="claim_first_published_idx",
            ),
        ]

    def __str__(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    @property
    def slug(self) -> str:
        return slugify(self.text[:80]) or "claim"


class SearchWord(models.Model):
    """A word the claims use, as search compares spellings: the typo path of claims_search looks up the words spelled
    closest to a search's words here (a few thousand short words, not every claim's text), then searches for those.

    Written by PostgreSQL, not by Django: a trigger adds the new words of every claim written (migration
    0020_search_words). Words of claims edited or deleted since stay: a spelling they suggest finds no claim. A word
    may be there twice when two claims brought it at the same moment (no unique index: writing a claim never waits
    for another's transaction).
    """

    word = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["word"], name="search_word_idx")]

    def __str__(self) -> str:
        return self.word


class Transition(models.Model):
    """One move of a claim through the workflow, with who made it and the comment they gave. Never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=20, choices=ClaimStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ClaimStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["claim", "to_status", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ChangeKind(models.TextChoices):
    """What a change made to a published fact-check is, for its readers."""

    CORRECTION = "correction", _("Correction")
    CLARIFICATION = "clarification", _("Clarification")
    UPDATE = "update", _("Update")


class PublishedChange(models.Model):
    """A change made to a published fact-check in the open: readers see its kind, its note and its date.

    Corrections through a reopening are Transitions; this is a change made while the fact-check stays published.
    Never edited.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="published_changes")
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    note = models.TextField(_("note for readers"))
    # The fields the change touched, by name: what readers will find different.
    fields = models.JSONField(_("fields changed"), default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("published change")
        verbose_name_plural = _("published changes")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChangeKind.values), name="published_change_kind_valid"),
            models.CheckConstraint(condition=~Q(note=""), name="published_change_has_note"),
        ]
        indexes = [models.Index(fields=["claim", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.at:%Y-%m-%d %H:%M}"


class SourceState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ALIVE = "alive", _("Alive")
    FAILING = "failing", _("Failing")
    DEAD = "dead", _("Dead")
    BLOCKED = "blocked", _("Blocked")
    # Behind a login, a paywall or a refusal (401, 402, 403), or rate limited before it was ever read.
    RESTRICTED = "restricted", _("Restricted")


class Source(models.Model):
    """A cited web page, one row per normalized URL, shared by every claim that cites it."""

    url = models.URLField(_("URL"), max_length=2000, unique=True, help_text=_("Normalized."))
    host = models.CharField(_("host"), max_length=255, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=SourceState.choices, default=SourceState.PENDING)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    etag = models.CharField(_("ETag"), max_length=500, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=100, blank=True)
    raw_sha256 = models.CharField(_("raw SHA-256"), max_length=64, blank=True)
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64, blank=True)
    fingerprint = models.CharField(_("similarity fingerprint"), max_length=64, blank=True)
    last_checked_at = models.DateTimeField(_("last checked at"), null=True, blank=True)
    last_alive_at = models.DateTimeField(_("last alive at"), null=True, blank=True)
    next_check_at = models.DateTimeField(_("next check at"), default=timezone.now)
    consecutive_failures = models.PositiveSmallIntegerField(_("consecutive failures"), default=0)
    first_failure_at = models.DateTimeField(_("first failure at"), null=True, blank=True)
    # Why the last check ended as it did, when not in plain success: a code of claims.sources.reasons and its
    # parameters, said in the reader's language when shown (`last_error`).
    last_error_code = models.CharField(_("last error"), max_length=40, blank=True)
    last_error_params = models.JSONField(_("last error's details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Set while a check of this source is under way; a check whose token no longer matches is not recorded.
    lease_token = models.UUIDField(_("check under way"), null=True, blank=True, editable=False)
    # Set from the dispatch until the fetch is over: the concurrency limits count fetches, not whole checks.
    fetching = models.BooleanField(_("fetch under way"), default=False, editable=False)
    # Set by every recorded check; the flags sweep that follows checks clears it for the sources it has swept.
    sweep_pending = models.BooleanField(_("flags to sweep"), default=False, editable=False)

    class Meta:
        ordering = ["url"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=SourceState.values), name="source_state_valid"),
        ]
        indexes = [
            # The scheduler's question: which sources are due now, the longest due first? Read in the index's
            # order, the dispatch stops at the few it takes instead of sorting every due source (and beat moves
            # the due sources no evidence cites any more out of its way: sources_rest_uncited).
            models.Index(fields=["next_check_at", "id"], name="source_due_idx"),
            models.Index(fields=["state"]),
            # The dispatcher's count of fetches under way, by host: a handful among all the sources.
            models.Index(fields=["host"], condition=Q(fetching=True), name="source_fetching_idx"),
            # The sweep after checks: which sources were checked since it last ran? A handful among them all.
            models.Index(fields=["id"], condition=Q(sweep_pending=True), name="source_sweep_pending_idx"),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def last_error(self) -> str:
        """Why its last check ended as it did, in the active language ("" after a plain success)."""
        return reason_text(self.last_error_code, self.last_error_params)


class Snapshot(models.Model):
    """What a fetch captured when the page's content was new. Never edited."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="snapshots")
    fetched_at = models.DateTimeField(_("fetched at"), default=timezone.now)
    final_url = models.URLField(_("final URL"), max_length=2000)
    title = models.CharField(_("title"), max_length=500, blank=True)
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    charset = models.CharField(_("charset"), max_length=40, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    raw_body = models.BinaryField(_("raw body (compressed)"), blank=True)
    raw_size = models.PositiveIntegerField(_("raw size in bytes"), default=0)
    raw_sha256 = models.CharField(_("raw SHA-256"), max_length=64)
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64)
    fingerprint = models.CharField(_("similarity fingerprint"), max_length=64, blank=True)
    # Where each page starts in `text` (PDFs); empty for documents without pages.
    page_starts = models.JSONField(_("page starts"), default=list, blank=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        get_latest_by = "fetched_at"
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        indexes = [models.Index(fields=["source", "-fetched_at"])]

    def __str__(self) -> str:
        return f"{self.source.url} @ {self.fetched_at:%Y-%m-%d %H:%M}"


class CheckOutcome(models.TextChoices):
    OK = "ok", _("Fetched")
    NOT_MODIFIED = "not_modified", _("Not modified")
    RESTRICTED = "restricted", _("Restricted (401/402/403)")
    RATE_LIMITED = "rate_limited", _("Rate limited (retry later)")
    HTTP_ERROR = "http_error", _("HTTP error")
    NETWORK_ERROR = "network_error", _("Network error")
    TIMEOUT = "timeout", _("Timed out")
    TOO_LARGE = "too_large", _("Too large")
    TOO_COMPLEX = "too_complex", _("Too complex to read")
    UNSUPPORTED = "unsupported", _("Unsupported content")
    REDIRECTS = "redirects", _("Broken redirects")
    BLOCKED = "blocked", _("Blocked by the safety rules")
    NOT_RECORDED = "not_recorded", _("Fetched but not recorded")


class Check(models.Model):
    """One fetch attempt of a source: the source's history. Never edited."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="checks")
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CheckOutcome.choices)
    bytes = models.PositiveIntegerField(_("bytes"), default=0)
    # Why it ended as it did, when not in plain success: a code of claims.sources.reasons and its parameters.
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    error_params = models.JSONField(_("error's details"), default=dict, blank=True)
    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("new snapshot"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("check")
        verbose_name_plural = _("checks")
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=CheckOutcome.values), name="check_outcome_valid"),
        ]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} @ {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def error(self) -> str:
        """Why it ended as it did, in the active language ("" for a plain success)."""
        return reason_text(self.error_code, self.error_params)


class Stance(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    REFUTES = "refutes", _("Refutes")
    CONTEXT = "context", _("Context")


class QuoteStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    FOUND = "found", _("Found")
    MISSING = "missing", _("Missing")


class QuoteUnverifiedBecause(models.TextChoices):
    """Why the watch could not tell whether a quote is on its page."""

    NOT_READ = "not_read", _("The desk does not read this kind of document yet.")
    NO_TEXT = "no_text", _("The page shows no text.")
    NO_TEXT_LAYER = (
        "no_text_layer",
        _("The PDF has no text to read (a scan, or a locked file): its quotes cannot be checked."),
    )
    SCANNED_PAGES = "scanned_pages", _("Some pages of the PDF are scans with no text: the quote is not in the others.")
    TOO_COMPLEX = "too_complex", _("The page is too large or complex to read within the checker's budget.")
    NOT_RECORDED = "not_recorded", _("The last check of the page could not be recorded.")


class Evidence(models.Model):
    """A source cited for a claim, with the exact passage that supports or refutes it."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    quote = models.TextField(_("quote"), blank=True, help_text=_("The exact passage of the page, if any."))
    note = models.TextField(_("note"), blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), default=timezone.now)
    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("verified against"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    quote_status = models.CharField(
        _("quote status"), max_length=10, choices=QuoteStatus.choices, default=QuoteStatus.UNVERIFIED
    )
    quote_checked_at = models.DateTimeField(_("quote checked at"), null=True, blank=True)
    # The page of the document (a PDF) on which the quote was found.
    quote_page = models.PositiveIntegerField(_("page of the quote"), null=True, blank=True)
    # Set with an unverified quote status when the watch read the page and could not tell.
    quote_unverified_because = models.CharField(
        _("quote unverified because"), max_length=20, choices=QuoteUnverifiedBecause.choices, blank=True
    )
    # The page as it was when first verified for this evidence; `source_changed` compares the latest snapshot with it.
    cited_snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("page as cited"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    page_changed = models.BooleanField(
        _("page changed since cited"),
        default=False,
        help_text=_("The page's text changed materially since it was cited."),
    )
    # An editor may vouch for a quote the checker cannot find (a paywall, a PDF), with a reason.
    quote_override_reason = models.TextField(_("quote override reason"), blank=True)
    quote_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("quote overridden by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A web archive's copy of the page from before it was cited, looked up when the page died, dropped the quote or
    # changed materially (claims.sources.recovery): its address, its date, and whether the quote is on it.
    archive_url = models.URLField(_("archived copy"), max_length=2000, blank=True)
    archive_captured_at = models.DateTimeField(_("archived on"), null=True, blank=True)
    archive_quote_status = models.CharField(
        _("quote in the archived copy"), max_length=10, choices=QuoteStatus.choices, blank=True
    )
    # When the archive was last asked, whatever it answered (empty: never).
    archive_checked_at = models.DateTimeField(_("archive asked at"), null=True, blank=True)

    history = HistoricalRecords()

    # Who makes the next save: django-simple-history writes it into the history row that save adds.
    _history_user: User

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("evidence")
        # The same English word, but French (and others) say it differently for several pieces.
        verbose_name_plural = pgettext_lazy("several pieces of evidence", "evidence")
        permissions = [("override_quote", _("Can vouch for a quote the checker cannot find"))]
        constraints = [
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="evidence_stance_valid"),
            models.CheckConstraint(
                condition=Q(quote_status__in=QuoteStatus.values), name="evidence_quote_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(quote_override_by__isnull=True) | ~Q(quote_override_reason=""),
                name="evidence_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source.url}"

    @property
    def quote_overridden(self) -> bool:
        return self.quote_override_by_id is not None


class FlagKind(models.TextChoices):
    UNPROVEN = "unproven", _("Unproven")
    EVIDENCE_LOST = "evidence_lost", _("Evidence lost")
    QUOTE_MISSING = "quote_missing", _("Quote missing")
    SOURCE_CHANGED = "source_changed", _("Source changed")


class Flag(models.Model):
    """A warning raised on a claim by the background checks; it clears itself when its condition no longer holds."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=FlagKind.choices)
    # What the reason says besides the flag's kind (claims.reasons.FLAG_REASONS), as parameters.
    details = models.JSONField(_("details"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FlagKind.values), name="flag_kind_valid"),
            models.UniqueConstraint(
                fields=["claim", "kind"], condition=Q(cleared_at__isnull=True), name="flag_one_open_per_kind"
            ),
        ]
        indexes = [
            models.Index(fields=["kind"], condition=Q(cleared_at__isnull=True), name="flag_open_kind_idx"),
            # The home page: flags raised this week, and flags raised and cleared per week.
            models.Index(fields=["raised_at"], name="flag_raised_at_idx"),
            models.Index(fields=["cleared_at"], condition=Q(cleared_at__isnull=False), name="flag_cleared_at_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def reason(self) -> str:
        """Why it is raised, in the active language."""
        return flag_reason_text(self.kind, self.details)


class EventType(models.TextChoices):
    """What the desk tells people and machines about (PRODUCT.md, Alerts); webhooks receive the value as `type`."""

    CLAIM_PUBLISHED = "claim.published", _("Fact-check published")
    CLAIM_REOPENED = "claim.reopened", _("Fact-check reopened for a correction")
    # Published again after a reopening, or a change made while published, with a note for readers.
    CLAIM_CORRECTED = "claim.corrected", _("Fact-check corrected")
    FLAG_RAISED = "flag.raised", _("Flag raised")
    FLAG_CLEARED = "flag.cleared", _("Flag cleared")
    EVIDENCE_RECOVERED = "evidence.recovered", _("Evidence recovered")


class Event(models.Model):
    """Something that happened to a claim that people and machines are told of: an outbox row.

    Written in the transaction that made it happen (nothing for a change rolled back, nothing lost once it is
    committed), delivered afterwards by the alerts' tasks. Never edited, but for `planned_at`.
    """

    type = models.CharField(_("event"), max_length=30, choices=EventType.choices)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="events")
    # The claim's status when it happened: what a webhook tells, even if the claim has moved on since.
    claim_status = models.CharField(_("claim's status"), max_length=20, choices=ClaimStatus.choices)
    flag = models.ForeignKey(
        Flag, verbose_name=_("flag"), on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    # When its deliveries (webhooks, mail) were planned; empty while that is still to do.
    planned_at = models.DateTimeField(_("deliveries planned at"), null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="event_type_valid"),
            models.CheckConstraint(
                condition=Q(flag__isnull=False) | ~Q(type__in=[EventType.FLAG_RAISED, EventType.FLAG_CLEARED]),
                name="event_flag_has_flag",
            ),
        ]
        # The planner's work list: the events whose deliveries are not planned yet, a handful among them all.
        indexes = [models.Index(fields=["id"], condition=Q(planned_at__isnull=True), name="event_unplanned_idx")]

    def __str__(self) -> str:
        return f"{self.type} #{self.claim_id} @ {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def webhook_id(self) -> str:
        """The id receivers drop repeats by (Standard Webhooks' `webhook-id`): the same for every try."""
        return f"evt_{self.pk}"


class DeskDay(models.Model):
    """The desk's figures for one day in its time zone, recorded by beat (claims.services.figures.desk_day_record).

    What the claims and flags do not keep themselves: how many fact-checks were published that day and how many of
    them were healthy (claims.stats.healthy_published). Recorded again as the day goes on; the day's last record
    stays, so that the weekly health chart keeps its history.
    """

    date = models.DateField(_("date"), unique=True)
    published = models.PositiveIntegerField(_("published fact-checks"))
    healthy = models.PositiveIntegerField(_("healthy fact-checks"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-date"]
        verbose_name = _("desk day")
        verbose_name_plural = _("desk days")
        constraints = [
            models.CheckConstraint(condition=Q(healthy__lte=F("published")), name="desk_day_healthy_within_published"),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.healthy}/{self.published}"
