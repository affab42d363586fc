"""Template tags for getting data out: the "cite this" block, export/feed/API links, the date a page is printed."""

import datetime
import functools

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import get_language

from partnership import citations
from partnership.kinds import BY_COLLECTION, BY_MODEL
from partnership.models import detail_url, route_url

register = template.Library()


def _citable(context, record) -> tuple[str, citations.Citable]:
    """The record's permanent URL and citable description, worked out once per page: the page's
    head (citation_meta) and its "cite this" block both print them."""
    request = context.get("request")
    path = record.get_absolute_url()
    url = request.build_absolute_uri(path) if request else path
    accessed = timezone.localdate()
    kept = getattr(record, "_citable", None)
    if kept is None or kept[1].url != url or kept[1].accessed != accessed:
        kept = record._citable = (url, citations.citable_for(record, url=url, accessed=accessed))
    return kept


@register.inclusion_tag("includes/cite.html", takes_context=True)
def cite_this(context, record):
    """The "cite this" block for a record page: its permanent URL and today's date as the access date,
    each format with a copy button and a download."""
    url, citable = _citable(context, record)
    return {
        "url": url,
        "api_url": _api_url(context, record),
        "filename": citations.bibtex_key(citable),
        "plain_text": citations.plain_text(citable),
        "bibtex": citations.bibtex(citable),
        "csl_json": citations.csl_json(citable),
    }


def _api_url(context, record) -> str:
    """The record's JSON in the API (the same public record, linked to the others by API URL)."""
    path = detail_url(f"api:{BY_MODEL[type(record)].key}-detail", record.slug)
    request = context.get("request")
    return request.build_absolute_uri(path) if request else path


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def citation_meta(context, record):
    """A record page's metadata for reference managers (citation_* tags, which Zotero reads) and link previews."""
    _url, citable = _citable(context, record)
    return {
        "request": context.get("request"),
        "citation": citable,
        "citation_date": citations.highwire_date(citable),
        "description": citations.description(citable),
    }


@register.simple_tag
def today() -> str:
    """Today's date as a citation prints it ("30 June 2015"), for the footer's "printed on" and an
    "accessed" date: {% now "j F Y" %} formatted it anew on every page."""
    return _day_printed(timezone.localdate(), get_language())


@functools.lru_cache(maxsize=8)
def _day_printed(day: datetime.date, language: str) -> str:
    return date_format(day, "j F Y")


def _filter_query(request, kind: str) -> str:
    """The page's filter parameters (not its page number), as a query string."""
    if request is None:
        return ""
    allowed = set(BY_COLLECTION[kind].filterset_class.base_filters)
    pairs = [(key, value) for key, values in request.GET.lists() if key in allowed for value in values if value != ""]
    return f"?{urlencode(pairs)}" if pairs else ""


@register.inclusion_tag("includes/data_out_links.html", takes_context=True)
def data_out_links(context, kind: str):
    """CSV, JSON, Atom and API links for the list of `kind` as it is filtered on this page."""
    record_kind = BY_COLLECTION[kind]
    query = _filter_query(context.get("request"), kind)
    links = {
        "csv": route_url("partnership:export-csv", kind=kind) + query,
        "json": route_url("partnership:export-json", kind=kind) + query,
        "api": route_url(f"api:{record_kind.key}-list") + query,
    }
    if record_kind.feed:
        links["feed"] = route_url(f"partnership:feed-{kind}") + query
    return {"links": links, "kind": kind}


@register.simple_tag(takes_context=True)
def feed_url(context, kind: str, **filters) -> str:
    """The Atom feed of `kind` for the given filters, e.g. {% feed_url "meetings" area=area.slug %}."""
    url = route_url(f"partnership:feed-{kind}")
    pairs = [(key, value) for key, value in filters.items() if value not in (None, "")]
    return f"{url}?{urlencode(pairs)}" if pairs else url


@register.simple_tag(takes_context=True)
def filtered_feed_url(context, kind: str) -> str:
    """The Atom feed of `kind` with this page's filters, for <link rel="alternate">."""
    return route_url(f"partnership:feed-{kind}") + _filter_query(context.get("request"), kind)
