"""What every editors' screen shares: who may read and change, history, duplicates merged, counted columns.

Roles: the Editors group adds and changes releases and records; other staff may read every
screen but change nothing; anonymous visitors are sent to the login page.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from .. import models, services
from .forms import DuplicateGuardForm, EditorsForm, is_staff
from .widgets import RecordSearchFields


class StaffReadable(RecordSearchFields):
    """Any staff member may read; changing needs the model permissions (the Editors group).

    Every editors' screen and inline starts here, so each also gets the safe search-as-you-type fields.
    """

    def has_view_permission(self, request, obj=None):
        return is_staff(request) or super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return is_staff(request) or super().has_module_permission(request)


class EditorsAdmin(StaffReadable, SimpleHistoryAdmin):
    form = EditorsForm
    view_on_site = True
    list_per_page = 50

    def get_queryset(self, request):
        columns = {name: getattr(self, name, None) for name in self.list_display if isinstance(name, str)}
        counts = {name: column.count for name, column in columns.items() if hasattr(column, "count")}
        return super().get_queryset(request).annotate(**counts)

    def get_fields(self, request, obj=None):
        # The title first in every form: inherited fields (slug, aliases, source) would come before it.
        fields = list(super().get_fields(request, obj))
        first = [name for name in ("title", "name") if name in fields][:1]
        return first + [name for name in fields if name not in first]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a revert for anyone who may read the history: reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class MergeAdmin(EditorsAdmin):
    """Records that can be merged: two entries for one official, organisation, area or agreement."""

    form = DuplicateGuardForm
    actions = ["merge_records"]
    readonly_fields = ["learned_spellings"]

    @admin.display(description="Spellings learned from releases")
    def learned_spellings(self, obj):
        """Which spellings editors' corrections taught this record, from which release, by whom."""
        if obj is None or obj.pk is None:
            return "—"
        rows = models.LearnedAlias.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("source", "editor")
        if not rows:
            return "None yet."
        return format_html(
            '<ul class="learned-aliases">{}</ul>',
            format_html_join(
                "",
                '<li>“{}” from <a href="{}">{}</a>, taught by {} on {}</li>',
                (
                    (
                        row.text,
                        reverse("admin:partnership_pressrelease_change", args=[row.source_id]),
                        row.source.title,
                        row.editor or "an import",
                        f"{row.created_at:%Y-%m-%d}",
                    )
                    for row in rows
                ),
            ),
        )

    @admin.action(description="Merge two selected records into one", permissions=["change"])
    def merge_records(self, request, queryset):
        records = list(queryset[:3])
        if len(records) != 2:
            self.message_user(request, "Select exactly two records to merge.", messages.WARNING)
            return None
        survivor_id = request.POST.get("survivor")
        if request.POST.get("post") == "yes" and survivor_id:
            survivor = next((r for r in records if str(r.pk) == survivor_id), None)
            if survivor is None:
                self.message_user(request, "Choose which record to keep.", messages.ERROR)
                return None
            duplicate = next(r for r in records if r.pk != survivor.pk)
            name = str(duplicate)
            try:
                services.records_merge(survivor=survivor, duplicate=duplicate, user=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(request, f"Merged “{name}” into “{survivor}”; its old address now redirects here.")
            return redirect(reverse(f"admin:partnership_{self.model._meta.model_name}_change", args=[survivor.pk]))
        return TemplateResponse(
            request,
            "admin/partnership/merge_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Merge two {self.model._meta.verbose_name_plural}",
                "opts": self.model._meta,
                "records": records,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


def count_of(model, field: str):
    """A per-row count as a correlated subquery, so only the rows a page shows are counted
    (a GROUP BY over the whole table took seconds at 200,000 meetings)."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(count=Count("pk")).values("count")), 0)


def counted(field: str, description: str, model, link: str):
    """A sortable list column counting the model's rows whose `link` points at the record;
    EditorsAdmin.get_queryset annotates it (as `field`) for every such column shown."""

    def column(model_admin, obj):
        return getattr(obj, field)

    column.short_description = description
    column.admin_order_field = field
    column.count = count_of(model, link)
    return column
