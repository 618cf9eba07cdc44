"""Pages of results: `page` and `page_size`, never more than 100 rows at once."""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination


class DeskPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
