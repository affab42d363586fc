"""Getting data out: filtered lists as streamed CSV and JSON, and the full dataset download.

Every export runs the list's own FilterSet (partnership/filters.py) over the public
QuerySet, so a download holds exactly what the page shows, on every page of it.
Rows are streamed from `.iterator(chunk_size=...)` (which prefetches per chunk),
so memory stays flat however many rows match (bench/export_memory.py).
Drafts never appear: see docs/decisions/0006-api-and-exports.md.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import django_filters
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_filters.widgets import SuffixedMultiWidget

from . import filters
from .dataset import FORMAT, dump_dataset
from .dates import isoformat_partial_date
from .models import (
    Agreement,
    CooperationArea,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingOrganisation,
    Official,
    Organisation,
    Participation,
    Post,
    PressRelease,
    ReleaseStatus,
)

CHUNK_SIZE = 500
# Parameters a list page may carry that select a page, not rows; exports ignore them.
PAGE_PARAMETERS = {"page", "page_size"}


# -- filters: one FilterSet per list, shared with the pages and the API --------------


class FilterError(ValueError):
    """Unknown or malformed query parameters, by parameter name."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))


def parameter_names(filterset) -> set[str]:
    """The query parameters a FilterSet reads, including range suffixes such as date_after."""
    names = set()
    for name, form_field in filterset.form.fields.items():
        widget = form_field.widget
        if isinstance(widget, SuffixedMultiWidget):
            names.update(widget.suffixed(name, suffix) for suffix in widget.suffixes)
        else:
            names.add(name)
    return names


def bind_filters(filterset_class, params, queryset: QuerySet, *, request=None, ignore: Iterable[str] = ()):
    """A bound, valid FilterSet; FilterError names every unknown or malformed parameter."""
    filterset = filterset_class(params, queryset=queryset, request=request)
    known = parameter_names(filterset) | set(ignore)
    errors = {
        name: [f"Unknown parameter. Known parameters: {', '.join(sorted(known))}."]
        for name in params
        if name not in known
    }
    if not filterset.is_valid():
        for name, messages in filterset.errors.items():
            errors.setdefault(name, []).extend(str(message) for message in messages)
    if errors:
        raise FilterError(errors)
    return filterset


# -- columns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an export: a name (stable, documented in the README) and how to read it."""

    name: str
    value: Callable  # (record, absolute_url) -> str | int | list[str] | None


def _url(record, absolute_url) -> str:
    return absolute_url(record.get_absolute_url())


def _source_columns() -> list[Column]:
    return [
        Column("source_release", lambda r, u: r.source.slug if r.source_id else ""),
        Column("source_paragraph", lambda r, u: r.source_paragraph),
        Column("source_url", lambda r, u: u(r.get_source_url()) if r.source_id else ""),
    ]


def _names(items) -> list[str]:
    return [str(item) for item in items]


def _slugs(items) -> list[str]:
    return [item.slug for item in items]


@dataclass(frozen=True)
class Export:
    """A list that can be exported: its public rows, its FilterSet, its columns."""

    kind: str
    queryset: Callable[[], QuerySet]
    filterset_name: str
    columns: list[Column]
    # Prefetches of facts use to_attr="public_..." lists: no per-row QuerySet, and never a draft's fact.
    prefetch: list = field(default_factory=list)
    api_basename: str = ""

    @property
    def filterset_class(self):
        """The list's FilterSet; a list without one (areas) accepts no filters, so any parameter is a 400."""
        if self.filterset_name:
            return getattr(filters, self.filterset_name)
        model = self.queryset().model
        meta = type("Meta", (), {"model": model, "fields": []})
        return type(f"{model.__name__}NoFilter", (django_filters.FilterSet,), {"Meta": meta})

    def rows(self, queryset: QuerySet, absolute_url) -> Iterator[dict]:
        """Rows as dicts, chunk by chunk with the related records of each chunk prefetched."""
        queryset = queryset.prefetch_related(*self.prefetch)
        for record in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield {column.name: column.value(record, absolute_url) for column in self.columns}


def _meetings():
    return Meeting.objects.public().select_related("source", "venue_record", "city_record")


def _agreements():
    return Agreement.objects.public().select_related("source")


EXPORTS: dict[str, Export] = {
    export.kind: export
    for export in [
        Export(
            kind="meetings",
            queryset=_meetings,
            filterset_name="MeetingFilter",
            api_basename="meeting",
            prefetch=[
                Prefetch(
                    "participations",
                    queryset=Participation.objects.public().select_related("official", "post__organisation"),
                    to_attr="public_participations",
                ),
                Prefetch(
                    "organisation_links",
                    queryset=MeetingOrganisation.objects.public().select_related("organisation"),
                    to_attr="public_organisation_links",
                ),
                Prefetch(
                    "area_links",
                    queryset=MeetingArea.objects.public().select_related("area"),
                    to_attr="public_area_links",
                ),
                Prefetch(
                    "agreement_links",
                    queryset=MeetingAgreement.objects.public().select_related("agreement"),
                    to_attr="public_agreement_links",
                ),
            ],
            columns=[
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
                *_source_columns(),
                # Slugs of the linked records, in the order of the name columns above: joins to the other exports.
                Column("participant_slugs", lambda r, u: [p.official.slug for p in r.public_participations]),
                Column("organisation_slugs", lambda r, u: _slugs(x.organisation for x in r.public_organisation_links)),
                Column("area_slugs", lambda r, u: _slugs(x.area for x in r.public_area_links)),
                Column("agreement_slugs", lambda r, u: _slugs(x.agreement for x in r.public_agreement_links)),
                Column("venue_slug", lambda r, u: r.venue_record.slug if r.venue_record else ""),
                Column("city_slug", lambda r, u: r.city_record.slug if r.city_record else ""),
            ],
        ),
        Export(
            kind="officials",
            queryset=lambda: Official.objects.all(),
            filterset_name="OfficialFilter",
            api_basename="official",
            prefetch=[
                Prefetch(
                    "posts",
                    queryset=Post.objects.public().select_related("organisation", "source"),
                    to_attr="public_posts",
                )
            ],
            columns=[
                Column("slug", lambda r, u: r.slug),
                Column("name", lambda r, u: r.name),
                Column("honorific", lambda r, u: r.honorific),
                Column("aliases", lambda r, u: list(r.aliases)),
                Column(
                    "posts",
                    lambda r, u: [
                        f"{p} ({isoformat_partial_date(p.start_date, p.start_precision) or '?'}"
                        f"–{isoformat_partial_date(p.end_date, p.end_precision)})"
                        for p in r.public_posts
                    ],
                ),
                Column("url", _url),
                Column("post_organisation_slugs", lambda r, u: [p.organisation.slug for p in r.public_posts]),
            ],
        ),
        Export(
            kind="organisations",
            queryset=lambda: Organisation.objects.select_related("parent"),
            filterset_name="OrganisationFilter",
            api_basename="organisation",
            columns=[
                Column("slug", lambda r, u: r.slug),
                Column("name", lambda r, u: r.name),
                Column("acronym", lambda r, u: r.acronym),
                Column("kind", lambda r, u: r.kind),
                Column("parent", lambda r, u: r.parent.slug if r.parent_id else ""),
                Column("aliases", lambda r, u: list(r.aliases)),
                Column("url", _url),
            ],
        ),
        Export(
            kind="areas",
            queryset=lambda: CooperationArea.objects.select_related("parent"),
            filterset_name="",
            api_basename="area",
            columns=[
                Column("slug", lambda r, u: r.slug),
                Column("name", lambda r, u: r.name),
                Column("parent", lambda r, u: r.parent.slug if r.parent_id else ""),
                Column("aliases", lambda r, u: list(r.aliases)),
                Column("url", _url),
            ],
        ),
        Export(
            kind="agreements",
            queryset=_agreements,
            filterset_name="AgreementFilter",
            api_basename="agreement",
            prefetch=["parties", "areas"],
            columns=[
                Column("slug", lambda r, u: r.slug),
                Column("title", lambda r, u: r.title),
                Column("short_title", lambda r, u: r.short_title),
                Column("kind", lambda r, u: r.kind),
                Column("status", lambda r, u: r.status),
                Column("signed", lambda r, u: isoformat_partial_date(r.signed_date, r.signed_precision)),
                Column("parties", lambda r, u: _names(r.parties.all())),
                Column("areas", lambda r, u: _names(r.areas.all())),
                Column("url", _url),
                *_source_columns(),
                Column("party_slugs", lambda r, u: _slugs(r.parties.all())),
                Column("area_slugs", lambda r, u: _slugs(r.areas.all())),
            ],
        ),
        Export(
            kind="releases",
            queryset=lambda: PressRelease.objects.published().select_related("publisher"),
            filterset_name="PressReleaseFilter",
            api_basename="release",
            columns=[
                Column("slug", lambda r, u: r.slug),
                Column("title", lambda r, u: r.title),
                Column("date", lambda r, u: r.date.isoformat()),
                Column("dateline_place", lambda r, u: r.dateline_place),
                Column("publisher", lambda r, u: r.publisher.name),
                Column("original_url", lambda r, u: r.original_url),
                Column("url", _url),
                Column("publisher_slug", lambda r, u: r.publisher.slug),
            ],
        ),
    ]
}


# -- formats ------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def csv_cell(value) -> str:
    """A CSV cell: lists joined by '; ', and text a spreadsheet would run as a formula prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    value = str(value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer over a generator."""

    def write(self, value: str) -> str:
        return value


def stream_csv(columns: list[Column], rows: Iterable[dict], batch: int = 500) -> Iterator[str]:
    """UTF-8 CSV with a byte-order mark (so spreadsheets keep diacritics), in batches of rows."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([column.name for column in columns])
    lines = []
    for row in rows:
        lines.append(writer.writerow([csv_cell(row[column.name]) for column in columns]))
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def stream_json(header: dict, rows: Iterable[dict], batch: int = 500) -> Iterator[str]:
    """A JSON object whose "results" list is written row by row."""
    opening = json.dumps({**header, "results": []}, ensure_ascii=False)
    yield opening[:-2] + "\n"
    lines, first = [], True
    for row in rows:
        lines.append(("" if first else ",\n") + json.dumps(row, ensure_ascii=False))
        first = False
        if len(lines) >= batch:
            yield "".join(lines)
            lines = []
    yield "".join(lines) + "\n]}\n"


# -- views --------------------------------------------------------------------------


def _filename(kind: str, extension: str) -> str:
    return f"partnership-{kind}-{timezone.localdate():%Y-%m-%d}.{extension}"


def bad_parameters(error: FilterError) -> JsonResponse:
    return JsonResponse({"detail": "Bad query parameters.", "errors": error.errors}, status=400)


def _filtered(request, kind: str):
    export = EXPORTS.get(kind)
    if export is None:
        raise Http404(f"No export of {kind}.")
    filterset = bind_filters(
        export.filterset_class, request.GET, export.queryset(), request=request, ignore=PAGE_PARAMETERS
    )
    return export, filterset.qs


@require_safe
def export_csv(request, kind: str):
    """The list of `kind` as filtered by the query string, every page of it, as CSV."""
    try:
        export, queryset = _filtered(request, kind)
    except FilterError as error:
        return bad_parameters(error)
    response = StreamingHttpResponse(
        stream_csv(export.columns, export.rows(queryset, request.build_absolute_uri)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(kind, "csv")}"'
    return response


@require_safe
def export_json(request, kind: str):
    """The list of `kind` as filtered by the query string, every page of it, as JSON."""
    try:
        export, queryset = _filtered(request, kind)
    except FilterError as error:
        return bad_parameters(error)
    header = {
        "kind": kind,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "query": {key: request.GET.getlist(key) for key in request.GET if key not in PAGE_PARAMETERS},
        "columns": [column.name for column in export.columns],
    }
    response = StreamingHttpResponse(
        stream_json(header, export.rows(queryset, request.build_absolute_uri)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(kind, "json")}"'
    return response


# -- the full dataset ---------------------------------------------------------------


def public_dataset() -> dict:
    """Every published record and link, in the dataset format, without drafts or anything drawn from them.

    Drafts are dropped, with every fact whose source is a draft (a meeting, a post, a link,
    an outcome, an agreement, a relationship) and every reference to a dropped agreement, so
    that the result loads into an empty database (load_dataset) and equals a dump taken there.
    """
    data = dump_dataset(releases=PressRelease.objects.published().select_related("publisher"))
    drafts = set(PressRelease.objects.exclude(status=ReleaseStatus.PUBLISHED).values_list("slug", flat=True))

    def public(rows: list[dict]) -> list[dict]:
        return [row for row in rows if row.get("source") not in drafts]

    data["agreements"] = public(data["agreements"])
    agreements = {row["slug"] for row in data["agreements"]}
    for row in data["agreements"]:
        row["takes_into_account"] = [slug for slug in row["takes_into_account"] if slug in agreements]
    posts = {}
    for row in data["officials"]:
        row["posts"] = public(row["posts"])
        posts[row["slug"]] = {post["title"] for post in row["posts"]}
    data["meetings"] = public(data["meetings"])
    for row in data["meetings"]:
        for key in ("participants", "organisations", "areas", "agreements", "outcomes"):
            row[key] = public(row[key])
        row["agreements"] = [link for link in row["agreements"] if link["agreement"] in agreements]
        for link in row["participants"]:
            if link["post"] not in posts[link["official"]]:
                link["post"] = None
        for outcome in row["outcomes"]:
            outcome["agreements"] = [slug for slug in outcome["agreements"] if slug in agreements]
    data["relationships"] = public(data["relationships"])
    return data


@require_safe
def dataset_download(request):
    """The full public dataset as one JSON document; `manage.py load_dataset FILE` restores it."""
    data = {
        "format": FORMAT,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "source": request.build_absolute_uri("/"),
        **public_dataset(),
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("dataset", "json")}"'
    return response
