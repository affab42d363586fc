"""Headline, dateline and dates: explicit, ranged and relative ones resolved against the dateline.

python-dateutil reads the date words (day-first and month-first, with or without a year) and
moves between weekdays; the patterns here only find where a date is written. Every pattern has
bounded repetition, so the work is linear in the text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from dateutil import parser as date_parser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

from ..dates import DatePrecision, PartialDate

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_M = rf"(?:{MONTHS})\.?"
_DASH = r"\s?[-–—]\s?"
_YEAR = r"(?:19|20)\d{2}"
_DAY_FIRST = rf"(?P<d1>\d{{1,2}})(?:(?:{_DASH}|\s(?:and|to)\s)(?P<d2>\d{{1,2}}))?\s(?P<m1>{_M})(?:,?\s(?P<y1>{_YEAR}))?"
_MONTH_FIRST = (
    rf"(?P<m2>{_M})\s(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:(?:{_DASH}|\s(?:and|to)\s)(?P<d4>\d{{1,2}}))?(?:,?\s(?P<y2>{_YEAR}))?"
)
_DAY = re.compile(rf"(?<![\w-])(?:{_DAY_FIRST}|{_MONTH_FIRST})(?![\w-])")
_MONTH_YEAR = re.compile(rf"(?<![\w-])(?P<m>{_M}),?\s(?P<y>{_YEAR})(?!\d)")
_YEAR_ONLY = re.compile(rf"\b(?:in|since|from|until|by|of|during)\s(?P<y>{_YEAR})(?![\w-])")
_DECADE = re.compile(r"\b(?:the\s)?(?P<y>\d{3}0)s\b")

WEEKDAYS = {"monday": MO, "tuesday": TU, "wednesday": WE, "thursday": TH, "friday": FR, "saturday": SA, "sunday": SU}
_WEEKDAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
# Month and weekday names: capitalised, yet never part of a name, a title or a document.
CALENDAR_WORDS = frozenset([*MONTHS.split("|")[:12], *_WEEKDAY.split("|")])
_RELATIVE = re.compile(
    rf"(?<![\w-])(?:(?P<today>today|this\smorning|this\safternoon|earlier\stoday)"
    r"|(?P<yesterday>yesterday)"
    r"|(?P<tomorrow>tomorrow)"
    r"|(?P<week>earlier\sthis\sweek|this\sweek)"
    rf"|(?:(?P<mod>last|this|next|on|on\sthe\spast)\s)?(?P<weekday>{_WEEKDAY})(?!\s*,?\s*\d)(?:\s(?:morning|afternoon|evening))?)"
    r"(?![\w-])",
    re.IGNORECASE,
)

# "JAKARTA, 30 June 2015-", "Jakarta, 30 June 2015 –", "NEW YORK (1 March 2019) —", "Ha Noi, Viet Nam, 5 May 2020:"
_WORD = r"[^\W\d_][^\W\d_ .’'-]*"
_PLACE = rf"(?P<place>{_WORD}(?:[ .’'-]{{1,2}}{_WORD}){{0,5}}(?:,\s{_WORD}(?:[ -][^\W\d_]+){{0,3}})?)"
_DATELINE_DATE = (
    rf"(?:(?P<day>\d{{1,2}})\s(?P<month>{_M})|(?P<month2>{_M})\s(?P<day2>\d{{1,2}}))(?:,)?\s(?P<year>{_YEAR})"
)
DATELINE = re.compile(
    rf"^\s*{_PLACE}(?:,\s{{1,3}}|\s{{1,3}}\(\s?){_DATELINE_DATE}\)?\s{{0,3}}(?:[-–—:]{{1,2}}|\(\w+\)\s?[-–—])\s*",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Dateline:
    place: str
    date: datetime.date
    paragraph: int  # 1 is the first
    start: int  # offsets within the paragraph
    end: int


@dataclass(frozen=True)
class FoundDate:
    text: str
    date: PartialDate
    start: int
    end: int
    relative: bool = False


def _place_name(raw: str) -> str:
    """'JAKARTA' → 'Jakarta', 'NAY PYI TAW' → 'Nay Pyi Taw', 'Ha Noi, Viet Nam' → 'Ha Noi'; mixed case kept."""
    city = raw.split(",")[0].strip()
    return city.title() if city.isupper() else city


def find_dateline(parts: list[str]) -> tuple[Dateline | None, str]:
    """The dateline (in the first paragraphs, at the start of a line) and the headline before it."""
    for number, text in enumerate(parts[:3], start=1):
        for match in DATELINE.finditer(text):
            before = text[: match.start()].strip()
            headline = "\n".join([*parts[: number - 1], before]).strip() if (before or number > 1) else ""
            try:
                day = _day_of(match.group("day") or match.group("day2"), match.group("month") or match.group("month2"))
                value = day.replace(year=int(match.group("year")))
            except ValueError:
                continue
            place = _place_name(match.group("place"))
            return Dateline(place, value, number, match.start("place"), match.end()), " ".join(headline.split())
    return None, ""


def _day_of(day: str, month: str) -> datetime.date:
    return date_parser.parse(f"{day} {month.rstrip('.')} 2000", dayfirst=True).date()


def _resolve(day: str, month: str, year: str | None, reference: datetime.date | None, future: bool) -> datetime.date:
    value = _day_of(day, month)
    if year:
        return value.replace(year=int(year))
    if reference is None:
        raise ValueError("no year")
    # Without a year: the latest such day up to the dateline, or the next one for what is still to come.
    value = value.replace(year=reference.year)
    if future and value < reference:
        value = value.replace(year=reference.year + 1)
    elif not future and value > reference:
        value = value.replace(year=reference.year - 1)
    return value


_FUTURE = re.compile(r"\b(?:will|shall|is\sto\sbe|are\sto\sbe|upcoming|forthcoming|scheduled|next)\b", re.IGNORECASE)


def find_dates(text: str, reference: datetime.date | None, sentence: str = "") -> list[FoundDate]:
    """Every date written in the text, as precisely as it is written, with its offsets.

    `sentence` is the sentence the text belongs to (for the tense of a year-less date).
    """
    future = bool(_FUTURE.search(sentence or text))
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def add(match, value: PartialDate, relative: bool = False) -> None:
        span = match.span()
        if any(span[0] < end and start < span[1] for start, end in taken):
            return
        taken.append(span)
        found.append(FoundDate(match.group(0), value, span[0], span[1], relative))

    for match in _DAY.finditer(text):
        day, month = match.group("d1") or match.group("d3"), match.group("m1") or match.group("m2")
        try:
            value = _resolve(day, month, match.group("y1") or match.group("y2"), reference, future)
        except ValueError:
            continue
        add(match, PartialDate(value, DatePrecision.DAY))
    for match in _MONTH_YEAR.finditer(text):
        month = _day_of("1", match.group("m")).month
        add(match, PartialDate(datetime.date(int(match.group("y")), month, 1), DatePrecision.MONTH))
    for match in _YEAR_ONLY.finditer(text):
        add(match, PartialDate(datetime.date(int(match.group("y")), 1, 1), DatePrecision.YEAR))
    for match in _DECADE.finditer(text):
        add(match, PartialDate(datetime.date(int(match.group("y")), 1, 1), DatePrecision.DECADE))
    if reference is not None:
        for match in _RELATIVE.finditer(text):
            value = relative_date(match, reference, future)
            if value is not None:
                add(match, value, relative=True)
    return sorted(found, key=lambda d: d.start)


def relative_date(match, reference: datetime.date, future: bool = False) -> PartialDate | None:
    """today, yesterday, tomorrow, (on|last|this|next) <weekday>, earlier this week — against the dateline."""
    day = DatePrecision.DAY
    if match.group("today"):
        return PartialDate(reference, day)
    if match.group("yesterday"):
        return PartialDate(reference - datetime.timedelta(days=1), day)
    if match.group("tomorrow"):
        return PartialDate(reference + datetime.timedelta(days=1), day)
    if match.group("week"):
        # Some day of the dateline's week before it: known to the month (of the day before the dateline).
        earlier = reference - datetime.timedelta(days=1)
        return PartialDate(earlier.replace(day=1), DatePrecision.MONTH)
    name = match.group("weekday")
    if not name:
        return None
    target: weekday = WEEKDAYS[name.lower()]
    modifier = (match.group("mod") or "").lower()
    if modifier == "next" or (future and modifier in {"", "on", "this"}):
        return PartialDate(reference + relativedelta(days=1, weekday=target(+1)), day)
    if modifier == "last" or modifier.endswith("past"):
        return PartialDate(reference + relativedelta(days=-1, weekday=target(-1)), day)
    # "on Thursday", "this Thursday", "Thursday": the latest such day up to the dateline (or the next one to come).
    return PartialDate(reference + relativedelta(weekday=target(-1)), day)
