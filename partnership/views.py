"""Public pages: thin views over QuerySets and FilterSets.

Lists: queryset → FilterSet → paginate → render. A bad parameter (unknown slug, bad
date, bad page, overlong query) answers 400 with the reason and no rows, never a 500.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import cached_property

from . import pictures, search, selectors, thesaurus, versions
from .cache import cached, cached_page, cached_record_page
from .filters import AgreementFilter, MeetingFilter, OfficialFilter, OrganisationFilter, PressReleaseFilter
from .kinds import CHOICES, KINDS
from .models import CooperationArea
from .pagination import beyond_the_last_page

PER_PAGE = 25
SEARCH_PER_KIND = 50
# Pages stop here: a deeper OFFSET costs in proportion to its depth.
MAX_PAGES = 40


class BoundedPaginator(Paginator):
    """Offers at most MAX_PAGES pages; with a cache key, its count and page keys come from the cache."""

    def __init__(self, *args, count_key: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key:
            return cached(self.count_key, lambda: Paginator.count.func(self))
        return super().count

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    @property
    def truncated(self) -> bool:
        return Paginator.num_pages.func(self) > MAX_PAGES

    def page(self, number):
        """With a cache key, any page costs what the first does: the keys of every offered page are
        read once per query (one LIMIT, no deep OFFSET) and cached until an editor saves."""
        if not self.count_key:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = cached(
            f"keys:{self.count_key}",
            lambda: list(self.object_list.values_list("pk", flat=True)[: MAX_PAGES * self.per_page]),
        )
        shown = keys[bottom : bottom + self.per_page]
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=shown)}
        return self._get_page([rows[pk] for pk in shown if pk in rows], number, self)


def _page(request, items, per_page=PER_PAGE, count_key=""):
    """(page, error): the requested page, or why it cannot be given."""
    number = request.GET.get("page") or "1"
    if not (number.isascii() and number.isdigit() and int(number) >= 1):
        return None, "The page number must be a whole number, 1 or more."
    paginator = BoundedPaginator(items, per_page, count_key=count_key)
    try:
        return paginator.page(number), None
    except (EmptyPage, PageNotAnInteger):
        if paginator.truncated and int(number) > MAX_PAGES:
            advice = beyond_the_last_page(request.GET.get("sort", ""))
            return None, f"Pages stop at {MAX_PAGES}: {advice} to reach the rest."
        return None, f"There is no such page: the last page is {paginator.num_pages}."


def _filter_errors(filterset) -> list[str]:
    return [
        f"{filterset.filters[name].label or name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
    ]


def _list(request, *, template, filterset, facets=False, per_page=PER_PAGE, **context):
    """Render a filtered, paginated list; 400 with the reasons when a parameter is bad."""
    errors = []
    page = None
    if filterset.is_valid():
        # Counts and facets are cached per query until an editor saves (partnership/cache.py).
        key = f"{type(filterset).__name__}:{filterset.query_string}"
        page, page_error = _page(request, filterset.qs, per_page, count_key=f"count:{key}")
        if page_error:
            errors.append(page_error)
    else:
        errors = _filter_errors(filterset)
    context.update(
        filterset=filterset,
        page_obj=page,
        object_list=page.object_list if page else [],
        errors=errors,
        chips=filterset.chips() if not errors else [],
    )
    if facets and not errors:
        context["facets"], context["year_chart"] = cached(
            f"facets:{key}", lambda: (filterset.facets(), pictures.year_chart(filterset))
        )
    return render(request, template, context, status=400 if errors else 200)


@cached_page
def home(request):
    context = {
        # Exact counts and the area tree, cached until an editor saves (partnership/cache.py).
        "counts": cached("home:counts", selectors.home_counts),
        "meetings": selectors.meetings()[:5],
        "area_tree": cached("home:area-tree", lambda: list(CooperationArea.objects.public().tree())),
    }
    return render(request, "partnership/home.html", context)


@cached_page
def meeting_list(request):
    return _list(
        request,
        template="partnership/meeting_list.html",
        filterset=MeetingFilter(request.GET, queryset=selectors.meetings()),
        facets=True,
    )


def _record_page(request, template: str, context: dict):
    """Render a record's page; `depends_on` (the version keys it draws from) goes on the response
    for cached_record_page."""
    depends_on = context.pop("depends_on")
    response = render(request, template, context)
    response.depends_on = depends_on
    return response


@cached_record_page
def meeting_detail(request, slug):
    return _record_page(request, "partnership/meeting_detail.html", selectors.meeting_page(slug))


@cached_page
def official_list(request):
    return _list(
        request,
        template="partnership/official_list.html",
        filterset=OfficialFilter(request.GET, queryset=selectors.officials()),
    )


def _met_with(context: dict, meeting_ids, **record) -> None:
    """Who the record met most often, into context, and their versions into its dependencies."""
    context["met_with"] = pictures.met_with(**record, meeting_ids=meeting_ids)
    kinds = {"People": "official", "Organisations": "organisation"}
    context["depends_on"] |= {
        versions.key(kinds[heading], row["pk"]) for heading, rows in context["met_with"] for row in rows
    }


@cached_record_page
def official_detail(request, slug):
    context = selectors.official_page(slug)
    official = context["official"]
    ids = context.pop("meeting_ids")
    context.update(
        year_chart=pictures.year_chart(pictures.record_meetings(official=official.slug), meeting_ids=ids),
        career=pictures.career(official, context["posts"], meeting_ids=ids),
    )
    _met_with(context, ids, official=official)
    return _record_page(request, "partnership/official_detail.html", context)


@cached_page
def organisation_list(request):
    return _list(
        request,
        template="partnership/organisation_list.html",
        filterset=OrganisationFilter(request.GET, queryset=selectors.organisations()),
    )


@cached_record_page
def organisation_detail(request, slug):
    context = selectors.organisation_page(slug)
    organisation = context["organisation"]
    ids = context.pop("meeting_ids")
    context["year_chart"] = pictures.year_chart(
        pictures.record_meetings(organisation=organisation.slug), meeting_ids=ids
    )
    _met_with(context, ids, organisation=organisation)
    return _record_page(request, "partnership/organisation_detail.html", context)


@cached_page
def area_list(request):
    return render(request, "partnership/area_list.html", {"area_tree": thesaurus.area_tree()})


@cached_page
def area_vocabulary(request, extension):
    """The areas as a SKOS vocabulary (Turtle or JSON-LD), for other thesauri and tools."""
    body, content_type = thesaurus.skos_export(request.build_absolute_uri("/"), extension)
    return HttpResponse(body, content_type=content_type)


@cached_record_page
def area_detail(request, slug):
    context = selectors.area_page(slug)
    context["year_chart"] = pictures.year_chart(pictures.record_meetings(area=context["area"].slug))
    return _record_page(request, "partnership/area_detail.html", context)


@cached_page
def agreement_list(request):
    return _list(
        request,
        template="partnership/agreement_list.html",
        filterset=AgreementFilter(request.GET, queryset=selectors.agreements_with_counts().order_by("title")),
    )


@cached_record_page
def agreement_detail(request, slug):
    return _record_page(request, "partnership/agreement_detail.html", selectors.agreement_page(slug))


@cached_page
def release_list(request):
    return _list(
        request,
        template="partnership/release_list.html",
        filterset=PressReleaseFilter(request.GET, queryset=selectors.releases()),
    )


@cached_record_page
def release_detail(request, slug):
    release = get_object_or_404(selectors.releases(), slug=slug)
    response = release_page(request, release)
    response.depends_on = selectors.release_dependencies(release)
    return response


def release_page(request, release, *, preview: bool = False):
    """A release's public page; `preview` marks a draft shown to staff from the admin (never cached),
    with every record derived from it, as it will look once published."""
    context = {"preview": preview, "release": release, **selectors.release_facts(release, public=not preview)}
    return render(request, "partnership/release_detail.html", context)


@cached_page
def search_page(request):
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    errors = []
    if len(query) > search.MAX_QUERY_LENGTH:
        errors.append(f"Search words: at most {search.MAX_QUERY_LENGTH} characters, please (this was {len(query)}).")
    if kind and kind not in KINDS:
        errors.append(f"Kind: there is no kind of record called “{kind[:40]}”.")
    results, page = search.Results([], []), None
    if not errors and query.strip():
        results = search.search(query, kinds=[kind] if kind else None, per_kind=SEARCH_PER_KIND)
        page, page_error = _page(request, results.hits)
        if page_error:
            errors.append(page_error)
    context = {
        "query": query if not errors else query[: search.MAX_QUERY_LENGTH],
        "kind": kind,
        "kinds": CHOICES,
        "errors": errors,
        "page_obj": page,
        "hits": page.object_list if page else [],
        "results": results,
        "search_query": urlencode({"q": query, **({"kind": kind} if kind else {})}),
    }
    return render(request, "partnership/search.html", context, status=400 if errors else 200)


def suggest(request):
    """Search-as-you-type for the record filters: up to 10 {value: slug, label} as JSON."""
    query, kind = request.GET.get("q", ""), request.GET.get("kind", "")
    if kind not in KINDS or len(query) > search.MAX_QUERY_LENGTH:
        return JsonResponse(
            {"error": "Give kind (one of: " + ", ".join(KINDS) + ") and q (200 characters at most)."}, status=400
        )
    record_kind = KINDS[kind]
    records = search.ranked(record_kind.model.objects.public(), query)[:10] if query.strip() else []
    return JsonResponse({"results": [{"value": r.slug, "label": record_kind.title(r)} for r in records]})


def baseline(request):
    """The benchmark's ceiling: the full middleware stack, no database, no template."""
    return HttpResponse("ok\n", content_type="text/plain")


def _picture_page(request, *, template, build):
    """A picture of the filtered meetings (same filters as /meetings/); 400 with the reasons when one is bad."""
    filterset = MeetingFilter(request.GET, queryset=selectors.meetings())
    if not filterset.is_valid():
        return render(request, template, {"filterset": filterset, "errors": _filter_errors(filterset)}, status=400)
    key = f"{template}:{filterset.query_string}"
    context = {
        "filterset": filterset,
        "errors": [],
        "chips": filterset.chips(),
        **cached(key, lambda: build(filterset)),
    }
    return render(request, template, context)


@cached_page
def meeting_network(request):
    def build(filterset):
        network, people = pictures.network(filterset)
        return {"network": network, "people": people, "cap": pictures.NETWORK_MAX_NODES}

    return _picture_page(request, template="partnership/meeting_network.html", build=build)


@cached_page
def meeting_map(request):
    return _picture_page(
        request,
        template="partnership/meeting_map.html",
        build=lambda filterset: {"map": pictures.meeting_map(filterset)},
    )


@cached_page
def about(request):
    context = {
        "counts": cached("home:counts", selectors.home_counts),
        "licence_name": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
    }
    return render(request, "partnership/about.html", context)
