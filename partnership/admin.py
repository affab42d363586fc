"""Editors' screens: every record with search, filters and autocomplete for its links."""

from django.contrib import admin
from django.db.models import Max, Min

from . import models
from .pagination import EstimatedCountPaginator


class MeetingYearFilter(admin.SimpleListFilter):
    """Years from the first to the last meeting: two index lookups, where date_hierarchy's
    DISTINCT over every meeting took most of the changelist's time at 200,000 meetings (issue 6)."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        bounds = model_admin.model.objects.aggregate(first=Min("date"), last=Max("date"))
        if not bounds["first"]:
            return []
        return [(str(year), str(year)) for year in range(bounds["last"].year, bounds["first"].year - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


class SourcedInline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["source"]


class PostInline(SourcedInline):
    model = models.Post
    autocomplete_fields = ["organisation", "source"]


class ParticipationInline(SourcedInline):
    model = models.Participation
    autocomplete_fields = ["official", "post", "source"]


class MeetingOrganisationInline(SourcedInline):
    model = models.MeetingOrganisation
    autocomplete_fields = ["organisation", "source"]


class MeetingAreaInline(SourcedInline):
    model = models.MeetingArea
    autocomplete_fields = ["area", "source"]


class MeetingAgreementInline(SourcedInline):
    model = models.MeetingAgreement
    autocomplete_fields = ["agreement", "source"]


class OutcomeInline(admin.StackedInline):
    model = models.Outcome
    extra = 0
    autocomplete_fields = ["areas", "agreements", "source"]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "honorific"]
    search_fields = ["name", "aliases", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PostInline]


@admin.register(models.Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["official", "title", "organisation", "start_date", "end_date"]
    list_filter = ["organisation"]
    list_select_related = ["official", "organisation"]
    search_fields = ["title", "official__name", "official__aliases", "organisation__name"]
    autocomplete_fields = ["official", "organisation", "source"]


@admin.register(models.CooperationArea)
class CooperationAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "signed_date"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "short_title", "aliases", "slug"]
    autocomplete_fields = ["parties", "areas", "takes_into_account", "source"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(models.PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["title", "dateline_place", "date", "publisher", "status"]
    list_filter = ["status", "publisher"]
    list_select_related = ["publisher"]
    search_fields = ["title", "body", "dateline_place"]
    autocomplete_fields = ["publisher"]
    date_hierarchy = "date"


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "city", "kind"]
    list_filter = [MeetingYearFilter, "kind", "date_precision"]
    search_fields = ["title", "summary", "venue", "city"]
    autocomplete_fields = ["source"]
    # At 200,000 meetings: no COUNT(*) of the whole table, no DISTINCT over every date (issue 6).
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    inlines = [
        ParticipationInline,
        MeetingOrganisationInline,
        MeetingAreaInline,
        MeetingAgreementInline,
        OutcomeInline,
    ]


@admin.register(models.Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["from_organisation", "to_organisation", "kind", "since_date"]
    list_filter = ["kind"]
    list_select_related = ["from_organisation", "to_organisation"]
    search_fields = ["description", "from_organisation__name", "to_organisation__name"]
    autocomplete_fields = ["from_organisation", "to_organisation", "source"]
