"""What extraction hands to the editor: proposed records, their matches, candidates and mentions.

Every proposed item carries the paragraph it came from (1 is the first), the existing record it
matches for certain (`match`, or None when it would be new), the records it *might* be
(`candidates`, never applied without the editor) and where it is named (`mentions`: character
offsets within the paragraph text as `paragraphs()` returns it).
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field

from ..dates import PartialDate


@dataclass(frozen=True)
class Known:
    """An existing record, as the names it goes by."""

    pk: int
    name: str
    slug: str
    keys: frozenset[str]
    parent: str | None = None  # slug of the broader record (areas)
    labels: tuple[str, ...] = ()  # the names as written (name, aliases, acronym, short title)

    def as_json(self) -> dict:
        return {"id": self.pk, "name": self.name, "slug": self.slug}


@dataclass(frozen=True)
class Candidate:
    """An existing record the item may be, with how alike the names are (0–1) and why it is only possible."""

    pk: int
    name: str
    score: float
    reason: str

    def as_json(self) -> dict:
        return {"id": self.pk, "name": self.name, "score": round(self.score, 2), "reason": self.reason}


@dataclass(frozen=True)
class Mention:
    """Where an item is named: paragraph (1 is the first) and character offsets within it."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass
class ProposedOfficial:
    name: str
    paragraph: int
    match: Known | None = None
    honorific: str = ""
    title: str = ""
    organisation: str = ""
    role: str = "participant"
    include: bool = True
    candidates: list[Candidate] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class ProposedOrganisation:
    name: str
    paragraph: int
    match: Known | None = None
    acronym: str = ""
    parent: str = ""
    kind: str = "other"
    include: bool = True
    candidates: list[Candidate] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class ProposedArea:
    name: str
    paragraph: int
    match: Known | None = None
    include: bool = True
    candidates: list[Candidate] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    suggested_parent: str | None = None  # slug of the broader area a new one would sit under


@dataclass
class ProposedAgreement:
    name: str
    paragraph: int
    match: Known | None = None
    kind: str = "other"
    signed: PartialDate | None = None
    include: bool = True
    candidates: list[Candidate] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class ProposedDate:
    text: str
    date: PartialDate
    paragraph: int
    role: str = "mention"  # dateline, meeting or mention


@dataclass
class ProposedPlace:
    venue: str
    city: str
    paragraph: int
    role: str = "meeting"  # dateline or meeting


@dataclass
class ProposedSummary:
    text: str
    paragraph: int


@dataclass
class ProposedOutcome:
    kind: str  # an OutcomeKind value
    text: str
    paragraph: int
    include: bool = True


@dataclass
class Proposal:
    """What a release says, as records to create or link; nothing is written until confirmed."""

    release_title: str
    dateline_place: str
    dateline_date: datetime.date | None
    meeting_title: str
    meeting_date: PartialDate | None
    meeting_paragraph: int
    venue: str
    city: str
    meeting_kind: str = "bilateral"
    officials: list[ProposedOfficial] = field(default_factory=list)
    organisations: list[ProposedOrganisation] = field(default_factory=list)
    areas: list[ProposedArea] = field(default_factory=list)
    agreements: list[ProposedAgreement] = field(default_factory=list)
    dates: list[ProposedDate] = field(default_factory=list)
    places: list[ProposedPlace] = field(default_factory=list)
    summary: ProposedSummary | None = None
    outcomes: list[ProposedOutcome] = field(default_factory=list)

    def records(self):
        """Every proposed official, organisation, area and agreement."""
        return [*self.officials, *self.organisations, *self.areas, *self.agreements]

    def new_records(self):
        return [item for item in self.records() if item.match is None]

    def as_json(self) -> dict:
        def item(obj) -> dict:
            data = asdict(obj)
            data.pop("include", None)
            if hasattr(obj, "match"):
                data["match"] = obj.match.as_json() if obj.match else None
            if hasattr(obj, "candidates"):
                data["candidates"] = [candidate.as_json() for candidate in obj.candidates]
            for key in ("signed", "date"):
                if isinstance(getattr(obj, key, None), PartialDate):
                    value = getattr(obj, key)
                    data[key] = {"date": value.isoformat(), "precision": value.precision, "display": str(value)}
            return data

        dateline_date = self.dateline_date.isoformat() if self.dateline_date else None
        return {
            "release_title": self.release_title,
            "dateline_place": self.dateline_place,
            "dateline_date": dateline_date,
            "release": {"title": self.release_title, "dateline_place": self.dateline_place, "date": dateline_date},
            "meeting": {
                "title": self.meeting_title,
                "date": self.meeting_date.isoformat() if self.meeting_date else None,
                "precision": self.meeting_date.precision if self.meeting_date else None,
                "display": str(self.meeting_date) if self.meeting_date else "",
                "venue": self.venue,
                "city": self.city,
                "kind": self.meeting_kind,
                "paragraph": self.meeting_paragraph,
            },
            "summary": asdict(self.summary) if self.summary else None,
            "outcomes": [item(o) for o in self.outcomes],
            "officials": [item(o) for o in self.officials],
            "organisations": [item(o) for o in self.organisations],
            "areas": [item(o) for o in self.areas],
            "agreements": [item(o) for o in self.agreements],
            "dates": [item(o) for o in self.dates],
            "places": [item(o) for o in self.places],
        }
