"""Request guards that apply before any view runs."""

from django.http import HttpResponseBadRequest


def guard_query(get_response):
    """Refuse, with a 400, URLs no page can want: NUL bytes, or more than 1,000 parameters.

    PostgreSQL refuses NUL in text, so one passed on to a query would surface as a server
    error. Parsing the query string here applies DATA_UPLOAD_MAX_NUMBER_FIELDS to every
    URL, even those whose view never reads a parameter (issue 7).
    """

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return HttpResponseBadRequest("NUL bytes are not allowed in a URL.")
        request.GET  # noqa: B018 - parsing raises TooManyFieldsSent, answered with a 400
        return get_response(request)

    return middleware
