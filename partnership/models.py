"""The knowledge base: records, the links between them, and where each fact came from."""

import functools
import re

import simple_history
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString

from .dates import DatePrecision, format_partial_date, is_start_of_span
from .markdown import html_to_store, paragraphs, stored_html, validate_markdown
from .names import name_key, slug_for

_SLUG_MARK = "slug-mark-0"
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@functools.lru_cache(maxsize=64)
def _around_slug(name: str, script_prefix: str, urlconf) -> tuple[str, str]:
    before, after = reverse(name, kwargs={"slug": _SLUG_MARK}).split(_SLUG_MARK)
    return before, after


def detail_url(name: str, slug: str) -> str:
    """reverse(name, kwargs={"slug": slug}), the route read once per name: a page links to dozens of
    records, and reverse() costs more than the rest of a link."""
    if not _PLAIN_SLUG.fullmatch(slug or ""):
        return reverse(name, kwargs={"slug": slug})
    before, after = _around_slug(name, get_script_prefix(), get_urlconf())
    return f"{before}{slug}{after}"


@functools.lru_cache(maxsize=256)
def _route(name: str, script_prefix: str, urlconf, kwargs: tuple) -> str:
    return reverse(name, kwargs=dict(kwargs) or None)


def route_url(name: str, **kwargs: str) -> str:
    """reverse(name, kwargs=kwargs), read once: for a route without arguments, or with constant
    ones (an export's kind), never a record's slug (detail_url)."""
    return _route(name, get_script_prefix(), get_urlconf(), tuple(sorted(kwargs.items())))


def unique_slug(instance: models.Model, text: str) -> str:
    """A slug from text, suffixed -2, -3 ... until no other row of the model has it."""
    base = slug_for(text)
    slug, counter = base, 2
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    while others.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def check_partial_date(errors: dict, field: str, value, precision: str) -> None:
    if value is not None and not is_start_of_span(value, precision):
        errors[field] = f"A date known to the {precision} is stored as the first day of that {precision}."


class RecordQuerySet(models.QuerySet):
    def public(self):
        """Records the public may see: entered by hand, or named by a published release.

        A record first created from a release stays hidden until that release, or another
        published release that names it (through a fact with its own source), is published.
        """
        return self.filter(attested(self.model))


def attested(model) -> Q:
    """The condition under which a record of model is public (see RecordQuerySet.public)."""
    first_seen = model.first_seen_field
    if first_seen is None:
        return Q()
    condition = Q(**{f"{first_seen}__isnull": True}) | Q(**{f"{first_seen}__status": ReleaseStatus.PUBLISHED})
    for related, field, published in attestations(model):
        condition |= Exists(related._default_manager.filter(**{field: OuterRef("pk")}, **published))
    return condition


def attestations(model) -> list[tuple[type[models.Model], str, dict]]:
    """The rows that can attest a record of model: (model, field naming the record, when it is published).

    Facts with a source of their own, and releases (a published release attests its publisher).
    """
    found = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if not relation.one_to_many:
            continue  # links without a source of their own (takes into account, parties) attest nothing
        if issubclass(related, Sourced) and relation.field.name != "source":
            found.append((related, relation.field.name, {"source__status": ReleaseStatus.PUBLISHED}))
        elif related is PressRelease:
            found.append((related, relation.field.name, {"status": ReleaseStatus.PUBLISHED}))
    return found


class SourcedQuerySet(models.QuerySet):
    def released(self):
        """Facts entered by hand, or drawn from a published release."""
        return self.filter(Q(source__isnull=True) | Q(source__status=ReleaseStatus.PUBLISHED))

    def public(self):
        """Facts the public may see: released, and every record they hang on public too."""
        queryset = self.released()
        for name in self.model.hangs_on:
            field = self.model._meta.get_field(name)
            queryset = queryset.filter(**{f"{name}__in": public_ids(field.related_model, self.db)})
        return queryset


# The rule for the records a fact hangs on reads no clock and no request: the same SQL every time.
# Compiled once per process and database instead of on every query that nests it (a post's rule,
# nesting its official's and organisation's, took 19 ms to build and compile, for each page).
_compiled_rules: dict[tuple[str, str], tuple[str, tuple]] = {}


def public_ids(model, using: str) -> RawSQL:
    """The subquery of model's public primary keys (model.objects.public()), as compiled SQL."""
    key = (model._meta.label, using)
    if key not in _compiled_rules:
        query = model._default_manager.using(using).public().order_by().values("pk").query
        _compiled_rules[key] = query.get_compiler(using=using).as_sql()
    sql, params = _compiled_rules[key]
    return RawSQL(sql, params)


class NamedRecord(models.Model):
    """A record with a display name, a slug and alternative spellings."""

    slug = models.SlugField(max_length=100, unique=True, blank=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other spellings and short forms used in releases, e.g. “Jenca” or “SG Minh”.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")

    objects = RecordQuerySet.as_manager()
    # The field naming the release this record was first created from (RecordQuerySet.public);
    # None for kinds that are never created from a release, which are always public.
    first_seen_field: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.display_name())
        super().save(*args, **kwargs)

    def display_name(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": "Give alternative spellings as a list of names."})
        self.aliases = [alias.strip() for alias in self.aliases if alias.strip()]

    def name_keys(self) -> set[str]:
        """Every spelling of this record, as name keys."""
        return {name_key(name) for name in [self.display_name(), *self.aliases] if name.strip()}


class SeenInRelease(NamedRecord):
    """A record that extraction may create from a release: hidden until a published release names it."""

    first_seen = models.ForeignKey(
        "PressRelease",
        on_delete=models.PROTECT,
        related_name="first_seen_%(class)ss",
        null=True,
        blank=True,
        help_text="The release this record was first created from; empty for records entered by hand.",
    )

    first_seen_field = "first_seen"

    class Meta:
        abstract = True


class Sourced(models.Model):
    """Provenance: the release and paragraph a derived fact rests on."""

    source = models.ForeignKey(
        "PressRelease",
        on_delete=models.PROTECT,
        related_name="derived_%(class)ss",
        null=True,
        blank=True,
        help_text="The press release this fact comes from.",
    )
    source_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Paragraph of the release (1 is the first)."
    )

    objects = SourcedQuerySet.as_manager()
    # The records this fact hangs on: it is public only while they are (SourcedQuerySet.public).
    hangs_on: tuple[str, ...] = ()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(source__isnull=True, source_paragraph__isnull=True)
                | Q(source__isnull=False, source_paragraph__isnull=False, source_paragraph__gte=1),
                name="%(app_label)s_%(class)s_source_has_paragraph",
                violation_error_message="A source needs a paragraph number (1 or more), and a paragraph a source.",
            ),
        ]

    def clean(self):
        super().clean()
        if self.source_id and self.source_paragraph:
            count = len(self.source.paragraphs())
            if self.source_paragraph > count:
                message = f"The release has {count} paragraphs; there is no paragraph {self.source_paragraph}."
                raise ValidationError({"source_paragraph": message})

    def get_source_url(self) -> str:
        if not self.source_id:
            return ""
        return self.source.paragraph_url(self.source_paragraph)

    @property
    def public_source(self) -> "PressRelease | None":
        """The release this fact cites, when the public may see it (an agreement may be named by a draft first)."""
        return self.source if self.source_id and self.source.is_published else None


class OrganisationKind(models.TextChoices):
    INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
    SECRETARIAT = "secretariat", "Secretariat"
    DEPARTMENT = "department", "Department"
    AGENCY = "agency", "Agency"
    SECTORAL_BODY = "sectoral_body", "Sectoral body"
    MEMBER_STATE = "member_state", "Member state"
    OTHER = "other", "Other"


class Organisation(SeenInRelease):
    """An organisation, or a part of one: ASEAN, its Secretariat, the UN, a UN agency."""

    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices, default=OrganisationKind.OTHER)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The organisation this one belongs to.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="organisation_not_own_parent",
                violation_error_message="An organisation cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name

    def get_absolute_url(self):
        return detail_url("partnership:organisation-detail", self.slug)

    def name_keys(self) -> set[str]:
        keys = super().name_keys()
        if self.acronym:
            keys.add(name_key(self.acronym))
        return keys

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "An organisation cannot sit inside itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Official(SeenInRelease):
    """A person who has held a post; the posts carry the titles and dates."""

    name = models.CharField(max_length=200, help_text="Display name with its proper diacritics, e.g. Miroslav Jenča.")
    honorific = models.CharField(max_length=40, blank=True, help_text="e.g. H.E.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("partnership:official-detail", self.slug)


class Post(Sourced):
    """A title an official held in an organisation over a span of time."""

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="posts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(max_length=200, help_text="e.g. Assistant Secretary-General for Political Affairs")
    start_date = models.DateField(null=True, blank=True)
    start_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    end_date = models.DateField(null=True, blank=True)
    end_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)

    hangs_on = ("official", "organisation")

    class Meta:
        ordering = [F("start_date").desc(nulls_last=True), "title"]
        constraints = [
            *Sourced.Meta.constraints,
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="post_ends_after_start",
                violation_error_message="A post cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["official", "organisation", "title", "start_date"],
                name="post_unique_per_official_title_start",
                violation_error_message="This official already has this post with this start date.",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.organisation.acronym or self.organisation.name}"

    def clean(self):
        super().clean()
        errors = {}
        check_partial_date(errors, "start_date", self.start_date, self.start_precision)
        check_partial_date(errors, "end_date", self.end_date, self.end_precision)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "A post cannot end before it starts."
        if errors:
            raise ValidationError(errors)

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start_date, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end_date, self.end_precision)


def subtree(children: dict, roots) -> set:
    """The roots and every node below them, in a {parent: [child, ...]} map of a tree."""
    found = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(children.get(node, []))
    return found


class CooperationAreaQuerySet(RecordQuerySet):
    def children_map(self) -> dict[int | None, list[int]]:
        """{parent id: [child ids]} over every area, public or not (one query: the tree is small)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in self.model._default_manager.using(self.db).values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        return children

    def descendant_ids(self, roots) -> set[int]:
        """Ids of the given areas and every area below them."""
        return subtree(self.children_map(), [root.pk if isinstance(root, models.Model) else root for root in roots])

    def ancestor_ids(self, ids) -> set[int]:
        """The given area ids and those of every area above them."""
        parents = {child: [parent] for parent, children in self.children_map().items() if parent for child in children}
        return subtree(parents, ids)

    def tree(self) -> list[tuple["CooperationArea", list]]:
        """Every area as nested (area, children) pairs, pillars first (one query)."""
        children: dict[int | None, list] = {}
        for area in self.order_by("name"):
            children.setdefault(area.parent_id, []).append(area)

        def branch(parent_id):
            return [(area, branch(area.pk)) for area in children.get(parent_id, [])]

        return branch(None)


class CooperationArea(SeenInRelease):
    """A field of cooperation; top-level areas are pillars, with areas below them."""

    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The pillar or broader area this area belongs to.",
    )

    objects = CooperationAreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")),
                name="area_not_own_parent",
                violation_error_message="An area cannot be its own parent.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return detail_url("partnership:area-detail", self.slug)

    def clean(self):
        super().clean()
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "An area cannot sit inside itself."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def is_pillar(self) -> bool:
        return self.parent_id is None

    def ancestors(self) -> list["CooperationArea"]:
        """The areas above this one, pillar first."""
        found, ancestor = [], self.parent
        while ancestor is not None and ancestor not in found:
            found.insert(0, ancestor)
            ancestor = ancestor.parent
        return found


class AgreementKind(models.TextChoices):
    DECLARATION = "declaration", "Declaration"
    PLAN_OF_ACTION = "plan_of_action", "Plan of action"
    PLAN = "plan", "Plan"
    MOU = "mou", "Memorandum of understanding"
    AGREEMENT = "agreement", "Agreement"
    FRAMEWORK = "framework", "Framework or agenda"
    OTHER = "other", "Other"


class AgreementStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    SIGNED = "signed", "Signed"
    PROPOSED = "proposed", "Proposed / under consideration"
    IN_PREPARATION = "in_preparation", "In preparation"
    EXPIRED = "expired", "Expired or superseded"
    NOT_STATED = "not_stated", "Not stated"


class Agreement(NamedRecord, Sourced):
    """A declaration, plan, MoU or framework between organisations."""

    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=30, choices=AgreementKind.choices, default=AgreementKind.AGREEMENT)
    status = models.CharField(max_length=30, choices=AgreementStatus.choices, default=AgreementStatus.NOT_STATED)
    signed_date = models.DateField(null=True, blank=True)
    signed_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    parties = models.ManyToManyField(Organisation, related_name="agreements", blank=True)
    areas = models.ManyToManyField(CooperationArea, related_name="agreements", blank=True)
    takes_into_account = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="taken_into_account_by",
        blank=True,
        help_text="Frameworks or earlier agreements this one builds on.",
    )

    # An agreement's source is where it was first seen: hidden with a draft until a published release names it.
    objects = RecordQuerySet.as_manager()
    first_seen_field = "source"

    class Meta:
        ordering = ["title"]
        constraints = [*Sourced.Meta.constraints]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return detail_url("partnership:agreement-detail", self.slug)

    def display_name(self) -> str:
        return self.title

    def name_keys(self) -> set[str]:
        keys = super().name_keys()
        if self.short_title:
            keys.add(name_key(self.short_title))
        return keys

    def clean(self):
        super().clean()
        errors = {}
        check_partial_date(errors, "signed_date", self.signed_date, self.signed_precision)
        if errors:
            raise ValidationError(errors)

    @property
    def signed_display(self) -> str:
        return format_partial_date(self.signed_date, self.signed_precision)


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PressReleaseQuerySet(models.QuerySet):
    def published(self):
        """Releases the public may see."""
        return self.filter(status=ReleaseStatus.PUBLISHED)

    public = published


class PressRelease(models.Model):
    """The source document: a press release, kept verbatim as Markdown."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    publisher = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="press_releases")
    dateline_place = models.CharField(max_length=100, help_text="The place in the dateline, e.g. Jakarta.")
    date = models.DateField(help_text="The date in the dateline.")
    body = models.TextField(
        help_text="The release text, verbatim, as Markdown; paragraphs are separated by a blank line.",
        validators=[validate_markdown],
    )
    # Rendered and sanitised on save, so a public page never runs Markdown (partnership/markdown.py).
    body_html = models.TextField(blank=True, editable=False, db_default="")
    original_url = models.URLField(blank=True, max_length=500)
    status = models.CharField(max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PressReleaseQuerySet.as_manager()
    # The text itself: no list counts, filters or labels by it (partnership/cache.py).
    outside_list_parts = frozenset({"body", "body_html", "original_url", "updated_at"})

    class Meta:
        ordering = ["-date", "title"]
        # Whether a release is published, read without its row: the public rule asks it of every
        # record and fact it lets through, and a row carries the whole text. Without this index a
        # search matching a few hundred officials hashed all 50,000 releases' rows (58 ms of 63).
        indexes = [models.Index(fields=["id"], include=["status"], name="release_status_idx")]

    def __str__(self):
        return f"{self.title} ({self.dateline_place}, {format_partial_date(self.date, DatePrecision.DAY)})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, f"{self.date:%Y-%m-%d} {self.title}")
        self.body_html = html_to_store(self.body)
        if kwargs.get("update_fields") is not None and "body" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_url("partnership:release-detail", self.slug)

    def paragraphs(self) -> list[str]:
        """The body's paragraphs, numbered from 1 in citations."""
        return paragraphs(self.body)

    def body_as_html(self) -> SafeString:
        """The body as rendered on save; rows written around save() show it as plain text."""
        return stored_html(self.body, self.body_html)

    def paragraph_url(self, number: int) -> str:
        return f"{self.get_absolute_url()}#p{number}"

    @property
    def is_published(self) -> bool:
        return self.status == ReleaseStatus.PUBLISHED


class PlaceQuerySet(RecordQuerySet):
    def public(self):
        """Places the public may see: named by a published meeting, or by none (the gazetteer, an editor).

        A place only a draft meeting names was first written down from an embargoed release: it
        stays hidden with that release, as a person first seen there does.
        """
        meetings = Meeting.objects.filter(**{self.model.meetings_field: OuterRef("pk")})
        return self.filter(~Exists(meetings) | Exists(meetings.public()))


class City(NamedRecord):
    """A city where meetings happen, with its coordinates for the map."""

    name = models.CharField(max_length=100)
    country = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True, help_text="Degrees north (south is negative).")
    longitude = models.FloatField(null=True, blank=True, help_text="Degrees east (west is negative).")

    objects = PlaceQuerySet.as_manager()
    meetings_field = "city_record"

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="city_coordinates_on_earth",
                violation_error_message="Give both coordinates: latitude -90 to 90, longitude -180 to 180.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{route_url('partnership:meeting-list')}?city={self.slug}"

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Venue(NamedRecord):
    """A building or conference centre where meetings happen, in a city."""

    name = models.CharField(max_length=200)
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, related_name="venues")

    objects = PlaceQuerySet.as_manager()
    meetings_field = "venue_record"

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.city}" if self.city_id else self.name

    def get_absolute_url(self):
        return f"{route_url('partnership:meeting-list')}?venue={self.slug}"


class MeetingKind(models.TextChoices):
    BILATERAL = "bilateral", "Bilateral meeting"
    SUMMIT = "summit", "Summit"
    MINISTERIAL = "ministerial", "Ministerial meeting"
    WORKING_LEVEL = "working_level", "Working-level meeting"
    CONFERENCE = "conference", "Conference or workshop"
    OTHER = "other", "Other"


class MeetingQuerySet(SourcedQuerySet):
    def public(self):
        """Meetings whose source release is published (drafts stay hidden)."""
        return self.filter(source__status=ReleaseStatus.PUBLISHED)

    def count(self):
        # A list whose total is kept on write says so through known_count (MeetingFilter.qs); a
        # clone (any further filter) has no such attribute and counts again.
        known = getattr(self, "known_count", None)
        found = known() if known is not None else None
        return super().count() if found is None else found

    def for_areas(self, areas):
        """Meetings that discussed any of the areas or an area below them."""
        ids = CooperationArea.objects.descendant_ids(areas)
        return self.filter(Exists(MeetingArea.objects.public().filter(meeting=OuterRef("pk"), area_id__in=ids)))


class Meeting(Sourced):
    """A meeting reported in a release: when, where, who, about what, and what came of it."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True, blank=True)
    date = models.DateField()
    date_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    venue = models.CharField(max_length=200, blank=True, help_text="e.g. ASEAN Secretariat")
    city = models.CharField(max_length=100, blank=True, help_text="e.g. Jakarta")
    # The records the text above names, kept in step with it on save: editors write the place
    # as the release does, and any spelling of a known city ("Ha Noi", "Hà Nội") finds it.
    venue_record = models.ForeignKey(
        Venue, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="meetings"
    )
    city_record = models.ForeignKey(
        City, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="meetings"
    )
    kind = models.CharField(max_length=30, choices=MeetingKind.choices, default=MeetingKind.BILATERAL)
    summary = models.TextField(blank=True, help_text="Markdown.")
    participants = models.ManyToManyField(Official, through="Participation", related_name="meetings")
    organisations = models.ManyToManyField(Organisation, through="MeetingOrganisation", related_name="meetings")
    areas = models.ManyToManyField(CooperationArea, through="MeetingArea", related_name="meetings")
    agreements = models.ManyToManyField(Agreement, through="MeetingAgreement", related_name="meetings")
    # Kept equal to "is in Meeting.objects.public()" by partnership.facets.sync on every write, so
    # the database can add up facet counts without a copy of the public rule (decision 0015).
    is_public = models.BooleanField(default=False, db_default=False, editable=False)

    objects = MeetingQuerySet.as_manager()
    # Fields no list's parts read (its count, facets, filters, order by default, chips): a save
    # that changes only these leaves them cached (partnership/cache.py); the rows are read fresh.
    outside_list_parts = frozenset({"title", "summary"})

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [*Sourced.Meta.constraints]
        indexes = [
            # Newest first, each with its release (PostgreSQL): a list filtered by year, or by kind,
            # finds its meetings and their releases in the index alone, then joins an area's
            # meetings by hash. At 200,000 meetings an area's year took 12 ms, an area's kind 53 ms,
            # reading the meetings' scattered rows; 5 and 24 ms this way.
            models.Index(fields=["-date", "-id"], include=["source"], name="meeting_date_idx"),
            models.Index(fields=["kind", "-date", "-id"], include=["source"], name="meeting_kind_date_idx"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date_display})"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, f"{self.date:%Y-%m-%d} {self.title}")
        from .places import city_named, venue_named

        self.city_record = city_named(City, self.city)
        self.venue_record = venue_named(Venue, self.venue, self.city_record)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_url("partnership:meeting-detail", self.slug)

    def clean(self):
        super().clean()
        errors = {}
        check_partial_date(errors, "date", self.date, self.date_precision)
        if errors:
            raise ValidationError(errors)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def place(self) -> str:
        return ", ".join(part for part in [self.venue, self.city] if part)


class ParticipantRole(models.TextChoices):
    HOST = "host", "Host"
    VISITOR = "visitor", "Visitor"
    CHAIR = "chair", "Chair"
    PARTICIPANT = "participant", "Participant"


class ParticipationQuerySet(SourcedQuerySet):
    def with_public_post(self):
        """With the post held, which `public_post` gives only when the public may see it."""
        public_post = Exists(Post.objects.public().filter(pk=OuterRef("post_id")))
        return self.select_related("post__organisation").annotate(post_is_public=public_post)


def _public_by_meeting(record: str, name: str) -> models.Index:
    """A meeting link's public rows by meeting, with the record they name: what is counted over a
    set of meetings (a list's facets over its result's ids, who a record met, its pillars by year)
    is then read from the index alone, not a heap row fetched per link to read its flag."""
    return models.Index(fields=["meeting", record], condition=models.Q(is_public=True), name=name)


class Participation(Sourced):
    """An official at a meeting: the role played and the post held at the time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participations")
    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTICIPANT)
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text="The post the official held at the time of the meeting.",
    )
    # Kept equal to "is in public()" by partnership.facets.sync (decision 0015).
    is_public = models.BooleanField(default=False, db_default=False, editable=False)

    objects = ParticipationQuerySet.as_manager()
    hangs_on = ("meeting", "official")

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(
                fields=["meeting", "official"],
                name="participation_unique",
                violation_error_message="This official is already a participant of this meeting.",
            ),
        ]
        indexes = [_public_by_meeting("official", "participation_public_idx")]

    def __str__(self):
        return f"{self.official} ({self.get_role_display()}) at {self.meeting.title}"

    @property
    def public_post(self) -> Post | None:
        """The post held, if the public may see it; None unless read through with_public_post()."""
        return self.post if self.post_id and getattr(self, "post_is_public", False) else None

    def clean(self):
        super().clean()
        if self.post_id and self.official_id and self.post.official_id != self.official_id:
            raise ValidationError({"post": "The post must be one this official held."})


class MeetingOrganisation(Sourced):
    """An organisation taking part in, or represented at, a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="organisation_links")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="meeting_links")
    # Kept equal to "is in public()" by partnership.facets.sync (decision 0015).
    is_public = models.BooleanField(default=False, db_default=False, editable=False)

    hangs_on = ("meeting", "organisation")

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["meeting", "organisation"], name="meeting_organisation_unique"),
        ]
        indexes = [_public_by_meeting("organisation", "meeting_org_public_idx")]

    def __str__(self):
        return f"{self.organisation} at {self.meeting.title}"


class MeetingArea(Sourced):
    """A cooperation area discussed at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="area_links")
    area = models.ForeignKey(CooperationArea, on_delete=models.PROTECT, related_name="meeting_links")
    # Kept equal to "is in public()" by partnership.facets.sync (decision 0015).
    is_public = models.BooleanField(default=False, db_default=False, editable=False)

    hangs_on = ("meeting", "area")

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["meeting", "area"], name="meeting_area_unique"),
        ]
        indexes = [_public_by_meeting("area", "meeting_area_public_idx")]

    def __str__(self):
        return f"{self.area} at {self.meeting.title}"


class MeetingAgreement(Sourced):
    """An agreement referred to at a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agreement_links")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="meeting_links")
    # Kept equal to "is in public()" by partnership.facets.sync (decision 0015).
    is_public = models.BooleanField(default=False, db_default=False, editable=False)

    hangs_on = ("meeting", "agreement")

    class Meta:
        ordering = ["meeting", "pk"]
        constraints = [
            *Sourced.Meta.constraints,
            models.UniqueConstraint(fields=["meeting", "agreement"], name="meeting_agreement_unique"),
        ]
        indexes = [_public_by_meeting("agreement", "meeting_agr_public_idx")]

    def __str__(self):
        return f"{self.agreement} at {self.meeting.title}"


class OutcomeKind(models.TextChoices):
    AGREED = "agreed", "Agreed"
    REAFFIRMED = "reaffirmed", "Reaffirmed"
    DISCUSSED = "discussed", "Discussed"
    WELCOMED = "welcomed", "Welcomed"
    APPRECIATED = "appreciated", "Expressed appreciation"
    LOOKED_FORWARD = "looked_forward", "Looked forward to"


class Outcome(Sourced):
    """What came of a meeting: something agreed, discussed, welcomed or reaffirmed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    text = models.TextField(help_text="What was agreed, discussed or welcomed, in the release's words where possible.")
    position = models.PositiveSmallIntegerField(default=0)
    areas = models.ManyToManyField(CooperationArea, related_name="outcomes", blank=True)
    agreements = models.ManyToManyField(Agreement, related_name="outcomes", blank=True)

    hangs_on = ("meeting",)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [*Sourced.Meta.constraints]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:80]}"


class RelationshipKind(models.TextChoices):
    COOPERATION = "cooperation", "Cooperation"
    WORKING_RELATIONSHIPS = "working_relationships", "Working relationships"
    MEMBERSHIP = "membership", "Membership"


class Relationship(Sourced):
    """A standing tie between two organisations, e.g. ASEAN–UN cooperation since the 1970s."""

    from_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="relationships_from")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    since_date = models.DateField(null=True, blank=True)
    since_precision = models.CharField(max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY)
    description = models.TextField(help_text="The fact as the release states it.")

    hangs_on = ("from_organisation", "to_organisation")

    class Meta:
        ordering = ["since_date", "pk"]
        constraints = [
            *Sourced.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation")),
                name="relationship_two_organisations",
                violation_error_message="A relationship needs two different organisations.",
            ),
        ]

    def __str__(self):
        return f"{self.from_organisation} – {self.to_organisation}: {self.get_kind_display()}"

    def clean(self):
        super().clean()
        errors = {}
        check_partial_date(errors, "since_date", self.since_date, self.since_precision)
        if errors:
            raise ValidationError(errors)

    @property
    def since_display(self) -> str:
        return format_partial_date(self.since_date, self.since_precision)


class SlugRedirect(models.Model):
    """An old public path of a record merged into another: answered with a permanent redirect."""

    old_path = models.CharField(max_length=300, unique=True, help_text="e.g. /officials/miroslav-jenca-2/")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_path"]

    def __str__(self):
        return f"{self.old_path} → {self.content_type.model} #{self.object_id}"

    def target(self) -> models.Model | None:
        """The record merged into, if the public may see it (a merge into a draft's record redirects nowhere)."""
        model = self.content_type.model_class()
        return model._default_manager.public().filter(pk=self.object_id).first() if model else None


class LearnedAlias(models.Model):
    """A spelling an editor taught the matcher: the text a release used for a record it did not match.

    The spelling is also kept in the record's aliases (what matching reads); this row says where
    it was learned and who taught it.
    """

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    text = models.CharField(max_length=300)
    source = models.ForeignKey(
        PressRelease,
        on_delete=models.PROTECT,
        related_name="learned_aliases",
        help_text="The release that used this spelling.",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "learned aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "text"],
                name="learned_alias_unique_per_record",
                violation_error_message="This record already learned this spelling.",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="learned_alias_record_idx")]

    def __str__(self):
        return f"“{self.text}” → {self.content_type.model} #{self.object_id}"


# -- facet counts kept on write (partnership/facets.py, decision 0015) ------------------------
# PostgreSQL's triggers fill these from the is_public flags; on SQLite they stay empty and the
# facets are counted by GROUP BY. Not registered with the history: they are derived.


class AreaClosure(models.Model):
    """Each area with itself and every area above it: which subtree counts a link to it adds to."""

    pk = models.CompositePrimaryKey("area_id", "ancestor_id")
    area_id = models.BigIntegerField()
    ancestor_id = models.BigIntegerField()

    def __str__(self):
        return f"{self.area_id} under {self.ancestor_id}"


class FacetRoot(models.Model):
    """A public meeting in the subtree of an area: how many of its public area links lie below it."""

    pk = models.CompositePrimaryKey("meeting_id", "root_id")
    meeting_id = models.BigIntegerField()
    root_id = models.BigIntegerField()
    links = models.IntegerField()
    # The meeting's date and kind, copied by PostgreSQL triggers: an area's list, alone or in a year or
    # of a kind, reads its first pages' keys from one index range (facets.kept_keys).
    date = models.DateField(null=True)
    kind = models.CharField(max_length=30, blank=True, default="")

    class Meta:
        indexes = [
            # The meetings of one area's list (facets.in_subtree), besides the primary key's meeting → areas.
            models.Index(fields=["root_id", "meeting_id"], name="facet_root_area_idx"),
            # Its keys newest first, as Meeting's ordering gives them: alone or in a year, and of a kind.
            models.Index(fields=["root_id", "-date", "-meeting_id"], name="facet_root_date_idx"),
            models.Index(fields=["root_id", "kind", "-date", "-meeting_id"], name="facet_root_kind_date_idx"),
        ]

    def __str__(self):
        return f"meeting {self.meeting_id} under area {self.root_id}"


class FacetCount(models.Model):
    """How many public meetings have a facet value: overall (scope 0) or among one area's subtree (its pk)."""

    pk = models.CompositePrimaryKey("scope", "facet", "key")
    scope = models.BigIntegerField()
    facet = models.CharField(max_length=16)
    key = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        # A list's busiest records first (StoredCounts.top), without sorting every record of the facet,
        # from the index alone: each list's first render reads a scope's rows nothing else has read.
        indexes = [models.Index(fields=["scope", "facet", "-n"], include=("key",), name="facet_count_top_idx")]

    def __str__(self):
        return f"{self.scope}/{self.facet}/{self.key}: {self.n}"


class FacetStale(models.Model):
    """A row here means the counts were not built for the data (a bulk load): read by GROUP BY until rebuilt."""

    reason = models.CharField(max_length=200)

    def __str__(self):
        return self.reason


# Every change to a release or a record is kept with who, when and what
# (docs/decisions/0005-history-and-concurrency.md).
for _model in [
    City,
    Venue,
    Organisation,
    Official,
    Post,
    CooperationArea,
    Agreement,
    PressRelease,
    Meeting,
    Participation,
    MeetingOrganisation,
    MeetingArea,
    MeetingAgreement,
    Outcome,
    Relationship,
]:
    # The facet flags are derived, not edited: the history keeps what editors wrote.
    simple_history.register(_model, excluded_fields=["is_public"] if hasattr(_model, "is_public") else None)
