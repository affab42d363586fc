"""The cooperation areas as a thesaurus: the tree on /areas/ and its SKOS export, parsed back."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rdflib import RDF, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from partnership import models

from . import factories

BASE = "http://testserver"


def vocabulary(client, extension: str):
    return client.get(reverse("partnership:area-vocabulary", args=[extension]))


def concept(area) -> URIRef:
    return URIRef(BASE + area.get_absolute_url())


@pytest.fixture
def tricky(seeded):
    """An area whose labels need escaping in Turtle and JSON: quotes, backslash, newline, non-ASCII."""
    parent = models.CooperationArea.objects.get(name="Transnational threats")
    return factories.area(
        name='Counter-terrorism "CT" \\ cyber',
        parent=parent,
        aliases=["countering terrorism", 'say "no"\nto violence', "chống khủng bố"],
        description='Scope: terrorism;\n\n"violent" extremism @en """triple"""',
    )


def test_areas_page_shows_which_areas_have_no_meetings(seeded, client):
    empty = factories.area(name="Space cooperation")
    page = client.get(reverse("partnership:area-list")).content.decode()
    item = page[page.index(empty.get_absolute_url()) :]
    assert item[: item.index("</li>")].count("no meetings yet") == 1
    maritime = page[page.index(models.CooperationArea.objects.get(name="Maritime security").get_absolute_url()) :]
    assert "1 meeting<" in maritime[: maritime.index("</li>")]


def test_areas_page_counts_only_public_meetings_through_public_links(db, client):
    """The hard cases: a draft area link on a published meeting, a published link on a draft meeting,
    and a meeting linked to the area and to one below it (counted at each, once)."""
    pillar = factories.area(name="Security pillar")
    topic = factories.area(name="Haze", parent=pillar)
    draft = factories.release(status=models.ReleaseStatus.DRAFT)
    factories.meeting(title="Counted", areas=[pillar, topic])
    hidden_link = factories.meeting(title="Draft link")
    models.MeetingArea.objects.create(meeting=hidden_link, area=topic, source=draft, source_paragraph=1)
    factories.meeting(title="Draft meeting", areas=[topic], source=draft)
    page = client.get(reverse("partnership:area-list")).content.decode()
    for area in (pillar, topic):
        item = page[page.index(f'href="{area.get_absolute_url()}"') :]
        assert "1 meeting<" in item[: item.index("</span>") + 7], area


def test_areas_page_links_the_skos_export(seeded, client):
    page = client.get(reverse("partnership:area-list")).content.decode()
    assert reverse("partnership:area-vocabulary", args=["ttl"]) in page
    assert reverse("partnership:area-vocabulary", args=["jsonld"]) in page


def test_areas_page_queries_do_not_grow_with_the_areas(db, client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("partnership:area-list")).status_code == 200
        return len(captured)

    pillar = factories.area(name="Pillar")
    for number in range(3):
        factories.area(name=f"Area {number}", parent=pillar)
    few = queries()
    for number in range(3, 40):
        factories.meeting(areas=[factories.area(name=f"Area {number}", parent=pillar)])
    cache.clear()
    assert queries() == few


def test_turtle_export_parses_back_to_every_concept_and_label(tricky, client):
    response = vocabulary(client, "ttl")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    areas = list(models.CooperationArea.objects.all())
    assert set(graph.subjects(RDF.type, SKOS.Concept)) == {concept(area) for area in areas}
    node = concept(tricky)
    assert graph.value(node, SKOS.prefLabel) == Literal('Counter-terrorism "CT" \\ cyber', lang="en")
    assert set(graph.objects(node, SKOS.altLabel)) == {Literal(alias, lang="en") for alias in tricky.aliases}
    assert graph.value(node, SKOS.scopeNote) == Literal(tricky.description, lang="en")
    assert graph.value(node, SKOS.broader) == concept(tricky.parent)
    assert (concept(tricky.parent), SKOS.narrower, node) in graph
    pillars = {concept(area) for area in areas if area.parent_id is None}
    scheme = URIRef(BASE + reverse("partnership:area-list"))
    assert set(graph.objects(scheme, SKOS.hasTopConcept)) == pillars


def test_json_ld_export_says_the_same_as_the_turtle(tricky, client):
    response = vocabulary(client, "jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    json.loads(response.content)
    from_json = Graph().parse(data=response.content.decode(), format="json-ld")
    from_turtle = Graph().parse(data=vocabulary(client, "ttl").content.decode(), format="turtle")
    assert len(from_json) > 0 and isomorphic(from_json, from_turtle)


def test_only_turtle_and_json_ld_are_served(seeded, client):
    assert client.get("/areas/vocabulary.xml").status_code == 404
