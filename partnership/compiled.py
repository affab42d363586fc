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
"""

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Marker values no record has: primary keys are positive and slugs hold no control characters.
_INT_MARKER_BASE = -(10**15)


def _marker(index: int, value) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"A compiled query takes ints and strs, not {type(value).__name__} (argument {index}).")
    return _INT_MARKER_BASE - index if isinstance(value, int) else f"\x00compiled-marker-{index}\x00"


@dataclass(frozen=True)
class _Shape:
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    slots: tuple[int | None, ...]  # for each parameter, the argument it takes, or None: a constant


class Compiled:
    """build(*values, *key) -> QuerySet, compiled once per database and key; calling it with values
    returns the QuerySet's results as a list.

    The values are ints or strs, each used as it is in a lookup (`slug=`, `meeting_id=`): a lookup
    that transforms its value (`icontains` wraps it in %) cannot be swapped and is refused when
    first compiled.
    """

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._shapes: dict[tuple, _Shape] = {}

    def __call__(self, *values, key: tuple[Hashable, ...] = (), using: str = DEFAULT_DB_ALIAS) -> list:
        shape = self._shapes.get((using, key, len(values)))
        if shape is None:
            shape = self._shapes[(using, key, len(values))] = self._compile(values, key, using)
        params = tuple(
            param if slot is None else values[slot] for param, slot in zip(shape.params, shape.slots, strict=True)
        )
        frozen = copy.copy(shape.compiler)
        frozen.connection = connections[using]  # this thread's connection
        frozen.as_sql = lambda *args, **kwargs: (shape.sql, params)
        queryset = shape.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: frozen
        return list(queryset)

    def _compile(self, values: tuple, key: tuple, using: str) -> _Shape:
        markers = [_marker(index, value) for index, value in enumerate(values)]
        queryset = self.build(*markers, *key).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for param in params:
            slot = next(
                (index for index, marker in enumerate(markers) if type(param) is type(marker) and param == marker), None
            )
            if slot is None and isinstance(param, str) and "\x00compiled-marker-" in param:
                raise ValueError(f"A lookup transformed a compiled query's value ({param!r}): pass it untransformed.")
            slots.append(slot)
        missing = set(range(len(markers))) - set(slots)
        if missing:
            raise ValueError(f"A compiled query's arguments {sorted(missing)} do not reach its SQL.")
        return _Shape(queryset, compiler, sql, tuple(params), tuple(slots))
