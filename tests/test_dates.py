import datetime

import pytest

from partnership.dates import DatePrecision, PartialDate


@pytest.mark.parametrize(
    ("text", "date", "precision", "shown"),
    [
        ("2015-06-26", datetime.date(2015, 6, 26), DatePrecision.DAY, "26 June 2015"),
        ("2015-05", datetime.date(2015, 5, 1), DatePrecision.MONTH, "May 2015"),
        ("2011", datetime.date(2011, 1, 1), DatePrecision.YEAR, "2011"),
        ("1970s", datetime.date(1970, 1, 1), DatePrecision.DECADE, "the 1970s"),
    ],
)
def test_partial_dates_keep_their_precision(text, date, precision, shown):
    """A date is shown exactly as precisely as it was written, never as an invented 1 January."""
    parsed = PartialDate.parse(text)
    assert (parsed.date, parsed.precision) == (date, precision)
    assert str(parsed) == shown
    assert parsed.isoformat() == text


@pytest.mark.parametrize("text", ["yesterday", "2015-13", "2015-02-30", "1975s", "", "15-06-26"])
def test_bad_dates_are_refused_with_a_message(text):
    with pytest.raises(ValueError, match="date"):
        PartialDate.parse(text)


def test_span_end_covers_the_whole_span():
    assert PartialDate.parse("1970s").end == datetime.date(1979, 12, 31)
    assert PartialDate.parse("2016-02").end == datetime.date(2016, 2, 29)
    assert PartialDate.parse("2011").end == datetime.date(2011, 12, 31)
