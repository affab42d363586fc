"""The shipped fixture is true to the 2015 release, loads twice without duplicates, and bad data writes nothing."""

import copy
import datetime

import pytest
from django.core.management import CommandError, call_command

from partnership.dataset import DatasetError, dump_dataset, load_dataset
from partnership.models import (
    Agreement,
    CooperationArea,
    Meeting,
    Official,
    Organisation,
    Outcome,
    Participation,
    Post,
    PressRelease,
    Relationship,
)
from partnership.names import name_key

from .conftest import FIXTURE, SEED, fixture_data

pytestmark = pytest.mark.django_db

MODELS = [
    Organisation,
    CooperationArea,
    PressRelease,
    Official,
    Post,
    Agreement,
    Meeting,
    Participation,
    Outcome,
    Relationship,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_release_is_kept_verbatim(seeded):
    release = PressRelease.objects.get()
    assert release.body.strip() == SEED.read_text(encoding="utf-8").strip()
    assert (release.dateline_place, release.date) == ("Jakarta", datetime.date(2015, 6, 30))
    assert release.publisher.name == "ASEAN Secretariat"
    assert release.is_published
    assert len(release.paragraphs()) == 6


def test_the_meeting_of_26_june_2015(seeded):
    meeting = Meeting.objects.get()
    assert meeting.date == datetime.date(2015, 6, 26)
    assert meeting.date_display == "26 June 2015"
    assert meeting.place == "ASEAN Secretariat, Jakarta"
    assert meeting.source.title.startswith("The UN and ASEAN")
    roles = {p.official.name: (p.role, p.post.title, p.post.organisation.acronym) for p in meeting.participations.all()}
    assert roles == {
        "Miroslav Jenča": ("visitor", "Assistant Secretary-General for Political Affairs", "UN"),
        "Le Luong Minh": ("host", "Secretary-General of ASEAN", "ASEAN"),
    }
    assert {o.acronym or o.name for o in meeting.organisations.all()} == {"UN", "ASEAN", "ASEAN Secretariat"}


def test_officials_carry_honorifics_and_every_spelling_in_the_release(seeded):
    jenca = Official.objects.get(slug="miroslav-jenca")
    minh = Official.objects.get(slug="le-luong-minh")
    assert (jenca.honorific, minh.honorific) == ("H.E.", "H.E.")
    assert {name_key("Jenca"), name_key("Jenča"), name_key("Mr Jenca")} <= jenca.name_keys()
    assert name_key("SG Minh") in minh.name_keys()


def test_jenca_took_office_in_may_2015_and_minhs_start_is_not_invented(seeded):
    """The release says May 2015 for Jenča and gives no start date for Minh."""
    jenca_post = Post.objects.get(official__slug="miroslav-jenca")
    assert (jenca_post.start_date, jenca_post.start_precision) == (datetime.date(2015, 5, 1), "month")
    assert jenca_post.start_display == "May 2015"
    assert jenca_post.organisation.slug == "united-nations"
    minh_post = Post.objects.get(official__slug="le-luong-minh")
    assert minh_post.start_date is None and minh_post.end_date is None


def test_organisations_nest(seeded):
    assert Organisation.objects.get(name="ASEAN Secretariat").parent.acronym == "ASEAN"
    assert Organisation.objects.get(acronym="UN").parent is None


def test_the_joint_declaration_was_signed_in_2011_by_both_organisations(seeded):
    declaration = Agreement.objects.get(slug="joint-declaration-on-comprehensive-partnership")
    assert (declaration.signed_date.year, declaration.signed_precision) == (2011, "year")
    assert declaration.signed_display == "2011"
    assert declaration.kind == "declaration" and declaration.status == "in_force"
    assert {p.acronym for p in declaration.parties.all()} == {"ASEAN", "UN"}


def test_the_long_term_plan_is_proposed_and_takes_two_frameworks_into_account(seeded):
    plan = Agreement.objects.get(slug="long-term-plan-for-asean-un-cooperation")
    assert plan.status == "proposed" and plan.signed_date is None
    assert {a.title for a in plan.takes_into_account.all()} == {
        "ASEAN Community Building Post-2015",
        "Post-2015 Sustainable Development Goals",
    }


def test_the_cooperation_areas_form_a_tree(seeded):
    threats = CooperationArea.objects.get(slug="transnational-threats")
    assert threats.parent.name == "Political-Security"
    # The fixture's areas under it; the area vocabulary (a migration) adds more.
    assert {a.name for a in threats.children.all()} >= {
        "Maritime security",
        "Violent extremism",
        "International terrorism",
        "Trafficking in persons",
        "People smuggling",
    }
    assert CooperationArea.objects.get(slug="institutional-collaboration").is_pillar
    meeting_areas = set(Meeting.objects.get().areas.values_list("slug", flat=True))
    assert {
        "maritime-security",
        "sustainable-development",
        "community-building",
        "institutional-collaboration",
    } <= meeting_areas


def test_outcomes_say_what_was_agreed_and_link_to_areas(seeded):
    outcomes = Meeting.objects.get().outcomes.all()
    agreed = [o.text for o in outcomes if o.kind == "agreed"]
    assert any("long-term plan" in text for text in agreed)
    assert any("full potential of the Partnership" in text for text in agreed)
    security = outcomes.get(kind="looked_forward")
    assert "maritime-security" in set(security.areas.values_list("slug", flat=True))


def test_cooperation_since_the_1970s_with_more_than_50_agencies(seeded):
    since = Relationship.objects.get(kind="cooperation")
    assert since.since_display == "the 1970s"
    assert Relationship.objects.filter(description__contains="more than 50 UN Agencies").exists()


def test_every_fact_cites_a_paragraph_that_says_it(seeded):
    """Provenance is checked against the text: each cited paragraph contains the fact's key words."""
    release = PressRelease.objects.get()
    paragraphs = release.paragraphs()

    def cited(fact):
        assert fact.source == release
        return paragraphs[fact.source_paragraph - 1]

    for outcome in Outcome.objects.all():
        words = [w for w in outcome.text.replace(".", "").split() if len(w) > 6][:3]
        assert all(word in cited(outcome) for word in words), outcome.text
    for link in Meeting.objects.get().area_links.select_related("area"):
        text = cited(link).lower().replace("-", " ")
        area_words = link.area.name.lower().replace("-", " ").split()
        assert any(word in text for word in area_words if len(word) > 4), link.area.name
    assert "May 2015" in cited(Post.objects.get(official__slug="miroslav-jenca"))
    assert "1970s" in cited(Relationship.objects.get(kind="cooperation"))


def test_loading_twice_creates_no_duplicates(seeded):
    before = counts()
    call_command("load_dataset", str(FIXTURE))
    assert counts() == before


def test_a_dump_loads_back_unchanged(seeded):
    dumped = dump_dataset()
    load_dataset(copy.deepcopy(dumped))
    assert dump_dataset() == dumped


@pytest.mark.parametrize(
    ("change", "record", "field"),
    [
        (lambda d: d["meetings"][0]["participants"][1].update(official="nobody"), "meetings[0]", "official"),
        (lambda d: d["meetings"][0].update(date="26 June"), "meetings[0]", "date"),
        (lambda d: d["officials"][0].pop("name"), "officials[0]", "name"),
        (lambda d: d["agreements"][0].update(signed="2011-02-30"), "agreements[0]", "signed"),
        (lambda d: d["meetings"][0]["outcomes"][2].update(paragraph=9), "outcomes[2]", "source_paragraph"),
        (lambda d: d["organisations"][1].update(parent="nowhere"), "organisations[1]", "parent"),
    ],
)
def test_bad_data_names_the_record_and_field_and_writes_nothing(db, change, record, field):
    data = fixture_data()
    change(data)
    before = counts()  # the area vocabulary a migration loaded
    with pytest.raises(DatasetError) as error:
        load_dataset(data)
    assert record in str(error.value) and f"'{field}'" in str(error.value)
    assert counts() == before


def test_a_bad_reload_leaves_the_loaded_records_as_they_were(seeded):
    before = dump_dataset()
    data = fixture_data()
    data["meetings"][0]["title"] = "Changed"
    data["meetings"][0]["participants"][0]["official"] = "nobody"
    with pytest.raises(DatasetError):
        load_dataset(data)
    assert dump_dataset() == before


def test_the_command_reports_bad_files_without_a_traceback(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"meetings": [', encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was loaded .* not valid JSON"):
        call_command("load_dataset", str(broken))


def test_a_bad_record_in_the_middle_leaves_the_database_exactly_as_before(seeded):
    """New records before and after the bad one, in earlier sections too: a load is all or nothing."""
    before = dump_dataset()
    data = fixture_data()
    data["organisations"].append({"slug": "new-agency", "name": "New Agency"})
    data["officials"].append({"slug": "new-official", "name": "New Official"})
    first = copy.deepcopy(data["meetings"][0])
    good = [dict(copy.deepcopy(first), slug=f"meeting-{n}", title=f"Meeting {n}") for n in range(3)]
    good[1]["date"] = "2015-06-31"
    data["meetings"] += good
    with pytest.raises(DatasetError) as error:
        load_dataset(data)
    assert "meetings[2]" in str(error.value) and "'date'" in str(error.value)
    assert dump_dataset() == before
    assert not Organisation.objects.filter(slug="new-agency").exists()
    assert not Meeting.objects.filter(slug__startswith="meeting-").exists()


def test_a_bad_record_in_the_middle_of_an_empty_database_writes_nothing(db):
    data = fixture_data()
    data["areas"].insert(3, {"slug": "broken", "name": "Broken", "parent": "no-such-area"})
    before = counts()  # the area vocabulary a migration loaded
    with pytest.raises(DatasetError) as error:
        load_dataset(data)
    assert "areas[3]" in str(error.value) and "'parent'" in str(error.value)
    assert counts() == before
