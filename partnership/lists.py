"""A list page's parts that depend only on its filters, built once per generation of the data.

For a list URL, everything but the shown rows and the page links is a function of the filter
parameters and the data: whether the parameters are valid, the active filters as a query string,
how many records match, the keys of the offered pages, and the HTML of the sidebar (filter form,
facets, record pickers) and of the results' head (chips, picture links, year chart). A `Listing`
holds them, cached under the generation (partnership/cache.py), so a list rendered again reads
one cached value and the page's rows by key, and renders the rows and the page around them only.
Bad parameters are never cached: they are validated on every request and answer 400.

Each list's rows come from one lean query by key (`*_rows`): the columns its row template shows,
and prefetches of the names it links to, through `public()`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from . import pictures, scopes
from .cache import FACTS_GENERATION_KEY, GENERATION_KEY, RECORDS_GENERATION_KEY, cached, cached_in_scope
from .compiled import Compiled
from .models import Agreement, Meeting, MeetingAgreement, Official, Organisation, Post, PressRelease
from .pagination import MAX_PAGES

SIDEBAR = "includes/list_sidebar.html"
SUMMARY = "includes/list_summary.html"


class InvalidFilters(Exception):
    """The parameters do not name a list (an unknown slug, a bad date): the page answers 400.

    It carries the bound FilterSet, whose errors say why."""

    @property
    def filterset(self):
        return self.args[0]


@dataclass
class Listing:
    """What a list shows for one set of filters, whatever the page: cached until an editor saves."""

    query_string: str  # the active filters (a name given for a record written as its slug), without the page
    count: int
    keys: list  # primary keys of the first offered pages' rows (KEPT_PAGES, or all of them), in order
    sidebar: SafeString
    summary: SafeString
    # What the parts stay valid by, for a page cached by versions (cache.cached_list_page): the
    # cache keys of a generation, and of a scope token when there is one.
    depends_on: tuple = ()


@dataclass
class Parts:
    """How one list builds its parts."""

    sidebar: str = SIDEBAR
    summary: str = SUMMARY
    facets: bool = False  # facet counts and the year chart (the meetings list)
    scoped: bool = False  # kept while the scope token of its filters is unchanged (partnership/scopes.py)


FILTERED_LIST = Parts()
MEETING_LIST = Parts(
    sidebar="includes/meeting_sidebar.html", summary="includes/meeting_summary.html", facets=True, scoped=True
)


def filter_key(filterset_class, data) -> str:
    """The filter parameters as given, in the FilterSet's order, empty ones left out (as the FilterSet
    reads them): other parameters (the page, unknown ones) do not change what a list holds, and
    neither does the order they were written in."""
    return urlencode(
        [(name, value) for name in filterset_class.base_filters for value in data.getlist(name) if value.strip()]
    )


# The keys of a list's first pages are read with its other parts; a deeper page's only when it is
# asked for, and then kept as the parts are. Walking an area's meetings by date to the 40th page
# took 100-150 ms of a first render at 200,000 meetings, for pages few readers open.
KEPT_PAGES = 5


def listing(request, filterset_class, make_filterset: Callable, parts: Parts, per_page: int) -> Listing:
    """The list's Listing for these filters, from the cache or built; InvalidFilters when a parameter is bad.

    The FilterSet is made only to build it: binding one copies every filter, a cost a cached list skips.
    """
    key = _listing_key(request, filterset_class)
    return _kept(
        request,
        key,
        make_filterset,
        parts,
        lambda filterset, depends_on: _build(request, filterset, parts, per_page, depends_on),
    )


def more_keys(request, filterset_class, make_filterset: Callable, parts: Parts) -> Callable[[int, int], list]:
    """For the paginator: the keys of `size` rows from `bottom`, past those the Listing holds, kept
    in the cache exactly as the Listing is (the same generation or scope token)."""

    def read(bottom: int, size: int) -> list:
        key = f"{_listing_key(request, filterset_class)}:keys:{bottom}:{size}"
        return _kept(
            request,
            key,
            make_filterset,
            parts,
            lambda filterset, _depends_on: _keys(filterset, bottom, size),
        )

    return read


def _keys(filterset, bottom: int, size: int) -> list:
    """The keys of `size` rows from `bottom`: kept on write for an area's meetings, else read in the list's order."""
    kept = filterset.kept_keys(size, bottom) if hasattr(filterset, "kept_keys") else None
    if kept is not None:
        return kept
    return list(_in_stable_order(filterset.qs).values_list("pk", flat=True)[bottom : bottom + size])


def _in_stable_order(queryset: QuerySet) -> QuerySet:
    """queryset in its order, then by primary key: rows tied on a name keep one order in every query,
    so the first pages' keys and a deeper page's (read by two queries) never repeat or skip a row."""
    order = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    if any(str(field).lstrip("-") in ("pk", "id") for field in order):
        return queryset
    return queryset.order_by(*order, "pk")


def _listing_key(request, filterset_class) -> str:
    return f"list:{request.path}:{filterset_class.__name__}:{filter_key(filterset_class, request.GET)}"


def _kept(request, key: str, make_filterset: Callable, parts: Parts, build: Callable):
    """build(valid filterset, depends_on), cached for as long as a list's parts stay true: until any
    save when the rows are sorted by text, while the scope token of its filters is unchanged for a
    scoped list (partnership/scopes.py), else until a save of a fact."""
    if _sorted_by_text(request):
        return cached(key, lambda: build(_valid(make_filterset()), (GENERATION_KEY,)))
    if parts.scoped:
        return cached_in_scope(key, lambda: _build_in_scope(make_filterset(), build))
    return cached(key, lambda: build(_valid(make_filterset()), (FACTS_GENERATION_KEY,)), facts=True)


def _valid(filterset):
    if not filterset.is_valid():
        raise InvalidFilters(filterset)
    return filterset


def _build_in_scope(filterset, build: Callable) -> tuple:
    """build()'s value, with the scope token its filters depend on, read before the data is."""
    name = scopes.of_filters(_valid(filterset))
    seen = scopes.seen(name)
    return build(filterset, (RECORDS_GENERATION_KEY, name)), name, seen


def _sorted_by_text(request) -> bool:
    """Whether the rows are sorted by a field outside the lists' parts (a meeting's title): then
    the order of the page keys changes with every save, not only with the facts."""
    return any(field in value for value in request.GET.getlist("sort") for field in Meeting.outside_list_parts)


def _build(request, filterset, parts: Parts, per_page: int, depends_on: tuple) -> Listing:
    _valid(filterset)
    # A meetings list may have read its result's ids once already (MeetingFilter.result_ids).
    ids = filterset.result_ids() if hasattr(filterset, "result_ids") else None
    count = _count(filterset)
    # `listed`: there are rows to show (an empty page is falsy in the templates, as it was).
    kept = KEPT_PAGES * per_page
    context = {"filterset": filterset, "errors": [], "chips": filterset.chips(), "listed": count > 0}
    if parts.facets:
        context.update(facets=filterset.facets(), year_chart=pictures.year_chart(filterset))
    return Listing(
        query_string=filterset.query_string,
        count=count,
        # Every offered page's keys when the ids are read anyway; else the first pages' (more_keys).
        keys=ids[: MAX_PAGES * per_page] if ids is not None else _keys(filterset, 0, kept),
        sidebar=render_to_string(parts.sidebar, context, request),
        summary=render_to_string(parts.summary, context, request),
        depends_on=depends_on,
    )


def _count(filterset) -> int:
    """How many rows the list has: as a meetings list knows it (kept on write, or its ids read),
    else counted. A list whose count and keys are kept on write never builds its QuerySet (about
    1 ms of an area's list in one year)."""
    known = filterset.known_total() if hasattr(filterset, "known_total") else None
    return filterset.qs.count() if known is None else known


def error_parts(request, filterset, parts: Parts, errors: list[str]) -> tuple[SafeString, SafeString]:
    """The sidebar and the results' head beside an error: the form as sent, no facets, no chips."""
    filterset.is_valid()
    context = {"filterset": filterset, "errors": errors, "chips": [], "listed": False}
    return render_to_string(parts.sidebar, context, request), render_to_string(parts.summary, context, request)


# -- each list's rows, read by key ------------------------------------------------------------


def _by_key(queryset: QuerySet, url_name: str) -> Callable[[list], list]:
    """Rows of queryset by key, each with `url`, its page's address.

    The address is what reverse() gives, built from one reverse() per page instead of one per row
    (a tenth of a millisecond each): the slug converter admits only characters needing no quoting.
    The read is compiled once per process and number of keys (partnership/compiled.py): compiling
    it took about as long as the rest of a rendered list's reads.
    """
    by_keys = Compiled(lambda keys: queryset.filter(pk__in=keys).order_by())

    def rows(keys: list) -> list:
        before, _, after = reverse(url_name, kwargs={"slug": "slug"}).rpartition("slug")
        found = by_keys(list(keys))
        for row in found:
            row.url = f"{before}{row.slug}{after}"
        return found

    return rows


# A meeting's row: its title and link, date with its precision, place.
meeting_rows = _by_key(
    Meeting.objects.only("slug", "title", "date", "date_precision", "venue", "city"), "partnership:meeting-detail"
)
# An official's row: the name and the public posts held, each post's title and organisation's name.
official_rows = _by_key(
    Official.objects.only("slug", "name").prefetch_related(
        Prefetch(
            "posts",
            queryset=Post.objects.public()
            .select_related("organisation")
            .only("official_id", "title", "start_date", "organisation__name", "organisation__acronym"),
            to_attr="public_posts",
        )
    ),
    "partnership:official-detail",
)
# An organisation's row: its name, acronym, kind and its parent's name when the public may see the parent.
organisation_rows = _by_key(
    Organisation.objects.only("slug", "name", "acronym", "kind", "parent_id").prefetch_related(
        Prefetch("parent", queryset=Organisation.objects.public().only("name"))
    ),
    "partnership:organisation-detail",
)
# An agreement's row counts the public meetings that referred to it: one count per shown row.
agreement_rows = _by_key(
    Agreement.objects.only("slug", "title", "kind", "status", "signed_date", "signed_precision").annotate(
        meeting_count=Coalesce(
            Subquery(
                MeetingAgreement.objects.public()
                .filter(agreement=OuterRef("pk"))
                .order_by()
                .values("agreement")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    ),
    "partnership:agreement-detail",
)
# A release's row: title, publisher, dateline; not its body.
release_rows = _by_key(
    PressRelease.objects.select_related("publisher").only(
        "slug", "title", "dateline_place", "date", "publisher__name", "publisher__acronym"
    ),
    "partnership:release-detail",
)
