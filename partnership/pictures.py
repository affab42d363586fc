"""What the pictures show: a few aggregate queries over any set of public meetings.

Each function issues a fixed number of queries, whatever the number of meetings, and returns the
geometry of partnership/charts.py ready for a template. Counts are grouped in the database, but for
a record's page and a small filtered list (at most 20,000 meetings), which read their meetings'
dates with the ids and count years, and pillars against those years, in Python: each such count
in the database probed every meeting again.
"""

import datetime
from collections import Counter
from collections.abc import Iterable
from urllib.parse import urlencode

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, Count, F, IntegerField, Value, When
from django.db.models.functions import ExtractYear
from django.http import QueryDict

from . import charts, facets
from .cache import cached
from .compiled import Compiled
from .dates import span_end
from .models import CooperationArea, Meeting, MeetingArea, MeetingOrganisation, Participation, route_url, subtree

# The network page draws at most this many people, the busiest in the filtered meetings,
# and the strongest links among them: beyond that a force layout is a hairball.
NETWORK_MAX_NODES = 150
NETWORK_MAX_EDGES = 600
MET_WITH_LIMIT = 10
# A record page's pictures read its meetings from a list of ids up to this many (the planner
# then starts from them, in milliseconds); beyond it, from a subquery.
RECORD_IDS_MAX = 20_000


def meetings_url(**params) -> str:
    """/meetings/ filtered by params (lists repeat a parameter), with no empty parameter: as a
    QueryDict would encode them, without building one (an official's career draws one per year)."""
    pairs = [
        (key, str(v))
        for key, value in params.items()
        for v in (value if isinstance(value, list | tuple) else [value])
        if v not in (None, "")
    ]
    query = urlencode(pairs)
    return route_url("partnership:meeting-list") + (f"?{query}" if query else "")


def _with(filterset, **changes) -> str:
    """The list URL of filterset's current filters with changes (a list adds values, a string sets one)."""
    active = filterset._query_data()
    replaced = {"page": []}
    for key, value in changes.items():
        if isinstance(value, list):
            values = active.getlist(key)
            replaced[key] = [*values, *(v for v in value if v not in values)]
        else:
            replaced[key] = [value]
    query = filterset.query_changed(replaced)
    return route_url("partnership:meeting-list") + (f"?{query}" if query else "")


def _pillars() -> list[tuple[int, str, str, set[int]]]:
    """The pillars (top-level areas): (pk, slug, name, ids of the pillar and every area below it)."""

    def compute():
        rows = list(CooperationArea.objects.public().values_list("pk", "slug", "name", "parent_id").order_by("name"))
        children = CooperationArea.objects.children_map()
        return [(pk, slug, name, subtree(children, [pk])) for pk, slug, name, parent in rows if parent is None]

    # Which areas are public, and the tree, change with the records' generation: a meeting link that
    # attests an area still waiting for its release is not a meeting write (scopes.is_meeting_write).
    return cached("pictures:pillars", compute, records=True)


def per_year(meetings) -> dict[int, int]:
    return dict(_per_year_rows(meetings))


def _per_year_rows(meetings):
    return meetings.order_by().annotate(y=ExtractYear("date")).values("y").annotate(n=Count("pk")).values_list("y", "n")


def per_year_and_pillar(meetings, pillars, meeting_ids=None, *, current=None) -> dict[int, dict[int, int]]:
    """{pillar pk: {year: meetings that discussed the pillar or an area below it}} in one query."""
    if not pillars:
        return {}
    among = facets.among(meeting_ids, meetings.db) if meeting_ids is not None else meetings.order_by().values("pk")
    links = facets.public_links(MeetingArea, meetings.db, current=current)
    return _by_pillar(_pillar_rows(links, among, [(pk, ids) for pk, _slug, _name, ids in pillars]))


def _pillar_rows(links, among, pillars):
    """links' (pillar, year, meetings) among the meetings; pillars: (pk, ids of its subtree)."""
    pillar_of = Case(*[When(area_id__in=ids, then=Value(pk)) for pk, ids in pillars], output_field=IntegerField())
    return (
        links.filter(meeting__in=among)
        .annotate(pillar=pillar_of, y=ExtractYear("meeting__date"))
        .values("pillar", "y")
        .annotate(n=Count("meeting_id", distinct=True))
        .values_list("pillar", "y", "n")
    )


def _by_pillar(rows) -> dict[int, dict[int, int]]:
    found: dict[int, dict[int, int]] = {}
    for pillar, year, count in rows:
        if pillar is not None:
            found.setdefault(pillar, {})[year] = count
    return found


def year_chart(filterset, *, split_by_pillar: bool = True, counts=None) -> charts.YearChart | None:
    """Meetings per year for a valid MeetingFilter; each bar links to that year's filtered list.

    With several pillars in the result, a band per pillar follows the total (one meeting may
    discuss several pillars, so the bands are side by side, not stacked). `counts`, when given,
    are the filter's meetings' counts already at hand (a record page's: record_counts).
    """
    # The unfiltered list and one area's list read counts kept on write (partnership/facets.py).
    stored = counts if counts is not None else filterset.stored_counts()
    if stored is None:
        stored = filterset.result_counts()  # its ids' counts, compiled once per process
    meetings = filterset.result_meetings() if stored is None else None
    totals = stored.per_year() if stored is not None else per_year(meetings)
    series = []
    if split_by_pillar and totals:
        pillars = _pillars()
        if stored is not None:
            by_pillar = stored.per_year_and_pillar(pk for pk, *_ in pillars)
        else:
            by_pillar = per_year_and_pillar(meetings, pillars)
        if len(by_pillar) > 1:
            series = [
                (name, by_pillar[pk], lambda year, slug=slug: _with(filterset, area=[slug], year=str(year)))
                for pk, slug, name, _ids in pillars
                if pk in by_pillar
            ]
    return charts.year_chart(totals, url_for_year=lambda year: _with(filterset, year=str(year)), series=series)


def record_meetings(**params):
    """The MeetingFilter of /meetings/?params (e.g. official=<slug>), for a record page's pictures."""
    from .filters import MeetingFilter

    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    filterset = MeetingFilter(data, queryset=Meeting.objects.public())
    filterset.is_valid()
    return filterset


def record_meeting_dates(link_model, record) -> tuple:
    """The public meetings of a record's public links (link_model: e.g. Participation for an
    official), for its page's pictures: (their ids, {id: date}) when there are at most
    RECORD_IDS_MAX, else (a subquery of their ids, None). The dates come with the ids: a page's
    latest meetings and its meetings per year are read from them, not by probing each meeting again."""
    current, field = facets.flags_current(), facets.LINKS[link_model]
    rows = _RECORD_MEETINGS(record.pk, key=(current, link_model, field))
    if len(rows) <= RECORD_IDS_MAX:
        dates = dict(rows)  # a record linked to a meeting twice has it once
        return list(dates), dates
    links = facets.public_links(link_model, current=current).filter(**{field: record})
    return links.order_by().values("meeting_id"), None


# Read to one past the most a list of ids carries.
_RECORD_MEETINGS = Compiled(
    lambda pk, current, link_model, field: (
        facets.public_links(link_model, current=current)
        .filter(**{f"{field}_id": pk})
        .order_by()
        .values_list("meeting_id", "meeting__date")[: RECORD_IDS_MAX + 1]
    )
)


class MeetingCounts:
    """What a record page counts over its public meetings (record_meeting_dates), grouped over them;
    the meetings per year read once for the chart and the career."""

    over_every_meeting = False  # whether the counts read every public meeting's (cache.cached_for_record)

    def __init__(
        self, meeting_ids, using: str = DEFAULT_DB_ALIAS, *, current: bool | None = None, dates: dict | None = None
    ) -> None:
        self.meeting_ids = meeting_ids
        self.using = using
        self.meetings = facets.meetings_among(meeting_ids, using)
        # {meeting id: date} when the caller read them with the ids: the years are counted from them,
        # where each count probed every meeting again.
        self.dates = dates
        self._years = None if dates is None else dict(Counter(day.year for day in dates.values()))
        self._current = current  # facets.flags_current(), read once when not given

    @property
    def current(self) -> bool:
        if self._current is None:
            self._current = facets.flags_current(self.using)
        return self._current

    def per_year(self) -> dict[int, int]:
        if self._years is None:
            if isinstance(self.meeting_ids, list):
                self._years = dict(_PER_YEAR(self.meeting_ids, key=(self.using,), using=self.using))
            else:
                self._years = per_year(self.meetings)
        return self._years

    def per_year_and_pillar(self, pillar_pks: Iterable[int]) -> dict[int, dict[int, int]]:
        wanted = set(pillar_pks)
        pillars = [p for p in _pillars() if p[0] in wanted]
        if not pillars or not isinstance(self.meeting_ids, list):
            return per_year_and_pillar(self.meetings, pillars, self.meeting_ids, current=self.current)
        if self.dates is not None:
            return self._per_year_and_pillar_by_dates(pillars)
        # The pillars and their subtrees are constants of the query: one compiled query per tree.
        subtrees = tuple((pk, tuple(sorted(ids))) for pk, _slug, _name, ids in pillars)
        key = (self.using, self.current, subtrees)
        return _by_pillar(_PILLAR_YEARS(self.meeting_ids, key=key, using=self.using))

    def _per_year_and_pillar_by_dates(self, pillars) -> dict[int, dict[int, int]]:
        """per_year_and_pillar() from the meetings' area links alone, their years from self.dates."""
        pillar_of = {area: pk for pk, _slug, _name, ids in pillars for area in ids}
        links = _AREA_LINKS(self.meeting_ids, key=(self.using, self.current), using=self.using)
        discussed = {(pillar_of[area], meeting) for meeting, area in links if area in pillar_of}
        found: dict[int, dict[int, int]] = {}
        for pillar, meeting in discussed:
            years = found.setdefault(pillar, {})
            year = self.dates[meeting].year
            years[year] = years.get(year, 0) + 1
        return found

    def linked(self, model, field: str, *, leave_out: int | None = None) -> list[dict]:
        """The MET_WITH_LIMIT records most often linked to the meetings by model (a meeting link whose
        record is `field`), but leave_out: {pk, slug, name, count}, the most first, ties by name."""
        if isinstance(self.meeting_ids, list):
            key = (self.using, self.current, model, field)
            if leave_out is None:
                return _LINKED(self.meeting_ids, key=key, using=self.using)
            return _LINKED_BUT(self.meeting_ids, leave_out, key=key, using=self.using)
        links = facets.public_links(model, self.using, current=self.current)
        return list(_linked_rows(links, field, facets.among(self.meeting_ids, self.using), leave_out))


def _linked_rows(links, field: str, among, leave_out):
    links = links.filter(meeting__in=among)
    if leave_out is not None:
        links = links.exclude(**{f"{field}_id": leave_out})
    rows = links.values(pk=F(f"{field}_id"), slug=F(f"{field}__slug"), name=F(f"{field}__name"))
    return rows.annotate(count=Count("meeting_id")).order_by("-count", "name")[:MET_WITH_LIMIT]


# A record page's counts over its meetings, asked the same way for every official and organisation:
# compiled once per process, the meetings' ids one array parameter (partnership/compiled.py). Building
# and compiling them took about a quarter of an official's first render.
_PER_YEAR = Compiled(lambda ids, using: _per_year_rows(facets.meetings_among(ids, using)), arrays=(0,))
_PILLAR_YEARS = Compiled(
    lambda ids, using, current, subtrees: _pillar_rows(
        facets.public_links(MeetingArea, using, current=current), facets.among(ids, using), subtrees
    ),
    arrays=(0,),
)
_AREA_LINKS = Compiled(
    lambda ids, using, current: (
        facets.public_links(MeetingArea, using, current=current)
        .filter(meeting__in=facets.among(ids, using))
        .order_by()
        .values_list("meeting_id", "area_id")
    ),
    arrays=(0,),
)
_LINKED = Compiled(
    lambda ids, using, current, model, field: _linked_rows(
        facets.public_links(model, using, current=current), field, facets.among(ids, using), None
    ),
    arrays=(0,),
)
_LINKED_BUT = Compiled(
    lambda ids, leave_out, using, current, model, field: _linked_rows(
        facets.public_links(model, using, current=current), field, facets.among(ids, using), leave_out
    ),
    arrays=(0,),
)


class MeetingCountsLess:
    """MeetingCounts read from facets.StoredCountsLess: every public meeting but `less.without`."""

    over_every_meeting = True

    def __init__(self, less: facets.StoredCountsLess):
        self.less = less

    def per_year(self) -> dict[int, int]:
        return self.less.per_year()

    def per_year_and_pillar(self, pillar_pks: Iterable[int]) -> dict[int, dict[int, int]]:
        return self.less.per_year_and_pillar(pillar_pks)

    def linked(self, model, field: str, *, leave_out: int | None = None) -> list[dict]:
        record = model._meta.get_field(field).related_model
        rows = self.less.top(field, record, "name", MET_WITH_LIMIT, ties="name", leave_out=leave_out)
        return [dict(zip(("pk", "slug", "name", "count"), row, strict=True)) for row in rows]


def record_counts(
    link_model, record, meeting_ids, using: str = DEFAULT_DB_ALIAS, *, dates: dict | None = None
) -> MeetingCounts | MeetingCountsLess:
    """What a record's page counts over its public meetings (meeting_ids and dates: record_meeting_dates).

    A record at most public meetings (ASEAN and the UN are at nearly every one) is counted as every
    public meeting's counts kept on write less those of the few meetings without it: grouping the
    UN's 196,000 meetings' links took 1.4 s of its page's first render at 200,000 meetings. Any
    other record, or while the counts are not kept, has its own meetings grouped.
    """
    maintained = facets.maintained(using)
    without = facets.without_record(link_model, record, using) if maintained else None
    if without is None:
        # The flags are current where the counts are kept; elsewhere the counts read them once.
        return MeetingCounts(meeting_ids, using, current=True if maintained else None, dates=dates)
    # Its meetings per year come with the kept counts it reads anyway, not from the dates.
    return MeetingCountsLess(facets.StoredCountsLess(without, using))


def career(
    official, posts, *, today: datetime.date | None = None, meetings_per_year: dict[int, int] | None = None
) -> charts.Timeline | None:
    """An official's posts as spans, with their public meetings per year as marks (one query beside
    posts, none when the counts per year are given)."""
    today = today or datetime.date.today()
    if meetings_per_year is None:
        meeting_ids = Participation.objects.public().filter(official=official).values("meeting_id")
        meetings_per_year = per_year(Meeting.objects.filter(pk__in=meeting_ids))
    rows = []
    for post in posts:
        rows.append(
            {
                "label": f"{post.title}, {post.organisation.acronym or post.organisation.name}",
                "url": post.organisation.get_absolute_url(),
                "start": post.start_date,
                "start_end": span_end(post.start_date, post.start_precision) if post.start_date else None,
                "end": post.end_date,
                "end_end": span_end(post.end_date, post.end_precision) if post.end_date else None,
                "start_text": post.start_display if post.start_date else "start not recorded",
                "end_text": post.end_display if post.end_date else "end not recorded",
            }
        )
    rows.sort(key=lambda row: (row["start"] or datetime.date.min, row["label"]))
    return charts.timeline(
        rows,
        meetings_per_year,
        url_for_year=lambda year: meetings_url(official=official.slug, year=year),
        today=today,
    )


def met_with(
    *, official=None, organisation=None, counts: MeetingCounts | MeetingCountsLess
) -> list[tuple[str, list[dict]]]:
    """Who an official or an organisation met most often: people and organisations at the same public
    meetings (`counts`, over the record's meetings: record_counts), with the count and a link to the
    meetings in common."""
    if official is not None:
        own = {"official": official.slug}
        people = counts.linked(Participation, "official", leave_out=official.pk)
        organisations = counts.linked(MeetingOrganisation, "organisation")
    else:
        own = {"organisation": organisation.slug}
        people = counts.linked(Participation, "official")
        organisations = counts.linked(MeetingOrganisation, "organisation", leave_out=organisation.pk)

    def link(kind, slug):
        values = {**own}
        values[kind] = [values[kind], slug] if kind in values else slug
        return meetings_url(**values)

    groups = [("People", "official", people), ("Organisations", "organisation", organisations)]
    return [(heading, [{**row, "url": link(kind, row["slug"])} for row in rows]) for heading, kind, rows in groups]


def network(filterset) -> tuple[charts.Network, int]:
    """Who met whom in the filtered meetings: (the laid-out network, how many people there were in all)."""
    ids = filterset.qs.order_by().values("pk")
    attended = Participation.objects.public().filter(meeting__in=ids)
    busiest = list(
        attended.values("official_id", "official__slug", "official__name")
        .annotate(n=Count("meeting_id"))
        # Two people of one name and count: the first recorded, every time (the cap cuts between them).
        .order_by("-n", "official__name", "official_id")
        .values_list("official_id", "official__slug", "official__name", "n")[: NETWORK_MAX_NODES + 1]
    )
    total = attended.values("official_id").distinct().count() if len(busiest) > NETWORK_MAX_NODES else len(busiest)
    busiest = busiest[:NETWORK_MAX_NODES]
    by_id = {pk: (slug, name, count) for pk, slug, name, count in busiest}
    # One join to the meeting's other participations, and only to public ones: a draft
    # participation on a published meeting must not draw an edge.
    pairs = (
        attended.filter(official_id__in=by_id)
        .filter(
            meeting__participations__in=Participation.objects.public(),
            meeting__participations__official_id__in=list(by_id),
            official_id__lt=F("meeting__participations__official_id"),
        )
        .annotate(other=F("meeting__participations__official_id"))
        .values("official_id", "other")
        .annotate(n=Count("meeting_id"))
        .order_by("-n", "official_id", "other")
        .values_list("official_id", "other", "n")[:NETWORK_MAX_EDGES]
    )
    nodes = {slug: (name, count, _with(filterset, official=[slug])) for pk, (slug, name, count) in by_id.items()}
    edges = [
        (by_id[a][0], by_id[b][0], count, _with(filterset, official=[by_id[a][0], by_id[b][0]]))
        for a, b, count in pairs
    ]
    return charts.network(nodes, edges), total


def meeting_map(filterset) -> charts.MeetingMap:
    """The filtered meetings per city, placed by the city's coordinates (one query)."""
    rows = (
        filterset.qs.order_by()
        .filter(city_record__isnull=False)
        .values("city_record__slug", "city_record__name", "city_record__longitude", "city_record__latitude")
        .annotate(n=Count("pk"))
        .values_list("city_record__slug", "city_record__name", "city_record__longitude", "city_record__latitude", "n")
    )
    return charts.meeting_map(
        [(name, lon, lat, count, _with(filterset, city=[slug])) for slug, name, lon, lat, count in rows]
    )
