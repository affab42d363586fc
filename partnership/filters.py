"""Finding records: one FilterSet per list, shared by the pages, the exports and the API.

Record filters (area, official, organisation, agreement, party, publisher) take slugs
and may repeat (`?area=a&area=b`); repeated values combine with AND, like the other
filters, so every choice narrows the result and a facet count is exactly what that
choice would give. An area includes the areas below it. These filters render as hidden
inputs (never a list of every record); pages offer their choices as facets instead.
"""

import copy
import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote_plus

import django_filters
from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django_filters.widgets import SuffixedMultiWidget

from . import facets, pictures, search
from .cache import cached
from .compiled import Compiled
from .form_rendering import FilterFormRenderer
from .models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    City,
    CooperationArea,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingKind,
    MeetingOrganisation,
    Official,
    Organisation,
    OrganisationKind,
    Participation,
    Post,
    PressRelease,
    subtree,
)
from .names import name_key

FACET_LIMIT = 15
# A filtered meeting list whose result is at most this many meetings reads their ids once and
# counts every facet over them (PostgreSQL): each facet then probes the links of those meetings
# by index instead of joining the filters again (3 s → about 0.1 s for an area and an official
# at 200,000 meetings).
RESULT_IDS_MAX = 20_000
MIN_YEAR, MAX_YEAR = 1, 9999


class YearFilter(django_filters.NumberFilter):
    """A calendar year; out-of-range years are a form error, not a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


class NamedRecordsField(django_filters.fields.ModelMultipleChoiceField):
    """Records by slug, or by any name, other spelling or acronym they are known by ("Jenca" is
    miroslav-jenca). Slugs cost the one query they always did; a name is looked up only when no
    record has it as a slug, and `renamed` records which slug each name stood for."""

    renamed: dict[str, str]

    def __init__(self, *args, by_slug: Compiled | None = None, **kwargs):
        self.by_slug = by_slug
        super().__init__(*args, **kwargs)

    def clean(self, value):
        # No value is no records, as a list: django-filter skips the filter for it, where the empty
        # QuerySet Django returns was compiled each time a filter or a scope tested it.
        if not self.required and not value:
            self.renamed = {}
            return []
        return super().clean(value)

    def _check_values(self, value):
        self.renamed = {}
        values = frozenset(value)
        if self.by_slug is not None and len(values) == 1:
            # One slug, the usual case: found by a query compiled once (partnership/compiled.py).
            found = self.by_slug(*values)
            if found:
                return found
        try:
            return super()._check_values(value)
        except ValidationError as error:
            if error.code != "invalid_choice":
                raise
        values = frozenset(value)
        chosen = {record.slug: record for record in self.queryset.filter(slug__in=values)}
        for text in sorted(values - set(chosen)):
            record = self.record_named(text)
            self.renamed[text] = record.slug
            chosen[record.slug] = record
        return self.queryset.filter(pk__in=[record.pk for record in chosen.values()])

    def record_named(self, text: str):
        key = name_key(text)
        candidates = self.queryset
        if key and self.queryset.model in search.DOCUMENTS:
            candidates = search.matching(self.queryset, text)[:20]
        found = [record for record in candidates if key and key in record.name_keys()] if key else []
        if len(found) == 1:
            return found[0]
        if found:
            names = "; ".join(f"{record} ({record.slug})" for record in found)
            raise ValidationError(
                self.error_messages["ambiguous"], code="ambiguous", params={"value": text, "names": names}
            )
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text})


class SlugsFilter(django_filters.ModelMultipleChoiceFilter):
    """Records chosen by slug or name, possibly several; rendered as hidden inputs, never as a list of options."""

    field_class = NamedRecordsField

    def __init__(self, *args, noun: str, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        if isinstance(kwargs.get("queryset"), QuerySet):
            records, field = kwargs["queryset"], kwargs["to_field_name"]
            kwargs.setdefault("by_slug", Compiled(lambda slug: records.filter(**{field: slug})))
        kwargs.setdefault("widget", forms.MultipleHiddenInput)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": f"There is no {noun} “%(value)s”.",
                "invalid_pk_value": f"“%(pk)s” is not a {noun} slug.",
                "ambiguous": f"“%(value)s” could be any of several: %(names)s. Add the {noun} by its slug.",
            },
        )
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """Words to find, accent- and case-insensitively (partnership.search)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", search.MAX_QUERY_LENGTH)
        kwargs.setdefault("label", "Words")
        kwargs.setdefault("method", "filter_search")
        super().__init__(*args, **kwargs)


class SortKeysField(django_filters.fields.BaseCSVField):
    """Sort keys separated by commas. A blank key (`sort=,` or `sort=date,`) is a mistake to name,
    not a key to drop: dropped, the list would answer in its default order as if asked for it."""

    default_error_messages = {"blank_key": "A sort key is blank: give the keys separated by commas, none empty."}

    def clean(self, value):
        if value and any(not key.strip() for key in value):
            raise ValidationError(self.error_messages["blank_key"], code="blank_key")
        return super().clean(value)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering with the primary key as the last key, so pages never overlap or skip rows."""

    base_field_class = SortKeysField

    def filter(self, qs, value):
        ordered = super().filter(qs, value)
        return ordered.order_by(*ordered.query.order_by, "-pk") if value else ordered


def _each(queryset, records, condition):
    """queryset narrowed by condition(record) for every record: the AND of the choices."""
    for record in records:
        queryset = queryset.filter(condition(record))
    return queryset


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool = False
    depth: int = 0
    query: str = ""  # the query string that toggles this choice
    share: int = 0  # count relative to the largest count, 0–100 (for bars)


@dataclass
class Chip:
    """An active filter value, with the query string that removes it."""

    label: str
    remove_query: str


def _quoted_pair(key: str, value: str) -> str:
    """key=value as urlencode writes it."""
    return f"{quote_plus(key)}={quote_plus(value)}"


# A sidebar's links repeat the same few pairs hundreds of times (each link is the active filters
# with one value changed), and quoting them was most of a link's cost. Only short values are kept
# (slugs, years, kinds), so a visitor's long query cannot fill a worker's memory.
_query_pair = functools.lru_cache(maxsize=4096)(_quoted_pair)
_KEPT_PAIR_LENGTH = 100


# One per process, as Django keeps its own default renderer: it holds the compiled widget templates.
FILTER_FORM_RENDERER = FilterFormRenderer()


class _FiltersCopiedOneDeep(dict):
    """A FilterSet class's filters, which every FilterSet bound to a request copies. django-filter
    copies them deeply, querysets, widgets and all: 6 % of a list's first render. Each filter is
    copied alone, as the copy's own `parent`, `model` and field are set on it; what it was declared
    with is read, never changed, and stays shared."""

    def __deepcopy__(self, memo):
        return {name: _copied(filter_) for name, filter_ in self.items()}


def _copied(filter_):
    copied = copy.copy(filter_)
    if filter_.method is not None:
        # Its `filter` calls the method on the filter's parent: bound again, to the copy's.
        copied.method = filter_.method
    return copied


class PartnershipFilterSet(django_filters.FilterSet):
    """Shared helpers: searching, query strings that add or remove one value, chips."""

    # Each FilterSet class's form class, built once per process: django-filter builds one, with a
    # field per filter, for every FilterSet it binds, and the fields depend on nothing a request
    # brings (no filter's queryset is a callable of the request).
    _form_classes: dict[type, type[forms.Form]] = {}

    @classmethod
    def get_filters(cls):
        return _FiltersCopiedOneDeep(super().get_filters())

    def __init__(self, data=None, *args, **kwargs):
        # An empty form field (`?official=`) means "no filter", also beside other values.
        if data is not None and hasattr(data, "lists"):
            cleaned = QueryDict(mutable=True)
            for key, values in data.lists():
                values = [value for value in values if value.strip()]
                if values:
                    cleaned.setlist(key, values)
            data = cleaned
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        form_class = self._form_classes.get(type(self))
        if form_class is None:
            form_class = super().get_form_class()
            form_class.default_renderer = FILTER_FORM_RENDERER
            self._form_classes[type(self)] = form_class
        return form_class

    def filter_search(self, queryset, name, value):
        return search.matching(queryset, value) if value.strip() else queryset

    def query_with(self, name: str, value: str) -> str:
        values = self._query_data().getlist(name)
        return self.query_changed({name: values if value in values else [*values, value]})

    def query_without(self, name: str, value: str | None = None) -> str:
        values = [] if value is None else [v for v in self._query_data().getlist(name) if v != value]
        return self.query_changed({name: values})

    def query_changed(self, changes: dict[str, list[str]]) -> str:
        """The active filters' query string with each named filter's values replaced (a filter not
        active goes last, in the order given; no values drops it): what a copy of the QueryDict,
        changed and urlencoded, gives, without the copy. A facet or a chart builds one per link."""
        active = self._query_data()
        lists = [(key, changes.get(key, values)) for key, values in active.lists()]
        lists += [(key, values) for key, values in changes.items() if key not in active]
        return "&".join(
            _query_pair(key, value) if len(value) <= _KEPT_PAIR_LENGTH else _quoted_pair(key, value)
            for key, values in lists
            for value in values
        )

    @property
    def pickers(self) -> list[dict]:
        """The record filters, each with the search kind its search-as-you-type input asks for."""
        from .kinds import BY_MODEL  # the registry names these FilterSets, so it is read here, not at import

        return [
            {"name": name, "kind": BY_MODEL[f.queryset.model].key, "label": f.label}
            for name, f in self.filters.items()
            if isinstance(f, SlugsFilter)
        ]

    @property
    def hidden_items(self) -> list[tuple[str, str]]:
        """The active filters as (name, value) pairs, for forms that add one more."""
        return [(key, value) for key, values in self._query_data().lists() for value in values]

    @property
    def query_string(self) -> str:
        """The active filters as a query string, without the page."""
        return self._query_data().urlencode()

    def query_set(self, name: str, value: str) -> str:
        return self.query_changed({name: [value]})

    def _query_data(self) -> QueryDict:
        """The active filters, with a record named by name or alias written as its slug: read once
        (again after validation) and shared, so read-only (query_changed builds a changed one)."""
        ready = self.is_bound and hasattr(self.form, "cleaned_data")
        memo = getattr(self, "_query_data_memo", None)
        if memo is None or memo[0] != ready:
            memo = self._query_data_memo = (ready, self._active_filters())
        return memo[1]

    def _active_filters(self):
        data = QueryDict(mutable=True)
        for key in self.filters:
            renamed = self._renamed(key)
            values = [renamed.get(v, v) for v in (self.data.getlist(key) if hasattr(self.data, "getlist") else []) if v]
            if values:
                data.setlist(key, list(dict.fromkeys(values)))
        data._mutable = False  # kept and shared (_query_data): changed only through a copy
        return data

    def _renamed(self, key: str) -> dict[str, str]:
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return {}
        return getattr(self.form.fields.get(key), "renamed", {})

    def chips(self) -> list[Chip]:
        """The valid active values, each with a link that removes it."""
        if not self.is_bound or not hasattr(self.form, "cleaned_data"):
            return []
        chips = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", []) or (hasattr(value, "exists") and not value):
                continue
            field_filter = self.filters[name]
            label = field_filter.label or name
            if isinstance(field_filter, SlugsFilter):
                for record in value:
                    chips.append(Chip(f"{label}: {record}", self.query_without(name, record.slug)))
            elif isinstance(field_filter, django_filters.OrderingFilter):
                continue
            elif isinstance(field_filter, django_filters.ChoiceFilter):
                display = dict(field_filter.extra.get("choices", [])).get(value, value)
                chips.append(Chip(f"{label}: {display}", self.query_without(name)))
            else:
                shown = value.isoformat() if hasattr(value, "isoformat") else value
                chips.append(Chip(f"{label}: {shown}", self.query_without(name)))
        return chips


class RecordQuery:
    """/meetings/?<name>=<slug> for a public record's own slug, as the links of a valid MeetingFilter
    of it read it (`_query_data`, `query_changed`), without building and validating one: a record
    page's year chart links each bar to the record's meetings in that year."""

    def __init__(self, name: str, slug: str):
        self._data = QueryDict(mutable=True)
        self._data.setlist(name, [slug])
        self._data._mutable = False

    def _query_data(self) -> QueryDict:
        return self._data

    query_changed = PartnershipFilterSet.query_changed


class MeetingFilter(PartnershipFilterSet):
    """Public meetings by area (with sub-areas), official, organisation, agreement, dates, year, kind and words."""

    q = SearchFilter()
    area = SlugsFilter(
        label="Area", noun="cooperation area", queryset=CooperationArea.objects.public(), method="filter_area"
    )
    official = SlugsFilter(
        label="Official", noun="official", queryset=Official.objects.public(), method="filter_official"
    )
    organisation = SlugsFilter(
        label="Organisation", noun="organisation", queryset=Organisation.objects.public(), method="filter_organisation"
    )
    agreement = SlugsFilter(
        label="Agreement", noun="agreement", queryset=Agreement.objects.public(), method="filter_agreement"
    )
    city = SlugsFilter(label="City", noun="city", queryset=City.objects.public(), method="filter_city")
    date_after = django_filters.DateFilter(
        label="From", field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label="Until", field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    year = YearFilter(label="Year", field_name="date", lookup_expr="year")
    kind = django_filters.ChoiceFilter(
        label="Kind", field_name="kind", lookup_expr="exact", choices=MeetingKind.choices, empty_label="Any kind"
    )
    sort = StableOrderingFilter(
        label="Sort",
        fields=(("date", "date"), ("title", "title")),
        choices=[("-date", "Newest first"), ("date", "Oldest first"), ("title", "Title A–Z")],
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Meeting
        fields = []

    @property
    def qs(self):
        found = super().qs
        if not hasattr(found, "known_count"):
            found.known_count = self.known_total  # read only if the paginator counts (not when cached)
        return found

    def known_total(self) -> int | None:
        """The result's size when it is known without counting: kept on write, or its ids read."""
        stored = self.stored_counts()
        if stored is not None:
            return stored.total()
        ids = self.result_ids()
        return len(ids) if ids is not None else None

    def result_ids(self) -> list[int] | None:
        """The result's meeting ids in the list's order, read once, when there are at most
        RESULT_IDS_MAX of them on PostgreSQL and no counts kept on write serve the list; else None."""
        if not hasattr(self, "_result_ids"):
            self._result_ids = None
            if connections[self.queryset.db].vendor == "postgresql" and self.stored_counts() is None:
                # With each meeting's date, kind and city, which the year, kind and city facets count:
                # each was a query probing the same meetings again (about 70 ms of an official's list
                # at 6,000 meetings), and the planner reads the rows by key rather than walking the
                # date index of every meeting for their ids alone.
                rows = list(super().qs.values_list("pk", "date", "kind", "city_record_id")[: RESULT_IDS_MAX + 1])
                if len(rows) <= RESULT_IDS_MAX:
                    self._result_ids = [row[0] for row in rows]
                    self._result_facts = rows
        return self._result_ids

    def _result_counts_of(self, column: int) -> Counter:
        """How many of result_ids()' meetings have each value of a column of their rows (2: the kind,
        3: the city), None left out."""
        return Counter(row[column] for row in self._result_facts if row[column] is not None)

    def kept_keys(self, size: int, offset: int = 0) -> list[int] | None:
        """The keys of `size` rows from `offset`, in the list's order, when an area's meetings kept
        on write give them (facets.kept_keys); else None."""
        return facets.kept_keys(self, size, offset)

    def result_meetings(self) -> QuerySet:
        """The result as a QuerySet to count over: by its ids when result_ids() has them."""
        ids = self.result_ids()
        if ids is None:
            return self.qs
        # One array parameter, not one per id: the plan probes each meeting's links by index.
        return facets.meetings_among(ids, self.queryset.db)

    def result_counts(self) -> "pictures.MeetingCounts | None":
        """The result's meetings per year, and per pillar and year, when result_ids() has them: read
        once for the year facet and the chart, by queries compiled once per process."""
        if not hasattr(self, "_result_counts"):
            ids = self.result_ids()
            self._result_counts = None
            if ids is not None:
                dates = {pk: day for pk, day, _kind, _city in self._result_facts}
                self._result_counts = pictures.MeetingCounts(ids, self.queryset.db, dates=dates)
        return self._result_counts

    def filter_area(self, queryset, name, areas):
        # The meetings in an area's subtree are kept on write too (FacetRoot): one index probe per meeting.
        if not areas:
            return queryset  # django-filter calls a method filter with no value too
        kept = facets.maintained(queryset.db)
        for area in areas:
            queryset = facets.in_subtree(queryset, area) if kept else queryset.for_areas([area])
        return queryset

    # A meeting's public links by their kept flags (facets.public_links: the rule's own answer, one
    # index probe) rather than through the rule's joins, as the area filter reads FacetRoot.

    def filter_official(self, queryset, name, officials):
        return self._linked(queryset, Participation, "official", officials)

    def filter_organisation(self, queryset, name, organisations):
        return self._linked(queryset, MeetingOrganisation, "organisation", organisations)

    def filter_agreement(self, queryset, name, agreements):
        return self._linked(queryset, MeetingAgreement, "agreement", agreements)

    def _linked(self, queryset, link_model, field: str, records):
        if not records:
            return queryset
        links = facets.public_links(link_model, queryset.db)
        return _each(queryset, records, lambda r: Exists(links.filter(meeting=OuterRef("pk"), **{field: r})))

    def filter_city(self, queryset, name, cities):
        return _each(queryset, cities, lambda city: Q(city_record=city))

    def filter_search(self, queryset, name, value):
        """Words in the meeting's text, or a city's name in any of its spellings ("Ha Noi" finds Hanoi)."""
        found = super().filter_search(queryset, name, value)
        key = name_key(value)
        cities = [
            pk
            for pk, names, aliases in City.objects.public().values_list("pk", "name", "aliases")
            if key in {name_key(spelling) for spelling in [names, *aliases]}
        ]
        return found | queryset.filter(city_record__in=cities) if cities else found

    # -- facets: counts over the current result, one aggregate query each ---------------
    # The unfiltered list, a list filtered by one area, and a few more, read counts kept on write
    # instead (partnership/facets.py, stored_counts); every other list groups its own result.
    # Tests and the check set count_by_group to compare the two.
    count_by_group = False

    def stored_counts(self) -> "facets.StoredCounts | None":
        if not hasattr(self, "_stored_counts"):
            self._stored_counts = facets.stored_counts(self)
        return self._stored_counts

    def _selected(self, name) -> set[str]:
        return set(self._query_data().getlist(name))

    def _choice(self, name, value, label, count, *, depth=0, single=False) -> FacetChoice:
        selected = value in self._selected(name)
        if selected:
            query = self.query_without(name, value)
        else:
            query = self.query_set(name, value) if single else self.query_with(name, value)
        return FacetChoice(value, label, count, selected, depth, query)

    def area_facets(self) -> list[FacetChoice]:
        """The area tree with, for each area, how many current meetings discussed it or an area below it.

        "Below" is every area under it, as the area filter reads it, so a count is what choosing it gives.
        """
        # Which areas are public changes only with the records (cache.py).
        areas = cached(
            "facets:public-areas",
            lambda: list(
                CooperationArea.objects.public().values_list("pk", "slug", "name", "parent_id").order_by("name")
            ),
            records=True,
        )
        children: dict = {}
        for pk, _slug, _name, parent_id in areas:
            children.setdefault(parent_id, []).append(pk)
        stored = self.stored_counts()
        if stored is not None:
            counts = stored.areas()
        elif areas:
            every = CooperationArea.objects.children_map()
            links = facets.public_links(MeetingArea, self.queryset.db)
            counts = _subtree_counts(self.result_meetings(), {pk: subtree(every, [pk]) for pk, *_ in areas}, links)
        else:
            counts = {}
        by_pk = {pk: (slug, name) for pk, slug, name, _ in areas}
        selected = self._selected("area")
        out = []

        def walk(parent, depth):
            for pk in children.get(parent, []):
                slug, name = by_pk[pk]
                count = counts.get(pk, 0)
                if count or slug in selected:
                    out.append(self._choice("area", slug, name, count, depth=depth))
                    walk(pk, depth + 1)

        walk(None, 0)
        return out

    def _link_facets(self, model, field: str, name: str) -> list[FacetChoice]:
        label = "title" if field == "agreement" else "name"
        stored = self.stored_counts()
        if stored is not None:
            related = model._meta.get_field(field).related_model
            rows = stored.top(field, related, label, FACET_LIMIT)
            return [self._choice(name, slug, text, count) for _pk, slug, text, count in rows]
        using, ids = self.queryset.db, self.result_ids()
        if ids is not None:
            key = (using, facets.flags_current(using), model, field, label)
            rows = _LINK_COUNTS(ids, key=key, using=using)
        else:
            rows = _link_counts(facets.public_links(model, using), self.qs.order_by().values("pk"), field, label)
        return [self._choice(name, slug, label, count) for slug, label, count in map(_values, rows)]

    def official_facets(self) -> list[FacetChoice]:
        return self._link_facets(Participation, "official", "official")

    def organisation_facets(self) -> list[FacetChoice]:
        return self._link_facets(MeetingOrganisation, "organisation", "organisation")

    def agreement_facets(self) -> list[FacetChoice]:
        return self._link_facets(MeetingAgreement, "agreement", "agreement")

    def city_facets(self) -> list[FacetChoice]:
        stored = self.stored_counts()
        if stored is not None or self.result_ids() is not None:
            # Counted by city id (kept on write, or over the result's rows): named here.
            if stored is not None:
                counted = {int(pk): n for pk, n in stored.counts("city").items()}
            else:
                counted = self._result_counts_of(3)
            using = self.queryset.db
            cities = _CITIES(list(counted), key=(using,), using=using) if counted else []
            rows = sorted(((slug, name, counted[pk]) for pk, slug, name in cities), key=lambda r: (-r[2], r[1]))
            rows = rows[:FACET_LIMIT]
        else:
            rows = _city_counts(self.qs)
        return [self._choice("city", slug, label, count) for slug, label, count in rows]

    def kind_facets(self) -> list[FacetChoice]:
        labels = dict(MeetingKind.choices)
        stored = self.stored_counts()
        if stored is not None or self.result_ids() is not None:
            counted = stored.counts("kind") if stored is not None else self._result_counts_of(2)
            rows = [{"kind": kind, "count": n} for kind, n in sorted(counted.items(), key=_by_count)]
        else:
            rows = _kind_counts(self.qs)
        selected = self._selected("kind")
        return [
            FacetChoice(r["kind"], labels.get(r["kind"], r["kind"]), r["count"], r["kind"] in selected) for r in rows
        ]

    def year_histogram(self) -> list[FacetChoice]:
        """Meetings per year in the current result, oldest first."""
        counted = self.stored_counts()
        if counted is None:
            counted = self.result_counts()
        if counted is not None:
            rows = [{"meeting_year": year, "count": n} for year, n in sorted(counted.per_year().items())]
        else:
            rows = (
                self.qs.order_by()
                .annotate(meeting_year=ExtractYear("date"))
                .values("meeting_year")
                .annotate(count=Count("pk"))
                .order_by("meeting_year")
            )
        choices = [
            self._choice("year", str(r["meeting_year"]), str(r["meeting_year"]), r["count"], single=True) for r in rows
        ]
        top = max((choice.count for choice in choices), default=0)
        for choice in choices:
            choice.share = round(100 * choice.count / top) if top else 0
        return choices

    def facets(self) -> dict[str, list[FacetChoice]]:
        return {
            "area": self.area_facets(),
            "official": self.official_facets(),
            "organisation": self.organisation_facets(),
            "agreement": self.agreement_facets(),
            "city": self.city_facets(),
            "kind": self.kind_facets(),
        }


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def _subtree_counts(meetings, subtrees: dict[int, set[int]], links=None) -> dict[int, int]:
    """For each area, how many of the meetings discussed it or an area below it.

    One GROUP BY over the links joined to a small (area, ancestor) table, where one
    COUNT(DISTINCT ...) FILTER per area took seconds at 200,000 meetings. links: the public
    area links to read (default: by the public rule's joins).
    """
    pairs = [(area, root) for root, below in subtrees.items() for area in below]
    try:
        subquery, params = meetings.order_by().values("pk").query.sql_with_params()
        # Only public links count: a draft's area on a published meeting is no facet.
        links, link_params = (
            (links if links is not None else MeetingArea.objects.public())
            .order_by()
            .values("meeting_id", "area_id")
            .query.sql_with_params()
        )
    except EmptyResultSet:  # the filters already rule every meeting out (e.g. a search matching none)
        return {}
    values = ", ".join(["(%s, %s)"] * len(pairs))
    sql = (
        f"WITH closure(area_id, root_id) AS (VALUES {values}) "
        "SELECT closure.root_id, COUNT(DISTINCT link.meeting_id) "
        f"FROM ({links}) link JOIN closure ON closure.area_id = link.area_id "
        f"WHERE link.meeting_id IN ({subquery}) GROUP BY closure.root_id"
    )
    with connections[meetings.db].cursor() as cursor:
        cursor.execute(sql, [value for pair in pairs for value in pair] + list(link_params) + list(params))
        return dict(cursor.fetchall())


def _values(row: dict) -> tuple:
    return tuple(row.values())


def _link_counts(links, meetings, field: str, label: str) -> QuerySet:
    """The FACET_LIMIT records most often linked to the meetings: (slug, label, count) as dicts."""
    return (
        links.filter(meeting__in=meetings)
        .values(f"{field}__slug", f"{field}__{label}")
        # One row per meeting and record (the through models' unique constraints): no DISTINCT needed.
        .annotate(count=Count("meeting_id"))
        .order_by("-count", f"{field}__slug")[:FACET_LIMIT]
    )


def _city_counts(meetings) -> QuerySet:
    return (
        meetings.order_by()
        .filter(city_record__isnull=False)
        .values_list("city_record__slug", "city_record__name")
        .annotate(count=Count("pk"))
        .order_by("-count", "city_record__name")[:FACET_LIMIT]
    )


def _kind_counts(meetings) -> QuerySet:
    return meetings.order_by().values("kind").annotate(count=Count("pk")).order_by("-count", "kind")


# A list whose result's ids are at hand (result_ids) counts its facets over them the same way for
# every filter: compiled once per process, the ids one array parameter (partnership/compiled.py).
# Building and compiling them on each first render, the years twice, took about a quarter of its CPU.
_LINK_COUNTS = Compiled(
    lambda ids, using, current, model, field, label: _link_counts(
        facets.public_links(model, using, current=current), facets.among(ids, using), field, label
    ),
    arrays=(0,),
)
# The cities a list counted by city id names: from its kept counts' keys, or its result's rows.
_CITIES = Compiled(
    lambda ids, using: (
        City.objects.using(using).filter(pk__in=facets.among(ids, using)).values_list("pk", "slug", "name")
    ),
    arrays=(0,),
)


class OfficialFilter(PartnershipFilterSet):
    """Officials by organisation and title of a post held, year of a meeting attended, and name."""

    q = SearchFilter(label="Name")
    organisation = SlugsFilter(
        label="Organisation", noun="organisation", queryset=Organisation.objects.public(), method="filter_organisation"
    )
    post = django_filters.CharFilter(label="Post title", max_length=200, method="filter_post")
    year = YearFilter(label="Met in", method="filter_year")

    class Meta:
        model = Official
        fields = []

    def filter_organisation(self, queryset, name, organisations):
        return _each(
            queryset,
            organisations,
            lambda o: Exists(Post.objects.public().filter(official=OuterRef("pk"), organisation=o)),
        )

    def filter_post(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Exists(Post.objects.public().filter(official=OuterRef("pk"), title__icontains=value)))

    def filter_year(self, queryset, name, year):
        attended = Participation.objects.public().filter(official=OuterRef("pk"), meeting__date__year=year)
        return queryset.filter(Exists(attended))


class OrganisationFilter(PartnershipFilterSet):
    """Organisations by kind, parent organisation and name."""

    q = SearchFilter(label="Name")
    kind = django_filters.ChoiceFilter(
        label="Kind", field_name="kind", lookup_expr="exact", choices=OrganisationKind.choices, empty_label="Any kind"
    )
    parent = SlugsFilter(
        label="Parent organisation",
        noun="organisation",
        queryset=Organisation.objects.public(),
        field_name="parent__slug",
    )

    class Meta:
        model = Organisation
        fields = []


class AgreementFilter(PartnershipFilterSet):
    """Agreements by kind, status, area (with sub-areas), party, year signed and words."""

    q = SearchFilter()
    kind = django_filters.ChoiceFilter(
        label="Kind", field_name="kind", lookup_expr="exact", choices=AgreementKind.choices, empty_label="Any kind"
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        field_name="status",
        lookup_expr="exact",
        choices=AgreementStatus.choices,
        empty_label="Any status",
    )
    area = SlugsFilter(
        label="Area", noun="cooperation area", queryset=CooperationArea.objects.public(), method="filter_area"
    )
    party = SlugsFilter(
        label="Party",
        noun="organisation",
        queryset=Organisation.objects.public(),
        field_name="parties__slug",
        conjoined=True,
    )
    year = YearFilter(label="Signed in", field_name="signed_date", lookup_expr="year")

    class Meta:
        model = Agreement
        fields = []

    def filter_area(self, queryset, name, areas):
        through = Agreement.areas.through
        return _each(
            queryset,
            areas,
            lambda area: Exists(
                through.objects.filter(
                    agreement=OuterRef("pk"),
                    cooperationarea_id__in=CooperationArea.objects.descendant_ids([area]),
                )
            ),
        )


class PressReleaseFilter(PartnershipFilterSet):
    """Published releases by publisher, year, dates and words."""

    q = SearchFilter()
    publisher = SlugsFilter(
        label="Publisher", noun="organisation", queryset=Organisation.objects.public(), field_name="publisher__slug"
    )
    year = YearFilter(label="Year", field_name="date", lookup_expr="year")
    date_after = django_filters.DateFilter(
        label="From", field_name="date", lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_before = django_filters.DateFilter(
        label="Until", field_name="date", lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = PressRelease
        fields = []


# -- binding: one validation of query parameters for pages and data out -------------


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
