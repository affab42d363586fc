"""The public surface: every public URL and the query parameters it reads.

One list shared by the permission matrix (tests/test_permissions.py) and the hostile-input
tests (tests/test_hostile_input.py). Add each new list, search, export, feed and API URL
here with its parameters; a path that does not resolve (a page not built yet) is left out,
so the list can name pages before they exist.
"""

from django.urls import Resolver404, resolve

# (path, parameters it reads). Paths are relative to the site root; detail pages use the
# shipped fixture's slugs.
MEETING = ["q", "area", "official", "organisation", "agreement", "date_after", "date_before", "year", "kind", "sort"]
OFFICIAL = ["q", "organisation", "post", "year"]
ORGANISATION = ["q", "kind", "parent"]
AREA = ["q", "parent"]
AGREEMENT = ["q", "kind", "status", "area", "party", "year"]
RELEASE = ["q", "publisher", "year", "date_after", "date_before"]
LISTS = {
    "meetings": MEETING,
    "officials": OFFICIAL,
    "organisations": ORGANISATION,
    "areas": AREA,
    "agreements": AGREEMENT,
    "releases": RELEASE,
}

CANDIDATES: list[tuple[str, list[str]]] = [
    ("/", []),
    # lists and search (issue 3)
    *[(f"/{kind}/", ["page", *params]) for kind, params in LISTS.items() if kind != "areas"],
    ("/areas/", []),  # the whole tree, unfiltered
    ("/search/", ["q", "page", "type"]),
    ("/search/suggest/", ["q", "type"]),
    # exports, feeds and API (issue 5)
    *[(f"/export/{kind}.csv", params) for kind, params in LISTS.items()],
    *[(f"/export/{kind}.json", params) for kind, params in LISTS.items()],
    ("/export/dataset.json", []),
    ("/feeds/meetings/", MEETING),
    ("/feeds/releases/", RELEASE),
    *[(f"/api/{kind}/", ["page", "page_size", "format", *params]) for kind, params in LISTS.items()],
    ("/api/schema/", ["format"]),
    ("/sitemap.xml", []),
    ("/robots.txt", []),
    # detail pages
    ("/meetings/2015-06-26-jenca-le-luong-minh/", []),
    ("/officials/miroslav-jenca/", []),
    ("/organisations/united-nations/", []),
    ("/areas/maritime-security/", []),
    ("/agreements/joint-declaration-on-comprehensive-partnership/", []),
    ("/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/", []),
    ("/api/meetings/2015-06-26-jenca-le-luong-minh/", []),
    ("/api/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/", []),
]


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


PUBLIC: list[tuple[str, list[str]]] = [(path, params) for path, params in CANDIDATES if resolves(path)]
PUBLIC_PATHS: list[str] = [path for path, _ in PUBLIC]
PARAMETERISED: list[tuple[str, list[str]]] = [(path, params) for path, params in PUBLIC if params]
CSV_EXPORTS: list[str] = [path for path in PUBLIC_PATHS if path.endswith(".csv")]
