"""The API's shapes: output serializers for reads; input serializers check the shape of writes, services decide."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from claims import rules
from claims.api.exceptions import ERRORS_LISTED
from claims.models import (
    ChangeKind,
    Check,
    Claim,
    ClaimStatus,
    Evidence,
    Flag,
    QuoteStatus,
    QuoteUnverifiedBecause,
    Rating,
    Source,
    Stance,
    language_code_validator,
)
from claims.sources.services import MAX_URL_LENGTH


class ErrorSerializer(serializers.Serializer[Any]):
    """Every refusal: a stable code for programs, a message for people, and messages per field when fields are wrong."""

    code = serializers.CharField()
    message = serializers.CharField()
    # The body's field is named "errors"; this serializer only describes the body for OpenAPI, it validates nothing.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(), help_text="Messages per field."
    )


class StrictInput(serializers.Serializer[Any]):
    """An input that names the fields it does not know, rather than silently dropping them."""

    read_only_hint = _("This field cannot be set here.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                # The first ones by name, and how many more: DRF wraps each message again at every level, which for
                # a body of 180,000 unknown keys took seconds, and the client could not read the answer anyway.
                if len(unknown) <= ERRORS_LISTED:
                    raise serializers.ValidationError({name: [self.read_only_hint] for name in unknown})
                listed, more = unknown[: ERRORS_LISTED - 1], len(unknown) - (ERRORS_LISTED - 1)
                count = ngettext(
                    "This field and %(count)s more cannot be set here.",
                    "These fields and %(count)s more cannot be set here.",
                    more,
                ) % {"count": number_format(more, force_grouping=True)}
                raise serializers.ValidationError(
                    {api_settings.NON_FIELD_ERRORS_KEY: [count], **{name: [self.read_only_hint] for name in listed}}
                )
        return attrs


# --- Output ------------------------------------------------------------------------------------


class RatingSerializer(serializers.ModelSerializer[Rating]):
    # A field named `label`, as the API has it, over DRF's own `label` attribute of a field.
    label = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text="The label in the request's language."
    )

    class Meta:
        model = Rating
        fields = ["slug", "label", "label_en", "label_fr", "colour", "claimreview_value", "order"]


class SourceStateSerializer(serializers.ModelSerializer[Source]):
    """A cited source as evidence shows it: where, and whether it is still there."""

    class Meta:
        model = Source
        fields = ["id", "url", "state", "http_status", "last_checked_at"]


class SourceSerializer(serializers.ModelSerializer[Source]):
    # Blank until the first fetch, so not always a URI.
    final_url = serializers.CharField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "host",
            "state",
            "http_status",
            "final_url",
            "title",
            "content_type",
            "last_error",
            "last_error_code",
            "consecutive_failures",
            "last_checked_at",
            "last_alive_at",
            "next_check_at",
            "created_at",
        ]


class CheckSerializer(serializers.ModelSerializer[Check]):
    class Meta:
        model = Check
        fields = [
            "id",
            "started_at",
            "duration_ms",
            "http_status",
            "outcome",
            "bytes",
            "error",
            "error_code",
            "error_params",
            "snapshot",
        ]


class FlagSerializer(serializers.ModelSerializer[Flag]):
    class Meta:
        model = Flag
        fields = ["kind", "reason", "raised_at"]


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    url = serializers.CharField(source="source.url", read_only=True)
    # A field named `source`, as the API has it, over DRF's own `source` attribute of a field.
    source = SourceStateSerializer(read_only=True)  # type: ignore[assignment]
    added_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    quote_overridden = serializers.BooleanField(read_only=True)
    quote_unverified_because = serializers.ChoiceField(
        choices=QuoteUnverifiedBecause.choices,
        allow_blank=True,
        read_only=True,
        help_text="Why the watch could not tell whether the quote is on its page; empty when it could.",
    )
    archive_url = serializers.CharField(
        read_only=True, help_text="A web archive's copy of the page from before it was cited; empty when none is known."
    )
    archive_quote_status = serializers.ChoiceField(
        choices=QuoteStatus.choices,
        allow_blank=True,
        read_only=True,
        help_text="Whether the quote is on the archived copy; empty when there is none.",
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "url",
            "stance",
            "quote",
            "note",
            "quote_status",
            "quote_page",
            "quote_unverified_because",
            "archive_url",
            "archive_captured_at",
            "archive_quote_status",
            "quote_overridden",
            "quote_override_reason",
            "source",
            "added_by",
            "added_at",
        ]
        read_only_fields = fields


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    rating: serializers.SlugRelatedField[Rating] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    assignee: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    created_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    # Blank when unknown, so not always a URI.
    appearance_url = serializers.CharField(read_only=True)
    tags = serializers.SerializerMethodField()
    flags = FlagSerializer(source="open_flags", many=True, read_only=True, help_text="Open flags.")
    evidence = EvidenceSerializer(many=True, read_only=True)
    moves = serializers.SerializerMethodField(help_text="The statuses your role may move this claim to.")

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "claimant",
            "claim_date",
            "appearance_url",
            "language",
            "tags",
            "status",
            "rating",
            "summary",
            "assignee",
            "created_by",
            "created_at",
            "updated_at",
            "first_published_at",
            "published_at",
            "version",
            "flags",
            "evidence",
            "moves",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, claim: Claim) -> list[str]:
        # Read from the prefetched tags: .names() would query again for each claim.
        return sorted(tag.name for tag in claim.tags.all())

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ClaimStatus.choices)))
    def get_moves(self, claim: Claim) -> list[str]:
        request = self.context.get("request")
        return [str(status) for status in rules.moves_for(request.user, claim)] if request else []


class HistoryChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer[Any]):
    """One line of a claim's history: an edit of the claim or of its evidence, or a move through the workflow."""

    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True, help_text="Username, or null for the background checks.")
    kind = serializers.ChoiceField(choices=["claim", "evidence", "transition"])
    type = serializers.ChoiceField(choices=["created", "changed", "deleted", "transition"])
    object_id = serializers.IntegerField()
    changes = HistoryChangeSerializer(many=True)
    from_status = serializers.CharField(allow_null=True)
    to_status = serializers.CharField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)


# --- Input -------------------------------------------------------------------------------------


class BoundedListField(serializers.ListField):
    """A list whose length is checked before its items: DRF checks `max_length` after validating every item, so
    700,000 items held a worker for seconds before the answer said "at most 50"."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class SlugField(serializers.SlugRelatedField[Any]):
    """A row named by a slug or a username; text PostgreSQL cannot hold (NUL) is refused before the lookup."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ClaimInputSerializer(StrictInput):
    """What a person types about a claim. Status, version, flags and dates belong to the services."""

    text = serializers.CharField(max_length=10_000, trim_whitespace=True)
    claimant = serializers.CharField(max_length=200)
    claim_date = serializers.DateField(required=False, allow_null=True)
    appearance_url = serializers.URLField(max_length=MAX_URL_LENGTH, required=False, allow_blank=True)
    language = serializers.CharField(max_length=2, required=False, validators=[language_code_validator])
    tags = BoundedListField(child=serializers.CharField(max_length=100), max_length=50, required=False)
    rating = SlugField(
        slug_field="slug",
        queryset=Rating.objects.all(),
        required=False,
        allow_null=True,
        help_text="A rating's slug (GET /api/v1/ratings/).",
    )
    summary = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    assignee = SlugField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Username of the person working on the claim.",
    )


class ClaimUpdateInputSerializer(ClaimInputSerializer):
    """An edit of a claim; on a published fact-check, what readers see changes only with a note for them."""

    change_kind = serializers.ChoiceField(
        choices=ChangeKind.choices,
        required=False,
        help_text="Published fact-checks: what kind of change readers will read about.",
    )
    change_note = serializers.CharField(
        max_length=5_000,
        required=False,
        allow_blank=True,
        help_text="Published fact-checks: the note for readers, listed with its date on the public page. Needed to "
        "change the text, claimant, claim date, appearance, language or summary; the rating changes only through a "
        "reopening (409 `reopen_to_change_verdict`).",
    )


class TransitionInputSerializer(StrictInput):
    to = serializers.ChoiceField(choices=ClaimStatus.choices)
    comment = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")


class EvidenceInputSerializer(StrictInput):
    url = serializers.CharField(max_length=MAX_URL_LENGTH, help_text="The page's http(s) address; normalized.")
    stance = serializers.ChoiceField(choices=Stance.choices)
    quote = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class EvidenceUpdateSerializer(StrictInput):
    url = serializers.CharField(max_length=MAX_URL_LENGTH, required=False)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    quote = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    quote_override_reason = serializers.CharField(
        max_length=5_000, required=False, help_text="Editors: why the quote holds although the checker cannot find it."
    )


# --- The desk's figures (claims/stats.py) -----------------------------------------------------


class WeekHealthSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(help_text="The week's Monday, in the desk's time zone.")
    published = serializers.IntegerField(
        allow_null=True, help_text="Fact-checks published on the week's last recorded day; null if none was recorded."
    )
    healthy = serializers.IntegerField(allow_null=True, help_text="Of those, the ones with no open flag.")
    share = serializers.FloatField(allow_null=True, help_text="healthy / published, from 0 to 1; null without any.")


class WeekFlagsSerializer(serializers.Serializer[Any]):
    week = serializers.DateField(help_text="The week's Monday, in the desk's time zone.")
    raised = serializers.IntegerField()
    cleared = serializers.IntegerField()


class MonthVerdictsSerializer(serializers.Serializer[Any]):
    month = serializers.DateField(help_text="The month's first day.")
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Fact-checks first published that month, by their verdict's slug today (verdicts with none omitted).",
    )


class StatsSerializer(serializers.Serializer[Any]):
    time_zone = serializers.CharField(help_text="The desk's time zone, in which weeks and months begin.")
    health = WeekHealthSerializer(many=True)
    flags = WeekFlagsSerializer(many=True)
    verdicts = MonthVerdictsSerializer(many=True)
    sources = serializers.DictField(child=serializers.IntegerField(), help_text="How many sources are in each state.")
