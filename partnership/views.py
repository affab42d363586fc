"""Public pages: thin views over QuerySets and FilterSets.

Lists: queryset → FilterSet → paginate → render. A bad parameter (unknown slug, bad
date, bad page, overlong query) answers 400 with the reason and no rows, never a 500.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from . import lists, pictures, search, selectors, thesaurus, versions
from .cache import FACTS_GENERATION_KEY, cached, cached_list_page, cached_page, cached_record_page, shared_page
from .filters import AgreementFilter, MeetingFilter, OfficialFilter, OrganisationFilter, PressReleaseFilter
from .kinds import CHOICES, KINDS
from .models import CooperationArea
from .pagination import MAX_PAGES, BoundedPaginator, beyond_the_last_page

PER_PAGE = 25
SEARCH_PER_KIND = 50


def _page_number(request) -> tuple[int, str]:
    number = request.GET.get("page") or "1"
    if not (number.isascii() and number.isdigit() and int(number) >= 1):
        return 0, "The page number must be a whole number, 1 or more."
    return int(number), ""


def _page(request, items, per_page=PER_PAGE, **paging):
    """(page, error): the requested page, or why it cannot be given."""
    number, error = _page_number(request)
    if error:
        return None, error
    paginator = BoundedPaginator(items, per_page, **paging)
    try:
        return paginator.page(number), None
    except (EmptyPage, PageNotAnInteger):
        if paginator.truncated and number > MAX_PAGES:
            advice = beyond_the_last_page(request.GET.get("sort", ""))
            return None, f"Pages stop at {MAX_PAGES}: {advice} to reach the rest."
        return None, f"There is no such page: the last page is {paginator.num_pages}."


def _filter_errors(filterset) -> list[str]:
    return [
        f"{filterset.filters[name].label or name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
    ]


def _list(request, *, template, filterset_class, queryset, rows, parts=lists.FILTERED_LIST, **context):
    """Render a filtered, paginated list; 400 with the reasons when a parameter is bad.

    The sidebar, the results' head, the count and the page keys come from the list's cached Listing
    (partnership/lists.py); only the shown rows are read and rendered on each request.
    """

    def make_filterset():
        return filterset_class(request.GET, queryset=queryset())

    errors, page, filterset = [], None, None
    try:
        listed = lists.listing(request, filterset_class, make_filterset, parts, PER_PAGE)
    except lists.InvalidFilters as invalid:
        filterset = invalid.filterset
        errors = _filter_errors(filterset)
    else:
        more_keys = lists.more_keys(request, filterset_class, make_filterset, parts)
        page, page_error = _page(request, listed.keys, count=listed.count, rows=rows, more_keys=more_keys)
        if page_error:
            errors.append(page_error)
    if errors:
        filterset = filterset or make_filterset()
        sidebar, summary = lists.error_parts(request, filterset, parts, errors)
    else:
        # The templates read the active filters (page links, canonical address) from the Listing.
        filterset, sidebar, summary = listed, listed.sidebar, listed.summary
    context.update(
        filterset=filterset,
        page_obj=page,
        object_list=page.object_list if page else [],
        errors=errors,
        sidebar=sidebar,
        summary=summary,
    )
    response = render(request, template, context, status=400 if errors else 200)
    if not errors:
        # For cached_list_page: the parts' keys and the versions of the records shown as rows.
        response.depends_on = {*listed.depends_on, *versions.keys(page.object_list)}
    return response


@cached_record_page
def home(request):
    """Kept as a record page is: while the facts and the latest meetings shown are unchanged."""
    latest = list(selectors.meetings()[:5])
    context = {
        "counts": selectors.home_counts(),
        "meetings": latest,
        # The tree without counts: which areas are public changes only with the records (cache.py).
        "area_tree": cached(
            "home:area-tree-html",
            lambda: render_to_string("includes/area_tree.html", {"nodes": CooperationArea.objects.public().tree()}),
            records=True,
        ),
    }
    return _record_page(
        request, "partnership/home.html", {**context, "depends_on": {FACTS_GENERATION_KEY, *versions.keys(latest)}}
    )


@cached_list_page
def meeting_list(request):
    return _list(
        request,
        template="partnership/meeting_list.html",
        filterset_class=MeetingFilter,
        queryset=selectors.meetings,
        rows=lists.meeting_rows,
        parts=lists.MEETING_LIST,
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


@shared_page
def official_list(request):
    return _list(
        request,
        template="partnership/official_list.html",
        filterset_class=OfficialFilter,
        queryset=selectors.officials,
        rows=lists.official_rows,
    )


@cached_record_page
def official_detail(request, slug):
    return _record_page(request, "partnership/official_detail.html", selectors.official_page(slug))


@shared_page
def organisation_list(request):
    return _list(
        request,
        template="partnership/organisation_list.html",
        filterset_class=OrganisationFilter,
        queryset=selectors.organisations,
        rows=lists.organisation_rows,
    )


@cached_record_page
def organisation_detail(request, slug):
    return _record_page(request, "partnership/organisation_detail.html", selectors.organisation_page(slug))


@shared_page
def area_list(request):
    # The tree with its counts, rendered once until an editor saves: counting reads every area link.
    tree = cached(
        "areas:tree-html",
        lambda: render_to_string("includes/area_tree.html", {"nodes": thesaurus.area_tree(), "counts": True}),
        facts=True,
    )
    return render(request, "partnership/area_list.html", {"area_tree": tree})


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


@shared_page
def agreement_list(request):
    return _list(
        request,
        template="partnership/agreement_list.html",
        filterset_class=AgreementFilter,
        queryset=lambda: selectors.agreements_with_counts().order_by("title"),
        rows=lists.agreement_rows,
    )


@cached_record_page
def agreement_detail(request, slug):
    return _record_page(request, "partnership/agreement_detail.html", selectors.agreement_page(slug))


@shared_page
def release_list(request):
    return _list(
        request,
        template="partnership/release_list.html",
        filterset_class=PressReleaseFilter,
        queryset=selectors.releases,
        rows=lists.release_rows,
    )


@cached_record_page
def release_detail(request, slug):
    release = selectors.release_page(slug)
    response = release_page(request, release)
    response.depends_on = selectors.release_dependencies(release)
    return response


def release_page(request, release, *, preview: bool = False):
    """A release's public page; `preview` marks a draft shown to staff from the admin (never cached),
    with every record derived from it, as it will look once published."""
    context = {"preview": preview, "release": release, **selectors.release_facts(release, public=not preview)}
    return render(request, "partnership/release_detail.html", context)


@shared_page
def search_page(request):
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    errors = []
    if len(query) > search.MAX_QUERY_LENGTH:
        errors.append(f"Search words: at most {search.MAX_QUERY_LENGTH} characters, please (this was {len(query)}).")
    if kind and kind not in KINDS:
        errors.append(f"Kind: there is no kind of record called “{kind[:40]}”.")
    results, page = search.Results([], []), None
    number, page_error = _page_number(request)
    if not errors and query.strip():
        if not page_error:
            # Ranked, counted and cut once per page until an editor saves (at most MAX_PAGES pages
            # kept per query); the page number is checked against the hit count on every request.
            shown = search.cached_results_page(
                query,
                kinds=[kind] if kind else None,
                per_kind=SEARCH_PER_KIND,
                number=min(number, MAX_PAGES),
                per_page=PER_PAGE,
            )
            results, hits = shown.results, range(shown.count)
        else:
            hits = []  # _page() says why this page number cannot be given
        page, page_error = _page(request, hits)
        if page is not None:
            page.object_list = shown.hits
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
        **cached(key, lambda: build(filterset), facts=True),
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
        "counts": selectors.home_counts(),
        "licence_name": settings.DATA_LICENCE_NAME,
        "licence_url": settings.DATA_LICENCE_URL,
    }
    return render(request, "partnership/about.html", context)
