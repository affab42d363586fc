"""One test per extraction rule (partnership/intake/), on the hard cases of each."""

import datetime

import pytest

from partnership.dates import PartialDate
from partnership.intake import KnownNames, propose
from partnership.intake.outcomes import outcome_kinds
from partnership.intake.proposal import Known
from partnership.intake.text import fold, paragraphs
from partnership.intake.when import find_dateline, find_dates
from partnership.names import name_key


def known(**kinds) -> KnownNames:
    """Known records from {kind: [(name, aliases...), ...]}, as the database would give them."""
    made = {}
    for kind, rows in kinds.items():
        made[kind] = [
            Known(pk, row[0], name_key(row[0]).replace(" ", "-"), frozenset(name_key(n) for n in row), None, tuple(row))
            for pk, row in enumerate(rows, start=1)
        ]
    return KnownNames(**made)


def names(items) -> set[str]:
    return {item.name for item in items}


# -- datelines and dates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "day"),
    [
        ("JAKARTA, 30 June 2015- The UN met.", "Jakarta", "2015-06-30"),
        ("Jakarta, 30 June 2015 – The UN met.", "Jakarta", "2015-06-30"),
        ("NEW YORK (1 March 2019) — The UN met.", "New York", "2019-03-01"),
        ("BANGKOK, November 12, 2015 -- The UN met.", "Bangkok", "2015-11-12"),
        ("Ha Noi, Viet Nam, 5 May 2020: The UN met.", "Ha Noi", "2020-05-05"),
        ("NAY PYI TAW, 3 December 2014 - The UN met.", "Nay Pyi Taw", "2014-12-03"),
    ],
)
def test_dateline_forms(text, place, day):
    dateline, headline = find_dateline(paragraphs(text))
    assert (dateline.place, dateline.date.isoformat(), headline) == (place, day, "")


def test_a_headline_line_before_the_dateline_is_the_release_title():
    """As archived releases start: headline, blank line (or none), then the dateline."""
    for separator in ("\n\n", "\n"):
        proposal = propose(f"UN and ASEAN to deepen ties{separator}JAKARTA, 30 June 2015- The two sides met today.")
        assert (proposal.release_title, proposal.dateline_place) == ("UN and ASEAN to deepen ties", "Jakarta")
        assert proposal.dateline_date == datetime.date(2015, 6, 30)
        assert proposal.meeting_date == PartialDate.parse("2015-06-30")


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("met yesterday", "2019-02-28"),
        ("met on Thursday", "2019-02-28"),
        ("met last Thursday", "2019-02-28"),
        ("met on Friday", "2019-03-01"),
        ("met last Friday", "2019-02-22"),
        ("met today", "2019-03-01"),
        ("met earlier this week", "2019-02"),
        ("will meet on Monday", "2019-03-04"),
        ("met on 26-27 February", "2019-02-26"),
        ("met on February 26", "2019-02-26"),
        ("met on September 15, 2018", "2018-09-15"),
        ("met on 15 September", "2018-09-15"),
    ],
)
def test_dates_are_resolved_against_the_dateline(phrase, expected):
    """The dateline is Friday 1 March 2019; a day without a year is the latest one up to it."""
    dates = find_dates(f"The two sides {phrase}.", datetime.date(2019, 3, 1))
    assert [d.date.isoformat() for d in dates] == [expected]


def test_the_meeting_date_is_the_meetings_not_the_first_date_in_the_text():
    text = (
        "JAKARTA, 30 June 2015- Since May 2013 the two have met yearly; the Declaration signed on 19 November "
        "2011 guides them. The Secretaries-General met on Friday at the ASEAN Secretariat."
    )
    proposal = propose(text)
    assert proposal.meeting_date == PartialDate.parse("2015-06-26")


def test_a_period_in_a_document_title_is_not_the_meeting_date():
    proposal = propose("JAKARTA, 30 June 2015- Under the Plan of Action (2016-2020) they met yesterday.")
    assert proposal.meeting_date == PartialDate.parse("2015-06-29")


# -- people ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name", "honorific", "title"),
    [
        ("H.E. Mr. Tran Duc Binh, Ambassador of Viet Nam to ASEAN, spoke.", "Tran Duc Binh", "H.E. Mr.", "Ambassador"),
        ("H.E. Dato’ Lim Jock Hoi spoke.", "Lim Jock Hoi", "H.E. Dato’", ""),
        ("Tan Sri Lim Boon Keat spoke.", "Lim Boon Keat", "Tan Sri", ""),
        ("Pehin Dato Haji Ahmad Zaini bin Haji Yusof spoke.", "Ahmad Zaini bin Haji Yusof", "Pehin Dato Haji", ""),
        ("Prime Minister Hun Sen spoke.", "Hun Sen", "", "Prime Minister"),
        ("Vietnamese Ambassador Tran Duc Binh spoke.", "Tran Duc Binh", "", "Ambassador"),
        ("U Kyaw Zeya Naing and Daw Khin Mya Thet spoke.", "Kyaw Zeya Naing", "U", ""),
        ("Khun Siriporn Chaiyasit spoke.", "Siriporn Chaiyasit", "Khun", ""),
        ("Ibu Ratna Widyastuti spoke.", "Ratna Widyastuti", "Ibu", ""),
        ("Dr. Nguyễn Thị Lan Anh spoke.", "Nguyễn Thị Lan Anh", "Dr.", ""),
        ("Undersecretary Ramon Villanueva Jr. spoke.", "Ramon Villanueva Jr.", "", "Undersecretary"),
    ],
)
def test_honorifics_and_titles_of_the_region_alone_or_stacked(sentence, name, honorific, title):
    official = next(o for o in propose(f"JAKARTA, 30 June 2015- {sentence}").officials if o.name == name)
    assert (official.honorific, official.title.split(" of ")[0]) == (honorific, title)


def test_a_person_named_after_a_long_post_keeps_the_post_and_its_organisation():
    text = (
        "JAKARTA, 30 June 2015- UN Assistant Secretary-General for Political and Peacebuilding Affairs "
        "Khaled Khiari met the Deputy Secretary-General of ASEAN for ASEAN Socio-Cultural Community, "
        "H.E. Ekkachai Srisawat."
    )
    officials = {o.name: o for o in propose(text).officials}
    assert set(officials) == {"Khaled Khiari", "Ekkachai Srisawat"}
    assert officials["Khaled Khiari"].title == "Assistant Secretary-General for Political and Peacebuilding Affairs"
    assert officials["Khaled Khiari"].organisation == "UN"
    assert (
        officials["Ekkachai Srisawat"].title == "Deputy Secretary-General of ASEAN for ASEAN Socio-Cultural Community"
    )


def test_sentences_are_not_cut_at_abbreviations():
    """'Mr.' and 'H.E.' end no sentence: the outcome keeps the whole sentence."""
    proposal = propose("JAKARTA, 30 June 2015- H.E. Mr. Tran Duc Binh and Dr. Le Van Hoa agreed to meet again.")
    assert [o.text for o in proposal.outcomes] == ["H.E. Mr. Tran Duc Binh and Dr. Le Van Hoa agreed to meet again."]


def test_short_references_join_the_full_name_given_in_the_release():
    text = (
        "JAKARTA, 30 June 2015- H.E. Miroslav Jenča met SG Minh.\n\n"
        "Mr Jenca’s visit was welcomed by H.E. Le Luong Minh."
    )
    proposal = propose(text)
    assert names(proposal.officials) == {"Miroslav Jenča", "Le Luong Minh"}
    jenca = next(o for o in proposal.officials if o.name == "Miroslav Jenča")
    assert [(m.paragraph, m.text) for m in jenca.mentions] == [(1, "Miroslav Jenča"), (2, "Jenca")]


def test_a_surname_shared_with_an_existing_official_is_never_matched():
    """'Mr Guterres' is not the known Maria Guterres: a candidate, with the reason, and no extra participant."""
    base = known(officials=[("Maria Guterres", "Guterres")])
    proposal = propose("NEW YORK, 1 March 2019- A message from Mr Guterres was read.", base)
    [official] = proposal.officials
    assert (official.name, official.match) == ("Guterres", None)
    assert [(c.name, c.reason.startswith("only the name")) for c in official.candidates] == [("Maria Guterres", True)]


def test_a_full_name_with_another_given_name_is_new_with_a_candidate():
    base = known(officials=[("Le Luong Minh", "SG Minh")])
    proposal = propose("HA NOI, 1 March 2019- Deputy Prime Minister Pham Binh Minh met ASEAN.", base)
    [official] = proposal.officials
    assert (official.name, official.match) == ("Pham Binh Minh", None)
    assert [c.name for c in official.candidates] == ["Le Luong Minh"]


def test_a_full_name_matches_whatever_its_accents_and_case():
    base = known(officials=[("Nguyễn Thị Lan Anh",)])
    proposal = propose("HA NOI, 1 March 2019- Ms. NGUYEN THI LAN ANH opened the meeting.", base)
    assert [o.match.name for o in proposal.officials] == ["Nguyễn Thị Lan Anh"]


# -- organisations -------------------------------------------------------------------------


def test_a_full_name_and_its_acronym_are_one_organisation():
    text = (
        "JAKARTA, 30 June 2015- The ASEAN Coordinating Centre for Humanitarian Assistance on disaster management "
        "(AHA Centre) met ESCAP.\n\nThe AHA Centre briefed the meeting."
    )
    organisations = propose(text).organisations
    [aha] = [o for o in organisations if "Humanitarian" in o.name or "AHA" in o.name]
    assert aha.name.startswith("ASEAN Coordinating Centre") and [m.text for m in aha.mentions][-1] == "AHA Centre"


def test_places_are_never_organisations():
    text = "SINGAPORE, 2 August 2018 — Officials from BANGKOK, JAKARTA and Viet Nam met at the ASEAN Secretariat."
    assert names(propose(text).organisations) == {"ASEAN Secretariat"}


def test_bodies_named_inside_a_post_are_found():
    text = (
        "BANGKOK, 8 March 2023 — The Assistant Secretary-General of UN Women, Ms. Helen Carrow, and the "
        "Deputy Executive Secretary of UNESCAP, Mr. Kyung-soo Lim, met."
    )
    found = {(o.name, o.acronym) for o in propose(text).organisations}
    assert ("United Nations Entity for Gender Equality and the Empowerment of Women", "") in found
    assert ("United Nations Economic and Social Commission for Asia and the Pacific", "ESCAP") in found


def test_organisations_match_existing_records_by_acronym_or_alias():
    base = known(organisations=[("United Nations Economic and Social Commission for Asia and the Pacific", "ESCAP")])
    proposal = propose("BANGKOK, 8 March 2023 — UNESCAP and the ASEAN Secretariat met.", base)
    escap = next(o for o in proposal.organisations if "Asia" in o.name)
    assert escap.match is not None


def test_a_documents_acronym_stays_with_the_document():
    proposal = propose("JAKARTA, 30 June 2015- They reviewed the Plan of Action (POA) with UNDP.")
    assert names(proposal.agreements) == {"Plan of Action"}
    assert "POA" not in {o.acronym or o.name for o in proposal.organisations}


# -- areas -----------------------------------------------------------------------------------


def test_areas_map_to_the_vocabulary_by_any_label():
    text = (
        "JAKARTA, 30 June 2015- They discussed counter-terrorism, countering terrorism online, cybercrime, "
        "border management, drug trafficking, disaster risk reduction, preventive diplomacy, human rights "
        "and climate change."
    )
    areas = propose(text).areas
    assert [a.name for a in areas if a.name == "Counter-terrorism"] == ["Counter-terrorism"]
    assert {
        "Counter-terrorism",
        "Cybercrime",
        "Border management",
        "Drug trafficking",
        "Disaster risk reduction",
        "Preventive diplomacy",
        "Human rights",
        "Climate change",
    } == names(areas)


def test_counter_terrorism_matches_the_existing_terrorism_tree(seeded):
    proposal = propose("JAKARTA, 30 June 2015- They discussed countering terrorism.", KnownNames.from_database())
    [area] = proposal.areas
    assert area.match.slug == "counter-terrorism" and area.match.parent == "international-terrorism"


def test_a_new_area_is_proposed_with_the_parent_its_neighbours_share():
    proposal = propose("JAKARTA, 30 June 2015- Cooperation in maritime security, piracy and sea lane monitoring.")
    new = next(a for a in proposal.areas if a.name == "Sea lane monitoring")
    assert new.match is None and new.suggested_parent in {"maritime-security", "transnational-threats"}


def test_no_stray_word_becomes_an_area():
    proposal = propose("JAKARTA, 30 June 2015- Cooperation in various areas of mutual interest. And so on.")
    assert proposal.areas == []


def test_one_word_labels_in_everyday_use_are_not_areas():
    proposal = propose(
        "JAKARTA, 30 June 2015- In a changing security environment, economic growth and investment in people matter."
    )
    assert proposal.areas == []


# -- agreements -----------------------------------------------------------------------------


def test_documents_split_at_coordination_and_keep_their_period():
    text = (
        "MANILA, 14 November 2017 – The Leaders adopted the ASEAN Joint Statement on Climate Change and the "
        "ASEAN-UN Plan of Action (2016-2020) at the Philippine International Convention Center."
    )
    agreements = {a.name: a for a in propose(text).agreements}
    assert set(agreements) == {"ASEAN Joint Statement on Climate Change", "ASEAN-UN Plan of Action (2016-2020)"}
    assert (
        agreements["ASEAN-UN Plan of Action (2016-2020)"].kind,
        agreements["ASEAN Joint Statement on Climate Change"].kind,
    ) == (
        "plan_of_action",
        "declaration",
    )


def test_a_signed_document_gets_its_signing_date():
    text = (
        "BANGKOK, 9 September 2022 – The two signed a Memorandum of Understanding on Cooperation in Combating "
        "Transnational Crime on Wednesday. The Joint Declaration, signed in 2011, guides them."
    )
    signed = {a.name: a.signed for a in propose(text).agreements}
    assert signed["Memorandum of Understanding on Cooperation in Combating Transnational Crime"] == PartialDate.parse(
        "2022-09-07"
    )


# -- outcomes, summary and offsets ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("Both sides agreed to meet again.", ["agreed"]),
        ("The Ministers adopted the Plan.", ["agreed"]),
        ("They decided to set up a task force.", ["agreed"]),
        ("The meeting welcomed the progress and reaffirmed its support.", ["welcomed", "reaffirmed"]),
        ("They discussed trade and agreed to review it.", ["discussed", "agreed"]),
        ("The Declaration, signed in 2011, guides them.", []),
        ("The agreed text was circulated.", []),
    ],
)
def test_outcome_kinds(sentence, kinds):
    assert outcome_kinds(sentence) == kinds


def test_mentions_are_offsets_in_the_paragraph_text():
    text = "JAKARTA, 30 June 2015- H.E. Miroslav Jenča met UNDP.\n\n  UNDP welcomed Mr Jenča."
    proposal = propose(text)
    parts = paragraphs(text)
    for item in proposal.records():
        for mention in item.mentions:
            assert parts[mention.paragraph - 1][mention.start : mention.end] == mention.text


def test_fold_keeps_offsets():
    text = "Lê Lương Minh, Jenča & Straße"
    assert len(fold(text)) == len(text) and fold(text).split() == ["le", "luong", "minh", "jenca", "strase"]
