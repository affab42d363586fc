"""Release text → proposed records, for an editor to confirm or correct.

Pure functions over the text and the names already known: nothing here writes.
Extraction is rule-based — honorific + name, titles around names, known spellings
and aliases (matched by name key, so "Jenca" finds Miroslav Jenča and "SG Minh"
finds Le Luong Minh), dates with their precision and the place of the meeting.
Every proposed item carries the paragraph it came from (1 is the first) and the
existing record it matches, or None when it would be new.
"""

from __future__ import annotations

import datetime
import re

from ..dates import DatePrecision, PartialDate
from ..names import name_key
from .known import KnownNames
from .outcomes import extract_outcomes, extract_summary
from .proposal import (
    Known,
    Mention,
    Proposal,
    ProposedAgreement,
    ProposedArea,
    ProposedDate,
    ProposedOfficial,
    ProposedOrganisation,
    ProposedPlace,
)
from .text import paragraphs, parse, sentence_spans

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "(" + "|".join(MONTHS) + ")"
_WORD = r"[^\W\d_][\w’'\-]*"  # a word starting with a letter (any script)
_CAP = r"[A-Z0-9][\w’'\-]*"  # a capitalised word or a number like 2030 / Post-2015

HONORIFICS = r"(?:H\.\s?E\.|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Prof\.?|Excellency|Dato’?'?|Datuk|Ambassador)"
# Short forms that stand before a surname only: "SG Minh", "Assistant Secretary-General Jenča".
SHORT_TITLES = r"(?:SG|ASG|DSG|USG|(?:Deputy |Assistant |Under-)?Secretary-General|Executive Secretary)"
_NAME = rf"({_WORD}(?:\s+{_WORD}){{0,3}})"
_HONORIFIC_NAME = re.compile(rf"(?<![\w.])({HONORIFICS})\s+{_NAME}")
_SHORT_TITLE_NAME = re.compile(rf"(?<![\w-])(?:{SHORT_TITLES})\s+({_WORD})")

_TITLE_HEAD = (
    r"(?:(?:Deputy|Assistant|Under|Executive|Special|Permanent|Resident|Regional|Chief)[ -])*"
    r"(?:Secretary-General|Secretary|Minister|Director-General|Director|Representative|Coordinator|Envoy"
    r"|Ambassador|Chair|Chairman|Chairperson|President|Head|Commissioner|Administrator)"
)
_TITLE_TAIL = rf"(?:\s(?:for|of|to|on)\s(?:the\s)?{_CAP}(?:\s(?:(?:and|the|of|for|on|to)\s)*{_CAP})*)*"
_TITLE = rf"(?:(?P<org>[A-Z]{{2,}})\s)?(?P<title>{_TITLE_HEAD}{_TITLE_TAIL}(?:\sand\s{_TITLE_HEAD}{_TITLE_TAIL})?)"
_TITLE_BEFORE = re.compile(rf"{_TITLE},\s*$")
_TITLE_AFTER = re.compile(rf"^,\s*(?:the\s)?{_TITLE}")

_ACRONYM = re.compile(r"(?<![\w.])([A-Z]{2,})(?![\w.])")
_NAME_WITH_ACRONYM = re.compile(rf"((?:{_CAP}|of|and|the|for)(?:\s(?:{_CAP}|of|and|the|for))*)\s\(([A-Z]{{2,}})\)")
_SECRETARIAT = re.compile(r"(?<![\w-])((?:[A-Z]{2,}|[A-Z][a-z]+)(?:[ -][A-Z][\w-]*)*\sSecretariat)\b")
ACRONYM_STOPWORDS = {"SG", "ASG", "DSG", "USG", "HE", "MR", "MS", "DR", "II", "III", "IV"}

_AGREEMENT_WORDS = {
    "Plan of Action": "plan_of_action",
    "Memorandum of Understanding": "mou",
    "Declaration": "declaration",
    "Agreement": "agreement",
    "Framework": "framework",
    "Agenda": "framework",
    "Vision": "framework",
    "Goals": "framework",
    "Blueprint": "plan",
    "Roadmap": "plan",
    "Work Plan": "plan",
    "Action Plan": "plan",
    "Charter": "agreement",
    "Convention": "agreement",
    "Treaty": "agreement",
}
_AGREEMENT = re.compile(
    rf"((?:{_CAP}\s)*(?:{'|'.join(_AGREEMENT_WORDS)})"
    rf"(?:\s(?:on|of|for|between|to)\s(?:the\s)?{_CAP}(?:\s(?:(?:and|the|of|for|on)\s)*{_CAP})*)*"
    r"(?:\s\d{4}(?:-\d{4})?)?)"
)
_SIGNED = re.compile(r"^[^.]{0,80}?\bsigned\s(?:in|on)\s(\d{4})\b")

_DATELINE = re.compile(rf"^([A-Z][A-Z .’'-]+),\s+(\d{{1,2}})\s{_MONTH},?\s(\d{{4}})\s*[-–—]+\s*")
_DAY = re.compile(rf"\b(?:on\s)?(\d{{1,2}})\s{_MONTH}(?:,?\s(\d{{4}}))?\b")
_MONTH_YEAR = re.compile(rf"\b(?:in|since|from|until|by|of)\s{_MONTH}\s(\d{{4}})\b")
_YEAR = re.compile(r"\b(?:in|since|from|until|by)\s(\d{4})\b")
_DECADE = re.compile(r"\b(?:the\s)?(\d{3}0)s\b")
_VENUE = re.compile(rf"\bat\sthe\s({_CAP}(?:\s(?:(?:of|for|the|and)\s)*{_CAP})*)(?:\sin\s([A-Z][\w-]+))?")

_AREA_RULES = [
    # "under the political-security pillar"
    re.compile(r"\bthe\s([a-z][\w-]+(?:\s[a-z][\w-]+)?)\spillar\b", re.IGNORECASE),
    # "institutional collaboration is an important pillar"
    re.compile(r"\b([a-z][\w-]+\s[a-z][\w-]+)\sis\san?\s(?:important\s|key\s|main\s)?(?:pillar|area|priority)\b"),
]
_AREA_HEAD_SUCH_AS = re.compile(r"\b([a-z][\w-]+\s[a-z][\w-]+)\ssuch\sas\s")
_AREA_LIST_AFTER = re.compile(r"\b(?:cooperation|collaboration|work)\s(?:in|on)\s(?:the\s(?:areas?|fields?)\sof\s)?")
_LIST_END = re.compile(
    r"[.;:()]|,\s(?:including|which|and\s(?:agreed|discussed|welcomed))|\s(?:at|between|with|under|during)\s"
)
_AREA_STOPWORDS = {"the", "a", "an", "its", "their", "various", "other", "mutual", "interest"}


# -- reading the text ---------------------------------------------------------


def _contains_key(haystack_key: str, key: str) -> bool:
    return bool(key) and f" {key} " in f" {haystack_key} "


def _spans_overlap(span, spans) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def read_dateline(text: str) -> tuple[str, datetime.date | None, int]:
    """('Jakarta', date(2015, 6, 30), length) from 'JAKARTA, 30 June 2015- ...'."""
    match = _DATELINE.match(text.strip())
    if not match:
        return "", None, 0
    place = match.group(1).strip().title()
    day = datetime.date(int(match.group(4)), MONTHS.index(match.group(3)) + 1, int(match.group(2)))
    return place, day, match.end()


def extract_dates(parts: list[str], dateline_date: datetime.date | None) -> list[ProposedDate]:
    """Every date the text gives, as precisely as it gives it."""
    found: list[ProposedDate] = []
    for number, text in enumerate(parts, start=1):
        taken: list[tuple[int, int]] = []
        if number == 1 and dateline_date:
            _, _, length = read_dateline(text)
            found.append(ProposedDate(text[:length].strip(" -–—"), PartialDate(dateline_date, "day"), 1, "dateline"))
            taken.append((0, length))
        for pattern, precision in [
            (_DAY, DatePrecision.DAY),
            (_MONTH_YEAR, DatePrecision.MONTH),
            (_YEAR, DatePrecision.YEAR),
            (_DECADE, DatePrecision.DECADE),
        ]:
            for match in pattern.finditer(text):
                if _spans_overlap(match.span(), taken):
                    continue
                value = _date_from_match(match, precision, dateline_date)
                if value is None:
                    continue
                taken.append(match.span())
                found.append(ProposedDate(match.group(0), value, number))
    found.sort(key=lambda d: (d.paragraph, parts[d.paragraph - 1].find(d.text)))
    return found


def _date_from_match(match, precision: str, dateline_date) -> PartialDate | None:
    try:
        if precision == DatePrecision.DAY:
            day, month = int(match.group(1)), MONTHS.index(match.group(2)) + 1
            if match.group(3):
                return PartialDate(datetime.date(int(match.group(3)), month, day), precision)
            if dateline_date is None:
                return None
            # A day without a year is the most recent such day up to the dateline.
            value = datetime.date(dateline_date.year, month, day)
            if value > dateline_date:
                value = value.replace(year=dateline_date.year - 1)
            return PartialDate(value, precision)
        if precision == DatePrecision.MONTH:
            return PartialDate(datetime.date(int(match.group(2)), MONTHS.index(match.group(1)) + 1, 1), precision)
        if precision == DatePrecision.YEAR:
            return PartialDate(datetime.date(int(match.group(1)), 1, 1), precision)
        return PartialDate(datetime.date(int(match.group(1)), 1, 1), precision)
    except ValueError:
        return None


def _clean_name(raw: str) -> str:
    words = []
    for word in raw.split():
        if not word[0].isupper():
            break
        words.append(re.sub(r"[’']s$", "", word))
        if re.search(r"[’']s$", word):
            break
    return " ".join(words)


def _split_title(match) -> tuple[str, str]:
    """(title, organisation) from a title match: 'UN Assistant Secretary-General for X' → UN."""
    title = match.group("title").strip()
    organisation = match.group("org") or ""
    if not organisation:
        of = re.search(rf"\bof\s(?:the\s)?({_CAP}(?:\s{_CAP})*)", title)
        organisation = of.group(1) if of else ""
    return title, organisation


def extract_officials(parts: list[str], known: KnownNames) -> tuple[list[ProposedOfficial], list[tuple]]:
    """Officials named with an honorific (with titles around the name), then short and known references."""
    officials: list[ProposedOfficial] = []
    spans: list[tuple[int, int, int]] = []  # paragraph, start, end of each full name

    def add(candidate: ProposedOfficial) -> ProposedOfficial:
        for existing in officials:
            same_match = candidate.match and existing.match and candidate.match.pk == existing.match.pk
            if same_match or name_key(existing.name) == name_key(candidate.name):
                existing.title = existing.title or candidate.title
                existing.organisation = existing.organisation or candidate.organisation
                existing.honorific = existing.honorific or candidate.honorific
                return existing
        officials.append(candidate)
        return candidate

    surname_refs: list[tuple[str, int]] = []
    for number, text in enumerate(parts, start=1):
        position = 0
        while match := _HONORIFIC_NAME.search(text, position):
            name = _clean_name(match.group(2))
            # Resume after the name itself: "H.E. A B and H.E. C D" holds two names.
            position = match.start(2) + max(len(name), 1)
            if not name:
                continue
            if len(name.split()) == 1:
                surname_refs.append((name, number))
                continue
            honorific = re.sub(r"\s", "", match.group(1)) if match.group(1).startswith("H") else match.group(1)
            title, organisation = "", ""
            after = _TITLE_AFTER.match(text[match.start(2) + len(name) :])
            before = _TITLE_BEFORE.search(text[: match.start()])
            if after:
                title, organisation = _split_title(after)
            elif before:
                title, organisation = _split_title(before)
            spans.append((number, match.start(2), match.start(2) + len(name)))
            add(
                ProposedOfficial(
                    name=name,
                    paragraph=number,
                    match=KnownNames.find(known.officials, name),
                    honorific=honorific.rstrip(".") if honorific in {"Mr.", "Ms.", "Dr.", "Mrs."} else honorific,
                    title=title,
                    organisation=organisation,
                )
            )
        for match in _SHORT_TITLE_NAME.finditer(text):
            if match.group(1)[0].isupper():
                surname_refs.append((_clean_name(match.group(1)), number))
    # A surname alone ("Mr Jenca’s", "SG Minh") refers to someone already named, or to a known official.
    for surname, number in surname_refs:
        key = name_key(surname)
        if any(name_key(o.name).split()[-1:] == [key] or (o.match and key in o.match.keys) for o in officials):
            continue
        record = KnownNames.find(known.officials, surname)
        if record:
            add(ProposedOfficial(name=record.name, paragraph=number, match=record))
    # Known officials under any of their spellings, even without an honorific.
    for number, text in enumerate(parts, start=1):
        text_key = name_key(text)
        for record in known.officials:
            if any(_contains_key(text_key, key) for key in record.keys):
                add(ProposedOfficial(name=record.name, paragraph=number, match=record))
    return officials, spans


def extract_organisations(
    parts: list[str], known: KnownNames, skip: list[tuple], dateline_length: int
) -> list[ProposedOrganisation]:
    found: list[ProposedOrganisation] = []

    def add(name: str, number: int, acronym: str = "") -> None:
        record = KnownNames.find(known.organisations, name) or (
            KnownNames.find(known.organisations, acronym) if acronym else None
        )
        keys = {name_key(name), name_key(acronym)} - {""}
        for existing in found:
            existing_keys = {name_key(existing.name), name_key(existing.acronym)} - {""}
            if (record and existing.match and record.pk == existing.match.pk) or keys & existing_keys:
                if acronym and not existing.acronym:
                    existing.name, existing.acronym = (name, acronym) if name != acronym else (existing.name, acronym)
                return
        kind = "secretariat" if name.endswith("Secretariat") else "other"
        parent = name.removesuffix(" Secretariat") if kind == "secretariat" else ""
        found.append(ProposedOrganisation(name, number, record, acronym=acronym, parent=parent, kind=kind))

    for number, text in enumerate(parts, start=1):
        taken = [(start, end) for n, start, end in skip if n == number]
        if number == 1:
            taken.append((0, dateline_length))
        for match in _NAME_WITH_ACRONYM.finditer(text):
            words = match.group(1).split()
            # "ASEAN and the United Nations Economic ... (ESCAP)": the name starts after the other party.
            while words and (
                words[0] in {"of", "and", "the", "for"}
                or words[0][0].isdigit()
                or (words[0].isupper() and len(words) > 1 and words[1] in {"and", "the", "of"})
            ):
                words = words[1:]
            name = " ".join(words)
            if any(word in _AGREEMENT_WORDS for word in words) or not words:
                continue
            add(name, number, match.group(2))
            taken.append(match.span())
        for match in _SECRETARIAT.finditer(text):
            if not _spans_overlap(match.span(), taken):
                add(match.group(1), number)
        for match in _ACRONYM.finditer(text):
            if match.group(1) not in ACRONYM_STOPWORDS and not _spans_overlap(match.span(), taken):
                add(match.group(1), number, match.group(1))
        text_key = name_key(text)
        for record in known.organisations:
            if any(_contains_key(text_key, key) for key in record.keys):
                add(record.name, number)
    return found


def _list_items(text: str) -> list[str]:
    end = _LIST_END.search(text)
    text = text[: end.start()] if end else text
    items = re.split(r",\s|\sand\s|\sor\s", text)
    result = []
    for item in items:
        words = [w for w in item.strip().split() if w]
        while words and words[0].lower() in _AREA_STOPWORDS:
            words = words[1:]
        if 1 <= len(words) <= 4 and words[0][0].isalpha():
            result.append(" ".join(words))
    return result


def extract_areas(parts: list[str], known: KnownNames) -> list[ProposedArea]:
    """Areas named by the rules (pillars, lists after 'such as' or 'cooperation in'), and known areas."""
    found: list[ProposedArea] = []

    def add(name: str, number: int) -> None:
        record = KnownNames.find(known.areas, name)
        for existing in found:
            if (record and existing.match and existing.match.pk == record.pk) or name_key(existing.name) == name_key(
                name
            ):
                return
        found.append(ProposedArea(name[0].upper() + name[1:], number, record))

    for number, text in enumerate(parts, start=1):
        for rule in _AREA_RULES:
            for match in rule.finditer(text):
                add(match.group(1), number)
        for match in _AREA_HEAD_SUCH_AS.finditer(text):
            add(match.group(1), number)
            for item in _list_items(text[match.end() :]):
                add(item, number)
        for match in _AREA_LIST_AFTER.finditer(text):
            for item in _list_items(text[match.end() :]):
                add(item, number)
        text_key = name_key(text)
        for record in known.areas:
            if any(_contains_key(text_key, key) for key in record.keys):
                add(record.name, number)
    return found


def _agreement_kind(title: str) -> str:
    for word, kind in _AGREEMENT_WORDS.items():
        if word in title:
            return kind
    return "other"


def extract_agreements(parts: list[str], known: KnownNames) -> list[ProposedAgreement]:
    found: list[ProposedAgreement] = []

    def add(title: str, number: int, signed: PartialDate | None) -> None:
        record = KnownNames.find(known.agreements, title)
        key = name_key(title)
        for existing in found:
            existing_key = name_key(existing.name)
            same_record = record and existing.match and existing.match.pk == record.pk
            # "Joint Declaration on X" and "Joint Declaration on X between A and B" are one agreement.
            if same_record or existing_key.startswith(key) or key.startswith(existing_key):
                if len(key) > len(existing_key) and (record is None or existing.match is None or same_record):
                    existing.name = title
                existing.match = existing.match or record
                existing.signed = existing.signed or signed
                return
        found.append(ProposedAgreement(title, number, record, kind=_agreement_kind(title), signed=signed))

    for number, text in enumerate(parts, start=1):
        for match in _AGREEMENT.finditer(text):
            words = match.group(1).split()
            # Drop a leading article or possessive: "The Joint ...", "the UN’s Post-2015 ...".
            for index in range(len(words) - 1, -1, -1):
                if re.search(r"[’']s$", words[index]):
                    words = words[index + 1 :]
                    break
            while words and words[0] in {"The", "A", "An", "Both", "This"}:
                words = words[1:]
            if not words:
                continue
            signed_match = _SIGNED.match(text[match.end() :])
            signed = PartialDate(datetime.date(int(signed_match.group(1)), 1, 1), "year") if signed_match else None
            add(" ".join(words), number, signed)
        text_key = name_key(text)
        for record in known.agreements:
            if any(_contains_key(text_key, key) for key in record.keys):
                add(record.name, number, None)
    return found


def extract_places(parts: list[str], dateline_place: str, meeting_paragraph: int) -> list[ProposedPlace]:
    places = [ProposedPlace("", dateline_place, 1, "dateline")] if dateline_place else []
    for number, text in enumerate(parts, start=1):
        for match in _VENUE.finditer(text):
            venue = match.group(1)
            if venue.split()[-1] in {"Summit", "Meeting", "Conference"} or re.match(r"\d", venue):
                continue
            role = "meeting" if number == meeting_paragraph else "mention"
            places.append(ProposedPlace(venue, match.group(2) or dateline_place, number, role))
    return places


def _release_title(text_after_dateline: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text_after_dateline.strip(), maxsplit=1)[0].rstrip(".")
    # Headlines stop before the framing clause ("... within the framework of ...").
    short = re.split(r"\s(?:within|during|at|on|following)\s", sentence, maxsplit=1)[0]
    return (short if len(short) >= 20 else sentence)[:300]


def propose(text: str, known: KnownNames | None = None) -> Proposal:
    """Read a release and propose the meeting and every record it mentions, matched to known ones."""
    known = known or KnownNames()
    parts = paragraphs(text)
    dateline_place, dateline_date, dateline_length = read_dateline(parts[0] if parts else "")
    dates = extract_dates(parts, dateline_date)
    if dateline_length:
        # Blank the dateline (keeping offsets) so "JAKARTA, 30 June 2015-" reads as no name.
        parts = [" " * dateline_length + parts[0][dateline_length:], *parts[1:]]

    # The meeting is on the first full date other than the dateline, preferring a sentence about a meeting.
    day_dates = [d for d in dates if d.role != "dateline" and d.date.precision == DatePrecision.DAY]
    meeting_words = re.compile(r"\b(?:meeting|met|meets|talks|consultations?)\b", re.IGNORECASE)
    meeting = next(
        (d for d in day_dates if meeting_words.search(_sentence_around(parts[d.paragraph - 1], d.text))),
        day_dates[0] if day_dates else None,
    )
    if meeting:
        meeting.role = "meeting"
    meeting_date = meeting.date if meeting else (PartialDate(dateline_date, "day") if dateline_date else None)
    meeting_paragraph = meeting.paragraph if meeting else 1

    officials, name_spans = extract_officials(parts, known)
    organisations = extract_organisations(parts, known, name_spans, dateline_length)
    areas = extract_areas(parts, known)
    agreements = extract_agreements(parts, known)
    places = extract_places(parts, dateline_place, meeting_paragraph)
    venue_place = next((p for p in places if p.role == "meeting"), None)

    # An organisation's name can also read as an area or agreement ("ASEAN Community"): organisations win.
    organisation_keys = {name_key(o.name) for o in organisations} | {name_key(o.acronym) for o in organisations}
    areas = [a for a in areas if name_key(a.name) not in organisation_keys]

    sentences = [
        (number, text[start:end])
        for number, text in enumerate(parts, start=1)
        for start, end in sentence_spans(parse(text))
        if text[start:end].strip()
    ]
    for item in [*officials, *organisations, *areas, *agreements]:
        item.mentions = _mentions(parts, [item.name, getattr(item, "acronym", "")])
    names = [o.name for o in officials[:2]]
    release_title = _release_title(parts[0][dateline_length:]) if parts else ""
    return Proposal(
        release_title=release_title,
        dateline_place=dateline_place,
        dateline_date=dateline_date,
        meeting_title=" meets ".join(names) if len(names) == 2 else release_title,
        meeting_date=meeting_date,
        meeting_paragraph=meeting_paragraph,
        venue=venue_place.venue if venue_place else "",
        city=venue_place.city if venue_place else dateline_place,
        meeting_kind="bilateral" if len(officials) == 2 else "other",
        officials=officials,
        organisations=organisations,
        areas=areas,
        agreements=agreements,
        dates=dates,
        places=places,
        summary=extract_summary(sentences),
        outcomes=extract_outcomes(sentences),
    )


def _mentions(parts: list[str], names: list[str]) -> list[Mention]:
    found = []
    for number, text in enumerate(parts, start=1):
        for name in filter(None, names):
            found.extend(
                Mention(number, m.start(), m.end(), m.group(0))
                for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE)
            )
    return sorted(found, key=lambda m: (m.paragraph, m.start))


def _sentence_around(text: str, phrase: str) -> str:
    index = text.find(phrase)
    if index < 0:
        return ""
    start = max(text.rfind(". ", 0, index), 0)
    end = text.find(". ", index)
    return text[start : end if end >= 0 else len(text)]


def find_name_duplicates(records: list[Known], names: list[str]) -> list[Known]:
    """Existing records any of the names (a name, an alias, an acronym) already belongs to."""
    keys = {name_key(name) for name in names if name and name.strip()} - {""}
    return [record for record in records if record.keys & keys]
