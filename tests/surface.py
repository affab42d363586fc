"""The public surface: every public URL and the query parameters its view reads.

One list shared by the permission matrix (tests/test_permissions.py) and the hostile-input
tests (tests/test_hostile_input.py). It is built, not typed: URLs come from their route
names through reverse(), so a route that no longer exists stops the suite at collection
instead of leaving the list shorter; a list's parameters are its FilterSet's filters, the
same declarations the pages, exports, feeds and API bind.

Each record kind in the app's registry (partnership/kinds.py) contributes the same set of
URLs (kind_urls); a kind without a sample record below stops the suite at collection.
"""

from dataclasses import dataclass

from django.urls import reverse

from partnership import filters
from partnership import kinds as registry

# Read by every API list (DRF's format override and the pagination), and by the pages' pager.
API_LIST = ["page", "page_size", "format"]
API_DETAIL = ["format"]
PAGER = ["page"]


# The app's registry of record kinds: a kind added there joins the surface (and needs a sample below).
KINDS = list(registry.KINDS.values())

# One record of each kind from the shipped fixture: the meeting and the records it links
# (the permission tests attach a draft to these, so their pages are where a leak would show).
SAMPLES = {
    "meeting": "2015-06-26-jenca-le-luong-minh",
    "official": "miroslav-jenca",
    "organisation": "united-nations",
    "area": "maritime-security",
    "agreement": "joint-declaration-on-comprehensive-partnership",
    "release": "2015-06-30-un-and-asean-to-strengthen-cooperation",
}


@dataclass(frozen=True)
class Url:
    """A public URL and the parameters its view reads."""

    path: str
    own: tuple[str, ...] = ()  # parameters read outside the FilterSet (search words, pages, format)
    filters: tuple[str, ...] = ()  # a FilterSet's filters
    # URLs with the same binding validate and apply their filters with the same code; with the same
    # own_binding, their own parameters.
    binding: str = ""
    own_binding: str = ""
    family: str = ""  # URLs of one family share one view and differ only in how rows are written (CSV, JSON)
    html: bool = False  # a page for a browser (user text in it must be escaped)

    @property
    def params(self) -> tuple[str, ...]:
        return (*self.own, *self.filters)


def url(name: str, *, own=(), filters=(), binding="", own_binding="", family="", html=False, **kwargs) -> Url:
    path = reverse(name, kwargs=kwargs or None)
    family = family or path
    return Url(path, tuple(own), tuple(filters), binding or path, own_binding or family, family, html)


def filter_names(filterset_class) -> list[str]:
    return list(filterset_class.base_filters) if filterset_class else []


def kind_urls(kind, sample: str) -> list[Url]:
    """A kind's list page, exports, API list, feed, and one record's page and API detail.

    The exports, the feed and the API bind the kind's FilterSet through one function
    (partnership.exports.bind_filters), so they share a binding; the list page binds it itself.
    Every API list pages and negotiates its format with the same viewset code.
    """
    names = filter_names(kind.filterset)
    data_out = {"filters": names, "binding": f"data-out:{kind.collection}"}
    export = {**data_out, "family": f"export:{kind.collection}", "kind": kind.collection}
    urls = [
        url(f"partnership:{kind.key}-list", own=PAGER if names else (), filters=names, html=True),
        url("partnership:export-csv", **export),
        url("partnership:export-json", **export),
        url(f"api:{kind.key}-list", own=API_LIST, own_binding="api:list", **data_out),
        url(f"partnership:{kind.key}-detail", html=True, slug=sample),
        url(f"api:{kind.key}-detail", own=API_DETAIL, own_binding="api:detail", slug=sample),
    ]
    if kind.feed:
        urls.append(url(f"partnership:feed-{kind.collection}", **data_out))
    return urls


MEETING_FILTERS = filter_names(filters.MeetingFilter)

SURFACE: list[Url] = [
    url("partnership:home", html=True),
    url("partnership:about", html=True),
    url("partnership:search", own=["q", "kind", *PAGER], html=True),
    url("partnership:suggest", own=["q", "kind"]),
    *[item for kind in KINDS for item in kind_urls(kind, SAMPLES[kind.key])],
    # Pictures of the filtered meetings: one view function draws both from the list's filters.
    url("partnership:meeting-network", filters=MEETING_FILTERS, binding="pictures", html=True),
    url("partnership:meeting-map", filters=MEETING_FILTERS, binding="pictures", html=True),
    url("partnership:area-vocabulary", family="area-vocabulary", extension="ttl"),
    url("partnership:area-vocabulary", family="area-vocabulary", extension="jsonld"),
    url("partnership:export-dataset"),
    url("api:schema", own=["format", "lang"]),
    url("api:docs", own=["script", "lang", "version"], html=True),
    url("partnership:sitemap"),
    url("partnership:robots-txt"),
]

PUBLIC: list[tuple[str, list[str]]] = [(item.path, list(item.params)) for item in SURFACE]
PUBLIC_PATHS: list[str] = [item.path for item in SURFACE]
CSV_EXPORTS: list[str] = [path for path in PUBLIC_PATHS if path.endswith(".csv")]


def first_of_each_family(urls: list[Url]) -> list[Url]:
    chosen: dict[str, Url] = {}
    for item in urls:
        chosen.setdefault(item.family, item)
    return list(chosen.values())


def parameter_targets(urls: list[Url]) -> list[tuple[str, str]]:
    """(path, parameter) pairs that reach every distinct handling of every parameter once.

    Each parameter is tried on one URL of each binding that reads it: a kind's filters on its
    list page and on one of its exports, feed and API; the API's paging on one API list.
    """
    chosen: dict[tuple[str, str], str] = {}
    for item in urls:
        for name in item.own:
            chosen.setdefault((item.own_binding, name), item.path)
        for name in item.filters:
            chosen.setdefault((item.binding, name), item.path)
    return [(path, name) for (_, name), path in chosen.items()]


# One URL of each family: where values that every URL of the family handles alike are tried.
FAMILIES: list[Url] = first_of_each_family(SURFACE)
PARAMETER_TARGETS: list[tuple[str, str]] = parameter_targets(SURFACE)
PAGES: list[str] = [item.path for item in SURFACE if item.html]
