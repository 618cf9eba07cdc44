"""Pages of results: `page` and `page_size`, never more than 100 rows at once, and a count that says whether it is
exact (claims/pagination.py: exact up to 1,000 rows, PostgreSQL's estimate beyond)."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from claims.pagination import COUNT_EXACT_UP_TO, EstimatedCountPaginator


class DeskPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_estimate": getattr(paginator, "count_is_estimate", False),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Exact up to {COUNT_EXACT_UP_TO:,} results; beyond, the database's estimate (count_is_estimate)."
        )
        described["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "Whether `count` is an estimate. Follow `next` to read every page: it never depends on it.",
        }
        described["required"] = [*described.get("required", []), "count_is_estimate"]
        return described
