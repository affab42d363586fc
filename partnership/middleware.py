"""Middleware: request guards that apply before any view runs, one reading of the kept flags per
read, and redirects from merged records."""

import re

from django.http import HttpResponseBadRequest, HttpResponsePermanentRedirect, JsonResponse

from . import facets

# C0 control characters other than tab, LF and CR: no page takes them, XML (feeds) cannot
# carry them, and PostgreSQL refuses NUL in text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def guard_query(get_response):
    """Refuse, with a 400, URLs no page can want: control characters or 1,000+ parameters.

    Passed on to a query or a feed, a control character would surface as a server error
    instead of a bad request. Parsing the query string here applies
    DATA_UPLOAD_MAX_NUMBER_FIELDS to every URL, even those whose view never reads a
    parameter.
    """

    def middleware(request):
        if CONTROL.search(request.path):
            return refuse(request, "(path)")
        for key, values in request.GET.lists():  # raises TooManyFieldsSent: a 400
            if CONTROL.search(key) or any(CONTROL.search(value) for value in values):
                return refuse(request, CONTROL.sub("?", key))
        return get_response(request)

    return middleware


def flags_read_once(get_response):
    """A page's parts ask whether the kept public flags are current: in a read, the database once."""

    def middleware(request):
        if request.method not in ("GET", "HEAD"):
            return get_response(request)
        with facets.flags_read_once():
            return get_response(request)

    return middleware


def refuse(request, parameter: str):
    """A 400 in the caller's language: JSON naming the parameter for the API and exports, text elsewhere."""
    message = "Control characters are not allowed in a URL."
    if request.path.startswith(("/api/", "/export/")):
        return JsonResponse({"detail": "Bad query parameters.", "errors": {parameter: [message]}}, status=400)
    return HttpResponseBadRequest(message)


class MergedRecordRedirectMiddleware:
    """Permanent redirects from the old URLs of merged records, so a citation of either keeps working.

    URL-agnostic: a 404 at a path recorded in SlugRedirect becomes a 301 to the
    survivor's current URL, whatever view served the old one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        from .models import SlugRedirect

        redirect = SlugRedirect.objects.filter(old_path=request.path).select_related("content_type").first()
        target = redirect.target() if redirect else None
        if target is None:
            return response
        url = target.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)
