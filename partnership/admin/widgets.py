"""The admin's search-as-you-type widgets, made safe against a posted value that is no record id.

Django's autocomplete widgets render the posted value back by looking it up; a hand-edited or
stale form posting "abc" where an id goes made that lookup fail with a 500 instead of the
form's own "Select a valid choice". These widgets drop such values before the lookup.
"""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class RecordIdsOnly:
    def optgroups(self, name, value, attr=None):
        key = self.choices.queryset.model._meta.pk
        ids = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            ids.append(item)
        return super().optgroups(name, ids, attr)


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
