"""Facet counts kept on write, so the first /meetings/ after a save reads them instead of grouping every link.

Two halves, so that what is public is still decided in one place (decision 0015):

- Python keeps an `is_public` flag on each meeting and meeting link equal to membership of the
  model's `public()` QuerySet. The `sync_*` functions recompute it, with `public()` itself, for
  what a write can change (the signals below: a link saved or deleted, a meeting saved, a release
  published or unpublished, a record's `first_seen` changed or a fact attesting it written).
- PostgreSQL triggers (migrations 0013, 0015, 0016) only add the flagged rows up into FacetCount:
  per facet value over all public meetings (scope 0), within each area's subtree (scope = the
  area's pk), each year (year_scope), and each area's subtree in each year (area_year_scope) and
  of each kind (area_kind_scope).

`QuerySet.update()`, raw SQL and COPY send no signal: after them, call `rebuild()` (or
`manage.py facet_counts --rebuild`); `differences()` compares the tables with the GROUP BY.

Reads (`stored_counts`) serve the unfiltered list and a list filtered by exactly one area, one
year, or one area and one year or kind, on PostgreSQL, unless a bulk load left the counts stale
(FacetStale). A list filtered by one official or organisation at most public meetings (ASEAN, the
UN), alone or with one of those filters, reads those counts less what the few meetings without
it contribute to them (`StoredCountsLess`), as its page does. SQLite, and every other
combination of filters, count by GROUP BY over the current result.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from functools import cached_property

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from .compiled import Compiled
from .models import (
    Agreement,
    AreaClosure,
    CooperationArea,
    FacetCount,
    FacetRoot,
    FacetStale,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingOrganisation,
    Official,
    Organisation,
    Participation,
    PressRelease,
    Sourced,
    attestations,
    subtree,
)

# Each meeting link and the record field it counts.
LINKS = {
    Participation: "official",
    MeetingOrganisation: "organisation",
    MeetingArea: "area",
    MeetingAgreement: "agreement",
}
LINK_OF_RECORD = {
    Official: Participation,
    Organisation: MeetingOrganisation,
    CooperationArea: MeetingArea,
    Agreement: MeetingAgreement,
}
TRIGGERS_SETTING = "partnership.facet_triggers"

# Scopes below zero are years (minus the year); from minus YEARS down, an area's year,
# -(area pk × YEARS + year); from minus AREA_KINDS down, an area's kind, -(AREA_KINDS + area pk
# × 100 + the kind's number). Migrations 0016 and 0017 write the same numbers in SQL, where
# partnership_kind_number() gives KIND_NUMBERS (a kind without a number is not kept: its
# lists group their own result).
YEARS = 10_000
AREA_KINDS = 10**15
KIND_NUMBERS = {"bilateral": 1, "summit": 2, "ministerial": 3, "working_level": 4, "conference": 5, "other": 6}


def maintained(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the count tables hold the counts: PostgreSQL (triggers), and no bulk load since the last rebuild."""
    return connections[using].vendor == "postgresql" and flags_current(using)


def flags_current(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the kept is_public flags are the rule's answer: always, but after a bulk load until rebuilt.

    Inside flags_read_once() (every GET, partnership.middleware) the database is asked once: a
    page's parts asked up to seven times, a round trip each. The answer changes only with a bulk
    load and the rebuild after it, and a row written without its flag is hidden (is_public is
    false until set), so a request that keeps its first answer can hide a new row, never show one.
    """
    readings = _flags_readings.get()
    if readings is None:
        return not _ANY_STALE(using=using)
    if using not in readings:
        readings[using] = not _ANY_STALE(using=using)
    return readings[using]


_flags_readings: ContextVar[dict[str, bool] | None] = ContextVar("flags_readings", default=None)


@contextmanager
def flags_read_once():
    """Within the block, flags_current() asks the database once per database."""
    token = _flags_readings.set({})
    try:
        yield
    finally:
        _flags_readings.reset(token)


# Asked several times by every list and record page: compiled once (partnership/compiled.py).
_ANY_STALE = Compiled(lambda: FacetStale.objects.values_list("pk", flat=True)[:1])


def public_links(model, using: str = DEFAULT_DB_ALIAS, *, current: bool | None = None):
    """model's public rows (a meeting link), for lists that group their own result.

    By the kept flag while it is current (one indexed filter the planner sizes right), by the
    rule's joins after a bulk load left the flags stale: grouping a few hundred meetings'
    links through the joins hashed every link in the table (3 s at 200,000 meetings).
    `current`: flags_current() when the caller has asked it already.
    """
    if current is None:
        current = flags_current(using)
    if not current:
        return model.objects.using(using).public()
    return model.objects.using(using).filter(is_public=True)


def among(ids, using: str = DEFAULT_DB_ALIAS):
    """A list of meeting ids as the right side of `pk__in` / `meeting__in`: on PostgreSQL one array
    parameter unnested (one parameter the planner sizes, not thousands), elsewhere the list itself.
    Anything that is not a list (a subquery) is returned as it is."""
    if isinstance(ids, list) and connections[using].vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def meetings_among(ids, using: str = DEFAULT_DB_ALIAS):
    """The meetings of ids (a list, or a subquery of ids), the list passed as among() passes it."""
    return Meeting.objects.using(using).filter(pk__in=among(ids, using))


# -- the flags: the public rule's own QuerySets decide ----------------------------------------

# More flag changes than this in one write (a release with many meetings) are counted set-based,
# with the row triggers off, instead of one trigger per row.
BULK_ROWS = 100


class Sync:
    """Collects the rows a write may have changed, then sets their flags in one pass.

    One SELECT per model finds the rows whose flag differs from `public()` (the rule's planning,
    not its execution, is what costs: the fewer statements the better); only those are written.
    """

    def __init__(self, using: str = DEFAULT_DB_ALIAS):
        self.using = using
        self.scopes: dict[type, list[Q]] = {}
        self.flipped: dict[type, dict[int, bool]] = {}

    def rows(self, model, scope: Q) -> Sync:
        self.scopes.setdefault(model, []).append(scope)
        return self

    def meetings(self, ids) -> Sync:
        """Meetings and every link of theirs (a link hangs on its meeting)."""
        self.rows(Meeting, Q(pk__in=ids))
        for model in LINKS:
            self.rows(model, Q(meeting_id__in=ids))
        return self

    def records(self, model, ids) -> Sync:
        """The meeting links naming these records (a record's own public state may have changed)."""
        link = LINK_OF_RECORD.get(model)
        ids = list(ids)  # evaluated here: an empty list adds no query (a subquery could cost a scan)
        return self.rows(link, Q(**{f"{LINKS[link]}_id__in": ids})) if link is not None and ids else self

    def releases(self, ids) -> Sync:
        """What publishing or unpublishing releases can change: their meetings, the facts they source,
        and the records they first showed or attest (only records with a first release can change)."""
        ids = list(ids)
        self.meetings(Meeting.objects.using(self.using).filter(source_id__in=ids).values("pk"))
        for model in LINKS:
            self.rows(model, Q(source_id__in=ids))
        for model in LINK_OF_RECORD:
            self.records(model, _records_depending_on(model, ids, self.using))
        return self

    def run(self) -> Sync:
        changed: dict[type, list[tuple[int, int, bool]]] = {}
        for model, scopes in self.scopes.items():
            manager = model._default_manager.db_manager(self.using)
            should = Exists(manager.public().filter(pk=OuterRef("pk")))
            meeting = "pk" if model is Meeting else "meeting_id"
            found = {}
            # One query per scope, not their OR: each scope has its index (pk, meeting, source, record).
            for scope in scopes:
                rows = (
                    manager.filter(scope)
                    .alias(should=should)
                    .filter(Q(is_public=True, should=False) | Q(is_public=False, should=True))
                    .order_by()
                    .values_list("pk", meeting, "is_public")
                )
                found.update((row[0], row) for row in rows)
            changed[model] = list(found.values())
        _apply(changed, self.using)
        self.flipped = {model: {pk: not was for pk, _, was in rows} for model, rows in changed.items()}
        return self

    def flag_of(self, instance) -> bool:
        """The flag of a saved instance after run() (so a later save of the instance writes the right value)."""
        return self.flipped.get(type(instance), {}).get(instance.pk, instance.is_public)


def _apply(changed: dict[type, list[tuple[int, int, bool]]], using: str) -> None:
    total = sum(len(rows) for rows in changed.values())
    if not total:
        return
    bulk = connections[using].vendor == "postgresql" and total > BULK_ROWS
    meetings = sorted({meeting for rows in changed.values() for _, meeting, _ in rows})
    with recounting(meetings, using) if bulk else nullcontext():
        for model, rows in changed.items():
            manager = model._default_manager.db_manager(using)
            for value in (True, False):
                pks = [pk for pk, _, was in rows if was is not value]
                for start in range(0, len(pks), 10000):
                    manager.filter(pk__in=pks[start : start + 10000]).update(is_public=value)


@contextmanager
def recounting(meetings: list[int], using: str):
    """Count these meetings again, set-based and with the row triggers off, around a change to them
    (their flags) or to what they are counted by (the area tree): their contributions and subtrees
    are taken out before the block and put back after it, as the data then is. PostgreSQL only."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {TRIGGERS_SETTING} = 'off'")
            cursor.execute(CONTRIBUTIONS_SQL.format(sign="-"), {"meetings": meetings})
            cursor.execute("DELETE FROM partnership_facetroot WHERE meeting_id = ANY(%s)", [meetings])
        yield
        with connection.cursor() as cursor:
            cursor.execute(ROOTS_SQL + " AND l.meeting_id = ANY(%s) GROUP BY 1, 2, 4, 5", [meetings])
            cursor.execute(CONTRIBUTIONS_SQL.format(sign=""), {"meetings": meetings})
            cursor.execute(f"SET LOCAL {TRIGGERS_SETTING} = 'on'")


# Every list a meeting is in, with the items it contributes there (the migrations' triggers add the
# same, row by row); {among} narrows it to some meetings.
SCOPED_ITEMS_SQL = """
    SELECT 0::bigint AS scope, i.facet, i.key FROM partnership_facetitem i WHERE {among}
    UNION ALL
    SELECT r.root_id, i.facet, i.key
    FROM partnership_facetitem i JOIN partnership_facetroot r ON r.meeting_id = i.meeting_id
    WHERE {among}
    UNION ALL
    SELECT -extract(year FROM m.date)::bigint, i.facet, i.key
    FROM partnership_facetitem i JOIN partnership_meeting m ON m.id = i.meeting_id
    WHERE {among}
    UNION ALL
    SELECT -(r.root_id * {years} + extract(year FROM m.date)::bigint), i.facet, i.key
    FROM partnership_facetitem i JOIN partnership_facetroot r ON r.meeting_id = i.meeting_id
    JOIN partnership_meeting m ON m.id = i.meeting_id
    WHERE {among}
    UNION ALL
    SELECT -({kinds} + r.root_id * 100 + partnership_kind_number(m.kind)), i.facet, i.key
    FROM partnership_facetitem i JOIN partnership_facetroot r ON r.meeting_id = i.meeting_id
    JOIN partnership_meeting m ON m.id = i.meeting_id
    WHERE {among} AND partnership_kind_number(m.kind) IS NOT NULL
"""


def _scoped_items(among: str) -> str:
    return SCOPED_ITEMS_SQL.format(among=among, years=YEARS, kinds=AREA_KINDS)


# What the meetings in %(meetings)s contribute to every list they are in, added (sign "") or taken away ("-").
CONTRIBUTIONS_SQL = """
INSERT INTO partnership_facetcount AS c (scope, facet, key, n)
SELECT scope, facet, key, {{sign}}count(*) FROM ({items}) items GROUP BY 1, 2, 3
ON CONFLICT (scope, facet, key) DO UPDATE SET n = c.n + EXCLUDED.n
""".format(items=_scoped_items("i.meeting_id = ANY(%(meetings)s)"))
# With each meeting's date and kind, as the trigger on FacetRoot would copy them row by row.
ROOTS_SQL = """
INSERT INTO partnership_facetroot (meeting_id, root_id, links, date, kind)
SELECT l.meeting_id, c.ancestor_id, count(*), m.date, m.kind
FROM partnership_meetingarea l JOIN partnership_areaclosure c ON c.area_id = l.area_id
JOIN partnership_meeting m ON m.id = l.meeting_id
WHERE l.is_public"""


def sync_meetings(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    Sync(using).meetings(list(ids)).run()


def sync_records(model, ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    Sync(using).records(model, list(ids)).run()


def sync_releases(ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    Sync(using).releases(ids).run()


def _records_depending_on(model, releases: list[int], using: str) -> list[int]:
    first_seen = model.first_seen_field
    if first_seen is None:
        return []
    named = Q(**{f"{first_seen}_id__in": releases})
    for related, field, _published in attestations(model):
        rows = related._default_manager.using(using)
        rows = rows.filter(pk__in=releases) if related is PressRelease else rows.filter(source_id__in=releases)
        named |= Q(pk__in=rows.values(field))
    records = model._default_manager.using(using).filter(named, **{f"{first_seen}__isnull": False})
    return list(records.values_list("pk", flat=True))


# -- the counts ---------------------------------------------------------------------------------


def refresh_closure(using: str = DEFAULT_DB_ALIAS) -> bool:
    """AreaClosure as the area tree is now (every area, not only public ones: the area filter's subtree).

    Returns whether it changed."""
    children = CooperationArea.objects.using(using).children_map()
    pairs = {(pk, root) for pks in children.values() for root in pks for pk in subtree(children, [root])}
    rows = AreaClosure.objects.using(using)
    if set(rows.values_list("area_id", "ancestor_id")) == pairs:
        return False
    with connections[using].cursor() as cursor:  # no per-row delete signals (each would invalidate the cache)
        cursor.execute(f"DELETE FROM {AreaClosure._meta.db_table}")
    rows.bulk_create([AreaClosure(area_id=area, ancestor_id=ancestor) for area, ancestor in sorted(pairs)])
    return True


def rebuild(using: str = DEFAULT_DB_ALIAS) -> None:
    """Every flag from the public rule, and (on PostgreSQL) every count from the flags, in one transaction.

    Writers wait for it (their triggers would add to counts being rebuilt); readers do not.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        postgres = connection.vendor == "postgresql"
        if postgres:
            tables = ", ".join(model._meta.db_table for model in [Meeting, *LINKS, CooperationArea])
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(f"SET LOCAL {TRIGGERS_SETTING} = 'off'")
        for model in [Meeting, *LINKS]:
            manager = model._default_manager.db_manager(using)
            public = Exists(manager.public().filter(pk=OuterRef("pk")))
            manager.filter(is_public=False).filter(public).update(is_public=True)
            manager.filter(is_public=True).exclude(public).update(is_public=False)
        refresh_closure(using)
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute(REBUILD_SQL.format(roots=ROOTS_SQL))
                cursor.execute(f"SET LOCAL {TRIGGERS_SETTING} = 'on'")
        FacetStale.objects.using(using).all().delete()


REBUILD_SQL = """
DELETE FROM partnership_facetroot;
DELETE FROM partnership_facetcount;
{{roots}} GROUP BY 1, 2, 4, 5;
INSERT INTO partnership_facetcount (scope, facet, key, n)
    SELECT scope, facet, key, count(*) FROM ({items}) items GROUP BY 1, 2, 3;
ANALYZE partnership_facetroot, partnership_facetcount;
""".format(items=_scoped_items("true"))


def mark_stale(reason: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Say the counts no longer match the data (before a bulk load): lists group until `rebuild`."""
    FacetStale.objects.using(using).create(reason=reason[:200])


# -- reading --------------------------------------------------------------------------------------


# The facets with a row per kind, year, city, area or pillar's year: a few hundred per scope.
SMALL_FACETS = ("kind", "year", "city", "area", "pillar_year")


class StoredCounts:
    """The counts kept for one list: all public meetings (scope 0), one area's subtree (its pk),
    one year's meetings (year_scope), one area's subtree in one year (area_year_scope) or of one
    kind (area_kind_scope)."""

    # Whether a list's parts read from it depend on every meeting (scopes.of_filters).
    over_every_meeting = False

    def __init__(self, scope: int, using: str):
        self.scope = scope
        self.using = using

    @cached_property
    def _rows(self) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        for facet, key, n in self._small_counts():
            found.setdefault(facet, {})[key] = n
        return found

    def _small_counts(self) -> Iterable[tuple[str, str, int]]:
        # Every facet but the records' (which can be many), named: the index on (scope, facet) then
        # reads only their few hundred rows, not an area's ten thousand officials' (40-70 ms at 200,000).
        rows = FacetCount.objects.using(self.using).filter(scope=self.scope, facet__in=SMALL_FACETS, n__gt=0)
        return rows.values_list("facet", "key", "n")

    def counts(self, facet: str) -> dict[str, int]:
        return self._rows.get(facet, {})

    def total(self) -> int:
        return sum(self.counts("kind").values())

    def areas(self) -> dict[int, int]:
        return {int(key): n for key, n in self.counts("area").items()}

    def per_year(self) -> dict[int, int]:
        return {int(key): n for key, n in self.counts("year").items()}

    def per_year_and_pillar(self, pillars: Iterable[int]) -> dict[int, dict[int, int]]:
        wanted = set(pillars)
        found: dict[int, dict[int, int]] = {}
        for key, n in self.counts("pillar_year").items():
            pillar, year = (int(part) for part in key.split("-"))
            if pillar in wanted:
                found.setdefault(pillar, {})[year] = n
        return found

    def top(self, facet: str, model, label: str, limit: int, *, ties: str = "slug", leave_out: int | None = None):
        """(pk, slug, label, count) of the records with the most meetings but leave_out, ties by slug
        (as a list's GROUP BY orders them) or by label."""
        table = connections[self.using].ops.quote_name(model._meta.db_table)
        count, less, params = self._count_less(facet)
        params += [self.scope, facet]
        if leave_out is not None:
            params.append(leave_out)
        sql = (
            f'SELECT r.id, r.slug, r."{label}", {count} FROM partnership_facetcount c JOIN {table} r '
            f"ON r.id = c.key::bigint {less} WHERE c.scope = %s AND c.facet = %s AND {count} > 0 "
            f'{"" if leave_out is None else "AND r.id <> %s "}ORDER BY {count} DESC, r."{ties}" LIMIT %s'
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [tuple(row) for row in cursor.fetchall()]

    def _count_less(self, facet: str) -> tuple[str, str, list]:
        """top()'s count of a record (c.n, its kept count), and what to join to take from it."""
        return "c.n", "", []


class StoredCountsLess(StoredCounts):
    """The counts over every public meeting but `without` (a few public meetings' ids): those kept
    for all public meetings (scope 0) less what `without` contributes to them (the items the
    triggers count, partnership_facetitem). For a list, or a record's page, whose meetings are most
    of them: those of ASEAN or the UN, at nearly every meeting."""

    over_every_meeting = True

    def __init__(self, without: list[int], using: str, *, scope: int = 0):
        super().__init__(scope, using)
        self.without = without  # meetings of the scope, every one

    # With no meeting to take away (the UN is at every public meeting), the kept counts as they are:
    # the busiest records then come off the index in order instead of every one being sorted.

    def _small_counts(self) -> Iterable[tuple[str, str, int]]:
        if not self.without:
            return super()._small_counts()
        sql = (
            "SELECT facet, key, sum(n)::integer FROM (SELECT facet, key, n FROM partnership_facetcount "
            "WHERE scope = %s AND facet = ANY(%s) UNION ALL SELECT facet, key, -count(*) FROM partnership_facetitem "
            "WHERE meeting_id = ANY(%s) AND facet = ANY(%s) GROUP BY 1, 2) counts GROUP BY 1, 2 HAVING sum(n) > 0"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [self.scope, list(SMALL_FACETS), self.without, list(SMALL_FACETS)])
            return cursor.fetchall()

    def _count_less(self, facet: str) -> tuple[str, str, list]:
        if not self.without:
            return super()._count_less(facet)
        taken = (
            "LEFT JOIN (SELECT key, count(*) AS n FROM partnership_facetitem WHERE facet = %s "
            "AND meeting_id = ANY(%s) GROUP BY key) x ON x.key = c.key"
        )
        return "c.n - COALESCE(x.n, 0)", taken, [facet, self.without]


def without_record(link_model, record, using: str = DEFAULT_DB_ALIAS) -> list[int] | None:
    """The public meetings without record (an official, an organisation: linked by link_model), when
    it is at more than half of them and at most RECORD_IDS_MAX are without it; else None.

    Two queries: the kept counts say how many public meetings there are and how many it is at; the
    meetings without it are read with that many as the limit, so none is read when it is at every
    one (PostgreSQL's LIMIT 0 reads nothing). On the flags: call while maintained() only.
    """
    from .pictures import RECORD_IDS_MAX

    field = LINKS[link_model]
    # Two reads of the index in one query: as one condition with an OR, the plan a connection keeps
    # for its prepared statement read every record's count over all meetings (3 ms instead of 0.3).
    counts = FacetCount.objects.using(using).filter(scope=0).values_list("facet", "n")
    rows = counts.filter(facet="kind").union(counts.filter(facet=field, key=str(record.pk)), all=True)
    total = own = 0
    for facet, n in rows:
        total, own = (total + n, own) if facet == "kind" else (total, n)
    without = total - own
    if without * 2 >= total or without > RECORD_IDS_MAX:
        return None
    quote = connections[using].ops.quote_name
    link, column = quote(link_model._meta.db_table), quote(link_model._meta.get_field(field).column)
    sql = (
        f"SELECT m.id FROM {quote(Meeting._meta.db_table)} m WHERE m.is_public AND NOT EXISTS "
        f"(SELECT 1 FROM {link} l WHERE l.meeting_id = m.id AND l.{column} = %s AND l.is_public) LIMIT %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [record.pk, without])
        return [pk for (pk,) in cursor.fetchall()]


def kept_keys(filterset, size: int, offset: int = 0) -> list[int] | None:
    """The keys of `size` rows from `offset` of a MeetingFilter's list, in its order (Meeting's:
    newest first, then by key), when the list is one area's, alone, in one year or of one kind, and
    FacetRoot is kept: read from one range of its index, where the rule's joins matched the area's
    meetings against every meeting of the year or kind. None for any other list or order."""
    using = filterset.queryset.db
    if not filterset.is_valid() or filterset._query_data().getlist("sort") not in ([], ["-date"]):
        return None
    found = area_list(filterset)
    if found is None or not maintained(using):
        return None
    area, year, kind = found
    where, params = ["root_id = %s"], [area.pk]
    if year is not None:
        where.append("date BETWEEN %s AND %s")
        params += [datetime.date(year, 1, 1), datetime.date(year, 12, 31)]
    if kind is not None:
        where.append("kind = %s")
        params.append(kind)
    sql = (
        f"SELECT meeting_id FROM partnership_facetroot WHERE {' AND '.join(where)}"
        " ORDER BY date DESC, meeting_id DESC LIMIT %s OFFSET %s"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*params, size, offset])
        return [meeting for (meeting,) in cursor.fetchall()]


def in_subtree(meetings, area):
    """meetings narrowed to those with a public link to area or an area below it, as kept on write.

    The same rows as MeetingQuerySet.for_areas([area]) on public meetings (differences() checks the counts).
    """
    return meetings.filter(Exists(FacetRoot.objects.filter(meeting_id=OuterRef("pk"), root_id=area.pk)))


def year_scope(year: int) -> int:
    """The scope a year's counts are kept under: minus the year, apart from 0 and the areas' keys."""
    return -year


def area_year_scope(area_pk: int, year: int) -> int:
    """The scope of an area's subtree in one year: below every year's scope."""
    return -(area_pk * YEARS + year)


def area_and_year(scope: int) -> tuple[int, int] | None:
    """(area pk, year) of an area_year_scope; None for any other scope."""
    return divmod(-scope, YEARS) if -AREA_KINDS < scope <= -YEARS else None


def area_kind_scope(area_pk: int, kind: str) -> int | None:
    """The scope of an area's subtree's meetings of one kind, below every area's year; None for a
    kind whose counts are not kept."""
    number = KIND_NUMBERS.get(kind)
    return None if number is None else -(AREA_KINDS + area_pk * 100 + number)


def area_and_kind(scope: int) -> tuple[int, str] | None:
    """(area pk, kind) of an area_kind_scope; None for any other scope."""
    if scope > -AREA_KINDS:
        return None
    area, number = divmod(-scope - AREA_KINDS, 100)
    return area, {n: kind for kind, n in KIND_NUMBERS.items()}.get(number, "")


def year_scopes(using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The scope of every year with a public meeting, or with counts kept (to find those left over)."""
    years = {day.year for day in Meeting.objects.using(using).public().dates("date", "year")}
    kept = FacetCount.objects.using(using).filter(scope__lt=0, scope__gt=-YEARS).values_list("scope", flat=True)
    return sorted({year_scope(year) for year in years} | set(kept.distinct()))


def area_year_scopes(areas: Iterable[int] | None = None, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The scope of every year of every area (or of these areas' pks) with a public meeting in its
    subtree, or with counts kept."""

    def of(pk, meetings):
        return {area_year_scope(pk, day.year) for day in meetings.dates("date", "year")}

    return _scopes_by_area(areas, using, of, Q(scope__lte=-YEARS, scope__gt=-AREA_KINDS), area_and_year)


def area_kind_scopes(areas: Iterable[int] | None = None, using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The scope of every kind of meeting in every area's subtree (or these areas'), or with counts kept."""

    def of(pk, meetings):
        return {area_kind_scope(pk, kind) for kind in meetings.values_list("kind", flat=True).distinct()} - {None}

    return _scopes_by_area(areas, using, of, Q(scope__lte=-AREA_KINDS), area_and_kind)


def _scopes_by_area(areas, using: str, scopes_of: Callable, kept_range: Q, decode: Callable) -> list[int]:
    """scopes_of(area pk, its subtree's public meetings) for every area (or these pks), and the kept
    scopes in kept_range of those areas (to find counts left over)."""
    area_ids = list(CooperationArea.objects.using(using).values_list("pk", flat=True)) if areas is None else areas
    scopes = set()
    for pk in area_ids:
        scopes |= scopes_of(pk, Meeting.objects.using(using).public().for_areas([pk]).order_by())
    kept = FacetCount.objects.using(using).filter(kept_range).values_list("scope", flat=True).distinct()
    scopes |= {scope for scope in kept if areas is None or decode(scope)[0] in area_ids}
    return sorted(scopes)


def scope_of(filterset) -> int | None:
    """0 for the unfiltered meeting list, an area's pk when the only filter is that one area, a year's
    scope when it is that one year, an area's year's or kind's scope when it is those two; None otherwise.

    Sorting changes no count. Call on a valid filterset only.
    """
    data = filterset._query_data()
    names = set(data) - {"sort"}
    if not names:
        return 0
    if names == {"year"} and filterset.form.cleaned_data["year"] is not None:
        return year_scope(filterset.form.cleaned_data["year"])
    found = area_list(filterset)
    if found is None:
        return None
    area, year, kind = found
    if year is not None:
        return area_year_scope(area.pk, year)
    if kind is not None:
        return area_kind_scope(area.pk, kind)
    return area.pk


def area_list(filterset) -> tuple[CooperationArea, int | None, str | None] | None:
    """(area, year, kind) when a valid MeetingFilter's list is one area's, alone (year and kind None),
    in one year or of one kind, sorting aside: the lists FacetRoot and the kept counts serve."""
    data = filterset._query_data()
    names = set(data) - {"sort"}
    if "area" not in names or len(data.getlist("area")) != 1:
        return None
    cleaned = filterset.form.cleaned_data
    areas = list(cleaned["area"] or [])
    if len(areas) != 1:
        return None
    if names == {"area"}:
        return areas[0], None, None
    if names == {"area", "year"} and cleaned["year"] is not None:
        return areas[0], cleaned["year"], None
    if names == {"area", "kind"} and len(data.getlist("kind")) == 1 and cleaned["kind"]:
        return areas[0], None, cleaned["kind"]
    return None


def stored_counts(filterset) -> StoredCounts | None:
    """The kept counts for this MeetingFilter's list, when it is one they are kept for; None to group."""
    if getattr(filterset, "count_by_group", False) or not filterset.is_valid():
        return None
    using = filterset.queryset.db
    scope = scope_of(filterset)
    if not maintained(using):
        return None
    if scope is not None:
        return StoredCounts(scope, using)
    hub = hub_filter(filterset)
    without = without_record(*hub[:2], using) if hub else None
    if without is None:
        return None
    # The meetings without the hub among those of the other filters (none: all of them).
    if hub[2] is filterset:
        return StoredCountsLess(without, using)
    rest = type(filterset)(hub[2], queryset=filterset.queryset.filter(pk__in=among(without, using)))
    scope = scope_of(rest) if rest.is_valid() else None
    if scope is None:
        return None
    return StoredCountsLess(list(rest.qs.order_by().values_list("pk", flat=True)), using, scope=scope)


def hub_filter(filterset) -> tuple | None:
    """(link model, record, the other filters) when the list is filtered by one official or one
    organisation and, besides, by nothing or what counts are kept for (an area, a year, an area's
    year or kind: scope_of); the other filters as query data, or filterset itself when none."""
    data = filterset._query_data()
    names = set(data) - {"sort"}
    for link, field in ((Participation, "official"), (MeetingOrganisation, "organisation")):
        if field not in names or len(data.getlist(field)) != 1:
            continue
        records = list(filterset.form.cleaned_data[field] or [])
        if len(records) != 1:
            return None
        if names == {field}:
            return link, records[0], filterset
        rest = data.copy()
        del rest[field]
        return (link, records[0], rest) if _kept_scope_names(set(rest) - {"sort"}, rest) else None
    return None


def _kept_scope_names(names: set[str], data) -> bool:
    """Whether these filters (names, one value each) can be a scope counts are kept for."""
    single = all(len(data.getlist(name)) == 1 for name in names)
    return single and names in ({"area"}, {"year"}, {"area", "year"}, {"area", "kind"})


# -- checking: the tables against the GROUP BY over the public rule -----------------------------


def expected_counts(scope: int, using: str = DEFAULT_DB_ALIAS) -> dict[str, dict[str, int]]:
    """What the GROUP BY over public() gives for scope (0: all public meetings; an area's subtree; a year's;
    an area's subtree in a year, or of a kind)."""
    from .filters import _subtree_counts
    from .pictures import per_year_and_pillar

    meetings = Meeting.objects.using(using).public().order_by()
    if scope > 0:
        meetings = meetings.for_areas([scope])
    elif area_and_kind(scope):
        area, kind = area_and_kind(scope)
        meetings = meetings.for_areas([area]).filter(kind=kind)
    elif area_and_year(scope):
        area, year = area_and_year(scope)
        meetings = meetings.for_areas([area]).filter(date__year=year)
    elif scope < 0:
        meetings = meetings.filter(date__year=-scope)
    found: dict[str, dict[str, int]] = {}

    def keep(facet, rows):
        found[facet] = {str(key): n for key, n in rows if n}

    keep("kind", meetings.values_list("kind").annotate(n=Count("pk")))
    keep("year", meetings.annotate(y=ExtractYear("date")).values_list("y").annotate(n=Count("pk")))
    keep("city", meetings.filter(city_record__isnull=False).values_list("city_record_id").annotate(n=Count("pk")))
    for model, field in LINKS.items():
        if model is not MeetingArea:
            rows = model.objects.using(using).public().filter(meeting__in=meetings.values("pk")).order_by()
            keep(field, rows.values_list(f"{field}_id").annotate(n=Count("meeting_id")))
    areas = CooperationArea.objects.using(using)
    subtrees = {pk: areas.descendant_ids([pk]) for pk in areas.values_list("pk", flat=True)}
    keep("area", _subtree_counts(meetings, subtrees).items() if subtrees else [])
    pillars = [(pk, "", "", subtrees[pk]) for pk in areas.filter(parent=None).values_list("pk", flat=True)]
    by_pillar = per_year_and_pillar(meetings, pillars)
    keep("pillar_year", [(f"{p}-{year}", n) for p, years in by_pillar.items() for year, n in years.items()])
    return {facet: rows for facet, rows in found.items() if rows}


def stored(scope: int, using: str = DEFAULT_DB_ALIAS) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    rows = FacetCount.objects.using(using).filter(scope=scope).exclude(n=0)
    for facet, key, n in rows.values_list("facet", "key", "n"):
        found.setdefault(facet, {})[key] = n
    return found


def differences(scopes: Iterable[int] | None = None, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Where the kept counts differ from the GROUP BY, one line each; empty when they agree.

    Scopes: 0, every area, every year, every area's year and kind unless given. Flags that public() no
    longer agrees with are reported too.
    """
    lines = []
    for model in [Meeting, *LINKS]:
        manager = model._default_manager.using(using)
        public = Exists(manager.public().filter(pk=OuterRef("pk")))
        wrong = manager.filter(is_public=True).exclude(public).count()
        wrong += manager.filter(is_public=False).filter(public).count()
        if wrong:
            lines.append(f"{model.__name__}: {wrong} rows flagged against the public rule")
    if connections[using].vendor != "postgresql":
        return lines
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM partnership_facetroot r JOIN partnership_meeting m ON m.id = r.meeting_id"
            " WHERE r.date IS DISTINCT FROM m.date OR r.kind <> m.kind"
        )
        (moved,) = cursor.fetchone()
    if moved:
        lines.append(f"FacetRoot: {moved} rows whose date or kind is not their meeting's")
    if scopes is None:
        areas = CooperationArea.objects.using(using).values_list("pk", flat=True)
        scopes = [0, *areas, *year_scopes(using), *area_year_scopes(using=using), *area_kind_scopes(using=using)]
    for scope in scopes:
        expected, kept = expected_counts(scope, using), stored(scope, using)
        for facet in sorted(set(expected) | set(kept)):
            want, have = expected.get(facet, {}), kept.get(facet, {})
            for key in sorted(set(want) | set(have)):
                if want.get(key, 0) != have.get(key, 0):
                    lines.append(f"scope {scope} {facet} {key}: kept {have.get(key, 0)}, grouped {want.get(key, 0)}")
    return lines


# -- what writes change: signals ------------------------------------------------------------------

RECORDS = tuple(LINK_OF_RECORD)


def record_fields(model) -> list[tuple[str, type]]:
    """The fields of a fact naming records whose public state can depend on it (records with a first release)."""
    found = []
    for name in getattr(model, "hangs_on", ()):
        related = model._meta.get_field(name).related_model
        if getattr(related, "first_seen_field", None) and related in LINK_OF_RECORD:
            found.append((f"{name}_id", related))
    return found


def _before_save(sender, instance, raw=False, using=None, **kwargs):
    """Remember what the row was, so the save can tell what it changed."""
    if instance.pk is None:
        instance._facets_before = None
        return
    fields = _watched(sender)
    if fields:
        instance._facets_before = sender._default_manager.using(using).filter(pk=instance.pk).values(*fields).first()


def _watched(model) -> list[str]:
    fields = [name for name, _ in record_fields(model)]
    if model in RECORDS:
        fields.append(f"{model.first_seen_field}_id")
    if model is CooperationArea:
        fields.append("parent_id")
    if model is PressRelease:
        fields += ["status", "publisher_id"]
    return fields


def _attested_records(sync: Sync, sender, instance, before) -> None:
    """A fact with its own source attests the records it names: they may have become public, or stopped."""
    for field, record_model in record_fields(sender):
        ids = {getattr(instance, field)} | ({before[field]} if before else set())
        first_seen = f"{record_model.first_seen_field}__isnull"
        records = record_model._default_manager.using(sync.using)
        named = records.filter(pk__in=[pk for pk in ids if pk is not None], **{first_seen: False})
        sync.records(record_model, named.values_list("pk", flat=True))


def _after_save(sender, instance, created=False, raw=False, using=None, **kwargs):
    sync = Sync(using or DEFAULT_DB_ALIAS)
    before = getattr(instance, "_facets_before", None)
    if sender in LINKS:
        sync.rows(sender, Q(pk=instance.pk))
    if sender is Meeting:
        # Its links hang on it: they change only if the meeting's own flag does (or a fixture loads it).
        meeting_public = Meeting.objects.using(sync.using).public().filter(pk=instance.pk).exists()
        if meeting_public != instance.is_public or raw:
            sync.meetings([instance.pk])
        else:
            sync.rows(Meeting, Q(pk=instance.pk))
    changed = before is None or any(value != getattr(instance, field) for field, value in before.items())
    if sender is PressRelease and (created or raw or changed):
        sync.releases([instance.pk])  # its meetings, facts, the records it shows or attests
        if before and before["publisher_id"] != instance.publisher_id:  # the old publisher loses an attestation
            old = Organisation.objects.using(sync.using).filter(pk=before["publisher_id"], first_seen__isnull=False)
            sync.records(Organisation, old.values_list("pk", flat=True))
    if sender is CooperationArea and (created or raw or (before and before["parent_id"] != instance.parent_id)):
        # A new area has no links yet (nor does one loaded from a fixture, whose links come later or are
        # flagged below); a moved one changes which subtrees its meetings are in.
        if created or raw or connections[sync.using].vendor != "postgresql":
            refresh_closure(sync.using)
        else:
            _area_moved(instance, before["parent_id"], sync.using)
    if sender in RECORDS:
        field = f"{sender.first_seen_field}_id"
        if raw or (before and before[field] != getattr(instance, field)):
            sync.records(sender, [instance.pk])
    if issubclass(sender, Sourced):
        _attested_records(sync, sender, instance, before)
    sync.run()
    if sender in LINKS or sender is Meeting:
        instance.is_public = sync.flag_of(instance)


def _area_moved(area, parent_before, using: str) -> None:
    """Recount the meetings under a moved area: only their subtrees changed. A pillar made a topic,
    or a topic made a pillar, changes the pillars every meeting's year chart is drawn by: then
    everything is recounted (the counts taken out would be computed with the new pillars)."""
    if parent_before is None or area.parent_id is None:
        if refresh_closure(using):
            rebuild(using)
        return
    below = CooperationArea.objects.using(using).descendant_ids([area.pk])
    links = MeetingArea.objects.using(using).filter(is_public=True, area_id__in=below)
    meetings = sorted(set(links.values_list("meeting_id", flat=True)))
    with recounting(meetings, using):
        refresh_closure(using)


def _after_delete(sender, instance, using=None, **kwargs):
    sync = Sync(using or DEFAULT_DB_ALIAS)
    if issubclass(sender, Sourced):
        _attested_records(sync, sender, instance, None)
    if sender is CooperationArea:
        refresh_closure(sync.using)
    sync.run()


def _links_changed(sender, instance, action, model, pk_set, using=None, **kwargs):
    """Meeting.participants.add() and the like write the links with bulk_create, which sends no post_save
    (a merge moves links this way): the rows of those meetings and records are flagged here."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    sync = Sync(using or DEFAULT_DB_ALIAS)
    if isinstance(instance, Meeting):
        meetings, record_model, records = [instance.pk], model, pk_set
    else:
        meetings, record_model, records = pk_set or [], type(instance), [instance.pk]
    sync.meetings(list(meetings))
    if records:
        first_seen = f"{record_model.first_seen_field}__isnull"
        ids = record_model._default_manager.using(sync.using).filter(pk__in=records, **{first_seen: False})
        sync.records(record_model, ids.values_list("pk", flat=True))
    sync.run()


def _rebuild_if_stale(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # After the migrations, with today's code: counts for data that existed before the tables did.
    # Data migrations write areas without signals, so the closure is checked here too.
    if sender.name == "partnership" and connections[using].vendor == "postgresql":
        stale = FacetStale.objects.using(using).exists()
        if refresh_closure(using) or stale:
            rebuild(using)


def _watched_models() -> list[type]:
    models = [Meeting, PressRelease, *LINKS, *RECORDS]
    models += [model for model in Sourced.__subclasses__() if model not in models and record_fields(model)]
    return list(dict.fromkeys(models))


def connect_signals() -> None:
    for model in _watched_models():
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"partnership-facets-pre-{model.__name__}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"partnership-facets-save-{model.__name__}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"partnership-facets-delete-{model.__name__}")
    for through in LINKS:
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"partnership-facets-m2m-{through.__name__}")
    post_migrate.connect(_rebuild_if_stale, dispatch_uid="partnership-facets-rebuild")
