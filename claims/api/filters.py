"""Filters of the API's lists (django-filter): claims by status, rating, flag, language, assignee and full text."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.constants import EMPTY_VALUES

from claims import selectors
from claims.models import Claim, ClaimStatus, FlagKind, Rating, Source, SourceState


class StableOrderingFilter(django_filters.OrderingFilter):
    """The order asked for, then the id: rows that tie never move between pages, and `?ordering=,` keeps an order."""

    def filter(self, queryset: QuerySet[Any], value: list[str] | None) -> QuerySet[Any]:
        ordering = [self.get_ordering_value(param) for param in (value or []) if param not in EMPTY_VALUES]
        return queryset.order_by(*ordering, "-id") if ordering else queryset


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices)
    rating = django_filters.ModelChoiceFilter(
        queryset=Rating.objects.all(), to_field_name="slug", help_text="A rating's slug."
    )
    flag = django_filters.ChoiceFilter(
        choices=FlagKind.choices, method="filter_flag", help_text="Claims with this flag open."
    )
    language = django_filters.CharFilter(max_length=2, help_text="ISO 639-1 code, such as fr or en.")
    # A name, not a choice among the users: an unknown name finds no claim, as a real one with none does, so that
    # the filter does not tell which usernames exist.
    assignee = django_filters.CharFilter(field_name="assignee__username", max_length=150, help_text="Username.")
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text=(
            "Full text in the claim's language, accents ignored, tolerant of typos; best matches first when the words "
            "find up to 1,000 claims, newest first beyond."
        ),
    )
    # Declared after q: an explicit ordering replaces the search's best-first order.
    ordering = StableOrderingFilter(
        fields=["created_at", "updated_at", "claim_date", "published_at", "id"],
        help_text="Sort by a field; prefix with - for descending.",
    )

    class Meta:
        model = Claim
        fields = ["status", "rating", "flag", "language", "assignee", "q", "ordering"]

    def filter_flag(self, claims: QuerySet[Claim], name: str, kind: str) -> QuerySet[Claim]:
        return selectors.claims_with_open_flag(claims, kind)

    def filter_q(self, claims: QuerySet[Claim], name: str, query: str) -> QuerySet[Claim]:
        return selectors.claims_search(claims, query)


class SourceFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=SourceState.choices)
    host = django_filters.CharFilter(max_length=255)

    class Meta:
        model = Source
        fields = ["state", "host"]
