"""The filter forms' widgets and labels written in Python (partnership/form_rendering.py) are byte for
byte what Django's templates write, for every list's form, with every field given, missing, invalid
or hostile, and what the shortcut does not write is left to the template."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils.safestring import mark_safe

from partnership.filters import AgreementFilter, MeetingFilter, OfficialFilter, OrganisationFilter, PressReleaseFilter
from partnership.form_rendering import FilterFormRenderer

FILTERSETS = [MeetingFilter, OfficialFilter, OrganisationFilter, AgreementFilter, PressReleaseFilter]
HOSTILE = ['"><script>alert(1)</script>', "a & b ' c", "Jenča – ASEAN", "x" * 300, "-1", "2015-02-30"]


def _data(filterset_class, value: str | None) -> QueryDict:
    """Every field of the form given value (None: none given); each field given twice for a list."""
    data = QueryDict(mutable=True)
    if value is not None:
        for name in filterset_class().form.fields:
            data.setlist(name, [value, value + "2"])
    return data


def _as_django_writes_it(form) -> list[str]:
    reference = type(form)(form.data, prefix=form.prefix, renderer=DjangoTemplates())
    return _rendered(reference)


def _rendered(form) -> list[str]:
    return [part for field in form for part in (str(field), str(field.label_tag()), field.as_hidden())]


@pytest.mark.parametrize("filterset_class", FILTERSETS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("value", [None, *HOSTILE], ids=["none", *(f"hostile-{n}" for n in range(len(HOSTILE)))])
def test_every_filter_form_is_written_as_djangos_templates_write_it(db, filterset_class, value):
    filterset = filterset_class(_data(filterset_class, value))
    assert isinstance(filterset.form.renderer, FilterFormRenderer)
    filterset.is_valid()  # a form shown beside its errors
    assert _rendered(filterset.form) == _as_django_writes_it(filterset.form)


def test_the_values_a_list_is_filtered_by_are_written_as_django_writes_them(db):
    query = "q=peat+%22haze%22&year=2015&kind=summit&sort=title&date_after=2015-06-30&area=a&area=b&official=<x>"
    filterset = MeetingFilter(QueryDict(query))
    filterset.is_valid()
    assert _rendered(filterset.form) == _as_django_writes_it(filterset.form)
    written = "\n".join(_rendered(filterset.form))
    assert '<option value="summit" selected>Summit</option>' in written
    assert '<input type="number" name="year" value="2015" min="1" max="9999" id="id_year">' in written
    assert '<input type="hidden" name="area" value="a" id="id_area_0"><input type="hidden" name="area"' in written
    assert '<input type="text" name="q" value="peat &quot;haze&quot;" maxlength="200" id="id_q">' in written


class _Unusual(forms.Form):
    """Widgets and values the shortcut leaves to the template."""

    grouped = forms.ChoiceField(choices=[("Asia", [("jkt", "Jakarta")]), ("Europe", [("gva", "Geneva")])])
    numbered = forms.TypedChoiceField(choices=[(2015, 2015), (20150, 20150)], coerce=int)
    boxes = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date", "data-safe": mark_safe("<b>")}))
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    flags = forms.CharField(widget=forms.TextInput(attrs={"required": True, "disabled": False, "size": 10}))


@pytest.mark.parametrize(
    "data",
    [{}, {"grouped": "gva", "numbered": "20150", "boxes": ["a", "b"], "when": "2015-06-30", "secret": "<s>"}],
    ids=["empty", "given"],
)
def test_what_the_shortcut_does_not_write_is_left_to_the_template(data, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # a number the template localizes, the shortcut would not
    form = _Unusual(data, renderer=FilterFormRenderer())
    assert _rendered(form) == _rendered(_Unusual(data, renderer=DjangoTemplates()))
    form = _Unusual(initial={"when": datetime.date(2015, 6, 30)}, renderer=FilterFormRenderer())
    assert _rendered(form) == _rendered(
        _Unusual(initial={"when": datetime.date(2015, 6, 30)}, renderer=DjangoTemplates())
    )
