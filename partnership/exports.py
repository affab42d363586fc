"""Getting data out: filtered lists as streamed CSV and JSON, and the full dataset download.

Every export runs the kind's FilterSet over its public QuerySet (both named in
partnership/kinds.py), so a download holds exactly what the page shows, on every page of it.
Rows are streamed from `.iterator(chunk_size=...)` (which prefetches per chunk),
so memory stays flat however many rows match (bench/export_memory.py).
Drafts never appear: see docs/decisions/0006-api-and-exports.md.
"""

import csv
import json
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import selectors
from .filters import FilterError, bind_filters
from .kinds import BY_COLLECTION, Column, Kind

CHUNK_SIZE = 500
# Parameters a list page may carry that select a page, not rows; exports ignore them.
PAGE_PARAMETERS = {"page", "page_size"}


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


def rows(kind: Kind, queryset: QuerySet, absolute_url) -> Iterator[dict]:
    """The kind's export rows as dicts, chunk by chunk with each chunk's public links prefetched."""
    for record in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield {column.name: column.value(record, absolute_url) for column in kind.columns}


def _filtered(request, plural: str) -> tuple[Kind, QuerySet]:
    kind = BY_COLLECTION.get(plural)
    if kind is None:
        raise Http404(f"No export of {plural}.")
    filterset = bind_filters(kind.filterset_class, request.GET, kind.public(), request=request, ignore=PAGE_PARAMETERS)
    return kind, filterset.qs


@require_safe
def export_csv(request, kind: str):
    """The list of `kind` as filtered by the query string, every page of it, as CSV."""
    try:
        record_kind, queryset = _filtered(request, kind)
    except FilterError as error:
        return bad_parameters(error)
    response = StreamingHttpResponse(
        stream_csv(record_kind.columns, rows(record_kind, queryset, request.build_absolute_uri)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(kind, "csv")}"'
    return response


@require_safe
def export_json(request, kind: str):
    """The list of `kind` as filtered by the query string, every page of it, as JSON."""
    try:
        record_kind, queryset = _filtered(request, kind)
    except FilterError as error:
        return bad_parameters(error)
    header = {
        "kind": kind,
        "generated": timezone.now().isoformat(timespec="seconds"),
        "query": {key: request.GET.getlist(key) for key in request.GET if key not in PAGE_PARAMETERS},
        "columns": [column.name for column in record_kind.columns],
    }
    response = StreamingHttpResponse(
        stream_json(header, rows(record_kind, queryset, request.build_absolute_uri)),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(kind, "json")}"'
    return response


# -- the full dataset ---------------------------------------------------------------


@require_safe
def dataset_download(request):
    """The full public dataset as one JSON document, streamed; `manage.py load_dataset FILE` restores it."""
    header = {"generated": timezone.now().isoformat(timespec="seconds"), "source": request.build_absolute_uri("/")}
    response = StreamingHttpResponse(
        selectors.public_dataset_json(header), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("dataset", "json")}"'
    return response
