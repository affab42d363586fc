"""The record kinds, declared once: what each kind is, how the public reads it, how it leaves the site.

Search, the exports, the feeds, the sitemap, the API router, citations and the tests
iterate KINDS; adding a kind, or a column to a kind's exports, is an edit here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.urls import reverse

from . import filters, search, selectors
from .api import serializers
from .dates import DatePrecision, isoformat_partial_date
from .models import Agreement, CooperationArea, Meeting, Official, Organisation, PressRelease


@dataclass(frozen=True)
class Column:
    """One column of an export: a name (stable, documented in the README) and how to read it."""

    name: str
    value: Callable  # (record, absolute_url) -> str | int | list[str] | None


@dataclass(frozen=True)
class Kind:
    """A record kind: its public read, filters, export columns, serializer and names."""

    key: str  # one record: search's and suggest's ?kind=, the URL names (meeting-list), the API basename
    collection: str  # the lists: /export/meetings.csv, /api/meetings/, /feeds/meetings/, the sitemap section
    label: str
    plural: str
    model: type
    public: Callable[[], QuerySet]  # the public list with what its rows show (partnership/selectors.py)
    filterset: type | None  # None: the list takes no filters, so any parameter is a 400 in data out
    columns: tuple[Column, ...]
    serializer: type
    description: str  # the API's description of the list
    citation: str  # what a citation calls the page
    changefreq: str = "monthly"
    issued: Callable | None = None  # record -> (date, precision) a citation gives as issued
    author: Callable | None = None  # record -> who a citation names as author
    publisher: Callable | None = None  # record -> who published the source the record rests on
    csl_type: str = "webpage"
    feed: bool = False

    @property
    def title_field(self) -> str:
        return search.TITLES.get(self.model, "name")

    @property
    def search_fields(self) -> list[str]:
        return search.DOCUMENTS[self.model]

    def title(self, record) -> str:
        return str(getattr(record, self.title_field))

    @property
    def list_url_name(self) -> str:
        return f"partnership:{self.key}-list"

    @property
    def search_list_url_name(self) -> str | None:
        """The list that takes the same words (`q`) as search, if the kind's list takes words."""
        return self.list_url_name if "q" in self.filterset_class.base_filters else None

    @property
    def detail_url_name(self) -> str:
        return f"partnership:{self.key}-detail"

    @cached_property
    def filterset_class(self):
        """The list's FilterSet; a list without one accepts no filters."""
        if self.filterset is not None:
            return self.filterset
        meta = type("Meta", (), {"model": self.model, "fields": []})
        return type(f"{self.model.__name__}NoFilter", (filters.PartnershipFilterSet,), {"Meta": meta})

    def public_paths(self, limit: int = 3) -> list[str]:
        """Paths where this kind's public records show: list, exports, API, feed, and a few records' pages."""
        paths = [
            reverse(self.list_url_name),
            reverse("partnership:export-csv", kwargs={"kind": self.collection}),
            reverse("partnership:export-json", kwargs={"kind": self.collection}),
            reverse(f"api:{self.key}-list"),
        ]
        if self.feed:
            paths.append(reverse(f"partnership:feed-{self.collection}"))
        for slug in self.public().order_by("pk").values_list("slug", flat=True)[:limit]:
            paths += [
                reverse(self.detail_url_name, kwargs={"slug": slug}),
                reverse(f"api:{self.key}-detail", kwargs={"slug": slug}),
            ]
        return paths


# -- columns ------------------------------------------------------------------------


def _url(record, absolute_url) -> str:
    return absolute_url(record.get_absolute_url())


SOURCE_COLUMNS = (
    Column("source_release", lambda r, u: r.public_source.slug if r.public_source else ""),
    Column("source_paragraph", lambda r, u: r.source_paragraph if r.public_source else None),
    Column("source_url", lambda r, u: u(r.get_source_url()) if r.public_source else ""),
)


def _publisher(release) -> str:
    return release.publisher.name if release is not None else ""


def _names(items) -> list[str]:
    return [str(item) for item in items]


def _slugs(items) -> list[str]:
    return [item.slug for item in items]


def _post(post) -> str:
    start = isoformat_partial_date(post.start_date, post.start_precision) or "?"
    return f"{post} ({start}–{isoformat_partial_date(post.end_date, post.end_precision)})"


# -- the kinds ----------------------------------------------------------------------

KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind(
            key="official",
            collection="officials",
            label="Official",
            plural="Officials",
            model=Official,
            public=selectors.officials,
            filterset=filters.OfficialFilter,
            serializer=serializers.OfficialSerializer,
            description="Officials, with the posts they held (title, organisation, dates as precise as known).",
            citation="Official",
            columns=(
                Column("slug", lambda r, u: r.slug),
                Column("name", lambda r, u: r.name),
                Column("honorific", lambda r, u: r.honorific),
                Column("aliases", lambda r, u: list(r.aliases)),
                Column("posts", lambda r, u: [_post(p) for p in r.public_posts]),
                Column("url", _url),
                Column("post_organisation_slugs", lambda r, u: [p.organisation.slug for p in r.public_posts]),
            ),
        ),
        Kind(
            key="organisation",
            collection="organisations",
            label="Organisation",
            plural="Organisations",
            model=Organisation,
            public=selectors.organisations,
            filterset=filters.OrganisationFilter,
            serializer=serializers.OrganisationSerializer,
            description="Organisations and the parts of them, e.g. the ASEAN Secretariat within ASEAN.",
            citation="Organisation",
            columns=(
                Column("slug", lambda r, u: r.slug),
                Column("name", lambda r, u: r.name),
                Column("acronym", lambda r, u: r.acronym),
                Column("kind", lambda r, u: r.kind),
                Column("parent", lambda r, u: r.parent.slug if r.parent else ""),
                Column("aliases", lambda r, u: list(r.aliases)),
                Column("url", _url),
            ),
        ),
        Kind(
            key="area",
            collection="areas",
            label="Cooperation area",
            plural="Cooperation areas",
            model=CooperationArea,
            public=selectors.areas,
            filterset=None,
            serializer=serializers.AreaSerializer,
            description="Cooperation areas: pillars (no parent) and the areas below them.",
            citation="Cooperation area",
            columns=(
                Column("slug", lambda r, u: r.slug),
                Column("name", lambda r, u: r.name),
                Column("parent", lambda r, u: r.parent.slug if r.parent else ""),
                Column("aliases", lambda r, u: list(r.aliases)),
                Column("url", _url),
            ),
        ),
        Kind(
            key="agreement",
            collection="agreements",
            label="Agreement",
            plural="Agreements",
            model=Agreement,
            public=selectors.agreements,
            filterset=filters.AgreementFilter,
            serializer=serializers.AgreementSerializer,
            description="Declarations, plans, MoUs and frameworks, with their parties and areas.",
            citation="Agreement record",
            issued=lambda r: (r.signed_date, r.signed_precision),
            publisher=lambda r: _publisher(r.public_source),
            columns=(
                Column("slug", lambda r, u: r.slug),
                Column("title", lambda r, u: r.title),
                Column("short_title", lambda r, u: r.short_title),
                Column("kind", lambda r, u: r.kind),
                Column("status", lambda r, u: r.status),
                Column("signed", lambda r, u: isoformat_partial_date(r.signed_date, r.signed_precision)),
                Column("parties", lambda r, u: _names(r.public_parties)),
                Column("areas", lambda r, u: _names(r.public_areas)),
                Column("url", _url),
                *SOURCE_COLUMNS,
                Column("party_slugs", lambda r, u: _slugs(r.public_parties)),
                Column("area_slugs", lambda r, u: _slugs(r.public_areas)),
            ),
        ),
        Kind(
            key="meeting",
            collection="meetings",
            label="Meeting",
            plural="Meetings",
            model=Meeting,
            public=selectors.meetings_with_links,
            filterset=filters.MeetingFilter,
            serializer=serializers.MeetingSerializer,
            description="Meetings reported in published releases, newest first.",
            citation="Meeting record",
            issued=lambda r: (r.date, r.date_precision),
            publisher=lambda r: _publisher(r.public_source),
            feed=True,
            columns=(
                Column("slug", lambda r, u: r.slug),
                Column("title", lambda r, u: r.title),
                Column("date", lambda r, u: isoformat_partial_date(r.date, r.date_precision)),
                Column("date_precision", lambda r, u: r.date_precision),
                Column("kind", lambda r, u: r.kind),
                Column("venue", lambda r, u: r.venue),
                Column("city", lambda r, u: r.city),
                Column(
                    "participants",
                    lambda r, u: [f"{p.official.name} ({p.get_role_display()})" for p in r.public_participations],
                ),
                Column("organisations", lambda r, u: _names(x.organisation for x in r.public_organisation_links)),
                Column("areas", lambda r, u: _names(x.area for x in r.public_area_links)),
                Column("agreements", lambda r, u: _names(x.agreement for x in r.public_agreement_links)),
                Column("summary", lambda r, u: r.summary),
                Column("url", _url),
                *SOURCE_COLUMNS,
                # Slugs of the linked records, in the order of the name columns above: joins to the other exports.
                Column("participant_slugs", lambda r, u: [p.official.slug for p in r.public_participations]),
                Column("organisation_slugs", lambda r, u: _slugs(x.organisation for x in r.public_organisation_links)),
                Column("area_slugs", lambda r, u: _slugs(x.area for x in r.public_area_links)),
                Column("agreement_slugs", lambda r, u: _slugs(x.agreement for x in r.public_agreement_links)),
                Column("venue_slug", lambda r, u: r.venue_record.slug if r.venue_record else ""),
                Column("city_slug", lambda r, u: r.city_record.slug if r.city_record else ""),
            ),
        ),
        Kind(
            key="release",
            collection="releases",
            label="Press release",
            plural="Press releases",
            model=PressRelease,
            public=selectors.releases,
            filterset=filters.PressReleaseFilter,
            serializer=serializers.ReleaseSerializer,
            description="Published press releases, verbatim (Markdown); paragraphs are numbered from 1 in citations.",
            citation="Press release",
            changefreq="yearly",
            issued=lambda r: (r.date, DatePrecision.DAY),
            author=lambda r: r.publisher.name,
            publisher=lambda r: r.publisher.name,
            csl_type="article",
            feed=True,
            columns=(
                Column("slug", lambda r, u: r.slug),
                Column("title", lambda r, u: r.title),
                Column("date", lambda r, u: r.date.isoformat()),
                Column("dateline_place", lambda r, u: r.dateline_place),
                Column("publisher", lambda r, u: r.publisher.name),
                Column("original_url", lambda r, u: r.original_url),
                Column("url", _url),
                Column("publisher_slug", lambda r, u: r.publisher.slug),
            ),
        ),
    ]
}
BY_COLLECTION: dict[str, Kind] = {kind.collection: kind for kind in KINDS.values()}
BY_MODEL: dict[type, Kind] = {kind.model: kind for kind in KINDS.values()}
CHOICES: list[tuple[str, str]] = [(kind.key, kind.label) for kind in KINDS.values()]


def public_paths() -> list[str]:
    """Every path where a public record of some kind shows, for tests that check every surface agrees."""
    return [path for kind in KINDS.values() for path in kind.public_paths()]
