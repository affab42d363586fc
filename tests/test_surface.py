"""The list of public URLs is true: each answers, and each parameter it names is one its view reads."""

import pytest
from django.core.cache import cache
from django.urls import resolve

from .surface import PARAMETER_TARGETS, SURFACE

pytestmark = pytest.mark.django_db

# Words to search for: suggest answers nothing without them, and search reads a page only of hits.
NEEDS_PARAMETERS = {"/search/suggest/": {"kind": "official", "q": "jen"}, "/search/": {"q": "jenca"}}
# A value each view must notice: refused, or a different answer. The schema's `lang` only
# translates words, and no translation of them ships, so its answer cannot show it.
PROBE = "zz-no-such-value"
UNSHOWN = {("/api/schema/", "lang")}


def answer(client, path, query):
    cache.clear()
    response = client.get(path, query)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


@pytest.mark.parametrize("item", SURFACE, ids=[item.path for item in SURFACE])
def test_every_public_url_answers(client, seeded_once, item):
    assert resolve(item.path)
    status, _ = answer(client, item.path, NEEDS_PARAMETERS.get(item.path, {}))
    assert status == 200


@pytest.mark.parametrize(("path", "name"), [target for target in PARAMETER_TARGETS if target not in UNSHOWN])
def test_every_listed_parameter_is_read(client, seeded_once, path, name):
    """A parameter the view ignored (search's `type`, when it reads `kind`) would give the same answer."""
    base = NEEDS_PARAMETERS.get(path, {})
    assert answer(client, path, {**base, name: PROBE}) != answer(client, path, base)
