"""Release text → proposed records (partnership/intake/): found, matched and new."""

from pathlib import Path

import pytest

from partnership.dates import PartialDate
from partnership.intake import KnownNames, propose, read_dateline
from partnership.names import name_key

from .conftest import fixture_data

RELEASE_2015 = fixture_data()["releases"][0]["body"]
RELEASE_ESCAP = (Path(__file__).parent / "releases" / "2015-11-12-asean-escap.md").read_text(encoding="utf-8")


def by_name(items) -> dict:
    return {name_key(item.name): item for item in items}


def test_dateline_gives_place_and_date():
    place, day, _ = read_dateline(RELEASE_2015)
    assert (place, day.isoformat()) == ("Jakarta", "2015-06-30")


def test_2015_release_on_an_empty_database_finds_officials_with_titles():
    proposal = propose(RELEASE_2015)
    officials = by_name(proposal.officials)
    assert set(officials) == {"miroslav jenca", "le luong minh"}
    jenca, minh = officials["miroslav jenca"], officials["le luong minh"]
    assert (jenca.honorific, jenca.title, jenca.organisation) == (
        "H.E.",
        "Assistant Secretary-General for Political Affairs",
        "UN",
    )
    assert (minh.title, minh.organisation) == ("Secretary-General of ASEAN", "ASEAN")
    assert all(o.match is None and o.paragraph == 1 for o in proposal.officials)


def test_2015_release_meeting_date_place_and_dates_with_precision():
    """The meeting is 'on 26 June' (year from the dateline) at the ASEAN Secretariat in Jakarta."""
    proposal = propose(RELEASE_2015)
    assert proposal.meeting_date == PartialDate.parse("2015-06-26")
    assert (proposal.venue, proposal.city, proposal.meeting_paragraph) == ("ASEAN Secretariat", "Jakarta", 1)
    dates = {(d.date.isoformat(), d.paragraph) for d in proposal.dates}
    assert {("2015-06-30", 1), ("2011", 1), ("2015-06-26", 1), ("2015-05", 2), ("1970s", 6)} <= dates
    assert {d.date.precision for d in proposal.dates} == {"day", "month", "year", "decade"}


def test_2015_release_finds_the_joint_declaration_and_areas():
    proposal = propose(RELEASE_2015)
    declaration = next(a for a in proposal.agreements if a.name.startswith("Joint Declaration"))
    assert declaration.signed == PartialDate.parse("2011")
    assert declaration.kind == "declaration"
    assert declaration.paragraph == 1
    areas = set(by_name(proposal.areas))
    assert {
        "political security",
        "transnational threats",
        "maritime security",
        "violent extremism",
        "international terrorism",
        "trafficking in persons",
        "people smuggling",
        "institutional collaboration",
    } <= areas
    organisations = {name_key(o.acronym or o.name) for o in proposal.organisations}
    assert {"un", "asean", "asean secretariat"} <= organisations


def test_2015_release_after_the_fixture_matches_everything(seeded):
    """Run again with the fixture loaded, the proposal matches existing records and proposes nothing new."""
    known = KnownNames.from_database()
    proposal = propose(RELEASE_2015, known)
    assert proposal.new_records() == []
    officials = {o.match.slug for o in proposal.officials}
    assert officials == {"miroslav-jenca", "le-luong-minh"}
    assert {o.match.slug for o in proposal.organisations} == {"asean", "asean-secretariat", "united-nations"}
    agreements = {a.match.slug for a in proposal.agreements}
    assert "joint-declaration-on-comprehensive-partnership" in agreements
    assert len(agreements) == len(proposal.agreements)
    areas = {a.match.slug for a in proposal.areas}
    assert {"political-security", "maritime-security", "institutional-collaboration"} <= areas
    assert len(areas) == len(proposal.areas)


def test_spelling_and_accents_match_existing_officials(seeded):
    """'Miroslav Jenca' is Miroslav Jenča whatever the accents or case."""
    known = KnownNames.from_database()
    proposal = propose("JAKARTA, 1 July 2015- MIROSLAV JENCA met H.E. Le Luong Minh on 30 June.", known)
    assert {o.match.slug for o in proposal.officials} == {"le-luong-minh", "miroslav-jenca"}


def test_a_surname_alone_is_only_a_possible_match(seeded):
    """'SG Minh' and 'Mr Jenca' with no full name in the release are offered as candidates, never matched."""
    known = KnownNames.from_database()
    proposal = propose("JAKARTA, 1 July 2015- SG Minh met Mr Jenca on 30 June at the ASEAN Secretariat.", known)
    assert [o.match for o in proposal.officials] == [None, None]
    candidates = {o.name: [c.name for c in o.candidates] for o in proposal.officials}
    assert candidates == {"Minh": ["Le Luong Minh"], "Jenca": ["Miroslav Jenča"]}


def test_second_release_on_an_empty_database():
    proposal = propose(RELEASE_ESCAP)
    officials = by_name(proposal.officials)
    assert set(officials) == {"le luong minh", "shamshad akhtar", "akp mochtan", "hongjoo hahm"}
    assert officials["hongjoo hahm"].title == "Deputy Executive Secretary of ESCAP"
    assert officials["akp mochtan"].paragraph == 4
    assert proposal.meeting_date == PartialDate.parse("2015-11-10")
    assert (proposal.venue, proposal.city) == ("United Nations Conference Centre", "Bangkok")
    escap = next(o for o in proposal.organisations if o.acronym == "ESCAP")
    assert escap.name == "United Nations Economic and Social Commission for Asia and the Pacific"
    assert {"disaster risk reduction", "connectivity", "sustainable development"} <= set(by_name(proposal.areas))
    assert {"2013-05", "1990s", "2015-12-31"} <= {d.date.isoformat() for d in proposal.dates}


def test_second_release_after_the_fixture_marks_known_and_new(seeded):
    proposal = propose(RELEASE_ESCAP, KnownNames.from_database())
    officials = by_name(proposal.officials)
    assert officials["le luong minh"].match.slug == "le-luong-minh"
    assert all(officials[key].match is None for key in ["shamshad akhtar", "akp mochtan", "hongjoo hahm"])
    organisations = {name_key(o.acronym or o.name): o for o in proposal.organisations}
    assert organisations["escap"].match is None
    assert organisations["asean"].match.slug == "asean"
    areas = by_name(proposal.areas)
    assert areas["sustainable development"].match.slug == "sustainable-development"
    assert areas["disaster risk reduction"].match.slug == "disaster-risk-reduction"  # from the vocabulary
    agreements = {a.name: a for a in proposal.agreements}
    declaration = next(a for a in agreements.values() if a.match)
    assert declaration.match.slug == "joint-declaration-on-comprehensive-partnership"
    assert agreements["ASEAN-UN Plan of Action"].match is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("on 26 June", "2015-06-26"),
        ("on 3 March 2014", "2014-03-03"),
        ("in May 2015", "2015-05"),
        ("in 2011", "2011"),
        ("the 1970s", "1970s"),
        ("on 31 December", "2014-12-31"),
    ],
)
def test_dates_keep_their_precision(sentence, expected):
    """A day without a year is the latest such day up to the dateline (31 December → the year before)."""
    proposal = propose(f"JAKARTA, 30 June 2015- Something happened {sentence}.")
    mentions = [d.date.isoformat() for d in proposal.dates if d.role != "dateline"]
    assert mentions == [expected]


def test_proposal_json_gives_the_release_prefill_summary_outcomes_candidates_and_mentions():
    """The Extract screen and propose_records read this shape: every item says where it is named."""
    data = propose(RELEASE_2015).as_json()
    assert (data["release_title"], data["dateline_place"], data["dateline_date"]) == (
        propose(RELEASE_2015).release_title,
        "Jakarta",
        "2015-06-30",
    )
    assert data["summary"]["paragraph"] == 1 and data["summary"]["text"].startswith("The UN and ASEAN")
    assert {o["kind"] for o in data["outcomes"]} >= {"agreed", "reaffirmed", "welcomed", "discussed"}
    parts = RELEASE_2015.replace("\r\n", "\n").split("\n\n")
    for kind in ("officials", "organisations", "areas", "agreements"):
        for item in data[kind]:
            assert item["candidates"] == [] or {"id", "name", "score", "reason"} <= set(item["candidates"][0])
            assert item["mentions"], item["name"]
            for mention in item["mentions"]:
                assert parts[mention["paragraph"] - 1].strip()[mention["start"] : mention["end"]] == mention["text"]
    assert all("suggested_parent" in area for area in data["areas"])
