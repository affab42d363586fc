"""The public surface: every public URL and the query parameters it reads.

One list shared by the permission matrix (tests/test_permissions.py) and the hostile-input
tests (tests/test_hostile_input.py). Add each new list, search, export, feed and API URL
here with its parameters; a path that does not resolve (a page not built yet) is left out,
so the list can name pages before they exist.
"""

from django.urls import Resolver404, resolve

# (path, parameters it reads). Paths are relative to the site root; detail pages use the
# shipped fixture's slugs.
CANDIDATES: list[tuple[str, list[str]]] = [
    ("/", ["page", "q"]),
    # lists and search (issue 3)
    (
        "/meetings/",
        ["page", "q", "kind", "year", "date_after", "date_before", "area", "organisation", "official", "sort"],
    ),
    ("/officials/", ["page", "q", "organisation", "sort"]),
    ("/organisations/", ["page", "q", "kind", "sort"]),
    ("/areas/", ["page", "q", "parent"]),
    ("/agreements/", ["page", "q", "kind", "status", "signed_after", "signed_before", "party", "area"]),
    ("/releases/", ["page", "q", "year", "publisher"]),
    ("/search/", ["q", "page", "type"]),
    # exports, feeds and API (issue 5)
    ("/exports/meetings.csv", ["q", "kind", "year", "area", "organisation"]),
    ("/exports/dataset.json", []),
    ("/feeds/meetings/", []),
    ("/feeds/releases/", []),
    ("/api/meetings/", ["page", "q", "kind", "year", "area", "organisation", "official", "id__in", "format"]),
    ("/api/officials/", ["page", "q", "format"]),
    ("/api/organisations/", ["page", "q", "format"]),
    ("/api/agreements/", ["page", "q", "status", "format"]),
    ("/api/releases/", ["page", "q", "format"]),
    # detail pages
    ("/meetings/2015-06-26-jenca-le-luong-minh/", []),
    ("/officials/miroslav-jenca/", []),
    ("/organisations/united-nations/", []),
    ("/areas/maritime-security/", []),
    ("/agreements/joint-declaration-on-comprehensive-partnership/", []),
    ("/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/", []),
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
