"""The filter forms' plain widgets and labels written in Python, byte for byte as Django's templates
write them.

A list's filter form renders about a dozen widgets and labels, each through Django's template
engine: 2-3 ms of every list's first render, which is most of the long tail. Each list's sidebar
is kept once rendered (lists.py), so this is paid on first renders only, but every first render.

FilterFormRenderer is Django's own renderer with a shortcut for the templates below: text, date,
number and hidden inputs, a select of plain options, a set of hidden inputs and a label. Anything
else (another widget, an option group, a value that is neither a string nor lazy text, which the
template would localize) is left to the template. tests/test_form_rendering.py compares the two,
field by field, for every list's form, hostile values included.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, strip_spaces_between_tags
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# The widgets whose templates only include input.html.
INPUTS = {f"{WIDGETS}{name}.html" for name in ("input", "text", "search", "email", "url", "number", "date", "hidden")}
OPTION = f"{WIDGETS}select_option.html"


class _Unwritten(Exception):
    """Something the shortcut does not write exactly as the template would: the template writes it."""


def _text(value) -> str:
    """{{ value }}: text escaped unless already safe."""
    if isinstance(value, Promise):
        value = str(value)
    if not isinstance(value, str):
        raise _Unwritten
    return conditional_escape(value)


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}: any value as %s formats it (its str()), escaped unless it was safe."""
    try:
        out = str(value)
    except (ValueError, TypeError):  # the filter writes nothing for a value it cannot format
        out = ""
    return out if isinstance(value, SafeData) else escape(out)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html (and django/forms/attrs.html)."""
    return "".join(
        f" {_text(name)}" + ("" if value is True else f'="{_formatted(value)}"')
        for name, value in (attrs or {}).items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _write_input(context: dict) -> str:
    return _input(context["widget"])


def _write_select(context: dict) -> str:
    widget = context["widget"]
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            raise _Unwritten
        for option in options:
            if option["template_name"] != OPTION:
                raise _Unwritten
            # Each option's template ends with a newline, kept where select.html includes it.
            value, attrs, label = _formatted(option["value"]), _attrs(option["attrs"]), _text(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')
    parts.append("\n</select>")
    return "".join(parts)


def _write_hidden_inputs(context: dict) -> str:
    subwidgets = context["widget"]["subwidgets"]
    if any(widget["template_name"] not in INPUTS for widget in subwidgets):
        raise _Unwritten
    return strip_spaces_between_tags("\n".join(_input(widget) for widget in subwidgets).strip())


def _write_label(context: dict) -> str:
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


_WRITERS = {
    **dict.fromkeys(INPUTS, _write_input),
    f"{WIDGETS}select.html": _write_select,
    f"{WIDGETS}multiple_hidden.html": _write_hidden_inputs,
    "django/forms/label.html": _write_label,
}


class FilterFormRenderer(DjangoTemplates):
    """Django's form renderer, with the plain widgets and labels of a filter form written in Python."""

    def render(self, template_name, context, request=None):
        write = _WRITERS.get(template_name)
        if write is not None:
            try:
                return write(context).strip()  # as the template renderer strips its output
            except _Unwritten:
                pass
        return super().render(template_name, context, request)
