"""Citations of a record page: plain text, BibTeX and CSL-JSON.

The builders are pure functions of a `Citable` (no database, no request), so
they are tested directly; `citable_for` maps a record to one. A citation never
claims more precision than the record's date has: a meeting known to the month
is cited with year and month only.
"""

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

from .dates import DatePrecision, format_partial_date, isoformat_partial_date

SITE_NAME = "ASEAN–UN Partnership"


@dataclass(frozen=True)
class Citable:
    """What a citation needs to know about a record page."""

    key: str
    title: str
    url: str
    accessed: datetime.date
    kind: str = "Record"
    author: str = ""
    issued: datetime.date | None = None
    issued_precision: str = DatePrecision.DAY
    container: str = SITE_NAME
    csl_type: str = "webpage"
    publisher: str = ""  # who published the source the record rests on


def citable_for(record, *, url: str, accessed: datetime.date) -> Citable:
    """The citable description of a record page at its permanent URL, as its kind declares it (kinds.py)."""
    from .kinds import BY_MODEL  # the registry reaches the API and the filters; citations stay importable alone

    kind = BY_MODEL[type(record)]
    issued, precision = kind.issued(record) if kind.issued else (None, DatePrecision.DAY)
    return Citable(
        key=_key(record),
        url=url,
        accessed=accessed,
        container=getattr(settings, "SITE_NAME", SITE_NAME),
        # A named record is cited as its page heads it (with its acronym); others by their title alone.
        title=str(record) if kind.title_field == "name" else kind.title(record),
        kind=kind.citation,
        author=kind.author(record) if kind.author else "",
        issued=issued,
        issued_precision=precision,
        csl_type=kind.csl_type,
        publisher=kind.publisher(record) if kind.publisher else "",
    )


def _key(record) -> str:
    return f"{type(record).__name__.lower()}-{record.slug}"


def plain_text(c: Citable) -> str:
    """'ASEAN Secretariat. “Title.” Press release, 30 June 2015. ASEAN–UN Partnership. URL (accessed 1 May 2026).'"""
    parts = []
    if c.author:
        parts.append(f"{c.author}.")
    parts.append(f"“{c.title}.”")
    issued = format_partial_date(c.issued, c.issued_precision)
    parts.append(f"{c.kind}, {issued}." if issued else f"{c.kind}.")
    parts.append(f"{c.container}.")
    parts.append(f"{c.url} (accessed {format_partial_date(c.accessed, DatePrecision.DAY)}).")
    return " ".join(parts)


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}~^\\])")
_BIBTEX_REPLACEMENTS = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def bibtex_escape(text: str) -> str:
    """Escape LaTeX's special characters; diacritics stay as UTF-8 (biber and modern BibTeX read it)."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), text)


def bibtex_key(c: Citable) -> str:
    ascii_key = unicodedata.normalize("NFKD", c.key).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9-]", "", ascii_key) or "record"


def bibtex(c: Citable) -> str:
    """A biblatex-friendly @misc entry; an organisation as author is braced so it is not split into names."""
    fields = []
    if c.author:
        fields.append(("author", "{" + bibtex_escape(c.author) + "}"))
    fields.append(("title", "{" + bibtex_escape(c.title) + "}"))
    fields.append(("howpublished", bibtex_escape(c.container)))
    if c.publisher:
        fields.append(("publisher", bibtex_escape(c.publisher)))
    if c.issued:
        fields.append(("year", str(c.issued.year) if c.issued_precision != DatePrecision.DECADE else ""))
        if c.issued_precision in (DatePrecision.DAY, DatePrecision.MONTH):
            fields.append(("month", str(c.issued.month)))
        if c.issued_precision == DatePrecision.DAY:
            fields.append(("date", c.issued.isoformat()))
        fields = [(name, value) for name, value in fields if value]
    fields.append(("url", c.url))
    fields.append(("urldate", c.accessed.isoformat()))
    fields.append(("note", bibtex_escape(f"{c.kind}. Accessed {format_partial_date(c.accessed, DatePrecision.DAY)}")))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(c)},\n{body}\n}}"


def _date_parts(value: datetime.date, precision: str) -> dict:
    if precision == DatePrecision.DAY:
        return {"date-parts": [[value.year, value.month, value.day]]}
    if precision == DatePrecision.MONTH:
        return {"date-parts": [[value.year, value.month]]}
    if precision == DatePrecision.YEAR:
        return {"date-parts": [[value.year]]}
    # A decade is a range in CSL; 'literal' keeps how it was written.
    return {"date-parts": [[value.year], [value.year + 9]], "literal": isoformat_partial_date(value, precision)}


def csl_data(c: Citable) -> dict:
    """One CSL-JSON item (the format Zotero, Pandoc and citeproc read)."""
    item = {
        "id": c.key,
        "type": c.csl_type,
        "title": c.title,
        "container-title": c.container,
        "genre": c.kind,
        "URL": c.url,
        "accessed": _date_parts(c.accessed, DatePrecision.DAY),
    }
    if c.author:
        item["author"] = [{"literal": c.author}]
    if c.publisher:
        item["publisher"] = c.publisher
    if c.issued:
        item["issued"] = _date_parts(c.issued, c.issued_precision)
    return item


def csl_json(c: Citable) -> str:
    """CSL-JSON as text: a list holding one item."""
    return json.dumps([csl_data(c)], ensure_ascii=False, indent=2)


def highwire_date(c: Citable) -> str:
    """The issued date as citation_publication_date wants it ("2015/06/26", "2015/06", "2015"), no more precise."""
    if not c.issued or c.issued_precision == DatePrecision.DECADE:
        return ""
    parts = {DatePrecision.DAY: "%Y/%m/%d", DatePrecision.MONTH: "%Y/%m"}.get(c.issued_precision, "%Y")
    return c.issued.strftime(parts)


def description(c: Citable) -> str:
    """One line for link previews: the kind, its date and its source's publisher."""
    issued = format_partial_date(c.issued, c.issued_precision)
    details = ", ".join(part for part in [issued, f"published by {c.publisher}" if c.publisher else ""] if part)
    return f"{c.kind} in the ASEAN–UN Partnership knowledge base" + (f" ({details})." if details else ".")
