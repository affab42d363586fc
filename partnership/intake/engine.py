"""propose(): a release's text → the meeting and every record it mentions, matched to known ones.

Each paragraph is read once: spaCy splits it into words and sentences, the gazetteer finds every
known name (and the shipped bodies and area vocabulary), and the readers in people, agreements,
organisations and areas add what the gazetteer does not know. Nothing here writes.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from ..dates import DatePrecision, PartialDate
from ..names import name_key
from ..vocabulary import concepts
from . import areas as area_rules
from .agreements import WORDS as DOCUMENT_WORDS
from .agreements import DocumentMention, read_documents
from .bodies import BODIES, Body
from .gazetteer import Gazetteer, Hit, longest
from .known import KnownNames
from .organisations import (
    SECRETARIAT,
    bound_name,
    bracketed_acronyms,
    government_bodies,
    government_body_spans,
    is_place,
    similar,
)
from .outcomes import extract_outcomes, extract_summary
from .people import OfficialIndex, PeopleReader, PersonMention, name_words_of
from .proposal import (
    Candidate,
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
from .text import Word, paragraphs, parse, sentence_spans, words
from .when import find_dateline, find_dates

_MEETING_WORDS = re.compile(
    r"\b(?:met|meet|meets|meeting|talks|consultations?|held|convened|hosted|took\splace|chaired|co-chaired"
    r"|signed|signing|visit|visited|called\son|courtesy\scall|workshop|conference|summit|dialogue|forum"
    r"|attended|opened|gathered|launched|seminar|retreat|session)\b",
    re.IGNORECASE,
)
_HISTORY = re.compile(
    r"\b(?:since|signed\sin|adopted\sin|established\sin|founded\sin|in\sthe\s\d{4}s)\b", re.IGNORECASE
)
_SIGNING = re.compile(r"\bsign(?:ed|ing|ature)?\b", re.IGNORECASE)
_VENUE = re.compile(
    r"\b(?:at|in)\sthe\s(?P<venue>[A-Z][\w’'-]*(?:\s(?:of|for|the|and|[A-Z][\w’'-]*)){0,7}"
    r"\s(?:Secretariat|Centre|Center|Hall|Hotel|Building|Headquarters|House|Palace|Office|Complex|Room))\b"
    r"(?:\sin\s(?P<city>[A-Z][\w-]*(?:\s[A-Z][\w-]*){0,2}))?"
)
_VIRTUAL = re.compile(r"\b(?:virtual(?:ly)?|video\s?conferenc\w*|online\smeeting|via\s(?:zoom|webex|video))\b", re.I)
_KINDS = [
    ("summit", re.compile(r"\bSummit\b")),
    ("ministerial", re.compile(r"\bMinisterial\b|\bMinisters'?\sMeeting\b|\bMinisters\b")),
    ("working_level", re.compile(r"Secretariat-to-Secretariat|\bworking[- ]level\b|\bSenior\sOfficials\b", re.I)),
    ("conference", re.compile(r"\b(?:workshop|conference|seminar|forum|symposium|dialogue|training)\b", re.I)),
]


# -- what the engine prepares once per set of known names --------------------------------


@dataclass
class Prepared:
    gazetteer: Gazetteer
    officials: OfficialIndex
    organisations: dict[str, list[Known]]
    agreements: dict[str, list[Known]]
    areas: dict[str, list[Known]]
    concepts: dict[str, object]
    concept_labels: dict[str, str]
    known_org_names: dict[int, str]
    known_agreement_names: dict[int, str]

    def find(self, text: str) -> list[Hit]:
        """Known names in the text: the shipped bodies and vocabulary, then the knowledge base's records."""
        return [*shipped().find(text), *self.gazetteer.find(text)]


@functools.cache
def shipped() -> Gazetteer:
    """The bodies and the area vocabulary the engine ships with, built once per process."""
    gazetteer = Gazetteer()
    for body in BODIES:
        gazetteer.add("body", body, [body.name, *([body.acronym] if body.acronym else []), *body.aliases])
    for concept in concepts():
        gazetteer.add("concept", concept, concept.labels())
    return gazetteer


def _by_key(records: list[Known]) -> dict[str, list[Known]]:
    index: dict[str, list[Known]] = {}
    for record in records:
        for key in record.keys:
            index.setdefault(key, []).append(record)
    return index


def prepare(known: KnownNames) -> Prepared:
    if "engine" in known.prepared:
        return known.prepared["engine"]
    gazetteer = Gazetteer()
    for record in known.organisations:
        gazetteer.add("organisation", record, record.labels or record.keys)
    for record in known.agreements:
        gazetteer.add("agreement", record, record.labels or record.keys)
    for record in known.areas:
        gazetteer.add("area", record, record.labels or record.keys)
    vocabulary = {concept.slug: concept for concept in concepts()}
    labels_by_official = {}
    for record in known.officials:
        labels = list(record.labels or record.keys)
        labels_by_official[record.pk] = labels
        gazetteer.add("official", record, [label for label in labels if len(name_words_of(label)) >= 2])
    prepared = Prepared(
        gazetteer=gazetteer,
        officials=OfficialIndex.build(known.officials, labels_by_official),
        organisations=_by_key(known.organisations),
        agreements=_by_key(known.agreements),
        areas=_by_key(known.areas),
        concepts=vocabulary,
        concept_labels={slug: name_key(c.label) for slug, c in vocabulary.items()},
        known_org_names={r.pk: name_key(r.name) for r in known.organisations},
        known_agreement_names={r.pk: name_key(r.name) for r in known.agreements},
    )
    known.prepared["engine"] = prepared
    return prepared


def _unique(records: list[Known]) -> Known | None:
    distinct = {record.pk: record for record in records}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


def _several(records: list[Known], reason: str) -> list[Candidate]:
    distinct = {record.pk: record for record in records}
    return [Candidate(r.pk, r.name, 1.0, reason) for r in distinct.values()] if len(distinct) > 1 else []


# -- reading one paragraph ------------------------------------------------------------------


@dataclass
class Paragraph:
    number: int
    text: str  # as paragraphs() returns it
    blank: str  # the same, with the dateline (and a headline) blanked out
    words: list[Word] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)
    headline: bool = False  # a line before the dateline

    def sentence_of(self, position: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.sentences, (position, len(self.text) + 1)) - 1
        return self.sentences[index] if 0 <= index < len(self.sentences) else (0, len(self.text))


class Spans:
    """Character spans of one paragraph already taken by something: each check costs the span's length."""

    def __init__(self, length: int):
        self.mask = bytearray(length + 1)

    def add(self, start: int, end: int) -> None:
        self.mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self.mask.find(1, start, end) != -1

    def covers(self, start: int, end: int) -> bool:
        return end > start and self.mask.find(0, start, end) == -1

    def crosses(self, start: int, end: int) -> bool:
        """Does a taken span run over the edge of start..end (rather than lie inside it)?"""
        mask = self.mask
        return bool((start > 0 and mask[start - 1] and mask[start]) or (mask[end - 1] and mask[end]))

    def first_after(self, start: int, end: int) -> int:
        found = self.mask.find(1, start, end)
        return end if found == -1 else found

    @classmethod
    def of(cls, length: int, spans) -> Spans:
        made = cls(length)
        for start, end in spans:
            made.add(start, end)
        return made


@dataclass
class Found:
    organisations: list[tuple[Paragraph, int, int, str, str, Known | None, Body | None]] = field(default_factory=list)
    documents: list[tuple[Paragraph, DocumentMention, Known | None]] = field(default_factory=list)
    people: list[PersonMention] = field(default_factory=list)
    areas: list[tuple[Paragraph, int, int, str, Known | None, object]] = field(default_factory=list)
    new_areas: list[tuple[Paragraph, int, int, str, str | None]] = field(default_factory=list)


_AND_AFTER = re.compile(r"\s(?:and|with)\s(?:the\s)?")


def _with_shared_heads(hits: list[Hit], text: str, prepared: Prepared) -> list[Hit]:
    """Add the topics whose head is written once for two ('maritime and border security'); such a
    reading replaces the plain one-word reading of the same word ('media' in 'media and information literacy')."""
    extra = []
    topics = [h for h in hits if h.of("area") or h.of("concept")]
    for start, end, phrase, other in area_rules.shared_heads(text):
        for hit in prepared.find(phrase):
            entries = tuple(e for e in hit.entries if e.kind in ("area", "concept"))
            if entries and hit.start == 0 and hit.end == len(phrase):
                extra.append(Hit(start, end, text[start:end], entries))
                # "media and information literacy": with no topic of its own, the second part is the same one.
                if other and not any(h.start < other[1] and other[0] < h.end for h in topics):
                    extra.append(Hit(*other, text[other[0] : other[1]], entries))
    if not extra:
        return hits
    spans = {(hit.start, hit.end) for hit in extra}
    return [h for h in hits if (h.start, h.end) not in spans or not (h.of("area") or h.of("concept"))] + extra


def _title_case(text: str) -> bool:
    lowered = {"a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "with", "at", "by", "from", "as"}
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", text) if w not in lowered]
    return len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.9 * len(words)


def _broader_of(hit: Hit) -> str | None:
    """The area a hit names, as the broader one of a topic it modifies."""
    record = _unique([e.record for e in hit.of("area")])
    concept = next((e.record for e in hit.of("concept")), None)
    return record.slug if record else (concept.slug if concept else None)


def _read_paragraph(paragraph: Paragraph, prepared: Prepared, acronyms: dict[str, str], found: Found) -> None:
    text = paragraph.blank
    length = len(text)
    doc = parse(text)
    paragraph.words = words(doc)
    paragraph.sentences = sentence_spans(doc)
    hits = _with_shared_heads(prepared.find(text), text, prepared)

    # Documents first: their acronyms and the organisations named in their titles belong to them.
    documents = read_documents(paragraph.words, text)
    document_spans = Spans.of(length, [(d.start, d.end) for d in documents])
    agreement_hits = longest([h for h in hits if h.of("agreement")])
    by_document: dict[int, list[Hit]] = {}
    starts_of_documents = [d.start for d in documents]
    for hit in agreement_hits:
        index = bisect.bisect_right(starts_of_documents, hit.start) - 1
        if index >= 0 and hit.end <= documents[index].end:
            by_document.setdefault(index, []).append(hit)
        elif not document_spans.overlaps(hit.start, hit.end):
            record = _unique([e.record for e in hit.of("agreement")])
            if record:
                found.documents.append((paragraph, DocumentMention(record.name, "", hit.start, hit.end), record))
                document_spans.add(hit.start, hit.end)
    for index, document in enumerate(documents):
        inside = by_document.get(index, [])
        whole = [e.record for h in inside for e in h.of("agreement") if h.end - h.start >= 0.6 * len(document.title)]
        found.documents.append((paragraph, document, _unique(whole)))

    # Organisations: "Full Name (ACRONYM)", the known and shipped ones, secretariats, bodies, bound acronyms.
    taken = Spans(length)
    venue_spans = [m.span("venue") for m in _VENUE.finditer(text)]
    venues = Spans.of(length, venue_spans)
    mine: list[tuple[int, int, str]] = []

    def add_organisation(start, end, name, acronym="", record=None, body=None, around=False):
        """around: the name may hold organisations already found ("UNFPA Asia and the Pacific Regional Office")."""
        if is_place(name) or (venues.covers(start, end) and (start, end) not in venue_spans):
            return
        if document_spans.overlaps(start, end):
            return
        if taken.crosses(start, end) if around else taken.overlaps(start, end):
            return
        taken.add(start, end)
        mine.append((start, end, name))
        found.organisations.append((paragraph, start, end, name, acronym, record, body))

    organisation_hits = longest([h for h in hits if h.of("organisation") or h.of("body")])
    hit_ends = {hit.end: hit for hit in organisation_hits}
    for raw_start, raw, acronym, end in bracketed_acronyms(text):
        # "The ASEAN Secretariat and the UN Office on Drugs and Crime (UNODC)": the name starts after the other party.
        for other in _AND_AFTER.finditer(raw):
            if raw_start + other.start() in hit_ends:
                raw, raw_start = raw[other.end() :], raw_start + other.end()
                break
        name = bound_name(raw, acronym, DOCUMENT_WORDS)
        if name:
            acronyms.setdefault(acronym, name)
            add_organisation(raw_start + raw.rfind(name), end, name, acronym)
    for hit in organisation_hits:
        record = _unique([e.record for e in hit.of("organisation")])
        body = next((e.record for e in hit.of("body")), None)
        add_organisation(hit.start, hit.end, hit.text, "", record, body)
    for match in SECRETARIAT.finditer(text):
        if "-to-" not in match.group("name"):
            add_organisation(match.start(), match.end(), match.group("name"))
    position = 0
    # A headline in Title Case capitalises every word: a head word there ("... Tells Security Council")
    # cannot show where a body's name begins. Known and shipped bodies are still found in it.
    spans = [] if paragraph.headline and _title_case(text) else government_body_spans(text)
    for start, end, head_end in spans:
        if head_end <= position:
            continue  # a head inside a body already read ("Department of the Ministry of ...")
        bodies = government_bodies(text, start, end, head_end, taken)
        for body_span in bodies:
            add_organisation(*body_span, around=True)
        position = max([position, *(body_end for _, body_end, _ in bodies)])
    if acronyms:
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, list(acronyms)[:50])) + r")(?![\w-])")
        for match in pattern.finditer(text):
            add_organisation(match.start(), match.end(), match.group(0), match.group(0))

    # People, with the organisations their posts name.
    starts = {w.start: i for i, w in enumerate(paragraph.words)}
    ends = {w.end: i for i, w in enumerate(paragraph.words)}
    organisation_words = [(starts[a], ends[b] + 1, name) for a, b, name in mine if a in starts and b in ends]
    reader = PeopleReader(paragraph.words, organisation_words, paragraph.number)
    people = reader.read()
    person_spans = Spans.of(length, [(m.start, m.end) for m in people])
    for hit in longest([h for h in hits if h.of("official")]):
        if not person_spans.overlaps(hit.start, hit.end) and not taken.overlaps(hit.start, hit.end):
            first, last = starts.get(hit.start), ends.get(hit.end)
            if first is not None and last is not None:
                people.append(PersonMention(paragraph.words[first : last + 1], paragraph=paragraph.number))
    found.people.extend(people)
    blocked = Spans.of(length, [*reader.title_spans, *((m.start, m.end) for m in people)])
    for start, end, _ in mine:
        blocked.add(start, end)

    # Areas: the vocabulary by any label, then topics listed beside them that it lacks.
    area_hits = longest([h for h in hits if h.of("area") or h.of("concept")])
    sentence_broader: dict[tuple[int, int], list[str | None]] = {}
    for hit in area_hits:
        if blocked.covers(hit.start, hit.end) or area_rules.is_ambiguous_here(text, hit.start, name_key(hit.text)):
            continue
        record = _unique([e.record for e in hit.of("area")])
        concept = next((e.record for e in hit.of("concept")), None)
        found.areas.append((paragraph, hit.start, hit.end, hit.text, record, concept))
        broader = record.parent if record else (concept.broader if concept else None)
        sentence_broader.setdefault(paragraph.sentence_of(hit.start), []).append(broader)
    known = Spans.of(length, [(h.start, h.end) for h in area_hits])
    known.mask = bytearray(a | b | c for a, b, c in zip(known.mask, blocked.mask, document_spans.mask, strict=True))
    for start, end, topic in area_rules.listed_topics(text, known):
        if is_place(topic):
            continue
        neighbours = sentence_broader.get(paragraph.sentence_of(start), [])
        if known.overlaps(start, end):
            # "gender-responsive budgeting": a known area inside the first word only modifies a new topic.
            first_end = start + len(topic.split()[0])
            inner = [h for h in area_hits if h.start < end and start < h.end]
            if "-" not in topic.split()[0] or blocked.overlaps(start, end) or document_spans.overlaps(start, end):
                continue
            if len(topic.split()) < 2 or not inner or any(h.start < start or h.end >= first_end for h in inner):
                continue
            neighbours = [_broader_of(inner[0]) or None]
        parent = area_rules.suggested_parent(topic, neighbours, prepared.concept_labels)
        found.new_areas.append((paragraph, start, end, topic, parent))


# -- putting the release together ----------------------------------------------------------


def _mention(paragraph: Paragraph, start: int, end: int) -> Mention:
    return Mention(paragraph.number, start, end, paragraph.text[start:end])


def _officials(found: Found, paragraphs_: list[Paragraph], prepared: Prepared) -> list[ProposedOfficial]:
    """One proposed official per person: short mentions ('Mr Jenča', 'SG Minh') join the full name they refer to."""
    people: list[dict] = []
    by_paragraph = {p.number: p for p in paragraphs_}
    ordered = sorted(found.people, key=lambda m: (m.paragraph, m.start))
    full = [m for m in ordered if len(m.name_words) >= 2]
    short = [m for m in ordered if len(m.name_words) == 1]

    def words_of(mention: PersonMention) -> list[str]:
        return name_key(mention.name).split()

    def person_for(mention: PersonMention) -> dict | None:
        mine = words_of(mention)
        fits = [p for p in people if set(mine) <= set(p["words"])]
        if not fits:
            return None
        return max(fits, key=lambda p: len(set(mine) & set(p["words"][-1:] + p["words"][:1])))

    for mention in full:
        person = next((p for p in people if p["words"] == words_of(mention)), None) or person_for(mention)
        if person is None:
            person = {"words": words_of(mention), "mentions": [], "first": mention}
            people.append(person)
        person["mentions"].append(mention)
    for mention in short:
        person = person_for(mention)
        if person is None:
            person = {"words": words_of(mention), "mentions": [], "first": mention}
            people.append(person)
        person["mentions"].append(mention)

    proposed = []
    for person in people:
        first: PersonMention = person["first"]
        mentions = sorted(person["mentions"], key=lambda m: (m.paragraph, m.start))
        match, candidates = prepared.officials.match(first.name)
        honorific = next((" ".join(m.honorifics) for m in mentions if m.honorifics), "")
        title = next((m.title for m in mentions if m.title), "")
        organisation = next((m.organisation for m in mentions if m.title and m.organisation), "")
        proposed.append(
            ProposedOfficial(
                name=first.name,
                paragraph=mentions[0].paragraph,
                match=match,
                honorific=honorific[:40],
                title=title[:200],
                organisation=organisation,
                candidates=candidates,
                mentions=[_mention(by_paragraph[m.paragraph], m.start, m.end) for m in mentions],
            )
        )
    return proposed


def _organisations(found: Found, prepared: Prepared) -> list[ProposedOrganisation]:
    proposed: dict[str, ProposedOrganisation] = {}
    aliases: dict[str, str] = {}
    for paragraph, start, end, text, acronym, record, body in found.organisations:
        name = body.name if body else text
        acronym = acronym or (body.acronym if body else "")
        keys = {name_key(name), name_key(acronym), name_key(text)} - {""}
        if record is None:
            record = _unique([r for key in keys for r in prepared.organisations.get(key, [])])
        if record is None and body is not None:
            body_keys = {name_key(label) for label in [body.name, body.acronym, *body.aliases] if label}
            record = _unique([r for key in body_keys for r in prepared.organisations.get(key, [])])
        slot = f"record:{record.pk}" if record else next((aliases[k] for k in keys if k in aliases), None)
        slot = slot or f"name:{name_key(name)}"
        item = proposed.get(slot)
        if item is None:
            candidates = []
            if record is None:
                candidates = [
                    Candidate(pk, prepared.known_org_names.get(pk, ""), score, "a similar name")
                    for pk, score in similar(name, prepared.known_org_names)
                ]
            kind = body.kind if body else ("secretariat" if name.endswith("Secretariat") else "other")
            parent = body.parent if body else (name.removesuffix(" Secretariat") if kind == "secretariat" else "")
            item = ProposedOrganisation(
                record.name if record else name,
                paragraph.number,
                record,
                acronym=acronym,
                parent=parent,
                kind=kind,
                candidates=candidates,
            )
            proposed[slot] = item
        elif acronym and not item.acronym:
            item.acronym = acronym
        for key in keys:
            aliases.setdefault(key, slot)
        item.mentions.append(_mention(paragraph, start, end))
    return list(proposed.values())


def _areas(found: Found, prepared: Prepared) -> list[ProposedArea]:
    proposed: dict[str, ProposedArea] = {}
    for paragraph, start, end, _text, record, concept in found.areas:
        if record is None and concept is not None:
            record = _unique(prepared.areas.get(name_key(concept.label), []))
        slot = f"record:{record.pk}" if record else f"concept:{concept.slug}"
        if slot not in proposed:
            proposed[slot] = ProposedArea(
                record.name if record else concept.label,
                paragraph.number,
                record,
                suggested_parent=None if record else concept.broader,
            )
        proposed[slot].mentions.append(_mention(paragraph, start, end))
    for paragraph, start, end, topic, parent in found.new_areas:
        slot = f"name:{name_key(topic)}"
        if slot not in proposed:
            candidates = [
                Candidate(r.pk, r.name, score, "a similar label") for r, score in _similar_areas(topic, prepared)
            ]
            proposed[slot] = ProposedArea(
                topic[0].upper() + topic[1:], paragraph.number, None, candidates=candidates, suggested_parent=parent
            )
        proposed[slot].mentions.append(_mention(paragraph, start, end))
    return list(proposed.values())


def _similar_areas(topic: str, prepared: Prepared) -> list[tuple[Known, float]]:
    names = {key: records[0] for key, records in prepared.areas.items()}
    matches = similar(topic, dict(enumerate(names)), cutoff=85)
    keys = list(names)
    return [(names[keys[i]], score) for i, score in matches]


def _agreements(found: Found, prepared: Prepared, meeting_date: PartialDate | None) -> list[ProposedAgreement]:
    proposed: list[ProposedAgreement] = []
    for paragraph, document, record in found.documents:
        keys = {name_key(document.title), name_key(document.acronym)} - {""}
        if record is None:
            record = _unique([r for key in keys for r in prepared.agreements.get(key, [])])
        signed = _signed(paragraph, document, meeting_date)
        key = name_key(document.title)
        item = next(
            (
                a
                for a in proposed
                if (record and a.match and a.match.pk == record.pk)
                or (not (record and a.match) and (name_key(a.name).startswith(key) or key.startswith(name_key(a.name))))
                or (not (record and a.match) and _same_initials(a.name, document.title))
            ),
            None,
        )
        if item is None:
            candidates = []
            if record is None:
                candidates = [
                    Candidate(pk, prepared.known_agreement_names.get(pk, ""), score, "a similar title")
                    for pk, score in similar(document.title, prepared.known_agreement_names)
                ]
            item = ProposedAgreement(
                record.name if record else document.title,
                paragraph.number,
                record,
                kind=document.kind or "other",
                signed=signed,
                candidates=candidates,
            )
            proposed.append(item)
        else:
            if record is None and item.match is None and len(key) > len(name_key(item.name)):
                item.name = document.title
            item.signed = item.signed or signed
        item.mentions.append(_mention(paragraph, document.start, document.end))
    return proposed


_TITLE_WORD = re.compile(r"[^\W\d_][\w’'-]*")


def _initials(title: str) -> str:
    """'Bohol Trafficking in Persons Work Plan 2017-2020' and 'Bohol TIP Work Plan' → 'BTIPWP'."""
    return "".join(w if w.isupper() and len(w) > 1 else w[0] for w in _TITLE_WORD.findall(title)).upper()


def _same_initials(title: str, other: str) -> bool:
    """The same document, once with a run of its words written as their acronym."""
    if title.split()[:1] != other.split()[:1] or not re.search(r"\b[A-Z]{2,}\b", f"{title} {other}"):
        return False
    mine, theirs = _initials(title), _initials(other)
    return len(mine) >= 4 and mine == theirs


def _signed(paragraph: Paragraph, document: DocumentMention, meeting_date: PartialDate | None) -> PartialDate | None:
    """When the document was signed: a date in its sentence beside 'signed', else the meeting's day if signed there."""
    start, end = paragraph.sentence_of(document.start)
    sentence = paragraph.blank[start:end]
    if not _SIGNING.search(sentence):
        return None
    after = sentence[document.end - start :]
    year = re.match(r"^,?\s(?:was\s)?signed\sin\s((?:19|20)\d{2})\b", after)
    if year:
        return PartialDate.parse(year.group(1))
    dates = [d for d in find_dates(sentence, meeting_date.date if meeting_date else None, sentence) if not d.relative]
    if dates:
        return dates[0].date
    return meeting_date


def _kind(text: str, officials: int) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(text):
            return kind
    return "bilateral" if officials == 2 else "other"


def _sentence_text(paragraph: Paragraph, start: int, end: int) -> str:
    return paragraph.blank[start:end].strip()


def propose(text: str, known: KnownNames | None = None) -> Proposal:
    """Read a release and propose the meeting and every record it mentions, matched to known ones."""
    known = known or KnownNames()
    prepared = prepare(known)
    parts = paragraphs(text)
    dateline, headline = find_dateline(parts)
    reference = dateline.date if dateline else None
    body_from = dateline.paragraph if dateline else 1
    readers = []
    for number, part in enumerate(parts, start=1):
        blank = part
        if dateline and number == dateline.paragraph:
            # The headline and the dateline are not sentences of the body: keep offsets, blank the text.
            blank = " " * dateline.end + part[dateline.end :]
        readers.append(Paragraph(number, part, blank, headline=bool(dateline) and number < dateline.paragraph))

    found = Found()
    acronyms: dict[str, str] = {}
    for paragraph in readers:
        _read_paragraph(paragraph, prepared, acronyms, found)

    # Dates, each read in its sentence; the meeting's own date is the first in a sentence about the meeting.
    dates: list[ProposedDate] = []
    if dateline:
        place_text = parts[dateline.paragraph - 1][dateline.start : dateline.end].strip(" -–—:")
        dates.append(
            ProposedDate(place_text, PartialDate(dateline.date, DatePrecision.DAY), dateline.paragraph, "dateline")
        )
    meeting_date, meeting_paragraph, fallback = None, body_from, None
    for paragraph in readers[body_from - 1 :]:
        for start, end in paragraph.sentences:
            sentence = paragraph.blank[start:end]
            for found_date in find_dates(sentence, reference, sentence):
                item = ProposedDate(found_date.text, found_date.date, paragraph.number)
                dates.append(item)
                before = sentence[: found_date.start]
                history = _HISTORY.search(sentence[max(0, found_date.start - 24) : found_date.end])
                if found_date.date.precision not in (DatePrecision.DAY, DatePrecision.MONTH) or history:
                    continue
                if reference and found_date.date.date > reference and not _future(sentence):
                    continue
                if reference and not -180 <= (found_date.date.date - reference).days <= 90:
                    continue  # years before the dateline: history the release recalls
                if meeting_date is None and _MEETING_WORDS.search(sentence) and not before.rstrip().endswith("("):
                    meeting_date, meeting_paragraph = item, paragraph.number
                fallback = fallback or item
    chosen = meeting_date or fallback
    if chosen:
        chosen.role = "meeting"
        meeting = chosen.date
        meeting_paragraph = chosen.paragraph
    else:
        meeting = PartialDate(reference, DatePrecision.DAY) if reference else None

    officials = _officials(found, readers, prepared)
    organisations = _organisations(found, prepared)
    areas = _areas(found, prepared)
    agreements = _agreements(found, prepared, meeting)

    body_sentences = [
        (p.number, _sentence_text(p, s, e))
        for p in readers[body_from - 1 :]
        for s, e in p.sentences
        if _sentence_text(p, s, e)
    ]
    release_title = headline or _lead_title(body_sentences)
    venue, city = "", dateline.place if dateline else ""
    places = [ProposedPlace("", dateline.place, dateline.paragraph, "dateline")] if dateline else []
    for paragraph in readers[body_from - 1 :]:
        for match in _VENUE.finditer(paragraph.blank):
            role = "meeting" if not venue else "mention"
            place = ProposedPlace(match.group("venue"), match.group("city") or city, paragraph.number, role)
            places.append(place)
            if role == "meeting":
                venue, city = place.venue, place.city
    if not venue and _VIRTUAL.search(" ".join(s for _, s in body_sentences[:4])):
        venue = "Videoconference"
    names = [o.name for o in officials[:2]]
    return Proposal(
        release_title=release_title,
        dateline_place=dateline.place if dateline else "",
        dateline_date=reference,
        meeting_title=" meets ".join(names) if len(names) == 2 and len(officials) == 2 else release_title,
        meeting_date=meeting,
        meeting_paragraph=meeting_paragraph,
        venue=venue[:200],
        city=city[:100],
        meeting_kind=_kind(" ".join(s for _, s in body_sentences[:3]) + " " + headline, len(officials)),
        officials=officials,
        organisations=organisations,
        areas=areas,
        agreements=agreements,
        dates=dates,
        places=places,
        summary=extract_summary(body_sentences),
        outcomes=extract_outcomes(body_sentences),
    )


def _future(sentence: str) -> bool:
    return bool(re.search(r"\b(?:will|shall|upcoming|forthcoming|scheduled)\b", sentence, re.IGNORECASE))


def _lead_title(sentences: list[tuple[int, str]]) -> str:
    """Without a headline: the lead sentence, cut before its framing clause."""
    if not sentences:
        return ""
    sentence = sentences[0][1].rstrip(".")
    short = re.split(r"\s(?:within|during|at|on|following)\s", sentence, maxsplit=1)[0]
    return (short if len(short) >= 20 else sentence)[:300]


def read_dateline(text: str):
    """('Jakarta', date(2015, 6, 30), end offset) from a release starting 'JAKARTA, 30 June 2015- ...'."""
    dateline, _ = find_dateline(paragraphs(text))
    if dateline is None:
        return "", None, 0
    return dateline.place, dateline.date, dateline.end


def find_name_duplicates(records: list[Known], names: list[str]) -> list[Known]:
    """Existing records any of the names (a name, an alias, an acronym) already belongs to."""
    keys = {name_key(name) for name in names if name and name.strip()} - {""}
    return [record for record in records if record.keys & keys]
