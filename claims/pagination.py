"""Pages of long lists without counting every row: the API's lists, the admin's claim list and the public pages.

Counting 100,000 claims, or the 27,000 a common word finds, on every page view cost more than reading the page.
The count is exact up to COUNT_EXACT_UP_TO rows; beyond, it is PostgreSQL's estimate of the query's rows (its
planner's, read with EXPLAIN: no row is read) and says so. A page reads one row more than it shows to know whether
another page follows, so no row is ever out of reach, whatever the estimate says.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.sql import Query
from django.db.models.sql.datastructures import BaseTable, Join
from django.db.models.sql.where import WhereNode

Counted = TypeVar("Counted", bound=Model)

# Up to this many rows, a list's count is exact.
COUNT_EXACT_UP_TO = 1000
# No list is read past this row (PostgreSQL's OFFSET is a bigint; no list of the desk comes near).
MAX_OFFSET = 2**62


class EstimatedCountPaginator(Paginator[Any]):
    """Django's Paginator with a count that costs at most COUNT_EXACT_UP_TO rows read, and pages that do not depend
    on it. Orphans are not supported (none of the desk's lists uses them)."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        """The count, and whether it is an estimate."""
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return len(rows), False
        capped = capped_count(rows, COUNT_EXACT_UP_TO)
        if capped <= COUNT_EXACT_UP_TO:
            return capped, False
        return max(COUNT_EXACT_UP_TO + 1, rows_estimate(rows.order_by())), True

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_estimate(self) -> bool:
        return self._counted[1]

    def get_page(self, number: Any) -> Page[Any]:
        """The page, or the first one when `number` is not a page (a reader's edited URL), or the last one when it
        is past the end and the count is exact (Django's Paginator does the same)."""
        try:
            return self.page(number)
        except PageNotAnInteger:
            return self.page(1)
        except EmptyPage:
            return self.page(1 if self.count_is_estimate else max(1, self.num_pages))

    def validate_number(self, number: Any) -> int:
        """A whole number from 1: whether the page has rows is known when it is read (page())."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            whole = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from error
        if whole < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return whole

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if number > 1 and bottom > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        if number == 1 and len(rows) <= self.per_page and "_counted" not in self.__dict__:
            # The whole list fits on its first page: that is its count, with no query to make it.
            self.__dict__["_counted"] = (len(rows), False)
        return ReadAheadPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class ReadAheadPage(Page[Any]):
    """A page that knows whether another follows from the row it read ahead, not from the count."""

    def __init__(self, object_list: Sequence[Any], number: int, paginator: Paginator[Any], *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self)


@dataclass(frozen=True)
class _Counted:
    """A capped count, kept on the query it counted (Query.clone copies it to the querysets made from it)."""

    limit: int
    count: int
    where: WhereNode
    tables: frozenset[str]


# The attribute of a Query that holds its _Counted.
_COUNTED = "capped_count"


def capped_count(rows: QuerySet[Any, Any], limit: int) -> int:
    """How many rows there are, counting no further than `limit` + 1: more than `limit` says "more".

    Not counted again when `rows` were made from a queryset of counted_rows() and hold the same rows (see there).
    """
    counted: _Counted | None = getattr(rows.query, _COUNTED, None)
    if counted is not None and counted.limit == limit and _same_rows(rows.query, counted):
        return counted.count
    # Neither the order nor the columns change a count: without them, PostgreSQL neither ranks nor sorts the rows
    # it counts.
    return rows.order_by().values("pk")[: limit + 1].count()


def counted_rows(rows: QuerySet[Counted], limit: int) -> tuple[QuerySet[Counted], int]:
    """The capped count of `rows`, and a copy of them that keeps it for capped_count() of the querysets made from it
    that hold the same rows: the search counts its matches to choose their order, and the page of them would count
    the same rows again (5 ms of a 40 ms search).

    The same rows: the same filters, no slice, no DISTINCT, no set operation or grouping, and no join but to one
    row (a foreign key, followed to show a column); anything else is counted anew. The count lives as long as the
    copy and what is made from it, within the request that made it: `rows` itself is left as it was.
    """
    count = capped_count(rows, limit)
    kept = rows.all()
    if _plain(kept.query):
        setattr(kept.query, _COUNTED, _Counted(limit, count, kept.query.where, frozenset(kept.query.alias_map)))
    return kept, count


def _plain(query: Query) -> bool:
    return not (query.is_sliced or query.distinct or query.combinator or query.group_by is not None)


def _same_rows(query: Query, counted: _Counted) -> bool:
    """Does `query` hold the rows `counted` counted (see counted_rows)?"""
    if not _plain(query) or query.where != counted.where:
        return False
    # The query's own table (a query just made names it once compiled), and joins to one row.
    added = (query.alias_map[alias] for alias in query.alias_map.keys() - counted.tables)
    return all(
        isinstance(table, BaseTable) or (isinstance(table, Join) and _to_one(table.join_field)) for table in added
    )


def _to_one(field: Any) -> bool:
    """A join along a foreign key or a one-to-one relation: one row at most for each row joined from."""
    return bool(getattr(field, "many_to_one", False) or getattr(field, "one_to_one", False))


def rows_estimate(rows: QuerySet[Any, Any]) -> int:
    """PostgreSQL's planner's estimate of how many rows the query returns; elsewhere (SQLite, the zero-setup run),
    the exact count."""
    connection = connections[rows.db]
    if connection.vendor != "postgresql":
        return rows.count()
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone() or ([],)
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"]) if plan else 0
