"""Atom feeds of meetings and releases, site-wide or for any filter the list page accepts.

/feeds/meetings/?area=health is the feed of the meetings list filtered the same way:
the feed binds the kind's FilterSet to its public QuerySet (partnership/kinds.py), so
any filter a researcher can set on the page can be followed. Drafts never appear.
"""

import datetime
import re

from django.contrib.syndication.views import Feed
from django.urls import NoReverseMatch, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from .exports import PAGE_PARAMETERS, bad_parameters
from .filters import FilterError, bind_filters
from .kinds import BY_COLLECTION

FEED_SIZE = 50
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Text without the control characters XML 1.0 cannot carry (they would make the feed a 500)."""
    return _NOT_XML.sub("", text)


class FilteredFeed(Feed):
    """A feed over the filtered public list of one kind, newest first."""

    feed_type = Atom1Feed
    kind = ""
    noun = ""
    list_url_name = ""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except FilterError as error:
            return bad_parameters(error)

    def get_object(self, request, *args, **kwargs):
        kind = BY_COLLECTION[self.kind]
        filterset = bind_filters(
            kind.filterset_class, request.GET, kind.public(), request=request, ignore=PAGE_PARAMETERS
        )
        query = request.GET.copy()
        for name in PAGE_PARAMETERS:
            query.pop(name, None)
        return {
            "filterset": filterset,
            "query": query.urlencode(),
            "described": xml_safe(", ".join(f"{key} {value}" for key, values in query.lists() for value in values)),
        }

    def title(self, obj):
        described = obj["described"]
        return f"{self.noun} — ASEAN–UN Partnership" + (f" ({described})" if described else "")

    def link(self, obj):
        try:
            url = reverse(self.list_url_name)
        except NoReverseMatch:
            url = reverse("partnership:home")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def feed_url(self, obj):
        url = reverse(f"partnership:feed-{self.kind}")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def subtitle(self, obj):
        return f"New {self.noun.lower()} in the ASEAN–UN partnership knowledge base."


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


class MeetingFeed(FilteredFeed):
    kind = "meetings"
    noun = "Meetings"
    list_url_name = "partnership:meeting-list"

    def items(self, obj):
        return obj["filterset"].qs.order_by("-date", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return xml_safe(str(item))

    def item_description(self, item):
        """Plain text from the editors' Markdown, escaped: feed readers render the summary as HTML."""
        lines = [item.date_display, item.place, item.summary]
        return xml_safe(escape(" — ".join(line for line in lines if line)))

    def item_pubdate(self, item):
        return _midnight(item.date)

    def item_updateddate(self, item):
        return item.source.updated_at if item.source_id else _midnight(item.date)

    def item_categories(self, item):
        return [xml_safe(link.area.name) for link in item.public_area_links]


class ReleaseFeed(FilteredFeed):
    kind = "releases"
    noun = "Press releases"
    list_url_name = "partnership:release-list"

    def items(self, obj):
        return obj["filterset"].qs.order_by("-date", "-created_at")[:FEED_SIZE]

    def item_title(self, item):
        return xml_safe(item.title)

    def item_description(self, item):
        paragraphs = item.paragraphs()
        return xml_safe(escape(f"{item.dateline_place}, {item.date:%-d %B %Y} — {paragraphs[0] if paragraphs else ''}"))

    def item_author_name(self, item):
        return xml_safe(item.publisher.name)

    def item_pubdate(self, item):
        return _midnight(item.date)

    def item_updateddate(self, item):
        return item.updated_at
