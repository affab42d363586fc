"""QuerySets compiled to SQL once per process, then run with each call's values.

Django compiles a QuerySet to SQL every time it is evaluated: every join, every lookup, the
public rule's nested subqueries. On a record page that compiling took longer than PostgreSQL took
to run the queries. A `Compiled` builds its QuerySet once, from marker values standing in for the
values that change from call to call. It keeps what Django's compiler made of it: the SQL, the
parameters, and how a row becomes objects. Each call runs that SQL with the markers swapped for
the call's values, through Django's own iterables, so it returns what the QuerySet built from
those values would return.

The builder must read nothing that changes between calls: no clock, no request, no setting. The
public rule reads none (partnership/models.py). A value that chooses between two shapes of query,
such as whether the kept flags are current, is passed as a key and gets its own compiled query.

A list of ids that facets.among() passes as one array parameter (a record's meetings, however many)
is named in `arrays`: on PostgreSQL the query is then compiled once whatever the list's length,
where a list in `pk__in=` is compiled once per length. Elsewhere, where the list is a parameter per
id, such a query is built for each call.

Its SQL being the same on every call, a compiled query is prepared by the connection after a few
runs, and PostgreSQL may then settle on one generic plan for every value. Where the best plans for
two values differ by orders of magnitude, `planned_each_call=True` keeps it unprepared: planned for
its own values each time (a fraction of a millisecond for a query without the public rule).

A page whose reads need only its record's key binds each (`bind`) and reads them with
`read_together`: on PostgreSQL they go to the server in one round trip, each still a prepared
statement of its own, mapped to objects as if it had run alone.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import cursor_iter
from django.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE

# Marker values no record has: primary keys are positive and slugs hold no control characters.
_INT_MARKER_BASE = -(10**15)


def _marker(index: int, value, position: int = 0) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(
            f"A compiled query takes ints, strs and lists of ints, not {type(value).__name__} (argument {index})."
        )
    if isinstance(value, str):
        return f"\x00compiled-marker-{index}-{position}\x00"
    return _INT_MARKER_BASE - index * 1_000_000 - position


def _markers(index: int, value) -> int | str | list[int]:
    """The marker for value, or a list of one marker per element for a list (`pk__in=`)."""
    if isinstance(value, list):
        return [_marker(index, element, position) for position, element in enumerate(value)]
    return _marker(index, value)


@dataclass(frozen=True)
class _Shape:
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    # For each parameter, where its value comes from: (argument, element of a list argument or
    # None), or None for a constant of the query.
    slots: tuple[tuple[int, int | None] | None, ...]
    # How each connection's rows become values (compiler.get_converters), worked out once: Django
    # asks every field of every column again on each run.
    converters: dict = field(default_factory=dict)


_EMPTY = object()  # the shape of a query Django knows gives no rows


class Compiled:
    """build(*values, *key) -> QuerySet, compiled once per database and key; calling it with values
    returns the QuerySet's results as a list.

    The values are ints or strs, each used as it is in a lookup (`slug=`, `meeting_id=`), or lists
    of ints (`pk__in=`: compiled once per length; an argument whose position is in `arrays` is
    passed by the builder through facets.among(): on PostgreSQL compiled once, elsewhere built for
    each call). A lookup that transforms its value (`icontains` wraps it in %) cannot be swapped
    and is refused when first compiled.
    """

    def __init__(
        self, build: Callable[..., QuerySet], *, planned_each_call: bool = False, arrays: tuple[int, ...] = ()
    ):
        self.build = build
        self.planned_each_call = planned_each_call
        # The positions of the arguments the builder passes through facets.among().
        self.arrays = frozenset(arrays)
        self._shapes: dict[tuple, _Shape] = {}

    def __deepcopy__(self, memo):
        return self  # one per process: forms and filters deep-copy what they were declared with

    def __call__(self, *values, key: tuple[Hashable, ...] = (), using: str = DEFAULT_DB_ALIAS) -> list:
        return self.bind(*values, key=key, using=using).rows()

    def bind(self, *values, key: tuple[Hashable, ...] = (), using: str = DEFAULT_DB_ALIAS) -> "Read":
        """The read of these values, not yet run: run it with rows(), or with others in one round trip
        with read_together()."""
        if self.arrays and connections[using].vendor != "postgresql":
            # A list in `pk__in=` is one parameter per id: kept per length, a record's meetings
            # would keep a query for every count of meetings. Built for each call instead.
            return Read(self.build(*values, *key).using(using), using)
        lengths = tuple(
            len(value) if isinstance(value, list) and index not in self.arrays else None
            for index, value in enumerate(values)
        )
        shape = self._shapes.get((using, key, lengths))
        if shape is None:
            shape = self._shapes[(using, key, lengths)] = self._compile(values, key, using)
        if shape is _EMPTY:
            return Read(None, using)
        params = tuple(
            param if slot is None else values[slot[0]] if slot[1] is None else values[slot[0]][slot[1]]
            for param, slot in zip(shape.params, shape.slots, strict=True)
        )
        frozen = _copied(shape.compiler)
        frozen.connection = connection = connections[using]  # this thread's connection
        frozen.as_sql = lambda *args, **kwargs: (shape.sql, params)
        converters = shape.converters.get(id(connection))
        if converters is None:
            converters = shape.converters[id(connection)] = frozen.get_converters(
                [column[0] for column in frozen.select[: frozen.col_count]]
            )
        frozen.get_converters = lambda expressions: converters
        # Nothing changes the shape's QuerySet or Query while it is read: copies one level deep do,
        # where QuerySet._chain() cloned the whole Query on every call.
        queryset = _copied(shape.queryset)
        queryset._query = _copied(shape.queryset.query)
        queryset._result_cache, queryset._prefetch_done = None, False
        queryset.query.get_compiler = lambda *args, **kwargs: frozen
        return Read(queryset, using, frozen, (shape.sql, params), self.planned_each_call)

    def _compile(self, values: tuple, key: tuple, using: str) -> _Shape | object:
        markers = [[_marker(i, 0)] if i in self.arrays else _markers(i, value) for i, value in enumerate(values)]
        where = {}
        # An array goes into the SQL's parameters as the list object itself: found by identity.
        arrays = {id(markers[index]): index for index in self.arrays}
        for index, marker in enumerate(markers):
            if index in self.arrays:
                where[(list, id(marker))] = (index, None)
                continue
            for position, element in enumerate(marker) if isinstance(marker, list) else [(None, marker)]:
                where[(type(element), element)] = (index, position)
        queryset = self.build(*markers, *key).using(using)
        compiler = queryset.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # an empty list in `pk__in=`: so is every list of that length
            return _EMPTY
        slots = []
        for param in params:
            if isinstance(param, list) and id(param) in arrays:
                slot = (arrays[id(param)], None)
            else:
                slot = where.get((type(param), param)) if isinstance(param, int | str) else None
            if slot is None and isinstance(param, str) and "\x00compiled-marker-" in param:
                raise ValueError(f"A lookup transformed a compiled query's value ({param!r}): pass it untransformed.")
            slots.append(slot)
        missing = set(where.values()) - set(slots)
        if missing:
            raise ValueError(
                f"A compiled query's arguments {sorted({index for index, _ in missing})} do not reach its SQL."
            )
        return _Shape(queryset, compiler, sql, tuple(params), tuple(slots))


class Read:
    """One compiled query bound to its values: rows() runs it. `sql` is (SQL, parameters) when it can
    be sent with others (read_together); a query Django knows gives no rows has no queryset."""

    def __init__(self, queryset, using: str, compiler=None, sql: tuple | None = None, planned_each_call=False):
        self.queryset = queryset
        self.using = using
        self.compiler = compiler
        self.sql = None if planned_each_call else sql
        self.planned_each_call = planned_each_call
        self.map_rows: Callable[[list], object] = list

    def then(self, map_rows: Callable[[list], object]) -> "Read":
        """This read, giving map_rows(its results) instead of the list."""
        self.map_rows = map_rows
        return self

    def rows(self, cursor=None):
        """The results, as the QuerySet gives them; from `cursor` when read_together() has run the SQL."""
        if self.queryset is None:
            return self.map_rows([])
        if cursor is not None:
            self.compiler.execute_sql = lambda *args, **kwargs: _fetched(self.compiler, cursor)
        with _unprepared(connections[self.using]) if self.planned_each_call else nullcontext():
            return self.map_rows(list(self.queryset))


class RawRead:
    """A query written in SQL, for read_together(): rows() maps its fetched rows."""

    def __init__(self, sql: str, params, using: str = DEFAULT_DB_ALIAS, map_rows: Callable[[list], object] = list):
        self.sql, self.using, self.map_rows = (sql, tuple(params)), using, map_rows

    def rows(self, cursor=None):
        if cursor is None:
            with connections[self.using].cursor() as cursor:
                cursor.execute(*self.sql)
                return self.map_rows(cursor.fetchall())
        with cursor:
            return self.map_rows(cursor.fetchall())


class Call:
    """A read that read_together() cannot send with others (SQLite's, or one built for each call):
    run by itself, in its place."""

    sql = None

    def __init__(self, function: Callable[[], object], using: str = DEFAULT_DB_ALIAS):
        self.function, self.using = function, using

    def rows(self, cursor=None):
        return self.function()


def read_together(*reads: "Read | RawRead | Call") -> list:
    """Each read's rows, in order. On PostgreSQL the reads are sent in one round trip (psycopg's
    pipeline mode): a meeting's page asked nine queries one after another, and each waited for the
    one before it. Each still goes through the connection's cursor, so it is logged and counted as
    any query, and is prepared after a few runs as any compiled query is."""
    sent = [read for read in reads if read.sql is not None]
    using = reads[0].using if reads else DEFAULT_DB_ALIAS
    connection = connections[using]
    if connection.vendor != "postgresql" or len(sent) < 2 or any(read.using != using for read in sent):
        return [read.rows() for read in reads]
    connection.ensure_connection()
    cursors = {}
    with connection.wrap_database_errors, connection.connection.pipeline():
        for read in sent:
            cursor = connection.cursor()
            cursor.execute(*read.sql)
            cursors[id(read)] = cursor
    return [read.rows(cursors.get(id(read))) for read in reads]


def _copied(instance):
    """A copy of instance sharing its attributes' values. By hand: copy.copy() follows __reduce__,
    which a compiler with a mixin (django-cte's, for a WITH clause) defines to give its class."""
    copy = object.__new__(type(instance))
    copy.__dict__.update(instance.__dict__)
    return copy


def _fetched(compiler, cursor):
    """What compiler.execute_sql() gives for the rows of a query already run on cursor."""
    rows = cursor_iter(
        cursor,
        compiler.connection.features.empty_fetchmany_value,
        compiler.col_count if compiler.has_extra_select else None,
        GET_ITERATOR_CHUNK_SIZE,
    )
    return list(rows)


@contextmanager
def _unprepared(connection) -> Iterator[None]:
    """Statements run meanwhile on the connection are not prepared (psycopg's threshold off), so
    PostgreSQL plans each for its own values. A setting of the client: no round trip."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    client = connection.connection
    threshold = client.prepare_threshold
    client.prepare_threshold = None
    try:
        yield
    finally:
        client.prepare_threshold = threshold
