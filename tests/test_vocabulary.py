"""The controlled vocabulary of cooperation areas (partnership/vocabulary) and how it reaches the database."""

import io

import pytest
from django.core.management import call_command

from partnership.models import CooperationArea
from partnership.names import name_key
from partnership.vocabulary import concepts, merge

from .conftest import fixture_data

PILLARS = {"political-security", "economic", "socio-cultural"}
CROSS_PILLAR = {"sustainable-development", "connectivity", "institutional-collaboration", "community-building"}


def test_at_least_150_concepts_each_with_labels_a_note_and_a_broader_concept_below_the_roots():
    found = concepts()
    assert len(found) >= 150
    assert {c.slug for c in found if c.broader is None} == PILLARS | CROSS_PILLAR
    slugs = {c.slug for c in found}
    assert len(slugs) == len(found)
    for concept in found:
        assert concept.label and concept.note, concept.slug
        assert concept.broader is None or concept.broader in slugs
    assert sum(1 for c in found if c.alt) >= 150


def test_a_label_names_one_concept_only():
    """'counter-terrorism' and 'countering terrorism' are one concept; no label is shared by two."""
    owner = {}
    for concept in concepts():
        for label in concept.labels():
            assert owner.setdefault(name_key(label), concept.slug) == concept.slug, label
    assert owner[name_key("countering terrorism")] == owner[name_key("counter-terrorism")] == "counter-terrorism"


def test_counter_terrorism_sits_under_the_fixture_terrorism_area():
    """A meeting on counter-terrorism shows up in the filter of the terrorism area the fixture has."""
    broader = {c.slug: c.broader for c in concepts()}
    assert broader["counter-terrorism"] == "international-terrorism"


def test_the_fixture_areas_keep_their_slug_name_and_parent():
    by_slug = {c.slug: c for c in concepts()}
    for area in fixture_data()["areas"]:
        concept = by_slug[area["slug"]]
        assert (concept.label, concept.broader) == (area["name"], area["parent"])
        assert {name_key(a) for a in area["aliases"]} <= {name_key(label) for label in concept.labels()}


@pytest.mark.django_db
def test_the_migration_loads_every_concept_with_its_broader_area():
    areas = {a.slug: a for a in CooperationArea.objects.select_related("parent")}
    for concept in concepts():
        area = areas[concept.slug]
        assert (area.name, area.parent.slug if area.parent else None) == (concept.label, concept.broader)
        assert {name_key(label) for label in concept.alt} <= area.name_keys()


@pytest.mark.django_db
def test_merging_adds_labels_and_never_removes_an_editors_alias_or_name(seeded):
    """Loading the fixture resets its areas' aliases; load_vocabulary gives the labels back, keeping the editor's."""
    area = CooperationArea.objects.get(slug="international-terrorism")
    assert "terrorism" not in {name_key(a) for a in area.aliases}
    area.name, area.aliases = "Terrorism (international)", [*area.aliases, "global terror"]
    area.save()
    call_command("load_vocabulary", stdout=io.StringIO())
    area.refresh_from_db()
    assert area.name == "Terrorism (international)"
    assert {"global terror", "terrorism", "terrorist threats"} <= {a.casefold() for a in area.aliases}
    assert merge(CooperationArea) == {"created": 0, "updated": 0}


@pytest.mark.django_db
def test_a_concept_already_entered_under_another_slug_is_not_created_twice():
    CooperationArea.objects.filter(slug="cybercrime").delete()
    CooperationArea.objects.create(name="Cyber crime", slug="cyber-crime-2")
    merge(CooperationArea)
    assert not CooperationArea.objects.filter(slug="cybercrime").exists()
    area = CooperationArea.objects.get(slug="cyber-crime-2")
    assert area.parent.slug == "transnational-crime"
    assert name_key("computer crime") in area.name_keys()
