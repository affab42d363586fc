"""The admin's search-as-you-type widgets, made safe against a posted value that is no record id.

Django's autocomplete widgets render the posted value back by looking it up; a hand-edited or
stale form posting "abc" where an id goes made that lookup fail with a 500 instead of the
form's own "Select a valid choice". These widgets drop such values before the lookup.

They also skip the lookup for the record an inline's row already holds (RecordsForm): a meeting's
form has forty such fields, and looked up one by one they were most of its queries.
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class RecordIdsOnly:
    # The record the form's instance already holds, by its id: (its id, its label), shown without
    # looking it up again (RecordsForm).
    known: dict[str, tuple] | None = None

    def optgroups(self, name, value, attr=None):
        key = self.choices.queryset.model._meta.pk
        ids = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            ids.append(item)
        if self.known and len(ids) == 1 and str(ids[0]) in self.known:
            return self._known_optgroups(name, str(ids[0]))
        return super().optgroups(name, ids, attr)

    def _known_optgroups(self, name, value):
        """The options Django's lookup gives for one selected record: an empty choice when the field
        may be left blank, then the record, selected."""
        options = (
            [] if self.is_required or self.allow_multiple_selected else [self.create_option(name, "", "", False, 0)]
        )
        key, label = self.known[value]
        options.append(self.create_option(name, key, label, {value}, len(options)))
        return [(None, options, 0)]


class RecordSearch(RecordIdsOnly, AutocompleteSelect):
    """The admin's autocomplete for one record."""


class RecordSearchMultiple(RecordIdsOnly, AutocompleteSelectMultiple):
    """The admin's autocomplete for several records."""


class RecordSearchFields:
    """A ModelAdmin or inline mixin: its autocomplete_fields use the safe widgets above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RecordSearch(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = RecordSearchMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RecordsForm(forms.ModelForm):
    """An inline's form whose search-as-you-type fields for one record show the record its row was
    read with (RowsWithTheirRecords in records.py) without a query each; a posted value that
    differs is looked up as before."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's add/change links
            record = self.instance._state.fields_cache.get(name) if isinstance(widget, RecordSearch) else None
            if record is not None:
                widget.known = {str(record.pk): (record.pk, field.label_from_instance(record))}
