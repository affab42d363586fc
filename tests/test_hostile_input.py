"""Hostile input on every public URL and parameter: never a 5xx, never an unfiltered list, never live markup.

The URLs and their parameters come from tests/surface.py, so every page added there is
attacked here too. A corpus of known-bad input (bad dates, huge numbers, NUL bytes, SQL and
HTML fragments) goes into each parameter once per distinct handling of it (a kind's filters
on its list page and on its data out, which bind them with one function); Hypothesis mixes
the corpus with arbitrary text and parameter names on one URL of each view.
"""

import csv
import datetime
import io
import json
import os
import re
from urllib.parse import quote
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnership.models import (
    Agreement,
    CooperationArea,
    Meeting,
    Official,
    Organisation,
    Outcome,
    Post,
    PressRelease,
    Relationship,
)

from .factories import meeting
from .html_checks import active_content
from .surface import CSV_EXPORTS, FAMILIES, KINDS, PAGES, PARAMETER_TARGETS, PUBLIC_PATHS, SURFACE

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

# The corpus below reaches every parameter deterministically; random examples add combinations.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "20"))
hostile_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Reflected input must come back escaped: each of these is recognisable if it does not.
MARKUP = [
    "<script>alert('x1')</script>",
    '"><img src=x onerror=alert("x2")>',
    "'><svg onload=alert('x3')>",
    "</title><script>alert('x4')</script>",
    "javascript:alert('x5')",
]
CORPUS = [
    # bad dates
    "2015-13-45",
    "2015-02-30",
    "0000-00-00",
    "99999-01-01",
    "-0001-01-01",
    "2015/06/26",
    "26 June",
    "1970s",
    "T",
    # bad and huge numbers
    "9" * 400,
    "-9223372036854775809",
    "9223372036854775808",
    "1e309",
    "-1",
    "0",
    "NaN",
    "Infinity",
    "0x1F",
    "١٢٣",
    "1.5",
    # NUL bytes and control characters
    "\x00",
    "abc\x00def",
    "\r\n\t",
    "\x1b[31m",
    # SQL fragments
    "' OR '1'='1",
    "1; DROP TABLE partnership_meeting; --",
    "1) OR (1=1",
    "%",
    "_",
    "\\",
    "' UNION SELECT password FROM auth_user --",
    # HTML fragments
    *MARKUP,
    # odd strings
    "",
    " ",
    "a" * 10_000,
    "🇺🇳" * 50,
    "..%2F..%2Fetc%2Fpasswd",
    "{{ settings.SECRET_KEY }}",
    "${7*7}",
    "null",
    "true",
    "[]",
    "{}",
]
value = st.one_of(
    st.sampled_from(CORPUS),
    st.text(max_size=200),
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**400).map(str),
)
# Parameters nothing reads, including Django-looking lookups, must be ignored harmlessly.
UNKNOWN = ["utm_source", "id__in", "pk", "format", "page_size", "limit", "offset", "ordering", "__proto__", "q[]"]


def fetch(client, path, query=None):
    """A GET with the API's per-client limit unspent (it counts in the cache), so each value gets a real answer."""
    cache.clear()
    return client.get(path, query)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_safe(response, values):
    assert response.status_code < 500
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        html = body_of(response).decode()
        assert active_content(html) == []
        for reflected in values:
            if reflected in MARKUP:
                assert reflected not in html


@pytest.fixture
def more_meetings(seeded):
    """A second and third meeting, so a list that ignores its filter shows it."""
    meeting(title="Working-level meeting on disaster management", date=datetime.date(2017, 5, 1))
    meeting(title="Ministerial meeting", date=datetime.date(2019, 9, 1))


@pytest.mark.parametrize(("path", "params"), [(item.path, item.params) for item in FAMILIES])
@hostile_settings
@given(data=st.data())
def test_no_parameter_value_causes_a_server_error(client, seeded, path, params, data):
    names = st.sampled_from([*params, *UNKNOWN]) | st.text(min_size=1, max_size=30)
    query = data.draw(st.dictionaries(names, value, max_size=6))
    assert_safe(fetch(client, path, query), query.values())


@pytest.mark.parametrize(("path", "name"), PARAMETER_TARGETS)
def test_every_corpus_value_in_every_parameter(client, seeded, path, name):
    """The whole corpus, deterministically, in each parameter, once for each code that handles it."""
    for bad in CORPUS:
        assert_safe(fetch(client, path, {name: bad}), [bad])


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_parameters_nothing_reads_are_harmless(client, seeded, path):
    query = {name: CORPUS[n * 7 % len(CORPUS)] for n, name in enumerate(UNKNOWN)}
    query["utm_source"] = MARKUP[0]
    assert_safe(fetch(client, path, query), query.values())


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_thousand_and_one_parameters_are_refused(client, path):
    response = fetch(client, path, {f"p{n}": "x" for n in range(1001)})
    assert response.status_code == 400


@pytest.mark.parametrize(("path", "params"), [(item.path, item.params) for item in FAMILIES])
def test_huge_lists_in_any_parameter(client, seeded, path, params):
    """Five thousand comma-separated values, as a value and as a Django-looking `__in` lookup."""
    items = ",".join(str(n) for n in range(5000))
    for name in [*params, "id", "pk", "slug"]:
        assert_safe(fetch(client, path, {f"{name}__in": items}), [])
        assert_safe(fetch(client, path, {name: items}), [])


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_nul_bytes_and_control_characters_are_a_bad_request(client, path):
    for bad in ["a\x00b", "\x1b[31m", "\x08", "\x7f\x0b"]:
        assert fetch(client, path, {"q": bad}).status_code == 400
        assert fetch(client, path, {bad: "x"}).status_code == 400
    assert fetch(client, path + "%00").status_code == 400


@given(segment=st.one_of(st.sampled_from(CORPUS), st.text(min_size=1, max_size=100)))
@hostile_settings
def test_hostile_slugs_are_404(client, seeded, segment):
    for kind in KINDS:
        response = client.get(f"{reverse(kind.list_url_name)}{quote(segment, safe='')}/")
        assert response.status_code in (400, 404)


# --- invalid filters never return the unfiltered list ---------------------------------------

# Not filters: any text is a valid search, and paging or sorting do not narrow a list.
NOT_FILTERS = {"q", "sort"}
FILTERS = [(item.path, name) for item in FAMILIES for name in item.filters if name not in NOT_FILTERS]
INVALID = ["2015-13-45", "9" * 40, "not-a-known-value", "-1", "' OR '1'='1"]
# A link or URL to one record, in HTML, CSV or a feed (list pages' own links have no slug).
RECORD_LINK = re.compile(r"/(?:meetings|officials|organisations|areas|agreements|releases)/[a-z0-9][a-z0-9-]*/")


def results(response) -> set[str]:
    body = body_of(response).decode(errors="replace")
    if "json" in response.get("Content-Type", ""):
        found = set()

        def walk(node):
            if isinstance(node, dict):
                for key, item in node.items():
                    if key in {"id", "slug", "url"} and isinstance(item, str | int):
                        found.add(str(item))
                    walk(item)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(json.loads(body))
        return found
    return set(RECORD_LINK.findall(body))


@pytest.mark.parametrize(("path", "name"), FILTERS)
def test_an_invalid_filter_never_returns_the_unfiltered_list(client, more_meetings, path, name):
    """A filter that cannot be applied must refuse (4xx) or match nothing, never be dropped."""
    everything = results(fetch(client, path))
    for bad in INVALID:
        response = fetch(client, path, {name: bad})
        assert response.status_code < 500
        if response.status_code == 200 and everything:
            assert results(response) != everything, f"{path}?{name}={bad} returned the unfiltered list"


# --- stored text: Markdown and HTML attacks on every rendered field -----------------------

MARKDOWN_ATTACKS = [
    "<script>alert('md1')</script>",
    "[click](javascript:alert('md2'))",
    "[click](JaVaScRiPt:alert('md3'))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](x\" onerror=\"alert('md4'))",
    "<img src=x onerror=alert('md5')>",
    "<a href=\"javascript:alert('md6')\">a</a>",
    "<svg onload=alert('md7')>",
    '<iframe src="https://evil.example/"></iframe>',
    "<style>body{display:none}</style>",
    "\"><script>alert('md8')</script>",
    "[a](&#106;avascript:alert('md9'))",
    "<details open ontoggle=alert('md10')>",
    '<object data="javascript:alert(1)"></object>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="https://evil.example/"><input name=x></form>',
    "[ref]\n\n[ref]: javascript:alert('md11')",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<<script>script>alert('md12')<</script>/script>",
    "`<script>alert('md13')</script>`",
    "<a href='vbscript:msgbox(1)'>v</a>",
    "<div style=\"background:url('javascript:alert(1)')\">s</div>",
]

TEXT_MODELS = [Organisation, Official, CooperationArea, Agreement, PressRelease, Meeting, Post, Outcome, Relationship]


def poison(attack: str) -> None:
    """Put the attack into every free-text field of every record, keeping slugs and choices."""
    for model in TEXT_MODELS:
        for instance in model.objects.all():
            changes = {}
            for field in model._meta.concrete_fields:
                if field.choices or isinstance(field, models.SlugField | models.URLField):
                    continue
                if field.name == "body":
                    paragraphs = len(instance.paragraphs())
                    changes["body"] = "\n\n".join(f"{attack} {n}" for n in range(paragraphs))
                elif isinstance(field, models.TextField):
                    changes[field.name] = f"{attack}\n\n{attack}"
                elif isinstance(field, models.CharField):
                    changes[field.name] = f"{getattr(instance, field.name)} {attack}"[: field.max_length]
            model.objects.filter(pk=instance.pk).update(**changes)


@pytest.mark.parametrize("attack", MARKDOWN_ATTACKS)
def test_stored_attacks_render_inert_on_every_page(client, seeded, attack):
    poison(attack)
    for path in PAGES:
        response = fetch(client, path)
        assert response.status_code < 500, path
        if response.status_code == 200:
            assert active_content(body_of(response).decode()) == [], path


def test_stored_attacks_leave_data_out_well_formed(client, seeded):
    """Downloads, feeds and the API carry stored text as data: every attack at once, and each still parses."""
    poison("\n\n".join(MARKDOWN_ATTACKS))
    for item in SURFACE:
        if item.html:
            continue
        response = fetch(client, item.path)
        assert response.status_code < 500, item.path
        body = body_of(response).decode("utf-8-sig")
        kind = response["Content-Type"]
        if "json" in kind:
            json.loads(body)
        elif "xml" in kind:
            ElementTree.fromstring(body.encode())
        elif "csv" in kind:
            list(csv.reader(io.StringIO(body)))


# --- CSV exports neutralise spreadsheet formulas --------------------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("path", CSV_EXPORTS)
def test_csv_exports_neutralise_formulas(client, seeded, path):
    for formula in FORMULAS:
        poison(formula)
        response = fetch(client, path)
        assert response.status_code == 200
        for row in csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not (cell.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", cell)), cell
