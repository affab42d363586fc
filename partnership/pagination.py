"""Paging without deep OFFSETs or COUNT(*) on every request: at 200,000 meetings a count took 150 ms
and OFFSET 975 six times what page 1 costs."""

from collections.abc import Callable, Iterable

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Below this many rows an exact count is cheap enough to run every time.
EXACT_COUNT_LIMIT = 10_000
# Reads one page's records by their keys.
Rows = Callable[[list], Iterable]
# Lists stop here: a deeper OFFSET costs in proportion to its depth.
MAX_PAGES = 40


class BoundedPaginator(Paginator):
    """Offers at most MAX_PAGES pages.

    Given `count` (every matching row, counted once), the object list is the keys of the offered
    pages in their order (or of the first ones, with `more_keys` to read a deeper page's) and
    `rows(keys)` reads one page's records by key: any page costs what the first does, one query by
    primary key, whatever the filters and however deep the page.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        count: int | None = None,
        rows: Rows | None = None,
        more_keys: Callable[[int, int], list] | None = None,
    ):
        super().__init__(object_list, per_page)
        self.total = count
        self.rows = rows
        # Reads the keys of a page past those in object_list (the keys of the first pages only).
        self.more_keys = more_keys

    @cached_property
    def count(self) -> int:
        return super().count if self.total is None else self.total

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    @property
    def truncated(self) -> bool:
        return Paginator.num_pages.func(self) > MAX_PAGES

    def page(self, number):
        if self.rows is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        shown = self.object_list[bottom : bottom + self.per_page]
        if not shown and self.more_keys is not None and bottom < self.count:
            shown = self.more_keys(bottom, self.per_page)
        found = {row.pk: row for row in self.rows(shown)} if shown else {}
        return self._get_page([found[pk] for pk in shown if pk in found], number, self)


def table_estimate(model, using: str = "default") -> int | None:
    """PostgreSQL's estimate of a table's rows (kept by ANALYZE and autovacuum), or None elsewhere."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return row[0] if row and row[0] >= 0 else None


class EstimatedCountPaginator(Paginator):
    """A paginator that, for a whole large table, uses the planner's row estimate instead of COUNT(*).

    Filtered lists and small tables are counted exactly. Only for screens where an estimate is acceptable
    unlabelled (the editors' changelist, whose total is shown as the table's size).
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if hasattr(queryset, "query") and not queryset.query.where:
            estimate = table_estimate(queryset.model, queryset.db)
            if estimate is not None and estimate > EXACT_COUNT_LIMIT:
                return estimate
        return super().count


def beyond_the_last_page(sort: str) -> str:
    """What a reader can do to reach rows past the last page offered, for the order they chose."""
    if sort in ("", "-date"):
        return "narrow the filters, or sort oldest first,"
    if sort == "date":
        return "narrow the filters, or sort newest first,"
    return "narrow the filters"
