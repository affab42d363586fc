"""Text search over every public record kind: accent-, case- and spelling-insensitive.

Both databases fold a query the way names.name_key does ("JENČA" → "jenca") and
match every word as a word prefix. PostgreSQL matches with full-text search in the
`partnership_search` configuration (simple + unaccent), served by GIN expression
indexes, plus trigram similarity on officials' names; SQLite matches with LIKE over
the same folded text through a Python function. Snippets are cut and highlighted in
Python for the shown rows only, so both databases show the same thing
(docs/decisions/0004-search.md).
"""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Cast
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Agreement, CooperationArea, Meeting, Official, Organisation, PressRelease
from .names import name_key, strip_accents

if TYPE_CHECKING:
    from .kinds import Kind

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
RANK_CANDIDATES = 200
CONFIG = "partnership_search"

# The columns of each kind's search document, in the order the GIN indexes of
# migration 0002_search_indexes list them: keep the two in step.
DOCUMENTS: dict[type, list[str]] = {
    Meeting: ["title", "summary", "venue", "city"],
    Official: ["name", "aliases", "description"],
    Organisation: ["name", "acronym", "aliases", "description"],
    CooperationArea: ["name", "aliases", "description"],
    Agreement: ["title", "short_title", "aliases", "description"],
    PressRelease: ["title", "dateline_place", "body"],
}
TITLES: dict[type, str] = {Meeting: "title", Agreement: "title", PressRelease: "title"}
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def fold(text: str) -> str:
    """Lower-case, accent-free words: what both sides of a match are reduced to."""
    return name_key(text or "")


def terms(query: str) -> list[str]:
    """The words of a query, folded, without repeats, at most MAX_TERMS."""
    return list(dict.fromkeys(fold(query[:MAX_QUERY_LENGTH]).split()))[:MAX_TERMS]


def _sqlite_unaccent(text):
    # JSONField text is stored with \uXXXX escapes on SQLite; read them back first.
    if text is None:
        return None
    return fold(_JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))


def register_sqlite_functions(sender, connection, **kwargs):
    """Give SQLite the partnership_unaccent() function PostgreSQL gets from migration 0002."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("partnership_unaccent", 1, _sqlite_unaccent, deterministic=True)


connection_created.connect(register_sqlite_functions)


def _column(name: str):
    return Cast(F(name), TextField()) if name == "aliases" else F(name)


class _TsVector(Func):
    """to_tsvector over the columns joined by spaces: the very expression the GIN index holds."""

    arg_joiner = " || ' ' || "
    template = f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)"


class _TsQuery(Func):
    template = f"to_tsquery('{CONFIG}'::regconfig, %(expressions)s)"


class _Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _TsRank(Func):
    function = "ts_rank"
    output_field = FloatField()


class _FoldedDocument(Func):
    """' ' + the folded document, so ' term' finds a word starting with term."""

    arg_joiner = " || ' ' || "
    template = "(' ' || partnership_unaccent(%(expressions)s))"
    output_field = TextField()


def _is_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"{word}:*" for word in words)


def matching(queryset, query: str):
    """The rows of queryset whose document holds every word of query (as a word prefix)."""
    words = terms(query)
    if not words:
        return queryset.none()
    columns = DOCUMENTS[queryset.model]
    if _is_postgresql(queryset):
        condition = Q(_Matches(_TsVector(*map(_column, columns)), _TsQuery(Value(_tsquery(words)))))
        if queryset.model is Official:
            # Trigram similarity catches near-spellings of a person's name ("Miroslav Jencha").
            condition |= Q(
                Func(
                    Value(" ".join(words)),
                    Func(Func(F("name"), function="lower"), function="partnership_unaccent"),
                    template="(%(expressions)s)",
                    arg_joiner=" <%% ",
                    output_field=BooleanField(),
                )
            )
        return queryset.filter(condition)
    alias = "_search_document"
    queryset = queryset.alias(**{alias: _FoldedDocument(*map(_column, columns))})
    return queryset.filter(*[Q(**{f"{alias}__contains": f" {word}"}) for word in words])


def ranked(queryset, query: str):
    """matching(), best first: words in the title count most."""
    words = terms(query)
    base, queryset = queryset, matching(queryset, query)
    if not words:
        return queryset
    title = TITLES.get(queryset.model, "name")
    if _is_postgresql(queryset):
        # Rank the first RANK_CANDIDATES matches the index gives, not every match: ranking re-reads
        # each row's document, which took seconds for a word in most of 200,000 meetings (issue 6).
        # The outer query starts from the unmatched rows, so no document is read twice.
        candidates = queryset.order_by().values("pk")[:RANK_CANDIDATES]
        queryset = base.filter(pk__in=candidates)
        tsquery = _TsQuery(Value(_tsquery(words)))
        rank = _TsRank(_TsVector(*map(_column, DOCUMENTS[queryset.model])), tsquery, Value(1))
        title_hit = Case(When(Q(_Matches(_TsVector(F(title)), tsquery)), then=Value(1.0)), default=Value(0.0))
        return queryset.annotate(search_rank=rank + title_hit).order_by("-search_rank", "pk")
    folded_title = _FoldedDocument(F(title))
    title_hit = Case(
        When(Q(*[Q(_title__contains=f" {word}") for word in words]), then=Value(1.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return queryset.alias(_title=folded_title).annotate(search_rank=title_hit).order_by("-search_rank", "pk")


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """text folded character by character, with the index in text of each folded character."""
    folded, positions = [], []
    for index, char in enumerate(text):
        for piece in strip_accents(char).casefold():
            folded.append(piece)
            positions.append(index)
    return "".join(folded), positions


def highlight(text: str, query: str, *, width: int = 240) -> SafeString:
    """An escaped snippet of text around the first match, each matching word prefix in <mark>."""
    text = " ".join((text or "").split())
    words = terms(query)
    folded, positions = _folded_with_positions(text)
    spans = []
    if words:
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(word) for word in words) + r")\w*")
        for match in pattern.finditer(folded):
            start, end = positions[match.start()], positions[match.end() - 1] + 1
            spans.append((start, end))
    if spans:
        first = spans[0][0]
        left = max(0, first - width // 3)
        if left:
            left = text.rfind(" ", 0, left) + 1
    else:
        left = 0
    right = min(len(text), left + width)
    if right < len(text):
        space = text.rfind(" ", left, right)
        right = space if space > left else right
    out, cursor = [], left
    for start, end in spans:
        if start < cursor or end > right:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:right]))
    prefix = "… " if left else ""
    suffix = " …" if right < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)


@dataclass
class Hit:
    kind: "Kind"
    record: object
    rank: float
    query: str

    @property
    def title(self) -> str:
        return self.kind.title(self.record)

    @cached_property
    def snippet(self) -> SafeString:
        """Cut and highlighted when a page shows this hit, never for the hits on other pages (issue 6)."""
        text = _snippet_text(self.record)
        aliases = getattr(self.record, "aliases", None) or []
        if not _has_prefix(text, self.query) and aliases:
            text = "Also written: " + ", ".join(aliases)
        return highlight(text, self.query)


def _snippet_text(record) -> str:
    """The record's text beside its title: description, summary or body."""
    columns = [c for c in DOCUMENTS[type(record)] if c not in ("aliases", TITLES.get(type(record), "name"))]
    return " · ".join(str(getattr(record, c)) for c in columns if getattr(record, c))


def search(query: str, *, kinds=None, per_kind: int = 50) -> list[Hit]:
    """Every public record matching query, best first; one query per kind, snippets for those rows only."""
    from .kinds import KINDS  # the registry names this module's documents, so it is read here, not at import

    hits = []
    for kind in KINDS.values():
        if kinds and kind.key not in kinds:
            continue
        for record in ranked(kind.model.objects.public(), query)[:per_kind]:
            hits.append(Hit(kind, record, record.search_rank, query))
    hits.sort(key=lambda hit: -hit.rank)
    return hits


def _has_prefix(text: str, query: str) -> bool:
    words = fold(text).split()
    return any(word.startswith(term) for term in terms(query) for word in words)
