"""Hostile input on every public URL and parameter: never a 5xx, never an unfiltered list, never live markup.

The URLs and their parameters come from tests/surface.py, so every page added there is
attacked here too. Values are generated with Hypothesis from a corpus of known-bad input
(bad dates, huge numbers, NUL bytes, SQL and HTML fragments) mixed with arbitrary text.
"""

import csv
import datetime
import io
import json
import os
import re

import pytest
from django.core.cache import cache
from django.db import models
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
from .surface import CSV_EXPORTS, PARAMETERISED, PUBLIC, PUBLIC_PATHS

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "60"))
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


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The API's per-client limit counts in the cache: each test starts with it unspent, so it sees real answers."""
    cache.clear()


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


@pytest.mark.parametrize(("path", "params"), PUBLIC)
@hostile_settings
@given(data=st.data())
def test_no_parameter_value_causes_a_server_error(client, seeded, path, params, data):
    names = st.sampled_from([*params, *UNKNOWN]) | st.text(min_size=1, max_size=30)
    query = data.draw(st.dictionaries(names, value, max_size=6))
    response = client.get(path, query)
    assert_safe(response, query.values())


@pytest.mark.parametrize(("path", "params"), PUBLIC)
def test_every_corpus_value_in_every_parameter(client, seeded, path, params):
    """The whole corpus, deterministically, in each parameter the URL reads (and one it does not)."""
    for name in [*params, "utm_source"]:
        for bad in CORPUS:
            assert_safe(client.get(path, {name: bad}), [bad])


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_a_thousand_and_one_parameters_are_refused(client, path):
    response = client.get(path, {f"p{n}": "x" for n in range(1001)})
    assert response.status_code == 400


@pytest.mark.parametrize(("path", "params"), PUBLIC)
def test_in_lists_empty_and_huge(client, seeded, path, params):
    for size in [0, 1, 5000]:
        items = ",".join(str(n) for n in range(size))
        for name in [*params, "id", "pk", "slug"]:
            assert_safe(client.get(path, {f"{name}__in": items}), [])
            assert_safe(client.get(path, {name: items}), [])


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_nul_bytes_and_control_characters_are_a_bad_request(client, path):
    for bad in ["a\x00b", "\x1b[31m", "\x08", "\x7f\x0b"]:
        assert client.get(path, {"q": bad}).status_code == 400
        assert client.get(path, {bad: "x"}).status_code == 400
    assert client.get(path + "%00").status_code == 400


@given(segment=st.one_of(st.sampled_from(CORPUS), st.text(min_size=1, max_size=100)))
@hostile_settings
def test_hostile_slugs_are_404(client, seeded, segment):
    from urllib.parse import quote

    for prefix in ["meetings", "officials", "organisations", "areas", "agreements", "releases"]:
        response = client.get(f"/{prefix}/{quote(segment, safe='')}/")
        assert response.status_code in (400, 404)


# --- invalid filters never return the unfiltered list ---------------------------------------

# Not filters: any text is a valid search, and paging or sorting do not narrow a list.
NOT_FILTERS = {"q", "page", "sort", "ordering", "format", "type", "page_size"}
FILTERS = [(path, name) for path, params in PARAMETERISED for name in params if name not in NOT_FILTERS]
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
    everything = results(client.get(path))
    for bad in INVALID:
        response = client.get(path, {name: bad})
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
    for path in PUBLIC_PATHS:
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            assert active_content(body_of(response).decode()) == [], path


# --- CSV exports neutralise spreadsheet formulas --------------------------------------------

FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("path", CSV_EXPORTS)
def test_csv_exports_neutralise_formulas(client, seeded, path):
    for formula in FORMULAS:
        poison(formula)
        response = client.get(path)
        assert response.status_code == 200
        for row in csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
                assert not (cell.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", cell)), cell
