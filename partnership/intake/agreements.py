"""Agreements and documents: a head word ("Declaration", "Plan of Action", "MoU"), the words before and after it.

Titles are read word by word in a bounded window: the capitalised words before the head, then an
"on/of/for/between ..." tail. Two documents joined by "and" are split where the second one's head
begins; a period such as "(2016-2020)" and the document's own acronym ("(POA)") stay with it; a
venue ("Convention Centre") is never a document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Word
from .when import CALENDAR_WORDS

HEADS = {
    "Joint Declaration": "declaration",
    "Declaration": "declaration",
    "Joint Statement": "declaration",
    "Statement": "declaration",
    "Plan of Action": "plan_of_action",
    "Action Plan": "plan",
    "Work Plan": "plan",
    "Workplan": "plan",
    "Work Programme": "plan",
    "Master Plan": "plan",
    "Masterplan": "plan",
    "Roadmap": "plan",
    "Road Map": "plan",
    "Blueprint": "plan",
    "Strategy": "plan",
    "Memorandum of Understanding": "mou",
    "MoU": "mou",
    "MOU": "mou",
    "Letter of Intent": "mou",
    "Agreement": "agreement",
    "Framework Agreement": "agreement",
    "Framework Agreement of Cooperation": "agreement",
    "Charter": "agreement",
    "Convention": "agreement",
    "Treaty": "agreement",
    "Protocol": "agreement",
    "Accord": "agreement",
    "Framework": "framework",
    "Agenda": "framework",
    "Vision": "framework",
    "Goals": "framework",
    "Outlook": "framework",
    "Consensus": "framework",
    "Compact": "framework",
    "Guidelines": "framework",
    "Terms of Reference": "other",
    # Publications a meeting launches or welcomes ("the ASEAN Regional Study on the Care Economy").
    "Study": "other",
    "Report": "other",
}
_HEADS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _head, _kind in sorted(HEADS.items(), key=lambda h: -len(h[0].split())):
    _HEADS_BY_FIRST.setdefault(_head.split()[0], []).append((tuple(_head.split()), _kind))
WORDS = {word for head in HEADS for word in head.split() if word[0].isupper()}
VENUE_AFTER = {"Centre", "Center", "Hall", "Hotel", "Room", "Building", "Complex"}
TAIL_OPENERS = {"on", "of", "for", "between", "to", "against", "in", "concerning", "regarding", ":"}
CONNECTORS = {"and", "of", "the", "for", "on", "in", "to", "between", "against", "with", "among", "from"}
MAX_BEFORE = 8
MAX_TAIL = 16
PERIOD = re.compile(r"^\(?(?:19|20)\d{2}(?:\s?[-–]\s?(?:19|20)?\d{2,4})?\)?$")
ACRONYM = re.compile(r"^[A-Z][A-Za-z-]{1,9}$")


@dataclass
class DocumentMention:
    title: str
    kind: str
    start: int
    end: int
    acronym: str = ""


def _head_at(words: list[Word], index: int) -> tuple[int, str]:
    for head, kind in _HEADS_BY_FIRST.get(words[index].text, ()):
        if tuple(w.text for w in words[index : index + len(head)]) == head:
            return len(head), kind
    return 0, ""


ARTICLES = {"The", "A", "An", "This", "That", "These", "Both", "Its", "Their", "Our", "Under", "In", "At", "With"}


INNER = {"in", "of", "on", "for", "and"}  # "Bohol Trafficking in Persons Work Plan"


def _modifier(word: Word) -> bool:
    text = word.text
    if text in ARTICLES or text in CALENDAR_WORDS:
        return False
    return (word.capitalised and not text.endswith(("’s", "'s"))) or bool(PERIOD.match(text))


def read_documents(words: list[Word], text: str) -> list[DocumentMention]:
    found: list[DocumentMention] = []
    index = 0
    while index < len(words):
        length, kind = _head_at(words, index)
        if not length:
            index += 1
            continue
        after = index + length
        if any(w.text in VENUE_AFTER for w in words[after : after + 3]):
            index = after  # "Convention Center", "Convention and Exhibition Centre": a venue
            continue
        first = index
        while first > 0 and index - first < MAX_BEFORE:
            previous = words[first - 1]
            inner = previous.text in INNER and first > 1 and first < index and _modifier(words[first - 2])
            if not (_modifier(previous) or inner) or (found and previous.start < found[-1].end):
                break
            first -= 1
        while first < index and words[first].text in INNER:
            first += 1  # "... Agenda and ASEAN Community Vision 2025": the "and" joins two titles
        position, acronym = after, ""
        position, acronym = _bracketed(words, position, acronym)
        end = _tail(words, position)
        end, acronym = _bracketed(words, end, acronym)
        has_tail = end > position
        if first == index and not has_tail and not acronym and not _signed_here(text, words[index].start):
            index = after  # a bare "the Declaration" or "Framework": not a title, unless it is what was signed
            continue
        title_end = end
        if acronym and words[end - 1].text == ")" and words[end - 2].text == acronym:
            title_end = end - 3
        start_char, end_char = words[first].start, words[max(first, title_end - 1)].end
        title = " ".join(text[start_char:end_char].split()).replace(f" ({acronym})", "")
        if re.fullmatch(r"(?:Joint\s)?(?:Press|Media)\s(?:Statement|Release)", title):
            index = max(end, after)
            continue  # the release naming its own genre ("Note to Correspondents: Press Statement")
        found.append(DocumentMention(title, kind, start_char, words[end - 1].end, acronym))
        index = max(end, after)
    return found


def _signed_here(text: str, position: int) -> bool:
    """Is the word at position the object of a signing ('signed a Letter of Intent')?"""
    return bool(re.search(r"\bsign(?:ed|s|ing)?\s(?:an?|the)\s$", text[max(0, position - 16) : position]))


def _bracketed(words: list[Word], position: int, acronym: str) -> tuple[int, str]:
    """Consume '(2016-2020)' (kept in the title) or '(POA)' (the acronym) at position."""
    if position + 2 < len(words) and words[position].text == "(" and words[position + 2].text == ")":
        inner = words[position + 1].text
        if PERIOD.match(inner) or (ACRONYM.match(inner) and not acronym):
            return position + 3, acronym if PERIOD.match(inner) else inner
    if position < len(words) and PERIOD.match(words[position].text) and words[position].text[:1].isdigit():
        return position + 1, acronym
    return position, acronym


def _tail(words: list[Word], position: int) -> int:
    """The end of 'on Comprehensive Partnership between ASEAN and the UN', stopping before a second document."""
    if position >= len(words) or words[position].text not in TAIL_OPENERS:
        return position
    if words[position].text == ":" and not (position + 1 < len(words) and _continues(words[position + 1])):
        return position
    end = position
    offset = position
    while offset < min(len(words), position + MAX_TAIL):
        word = words[offset]
        if word.text == "and" and (_second_document(words, offset + 1) or _event_after(words, offset + 1)):
            break
        if word.text in {",", ":"} and offset + 1 < len(words) and _continues(words[offset + 1]):
            offset += 1  # "One ASEAN, One Response"; "Persons, Especially Women and Children"
            continue
        if word.text in CALENDAR_WORDS:
            break
        if not (word.capitalised or word.text in CONNECTORS or PERIOD.match(word.text) or word.text in {"’s", "'s"}):
            break
        if word.capitalised or PERIOD.match(word.text):
            end = offset + 1
        offset += 1
    return end


def _continues(word: Word) -> bool:
    """After a comma inside a title: a capitalised word that is not a name's honorific or a new clause."""
    return word.capitalised and word.text not in ARTICLES and word.text not in STOPS_AFTER_COMMA


STOPS_AFTER_COMMA = {
    "Mr",
    "Mr.",
    "Ms",
    "Ms.",
    "Dr",
    "Dr.",
    "H.E.",
    "President",
    "Minister",
    "Secretary-General",
    "He",
    "She",
}


EVENTS = {"Summit", "Conference", "Meeting", "Forum", "Dialogue", "Session", "Assembly", "Congress", "Symposium"}


def _event_after(words: list[Word], position: int) -> bool:
    """After 'and': is it an event ('the Paris Climate Change Summit'), not more of the title?"""
    offset = position + (1 if position < len(words) and words[position].text == "the" else 0)
    while offset < min(len(words), position + MAX_BEFORE + 1) and words[offset].capitalised:
        if words[offset].text in EVENTS:
            return True
        offset += 1
    return False


def _second_document(words: list[Word], position: int) -> bool:
    """After 'and': does another document's title begin (before any lower-case word)?"""
    for offset in range(position, min(len(words), position + MAX_BEFORE + 1)):
        if words[offset].text == "the" and offset == position:
            continue
        if _head_at(words, offset)[0]:
            return True
        if not words[offset].capitalised:
            return False
    return False
