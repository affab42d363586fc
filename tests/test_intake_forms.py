"""Topics as press releases write them: word forms, shared heads, adjective lists, bodies without a head word.

Each test is a rule of partnership/intake/ (forms.py, areas.py, organisations.py) on text written
for the test, not taken from the corpus.
"""

import pytest

from partnership.intake import propose
from partnership.intake.forms import agent, plural, stem


def areas(text: str) -> dict[str, object]:
    return {area.name: area for area in propose(f"BANGKOK, 3 June 2024- {text}").areas}


@pytest.mark.parametrize(
    ("word", "singular"),
    [("crimes", "crime"), ("industries", "industry"), ("children", "child"), ("business", "business"),
     ("crisis", "crisis"), ("economics", "economics"), ("returnees", "returnee"), ("sdgs", "sdg")],
)  # fmt: skip
def test_plural(word, singular):
    assert plural(word) == singular


def test_an_activity_and_its_agents_share_a_stem_but_not_a_bare_noun():
    assert stem("peacebuilders") == stem("peacebuilding") == "peacebuild"
    assert stem("returnees") == stem("returning") == "return"
    assert agent("peacekeepers") == agent("peacekeeping")
    assert agent("funds") != agent("funding")


def test_plurals_and_agents_of_labels_name_their_area():
    found = areas(
        "Officials reviewed efforts against transnational crimes and heard from young peacebuilders and "
        "women entrepreneurs."
    )
    assert {"Transnational crime", "Peacebuilding", "Micro, small and medium enterprises"} <= set(found)


def test_an_of_phrase_names_the_compound_label():
    found = areas("They spoke about the management of borders and the trafficking of drugs.")
    assert {"Border management", "Drug trafficking"} <= set(found)


def test_a_one_word_label_does_not_swallow_its_verb():
    found = areas("UN funds and programmes pledged financing for the new centre.")
    assert "Resource mobilisation" not in found and "Finance" not in found


def test_a_head_written_once_for_two_topics_names_both():
    found = areas("The ministers discussed maritime and border security and the smuggling of drugs and people.")
    assert {"Maritime security", "Border management", "Drug trafficking", "People smuggling"} <= set(found)
    assert "People" not in found


def test_media_and_information_literacy_is_one_topic():
    found = areas("They agreed to cooperate on media and information literacy.")
    assert "Digital literacy" in found and "Information literacy" not in found


def test_adjectives_listed_before_a_noun_are_not_topics():
    found = areas(
        "Participants discussed the right to a safe, clean and healthy environment and reviewed regional "
        "and global trends."
    )
    assert "Environment" in found
    assert not {"Safe", "Clean", "Regional", "Global trends"} & set(found)


def test_a_region_issue_in_a_list_is_proposed():
    found = areas("The Leaders exchanged views on the Korean Peninsula, the situation in the Middle East and Rakhine.")
    assert {"Korean Peninsula", "Middle East"} <= set(found)


def test_the_crisis_in_a_country_is_its_situation():
    assert "Situation in Myanmar" in areas("The Leaders discussed the crisis in Myanmar.")


def test_a_known_word_inside_a_hyphenated_modifier_makes_a_narrower_new_topic():
    found = areas("The workshop discussed gender-responsive budgeting and pay gaps.")
    new = found["Gender-responsive budgeting"]
    assert new.match is None and new.suggested_parent == "gender-equality"


def test_a_topic_before_what_it_leads_to_is_kept():
    found = areas("A seminar on a just transition to a low-carbon economy was held.")
    assert "Just transition" in found and "Green economy" in found


def test_business_and_human_rights_is_one_area_not_business():
    found = areas("The Commission held a dialogue on business and human rights.")
    assert "Business and human rights" in found and "Business" not in found


# -- organisations and people ----------------------------------------------------------------


def organisations(text: str) -> set[str]:
    return {o.name for o in propose(f"MANILA, 3 June 2024- {text}").organisations}


def test_a_government_of_a_country_is_an_organisation_with_the_country_in_its_name():
    assert "Royal Government of Thailand" in organisations("The Royal Government of Thailand hosted the meeting.")


def test_a_place_before_and_ends_the_other_body():
    found = organisations(
        "The event was organised by the Ministry of Health of Indonesia and the WHO Country Office for Indonesia."
    )
    assert not any(name.startswith("Indonesia and") for name in found)


def test_a_post_after_a_government_or_police_head_is_not_a_body():
    found = organisations("Interior and Local Government Secretary Ana Cruz met Police Colonel Jose Reyes.")
    assert not any("Government" in name or "Police" in name for name in found)


def test_filipino_titles_and_ma_stay_with_the_name():
    proposal = propose("MANILA, 3 June 2024- Engr. Rosario Bautista and Ambassador Ma. Elena Santos spoke.")
    assert {o.name for o in proposal.officials} == {"Rosario Bautista", "Ma. Elena Santos"}


def test_a_document_named_again_by_its_acronym_is_one_document():
    proposal = propose(
        "JAKARTA, 3 June 2024- They reviewed the Cebu Trafficking in Persons Work Plan 2018-2022. "
        "A successor to the Cebu TIP Work Plan was discussed."
    )
    assert [a.name for a in proposal.agreements] == ["Cebu Trafficking in Persons Work Plan 2018-2022"]


def test_what_is_yet_to_be_adopted_is_no_outcome():
    proposal = propose("JAKARTA, 3 June 2024- Both sides looked forward to a work plan to be adopted next year.")
    assert [o.kind for o in proposal.outcomes] == ["looked_forward"]


# -- what real releases showed ---------------------------------------------------------------


def test_the_words_of_a_post_are_not_a_person():
    proposal = propose(
        "NEW YORK, 3 June 2024- Also present was the Assistant Secretary-General for Humanitarian Affairs and "
        "Deputy Emergency Relief Coordinator, Ms. Amina Rahman."
    )
    assert [o.name for o in proposal.officials] == ["Amina Rahman"]


def test_cooperation_itself_is_not_a_topic():
    found = areas("They decided on new areas of cooperation and collaboration and on future cooperation in health.")
    assert not {"Cooperation", "Collaboration", "Future cooperation"} & set(found)


def test_two_titles_joined_by_and_and_an_event_after_a_title():
    proposal = propose(
        "JAKARTA, 3 June 2024- They discussed the 2030 Agenda for Sustainable Development and ASEAN Community "
        "Vision 2045, the Plan of Action on Preventing Violent Extremism and the Lisbon Ocean Conference."
    )
    assert {a.name for a in proposal.agreements} == {
        "2030 Agenda for Sustainable Development",
        "ASEAN Community Vision 2045",
        "Plan of Action on Preventing Violent Extremism",
    }


def test_a_release_naming_its_own_genre_is_no_document():
    proposal = propose("Press Statement\n\nJAKARTA, 3 June 2024- The ASEAN Secretariat met UNICEF.")
    assert proposal.agreements == []


def test_a_reporting_clause_and_how_they_cooperate_are_not_topics():
    found = areas(
        "Partnerships matter, including strong partnerships between regions, and threats in areas such as "
        "hate speech and cybersecurity, he said."
    )
    assert {"Hate speech", "Cybersecurity"} <= set(found)
    assert not {"Strong partnerships", "He said"} & set(found)


def test_a_meeting_with_an_acronym_is_not_an_organisation():
    names = organisations("The ASEAN-UN Ministerial Meeting (AUMM) was held in New York.")
    assert not any("Meeting" in name for name in names)


def test_a_post_with_its_acronym_names_the_person_after_it_and_is_no_body():
    proposal = propose(
        "JAKARTA, 3 June 2024- It was opened by the Deputy Secretary-General (DSG) for ASEAN Economic Community "
        "Satvinder Singh. DSG Singh thanked UNCTAD."
    )
    assert [o.name for o in proposal.officials] == ["Satvinder Singh"]
    assert not any("Secretary-General" in o.name for o in proposal.organisations)


def test_a_framework_agreement_is_one_document():
    proposal = propose("JAKARTA, 3 June 2024- They reviewed the ASEAN-WHO Framework Agreement of Cooperation.")
    assert [a.name for a in proposal.agreements] == ["ASEAN-WHO Framework Agreement of Cooperation"]


def test_how_they_cooperate_on_something_is_no_topic():
    found = areas("Cooperation in areas including cross-sectoral cooperation and the promotion of synergy was agreed.")
    assert not {"Cross-sectoral cooperation", "Promotion of synergy"} & set(found)


def test_a_title_case_headline_gives_no_body_by_head_word():
    proposal = propose(
        "Agency Heads Tell Security Council Cooperation Is Vital\n\n"
        "NEW YORK, 3 June 2024 - The heads of ASEAN and the United Nations briefed the Security Council today."
    )
    assert not any("Heads" in o.name for o in proposal.organisations)
