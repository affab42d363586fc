"""The ModelAdmins of every record and their inlines."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.cache import never_cache

from .. import models, services, views
from ..markdown import render_markdown
from ..pagination import EstimatedCountPaginator
from .base import EditorsAdmin, MergeAdmin, StaffReadable, counted
from .extract import ExtractViewMixin
from .forms import CooperationAreaForm, PlaceForm, PressReleaseForm
from .widgets import RecordsForm


class RowsWithTheirRecords:
    """An inline whose rows are read with the records they name: each row's label and each of its
    search-as-you-type fields print them, and read one by one a meeting's form took 60 queries.
    The fields show the records read here without a query (widgets.RecordsForm)."""

    form = RecordsForm
    row_records: tuple[str, ...] = ("source",)

    def get_queryset(self, request):
        # A release is named by its title and date: its text stays in the database.
        return (
            super().get_queryset(request).select_related(*self.row_records).defer("source__body", "source__body_html")
        )


class SourcedInline(RowsWithTheirRecords, StaffReadable, admin.TabularInline):
    extra = 0
    autocomplete_fields = ["source"]


class PostInline(SourcedInline):
    model = models.Post
    autocomplete_fields = ["organisation", "source"]
    row_records = ("official", "organisation", "source")


class ParticipationInline(SourcedInline):
    model = models.Participation
    autocomplete_fields = ["official", "post", "source"]
    row_records = ("meeting", "official", "post__organisation", "source")


class MeetingOrganisationInline(SourcedInline):
    model = models.MeetingOrganisation
    autocomplete_fields = ["organisation", "source"]
    row_records = ("meeting", "organisation", "source")


class MeetingAreaInline(SourcedInline):
    model = models.MeetingArea
    autocomplete_fields = ["area", "source"]
    row_records = ("meeting", "area", "source")


class MeetingAgreementInline(SourcedInline):
    model = models.MeetingAgreement
    autocomplete_fields = ["agreement", "source"]
    row_records = ("meeting", "agreement", "source")


class OutcomeInline(RowsWithTheirRecords, StaffReadable, admin.StackedInline):
    model = models.Outcome
    extra = 0
    autocomplete_fields = ["areas", "agreements", "source"]


class OrganisationAdmin(MergeAdmin):
    list_display = ["name", "acronym", "kind", "parent", "post_count", "meeting_count"]
    ordering = ["name"]
    list_filter = ["kind", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "acronym", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    readonly_fields = [*MergeAdmin.readonly_fields, "first_seen"]
    prepopulated_fields = {"slug": ["name"]}
    post_count = counted("post_count", "posts", models.Post, "organisation")
    meeting_count = counted("meeting_count", "meetings", models.MeetingOrganisation, "organisation")


class OfficialAdmin(MergeAdmin):
    list_display = ["name", "honorific", "post_count", "meeting_count"]
    ordering = ["name"]
    list_filter = ["honorific", ("posts__organisation", admin.RelatedOnlyFieldListFilter)]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    search_fields = ["name", "aliases", "slug"]
    readonly_fields = [*MergeAdmin.readonly_fields, "first_seen"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PostInline]
    post_count = counted("post_count", "posts", models.Post, "official")
    meeting_count = counted("meeting_count", "meetings", models.Participation, "official")


class PostAdmin(EditorsAdmin):
    list_display = ["official", "title", "organisation", "start_date", "end_date", "participation_count"]
    ordering = ["official__name", "title"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter), "start_precision"]
    list_select_related = ["official", "organisation"]
    search_fields = ["title", "official__name", "official__aliases", "organisation__name"]
    autocomplete_fields = ["official", "organisation", "source"]
    participation_count = counted("participation_count", "meetings", models.Participation, "post")

    def view_on_site(self, obj):
        return obj.official.get_absolute_url()


class CooperationAreaAdmin(MergeAdmin):
    form = CooperationAreaForm
    list_display = ["name", "parent", "meeting_count", "agreement_count"]
    ordering = ["name"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "aliases", "slug"]
    autocomplete_fields = ["parent"]
    readonly_fields = [*MergeAdmin.readonly_fields, "first_seen"]
    prepopulated_fields = {"slug": ["name"]}
    meeting_count = counted("meeting_count", "meetings", models.MeetingArea, "area")
    agreement_count = counted("agreement_count", "agreements", models.Agreement.areas.through, "cooperationarea")


class AgreementAdmin(MergeAdmin):
    list_display = ["title", "kind", "status", "signed_date", "meeting_count"]
    ordering = ["title"]
    list_filter = ["kind", "status", "signed_precision", ("parties", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "short_title", "aliases", "slug"]
    autocomplete_fields = ["parties", "areas", "takes_into_account", "source"]
    prepopulated_fields = {"slug": ["title"]}
    meeting_count = counted("meeting_count", "meetings", models.MeetingAgreement, "agreement")


class MeetingAdmin(EditorsAdmin):
    list_display = ["title", "date", "city", "kind", "participant_count", "area_count", "is_public"]
    ordering = ["-date", "-pk"]
    list_filter = [
        "kind",
        "date_precision",
        "source__status",
        "areas",
        "organisations",
    ]
    # At 200,000 meetings: no COUNT(*) of the whole table on every page.
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    list_select_related = ["source"]
    search_fields = ["title", "summary", "venue", "city", "participants__name"]
    autocomplete_fields = ["source"]
    date_hierarchy = "date"
    inlines = [
        ParticipationInline,
        MeetingOrganisationInline,
        MeetingAreaInline,
        MeetingAgreementInline,
        OutcomeInline,
    ]
    participant_count = counted("participant_count", "participants", models.Participation, "meeting")
    area_count = counted("area_count", "areas", models.MeetingArea, "meeting")

    @admin.display(boolean=True, description="public")
    def is_public(self, obj):
        return bool(obj.source_id and obj.source.is_published)


class RelationshipAdmin(EditorsAdmin):
    list_display = ["from_organisation", "to_organisation", "kind", "since_date"]
    list_filter = ["kind", "since_precision"]
    list_select_related = ["from_organisation", "to_organisation"]
    search_fields = ["description", "from_organisation__name", "to_organisation__name"]
    autocomplete_fields = ["from_organisation", "to_organisation", "source"]
    view_on_site = False


class LearnedAliasAdmin(StaffReadable, admin.ModelAdmin):
    """Every spelling learned from editors' corrections: which record, which release, who, when."""

    list_display = ["text", "record_link", "content_type", "source", "editor", "created_at"]
    list_filter = ["content_type"]
    list_select_related = ["content_type", "source", "editor"]
    search_fields = ["text", "source__title"]
    readonly_fields = ["text", "content_type", "object_id", "source", "editor", "created_at"]

    @admin.display(description="record")
    def record_link(self, obj):
        url = reverse(f"admin:partnership_{obj.content_type.model}_change", args=[obj.object_id])
        return format_html('<a href="{}">{} #{}</a>', url, obj.content_type.model, obj.object_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CityAdmin(StaffReadable, admin.ModelAdmin):
    """Cities meetings link to by any spelling; coordinates place them on the map."""

    form = PlaceForm
    fields = ["name", "slug", "country", "latitude", "longitude", "aliases"]
    list_display = ["name", "country", "latitude", "longitude"]
    ordering = ["name"]
    search_fields = ["name", "aliases", "country", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class VenueAdmin(StaffReadable, admin.ModelAdmin):
    form = PlaceForm
    fields = ["name", "slug", "city", "aliases"]
    list_display = ["name", "city"]
    list_select_related = ["city"]
    ordering = ["name"]
    search_fields = ["name", "aliases", "slug", "city__name"]
    autocomplete_fields = ["city"]
    prepopulated_fields = {"slug": ["name"]}


class SlugRedirectAdmin(StaffReadable, admin.ModelAdmin):
    list_display = ["old_path", "content_type", "object_id", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["old_path"]


class PressReleaseAdmin(ExtractViewMixin, EditorsAdmin):
    form = PressReleaseForm
    ordering = ["-date", "title"]
    list_display = ["title", "dateline_place", "date", "publisher", "status", "meeting_count"]
    list_filter = ["status", ("publisher", admin.RelatedOnlyFieldListFilter), "dateline_place"]
    list_select_related = ["publisher"]
    search_fields = ["title", "body", "dateline_place"]
    autocomplete_fields = ["publisher"]
    date_hierarchy = "date"
    actions = ["publish", "unpublish"]
    readonly_fields = ["created_at", "updated_at"]
    meeting_count = counted("meeting_count", "meetings", models.Meeting, "source")
    change_form_template = "admin/partnership/pressrelease/change_form.html"

    class Media:
        js = ["partnership/admin/release-preview.js", "partnership/admin/extract.js"]
        css = {"all": ["partnership/admin/editors.css"]}

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_published else None

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="partnership_pressrelease_preview"),
            path(
                "<int:object_id>/public-preview/",
                self.admin_site.admin_view(self.public_preview_view),
                name="partnership_pressrelease_public_preview",
            ),
            path(
                "<int:object_id>/extract/",
                self.admin_site.admin_view(self.extract_view),
                name="partnership_pressrelease_extract",
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        if "_extract" in request.POST:
            return redirect(reverse("admin:partnership_pressrelease_extract", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_extract" in request.POST:
            return redirect(reverse("admin:partnership_pressrelease_extract", args=[obj.pk]))
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_save = self.has_add_permission(request) if add else self.has_change_permission(request, obj)
        context["show_save_and_extract"] = may_save and request.user.has_perm("partnership.add_meeting")
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Publish selected releases", permissions=["change"])
    def publish(self, request, queryset):
        count = services.releases_set_status(
            releases=queryset, status=models.ReleaseStatus.PUBLISHED, user=request.user
        )
        self.message_user(request, f"Published {count} release(s).")

    @admin.action(description="Unpublish selected releases (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = services.releases_set_status(releases=queryset, status=models.ReleaseStatus.DRAFT, user=request.user)
        self.message_user(request, f"Unpublished {count} release(s).")

    def preview_view(self, request):
        """The body as the public page will show it, sanitised the same way (POST: text=…)."""
        if request.method != "POST":
            return HttpResponse(status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        # The public page's renderer and allow-list: the preview is what readers will see.
        text = request.POST.get("text", "")
        return HttpResponse(render_markdown(text, paragraph_anchors=True), content_type="text/html")

    @method_decorator(never_cache)
    def public_preview_view(self, request, object_id):
        """The public page of a release as readers will see it once published; drafts too, for staff only."""
        release = get_object_or_404(models.PressRelease.objects.select_related("publisher"), pk=object_id)
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        response = views.release_page(request, release, preview=True)
        # A draft's text must never reach a shared cache or a search engine.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response
