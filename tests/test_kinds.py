"""The registry of record kinds (partnership/kinds.py) is what every surface iterates."""

import pytest
from django.urls import resolve

from partnership import kinds
from partnership.api.views import router
from partnership.sitemaps import SITEMAPS


def test_every_kind_has_an_endpoint_a_sitemap_section_and_search_choice():
    assert {prefix for prefix, _viewset, _basename in router.registry} == set(kinds.BY_COLLECTION)
    assert set(SITEMAPS) - {"home"} == set(kinds.BY_COLLECTION)
    assert [key for key, _label in kinds.CHOICES] == list(kinds.KINDS)


@pytest.mark.parametrize("kind", list(kinds.KINDS.values()), ids=lambda kind: kind.key)
def test_every_public_path_of_a_kind_resolves_and_answers(client, seeded, kind):
    """The paths the tests iterate are real routes: a route that stops resolving fails here."""
    paths = kind.public_paths()
    assert len(paths) > 4
    for path in paths:
        resolve(path)
        response = client.get(path)
        assert response.status_code == 200, path


@pytest.mark.parametrize("kind", list(kinds.KINDS.values()), ids=lambda kind: kind.key)
def test_export_columns_are_the_csv_header(client, seeded, kind):
    response = client.get(f"/export/{kind.collection}.csv")
    header = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == [column.name for column in kind.columns]
