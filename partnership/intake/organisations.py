"""Organisations: known ones and the UN and ASEAN bodies wherever they are named, and 'Full Name (ACRONYM)'.

An acronym in brackets is bound to the name before it, so "AHA Centre" or "(ESCAP)" never
stands alone beside its full name. A document's acronym ("Plan of Action (POA)") stays with the
document; places are never organisations; an unknown acronym seen alone is not proposed.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from ..names import name_key
from .bodies import TITLE_WORDS, places

_LEAD_WORDS = {"of", "and", "the", "for", "on", "in", "to", "with", "between", "by", "at"}
_IN_BRACKETS = re.compile(r"\s\((?P<acronym>[A-Z][A-Za-z&-]{1,11}(?:\s[A-Z][a-z]+)?)\)")
_NAME_WORD = re.compile(r"(?:[^\W\d_][\w’'&.-]*|of|and|the|for|on|in|to)")
_EVENTS = {"Meeting", "Meetings", "Summit", "Conference", "Workshop", "Session", "Seminar", "Retreat", "Symposium"}
_POSTS = set(TITLE_WORDS)
_WINDOW = 240  # characters looked back from "(ACRONYM)": bounded, so the work is linear


def bracketed_acronyms(text: str):
    """(start of the words before it, those words, acronym, end) for each '... Words (ACRONYM)'."""
    for match in _IN_BRACKETS.finditer(text):
        window_start = max(0, match.start() - _WINDOW)
        kept = []
        for word in reversed(list(re.finditer(r"\S+", text[window_start : match.start()]))):
            if len(kept) == 16 or not _NAME_WORD.fullmatch(word.group()):
                break
            kept.append(word)
        if kept:
            start = window_start + kept[-1].start()
            yield start, text[start : match.start()], match.group("acronym"), match.end()


# "Ministry of Foreign Affairs", "Philippine Department of Social Welfare and Development", "Korea Foundation".
_HEADS = (
    r"Ministry|Department|Directorate|Office|Agency|Authority|Bureau|Institute|Commission|Council|Committee|Foundation"
    r"|Hub|Division|Unit|Section|Government|Police"
)
_CAP = r"[A-Z][\w’'&-]*"
_PERSON_WORDS = (
    r"Mr|Ms|Mrs|Dr|H\.E|U|Daw|Dato|Datuk|Khun|Ibu|Secretary|Undersecretary|Minister|President|Ambassador"
    r"|Director|Deputy|Chair|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
)
_NEXT = rf"(?!(?:{_PERSON_WORDS})\b){_CAP}"
_BODY_HEAD = re.compile(rf"(?<![\w-])(?:{_HEADS})(?![\w-])")
_BODY_BEFORE = re.compile(rf"(?<![\w-])(?:{_CAP}\s(?:and\s(?:the\s)?)?){{0,5}}$")
_BODY_AFTER = re.compile(
    rf"(?:\s(?:of|for|on)\s(?:the\s)?{_NEXT}(?:\s(?:(?:and|of|for|the|on)\s){{0,2}}{_NEXT}|,\s{_NEXT}){{0,8}}"
    rf"|\sin\s{_CAP}(?:\s{_CAP})?)?(?![\w-])"
)


_AND = re.compile(r"\sand\s(?:the\s)?")
_POST_AFTER = re.compile(r"\s[A-Z]")


def government_body_spans(text: str):
    """(start, end, head end) of each 'Ministry ...', '... Department of ...', '... Foundation' in the text."""
    for head in _BODY_HEAD.finditer(text):
        window_start = max(0, head.start() - 120)
        before = _BODY_BEFORE.search(text, window_start, head.start())
        start = before.start() if before else head.start()
        if head.group() in ("Government", "Police") and _POST_AFTER.match(text, head.end()):
            continue  # "Interior and Local Government Secretary ...", "Police Brigadier General": a post
        # "... of Viet Nam and the ILO Regional Office": a place that ends another body's name ends it there.
        for joint in _AND.finditer(text, start, head.start()):
            words = text[max(0, start - 40) : joint.start()].split()
            if any(
                is_place(" ".join(words[-n:])) and len(words) > n and words[-n - 1] in ("of", "the") for n in (1, 2, 3)
            ):
                start = joint.end()
        after = _BODY_AFTER.match(text, head.end())
        yield start, after.end(), head.end()


_TRAILING = re.compile(r"(?:\s(?:of|for|on|and|the|in))+$")
SECRETARIAT = re.compile(r"(?<![\w-])(?P<name>(?:[A-Z]{2,}|[A-Z][a-z]+)(?:[ -][A-Z][\w-]*){0,3}\sSecretariat)(?![\w-])")
_PLACES = {name_key(place) for place in places()}


def is_place(name: str) -> bool:
    return name_key(name) in _PLACES


def bound_name(raw: str, acronym: str, document_words: set[str]) -> str:
    """The organisation's name before '(ACRONYM)', without the words that lead into it; '' if it is not one."""
    words = raw.split()
    # "ASEAN and the United Nations Economic ... (ESCAP)": the name starts after the other party.
    while words and (
        words[0].lower() in _LEAD_WORDS
        or not words[0][:1].isupper()
        or (words[0].isupper() and len(words) > 1 and words[1] in _LEAD_WORDS)
    ):
        words = words[1:]
    # A lower-case word other than a connector ends what can be a name: keep what follows it.
    for index in range(len(words) - 1, -1, -1):
        if not words[index][:1].isupper() and words[index] not in _LEAD_WORDS:
            words = words[index + 1 :]
            break
    while words and words[0] in _LEAD_WORDS:
        words = words[1:]
    if not words or any(word.strip(",") in document_words for word in words) or len(words) < 2:
        return ""
    if words[-1] in _EVENTS:
        return ""  # "ASEAN-UN Ministerial Meeting (AUMM)": a meeting, not a body
    if " ".join(words) in _POSTS or words[-1] in _POSTS:
        return ""  # "Deputy Secretary-General (DSG)": a post, not a body
    name = " ".join(words)
    initials = "".join(w[0] for w in words if w[:1].isupper())
    # The acronym's letters come from the name (ESCAP from Economic ... Commission ... Asia ... Pacific).
    letters = [c for c in acronym.upper() if c.isalpha()]
    position = 0
    for letter in letters:
        found = initials.upper().find(letter, position)
        if found < 0 and letter not in name.upper():
            return ""
        position = found + 1 if found >= 0 else position
    return name


_NESTED = re.compile(rf"\s(?:of|for)\s(?:the\s)?(?=(?:{_HEADS})\b)")


def government_bodies(text: str, start: int, end: int, head_end: int, taken) -> list[tuple[int, int, str]]:
    """(start, end, name) of the ministries, departments, offices or agencies a span names.

    Cut before a body already found after the head word (taken: the Spans of organisations);
    "ASEAN Department of the Ministry of Foreign Affairs" names two bodies.
    """
    end = taken.first_after(head_end, end)
    text = text[start:end]
    found = []
    position = 0
    for part in _NESTED.split(text):
        offset = text.find(part, position)
        position = offset + len(part)
        body = _government_body(part)
        if body:
            found.append((start + offset + part.find(body), start + offset + part.find(body) + len(body), body))
    return found


def _government_body(name: str) -> str:
    name = _TRAILING.sub("", name.rstrip(" ,"))
    # "... of Indonesia": the country a national body belongs to is not part of its name ("Office in Seoul" is);
    # a government's country is its name ("Royal Government of Cambodia").
    country = re.search(r"\sof\s(?:the\s)?([A-Z][\w-]*(?:\s[A-Z][\w-]*){0,2})$", name)
    if country and is_place(country.group(1)) and not re.search(r"\bGovernment$", name[: country.start()]):
        name = name[: country.start()]
    words = name.split()
    # "Thailand's Ministry of Education", "Philippine Department of ...": the country is not part of the name.
    while len(words) > 1 and (
        words[0] in {"The", "A", "An"}
        or (is_place(re.sub(r"[’']s$", "", words[0])) and (" of " in name or re.search(r"[’']s$", words[0])))
    ):
        words = words[1:]
    if len(words) < 2 or (re.fullmatch(rf"(?:{_HEADS})", words[0]) and len(words) < 3):
        return ""
    return " ".join(words)


def similar(name: str, known_names: dict[int, str], cutoff: int = 88) -> list[tuple[int, float]]:
    """Known records whose name is spelled alike (rapidfuzz), best first."""
    if not known_names:
        return []
    return [
        (pk, score / 100)
        for _, score, pk in process.extract(name_key(name), known_names, scorer=fuzz.token_sort_ratio, limit=3)
        if score >= cutoff
    ]
