"""Dates that keep their precision: 26 June 2015, May 2015, 2011, the 1970s.

A partial date is stored as the first day of its span plus a precision, and is
never shown more precisely than it was written (docs/decisions/0002-dates-with-precision.md).
"""

import datetime
import re
from dataclasses import dataclass

from django.db import models


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    DECADE = "decade", "Decade"


_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), DatePrecision.DAY),
    (re.compile(r"^(\d{4})-(\d{2})$"), DatePrecision.MONTH),
    (re.compile(r"^(\d{4})$"), DatePrecision.YEAR),
    (re.compile(r"^(\d{3}0)s$"), DatePrecision.DECADE),
]


@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month, a year or a decade."""

    date: datetime.date
    precision: str

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Read '2015-06-26', '2015-05', '2011' or '1970s'; raise ValueError otherwise."""
        text = str(text).strip()
        for pattern, precision in _PATTERNS:
            match = pattern.match(text)
            if not match:
                continue
            parts = [int(group) for group in match.groups()]
            year = parts[0]
            month = parts[1] if len(parts) > 1 else 1
            day = parts[2] if len(parts) > 2 else 1
            try:
                return cls(datetime.date(year, month, day), precision)
            except ValueError as error:
                raise ValueError(f"'{text}' is not a real date ({error})") from None
        raise ValueError(f"'{text}' is not a date; write YYYY-MM-DD, YYYY-MM, YYYY or a decade like 1970s")

    def __str__(self) -> str:
        return format_partial_date(self.date, self.precision)

    def isoformat(self) -> str:
        """The form parse() reads: as precise as the date is known."""
        return isoformat_partial_date(self.date, self.precision)

    @property
    def end(self) -> datetime.date:
        """The last day of the span the date covers."""
        return span_end(self.date, self.precision)


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    """'26 June 2015', 'May 2015', '2011' or 'the 1970s'."""
    if value is None:
        return ""
    if precision == DatePrecision.DECADE:
        return f"the {value.year // 10 * 10}s"
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def isoformat_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == DatePrecision.DECADE:
        return f"{value.year // 10 * 10}s"
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def span_end(value: datetime.date, precision: str) -> datetime.date:
    if precision == DatePrecision.DECADE:
        return datetime.date(value.year // 10 * 10 + 9, 12, 31)
    if precision == DatePrecision.YEAR:
        return datetime.date(value.year, 12, 31)
    if precision == DatePrecision.MONTH:
        next_month = (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return next_month - datetime.timedelta(days=1)
    return value


def is_start_of_span(value: datetime.date, precision: str) -> bool:
    """A partial date is stored as the first day of its span."""
    if precision == DatePrecision.DECADE:
        return value.month == 1 and value.day == 1 and value.year % 10 == 0
    if precision == DatePrecision.YEAR:
        return value.month == 1 and value.day == 1
    if precision == DatePrecision.MONTH:
        return value.day == 1
    return True
